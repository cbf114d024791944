"""Activation functions and their derivatives, written out in NumPy.

A neuron computes a weighted sum of its inputs and passes it through an
*activation function*. Without one, a stack of layers is a single linear map;
with one, it can bend. Training needs the derivative of each activation
(backpropagation multiplies by it at every layer), so each function here comes
with its derivative, and the tests check every derivative against PyTorch's
autograd.
"""

from __future__ import annotations

import math

import numpy as np

from dlguide._checks import check_array, check_str

__all__ = ["ACTIVATIONS", "activate", "derivative"]

#: Names of the activation functions this module knows, in the order the book shows them.
ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "gelu", "silu")

#: The slope of leaky ReLU for negative inputs (PyTorch's default).
LEAKY_SLOPE = 0.01

_erf = np.vectorize(math.erf, otypes=[float])


def _sigmoid(z: np.ndarray) -> np.ndarray:
    # Two branches, so that exp never overflows.
    out = np.empty_like(z, dtype=float)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    e = np.exp(z[~pos])
    out[~pos] = e / (1.0 + e)
    return out


def _phi(z: np.ndarray) -> np.ndarray:
    """The standard normal density."""
    return np.exp(-0.5 * z**2) / math.sqrt(2 * math.pi)


def _cdf(z: np.ndarray) -> np.ndarray:
    """The standard normal cumulative distribution function."""
    return 0.5 * (1.0 + _erf(z / math.sqrt(2.0)))


def _check(name: str, z: np.ndarray) -> np.ndarray:
    check_str("name", name, choices=ACTIVATIONS)
    # A vector of values or a batch of pre-activations (one row per example).
    array = check_array("z", z, ndim=(1, 2))
    return array.astype(float, copy=False)


def activate(name: str, z: np.ndarray) -> np.ndarray:
    """Apply the activation function ``name`` elementwise to ``z`` (a non-empty 1-D or 2-D array).

    ``"gelu"`` is the exact GELU, ``z * Phi(z)`` with ``Phi`` the standard normal
    distribution function (PyTorch's default); ``"silu"`` (also called swish) is
    ``z * sigmoid(z)``.

    Examples
    --------
    >>> activate("relu", np.array([-2.0, 0.0, 3.0])).tolist()
    [0.0, 0.0, 3.0]
    >>> float(activate("sigmoid", np.array([0.0]))[0])
    0.5
    """
    z = _check(name, z)
    if name == "sigmoid":
        return _sigmoid(z)
    if name == "tanh":
        return np.tanh(z)
    if name == "relu":
        return np.maximum(z, 0.0)
    if name == "leaky_relu":
        return np.where(z > 0, z, LEAKY_SLOPE * z)
    if name == "gelu":
        return z * _cdf(z)
    return z * _sigmoid(z)  # silu


def derivative(name: str, z: np.ndarray) -> np.ndarray:
    """Return the derivative of the activation ``name`` at every entry of ``z`` (1-D or 2-D).

    At zero, where ReLU and leaky ReLU have a kink, the derivative is taken as the
    left-hand one (0 and the leaky slope), as PyTorch does.

    Examples
    --------
    >>> derivative("relu", np.array([-1.0, 2.0])).tolist()
    [0.0, 1.0]
    >>> float(derivative("sigmoid", np.array([0.0]))[0])
    0.25
    """
    z = _check(name, z)
    if name == "sigmoid":
        s = _sigmoid(z)
        return s * (1.0 - s)
    if name == "tanh":
        return 1.0 - np.tanh(z) ** 2
    if name == "relu":
        return (z > 0).astype(float)
    if name == "leaky_relu":
        return np.where(z > 0, 1.0, LEAKY_SLOPE)
    if name == "gelu":
        return _cdf(z) + z * _phi(z)
    s = _sigmoid(z)  # silu
    return s * (1.0 + z * (1.0 - s))
