"""The book's one sampler: the same number of examples of every class of a labelled set.

Learning curves, few-shot transfer and the regularization chapter all train on
a small subset with the same number of examples of every class.
:func:`stratified_subset` draws it, with
:func:`sklearn.model_selection.train_test_split` (``stratify=labels``) where the
classes are equally common.
"""

from __future__ import annotations

import numpy as np

from dlguide._checks import check_array, check_int
from dlguide.book.seeding import resolve_seed

__all__ = ["stratified_subset"]


def stratified_subset(labels: np.ndarray, per_class: int, *, seed: int | None = None) -> np.ndarray:
    """Return sorted indices of ``per_class`` randomly drawn examples of every class.

    When the classes are equally common (every image set in the book), the draw
    is :func:`sklearn.model_selection.train_test_split` with ``stratify=labels``,
    which then takes exactly ``per_class`` of each. When they are not (the breast
    cancer table), a stratified draw would keep the imbalance, and scikit-learn
    has no balanced under-sampler, so each class is drawn on its own
    (``numpy.random.Generator.choice`` without replacement).

    Parameters
    ----------
    labels
        1-D integer array of class ids.
    per_class
        Examples of each class; no class may have fewer.
    seed
        The seed of the draw (default: the chapter's seed).

    Examples
    --------
    >>> labels = np.repeat([0, 1, 2], 5)
    >>> idx = stratified_subset(labels, 2, seed=0)
    >>> np.bincount(labels[idx]).tolist()
    [2, 2, 2]
    """
    seed = resolve_seed(seed)
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
    if counts.min() != counts.max():
        rng = np.random.default_rng(seed)
        chosen = [rng.choice(index[labels == c], per_class, replace=False) for c in classes]
        return np.sort(np.concatenate(chosen))
    size = per_class * len(classes)
    if size == len(labels):
        return index
    chosen, _ = train_test_split(index, train_size=size, stratify=labels, random_state=seed)
    return np.sort(chosen)
