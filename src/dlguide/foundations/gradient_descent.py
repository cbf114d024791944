"""Gradient descent: on a two-dimensional loss surface, and with full batches or mini-batches.

Gradient descent repeats one step, ``w <- w - lr * gradient(w)``. On a surface
of two parameters its path can be drawn, which shows what the learning rate
does: too small and the path crawls, too large and it overshoots and diverges.

:func:`train_mlp` trains the NumPy network of :mod:`dlguide.foundations.mlp` with the
gradients of its hand-written backward pass, on full batches or mini-batches,
and records the loss after every step and every epoch and the time per epoch.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from dlguide._checks import (
    check_array,
    check_int,
    check_positive,
    check_real,
    check_same_length,
    describe,
)
from dlguide.book.seeding import resolve_seed
from dlguide.foundations.losses import cross_entropy
from dlguide.foundations.mlp import MLP, backward, forward

__all__ = ["TrainingRecord", "bowl", "descend", "train_mlp"]


def bowl(curvatures: tuple[float, float] = (1.0, 10.0)) -> tuple[Callable, Callable]:
    """Return ``(loss, gradient)`` of the bowl ``0.5 * (c1 * w1**2 + c2 * w2**2)``.

    Unequal curvatures make a long, narrow valley, as real loss surfaces often
    are. Plain gradient descent converges on it exactly when the learning rate is
    below ``2 / max(curvatures)``.

    Examples
    --------
    >>> loss, grad = bowl((1.0, 10.0))
    >>> float(loss(np.array([1.0, 1.0]))), grad(np.array([1.0, 1.0])).tolist()
    (5.5, [1.0, 10.0])
    """
    if not isinstance(curvatures, (tuple, list)):
        raise TypeError(f"curvatures must be a tuple of two numbers, got {describe(curvatures)}")
    c = np.array([check_real("curvatures entry", v) for v in curvatures])
    if c.shape != (2,) or np.any(c <= 0):
        raise ValueError(f"curvatures must be two positive numbers, got {tuple(curvatures)}")

    def loss(w: np.ndarray) -> float | np.ndarray:
        w = np.asarray(w, dtype=float)
        return 0.5 * (c[0] * w[..., 0] ** 2 + c[1] * w[..., 1] ** 2)

    def gradient(w: np.ndarray) -> np.ndarray:
        return c * np.asarray(w, dtype=float)

    return loss, gradient


def descend(
    gradient: Callable[[np.ndarray], np.ndarray], start: np.ndarray, *, lr: float, steps: int
) -> np.ndarray:
    """Run ``steps`` steps of gradient descent from ``start``; return the path, ``(steps + 1, d)``.

    Examples
    --------
    >>> _, grad = bowl((1.0, 1.0))
    >>> descend(grad, np.array([4.0, 2.0]), lr=0.5, steps=2).tolist()
    [[4.0, 2.0], [2.0, 1.0], [1.0, 0.5]]
    """
    if not callable(gradient):
        raise TypeError(f"gradient must be a function, got {describe(gradient)}")
    w = check_array("start", start, ndim=1).astype(float)
    lr = check_positive("lr", lr)
    steps = check_int("steps", steps, minimum=0)
    path = [w]
    for _ in range(steps):
        w = w - lr * np.asarray(gradient(w), dtype=float)
        path.append(w)
    return np.array(path)


@dataclass
class TrainingRecord:
    """What :func:`train_mlp` measured."""

    step_loss: list[float] = field(default_factory=list)  # the batch's loss at every step
    epoch_loss: list[float] = field(default_factory=list)  # the full training loss after each
    epoch_seconds: list[float] = field(default_factory=list)


def train_mlp(
    net: MLP,
    x: np.ndarray,
    y: np.ndarray,
    *,
    lr: float,
    epochs: int,
    batch_size: int | None = None,
    seed: int | None = None,
) -> TrainingRecord:
    """Train ``net`` in place by gradient descent on the cross-entropy; return what happened.

    Parameters
    ----------
    net
        A network from :func:`~dlguide.foundations.mlp.init_mlp` whose last layer has one
        output per class.
    x, y
        Inputs ``(n, features)`` and integer labels ``(n,)``.
    lr, epochs
        Learning rate, and passes over the data.
    batch_size
        Examples per step; ``None`` means the whole training set (full-batch descent).
    seed
        Seed of the shuffling.
        None (the default): the chapter's seed (:func:`~dlguide.book.seeding.chapter_seed`).

    Examples
    --------
    >>> from dlguide.foundations.mlp import init_mlp
    >>> x = np.array([[-1.0], [1.0]]); y = np.array([0, 1])
    >>> record = train_mlp(init_mlp([1, 2]), x, y, lr=1.0, epochs=20)
    >>> record.epoch_loss[-1] < record.epoch_loss[0]
    True
    """
    seed = resolve_seed(seed)
    if not isinstance(net, MLP):
        raise TypeError(f"net must be an MLP (see init_mlp), got {describe(net)}")
    x = check_array("x", x, ndim=2)
    y = check_array("y", y, ndim=1, kind="integer")
    check_same_length(x=x, y=y)
    lr = check_positive("lr", lr)
    epochs = check_int("epochs", epochs, minimum=1)
    size = len(y) if batch_size is None else check_int("batch_size", batch_size, minimum=1)
    rng = np.random.default_rng(check_int("seed", seed, minimum=0))
    record = TrainingRecord()
    for _ in range(epochs):
        start = time.perf_counter()
        order = rng.permutation(len(y)) if size < len(y) else np.arange(len(y))
        for i in range(0, len(y), size):
            batch = order[i : i + size]
            logits, cache = forward(net, x[batch])
            loss, grad = cross_entropy(logits, y[batch])
            grad_w, grad_b = backward(net, cache, grad)
            for param, g in zip(net.weights + net.biases, grad_w + grad_b):
                param -= lr * g
            record.step_loss.append(loss)
        record.epoch_seconds.append(time.perf_counter() - start)
        record.epoch_loss.append(cross_entropy(forward(net, x)[0], y)[0])
    return record
