"""Tests of architectures.convolution: convolution by hand, pooling, shapes and parameter counts."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from dlguide.architectures.convolution import (
    KERNELS,
    conv_output_size,
    conv_parameters,
    convolve2d,
    dense_parameters,
    max_pool2d,
)


def _torch_conv(image, kernel, stride, padding):
    x = torch.from_numpy(image)[None, None]
    w = torch.from_numpy(kernel)[None, None]
    return F.conv2d(x, w, stride=stride, padding=padding)[0, 0].numpy()


@pytest.mark.parametrize(("stride", "padding"), [(1, 0), (1, 1), (2, 0), (2, 1), (3, 2)])
@pytest.mark.parametrize("shape", [(3, 4), (5, 5)])
def test_convolve2d_matches_torch(stride, padding, shape):
    rng = np.random.default_rng(0)
    image = rng.normal(size=(17, 23))
    kernel = rng.normal(size=shape)
    ours = convolve2d(image, kernel, stride=stride, padding=padding)
    assert ours.shape == _torch_conv(image, kernel, stride, padding).shape
    np.testing.assert_allclose(ours, _torch_conv(image, kernel, stride, padding), atol=1e-12)


def test_convolve2d_by_loops():
    rng = np.random.default_rng(1)
    image, kernel = rng.normal(size=(6, 7)), rng.normal(size=(3, 2))
    expected = np.array(
        [[np.sum(image[i : i + 3, j : j + 2] * kernel) for j in range(6)] for i in range(4)]
    )
    np.testing.assert_allclose(convolve2d(image, kernel), expected)


def test_kernels_behave():
    flat = np.full((6, 6), 0.5)
    np.testing.assert_allclose(convolve2d(flat, KERNELS["blur"]), 0.5)
    np.testing.assert_allclose(convolve2d(flat, KERNELS["sharpen"]), 0.5)
    np.testing.assert_allclose(convolve2d(flat, KERNELS["vertical edges"]), 0.0, atol=1e-12)
    step = np.repeat([[0.0, 0.0, 0.0, 1.0, 1.0, 1.0]], 6, axis=0)  # dark left, bright right
    assert convolve2d(step, KERNELS["vertical edges"]).max() > 0
    np.testing.assert_allclose(convolve2d(step, KERNELS["horizontal edges"]), 0.0)
    with pytest.raises(ValueError):
        KERNELS["blur"][0, 0] = 1.0


@pytest.mark.parametrize(
    ("args", "kwargs", "expected"),
    [((28, 3), {}, 26), ((28, 3), {"padding": 1}, 28), ((26, 2), {"stride": 2}, 13),
     ((11, 2), {"stride": 2}, 5), ((28, 5), {"stride": 2, "padding": 2}, 14)],
)  # fmt: skip
def test_conv_output_size(args, kwargs, expected):
    assert conv_output_size(*args, **kwargs) == expected
    layer = torch.nn.Conv2d(1, 1, args[1], stride=kwargs.get("stride", 1),
                            padding=kwargs.get("padding", 0))  # fmt: skip
    assert layer(torch.zeros(1, 1, args[0], args[0])).shape[-1] == expected


def test_max_pool2d_matches_torch():
    image = np.random.default_rng(2).normal(size=(9, 8))
    expected = F.max_pool2d(torch.from_numpy(image)[None, None], 2)[0, 0].numpy()
    np.testing.assert_allclose(max_pool2d(image, 2), expected)


def test_parameter_counts_match_torch():
    conv, dense = torch.nn.Conv2d(32, 64, 3), torch.nn.Linear(576, 64)
    assert conv_parameters(32, 64, 3) == sum(p.numel() for p in conv.parameters())
    assert dense_parameters(576, 64) == sum(p.numel() for p in dense.parameters())


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: conv_output_size(3, 5), ValueError, r"kernel \(5\) must not be larger"),
        (lambda: conv_output_size(28, 3, stride=0), ValueError, "stride must be at least 1"),
        (lambda: conv_output_size(28, 3, padding=-1), ValueError, "padding must be at least 0"),
        (lambda: conv_output_size(28.0, 3), TypeError, "size must be an integer"),
        (lambda: convolve2d(np.zeros(5), np.ones((2, 2))), ValueError, "image must be a 2-D"),
        (lambda: convolve2d([[1.0]], np.ones((1, 1))), TypeError, "image must be a NumPy array"),
        (lambda: convolve2d(np.zeros((4, 4)), np.ones((5, 5))), ValueError, "must not be larger"),
        (lambda: convolve2d(np.full((4, 4), np.nan), np.ones((2, 2))), ValueError, "NaN"),
        (lambda: max_pool2d(np.zeros((4, 4)), 0), ValueError, "size must be at least 1"),
        (lambda: conv_parameters(0, 1, 3), ValueError, "in_channels must be at least 1"),
        (lambda: dense_parameters(10, True), TypeError, "n_outputs must be an integer"),
    ],
)
def test_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()
