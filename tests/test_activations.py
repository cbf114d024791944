"""Tests of foundations.activations: each function against PyTorch, derivatives against autograd."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from dlguide.foundations.activations import ACTIVATIONS, activate, derivative

TORCH = {
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "leaky_relu": torch.nn.functional.leaky_relu,
    "gelu": torch.nn.functional.gelu,
    "silu": torch.nn.functional.silu,
}
# Avoid the kink at exactly 0, where one-sided derivatives differ.
Z = np.concatenate([np.linspace(-8, 8, 161)[np.abs(np.linspace(-8, 8, 161)) > 1e-9], [-40, 40]])


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_matches_torch(name):
    expected = TORCH[name](torch.from_numpy(Z)).numpy()
    np.testing.assert_allclose(activate(name, Z), expected, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_derivative_matches_autograd(name):
    z = torch.from_numpy(Z.copy()).requires_grad_(True)
    TORCH[name](z).sum().backward()
    np.testing.assert_allclose(derivative(name, Z), z.grad.numpy(), rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_derivative_matches_finite_differences(name):
    z = np.linspace(-3, 3, 13) + 0.05  # away from 0
    h = 1e-6
    numeric = (activate(name, z + h) - activate(name, z - h)) / (2 * h)
    np.testing.assert_allclose(derivative(name, z), numeric, rtol=1e-6, atol=1e-8)


def test_keeps_the_shape_and_does_not_overflow():
    z = np.array([[-1000.0, 0.0], [1000.0, 2.0]])
    with np.errstate(over="raise", invalid="raise"):
        s = activate("sigmoid", z)
    assert s.shape == (2, 2)
    assert s[0, 0] == 0.0 and s[1, 0] == 1.0


def test_saturation_and_kinks():
    assert derivative("sigmoid", np.array([0.0]))[0] == 0.25
    assert derivative("tanh", np.array([0.0]))[0] == 1.0
    assert derivative("sigmoid", np.array([10.0]))[0] < 1e-4
    assert derivative("relu", np.array([0.0]))[0] == 0.0
    assert derivative("leaky_relu", np.array([-5.0]))[0] == 0.01


def test_integer_input_is_accepted():
    assert activate("relu", np.array([-1, 2])).tolist() == [0.0, 2.0]


def test_bad_input():
    with pytest.raises(ValueError, match=r"^name must be one of 'sigmoid'.*got 'softmax'"):
        activate("softmax", Z)
    with pytest.raises(TypeError, match=r"^name must be a string"):
        derivative(None, Z)
    with pytest.raises(TypeError, match=r"^z must be a NumPy array, got list"):
        activate("relu", [1.0])
    with pytest.raises(ValueError, match=r"^z contains NaN"):
        derivative("tanh", np.array([np.nan]))
    with pytest.raises(TypeError, match=r"^z must have a numeric dtype"):
        activate("tanh", np.array(["a"]))
    with pytest.raises(ValueError, match=r"^z must have at least 1 rows"):
        activate("relu", np.array([], dtype=float))
    with pytest.raises(ValueError, match=r"^z must be a 1-D or 2-D array"):
        derivative("relu", np.zeros((2, 2, 2)))
