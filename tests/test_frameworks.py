"""Tests for dlguide.practice.frameworks: the same model in PyTorch, Keras and Lightning."""

from __future__ import annotations

import numpy as np
import pytest

from dlguide.practice.frameworks import FrameworkRun, train_keras, train_lightning, train_torch

TRAINERS = [train_torch, train_keras, train_lightning]


def _blobs(n: int = 240, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Three well-separated classes in 5 dimensions."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 3
    centres = np.eye(3, 5) * 4.0
    return centres[y] + rng.normal(size=(n, 5)), y


@pytest.mark.parametrize("train", TRAINERS)
def test_each_framework_learns_separable_classes(train):
    x, y = _blobs()
    x_test, y_test = _blobs(seed=1)
    run = train(x, y, x_test, y_test, epochs=5, batch_size=32, lr=0.01)
    assert isinstance(run, FrameworkRun)
    assert run.test_accuracy > 0.95
    assert run.seconds > 0


@pytest.mark.parametrize("train", TRAINERS)
def test_untrainable_labels_stay_near_chance(train):
    # Random labels carry no signal: held-out accuracy must not be far above chance (1/3).
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(300, 5)), rng.integers(0, 3, 300)
    x_test, y_test = rng.normal(size=(600, 5)), rng.integers(0, 3, 600)
    run = train(x, y, x_test, y_test, epochs=3)
    assert run.test_accuracy < 0.45


@pytest.mark.parametrize("train", TRAINERS)
@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        ({"x": [[0.0, 1.0]]}, TypeError, "x must be a NumPy array"),
        ({"x": np.zeros(10)}, ValueError, "x must be a 2-D array"),
        ({"y": np.zeros(10)}, TypeError, "y must have an integer dtype"),
        ({"y": np.zeros(9, dtype=int)}, ValueError, "same number of rows"),
        ({"y": -np.ones(10, dtype=int)}, ValueError, "y must hold class ids"),
        ({"x_test": np.zeros((4, 3))}, ValueError, "same number of features"),
        ({"x": np.full((10, 2), np.nan)}, ValueError, "x contains NaN"),
        ({"epochs": 0}, ValueError, "epochs must be at least 1"),
        ({"lr": -1.0}, ValueError, "lr must be positive"),
        ({"batch_size": 1.5}, TypeError, "batch_size must be an integer"),
    ],
)
def test_bad_input_is_refused(train, change, error, message):
    args = {
        "x": np.zeros((10, 2)),
        "y": np.zeros(10, dtype=int),
        "x_test": np.zeros((4, 2)),
        "y_test": np.zeros(4, dtype=int),
    }
    options = {}
    for key, value in change.items():
        (args if key in args else options)[key] = value
    with pytest.raises(error, match=message):
        train(args["x"], args["y"], args["x_test"], args["y_test"], **options)
