"""Text data augmentation that runs offline: EDA's four word-level operations, and a test.

Easy Data Augmentation (EDA; Wei and Zou, 2019) makes new training sentences from
old ones with four cheap operations, each applied to a list of words:

- :func:`synonym_replacement` -- replace a few words by one of their neighbours;
- :func:`random_insertion` -- insert a neighbour of a word at a random position;
- :func:`random_swap` -- swap two words, a few times;
- :func:`random_deletion` -- delete each word with a small probability.

EDA took its synonyms from WordNet, which needs NLTK data that no package ships;
here the "synonyms" are nearest neighbours in GloVe space (:func:`synonym_table`),
which are words used in similar contexts, not always words of the same meaning.

:func:`augment_texts` applies one operation (or all four, as EDA does) to a
labelled training set, and :func:`augmentation_experiment` measures whether it
helps a TF-IDF and logistic-regression classifier on small training sets.

Every random choice comes from a NumPy generator made from ``seed`` (or passed
in as ``seed``), so the same seed gives the same sentences.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from dlguide._checks import check_array, check_int, check_real, check_str, check_texts, describe
from dlguide.book.seeding import resolve_seed
from dlguide.data.text import WordVectors, simple_tokens

__all__ = [
    "METHODS",
    "augment_texts",
    "augmentation_experiment",
    "random_deletion",
    "random_insertion",
    "random_swap",
    "same_polarity",
    "synonym_replacement",
    "synonym_table",
]

#: The augmentation methods :func:`augment_texts` knows, by the name EDA gives them.
METHODS = {
    "repeat": "the words unchanged (a control: plain repetition)",
    "synonym": "synonym replacement (SR)",
    "insertion": "random insertion (RI)",
    "swap": "random swap (RS)",
    "deletion": "random deletion (RD)",
    "eda": "all four, one per copy in turn (EDA)",
}


@lru_cache(maxsize=1)
def _english_stop_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS)


def _generator(seed: Any) -> np.random.Generator:
    """A NumPy generator from ``seed``: a generator as is, an int, or None (the chapter's seed)."""
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(resolve_seed(seed))


def _check_words(words: Any) -> list[str]:
    if isinstance(words, str) or not isinstance(words, Sequence):
        raise TypeError(f"words must be a list of strings, got {describe(words)}")
    if not words:
        raise ValueError("words must hold at least one word")
    for i, word in enumerate(words):
        if not isinstance(word, str) or not word:
            raise TypeError(f"words[{i}] must be a non-empty string, got {describe(word)}")
    return list(words)


def _check_table(table: Any) -> Mapping[str, Sequence[str]]:
    if not isinstance(table, Mapping):
        raise TypeError(f"table must be a mapping of word -> neighbours, got {describe(table)}")
    if not table:
        raise ValueError("table must not be empty: no word would have a neighbour")
    for word, neighbours in table.items():
        if not isinstance(word, str) or not isinstance(neighbours, (tuple, list)):
            raise TypeError(
                f"table must map words to tuples of words, got {describe(word)} -> "
                f"{describe(neighbours)}"
            )
        if not neighbours or not all(isinstance(n, str) and n for n in neighbours):
            raise ValueError(f"table[{word!r}] must be a non-empty tuple of words")
    return table


def synonym_table(
    wv: WordVectors,
    words: Collection[str],
    *,
    k: int = 5,
    min_similarity: float = 0.75,
    limit: int = 50_000,
    stop_words: Collection[str] | None = None,
) -> dict[str, tuple[str, ...]]:
    """Return up to ``k`` GloVe neighbours for each content word of ``words``.

    A word gets an entry only if it is alphabetic, not a stop word and in ``wv``.
    Its neighbours are searched among the ``limit`` most frequent words of ``wv``
    and must themselves be alphabetic, not stop words, and have a cosine of at
    least ``min_similarity`` with it; words with no such neighbour are left out.
    Stop words are scikit-learn's English list unless ``stop_words`` is given.

    Neighbours are words used in similar contexts, which is not the same as
    words of the same meaning: antonyms ("clever", "clumsy") are often close.
    :func:`same_polarity` removes the neighbours of the wrong sentiment.

    Examples
    --------
    >>> wv = WordVectors(("a", "film", "movie", "soup"),
    ...                  np.array([[1.0, 1], [1, 0], [0.95, 0.1], [0, 1]]),
    ...                  {"a": 0, "film": 1, "movie": 2, "soup": 3})
    >>> synonym_table(wv, ["a", "film", "soup", "film"], k=2, min_similarity=0.9)
    {'film': ('movie',)}
    """
    if not isinstance(wv, WordVectors):
        raise TypeError(f"wv must be a WordVectors, got {describe(wv)}")
    if isinstance(words, str) or not isinstance(words, Collection):
        raise TypeError(f"words must be a collection of strings, got {describe(words)}")
    if not words:
        raise ValueError("words must hold at least one word")
    if not all(isinstance(w, str) for w in words):
        raise TypeError("words must hold only strings")
    check_int("k", k, minimum=1)
    threshold = check_real("min_similarity", min_similarity)
    if not -1 <= threshold <= 1:
        raise ValueError(f"min_similarity must lie in [-1, 1], got {threshold}")
    check_int("limit", limit, minimum=2)
    stop = _english_stop_words() if stop_words is None else frozenset(stop_words)

    def content(word: str) -> bool:
        return word.isalpha() and word not in stop

    columns = np.array([i for i, w in enumerate(wv.words[:limit]) if content(w)], dtype=int)
    queries = sorted({w for w in words if content(w) and w in wv})
    if len(columns) == 0 or not queries:
        return {}
    unit = wv.vectors[columns].astype(np.float32)
    unit /= np.maximum(np.linalg.norm(unit, axis=1, keepdims=True), 1e-12)
    table: dict[str, tuple[str, ...]] = {}
    take = min(k + 1, len(columns))
    for start in range(0, len(queries), 512):
        batch = queries[start : start + 512]
        q = np.array([wv[w] for w in batch], dtype=np.float32)
        q /= np.maximum(np.linalg.norm(q, axis=1, keepdims=True), 1e-12)
        scores = q @ unit.T
        top = np.argpartition(-scores, take - 1, axis=1)[:, :take]
        for row, word in enumerate(batch):
            order = top[row][np.argsort(-scores[row, top[row]], kind="stable")]
            found = [
                wv.words[columns[j]]
                for j in order
                if scores[row, j] >= threshold and wv.words[columns[j]] != word
            ][:k]
            if found:
                table[word] = tuple(found)
    return table


def same_polarity(
    table: Mapping[str, Sequence[str]], polarity: Mapping[str, float]
) -> dict[str, tuple[str, ...]]:
    """Keep only the neighbours whose sentiment has the same sign as their word's.

    ``polarity`` maps words to a valence (VADER's lexicon: -4 very negative to +4
    very positive); a word it does not list counts as neutral (0). So a positive
    word keeps only positive neighbours, a neutral word only neutral ones. Words
    left with no neighbour are dropped.

    Examples
    --------
    >>> table = {"clever": ("witty", "clumsy"), "film": ("movie", "masterpiece")}
    >>> same_polarity(table, {"clever": 1.7, "witty": 1.5, "clumsy": -1.0, "masterpiece": 3.1})
    {'clever': ('witty',), 'film': ('movie',)}
    """
    checked = _check_table(table)
    if not isinstance(polarity, Mapping):
        raise TypeError(f"polarity must be a mapping of word -> valence, got {describe(polarity)}")
    if not polarity:
        raise ValueError("polarity must not be empty")
    sign = {}
    for word, valence in polarity.items():
        if not isinstance(word, str):
            raise TypeError(f"polarity must map words to numbers, got key {describe(word)}")
        sign[word] = np.sign(check_real(f"polarity[{word!r}]", valence))
    kept = {}
    for word, neighbours in checked.items():
        same = tuple(n for n in neighbours if sign.get(n, 0) == sign.get(word, 0))
        if same:
            kept[word] = same
    return kept


def synonym_replacement(
    words: Sequence[str], table: Mapping[str, Sequence[str]], n: int = 1, *, seed: Any = None
) -> list[str]:
    """Replace ``n`` different words that have neighbours in ``table`` by one of them.

    As in EDA, every occurrence of a chosen word is replaced by the same neighbour.
    If fewer than ``n`` words have neighbours, all of them are replaced.

    Examples
    --------
    >>> synonym_replacement(["a", "fine", "film"], {"film": ("movie",)}, 1)
    ['a', 'fine', 'movie']
    """
    return _replace(_check_words(words), _check_table(table), check_int("n", n, minimum=0),
                    _generator(seed))  # fmt: skip


def _replace(
    words: list[str], table: Mapping[str, Sequence[str]], n: int, rng: np.random.Generator
) -> list[str]:
    """Synonym replacement, after the checks: every occurrence of n words."""
    out = list(words)
    candidates = sorted({w for w in out if w in table})
    chosen = [candidates[i] for i in rng.permutation(len(candidates))[:n]]
    for word in chosen:
        neighbours = table[word]
        replacement = neighbours[int(rng.integers(len(neighbours)))]
        out = [replacement if w == word else w for w in out]
    return out


def random_insertion(
    words: Sequence[str], table: Mapping[str, Sequence[str]], n: int = 1, *, seed: Any = None
) -> list[str]:
    """Insert, ``n`` times, a neighbour of a random word at a random position.

    Only words with neighbours in ``table`` can be the source; if none has,
    the words come back unchanged.

    Examples
    --------
    >>> random_insertion(["a", "film"], {"film": ("movie",)}, 2, seed=1)
    ['a', 'movie', 'movie', 'film']
    """
    return _insert(_check_words(words), _check_table(table), check_int("n", n, minimum=0),
                   _generator(seed))  # fmt: skip


def _insert(
    out: list[str], table: Mapping[str, Sequence[str]], n: int, rng: np.random.Generator
) -> list[str]:
    for _ in range(n):
        sources = [w for w in out if w in table]
        if not sources:
            break
        neighbours = table[sources[int(rng.integers(len(sources)))]]
        new = neighbours[int(rng.integers(len(neighbours)))]
        out.insert(int(rng.integers(len(out) + 1)), new)
    return out


def random_swap(words: Sequence[str], n: int = 1, *, seed: Any = None) -> list[str]:
    """Swap the words at two random positions, ``n`` times.

    Examples
    --------
    >>> random_swap(["the", "film", "was", "fine"], 1, seed=0)
    ['the', 'film', 'fine', 'was']
    >>> words = ["the", "film", "was", "fine"]
    >>> sorted(random_swap(words, 3)) == sorted(words)
    True
    """
    return _swap(_check_words(words), check_int("n", n, minimum=0), _generator(seed))


def _swap(out: list[str], n: int, rng: np.random.Generator) -> list[str]:
    if len(out) < 2:
        return out
    for _ in range(n):
        i, j = rng.choice(len(out), size=2, replace=False)
        out[i], out[j] = out[j], out[i]
    return out


def random_deletion(words: Sequence[str], p: float = 0.1, *, seed: Any = None) -> list[str]:
    """Delete each word independently with probability ``p``; keep at least one word.

    If every word would be deleted, one of them, chosen at random, is kept (as in EDA).

    Examples
    --------
    >>> random_deletion(["a", "truly", "fine", "film"], 0.5, seed=1)
    ['a', 'truly', 'film']
    >>> random_deletion(["fine"], 1.0)
    ['fine']
    """
    out = _check_words(words)
    rate = check_real("p", p)
    if not 0 <= rate <= 1:
        raise ValueError(f"p must lie in [0, 1], got {rate}")
    return _delete(out, rate, _generator(seed))


def _delete(words: list[str], rate: float, rng: np.random.Generator) -> list[str]:
    """Random deletion, after the checks: keep each word with probability 1 - rate."""
    out = list(words)
    keep = rng.random(len(out)) >= rate
    if not keep.any():
        return [out[int(rng.integers(len(out)))]]
    return [w for w, kept in zip(out, keep, strict=True) if kept]


def _check_labels(labels: Any, n: int, name: str = "labels") -> np.ndarray:
    y = check_array(name, labels, ndim=1, kind="integer")
    if len(y) != n:
        raise ValueError(f"{name} has {len(y)} entries but there are {n} texts")
    return y


def augment_texts(
    texts: Sequence[str],
    labels: np.ndarray,
    method: str,
    *,
    copies: int = 4,
    alpha: float = 0.1,
    table: Mapping[str, Sequence[str]] | None = None,
    seed: Any = None,
) -> tuple[list[str], np.ndarray]:
    """Return the texts followed by ``copies`` augmented versions of each, with labels.

    Each text is split into lower-case words (:func:`~dlguide.data.text.simple_tokens`);
    an augmented copy is the changed words joined by spaces, with its text's label.
    As in EDA, ``alpha`` sets the strength: ``n = max(1, int(alpha * len(words)))``
    words are replaced, inserted or swapped, or each word is deleted with probability
    ``alpha``. Method ``"eda"`` uses the four operations in turn, one per copy;
    ``"repeat"`` changes nothing (the words as split), a control for the others.

    Parameters
    ----------
    texts, labels
        The training texts and their integer labels.
    method
        One of :data:`METHODS`.
    copies
        How many augmented versions of each text.
    alpha
        The strength, between 0 and 1.
    table
        Neighbours from :func:`synonym_table`; needed by ``"synonym"``,
        ``"insertion"`` and ``"eda"``.
    seed
        An integer seed (or a NumPy generator).
        None (the default): the chapter's seed (:func:`~dlguide.book.seeding.chapter_seed`).

    Examples
    --------
    >>> texts, labels = augment_texts(["A fine film."], np.array([1]), "swap", copies=2)
    >>> texts, labels.tolist()
    (['A fine film.', 'a film fine', 'film fine a'], [1, 1, 1])
    """
    items = check_texts("texts", texts)
    y = _check_labels(labels, len(items))
    check_str("method", method, choices=tuple(METHODS))
    check_int("copies", copies, minimum=0)
    strength = check_real("alpha", alpha)
    if not 0 < strength <= 1:
        raise ValueError(f"alpha must lie in (0, 1], got {strength}")
    if method in ("synonym", "insertion", "eda"):
        if table is None:
            raise ValueError(f"method {method!r} needs a table of neighbours (synonym_table)")
        _check_table(table)
    rng = _generator(seed)
    operations = ["synonym", "insertion", "swap", "deletion"] if method == "eda" else [method]
    out_texts, out_labels = list(items), list(y)
    for copy in range(copies):
        operation = operations[copy % len(operations)]
        for text, label in zip(items, y, strict=True):
            words = simple_tokens(text)
            if words:
                n = max(1, int(strength * len(words)))
                if operation == "synonym":
                    words = _replace(words, table, n, rng)
                elif operation == "insertion":
                    words = _insert(words, table, n, rng)
                elif operation == "swap":
                    words = _swap(words, n, rng)
                elif operation == "deletion":
                    words = _delete(words, strength, rng)
            out_texts.append(" ".join(words) if words else text)
            out_labels.append(label)
    return out_texts, np.array(out_labels, dtype=y.dtype)


def _tfidf_accuracy(
    texts: list[str], labels: np.ndarray, test_texts: list[str], test_labels: np.ndarray
) -> float:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    model = make_pipeline(
        TfidfVectorizer(sublinear_tf=True), LogisticRegression(C=10.0, solver="liblinear")
    )
    model.fit(texts, labels)
    return float((model.predict(test_texts) == test_labels).mean())


def augmentation_experiment(
    pool_texts: Sequence[str],
    pool_labels: np.ndarray,
    test_texts: Sequence[str],
    test_labels: np.ndarray,
    *,
    methods: Sequence[str],
    sizes: Sequence[int],
    seeds: Sequence[int],
    table: Mapping[str, Sequence[str]] | None = None,
    copies: int = 4,
    alpha: float = 0.1,
    baseline: bool = True,
) -> Any:
    """Measure test accuracy with and without augmentation, on small training sets.

    For every size and seed, ``size`` texts per class are drawn from the pool
    (the draw depends on the seed only, so all methods see the same texts); a
    TF-IDF and logistic-regression classifier is trained on them as they are
    (method ``"none"``) and after :func:`augment_texts` with each method, and
    scored on the fixed test set. ``baseline=False`` leaves out the ``"none"`` rows
    (to run a second set of methods, with another ``table``, on the same draws).

    Returns
    -------
    pandas.DataFrame
        One row per (method, size, seed), with columns ``method``, ``size``,
        ``seed``, ``train_texts`` (after augmentation) and ``accuracy``.

    Examples
    --------
    >>> pool = ["good fun", "great joy", "fine work", "bad mess", "dull bore", "poor show"]
    >>> y = np.array([1, 1, 1, 0, 0, 0])
    >>> frame = augmentation_experiment(pool, y, ["good joy", "dull mess"], np.array([1, 0]),
    ...                                 methods=["swap"], sizes=[2], seeds=[0, 1])
    >>> frame[["method", "size", "seed", "train_texts"]].values.tolist()
    [['none', 2, 0, 4], ['swap', 2, 0, 20], ['none', 2, 1, 4], ['swap', 2, 1, 20]]
    """
    import pandas as pd

    pool = check_texts("pool_texts", pool_texts)
    pool_y = _check_labels(pool_labels, len(pool), "pool_labels")
    test = check_texts("test_texts", test_texts)
    test_y = _check_labels(test_labels, len(test), "test_labels")
    for name, values in (("methods", methods), ("sizes", sizes), ("seeds", seeds)):
        if isinstance(values, str) or not isinstance(values, Sequence):
            raise TypeError(f"{name} must be a list, got {describe(values)}")
        if not values:
            raise ValueError(f"{name} must not be empty")
    for method in methods:
        check_str("methods entry", method, choices=tuple(METHODS))
    classes = np.unique(pool_y)
    if len(classes) < 2:
        raise ValueError("pool_labels must hold at least two classes")
    smallest = min(int((pool_y == c).sum()) for c in classes)
    for size in sizes:
        check_int("sizes entry", size, minimum=1)
        if size > smallest:
            raise ValueError(f"sizes entry {size} exceeds the {smallest} pool texts of a class")
    for seed in seeds:
        check_int("seeds entry", seed, minimum=0)
    order = {name: i for i, name in enumerate(METHODS)}
    rows = []
    for size in sizes:
        for seed in seeds:
            rng = np.random.default_rng([int(seed), int(size)])
            picked = np.concatenate(
                [rng.choice(np.flatnonzero(pool_y == c), size, replace=False) for c in classes]
            )
            texts, y = [pool[i] for i in picked], pool_y[picked]
            for method in ["none", *methods] if baseline else list(methods):
                if method == "none":
                    train_texts, train_y = texts, y
                else:
                    train_texts, train_y = augment_texts(
                        texts, y, method, copies=copies, alpha=alpha, table=table,
                        seed=np.random.default_rng([int(seed), int(size), order[method]]),
                    )  # fmt: skip
                accuracy = _tfidf_accuracy(train_texts, train_y, test, test_y)
                rows.append((method, int(size), int(seed), len(train_texts), accuracy))
    columns = ["method", "size", "seed", "train_texts", "accuracy"]
    return pd.DataFrame(rows, columns=columns)
