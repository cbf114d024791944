"""A multilayer perceptron in NumPy: the forward pass, and the backward pass by the chain rule.

A layer computes ``z = h @ W + b`` for a whole batch at once (one row per
example), then applies an activation function; the last layer leaves its ``z``
as it is (the *logits*). :func:`forward` is that loop and nothing else.
:func:`backward` walks the same layers in reverse and applies the chain rule,
giving the gradient of a loss with respect to every weight and bias.
:func:`to_torch` builds the same network in PyTorch, so both passes can be
checked against an independent implementation. :func:`keras_mlp` builds a fresh ReLU
network of given layer sizes in Keras, the twin of :func:`dlguide.models.mlp` in the two
framework tabs of the optimizers chapter.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dlguide._checks import (
    check_array,
    check_int,
    check_ints,
    check_positive,
    check_str,
    describe,
)
from dlguide.book.seeding import resolve_seed
from dlguide.foundations.activations import ACTIVATIONS, activate, derivative

__all__ = [
    "MLP",
    "Cache",
    "backward",
    "forward",
    "init_mlp",
    "keras_mlp",
    "max_relative_error",
    "numerical_gradients",
    "to_torch",
]


@dataclass
class MLP:
    """The parameters of a multilayer perceptron.

    Attributes
    ----------
    weights
        One matrix per layer, of shape ``(inputs, outputs)``.
    biases
        One vector per layer, of shape ``(outputs,)``.
    activation
        The activation applied after every layer but the last (see
        :data:`dlguide.foundations.activations.ACTIVATIONS`).
    """

    weights: list[np.ndarray]
    biases: list[np.ndarray]
    activation: str = "relu"

    @property
    def sizes(self) -> list[int]:
        """The width of every layer, input first."""
        return [self.weights[0].shape[0], *(w.shape[1] for w in self.weights)]

    def n_parameters(self) -> int:
        """The number of weights and biases."""
        return sum(w.size + b.size for w, b in zip(self.weights, self.biases))


@dataclass
class Cache:
    """What the forward pass remembers for the backward pass: each layer's input and ``z``."""

    inputs: list[np.ndarray] = field(default_factory=list)
    pre_activations: list[np.ndarray] = field(default_factory=list)


def init_mlp(sizes: Sequence[int], *, activation: str = "relu", seed: int | None = None) -> MLP:
    """Return an MLP with random weights (He initialisation) and zero biases.

    Parameters
    ----------
    sizes
        Layer widths, input first, e.g. ``[2, 16, 16, 1]``.
    activation
        The hidden layers' activation function.
    seed
        Seed of the weights.
        None (the default): the chapter's seed (:func:`~dlguide.book.seeding.chapter_seed`).

    Examples
    --------
    >>> net = init_mlp([2, 8, 3])
    >>> [w.shape for w in net.weights], net.n_parameters()
    ([(2, 8), (8, 3)], 51)
    """
    seed = resolve_seed(seed)
    if isinstance(sizes, str) or not isinstance(sizes, Sequence) or len(sizes) < 2:
        raise TypeError(f"sizes must be a sequence of at least two widths, got {describe(sizes)}")
    widths = [check_int("sizes entry", s, minimum=1) for s in sizes]
    check_str("activation", activation, choices=ACTIVATIONS)
    seed = check_int("seed", seed, minimum=0)
    rng = np.random.default_rng(seed)
    weights = [
        rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_in, n_out))
        for n_in, n_out in itertools.pairwise(widths)
    ]
    biases = [np.zeros(n_out) for n_out in widths[1:]]
    return MLP(weights, biases, activation)


def _check_mlp(net: Any) -> MLP:
    if not isinstance(net, MLP):
        raise TypeError(f"net must be an MLP (see init_mlp), got {describe(net)}")
    return net


def _check_input(net: MLP, x: Any) -> np.ndarray:
    x = check_array("x", x, ndim=2)
    if x.shape[1] != net.sizes[0]:
        raise ValueError(
            f"x must have {net.sizes[0]} columns (the network's input width), got shape {x.shape}"
        )
    return x


def forward(net: MLP, x: np.ndarray) -> tuple[np.ndarray, Cache]:
    """Run the network on a batch ``x`` of shape ``(n, inputs)``; return the logits and a cache.

    Examples
    --------
    >>> net = init_mlp([2, 4, 1])
    >>> out, cache = forward(net, np.ones((3, 2)))
    >>> out.shape, len(cache.inputs)
    ((3, 1), 2)
    """
    net = _check_mlp(net)
    h = _check_input(net, x)
    cache = Cache()
    last = len(net.weights) - 1
    for i, (w, b) in enumerate(zip(net.weights, net.biases)):
        z = h @ w + b  # the whole layer, for every example, is one matrix product
        cache.inputs.append(h)
        cache.pre_activations.append(z)
        h = activate(net.activation, z) if i < last else z
    return h, cache


def backward(
    net: MLP, cache: Cache, grad_output: np.ndarray
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Return the gradients of a loss with respect to every weight and bias.

    Parameters
    ----------
    net, cache
        The network and the cache of the :func:`forward` call that produced the output.
    grad_output
        The gradient of the loss with respect to the network's output (its logits),
        of the same shape as the output.

    Returns
    -------
    tuple of lists
        ``(weight_gradients, bias_gradients)``, shaped like ``net.weights`` and
        ``net.biases``.

    Examples
    --------
    >>> net = init_mlp([2, 3, 1])
    >>> out, cache = forward(net, np.ones((4, 2)))
    >>> gw, gb = backward(net, cache, np.ones_like(out))
    >>> [g.shape for g in gw], [g.shape for g in gb]
    ([(2, 3), (3, 1)], [(3,), (1,)])
    """
    net = _check_mlp(net)
    if not isinstance(cache, Cache) or len(cache.inputs) != len(net.weights):
        raise TypeError(f"cache must be the Cache returned by forward(net, x), got "
                        f"{describe(cache)}")  # fmt: skip
    g = check_array("grad_output", grad_output, ndim=2)
    if g.shape != cache.pre_activations[-1].shape:
        raise ValueError(f"grad_output must have the output's shape "
                         f"{cache.pre_activations[-1].shape}, got {g.shape}")  # fmt: skip
    last = len(net.weights) - 1
    grad_w: list[np.ndarray] = [np.empty(0)] * len(net.weights)
    grad_b: list[np.ndarray] = [np.empty(0)] * len(net.weights)
    for i in range(last, -1, -1):
        if i < last:  # through the activation: multiply by its derivative at z
            g = g * derivative(net.activation, cache.pre_activations[i])
        grad_w[i] = cache.inputs[i].T @ g  # z = h @ W + b, so dL/dW = h^T dL/dz
        grad_b[i] = g.sum(axis=0)  # ... and dL/db sums dL/dz over the examples
        g = g @ net.weights[i].T  # ... and dL/dh = dL/dz W^T, passed to the layer below
    return grad_w, grad_b


def numerical_gradients(
    net: MLP, loss: Callable[[MLP], float], *, eps: float = 1e-6
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Estimate the gradient of ``loss(net)`` by central differences, one parameter at a time.

    Slow (two evaluations per parameter) but independent of the chain rule: it is
    the standard check of a hand-written backward pass.

    Examples
    --------
    >>> net = init_mlp([1, 1])
    >>> gw, gb = numerical_gradients(net, lambda n: float(n.weights[0][0, 0] ** 2))
    >>> bool(np.isclose(gw[0][0, 0], 2 * net.weights[0][0, 0]))
    True
    """
    net = _check_mlp(net)
    if not callable(loss):
        raise TypeError(f"loss must be a function of the network, got {describe(loss)}")
    eps = check_positive("eps", eps)
    result = []
    for group in (net.weights, net.biases):
        grads = []
        for array in group:
            grad = np.zeros_like(array)
            for index in np.ndindex(array.shape):
                saved = array[index]
                array[index] = saved + eps
                up = loss(net)
                array[index] = saved - eps
                down = loss(net)
                array[index] = saved
                grad[index] = (up - down) / (2 * eps)
            grads.append(grad)
        result.append(grads)
    return result[0], result[1]


def max_relative_error(a: Sequence[np.ndarray], b: Sequence[np.ndarray]) -> float:
    """Return the largest ``|a - b| / max(|a|, |b|, 1e-8)`` over matching arrays of two lists.

    Examples
    --------
    >>> max_relative_error([np.array([1.0, 2.0])], [np.array([1.0, 2.2])])
    0.09090909090909098
    """
    for name, arrays in (("a", a), ("b", b)):
        if not isinstance(arrays, (list, tuple)):
            raise TypeError(f"{name} must be a list of arrays, got {describe(arrays)}")
    if len(a) != len(b) or not len(a):
        raise ValueError(f"a and b must be non-empty lists of the same length, got {len(a)} "
                         f"and {len(b)}")  # fmt: skip
    worst = 0.0
    for i, (x, y) in enumerate(zip(a, b)):
        x = check_array(f"a[{i}]", x, ndim=(1, 2), min_len=0).astype(float)
        y = check_array(f"b[{i}]", y, ndim=(1, 2), min_len=0).astype(float)
        if x.shape != y.shape:
            raise ValueError(f"a[{i}] has shape {x.shape} but b[{i}] has shape {y.shape}")
        scale = np.maximum(np.maximum(np.abs(x), np.abs(y)), 1e-8)
        if x.size:
            worst = max(worst, float(np.max(np.abs(x - y) / scale)))
    return worst


def to_torch(net: MLP) -> Any:
    """Return the same network as a ``torch.nn.Sequential`` in float64, with copied weights.

    PyTorch's ``Linear`` stores its weight as ``(outputs, inputs)``, the transpose
    of this module's convention.

    Examples
    --------
    >>> import torch
    >>> net = init_mlp([2, 4, 1], activation="tanh")
    >>> x = np.random.default_rng(0).normal(size=(5, 2))
    >>> ours, _ = forward(net, x)
    >>> theirs = to_torch(net)(torch.from_numpy(x)).detach().numpy()
    >>> bool(np.allclose(ours, theirs))
    True
    """
    import torch

    from dlguide.models import mlp

    net = _check_mlp(net)
    model = mlp(net.sizes, activation=net.activation, dtype=torch.float64)
    with torch.no_grad():
        for linear, w, b in zip(model[::2], net.weights, net.biases):
            linear.weight.copy_(torch.from_numpy(w.T))
            linear.bias.copy_(torch.from_numpy(b))
    return model


def keras_mlp(sizes: Sequence[int]) -> Any:
    """Return a ReLU MLP in Keras (uncompiled), with a softmax on the output layer.

    ``Dense`` layers of ``sizes[1:]`` on inputs of width ``sizes[0]``: the network that
    :func:`dlguide.models.mlp` builds in PyTorch from the same ``sizes``; the softmax adds
    no parameters, so the two have the same count.

    Examples
    --------
    >>> model = keras_mlp([64, 32, 10])
    >>> model.count_params(), model.output_shape
    (2410, (None, 10))
    """
    import keras

    sizes = check_ints("sizes", sizes, minimum=1, min_len=2)
    model = keras.Sequential([keras.Input(shape=(sizes[0],))])
    for width in sizes[1:-1]:
        model.add(keras.layers.Dense(width, activation="relu"))
    model.add(keras.layers.Dense(sizes[-1], activation="softmax"))
    return model
