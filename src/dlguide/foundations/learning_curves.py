"""Learning curves: how a model's test accuracy grows with the size of its training set.

Whether deep learning is the right tool depends on the data: what kind it is
(pixels or a table of measured features) and how much of it there is. A
*learning curve* shows both at once: train each model on growing, stratified
subsets of the same training data and score it on the same test set.

:func:`dlguide.training.train_steps` trains each network with Adam on random
mini-batches, for as long as validation accuracy keeps improving (the weights of its
best scoring are kept). The chapter trains every model of a comparison by that rule.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from dlguide._checks import (
    check_array,
    check_int,
    describe,
)
from dlguide.book.seeding import resolve_seed
from dlguide.data.sampling import stratified_subset

__all__ = [
    "image_cnn",
    "image_mlp",
    "learning_curve",
    "tabular_mlp",
]


def image_mlp(n_inputs: int = 784, n_classes: int = 10, hidden: int = 128) -> Any:
    """Return a multilayer perceptron for flattened images: one hidden ReLU layer.

    Examples
    --------
    >>> import torch
    >>> image_mlp()(torch.zeros(2, 1, 28, 28)).shape
    torch.Size([2, 10])
    """
    from torch import nn

    n_inputs = check_int("n_inputs", n_inputs, minimum=1)
    n_classes = check_int("n_classes", n_classes, minimum=2)
    hidden = check_int("hidden", hidden, minimum=1)
    return nn.Sequential(
        nn.Flatten(), nn.Linear(n_inputs, hidden), nn.ReLU(), nn.Linear(hidden, n_classes)
    )


def image_cnn(n_classes: int = 10) -> Any:
    """Return a small CNN for 28x28 greyscale images: two conv blocks and a dense layer.

    Examples
    --------
    >>> import torch
    >>> image_cnn()(torch.zeros(2, 1, 28, 28)).shape
    torch.Size([2, 10])
    """
    from torch import nn

    n_classes = check_int("n_classes", n_classes, minimum=2)
    return nn.Sequential(
        nn.Conv2d(1, 8, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),  # 28 -> 14
        nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # 14 -> 7
        nn.Flatten(), nn.Linear(16 * 7 * 7, 64), nn.ReLU(), nn.Linear(64, n_classes),
    )  # fmt: skip


def tabular_mlp(n_inputs: int, n_classes: int = 2, hidden: int = 64) -> Any:
    """Return an MLP for a table of features: two hidden ReLU layers.

    Examples
    --------
    >>> import torch
    >>> tabular_mlp(30)(torch.zeros(4, 30)).shape
    torch.Size([4, 2])
    """
    from torch import nn

    n_inputs = check_int("n_inputs", n_inputs, minimum=1)
    n_classes = check_int("n_classes", n_classes, minimum=2)
    hidden = check_int("hidden", hidden, minimum=1)
    return nn.Sequential(
        nn.Linear(n_inputs, hidden), nn.ReLU(),
        nn.Linear(hidden, hidden), nn.ReLU(),
        nn.Linear(hidden, n_classes),
    )  # fmt: skip


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
