"""Learning curves: how a model's test accuracy grows with the size of its training set.

Whether deep learning is the right tool depends on the data: what kind it is
(pixels or a table of measured features) and how much of it there is. A
*learning curve* shows both at once: train each model on growing, stratified
subsets of the same training data and score it on the same test set.

:func:`dlguide.training.train_steps` trains each network with Adam on random
mini-batches, for as long as validation accuracy keeps improving (the weights of its
best scoring are kept). The chapter trains every model of a comparison by that rule;
the networks come from :mod:`dlguide.models`.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from dlguide._checks import (
    check_array,
    check_int,
    describe,
)
from dlguide.book.seeding import resolve_seed
from dlguide.data.sampling import stratified_subset

__all__ = [
    "learning_curve",
]


def learning_curve(
    models: Mapping[str, Callable[[np.ndarray], float]],
    labels: np.ndarray,
    sizes: Sequence[int],
    *,
    repeats: int = 1,
    seed: int | None = None,
) -> dict[str, np.ndarray]:
    """Score every model on stratified training subsets of growing size.

    Parameters
    ----------
    models
        Name -> function that takes the indices of a training subset, trains a fresh
        model on those examples, and returns its score on a fixed test set.
    labels
        The training labels (integers), used to draw class-balanced subsets.
    sizes
        Examples *per class* in each subset, in increasing order.
    repeats
        Independent subsets per size; the scores are averaged (useful on small data,
        where one subset is a noisy sample).
    seed
        Base seed of the subsets; repeat ``r`` at size ``i`` uses ``seed + 1000 * r + i``.
        None (the default): the chapter's seed (:func:`~dlguide.book.seeding.chapter_seed`).

    Returns
    -------
    dict
        Name -> array of mean scores, one per size.

    Examples
    --------
    >>> labels = np.repeat([0, 1], 10)
    >>> curve = learning_curve({"size": lambda idx: len(idx)}, labels, [2, 5], repeats=2)
    >>> curve["size"].tolist()
    [4.0, 10.0]
    """
    seed = resolve_seed(seed)
    if not isinstance(models, Mapping) or not models:
        raise TypeError(f"models must be a non-empty mapping of name -> function, got "
                        f"{describe(models)}")  # fmt: skip
    for name, fit_score in models.items():
        if not isinstance(name, str) or not callable(fit_score):
            raise TypeError(f"models must map names to functions, got {name!r}: "
                            f"{describe(fit_score)}")  # fmt: skip
    labels = check_array("labels", labels, ndim=1, kind="integer")
    if isinstance(sizes, str) or not isinstance(sizes, Sequence) or not sizes:
        raise TypeError(f"sizes must be a non-empty sequence of integers, got {describe(sizes)}")
    per_class = [check_int("sizes entry", s, minimum=1) for s in sizes]
    if any(b <= a for a, b in itertools.pairwise(per_class)):
        raise ValueError(f"sizes must be strictly increasing, got {list(per_class)}")
    repeats = check_int("repeats", repeats, minimum=1)
    seed = check_int("seed", seed, minimum=0)
    scores = {name: np.zeros((repeats, len(per_class))) for name in models}
    for r in range(repeats):
        for i, size in enumerate(per_class):
            subset = stratified_subset(labels, size, seed=seed + 1000 * r + i)
            for name, fit_score in models.items():
                scores[name][r, i] = float(fit_score(subset))
    return {name: s.mean(axis=0) for name, s in scores.items()}
