"""Tests of dlguide.language.vectors: one-hot codes, cosine, neighbours, analogies, word2vec."""

from __future__ import annotations

import numpy as np
import pytest

from dlguide.data.text import WordVectors, load_glove
from dlguide.language.vectors import (
    analogy,
    cosine,
    nearest,
    one_hot,
    similarity_correlation,
    train_word2vec,
)


def _toy() -> WordVectors:
    vectors = np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0], [-1.0, 0.0]])
    words = ("a", "b", "c", "d")
    return WordVectors(words, vectors, {w: i for i, w in enumerate(words)})


def test_one_hot_rows_sum_to_one():
    codes = one_hot(["b", "a", "b"], ["a", "b"])
    np.testing.assert_array_equal(codes, [[0, 1], [1, 0], [0, 1]])


@pytest.mark.parametrize(
    ("words", "vocabulary", "error", "match"),
    [
        ("ab", ["a"], TypeError, "words"),
        (["a"], [], TypeError, "vocabulary"),
        (["a"], ["a", "a"], ValueError, "repeat"),
        (["z"], ["a"], KeyError, "not in the vocabulary"),
        ([], ["a"], TypeError, "words must be a non-empty list"),
        (["a", 1], ["a"], TypeError, r"words\[1\] must be a string"),
        (["a"], ["a", None], TypeError, r"vocabulary\[1\] must be a string"),
    ],
)
def test_one_hot_bad_input(words, vocabulary, error, match):
    with pytest.raises(error, match=match):
        one_hot(words, vocabulary)


def test_cosine_matches_sklearn():
    from sklearn.metrics.pairwise import cosine_similarity

    rng = np.random.default_rng(0)
    a, b = rng.normal(size=7), rng.normal(size=7)
    assert cosine(a, b) == pytest.approx(cosine_similarity([a], [b])[0, 0])


@pytest.mark.parametrize(
    ("a", "b", "error"),
    [
        (np.zeros(2), np.ones(2), ValueError),
        (np.ones(2), np.ones(3), ValueError),
        (np.array([np.nan, 1.0]), np.ones(2), ValueError),
        (np.ones((2, 2)), np.ones((2, 2)), ValueError),
    ],
)
def test_cosine_bad_input(a, b, error):
    with pytest.raises(error):
        cosine(a, b)


def test_nearest_orders_by_cosine_and_skips_query():
    found = nearest(_toy(), "a", 3)
    assert [w for w, _ in found] == ["b", "c", "d"]
    assert found[0][1] == pytest.approx(0.8)


def test_nearest_limit_and_bad_input():
    assert [w for w, _ in nearest(_toy(), "a", 5, limit=2)] == ["b"]
    with pytest.raises(ValueError, match="k must be at least 1"):
        nearest(_toy(), "a", 0)
    with pytest.raises(TypeError, match="wv must be a WordVectors"):
        nearest({"a": 1}, "a")
    with pytest.raises(KeyError):
        nearest(_toy(), "zz")


def test_analogy_on_glove_finds_queen():
    glove = load_glove()
    answer = analogy(glove, "man", "king", "woman", 1, limit=50_000)[0]
    assert answer[0] == "queen"
    target = glove["king"] - glove["man"] + glove["woman"]
    assert answer[1] == pytest.approx(cosine(target, glove["queen"]), rel=1e-5)


def test_analogy_bad_input():
    with pytest.raises(ValueError, match="c must not be empty"):
        analogy(_toy(), "a", "b", "")


def test_similarity_correlation_against_scipy():
    from scipy.stats import spearmanr

    pairs = [("a", "b", 8.0), ("a", "c", 3.0), ("a", "d", 0.5), ("b", "c", 6.0), ("x", "a", 1.0)]
    rho, n = similarity_correlation(_toy(), pairs)
    wv = _toy()
    kept = pairs[:4]
    expected = spearmanr([cosine(wv[a], wv[b]) for a, b, _ in kept], [s for *_, s in kept])
    assert n == 4 and rho == pytest.approx(expected.statistic)
    with pytest.raises(ValueError, match="pairs must hold at least 3 pairs"):
        similarity_correlation(_toy(), pairs[:2])
    with pytest.raises(TypeError, match=r"pairs\[0\] must be a \(word, word, rating\)"):
        similarity_correlation(_toy(), [("a", "b")])
    with pytest.raises(ValueError, match=r"pairs\[0\] rating must be a finite number"):
        similarity_correlation(_toy(), [("a", "b", float("nan"))])
    with pytest.raises(TypeError, match="pairs must be a list"):
        similarity_correlation(_toy(), None)


def test_word2vec_is_reproducible_and_learns_context():
    docs = [["the", "cat", "sat", "on", "the", "mat"], ["the", "dog", "sat", "on", "the", "rug"]]
    docs = docs * 50
    first = train_word2vec(docs, dim=10, min_count=1, epochs=5, seed=3)
    second = train_word2vec(docs, dim=10, min_count=1, epochs=5, seed=3)
    np.testing.assert_array_equal(first.vectors, second.vectors)
    assert set(first.words) == {"the", "cat", "sat", "on", "mat", "dog", "rug"}


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"documents": []}, TypeError),
        ({"documents": [["a"]], "dim": 0}, ValueError),
        ({"documents": ["a text, not tokens"]}, TypeError),
        ({"documents": [["a", 2]]}, TypeError),
    ],
)
def test_word2vec_bad_input(kwargs, error):
    with pytest.raises(error):
        train_word2vec(**kwargs)
