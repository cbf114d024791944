"""Tests of architectures.transfer: transfer models, few-shot sampling and learning curves."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from dlguide.architectures.cnn import torch_classic_cnn
from dlguide.architectures.transfer import METHODS, learning_curve, transfer_model
from dlguide.training import fit_classifier


@pytest.fixture
def base():
    torch.manual_seed(0)
    return torch_classic_cnn(8)


def test_feature_extraction_freezes_all_but_the_new_output(base):
    model = transfer_model(base, "feature extraction", 2)
    assert model.output.out_features == 2
    before = {k: v.clone() for k, v in model.state_dict().items()}
    x, y = torch.rand(16, 1, 28, 28), np.arange(16) % 2
    fit_classifier(model, x, y, epochs=2, batch_size=8)
    after = model.state_dict()
    changed = {k for k in before if not torch.equal(before[k], after[k])}
    assert changed == {"output.weight", "output.bias"}
    torch.testing.assert_close(model.conv1.weight, base.conv1.weight)  # copied...
    assert model.conv1.weight is not base.conv1.weight  # ...not shared


def test_fine_tuning_starts_from_the_base_and_trains_everything(base):
    model = transfer_model(base, "fine-tuning", 3)
    torch.testing.assert_close(model.conv2.weight, base.conv2.weight)
    assert all(p.requires_grad for p in model.parameters())
    assert model(torch.zeros(1, 1, 28, 28)).shape == (1, 3)


def test_from_scratch_forgets_the_base(base):
    model = transfer_model(base, "from scratch", 2)
    assert not torch.allclose(model.conv1.weight, base.conv1.weight)
    assert all(p.requires_grad for p in model.parameters())
    custom = transfer_model(base, "from scratch", 2, make_model=lambda n: torch_classic_cnn(n))
    assert custom.output.out_features == 2


def test_base_is_never_changed(base):
    state = {k: v.clone() for k, v in base.state_dict().items()}
    for method in METHODS:
        transfer_model(base, method, 2)
    assert all(torch.equal(state[k], v) for k, v in base.state_dict().items())
    assert base.output.out_features == 8


def test_learning_curve_shapes_and_range(base):
    x, y = torch.rand(24, 1, 28, 28), np.arange(24) % 2
    curve = learning_curve(base, x, y, x, y, x, y, [2, 4], seeds=(0, 1), lrs=(1e-3, 3e-3),
                           max_epochs=2)  # fmt: skip
    assert set(curve) == set(METHODS)
    for result in curve.values():
        assert result["accuracy"].shape == result["epochs"].shape == (2, 2)
        assert ((result["accuracy"] >= 0) & (result["accuracy"] <= 1)).all()
        assert ((result["epochs"] >= 1) & (result["epochs"] <= 2)).all()
        assert set(result["lr"]) <= {1e-3, 3e-3}


def test_learning_curve_learns_an_easy_task():
    torch.manual_seed(0)
    x = torch.zeros(40, 1, 28, 28)
    y = np.arange(40) % 2
    x[y == 1, :, :14] = 1.0  # class 1: top half white
    curve = learning_curve(torch_classic_cnn(4), x, y, x, y, x, y, [10], methods=("from scratch",),
                           lrs=(1e-3,), max_epochs=10)  # fmt: skip
    assert curve["from scratch"]["accuracy"][0, 0] == 1.0


def test_learning_curve_keeps_the_learning_rate_with_the_best_validation_accuracy():
    # a rate far too small cannot move the weights in two passes: it must lose on validation
    torch.manual_seed(0)
    x = torch.zeros(40, 1, 28, 28)
    y = np.arange(40) % 2
    x[y == 1, :, :14] = 1.0
    curve = learning_curve(torch_classic_cnn(4), x, y, x, y, x, y, [10], methods=("from scratch",),
                           lrs=(1e-9, 3e-3), max_epochs=6)  # fmt: skip
    assert curve["from scratch"]["lr"][0] == 3e-3
    # early stopping keeps the weights of the pass with the lowest validation loss
    assert 1 <= curve["from scratch"]["epochs"][0, 0] <= 6


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda b: transfer_model(torch.nn.Linear(2, 2), "fine-tuning", 2), TypeError, "base"),
        (lambda b: transfer_model(b, "distillation", 2), ValueError, "method must be one of"),
        (lambda b: transfer_model(b, "fine-tuning", 1), ValueError, "n_classes must be at least"),
        (lambda b: learning_curve(b, torch.rand(4, 1, 28, 28), np.arange(4) % 2,
                                  torch.rand(4, 1, 28, 28), np.arange(4) % 2,
                                  torch.rand(4, 1, 28, 28), np.arange(4) % 2, []),
         ValueError, "sizes must"),
        (lambda b: learning_curve(b, torch.rand(4, 1, 28, 28), np.arange(3) % 2,
                                  torch.rand(4, 1, 28, 28), np.arange(4) % 2,
                                  torch.rand(4, 1, 28, 28), np.arange(4) % 2, [1]),
         ValueError, "same number of rows"),
        (lambda b: learning_curve(b, torch.rand(4, 1, 28, 28), np.arange(4) % 2,
                                  torch.rand(4, 1, 20, 20), np.arange(4) % 2,
                                  torch.rand(4, 1, 28, 28), np.arange(4) % 2, [1]),
         ValueError, "x_val must have images of the same shape"),
        (lambda b: learning_curve(b, torch.rand(4, 1, 28, 28), np.arange(4) % 2,
                                  torch.rand(4, 1, 28, 28), np.arange(4) % 2,
                                  torch.rand(4, 1, 28, 28), np.arange(4) % 2, [1], lrs=[]),
         ValueError, "lrs must not be empty"),
    ],
)  # fmt: skip
def test_bad_input(base, call, error, message):
    with pytest.raises(error, match=message):
        call(base)
