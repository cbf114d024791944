"""Tests of dlguide.training.fit_tracked: every knob, early stopping, the recorded curves."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from dlguide.book.seeding import seed_everything
from dlguide.training import TrackedHistory, fit_tracked


def _blobs(n=96, seed=0):
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 2
    x = rng.normal(size=(n, 2)) + np.where(y[:, None] == 1, 3.0, -3.0)
    return torch.tensor(x, dtype=torch.float32), y.astype(np.int64)


def test_fit_tracked_learns_and_records_every_epoch():
    seed_everything(0)
    x, y = _blobs()
    h = fit_tracked(torch.nn.Linear(2, 2), x, y, x, y, epochs=4, lr=0.1, batch_size=16)
    assert isinstance(h, TrackedHistory)
    assert len(h.train_loss) == len(h.val_accuracy) == len(h.learning_rate) == 4
    assert h.val_accuracy[-1] == 1.0 and h.train_loss[-1] < h.train_loss[0]


def test_fit_tracked_schedule_l1_and_early_stopping():
    seed_everything(0)
    x, y = _blobs()
    h = fit_tracked(torch.nn.Linear(2, 2), x, y, x, y, epochs=6, lr=0.1, schedule="step")
    assert h.learning_rate[0] == 0.1 and h.learning_rate[-1] < 0.1
    sizes = []
    for l1 in (0.0, 0.1):
        seed_everything(0)
        model = torch.nn.Linear(2, 2)
        fit_tracked(model, x, y, x, y, epochs=20, lr=0.05, l1=l1, optimizer="sgd")
        sizes.append(model.weight.abs().sum().item())
    assert sizes[1] < 0.9 * sizes[0]  # the penalty shrinks the weights
    seed_everything(0)
    h = fit_tracked(
        torch.nn.Linear(2, 2), x, y, x, y, epochs=50, lr=1.0, optimizer="sgd", patience=1
    )
    assert h.stopped_early and len(h.val_loss) < 50
    assert h.val_loss[h.best_epoch - 1] == min(h.val_loss)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"optimizer": "lbfgs"}, ValueError, r"^optimizer must be one of"),
        ({"schedule": "linear"}, ValueError, r"^schedule must be one of"),
        ({"lr": 0.0}, ValueError, r"^lr must be positive"),
        ({"weight_decay": -1.0}, ValueError, r"^weight_decay must be >= 0"),
        ({"l1": -1.0}, ValueError, r"^l1 must be >= 0"),
        ({"augment": 3}, TypeError, r"^augment must be a function"),
        ({"patience": 0}, ValueError, r"^patience must be at least 1"),
        ({"epochs": 0}, ValueError, r"^epochs must be at least 1"),
    ],
)
def test_fit_tracked_bad_input(kwargs, error, message):
    x, y = _blobs(8)
    with pytest.raises(error, match=message):
        fit_tracked(torch.nn.Linear(2, 2), x, y, x, y, **kwargs)


def test_fit_tracked_bad_data():
    x, y = _blobs(8)
    with pytest.raises(TypeError, match=r"^x_val must be a float torch.Tensor"):
        fit_tracked(torch.nn.Linear(2, 2), x, y, x.numpy(), y)
    with pytest.raises(ValueError, match=r"^expected the same number of rows"):
        fit_tracked(torch.nn.Linear(2, 2), x, y[:4], x, y)
