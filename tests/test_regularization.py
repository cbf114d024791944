"""Tests of foundations.regularization: dropout, weight statistics, augmentation, the table."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from dlguide.architectures.augmentation import augment_images, augmenter, rotate_images
from dlguide.foundations.regularization import (
    dropout,
    dropout_mlp,
    weight_sparsity,
    weight_values,
)
from dlguide.training import fit_tracked

# --- dropout ---------------------------------------------------------------------------


@pytest.mark.parametrize("p", [0.1, 0.3, 0.5, 0.8])
def test_dropout_matches_torch_statistics(p):
    n = 400_000
    ours = dropout(np.ones(n), p, seed=3)
    torch.manual_seed(3)
    theirs = torch.nn.functional.dropout(torch.ones(n, dtype=torch.float64), p, training=True)
    theirs = theirs.numpy()
    for out in (ours, theirs):
        # zeroed fraction within 5 standard errors of p
        assert abs(np.mean(out == 0) - p) < 5 * math.sqrt(p * (1 - p) / n)
        np.testing.assert_allclose(np.unique(out[out != 0]), [1 / (1 - p)], rtol=1e-12)
        assert abs(out.mean() - 1) < 5 * math.sqrt(p / (1 - p) / n)


def test_dropout_keeps_the_sign_and_value_of_survivors():
    x = np.random.default_rng(0).normal(size=(50, 40))
    out = dropout(x, 0.25, seed=1)
    kept = out != 0
    np.testing.assert_allclose(out[kept], x[kept] / 0.75)
    assert out.shape == x.shape
    np.testing.assert_array_equal(out, dropout(x, 0.25, seed=1))  # seeded
    assert not np.array_equal(out, dropout(x, 0.25, seed=2))


def test_dropout_prediction_mode_and_rate_zero_are_identity_like_torch():
    x = np.arange(12.0).reshape(3, 4)
    layer = torch.nn.Dropout(0.5).eval()
    np.testing.assert_array_equal(dropout(x, 0.5, training=False), x)
    np.testing.assert_array_equal(layer(torch.tensor(x)).numpy(), x)
    np.testing.assert_array_equal(dropout(x, 0.0), x)
    out = dropout(x, 0.5, training=False)
    out[0, 0] = 99.0
    assert x[0, 0] == 0.0  # a copy, not a view


def test_dropout_bad_input():
    with pytest.raises(ValueError, match=r"^p must be a dropout rate in \[0, 1\), got 1.0"):
        dropout(np.ones(3), 1.0)
    with pytest.raises(ValueError, match=r"^p must be a dropout rate"):
        dropout(np.ones(3), -0.1)
    with pytest.raises(TypeError, match=r"^training must be True or False"):
        dropout(np.ones(3), 0.5, training=1)
    with pytest.raises(TypeError, match=r"^x must be a NumPy array"):
        dropout([1.0, 2.0], 0.5)
    with pytest.raises(ValueError, match=r"^x contains NaN"):
        dropout(np.array([1.0, np.nan]), 0.5)
    with pytest.raises(ValueError, match=r"^x must have at least 1 rows"):
        dropout(np.ones(0), 0.5)
    with pytest.raises(ValueError, match=r"^seed must be at least 0"):
        dropout(np.ones(3), 0.5, seed=-1)


# --- the network -----------------------------------------------------------------------


def test_dropout_mlp_modes_and_shared_start():
    model = dropout_mlp(0.5, hidden=32, seed=4)
    x = torch.rand(3, 1, 28, 28)
    model.train()
    assert not torch.equal(model(x), model(x))
    model.eval()
    assert torch.equal(model(x), model(x))
    plain = dropout_mlp(0.0, hidden=32, seed=4).eval()
    torch.testing.assert_close(plain(x), model(x))  # same weights; eval-mode dropout is identity
    assert sum(isinstance(m, torch.nn.Dropout) for m in model) == 2


def test_dropout_mlp_leaves_the_global_generator_alone():
    torch.manual_seed(0)
    expected = torch.rand(3)
    torch.manual_seed(0)
    dropout_mlp(0.2, hidden=8, seed=9)
    torch.testing.assert_close(torch.rand(3), expected)


def test_dropout_mlp_bad_input():
    with pytest.raises(ValueError, match=r"^p must be a dropout rate"):
        dropout_mlp(1.5)
    with pytest.raises(ValueError, match=r"^hidden must be at least 1"):
        dropout_mlp(hidden=0)
    with pytest.raises(ValueError, match=r"^n_classes must be at least 2"):
        dropout_mlp(n_classes=1)
    with pytest.raises(TypeError, match=r"^p must be a real number"):
        dropout_mlp("0.5")


# --- weights ---------------------------------------------------------------------------


def test_weight_values_and_sparsity_against_a_direct_count():
    model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2))
    with torch.no_grad():
        model[0].weight.copy_(torch.tensor([[0.0, 5e-4, -2e-3, 1.0]] * 3))
        model[2].weight.fill_(-1e-4)
        model[0].bias.fill_(0.0)  # biases are not counted
    values = weight_values(model)
    assert values.shape == (12 + 6,)
    expected = np.concatenate(
        [model[0].weight.detach().numpy().ravel(), model[2].weight.detach().numpy().ravel()]
    )
    np.testing.assert_allclose(values, expected)
    assert weight_sparsity(model) == pytest.approx((6 + 6) / 18)  # 0 and 5e-4 per row, layer 2
    assert weight_sparsity(model, threshold=1e-5) == pytest.approx(3 / 18)
    assert weight_sparsity(model, threshold=10.0) == 1.0


def test_l1_penalty_gives_more_sparsity_than_l2_and_none():
    gen = torch.Generator().manual_seed(0)
    x = torch.rand(200, 20, generator=gen)
    y = (x[:, 0] > 0.5).long().numpy()  # only feature 0 matters
    sparsity = {}
    for name, knobs in {"none": {}, "l2": {"weight_decay": 1e-2}, "l1": {"l1": 1e-2}}.items():
        torch.manual_seed(0)
        model = torch.nn.Linear(20, 2)
        fit_tracked(model, x, y, x, y, epochs=30, batch_size=20, lr=1e-2, **knobs)
        sparsity[name] = weight_sparsity(model, threshold=1e-2)
    assert sparsity["l1"] > sparsity["l2"] + 0.3
    assert sparsity["l1"] > sparsity["none"] + 0.3


def test_weight_functions_bad_input():
    with pytest.raises(TypeError, match=r"^model must be a torch.nn.Module"):
        weight_values(np.ones((2, 2)))
    with pytest.raises(ValueError, match=r"^model has no weight matrices"):
        weight_values(torch.nn.ReLU())
    with pytest.raises(ValueError, match=r"^threshold must be positive"):
        weight_sparsity(torch.nn.Linear(2, 2), threshold=0.0)
    with pytest.raises(ValueError, match=r"^threshold must be a finite number"):
        weight_sparsity(torch.nn.Linear(2, 2), threshold=math.nan)


# --- rotation and augmentation ---------------------------------------------------------


@pytest.mark.parametrize("size", [(28, 28), (7, 7), (6, 6)])
def test_quarter_turns_match_rot90(size):
    batch = torch.rand(4, 2, *size, dtype=torch.float64)
    for quarter, k in ((90.0, 1), (180.0, 2), (-90.0, -1)):
        turned = rotate_images(batch, torch.full((4,), quarter, dtype=torch.float64))
        torch.testing.assert_close(turned, torch.rot90(batch, k, dims=(-2, -1)))


def test_rotation_by_zero_is_identity_and_angles_are_per_image():
    batch = torch.rand(3, 1, 9, 9, dtype=torch.float64)
    torch.testing.assert_close(rotate_images(batch, np.zeros(3)), batch)
    mixed = rotate_images(batch, np.array([0.0, 90.0, 180.0]))
    torch.testing.assert_close(mixed[0], batch[0])
    torch.testing.assert_close(mixed[1], torch.rot90(batch[1], 1, dims=(-2, -1)))
    torch.testing.assert_close(mixed[2], torch.rot90(batch[2], 2, dims=(-2, -1)))


def test_small_rotation_keeps_the_centre_of_mass_of_a_centred_blob():
    yy, xx = torch.meshgrid(torch.arange(21.0), torch.arange(21.0), indexing="ij")
    blob = torch.exp(-((xx - 10) ** 2 + (yy - 10) ** 2) / 8).reshape(1, 1, 21, 21)
    turned = rotate_images(blob, torch.tensor([33.0]))
    torch.testing.assert_close(turned.sum(), blob.sum(), rtol=1e-3, atol=0)
    centre = ((turned * xx).sum() / turned.sum(), (turned * yy).sum() / turned.sum())
    assert all(abs(c.item() - 10) < 1e-3 for c in centre)


def test_augment_flips_and_transposes_are_exact_and_seeded():
    batch = torch.rand(64, 1, 5, 5)
    out = augment_images(batch, torch.Generator().manual_seed(1), flip=True)
    flipped = [not torch.equal(o, b) for o, b in zip(out, batch, strict=True)]
    for o, b, f in zip(out, batch, flipped, strict=True):
        torch.testing.assert_close(o, b.flip(-1) if f else b)
    assert 16 < sum(flipped) < 48
    again = augment_images(batch, torch.Generator().manual_seed(1), flip=True)
    assert torch.equal(out, again)
    swapped = augment_images(batch, torch.Generator().manual_seed(2), flip=False, transpose=True)
    for o, b in zip(swapped, batch, strict=True):
        assert torch.equal(o, b) or torch.equal(o, b.transpose(-1, -2))
    assert torch.equal(augment_images(batch, torch.Generator(), flip=False), batch)


def test_augment_does_not_change_its_input_and_works_in_fit_tracked():
    batch = torch.rand(8, 1, 6, 6)
    before = batch.clone()
    augment_images(batch, torch.Generator(), flip=True, degrees=20.0, transpose=True)
    assert torch.equal(batch, before)
    x = torch.rand(32, 1, 6, 6)
    y = np.arange(32) % 2
    model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(36, 2))
    history = fit_tracked(model, x, y, x, y, epochs=2, augment=augmenter(degrees=10.0))
    assert len(history.val_loss) == 2


def test_rotation_and_augmentation_bad_input():
    batch = torch.rand(2, 1, 4, 4)
    with pytest.raises(TypeError, match=r"^batch must be a float torch.Tensor"):
        rotate_images(np.ones((2, 1, 4, 4)), np.zeros(2))
    with pytest.raises(ValueError, match=r"^batch must have shape \(n, channels, height, width\)"):
        rotate_images(torch.rand(4, 4), np.zeros(4))
    with pytest.raises(ValueError, match=r"^degrees has 3 angles but batch has 2 images"):
        rotate_images(batch, np.zeros(3))
    with pytest.raises(ValueError, match=r"^degrees contains NaN"):
        rotate_images(batch, torch.tensor([0.0, math.nan]))
    with pytest.raises(TypeError, match=r"^degrees must be a 1-D tensor"):
        rotate_images(batch, 30.0)
    with pytest.raises(TypeError, match=r"^generator must be a torch.Generator"):
        augment_images(batch, 0)
    with pytest.raises(ValueError, match=r"^degrees must be between 0 and 180"):
        augment_images(batch, torch.Generator(), degrees=-5.0)
    with pytest.raises(ValueError, match=r"^transpose needs square images"):
        augment_images(torch.rand(2, 1, 4, 5), torch.Generator(), transpose=True)
    with pytest.raises(TypeError, match=r"^flip must be True or False"):
        augmenter(flip="yes")
    with pytest.raises(ValueError, match=r"^degrees must be between 0 and 180"):
        augmenter(degrees=200.0)
