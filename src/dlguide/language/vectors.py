"""Words as vectors: one-hot codes, cosine similarity, nearest neighbours, analogies.

These work on any :class:`~dlguide.data.text.WordVectors` (GloVe, or word2vec
vectors trained in a chapter with :func:`train_word2vec`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from dlguide._checks import check_array, check_int, check_real, check_str, describe
from dlguide.book.seeding import resolve_seed
from dlguide.data.text import WordVectors

__all__ = ["analogy", "cosine", "nearest", "one_hot", "similarity_correlation", "train_word2vec"]


def _check_strings(name: str, values: Any) -> None:
    """Raise unless ``values`` is a non-empty list (or tuple) of strings."""
    if isinstance(values, str) or not isinstance(values, Sequence) or not values:
        raise TypeError(f"{name} must be a non-empty list of strings, got {describe(values)}")
    for i, value in enumerate(values):
        if not isinstance(value, str):
            raise TypeError(f"{name}[{i}] must be a string, got {describe(value)}")


def one_hot(words: Sequence[str], vocabulary: Sequence[str]) -> np.ndarray:
    """Return one row per word, with a single 1 in the column of that word.

    Examples
    --------
    >>> one_hot(["cat", "sat"], ["cat", "mat", "sat"])
    array([[1, 0, 0],
           [0, 0, 1]])
    """
    _check_strings("words", words)
    _check_strings("vocabulary", vocabulary)
    column = {w: i for i, w in enumerate(vocabulary)}
    if len(column) != len(vocabulary):
        raise ValueError("vocabulary must not repeat a word")
    out = np.zeros((len(words), len(vocabulary)), dtype=np.int64)
    for row, word in enumerate(words):
        if word not in column:
            raise KeyError(f"word {word!r} is not in the vocabulary")
        out[row, column[word]] = 1
    return out


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    """Cosine of the angle between two vectors: 1 same direction, 0 unrelated, -1 opposite.

    Examples
    --------
    >>> round(cosine(np.array([1.0, 0.0]), np.array([1.0, 1.0])), 4)
    0.7071
    """
    a = check_array("a", a, ndim=1).astype(float)
    b = check_array("b", b, ndim=1).astype(float)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same length, got {a.shape} and {b.shape}")
    norms = np.linalg.norm(a) * np.linalg.norm(b)
    if norms == 0:
        raise ValueError("cosine is undefined for a zero vector")
    return float(a @ b / norms)


def _unit_rows(wv: WordVectors, limit: int | None) -> np.ndarray:
    rows = wv.vectors if limit is None else wv.vectors[:limit]
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return rows / np.where(norms == 0, 1, norms)


def _query(
    wv: WordVectors, vector: np.ndarray, k: int, exclude: Iterable[str], limit: int | None
) -> list[tuple[str, float]]:
    unit = _unit_rows(wv, limit)
    scores = unit @ (vector / np.linalg.norm(vector))
    skip = {wv.index[w] for w in exclude if w in wv.index}
    order = np.argsort(-scores, kind="stable")
    found = []
    for i in order:
        if int(i) in skip:
            continue
        found.append((wv.words[i], float(scores[i])))
        if len(found) == k:
            break
    return found


def _check_common(wv: WordVectors, k: int, limit: int | None) -> None:
    if not isinstance(wv, WordVectors):
        raise TypeError(f"wv must be a WordVectors, got {describe(wv)}")
    check_int("k", k, minimum=1)
    if limit is not None:
        check_int("limit", limit, minimum=1)


def nearest(
    wv: WordVectors, word: str, k: int = 5, *, limit: int | None = None
) -> list[tuple[str, float]]:
    """Return the ``k`` words whose vectors have the highest cosine with ``word``'s.

    Parameters
    ----------
    wv
        The word vectors.
    word
        The query word (left out of the answer).
    k
        How many neighbours.
    limit
        Search only the first ``limit`` words (the most frequent, for GloVe), which
        keeps rare misspellings out of the answer.

    Examples
    --------
    >>> wv = WordVectors(("a", "b", "c"), np.array([[1.0, 0], [0.9, 0.1], [0, 1.0]]),
    ...                  {"a": 0, "b": 1, "c": 2})
    >>> [w for w, _ in nearest(wv, "a", 2)]
    ['b', 'c']
    """
    _check_common(wv, k, limit)
    return _query(wv, np.asarray(wv[word], dtype=float), k, [word], limit)


def analogy(
    wv: WordVectors, a: str, b: str, c: str, k: int = 1, *, limit: int | None = None
) -> list[tuple[str, float]]:
    """Solve "a is to b as c is to ?" by the nearest words to ``b - a + c``.

    ``analogy(wv, "man", "king", "woman")`` computes king - man + woman. The three
    query words are left out of the answer, as in Mikolov et al. (2013).

    Examples
    --------
    >>> wv = WordVectors(("man", "king", "woman", "queen"),
    ...                  np.array([[1.0, 0], [1, 1], [-1, 0], [-1, 1]]),
    ...                  {"man": 0, "king": 1, "woman": 2, "queen": 3})
    >>> analogy(wv, "man", "king", "woman")[0][0]
    'queen'
    """
    _check_common(wv, k, limit)
    for name, word in (("a", a), ("b", b), ("c", c)):
        check_str(name, word)
    target = np.asarray(wv[b], dtype=float) - wv[a] + wv[c]
    return _query(wv, target, k, [a, b, c], limit)


def train_word2vec(
    documents: Sequence[Sequence[str]],
    *,
    dim: int = 50,
    window: int = 5,
    min_count: int = 3,
    epochs: int = 20,
    seed: int | None = None,
) -> WordVectors:
    """Train skip-gram word2vec (gensim) on tokenised documents, reproducibly.

    One worker thread and a fixed seed make the vectors identical from run to run.

    Examples
    --------
    >>> docs = [["the", "cat", "sat"], ["the", "dog", "sat"]] * 20
    >>> wv = train_word2vec(docs, dim=8, min_count=1, epochs=2)
    >>> wv.vectors.shape
    (4, 8)
    """
    seed = resolve_seed(seed)
    if isinstance(documents, str) or not isinstance(documents, Sequence) or not documents:
        raise TypeError(
            f"documents must be a non-empty list of token lists, got {describe(documents)}"
        )
    for i, document in enumerate(documents):
        if isinstance(document, str) or not isinstance(document, Sequence):
            raise TypeError(f"documents[{i}] must be a list of tokens, got {describe(document)}")
        if not all(isinstance(token, str) for token in document):
            raise TypeError(f"documents[{i}] must hold only strings (tokens)")
    for name, value in (
        ("dim", dim),
        ("window", window),
        ("min_count", min_count),
        ("epochs", epochs),
    ):
        check_int(name, value, minimum=1)
    check_int("seed", seed, minimum=0)
    from gensim.models import Word2Vec

    model = Word2Vec(
        [list(d) for d in documents], vector_size=dim, window=window, min_count=min_count,
        sg=1, epochs=epochs, workers=1, seed=seed,
    )  # fmt: skip
    words = tuple(model.wv.index_to_key)
    vectors = np.array(model.wv.vectors, dtype=np.float32)
    vectors.setflags(write=False)
    return WordVectors(words, vectors, {w: i for i, w in enumerate(words)})


def similarity_correlation(
    wv: WordVectors, pairs: Sequence[tuple[str, str, float]]
) -> tuple[float, int]:
    """Spearman correlation between cosine similarities and human ratings of word pairs.

    Pairs with a word missing from ``wv`` are skipped.

    Returns
    -------
    (rho, n)
        The rank correlation and the number of pairs it was computed on.

    Examples
    --------
    >>> wv = WordVectors(("a", "b", "c"), np.array([[1.0, 0], [0.9, 0.1], [0, 1.0]]),
    ...                  {"a": 0, "b": 1, "c": 2})
    >>> similarity_correlation(wv, [("a", "b", 9.0), ("a", "c", 1.0), ("b", "c", 2.0)])
    (1.0, 3)
    """
    if not isinstance(wv, WordVectors):
        raise TypeError(f"wv must be a WordVectors, got {describe(wv)}")
    if isinstance(pairs, str) or not isinstance(pairs, Sequence):
        raise TypeError(f"pairs must be a list of (word, word, rating), got {describe(pairs)}")
    for i, pair in enumerate(pairs):
        if (
            not isinstance(pair, (tuple, list))
            or len(pair) != 3
            or not all(isinstance(w, str) for w in pair[:2])
        ):
            raise TypeError(f"pairs[{i}] must be a (word, word, rating) tuple, got "
                            f"{describe(pair)}")  # fmt: skip
        check_real(f"pairs[{i}] rating", pair[2])
    from scipy.stats import spearmanr

    kept = [(a, b, s) for a, b, s in pairs if a in wv and b in wv]
    if len(kept) < 3:
        raise ValueError(f"pairs must hold at least 3 pairs with both words known, got {len(kept)}")
    model = [cosine(wv[a], wv[b]) for a, b, _ in kept]
    human = [s for _, _, s in kept]
    return float(spearmanr(model, human).statistic), len(kept)
