"""Regularization: dropout, weight penalties and image augmentation, small enough to read.

A network with many more weights than training examples can fit the training
set perfectly and still label new data badly: it *overfits*. The tools here are
the ones the chapter on overfitting measures against one baseline:

- :func:`dropout`, inverted dropout written in NumPy, to compare with
  ``torch.nn.Dropout``; :func:`dropout_mlp`, the chapter's network, with dropout
  layers whose rate is a parameter;
- :func:`weight_values` and :func:`weight_sparsity`, to see what an L1 or L2
  penalty (the ``l1`` and ``weight_decay`` knobs of
  :func:`dlguide.training.fit_tracked`) does to the weights;
- the random flips, rotations and transposes the chapter trains with are in
  :mod:`dlguide.architectures.augmentation`, with the other image augmentations;
  the results table is :func:`dlguide.tables.results_table`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dlguide._checks import (
    check_array,
    check_bool,
    check_int,
    check_positive,
    check_real,
    describe,
)
from dlguide.book.seeding import resolve_seed

__all__ = [
    "dropout",
    "dropout_mlp",
    "weight_sparsity",
    "weight_values",
]


def _check_rate(p: Any) -> float:
    p = check_real("p", p)
    if not 0.0 <= p < 1.0:
        raise ValueError(f"p must be a dropout rate in [0, 1), got {p}")
    return p


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
    training = check_bool("training", training)
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

    The network is :func:`dlguide.models.mlp`'s, ``[n_inputs, hidden, hidden, n_classes]``
    with ``dropout=p``, drawn from its own ``seed``: torch's global generator is left
    as it was. With ``p=0`` the dropout layers do nothing, so networks built with the
    same ``seed`` and different ``p`` start from the same weights: only the
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

    from dlguide.models import mlp

    p = _check_rate(p)
    hidden = check_int("hidden", hidden, minimum=1)
    n_inputs = check_int("n_inputs", n_inputs, minimum=1)
    n_classes = check_int("n_classes", n_classes, minimum=2)
    seed = check_int("seed", seed, minimum=0)
    state = torch.random.get_rng_state()
    torch.manual_seed(seed)
    try:
        return mlp([n_inputs, hidden, hidden, n_classes], dropout=p, flatten=True)
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
    :func:`dlguide.training.fit_tracked` acts on.

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
    threshold = check_positive("threshold", threshold)
    values = weight_values(model)
    return float(np.mean(np.abs(values) < threshold))
