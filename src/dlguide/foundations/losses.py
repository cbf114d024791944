"""Loss functions in NumPy, each with its gradient with respect to the network's output.

A loss turns "how wrong is the network on these examples?" into one number that
gradient descent can lower. Which loss to use follows from what the network
predicts:

* :func:`mse` -- a real number (regression);
* :func:`binary_cross_entropy` -- one yes/no probability per example (or per
  label, in multi-label problems), from a logit passed through a sigmoid;
* :func:`cross_entropy` -- one of several classes, from logits passed through a
  softmax, with integer labels (Keras calls this *sparse categorical*
  cross-entropy);
* :func:`categorical_cross_entropy` -- the same with one-hot (or soft) target
  vectors instead of integer labels.

Every function returns ``(loss, gradient)``, the loss averaged over the batch
and its gradient with respect to the predictions or logits, ready for
:func:`dlguide.foundations.mlp.backward`. The tests check each against PyTorch.
"""

from __future__ import annotations

import numpy as np

from dlguide._checks import check_array, check_class_ids, check_same_length
from dlguide.foundations.activations import activate

__all__ = ["binary_cross_entropy", "categorical_cross_entropy", "cross_entropy", "mse", "softmax"]


def softmax(logits: np.ndarray) -> np.ndarray:
    """Turn each row of logits into probabilities that sum to one.

    The row maximum is subtracted first, which changes nothing mathematically but
    keeps ``exp`` from overflowing.

    Examples
    --------
    >>> softmax(np.array([[0.0, 0.0], [1000.0, 0.0]])).round(3).tolist()
    [[0.5, 0.5], [1.0, 0.0]]
    """
    z = check_array("logits", logits, ndim=2).astype(float)
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _pair(pred_name: str, pred: np.ndarray, target_name: str, target: np.ndarray) -> None:
    if pred.shape != target.shape:
        raise ValueError(
            f"{pred_name} and {target_name} must have the same shape, got {pred.shape} and "
            f"{target.shape}"
        )


def mse(predictions: np.ndarray, targets: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean squared error over every entry, and its gradient with respect to ``predictions``.

    Examples
    --------
    >>> loss, grad = mse(np.array([[1.0], [3.0]]), np.array([[0.0], [1.0]]))
    >>> loss, grad.ravel().tolist()
    (2.5, [1.0, 2.0])
    """
    p = check_array("predictions", predictions, ndim=2).astype(float)
    t = check_array("targets", targets, ndim=2).astype(float)
    _pair("predictions", p, "targets", t)
    diff = p - t
    return float(np.mean(diff**2)), 2.0 * diff / diff.size


def binary_cross_entropy(logits: np.ndarray, targets: np.ndarray) -> tuple[float, np.ndarray]:
    """Binary cross-entropy of ``sigmoid(logits)`` against 0/1 ``targets``, and its gradient.

    Computed from the logits directly (``log(1 + e^z) - t z``, written stably), so
    a confident wrong answer gives a large finite loss, never ``log(0)``. The
    gradient with respect to the logits is ``(sigmoid(z) - t) / n``.

    Examples
    --------
    >>> loss, grad = binary_cross_entropy(np.array([[0.0]]), np.array([[1.0]]))
    >>> round(loss, 4), grad.tolist()
    (0.6931, [[-0.5]])
    """
    z = check_array("logits", logits, ndim=2).astype(float)
    t = check_array("targets", targets, ndim=2).astype(float)
    _pair("logits", z, "targets", t)
    if np.any((t < 0) | (t > 1)):
        raise ValueError("targets must be probabilities between 0 and 1")
    losses = np.maximum(z, 0) - z * t + np.log1p(np.exp(-np.abs(z)))
    return float(losses.mean()), (activate("sigmoid", z) - t) / t.size


def categorical_cross_entropy(logits: np.ndarray, targets: np.ndarray) -> tuple[float, np.ndarray]:
    """Cross-entropy of ``softmax(logits)`` against target distributions (e.g. one-hot rows).

    Examples
    --------
    >>> loss, grad = categorical_cross_entropy(np.zeros((1, 4)), np.array([[0.0, 1, 0, 0]]))
    >>> round(loss, 4), grad.round(2).tolist()
    (1.3863, [[0.25, -0.75, 0.25, 0.25]])
    """
    z = check_array("logits", logits, ndim=2).astype(float)
    t = check_array("targets", targets, ndim=2).astype(float)
    _pair("logits", z, "targets", t)
    if np.any(t < 0) or not np.allclose(t.sum(axis=1), 1.0):
        raise ValueError("each row of targets must be a probability distribution (sum to 1)")
    shifted = z - z.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    n = len(z)
    return float(-(t * log_p).sum() / n), (np.exp(log_p) - t) / n


def cross_entropy(logits: np.ndarray, labels: np.ndarray) -> tuple[float, np.ndarray]:
    """Cross-entropy of ``softmax(logits)`` against integer class ``labels``, and its gradient.

    This is *sparse categorical* cross-entropy: the same number as
    :func:`categorical_cross_entropy` with one-hot targets, without building them.

    Examples
    --------
    >>> loss, grad = cross_entropy(np.zeros((1, 4)), np.array([1]))
    >>> round(loss, 4)
    1.3863
    """
    z = check_array("logits", logits, ndim=2)
    y = check_array("labels", labels, ndim=1, kind="integer")
    check_same_length(logits=z, labels=y)
    check_class_ids("labels", y, z.shape[1], counted="columns of logits")
    return categorical_cross_entropy(z, np.eye(z.shape[1])[y])
