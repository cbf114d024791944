"""Tests of dlguide.models: the MLP and CNN builders, against networks written out by hand."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from dlguide.architectures.cnn import torch_classic_cnn
from dlguide.architectures.convolution import conv_parameters, dense_parameters
from dlguide.architectures.transfer import transfer_model
from dlguide.foundations.activations import ACTIVATIONS, activate
from dlguide.models import cnn, mlp


def _same_start(make_a, make_b, seed: int, x: torch.Tensor | None = None) -> bool:
    """Whether two builders give the same parameter tensors, in order, from the same seed.

    With an input ``x``, the two networks must also give the same outputs for it.
    """
    torch.manual_seed(seed)
    a = make_a()
    torch.manual_seed(seed)
    b = make_b()
    ta, tb = list(a.state_dict().values()), list(b.state_dict().values())
    same = len(ta) == len(tb) and all(
        u.shape == v.shape and torch.equal(u, v) for u, v in zip(ta, tb)
    )
    return same and (x is None or torch.equal(a(x), b(x)))


# --- mlp --------------------------------------------------------------------------------


def test_mlp_layers_and_parameter_count():
    model = mlp([6, 5, 4, 3])
    assert [type(m).__name__ for m in model] == ["Linear", "ReLU", "Linear", "ReLU", "Linear"]
    assert [(m.in_features, m.out_features) for m in model[::2]] == [(6, 5), (5, 4), (4, 3)]
    assert sum(p.numel() for p in model.parameters()) == (6 * 5 + 5) + (5 * 4 + 4) + (4 * 3 + 3)
    assert model(torch.zeros(2, 6)).shape == (2, 3)


def test_two_sizes_make_a_linear_model():
    model = mlp([784, 10], flatten=True)
    assert [type(m).__name__ for m in model] == ["Flatten", "Linear"]
    assert model(torch.zeros(3, 1, 28, 28)).shape == (3, 10)


@pytest.mark.parametrize("seed", [0, 1, 5])
def test_mlp_draws_the_weights_of_the_layers_written_out(seed):
    """Same seed, same weights as nn.Linear layers made in order: a chapter's results stay."""

    def by_hand():
        return nn.Sequential(
            nn.Flatten(),
            nn.Linear(784, 32), nn.ReLU(), nn.Dropout(0.2),
            nn.Linear(32, 16), nn.ReLU(), nn.Dropout(0.2),
            nn.Linear(16, 10),
        )  # fmt: skip

    def built():
        return mlp([784, 32, 16, 10], dropout=0.2, flatten=True).eval()

    assert _same_start(lambda: by_hand().eval(), built, seed, torch.rand(2, 1, 28, 28))
    # the check can fail: other widths, other weights
    assert not _same_start(by_hand, lambda: mlp([784, 16, 32, 10], flatten=True), seed)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_every_activation_computes_the_book_s_numpy_one(name):
    model = mlp([3, 4, 2], activation=name, dtype=torch.float64)
    assert model[0].weight.dtype == torch.float64
    z = np.linspace(-3.0, 3.0, 24).reshape(6, 4)
    ours = activate(name, z)
    theirs = model[1](torch.from_numpy(z)).numpy()
    np.testing.assert_allclose(theirs, ours, rtol=1e-12, atol=1e-12)


def test_dropout_layers_follow_the_activations_and_obey_the_mode():
    model = mlp([20, 50, 50, 2], dropout=0.5)
    kinds = [type(m).__name__ for m in model]
    assert kinds == ["Linear", "ReLU", "Dropout", "Linear", "ReLU", "Dropout", "Linear"]
    x = torch.rand(4, 20)
    model.train()
    assert not torch.equal(model(x), model(x))
    model.eval()
    assert torch.equal(model(x), model(x))
    # a rate of 0 keeps the layers (the same layout for every rate), which then do nothing
    zero = mlp([20, 50, 2], dropout=0.0).train()
    assert isinstance(zero[2], nn.Dropout)
    assert torch.equal(zero(x), zero(x))


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"sizes": [4]}, ValueError, r"^sizes must hold at least 2 integers, got \[4\]$"),
        ({"sizes": "64"}, TypeError, r"^sizes must be a list or tuple of integers, got str"),
        ({"sizes": [4, 0]}, ValueError, r"^sizes\[1\] must be at least 1, got 0$"),
        ({"sizes": [4, 2.5]}, TypeError, r"^sizes\[1\] must be an integer, got float"),
        ({"activation": "softmax"}, ValueError, r"^activation must be one of 'sigmoid', "),
        ({"dropout": 1.0}, ValueError, r"^dropout must be a rate in \[0, 1\), got 1.0$"),
        ({"dropout": float("nan")}, ValueError, r"^dropout must be a finite number"),
        ({"flatten": 1}, TypeError, r"^flatten must be True or False, got int"),
        ({"dtype": torch.int64}, TypeError, r"^dtype must be a floating-point torch.dtype"),
        ({"dtype": "float64"}, TypeError, r"^dtype must be a floating-point torch.dtype"),
    ],
)
def test_mlp_bad_input(kwargs, error, message):
    with pytest.raises(error, match=message):
        mlp(**{"sizes": [4, 3, 2], **kwargs})


# --- cnn --------------------------------------------------------------------------------


def test_cnn_children_shapes_and_parameter_count():
    model = cnn((16, 32, 64), kernel_sizes=(5, 3, 3), dense=128, n_classes=7)
    assert [name for name, _ in model.named_children()] == [
        "block1", "block2", "block3", "dense", "output"
    ]  # fmt: skip
    assert model(torch.zeros(2, 1, 28, 28)).shape == (2, 7)
    # 28 -> 14 -> 7 -> 3 with "same" padding and a pool in every block
    expected = conv_parameters(1, 16, 5) + conv_parameters(16, 32, 3) + conv_parameters(32, 64, 3)
    expected += dense_parameters(64 * 3 * 3, 128) + dense_parameters(128, 7)
    assert sum(p.numel() for p in model.parameters()) == expected


@pytest.mark.parametrize("seed", [0, 1, 5])
def test_cnn_draws_the_weights_of_the_layers_written_out(seed):
    def by_hand():
        return nn.Sequential(
            nn.Conv2d(1, 8, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(16 * 7 * 7, 64), nn.ReLU(), nn.Linear(64, 10),
        )  # fmt: skip

    def built():
        return cnn((8, 16), kernel_sizes=(5, 3), dense=64)

    assert _same_start(by_hand, built, seed, torch.rand(3, 1, 28, 28))


@pytest.mark.parametrize("seed", [0, 3])
def test_cnn_builds_the_classic_cnn_of_architectures_01(seed):
    """Valid padding and no pool after the last block: torch_classic_cnn, weight for weight."""

    def built():
        return cnn((32, 64, 64), padding="valid", pool=(True, True, False), dense=64)

    assert _same_start(torch_classic_cnn, built, seed, torch.rand(2, 1, 28, 28))


@pytest.mark.parametrize(
    ("kwargs", "side"),
    [
        ({"image_size": 32}, 4),  # 32 -> 16 -> 8 -> 4
        ({"image_size": 9, "pool": (True, False, False)}, 4),
        ({"image_size": 20, "padding": "valid", "pool": (True, True, False)}, 1),  # 9, 3, 1
        ({"image_size": 20, "padding": "valid", "pool": False, "kernel_sizes": (5, 5, 3)}, 10),
    ],
)
def test_cnn_sizes_its_dense_layer_for_the_image(kwargs, side):
    model = cnn((4, 8, 8), dense=16, n_classes=3, **kwargs)
    assert model.dense[1].in_features == 8 * side * side
    size = kwargs["image_size"]
    assert model(torch.zeros(2, 1, size, size)).shape == (2, 3)


def test_cnn_colour_images_and_one_pool_for_all():
    model = cnn((4,), kernel_sizes=5, pool=False, in_channels=3, image_size=10, dense=8)
    assert model.block1[0].in_channels == 3
    assert len(model.block1) == 2  # no pool
    assert model(torch.zeros(1, 3, 10, 10)).shape == (1, 10)


def test_transfer_model_takes_a_cnn():
    base = cnn((4, 8), dense=16, n_classes=8)
    model = transfer_model(base, "feature extraction", 2)
    assert [n for n, p in model.named_parameters() if p.requires_grad] == [
        "output.weight", "output.bias"
    ]  # fmt: skip
    assert model(torch.zeros(1, 1, 28, 28)).shape == (1, 2)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"channels": []}, ValueError, r"^channels must hold at least an integer, got \[\]$"),
        ({"channels": 16}, TypeError, r"^channels must be a list or tuple of integers, got int"),
        (
            {"kernel_sizes": (5, 3)},
            ValueError,
            r"^kernel_sizes must give one value per block \(3, as channels does\), got 2",
        ),
        ({"kernel_sizes": (5, 0, 3)}, ValueError, r"^kernel_sizes\[1\] must be at least 1"),
        ({"kernel_sizes": 4}, ValueError, r"^kernel_sizes must be odd for padding 'same'"),
        ({"padding": "full"}, ValueError, r"^padding must be one of 'same', 'valid', got 'full'"),
        ({"pool": (True, 1, True)}, TypeError, r"^pool\[1\] must be True or False, got int 1"),
        ({"pool": "yes"}, TypeError, r"^pool must be True or False, got str"),
        ({"dense": 0}, ValueError, r"^dense must be at least 1, got 0$"),
        ({"n_classes": 1}, ValueError, r"^n_classes must be at least 2, got 1$"),
        ({"n_classes": 2.0}, TypeError, r"^n_classes must be an integer"),
        (
            {"image_size": 7},
            ValueError,
            r"^image_size 7 is too small: no pixel is left after block3$",
        ),
        (
            {"image_size": 2, "padding": "valid"},
            ValueError,
            r"^image_size 2 is too small: no pixel is left after block1$",
        ),
        ({"in_channels": 0}, ValueError, r"^in_channels must be at least 1, got 0$"),
    ],
)
def test_cnn_bad_input(kwargs, error, message):
    with pytest.raises(error, match=message):
        cnn(**kwargs)
