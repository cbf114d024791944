"""Tests of dlguide.language.sentiment: star labels, splits, metrics, calibration, training."""

from __future__ import annotations

import numpy as np
import pytest

from dlguide.language.sentiment import (
    STAR_NAMES,
    classify,
    fine_tuned_sentiment,
    length_grouped_epochs,
    off_by_one_accuracy,
    sentiment_splits,
    stars_from_ratings,
    thresholds_like,
    train_text_classifier,
)
from dlguide.metrics import expected_calibration_error, fit_temperature, reliability_bins


def test_stars_from_ratings_edges():
    ratings = np.array([-4, -2.01, -2.0, -0.5, -0.49, 0.5, 0.51, 2.0, 2.01, 4])
    np.testing.assert_array_equal(stars_from_ratings(ratings), [0, 0, 0, 1, 2, 2, 3, 3, 4, 4])


@pytest.mark.parametrize(
    ("bad", "error"), [(np.array([5.0]), ValueError), (np.array([np.nan]), ValueError),
                       ([[1.0]], ValueError), (None, TypeError), (np.array(["1"]), TypeError)],
)  # fmt: skip
def test_stars_from_ratings_bad_input(bad, error):
    with pytest.raises(error):
        stars_from_ratings(bad)


def test_splits_are_disjoint_and_reproducible():
    a = sentiment_splits(200, 100, 100, seed=3)
    b = sentiment_splits(200, 100, 100, seed=3)
    assert list(a.train.text) == list(b.train.text)
    texts = [set(part.text) for part in (a.train, a.valid, a.test)]
    assert not (texts[0] & texts[1] or texts[0] & texts[2] or texts[1] & texts[2])
    assert set(a.train.domain) <= {"movies", "amazon"}
    np.testing.assert_array_equal(a.train.stars, stars_from_ratings(a.train.rating.to_numpy()))


def test_splits_bad_input():
    with pytest.raises(ValueError, match="only"):
        sentiment_splits(100_000)
    with pytest.raises(ValueError, match="n_valid"):
        sentiment_splits(10, 0)


def test_off_by_one_accuracy():
    assert off_by_one_accuracy(np.array([0, 1, 2, 3]), np.array([0, 3, 1, 4])) == 0.75
    with pytest.raises(ValueError, match="same number of rows"):
        off_by_one_accuracy(np.array([0, 1]), np.array([0]))
    with pytest.raises(TypeError, match="integer"):
        off_by_one_accuracy(np.array([0.5]), np.array([0]))


def test_thresholds_like_reproduces_class_shares():
    rng = np.random.default_rng(0)
    scores = rng.normal(size=1000)
    labels = np.repeat([0, 1, 2], [200, 500, 300])
    cuts = thresholds_like(scores, labels)
    predicted = np.searchsorted(cuts, scores)
    np.testing.assert_allclose(np.bincount(predicted) / 1000, [0.2, 0.5, 0.3], atol=0.002)


def _brute_ece(probs, labels, n_bins):
    conf, pred = probs.max(1), probs.argmax(1)
    total = 0.0
    for lo, hi in zip(np.linspace(0, 1, n_bins + 1)[:-1], np.linspace(0, 1, n_bins + 1)[1:]):
        inside = (conf > lo) & (conf <= hi)
        if inside.any():
            gap = abs((pred[inside] == labels[inside]).mean() - conf[inside].mean())
            total += gap * inside.mean()
    return total


def test_ece_matches_a_brute_force_computation():
    rng = np.random.default_rng(1)
    logits = rng.normal(size=(500, 4)) * 2
    probs = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    labels = rng.integers(0, 4, 500)
    assert expected_calibration_error(probs, labels, 10) == pytest.approx(
        _brute_ece(probs, labels, 10)
    )


def test_ece_is_zero_for_a_calibrated_toy():
    probs = np.array([[0.5, 0.5]] * 4)
    assert expected_calibration_error(probs, np.array([0, 1, 0, 1])) == pytest.approx(0.0)


def test_reliability_bins_bad_input():
    with pytest.raises(ValueError, match="sum to 1"):
        reliability_bins(np.array([[0.5, 0.6]]), np.array([0]))
    with pytest.raises(ValueError, match="same number of rows"):
        reliability_bins(np.array([[0.5, 0.5]]), np.array([0, 1]))
    with pytest.raises(TypeError, match=r"^probs must be an array"):
        reliability_bins("probs", np.array([0]))


def test_thresholds_like_bad_labels():
    with pytest.raises(
        ValueError, match=r"^labels must hold class ids 0, 1, 2, ..., got values from -1 to 0"
    ):
        thresholds_like(np.array([0.1, 0.2]), np.array([-1, 0]))
    with pytest.raises(TypeError, match=r"^scores must be an array"):
        thresholds_like(0.1, np.array([0]))


def test_fit_temperature_minimises_cross_entropy():
    from scipy.special import log_softmax

    rng = np.random.default_rng(2)
    labels = rng.integers(0, 3, 3000)
    logits = rng.normal(size=(3000, 3))
    logits[np.arange(3000), labels] += 1.5
    overconfident = logits * 3
    t = fit_temperature(overconfident, labels)

    def nll(temp):
        return -log_softmax(overconfident / temp, axis=1)[np.arange(3000), labels].mean()

    assert 2.0 < t < 4.5
    assert nll(t) <= min(nll(t * 0.95), nll(t * 1.05))


def test_fit_temperature_bad_labels():
    with pytest.raises(ValueError, match=r"^labels must hold class ids from 0 to 1 \(2 columns"):
        fit_temperature(np.zeros((2, 2)), np.array([0, 2]))


def _padded_tokens(lengths, epoch):
    return sum(lengths[batch].max() * len(batch) for batch in epoch)


def test_length_grouped_epochs_are_random_batches_of_similar_length():
    from dlguide.training import shuffled_epochs

    lengths = np.random.default_rng(1).integers(3, 65, size=1000)
    epochs = list(length_grouped_epochs(lengths, 32, epochs=3, generator=np.random.default_rng(0)))
    epochs = [list(epoch) for epoch in epochs]
    for epoch in epochs:  # every text once per epoch; only the end of the last pool is short
        assert sorted(np.concatenate(epoch).tolist()) == list(range(1000))
        assert sum(len(batch) < 32 for batch in epoch) == 1
    assert epochs[0][0].tolist() != epochs[1][0].tolist()  # each epoch is drawn afresh
    again = next(length_grouped_epochs(lengths, 32, epochs=1, generator=np.random.default_rng(0)))
    assert [b.tolist() for b in again] == [b.tolist() for b in epochs[0]]
    shuffled = next(shuffled_epochs(1000, 32, epochs=1, generator=np.random.default_rng(0)))
    grouped, random = _padded_tokens(lengths, epochs[0]), _padded_tokens(lengths, shuffled)
    # Padding to the longest text of a batch: random batches nearly double the tokens.
    assert random > 1.6 * lengths.sum() and grouped < 1.2 * lengths.sum()
    # A pool of one batch is a plain shuffle: no grouping at all.
    plain = next(
        length_grouped_epochs(lengths, 32, epochs=1, generator=np.random.default_rng(0), pool=1)
    )
    assert _padded_tokens(lengths, plain) > 1.6 * lengths.sum()


def test_length_grouped_epochs_bad_input():
    rng = np.random.default_rng(0)
    counts = r"^lengths must be counts of tokens \(0 or more\), got -1"
    with pytest.raises(ValueError, match=counts):
        length_grouped_epochs([3, -1], 2, epochs=1, generator=rng)
    with pytest.raises(TypeError, match=r"^generator must be a NumPy Generator, got int 0"):
        length_grouped_epochs([3, 1], 2, epochs=1, generator=0)
    with pytest.raises(ValueError, match=r"^lengths must have at least 1 rows, got shape \(0,\)"):
        length_grouped_epochs([], 2, epochs=1, generator=rng)


def test_train_save_and_pipeline_round_trip(tmp_path):
    from transformers import pipeline

    texts = ["great film", "awful film", "wonderful", "terrible"] * 2
    labels = np.array([4, 0, 4, 0] * 2)
    _, _model, log = train_text_classifier(
        tmp_path, texts, labels, label_names=STAR_NAMES, epochs=1, batch_size=4
    )
    assert len(log["losses"]) == 2 and log["seconds"] > 0
    assert (tmp_path / "config.json").is_file()
    logits = classify(tmp_path, texts[:3])
    assert logits.shape == (3, 5)
    result = pipeline("text-classification", model=str(tmp_path), device="cpu")(texts[0])
    assert result[0]["label"] == STAR_NAMES[int(logits[0].argmax())]


def test_train_bad_input(tmp_path):
    with pytest.raises(TypeError, match="texts"):
        train_text_classifier(None, "one text", np.array([0]), label_names=STAR_NAMES)
    with pytest.raises(ValueError, match="labels"):
        train_text_classifier(None, ["a", "b"], np.array([0]), label_names=STAR_NAMES)
    with pytest.raises(
        ValueError, match=r"^labels must hold class ids from 0 to 4 \(5 label_names"
    ):
        train_text_classifier(None, ["a"], np.array([7]), label_names=STAR_NAMES)
    with pytest.raises(TypeError, match=r"^texts\[1\] must be a string"):
        train_text_classifier(None, ["a", 2], np.array([0, 1]), label_names=STAR_NAMES)
    with pytest.raises(TypeError, match=r"^label_names must be a list of strings"):
        train_text_classifier(None, ["a"], np.array([0]), label_names="positive")
    with pytest.raises(TypeError, match=r"^label_names\[0\] must be a string"):
        train_text_classifier(None, ["a"], np.array([0]), label_names=[0, 1])
    with pytest.raises(TypeError, match=r"^folder must be a folder path \(or None\)"):
        train_text_classifier(3, ["a"], np.array([0]), label_names=STAR_NAMES)
    with pytest.raises(ValueError, match=r"^lr must be positive"):
        train_text_classifier(None, ["a"], np.array([0]), label_names=STAR_NAMES, lr=-1.0)
    with pytest.raises(TypeError, match=r"^folder must be a folder path"):
        classify(None, ["a"])
    with pytest.raises(ValueError, match=r"^texts must not be empty, got an empty list"):
        classify(tmp_path, [])
    with pytest.raises(ValueError, match=r"^label_names must not be empty"):
        train_text_classifier(None, ["a"], np.array([0]), label_names=[])
    with pytest.raises(TypeError, match=r"^texts must be a list of strings"):
        classify(tmp_path, "a")
    with pytest.raises(ValueError, match=r"^lr must be positive"):
        fine_tuned_sentiment(10, lr=0.0)


def test_validation_only_after_the_stated_epochs():
    texts = ["great film", "awful film", "wonderful", "terrible"] * 2
    labels = np.array([4, 0, 4, 0] * 2)
    valid = (texts[:4], labels[:4])
    _, _model, log = train_text_classifier(
        None, texts, labels, label_names=STAR_NAMES, epochs=3, batch_size=4, valid=valid,
        score_after=[1, 3], max_length=8,
    )  # fmt: skip
    assert len(log["losses"]) == 3 * 2  # every epoch trained, two batches each
    assert log["scored_epochs"] == [1, 3] and len(log["valid_accuracy"]) == 2
    best = int(np.argmax(log["valid_accuracy"]))  # the earlier on a tie
    assert log["best_epoch"] == [1, 3][best]
    _, _model, every = train_text_classifier(
        None, texts, labels, label_names=STAR_NAMES, epochs=3, batch_size=4, valid=valid,
        max_length=8,
    )  # fmt: skip
    assert every["scored_epochs"] == [1, 2, 3] and len(every["valid_accuracy"]) == 3
    assert every["losses"] == log["losses"]  # scoring less often leaves the training alone
    assert every["valid_accuracy"][0] == log["valid_accuracy"][0]
    assert every["valid_accuracy"][2] == log["valid_accuracy"][1]


def test_stated_epochs_bad_input():
    texts, labels = ["a", "b"], np.array([0, 1])
    with pytest.raises(ValueError, match=r"^score_after needs valid=\(texts, labels\)"):
        train_text_classifier(None, texts, labels, label_names=STAR_NAMES, score_after=[2])
    valid = (texts, labels)
    for bad in ([2, 1], [1], [], [1, 3]):
        with pytest.raises(ValueError, match=r"^score_after must be increasing epoch numbers "
                                             r"ending at epochs=2, got"):  # fmt: skip
            train_text_classifier(None, texts, labels, label_names=STAR_NAMES, epochs=2,
                                  valid=valid, score_after=bad)  # fmt: skip
    with pytest.raises(TypeError, match=r"^score_after must be a list of epoch numbers, got"):
        train_text_classifier(None, texts, labels, label_names=STAR_NAMES, valid=valid,
                              score_after="12")  # fmt: skip
    with pytest.raises(ValueError, match=r"^score_after\[0\] must be"):
        train_text_classifier(None, texts, labels, label_names=STAR_NAMES, epochs=2,
                              valid=valid, score_after=[0, 2])  # fmt: skip
    with pytest.raises(TypeError, match=r"^choose_epoch must be True, False or a list of epoch"):
        fine_tuned_sentiment(10, choose_epoch="yes")
    with pytest.raises(ValueError, match=r"^choose_epoch must be increasing epoch numbers"):
        fine_tuned_sentiment(10, epochs=2, choose_epoch=[1, 3])
