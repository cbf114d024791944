"""The book's one sampler: a stratified subset of a labelled data set, drawn by scikit-learn.

Learning curves, few-shot transfer and the regularization chapter all train on
a small subset with the same number of examples of every class.
:func:`stratified_subset` draws it with
:func:`sklearn.model_selection.train_test_split` and ``stratify=labels``, so
each class keeps its share of the data: with equally common classes (every
labelled set in the book), exactly ``per_class`` examples of each.
"""

from __future__ import annotations

import numpy as np

from dlguide._checks import check_array, check_int

__all__ = ["stratified_subset"]


def stratified_subset(labels: np.ndarray, per_class: int, *, seed: int = 0) -> np.ndarray:
    """Return sorted indices of a stratified draw of ``per_class`` times the number of classes.

    The draw is :func:`sklearn.model_selection.train_test_split` with
    ``stratify=labels``: each class keeps its share of ``labels``, so equally
    common classes give exactly ``per_class`` examples each; unequal ones give
    each class its share of the total, rounded by scikit-learn.

    Parameters
    ----------
    labels
        1-D integer array of class ids.
    per_class
        Examples per class (for equally common classes); no class may have fewer.
    seed
        The ``random_state`` of the draw.

    Examples
    --------
    >>> labels = np.repeat([0, 1, 2], 5)
    >>> idx = stratified_subset(labels, 2, seed=0)
    >>> np.bincount(labels[idx]).tolist()
    [2, 2, 2]
    """
    from sklearn.model_selection import train_test_split

    labels = check_array("labels", labels, ndim=1, kind="integer")
    per_class = check_int("per_class", per_class, minimum=1)
    seed = check_int("seed", seed, minimum=0)
    classes, counts = np.unique(labels, return_counts=True)
    if counts.min() < per_class:
        label = classes[np.argmin(counts)]
        raise ValueError(
            f"per_class is {per_class} but class {label} has only {counts.min()} examples"
        )
    index = np.arange(len(labels))
    size = per_class * len(classes)
    if size == len(labels):
        return index
    if len(labels) - size < len(classes):
        raise ValueError(
            f"per_class is {per_class}, which leaves fewer than one example per class out of "
            f"the {len(labels)}; draw all of them instead"
        )
    chosen, _ = train_test_split(index, train_size=size, stratify=labels, random_state=seed)
    return np.sort(chosen)
