"""Tests of dlguide.foundations.losses: every loss and gradient against PyTorch."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from dlguide.foundations.losses import (
    binary_cross_entropy,
    categorical_cross_entropy,
    cross_entropy,
    mse,
    softmax,
)

RNG = np.random.default_rng(0)
LOGITS = RNG.normal(scale=3, size=(7, 4))
LABELS = RNG.integers(0, 4, size=7)


def _torch(loss_fn, pred, *args):
    p = torch.from_numpy(pred.copy()).requires_grad_(True)
    value = loss_fn(p, *args)
    value.backward()
    return value.item(), p.grad.numpy()


def test_mse_matches_torch():
    target = RNG.normal(size=LOGITS.shape)
    loss, grad = mse(LOGITS, target)
    ref_loss, ref_grad = _torch(F.mse_loss, LOGITS, torch.from_numpy(target))
    assert loss == pytest.approx(ref_loss, rel=1e-12)
    np.testing.assert_allclose(grad, ref_grad, rtol=1e-12)


def test_binary_cross_entropy_matches_torch_even_for_extreme_logits():
    logits = np.array([[-50.0, 0.3], [40.0, -2.0], [1e-3, 700.0]])
    targets = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    loss, grad = binary_cross_entropy(logits, targets)
    ref = _torch(F.binary_cross_entropy_with_logits, logits, torch.from_numpy(targets))
    assert loss == pytest.approx(ref[0], rel=1e-12)
    np.testing.assert_allclose(grad, ref[1], rtol=1e-10, atol=1e-15)
    assert np.isfinite(loss)


def test_cross_entropy_matches_torch():
    loss, grad = cross_entropy(LOGITS, LABELS)
    ref_loss, ref_grad = _torch(F.cross_entropy, LOGITS, torch.from_numpy(LABELS))
    assert loss == pytest.approx(ref_loss, rel=1e-12)
    np.testing.assert_allclose(grad, ref_grad, rtol=1e-10, atol=1e-15)


def test_categorical_with_soft_targets_matches_torch_and_sparse():
    soft = softmax(RNG.normal(size=LOGITS.shape))
    loss, grad = categorical_cross_entropy(LOGITS, soft)
    ref_loss, ref_grad = _torch(F.cross_entropy, LOGITS, torch.from_numpy(soft))
    assert loss == pytest.approx(ref_loss, rel=1e-12)
    np.testing.assert_allclose(grad, ref_grad, rtol=1e-10, atol=1e-15)
    one_hot = np.eye(4)[LABELS]
    assert categorical_cross_entropy(LOGITS, one_hot)[0] == cross_entropy(LOGITS, LABELS)[0]


def test_softmax():
    p = softmax(LOGITS)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    np.testing.assert_allclose(p, torch.softmax(torch.from_numpy(LOGITS), 1).numpy(), rtol=1e-12)
    assert np.isfinite(softmax(np.array([[1e4, -1e4]]))).all()


def test_bad_input():
    with pytest.raises(ValueError, match=r"^predictions and targets must have the same shape"):
        mse(np.zeros((2, 1)), np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"^targets must be probabilities between 0 and 1"):
        binary_cross_entropy(np.zeros((1, 1)), np.array([[2.0]]))
    with pytest.raises(
        ValueError, match=r"^labels must hold class ids from 0 to 3 \(4 columns of logits\), got"
    ):
        cross_entropy(LOGITS, LABELS + 4)
    with pytest.raises(TypeError, match=r"^labels must have an integer dtype"):
        cross_entropy(LOGITS, LABELS.astype(float))
    with pytest.raises(ValueError, match=r"^expected the same number of rows"):
        cross_entropy(LOGITS, LABELS[:3])
    with pytest.raises(ValueError, match=r"^each row of targets must be a probability"):
        categorical_cross_entropy(LOGITS, np.ones_like(LOGITS))
    with pytest.raises(ValueError, match=r"^logits contains NaN"):
        softmax(np.array([[np.nan, 0.0]]))
    with pytest.raises(ValueError, match=r"^logits must be a 2-D array"):
        cross_entropy(LOGITS[0], LABELS[:1])
