"""Regularization: dropout, weight penalties and image augmentation, small enough to read.

A network with many more weights than training examples can fit the training
set perfectly and still label new data badly: it *overfits*. The tools here are
the ones the chapter on overfitting measures against one baseline:

- :func:`dropout`, inverted dropout written in NumPy, to compare with
  ``torch.nn.Dropout``; :func:`dropout_mlp`, the chapter's network, with dropout
  layers whose rate is a parameter;
- :func:`weight_values` and :func:`weight_sparsity`, to see what an L1 or L2
  penalty (the ``l1`` and ``weight_decay`` knobs of
  :func:`dlguide.foundations.workflow.fit_tracked`) does to the weights;
- :func:`rotate_images`, :func:`augment_images` and :func:`augmenter`: random
  flips, rotations and transposes of a batch of image tensors, for the
  ``augment`` hook of :func:`~dlguide.foundations.workflow.fit_tracked`;
- :func:`results_markdown`, the comparison as one Markdown table.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from dlguide._checks import check_array, check_int, check_real, check_str, describe
from dlguide.book.seeding import resolve_seed

__all__ = [
    "augment_images",
    "augmenter",
    "dropout",
    "dropout_mlp",
    "results_markdown",
    "rotate_images",
    "weight_sparsity",
    "weight_values",
]


def _check_rate(p: Any) -> float:
    p = check_real("p", p)
    if not 0.0 <= p < 1.0:
        raise ValueError(f"p must be a dropout rate in [0, 1), got {p}")
    return p


def _check_flag(name: str, value: Any) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {describe(value)}")
    return bool(value)


def dropout(
    x: np.ndarray, p: float, *, training: bool = True, seed: int | None = None
) -> np.ndarray:
    """Apply inverted dropout to ``x``: zero each entry with probability ``p``, scale the rest.

    In training mode every entry is kept with probability ``1 - p`` and multiplied
    by ``1 / (1 - p)``, so the expected value of each entry is unchanged; in
    prediction mode (``training=False``) ``x`` is returned unchanged. This is what
    ``torch.nn.Dropout`` does in ``train()`` and ``eval()`` mode.

    Parameters
    ----------
    x
        Activations: a 1-D array (one example's units) or a 2-D array
        ``(n_examples, n_units)``.
    p
        The probability of zeroing an entry, in [0, 1).
    training
        Drop (True) or pass through (False).
    seed
        Seeds the random mask.
        None (the default): the chapter's seed (:func:`~dlguide.book.seeding.chapter_seed`).

    Returns
    -------
    numpy.ndarray
        A new float array of the shape of ``x``.

    Examples
    --------
    >>> dropout(np.ones(8), 0.5, seed=1)
    array([2., 2., 0., 2., 0., 0., 2., 0.])
    >>> dropout(np.ones(3), 0.5, training=False)
    array([1., 1., 1.])
    """
    seed = resolve_seed(seed)
    values = check_array("x", x, ndim=(1, 2), kind="numeric", min_len=1)
    if values.size == 0:
        raise ValueError(f"x must not be empty, got shape {values.shape}")
    p = _check_rate(p)
    training = _check_flag("training", training)
    seed = check_int("seed", seed, minimum=0)
    values = values.astype(float)
    if not training or p == 0.0:
        return values.copy()
    keep = np.random.default_rng(seed).random(values.shape) >= p
    return np.where(keep, values / (1.0 - p), 0.0)


def dropout_mlp(
    p: float = 0.0,
    *,
    hidden: int = 256,
    n_inputs: int = 784,
    n_classes: int = 10,
    seed: int | None = None,
) -> Any:
    """Return an MLP for flattened images with two hidden ReLU layers, each followed by dropout.

    With ``p=0`` the dropout layers do nothing, so networks built with the same
    ``seed`` and different ``p`` start from the same weights: only the
    regularization differs.

    Parameters
    ----------
    p
        Dropout rate after each hidden layer, in [0, 1).
    hidden, n_inputs, n_classes
        Hidden units per layer, input size (784 for 28x28 images), outputs.
    seed
        Seeds the initial weights.
        None (the default): the chapter's seed (:func:`~dlguide.book.seeding.chapter_seed`).

    Examples
    --------
    >>> import torch
    >>> model = dropout_mlp(0.5)
    >>> model(torch.zeros(2, 1, 28, 28)).shape
    torch.Size([2, 10])
    >>> bool(torch.equal(model[1].weight, dropout_mlp(0.0)[1].weight))
    True
    """
    seed = resolve_seed(seed)
    import torch
    from torch import nn

    p = _check_rate(p)
    hidden = check_int("hidden", hidden, minimum=1)
    n_inputs = check_int("n_inputs", n_inputs, minimum=1)
    n_classes = check_int("n_classes", n_classes, minimum=2)
    seed = check_int("seed", seed, minimum=0)
    state = torch.random.get_rng_state()
    torch.manual_seed(seed)
    try:
        return nn.Sequential(
            nn.Flatten(),
            nn.Linear(n_inputs, hidden), nn.ReLU(), nn.Dropout(p),
            nn.Linear(hidden, hidden), nn.ReLU(), nn.Dropout(p),
            nn.Linear(hidden, n_classes),
        )  # fmt: skip
    finally:
        torch.random.set_rng_state(state)


def _weight_matrices(model: Any) -> list[Any]:
    import torch

    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {describe(model)}")
    weights = [p.detach() for p in model.parameters() if p.ndim > 1]
    if not weights:
        raise ValueError("model has no weight matrices (parameters with two or more axes)")
    return weights


def weight_values(model: Any) -> np.ndarray:
    """Return every weight of ``model``'s weight matrices and kernels (not biases), flattened.

    These are the weights that the ``l1`` penalty of
    :func:`dlguide.foundations.workflow.fit_tracked` acts on.

    Examples
    --------
    >>> import torch
    >>> weight_values(torch.nn.Linear(3, 2)).shape
    (6,)
    """
    import torch

    return torch.cat([w.flatten() for w in _weight_matrices(model)]).double().numpy()


def weight_sparsity(model: Any, threshold: float = 1e-3) -> float:
    """Return the fraction of ``model``'s weights (not biases) whose size is below ``threshold``.

    An L1 penalty trained with a gradient method drives weights *towards* zero but
    rarely to exactly zero (each step overshoots a little), so sparsity is counted
    as "smaller than ``threshold``", not "equal to zero".

    Examples
    --------
    >>> import torch
    >>> layer = torch.nn.Linear(2, 2, bias=False)
    >>> with torch.no_grad():
    ...     _ = layer.weight.copy_(torch.tensor([[0.0, 1.0], [1e-5, -2.0]]))
    >>> weight_sparsity(layer)
    0.5
    """
    threshold = check_real("threshold", threshold)
    if threshold <= 0:
        raise ValueError(f"threshold must be positive, got {threshold}")
    values = weight_values(model)
    return float(np.mean(np.abs(values) < threshold))


def _check_batch(batch: Any) -> Any:
    import torch

    if not isinstance(batch, torch.Tensor) or not batch.is_floating_point():
        raise TypeError(f"batch must be a float torch.Tensor, got {describe(batch)}")
    if batch.ndim != 4 or len(batch) == 0:
        raise ValueError(
            f"batch must have shape (n, channels, height, width) with n >= 1, "
            f"got shape {tuple(batch.shape)}"
        )
    if not torch.isfinite(batch).all():
        raise ValueError("batch contains NaN or infinite values")
    return batch


def rotate_images(batch: Any, degrees: Any) -> Any:
    """Rotate each image of ``batch`` about its centre by its own angle in ``degrees``.

    Positive angles turn the image anticlockwise as displayed (row 0 at the top).
    Pixels are resampled bilinearly; corners that come from outside the image
    are filled with 0 (background).

    Parameters
    ----------
    batch
        A float tensor of shape ``(n, channels, height, width)``.
    degrees
        ``n`` angles, a 1-D tensor or NumPy array.

    Examples
    --------
    >>> import torch
    >>> image = torch.arange(9.0).reshape(1, 1, 3, 3)
    >>> rotate_images(image, torch.tensor([90.0]))[0, 0].round()
    tensor([[2., 5., 8.],
            [1., 4., 7.],
            [0., 3., 6.]])
    """
    import torch
    import torch.nn.functional as F

    batch = _check_batch(batch)
    if isinstance(degrees, np.ndarray):
        degrees = torch.from_numpy(check_array("degrees", degrees, ndim=1).astype(np.float64))
    if not isinstance(degrees, torch.Tensor) or degrees.ndim != 1:
        raise TypeError(f"degrees must be a 1-D tensor or NumPy array, got {describe(degrees)}")
    if len(degrees) != len(batch):
        raise ValueError(f"degrees has {len(degrees)} angles but batch has {len(batch)} images")
    if not torch.isfinite(degrees).all():
        raise ValueError("degrees contains NaN or infinite values")
    theta = degrees.to(batch.dtype) * (math.pi / 180.0)
    cos, sin, zero = torch.cos(theta), torch.sin(theta), torch.zeros_like(theta)
    # affine_grid maps each output pixel to the input position it samples from, so an
    # anticlockwise turn of the picture samples along the clockwise-rotated grid (y points down).
    matrix = torch.stack(
        [torch.stack([cos, -sin, zero], dim=1), torch.stack([sin, cos, zero], dim=1)], dim=1
    )
    grid = F.affine_grid(matrix, list(batch.shape), align_corners=False)
    return F.grid_sample(batch, grid, mode="bilinear", padding_mode="zeros", align_corners=False)


def augment_images(
    batch: Any,
    generator: Any,
    *,
    flip: bool = True,
    degrees: float = 0.0,
    transpose: bool = False,
) -> Any:
    """Return a randomly changed copy of an image batch: flips, rotations, transposes.

    Each image is changed independently: mirrored left-right with probability
    1/2 (``flip``), rotated by an angle drawn uniformly from
    ``[-degrees, degrees]``, and transposed (rows and columns swapped, a mirror
    about the diagonal) with probability 1/2 (``transpose``).

    Parameters
    ----------
    batch
        A float tensor ``(n, channels, height, width)``; square images for ``transpose``.
    generator
        A ``torch.Generator``: the same generator state gives the same changes.
    flip, degrees, transpose
        Which changes to make.

    Examples
    --------
    >>> import torch
    >>> batch = torch.rand(4, 1, 5, 5)
    >>> out = augment_images(batch, torch.Generator().manual_seed(0), degrees=10.0)
    >>> out.shape, bool(torch.equal(out, batch))
    (torch.Size([4, 1, 5, 5]), False)
    >>> same = augment_images(batch, torch.Generator().manual_seed(0), flip=False)
    >>> bool(torch.equal(same, batch))
    True
    """
    import torch

    batch = _check_batch(batch)
    if not isinstance(generator, torch.Generator):
        raise TypeError(f"generator must be a torch.Generator, got {describe(generator)}")
    flip = _check_flag("flip", flip)
    transpose = _check_flag("transpose", transpose)
    degrees = check_real("degrees", degrees)
    if not 0.0 <= degrees <= 180.0:
        raise ValueError(f"degrees must be between 0 and 180, got {degrees}")
    if transpose and batch.shape[-1] != batch.shape[-2]:
        raise ValueError(f"transpose needs square images, got shape {tuple(batch.shape)}")
    out = batch.clone()
    n = len(out)
    if flip:
        mirrored = torch.rand(n, generator=generator) < 0.5
        out[mirrored] = out[mirrored].flip(-1)
    if degrees > 0:
        angles = (torch.rand(n, generator=generator, dtype=torch.float64) * 2 - 1) * degrees
        out = rotate_images(out, angles)
    if transpose:
        swapped = torch.rand(n, generator=generator) < 0.5
        out[swapped] = out[swapped].transpose(-1, -2)
    return out


def augmenter(
    *, flip: bool = True, degrees: float = 0.0, transpose: bool = False
) -> Callable[[Any, Any], Any]:
    """Return ``augment(batch, generator)`` for :func:`dlguide.foundations.workflow.fit_tracked`.

    The settings are checked once, here; see :func:`augment_images` for their meaning.

    Examples
    --------
    >>> import torch
    >>> augment = augmenter(flip=True, degrees=15.0)
    >>> augment(torch.rand(2, 1, 8, 8), torch.Generator()).shape
    torch.Size([2, 1, 8, 8])
    """
    flip = _check_flag("flip", flip)
    transpose = _check_flag("transpose", transpose)
    degrees = check_real("degrees", degrees)
    if not 0.0 <= degrees <= 180.0:
        raise ValueError(f"degrees must be between 0 and 180, got {degrees}")

    def augment(batch: Any, generator: Any) -> Any:
        return augment_images(batch, generator, flip=flip, degrees=degrees, transpose=transpose)

    return augment


def results_markdown(rows: Mapping[str, Mapping[str, float]], formats: Mapping[str, str]) -> str:
    """Return a Markdown table: one row per entry of ``rows``, one column per entry of ``formats``.

    Parameters
    ----------
    rows
        Row label -> {column name -> number}; every row must have every column.
    formats
        Column name -> format spec (``".1%"``, ``"d"``), in the order of the columns.

    Examples
    --------
    >>> print(results_markdown({"none": {"accuracy": 0.5, "epochs": 40}},
    ...                        {"accuracy": ".1%", "epochs": "d"}))
    | | accuracy | epochs |
    | --- | ---: | ---: |
    | none | 50.0% | 40 |
    """
    if not isinstance(formats, Mapping) or not formats:
        raise TypeError(f"formats must be a non-empty mapping of column -> format, got "
                        f"{describe(formats)}")  # fmt: skip
    for column, spec in formats.items():
        check_str("formats column", column)
        check_str(f"formats[{column!r}]", spec)
    if not isinstance(rows, Mapping) or not rows:
        raise TypeError(f"rows must be a non-empty mapping of label -> row, got {describe(rows)}")
    lines = [
        "| | " + " | ".join(formats) + " |",
        "| --- |" + " ---: |" * len(formats),
    ]
    for label, row in rows.items():
        check_str("rows label", label)
        if not isinstance(row, Mapping):
            raise TypeError(f"rows[{label!r}] must be a mapping of column -> number, got "
                            f"{describe(row)}")  # fmt: skip
        cells = []
        for column, spec in formats.items():
            if column not in row:
                raise ValueError(f"rows[{label!r}] has no value for column {column!r}")
            number = check_real(f"rows[{label!r}][{column!r}]", row[column])
            if spec.endswith("d"):
                number = round(number)
            try:
                cells.append(format(number, spec))
            except ValueError as exc:
                message = f"formats[{column!r}] {spec!r} is not a valid format: {exc}"
                raise ValueError(message) from None
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
