"""Tests of dlguide.language.augment: EDA's operations, GloVe neighbours, and the experiment."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from dlguide.data.text import WordVectors, load_glove
from dlguide.language.augment import (
    METHODS,
    augment_texts,
    augmentation_experiment,
    random_deletion,
    random_insertion,
    random_swap,
    same_polarity,
    synonym_replacement,
    synonym_table,
)

WORDS = ["the", "plot", "is", "clever", "and", "the", "acting", "is", "fine"]
TABLE = {"plot": ("story",), "clever": ("witty", "smart"), "acting": ("performance",)}


def _toy() -> WordVectors:
    words = ("the", "film", "movie", "soup", "x1", "picture")
    vectors = np.array([[1.0, 1], [1, 0], [0.95, 0.1], [0, 1], [1, 0.01], [0.9, 0.3]])
    return WordVectors(words, vectors, {w: i for i, w in enumerate(words)})


def test_synonym_table_matches_brute_force_cosines():
    wv = _toy()
    table = synonym_table(wv, ["film", "soup", "the"], k=2, min_similarity=0.5)
    unit = wv.vectors / np.linalg.norm(wv.vectors, axis=1, keepdims=True)
    cos = unit @ unit[wv.index["film"]]
    # "the" is a stop word and "x1" is not alphabetic: neither may appear
    expected = sorted(["movie", "picture", "soup"], key=lambda w: -cos[wv.index[w]])
    expected = [w for w in expected if cos[wv.index[w]] >= 0.5][:2]
    assert table["film"] == tuple(expected)
    assert "the" not in table
    assert all("x1" not in n and "the" not in n for n in table.values())


def test_synonym_table_threshold_and_limit():
    wv = _toy()
    assert synonym_table(wv, ["film"], min_similarity=0.999) == {}
    # with limit=3 only "the", "film", "movie" are searched
    assert synonym_table(wv, ["film"], limit=3, min_similarity=0.5) == {"film": ("movie",)}


def test_glove_neighbours_are_content_words():
    table = synonym_table(load_glove(), ["film", "terrible", "the", "of"], limit=20_000)
    assert "movie" in table["film"]
    assert "horrible" in table["terrible"]
    assert "the" not in table and "of" not in table


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"wv": "glove"}, TypeError, "wv"),
        ({"words": "film"}, TypeError, "words"),
        ({"words": []}, ValueError, "words"),
        ({"words": [3]}, TypeError, "words"),
        ({"k": 0}, ValueError, "k"),
        ({"min_similarity": 2.0}, ValueError, "min_similarity"),
        ({"min_similarity": float("nan")}, ValueError, "min_similarity"),
        ({"limit": 1}, ValueError, "limit"),
    ],
)
def test_synonym_table_bad_input(kwargs, error, match):
    arguments = {"wv": _toy(), "words": ["film"], **kwargs}
    with pytest.raises(error, match=match):
        synonym_table(**arguments)


def test_same_polarity_keeps_matching_signs():
    table = {"good": ("great", "bad", "really"), "plot": ("story", "mess")}
    lexicon = {"good": 1.9, "great": 3.1, "bad": -2.5, "mess": -1.5}
    assert same_polarity(table, lexicon) == {"good": ("great",), "plot": ("story",)}


@pytest.mark.parametrize(
    ("polarity", "error"),
    [([("good", 1.0)], TypeError), ({}, ValueError), ({"good": float("nan")}, ValueError)],
)
def test_same_polarity_bad_input(polarity, error):
    with pytest.raises(error, match="polarity"):
        same_polarity({"good": ("great",)}, polarity)


def test_synonym_replacement_replaces_every_occurrence_of_n_words():
    words = ["plot", "clever", "plot", "the"]
    out = synonym_replacement(words, TABLE, 1, seed=3)
    changed = {a for a, b in zip(words, out, strict=True) if a != b}
    assert len(changed) == 1
    (word,) = changed
    replacements = {b for a, b in zip(words, out, strict=True) if a == word}
    assert len(replacements) == 1 and replacements <= set(TABLE[word])
    everything = synonym_replacement(words, TABLE, 10)
    assert everything[0] == everything[2] == "story" and everything[3] == "the"


def test_random_insertion_adds_neighbours_only():
    out = random_insertion(WORDS, TABLE, 3, seed=0)
    added = Counter(out) - Counter(WORDS)
    assert len(out) == len(WORDS) + 3
    assert set(added) <= {n for ns in TABLE.values() for n in ns}
    assert random_insertion(["the", "end"], TABLE, 2) == ["the", "end"]


def test_random_swap_is_a_permutation_and_seeded():
    out = random_swap(WORDS, 3, seed=5)
    assert sorted(out) == sorted(WORDS) and out != WORDS
    assert out == random_swap(WORDS, 3, seed=5)
    assert random_swap(["one"], 2) == ["one"]
    assert random_swap(WORDS, 0) == WORDS


def test_random_deletion_rate_matches_p():
    words = [f"w{i}" for i in range(20_000)]
    kept = random_deletion(words, 0.3, seed=1)
    assert len(kept) / len(words) == pytest.approx(0.7, abs=0.01)
    assert kept == [w for w in words if w in set(kept)]  # order is preserved
    assert random_deletion(WORDS, 0.0) == WORDS
    assert len(random_deletion(WORDS, 1.0)) == 1


def test_operations_do_not_change_their_input():
    words = list(WORDS)
    for out in (
        synonym_replacement(words, TABLE, 2),
        random_insertion(words, TABLE, 2),
        random_swap(words, 2),
        random_deletion(words, 0.5),
    ):
        assert isinstance(out, list)
    assert words == WORDS


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: random_swap("the plot", 1), TypeError, "words"),
        (lambda: random_swap([], 1), ValueError, "words"),
        (lambda: random_swap(["a", 3], 1), TypeError, r"words\[1\]"),
        (lambda: random_swap(["a"], -1), ValueError, "n"),
        (lambda: random_swap(["a"], 1, seed=-1), ValueError, "seed"),
        (lambda: random_swap(["a"], 1, seed=1.5), TypeError, "seed"),
        (lambda: random_deletion(["a"], 1.5), ValueError, "p"),
        (lambda: random_deletion(["a"], float("nan")), ValueError, "p"),
        (lambda: synonym_replacement(["a"], {}), ValueError, "table"),
        (lambda: synonym_replacement(["a"], ["a"]), TypeError, "table"),
        (lambda: synonym_replacement(["a"], {"a": ()}), ValueError, "table"),
        (lambda: random_insertion(["a"], {"a": "b"}), TypeError, "table"),
    ],
)
def test_operations_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_augment_texts_counts_labels_and_determinism():
    texts = ["The plot is clever.", "The acting is fine, the plot is not."]
    labels = np.array([1, 0])
    out, y = augment_texts(texts, labels, "eda", copies=4, table=TABLE, seed=2)
    assert len(out) == 10 and out[:2] == texts
    np.testing.assert_array_equal(y, [1, 0] * 5)
    assert augment_texts(texts, labels, "eda", copies=4, table=TABLE, seed=2)[0] == out
    assert augment_texts(texts, labels, "eda", copies=4, table=TABLE, seed=3)[0] != out
    repeated, _ = augment_texts(texts, labels, "repeat", copies=2)
    assert repeated[2:] == ["the plot is clever", "the acting is fine the plot is not"] * 2


def test_augment_texts_keeps_texts_without_words():
    out, _ = augment_texts(["!!!", "a fine plot"], np.array([0, 1]), "deletion", copies=1)
    assert out[2] == "!!!"


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"texts": "a text"}, TypeError, "texts"),
        ({"texts": []}, ValueError, "texts"),
        ({"texts": ["a", 2]}, TypeError, r"texts\[1\]"),
        ({"labels": np.array([0.0, 1.0])}, TypeError, "labels"),
        ({"labels": np.array([0])}, ValueError, "labels"),
        ({"method": "shuffle"}, ValueError, "method"),
        ({"method": "synonym", "table": None}, ValueError, "table"),
        ({"copies": -1}, ValueError, "copies"),
        ({"alpha": 0.0}, ValueError, "alpha"),
    ],
)
def test_augment_texts_bad_input(kwargs, error, match):
    arguments = {"texts": ["a b", "c d"], "labels": np.array([0, 1]), "method": "swap", **kwargs}
    with pytest.raises(error, match=match):
        augment_texts(**arguments)


def _toy_task():
    rng = np.random.default_rng(0)
    positive, negative = ["good", "great", "fine", "fun"], ["bad", "dull", "poor", "awful"]
    texts, labels = [], []
    for i in range(80):
        vocab = positive if i % 2 else negative
        texts.append(" ".join(rng.choice([*vocab, "film", "plot", "the"], size=5)))
        labels.append(i % 2)
    return texts, np.array(labels)


def test_experiment_runs_paired_draws_and_swap_equals_repeat():
    texts, labels = _toy_task()
    frame = augmentation_experiment(
        texts[:60], labels[:60], texts[60:], labels[60:],
        methods=["repeat", "swap", "deletion"], sizes=[5, 10], seeds=[0, 1],
    )  # fmt: skip
    assert len(frame) == 2 * 2 * 4
    assert set(frame.method) == {"none", "repeat", "swap", "deletion"}
    assert frame.accuracy.between(0, 1).all()
    sizes = frame.set_index(["method", "size", "seed"]).train_texts
    assert sizes[("none", 5, 0)] == 10 and sizes[("swap", 10, 1)] == 100
    # a bag of words cannot see word order: swapping is exactly repeating
    wide = frame.pivot_table(index=["size", "seed"], columns="method", values="accuracy")
    np.testing.assert_array_equal(wide["swap"], wide["repeat"])
    again = augmentation_experiment(
        texts[:60], labels[:60], texts[60:], labels[60:],
        methods=["deletion"], sizes=[5, 10], seeds=[0, 1], baseline=False,
    )  # fmt: skip
    np.testing.assert_array_equal(
        again.accuracy, frame[frame.method == "deletion"].accuracy.to_numpy()
    )


def test_experiment_baseline_matches_sklearn_directly():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    texts, labels = _toy_task()
    frame = augmentation_experiment(
        texts[:60], labels[:60], texts[60:], labels[60:], methods=["swap"], sizes=[30], seeds=[0]
    )
    model = make_pipeline(
        TfidfVectorizer(sublinear_tf=True), LogisticRegression(C=10.0, solver="liblinear")
    )
    # size 30 of a class of 30 takes every text of the class
    order = np.concatenate([np.flatnonzero(labels[:60] == c) for c in (0, 1)])
    rng = np.random.default_rng([0, 30])
    picked = np.concatenate(
        [rng.choice(np.flatnonzero(labels[:60] == c), 30, replace=False) for c in (0, 1)]
    )
    assert sorted(picked) == sorted(order)
    model.fit([texts[i] for i in picked], labels[picked])
    expected = (model.predict(texts[60:]) == labels[60:]).mean()
    assert frame[frame.method == "none"].accuracy.item() == pytest.approx(expected)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"methods": []}, ValueError, "methods"),
        ({"methods": ["nope"]}, ValueError, "methods"),
        ({"sizes": [1000]}, ValueError, "sizes"),
        ({"seeds": "0"}, TypeError, "seeds"),
        ({"seeds": [-1]}, ValueError, "seeds"),
        ({"pool_labels": np.zeros(60, dtype=int)}, ValueError, "pool_labels"),
        ({"test_labels": np.array([0, 1])}, ValueError, "test_labels"),
    ],
)
def test_experiment_bad_input(kwargs, error, match):
    texts, labels = _toy_task()
    arguments = {
        "pool_texts": texts[:60], "pool_labels": labels[:60], "test_texts": texts[60:],
        "test_labels": labels[60:], "methods": ["swap"], "sizes": [5], "seeds": [0], **kwargs,
    }  # fmt: skip
    with pytest.raises(error, match=match):
        augmentation_experiment(**arguments)


def test_methods_are_documented():
    assert {"repeat", "synonym", "insertion", "swap", "deletion", "eda"} == set(METHODS)
