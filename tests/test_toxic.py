"""Tests of language.toxic and language.distillation: port, masking, student, thresholds."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from dlguide.data._package_files import DataError
from dlguide.language import toxic
from dlguide.language.distillation import choose_thresholds, train_student
from dlguide.language.toxic import (
    PUBLISHED_EXAMPLES,
    TOXIC_LABELS,
    jigsaw_word_ids,
    load_jigsaw_model,
    lstm_step,
    mask_offensive,
    rescale_scores,
    toxicity_scores,
)


def test_port_reproduces_the_published_readme_scores():
    texts = [text for text, _ in PUBLISHED_EXAMPLES]
    published = np.array([scores for _, scores in PUBLISHED_EXAMPLES])
    np.testing.assert_allclose(toxicity_scores(texts, rescale=True), published, atol=1e-5)


def test_scores_do_not_depend_on_batching():
    texts = [text for text, _ in PUBLISHED_EXAMPLES]
    np.testing.assert_allclose(
        toxicity_scores(texts, batch_size=1), toxicity_scores(texts), atol=1e-6
    )


def _numpy_lstm_step(x, h, c, kernel, recurrent, bias):
    """Keras' LSTM cell written out in NumPy, gate by gate (i, f, c, o)."""
    units = h.shape[1]

    def hard(z):
        return np.clip(0.2 * z + 0.5, 0.0, 1.0)

    def gate(k):
        cols = slice(k * units, (k + 1) * units)
        return x @ kernel[:, cols] + h @ recurrent[:, cols] + bias[cols]

    c_new = hard(gate(1)) * c + hard(gate(0)) * np.tanh(gate(2))
    return hard(gate(3)) * np.tanh(c_new), c_new


def test_lstm_step_matches_numpy_with_the_real_weights():
    import torch

    w = load_jigsaw_model().weights
    rng = np.random.default_rng(0)
    x = w["embedding"][torch.tensor([6, 7, 100])]
    h = torch.from_numpy(rng.normal(size=(3, 50)).astype(np.float32))
    c = torch.from_numpy(rng.normal(size=(3, 50)).astype(np.float32))
    args = (w["forward_kernel"], w["forward_recurrent"], w["forward_bias"])
    h_new, c_new = lstm_step(x, h, c, *args)
    h_ref, c_ref = _numpy_lstm_step(*(a.numpy().astype(np.float64) for a in (x, h, c, *args)))
    np.testing.assert_allclose(h_new.numpy(), h_ref, atol=1e-5)
    np.testing.assert_allclose(c_new.numpy(), c_ref, atol=1e-5)


def test_word_ids_follow_the_keras_tokenizer():
    index = toxic._word_index()
    ids = jigsaw_word_ids(["The, THE... the!", ""])
    assert ids.shape == (2, 100)
    assert ids[0, -3:].tolist() == [index["the"]] * 3 and (ids[0, :-3] == 0).all()
    assert (ids[1] == 0).all()
    long = jigsaw_word_ids([" ".join(["the"] * 150 + ["you"])])
    assert long[0, -1] == index["you"] and (long[0] > 0).all()  # keeps the last 100


def test_tokenizer_pickle_only_through_the_allow_list():
    evil = pickle.dumps(print)  # any global outside the allow-list
    with pytest.raises(DataError, match=r"refusing to unpickle builtins\.print"):
        toxic._TokenizerUnpickler(__import__("io").BytesIO(evil)).load()


def test_a_changed_file_is_refused(monkeypatch):
    monkeypatch.setattr(toxic, "_TOKENIZER", (toxic._TOKENIZER[0], "0" * 64))
    toxic._word_index.cache_clear()
    try:
        with pytest.raises(DataError, match="SHA-256"):
            toxic._word_index()
    finally:
        monkeypatch.undo()
        toxic._word_index.cache_clear()


def test_rescale_inverts_to_the_published_ranges():
    low, high = np.array(toxic.RESCALE_RANGES).T
    np.testing.assert_allclose(rescale_scores(np.stack([low, high])), [[0] * 6, [1] * 6])


def test_mask_offensive_keeps_first_letter_and_length():
    masked = mask_offensive(PUBLISHED_EXAMPLES[1][0])
    assert masked.startswith("I will k*** you, you f****** i****!")
    assert mask_offensive("Have a lovely day.") == "Have a lovely day."
    with pytest.raises(ValueError, match="threshold"):
        mask_offensive("a text", threshold=1.5)


def test_student_learns_and_thresholds_separate():
    texts = ["you idiot", "a lovely film", "what an idiot", "a fine day"] * 8
    targets = np.zeros((32, 6))
    targets[::2, 0] = 1.0
    student = train_student(texts, targets, epochs=20, lr=0.1, batch_size=8)
    p = student.predict(["idiot", "lovely"])
    assert p.shape == (2, 6) and p[0, 0] > 0.5 > p[1, 0]
    assert "idiot" in student.top_pieces("toxic", 2)
    with pytest.raises(ValueError, match="label"):
        student.top_pieces("rude")
    with pytest.raises(TypeError, match="texts"):
        student.predict("one string")
    with pytest.raises(ValueError, match=r"^texts must not be empty"):
        student.predict([])


def test_network_refuses_bad_ids():
    import torch

    model = load_jigsaw_model()
    with pytest.raises(TypeError, match="ids"):
        model(torch.zeros(2, 100))
    with pytest.raises(ValueError, match="ids"):
        model(torch.full((1, 100), 20_000))


def test_student_refuses_bad_targets():
    with pytest.raises(ValueError, match="targets"):
        train_student(["a", "b"], np.full((2, 6), 2.0))
    with pytest.raises(ValueError, match="targets"):
        train_student(["a", "b"], np.zeros((2, 5)))


def test_choose_thresholds_maximises_f1():
    from sklearn.metrics import f1_score

    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, size=(200, 2))
    scores = y + rng.normal(scale=0.8, size=y.shape)
    cuts = choose_thresholds(y, scores)
    for k in range(2):
        best = f1_score(y[:, k], scores[:, k] >= cuts[k])
        for t in np.quantile(scores[:, k], np.linspace(0.01, 0.99, 50)):
            assert f1_score(y[:, k], scores[:, k] >= t) <= best + 1e-12


def test_choose_thresholds_needs_both_classes():
    with pytest.raises(ValueError, match="column 0 "):
        choose_thresholds(np.zeros((4, 1), dtype=int), np.zeros((4, 1)))


def test_labels_are_the_six_jigsaw_labels():
    assert TOXIC_LABELS == (
        "toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate",
    )  # fmt: skip
