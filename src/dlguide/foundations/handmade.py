"""Hand-made shape features: what classical machine learning does before it can learn.

Before deep learning, an image classifier started with features a person
designed: how much of the image is ink, the shape of the bounding box, where
the mass sits, how the ink is spread across rows and columns. A classifier
(here, gradient-boosted trees) then learns from those numbers alone.
"""

from __future__ import annotations

import numpy as np

from dlguide._checks import check_array

__all__ = ["SHAPE_FEATURE_NAMES", "shape_features"]

_BINS = 7

#: The name of each column that :func:`shape_features` returns.
SHAPE_FEATURE_NAMES = (
    "ink fraction",
    "box height",
    "box width",
    "box aspect",
    "centre row",
    "centre column",
    "row spread",
    "column spread",
    "row-column covariance",
    *(f"row profile {i + 1}" for i in range(_BINS)),
    *(f"column profile {i + 1}" for i in range(_BINS)),
)


def shape_features(images: np.ndarray) -> np.ndarray:
    """Compute :data:`SHAPE_FEATURE_NAMES` for each greyscale image in ``images``.

    Parameters
    ----------
    images
        ``(n, height, width)`` array, 0 for background and larger values for ink.

    Returns
    -------
    numpy.ndarray
        ``(n, 23)`` float array. Sizes and positions are fractions of the image size.

    Examples
    --------
    >>> square = np.zeros((1, 28, 28)); square[0, 7:21, 7:21] = 255
    >>> f = dict(zip(SHAPE_FEATURE_NAMES, shape_features(square)[0]))
    >>> [round(float(f[k]), 3) for k in ("ink fraction", "box aspect", "centre row")]
    [0.25, 1.0, 0.5]
    """
    stack = check_array("images", images, ndim=3)
    _, height, width = stack.shape
    if height < _BINS or width < _BINS:
        raise ValueError(f"images must be at least {_BINS}x{_BINS} pixels, got {height}x{width}")
    ink = stack.astype(np.float64)
    if np.any(ink < 0):
        raise ValueError(
            f"images must not have negative values (0 is background), got {ink.min():g}"
        )
    peak = ink.max(axis=(1, 2))
    if np.any(peak == 0):
        raise ValueError(f"images must not be blank; image {int(np.argmax(peak == 0))} has no ink")
    ink /= peak[:, None, None]  # each image on its own scale: features must not depend on the batch
    mass = ink.sum(axis=(1, 2))
    rows = (np.arange(height) + 0.5) / height
    cols = (np.arange(width) + 0.5) / width
    row_profile = ink.sum(axis=2) / mass[:, None]
    col_profile = ink.sum(axis=1) / mass[:, None]
    r_mean = row_profile @ rows
    c_mean = col_profile @ cols
    r_var = row_profile @ rows**2 - r_mean**2
    c_var = col_profile @ cols**2 - c_mean**2
    cov = np.einsum("nij,i,j->n", ink, rows, cols) / mass - r_mean * c_mean
    on = ink > 0.5
    any_row, any_col = on.any(axis=2), on.any(axis=1)
    box_h = (height - np.argmax(any_row[:, ::-1], axis=1) - np.argmax(any_row, axis=1)) / height
    box_w = (width - np.argmax(any_col[:, ::-1], axis=1) - np.argmax(any_col, axis=1)) / width
    binned_rows = np.add.reduceat(
        row_profile, np.linspace(0, height, _BINS, endpoint=False).astype(int), axis=1
    )
    binned_cols = np.add.reduceat(
        col_profile, np.linspace(0, width, _BINS, endpoint=False).astype(int), axis=1
    )
    scalars = np.column_stack(
        [mass / (height * width), box_h, box_w, box_w / box_h, r_mean, c_mean,
         np.sqrt(r_var), np.sqrt(c_var), cov]
    )  # fmt: skip
    return np.hstack([scalars, binned_rows, binned_cols])
