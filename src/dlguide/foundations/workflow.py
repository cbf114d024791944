"""The deep-learning workflow in code: splitting the data, and a dataset for ``DataLoader``.

The training that keeps score after every epoch, :func:`dlguide.training.fit_tracked`,
lives with the book's other training code in :mod:`dlguide.training`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dlguide._checks import (
    check_array,
    check_int,
    check_real,
    check_same_length,
    describe,
)
from dlguide.book.seeding import resolve_seed

__all__ = ["ArrayDataset", "stratified_split"]


def stratified_split(
    labels: np.ndarray, fractions: tuple[float, ...], *, seed: int | None = None
) -> list[np.ndarray]:
    """Split example indices into parts of the given ``fractions``, class by class.

    Each part keeps the class proportions of ``labels``. The fractions must add
    up to 1.

    Examples
    --------
    >>> labels = np.repeat([0, 1], [80, 20])
    >>> train, val, test = stratified_split(labels, (0.6, 0.2, 0.2))
    >>> [len(p) for p in (train, val, test)], [int(labels[p].sum()) for p in (train, val, test)]
    ([60, 20, 20], [12, 4, 4])
    """
    seed = resolve_seed(seed)
    labels = check_array("labels", labels, ndim=1, kind="integer")
    if not isinstance(fractions, tuple) or len(fractions) < 2:
        raise TypeError(
            f"fractions must be a tuple of two or more numbers, got {describe(fractions)}"
        )
    shares = [check_real("fractions", f) for f in fractions]
    if min(shares) <= 0 or not np.isclose(sum(shares), 1.0):
        raise ValueError(f"fractions must be positive and add up to 1, got {fractions}")
    seed = check_int("seed", seed, minimum=0)
    rng = np.random.default_rng(seed)
    parts: list[list[np.ndarray]] = [[] for _ in shares]
    for label in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == label))
        bounds = np.round(np.cumsum(shares) * len(members)).astype(int)
        for k, (lo, hi) in enumerate(zip(np.r_[0, bounds[:-1]], bounds, strict=True)):
            parts[k].append(members[lo:hi])
    return [np.sort(np.concatenate(p)) for p in parts]


class ArrayDataset:
    """A ``torch.utils.data.Dataset`` over ``uint8`` images and integer labels.

    Item ``i`` is ``(image, label)``: the image as a float tensor ``(1, h, w)``
    scaled to [0, 1], the label as a Python int. A ``DataLoader`` stacks items
    into batches.

    Examples
    --------
    >>> data = ArrayDataset(np.zeros((3, 4, 4), dtype=np.uint8), np.array([0, 1, 0]))
    >>> image, label = data[1]
    >>> len(data), tuple(image.shape), label
    (3, (1, 4, 4), 1)
    """

    def __init__(self, images: np.ndarray, labels: np.ndarray) -> None:
        from dlguide.training import images_to_tensor

        check_array("labels", labels, ndim=1, kind="integer")
        check_same_length(images=images, labels=labels)
        self.images = images_to_tensor(images)
        self.labels = np.asarray(labels, dtype=np.int64)

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, index: int) -> tuple[Any, int]:
        return self.images[index], int(self.labels[index])
