"""Tests of foundations.gradient_descent: the bowl, descent paths, and NumPy MLP training."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from dlguide.foundations.gradient_descent import TrainingRecord, bowl, descend, train_mlp
from dlguide.foundations.mlp import init_mlp, to_torch


def test_bowl_gradient_matches_finite_differences():
    loss, grad = bowl((2.0, 5.0))
    w, h = np.array([0.7, -1.3]), 1e-6
    numeric = [(loss(w + h * e) - loss(w - h * e)) / (2 * h) for e in np.eye(2)]
    np.testing.assert_allclose(grad(w), numeric, rtol=1e-6)
    assert loss(np.zeros((3, 2))).shape == (3,)


def test_descend_converges_below_and_diverges_above_two_over_curvature():
    loss, grad = bowl((1.0, 10.0))
    start = np.array([-4.0, 1.5])
    slow = descend(grad, start, lr=0.01, steps=30)
    good = descend(grad, start, lr=0.1, steps=30)
    bad = descend(grad, start, lr=0.21, steps=30)
    assert slow.shape == (31, 2)
    assert loss(good[-1]) < 0.1 < loss(slow[-1]) < loss(start)
    assert loss(bad[-1]) > loss(start)
    # Each step on a bowl multiplies each coordinate by (1 - lr * c): check it exactly.
    np.testing.assert_allclose(good[1], start * (1 - 0.1 * np.array([1.0, 10.0])))


def test_descend_bad_input():
    _, grad = bowl()
    with pytest.raises(TypeError, match=r"^gradient must be a function"):
        descend(1.0, np.zeros(2), lr=0.1, steps=1)
    with pytest.raises(ValueError, match=r"^lr must be positive"):
        descend(grad, np.zeros(2), lr=-0.1, steps=1)
    with pytest.raises(ValueError, match=r"^steps must be at least 0"):
        descend(grad, np.zeros(2), lr=0.1, steps=-1)
    with pytest.raises(ValueError, match=r"^start must be a 1-D array"):
        descend(grad, np.zeros((2, 2)), lr=0.1, steps=1)
    with pytest.raises(ValueError, match=r"^curvatures must be two positive numbers"):
        bowl((1.0, -1.0))
    with pytest.raises(TypeError, match=r"^curvatures must be a tuple of two numbers"):
        bowl(10.0)


def test_train_mlp_full_batch_step_equals_torch_sgd():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(20, 3)), rng.integers(0, 3, size=20)
    net = init_mlp([3, 5, 3], activation="tanh", seed=1)
    model = to_torch(net)
    record = train_mlp(net, x, y, lr=0.3, epochs=3)
    opt = torch.optim.SGD(model.parameters(), lr=0.3)
    for _ in range(3):
        loss = torch.nn.functional.cross_entropy(model(torch.from_numpy(x)), torch.from_numpy(y))
        opt.zero_grad()
        loss.backward()
        opt.step()
    np.testing.assert_allclose(net.weights[0], model[0].weight.detach().numpy().T, rtol=1e-10)
    assert isinstance(record, TrainingRecord)
    assert len(record.step_loss) == len(record.epoch_loss) == len(record.epoch_seconds) == 3


def test_train_mlp_minibatches():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(50, 2))
    y = (x[:, 0] > 0).astype(int)
    net = init_mlp([2, 8, 2], seed=0)
    record = train_mlp(net, x, y, lr=0.2, epochs=10, batch_size=8, seed=0)
    assert len(record.step_loss) == 10 * 7  # ceil(50 / 8) steps per epoch
    assert record.epoch_loss[-1] < record.epoch_loss[0] / 2


def test_train_mlp_bad_input():
    net = init_mlp([2, 2])
    x, y = np.zeros((4, 2)), np.array([0, 1, 0, 1])
    with pytest.raises(TypeError, match=r"^net must be an MLP"):
        train_mlp("net", x, y, lr=0.1, epochs=1)
    with pytest.raises(ValueError, match=r"^epochs must be at least 1"):
        train_mlp(net, x, y, lr=0.1, epochs=0)
    with pytest.raises(ValueError, match=r"^batch_size must be at least 1"):
        train_mlp(net, x, y, lr=0.1, epochs=1, batch_size=0)
    with pytest.raises(ValueError, match=r"^lr must be positive"):
        train_mlp(net, x, y, lr=0.0, epochs=1)
    with pytest.raises(ValueError, match=r"^expected the same number of rows"):
        train_mlp(net, x, y[:3], lr=0.1, epochs=1)
