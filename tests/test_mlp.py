"""Tests of foundations.mlp: the NumPy network against PyTorch, and backprop against two checks."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from dlguide.foundations.activations import ACTIVATIONS
from dlguide.foundations.mlp import (
    MLP,
    Cache,
    backward,
    forward,
    init_mlp,
    max_relative_error,
    numerical_gradients,
    to_torch,
)

X = np.random.default_rng(1).normal(size=(6, 3))


def _torch_grads(net, x, grad_output):
    model = to_torch(net)
    out = model(torch.from_numpy(x))
    out.backward(torch.from_numpy(grad_output))
    linears = [m for m in model if isinstance(m, torch.nn.Linear)]
    return [m.weight.grad.numpy().T for m in linears], [m.bias.grad.numpy() for m in linears]


class TestForward:
    @pytest.mark.parametrize("activation", ACTIVATIONS)
    def test_matches_torch(self, activation):
        net = init_mlp([3, 5, 4, 2], activation=activation, seed=2)
        ours, cache = forward(net, X)
        theirs = to_torch(net)(torch.from_numpy(X)).detach().numpy()
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)
        assert [h.shape for h in cache.inputs] == [(6, 3), (6, 5), (6, 4)]

    def test_is_matrix_products(self):
        net = init_mlp([3, 2, 1], activation="relu")
        hidden = np.maximum(X @ net.weights[0] + net.biases[0], 0)
        expected = hidden @ net.weights[1] + net.biases[1]
        np.testing.assert_allclose(forward(net, X)[0], expected)

    def test_bad_input(self):
        net = init_mlp([3, 2])
        with pytest.raises(ValueError, match=r"^x must have 3 columns .*got shape \(6, 2\)"):
            forward(net, X[:, :2])
        with pytest.raises(ValueError, match=r"^x must be a 2-D array"):
            forward(net, X[0])
        with pytest.raises(TypeError, match=r"^net must be an MLP"):
            forward({"weights": []}, X)
        with pytest.raises(ValueError, match=r"^x contains NaN"):
            forward(net, np.full((1, 3), np.nan))


class TestInit:
    def test_shapes_seed_and_count(self):
        net = init_mlp([4, 8, 2], activation="tanh", seed=3)
        assert net.sizes == [4, 8, 2]
        assert net.n_parameters() == 4 * 8 + 8 + 8 * 2 + 2
        np.testing.assert_array_equal(net.weights[0], init_mlp([4, 8, 2], seed=3).weights[0])
        assert all((b == 0).all() for b in net.biases)

    def test_bad_input(self):
        with pytest.raises(TypeError, match=r"^sizes must be a sequence of at least two"):
            init_mlp([3])
        with pytest.raises(ValueError, match=r"^sizes entry must be at least 1, got 0"):
            init_mlp([3, 0])
        with pytest.raises(ValueError, match=r"^activation must be one of"):
            init_mlp([3, 1], activation="step")


class TestBackward:
    @pytest.mark.parametrize("activation", ACTIVATIONS)
    def test_matches_autograd(self, activation):
        net = init_mlp([3, 5, 4, 2], activation=activation, seed=4)
        out, cache = forward(net, X)
        g = np.random.default_rng(5).normal(size=out.shape)
        gw, gb = backward(net, cache, g)
        tw, tb = _torch_grads(net, X, g)
        assert max_relative_error(gw + gb, tw + tb) < 1e-10

    @pytest.mark.parametrize("activation", ["tanh", "gelu", "sigmoid"])
    def test_matches_finite_differences(self, activation):
        net = init_mlp([3, 4, 2], activation=activation, seed=6)
        target = np.random.default_rng(7).normal(size=(6, 2))

        def loss(n):
            return float(0.5 * np.sum((forward(n, X)[0] - target) ** 2))

        out, cache = forward(net, X)
        gw, gb = backward(net, cache, out - target)
        nw, nb = numerical_gradients(net, loss)
        assert max_relative_error(gw + gb, nw + nb) < 1e-6

    def test_bad_input(self):
        net = init_mlp([3, 2, 1])
        out, cache = forward(net, X)
        with pytest.raises(ValueError, match=r"^grad_output must have the output's shape"):
            backward(net, cache, np.ones((6, 2)))
        with pytest.raises(TypeError, match=r"^cache must be the Cache returned by forward"):
            backward(net, Cache(), np.ones_like(out))
        with pytest.raises(ValueError, match=r"^grad_output contains NaN"):
            backward(net, cache, np.full_like(out, np.nan))


class TestHelpers:
    def test_numerical_gradients_restores_the_parameters(self):
        net = init_mlp([2, 2])
        before = net.weights[0].copy()
        numerical_gradients(net, lambda n: float(n.weights[0].sum()))
        np.testing.assert_array_equal(net.weights[0], before)

    def test_numerical_gradients_bad_input(self):
        net = init_mlp([2, 2])
        with pytest.raises(TypeError, match=r"^loss must be a function"):
            numerical_gradients(net, 3.0)
        with pytest.raises(ValueError, match=r"^eps must be positive"):
            numerical_gradients(net, lambda n: 0.0, eps=0.0)

    def test_max_relative_error(self):
        assert max_relative_error([np.zeros(2)], [np.zeros(2)]) == 0.0
        assert max_relative_error([np.array([2.0])], [np.array([1.0])]) == 0.5
        with pytest.raises(ValueError, match=r"^a and b must be non-empty lists"):
            max_relative_error([], [])
        with pytest.raises(ValueError, match=r"^a\[0\] has shape \(2,\) but b\[0\] has shape"):
            max_relative_error([np.zeros(2)], [np.zeros(3)])
        with pytest.raises(TypeError, match=r"^b must be a list of arrays"):
            max_relative_error([np.zeros(2)], np.zeros(2))
        with pytest.raises(TypeError, match=r"^a\[0\] must be a NumPy array"):
            max_relative_error([[1.0, 2.0]], [np.zeros(2)])

    def test_to_torch_bad_input(self):
        with pytest.raises(TypeError, match=r"^net must be an MLP"):
            to_torch(MLP.__name__)


# Keras 3.15 (torch backend) converts its variables with np.array(copy=False) internally,
# which NumPy 2 reports as a DeprecationWarning (as in test_cnn.py); it is Keras's own.
@pytest.mark.filterwarnings(
    "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning"
)
def test_torch_and_keras_mlps_are_the_same_network():
    import keras

    from dlguide.foundations.mlp import keras_mlp
    from dlguide.models import mlp

    sizes = [6, 5, 4, 3]
    model = mlp(sizes)
    assert [type(m).__name__ for m in model] == ["Linear", "ReLU", "Linear", "ReLU", "Linear"]
    n_torch = sum(p.numel() for p in model.parameters())
    assert n_torch == (6 * 5 + 5) + (5 * 4 + 4) + (4 * 3 + 3)
    keras_model = keras_mlp(sizes)
    assert keras_model.count_params() == n_torch
    # the Keras weights copied into the PyTorch model: the same outputs (Keras adds the softmax)
    for dense, linear in zip(keras_model.layers, model[::2], strict=True):
        kernel, bias = (keras.ops.convert_to_numpy(w) for w in (dense.kernel, dense.bias))
        linear.weight.data = torch.from_numpy(kernel.T.copy())
        linear.bias.data = torch.from_numpy(bias)
    x = np.random.default_rng(0).normal(size=(7, 6)).astype("float32")
    theirs = keras_model.predict(x, verbose=0)
    with torch.no_grad():
        ours = torch.softmax(model(torch.from_numpy(x)), dim=1).numpy()
    np.testing.assert_allclose(theirs, ours, atol=1e-6)


@pytest.mark.parametrize(
    ("sizes", "error"),
    [
        ([], ValueError),
        ([4], ValueError),
        ("64", TypeError),
        ([4, 0], ValueError),
        ([4, 2.5], TypeError),
    ],
)
def test_keras_mlp_rejects_bad_sizes(sizes, error):
    from dlguide.foundations.mlp import keras_mlp

    with pytest.raises(error, match="sizes"):
        keras_mlp(sizes)
