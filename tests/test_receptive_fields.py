"""Tests for dlguide.architectures.receptive_fields."""

import numpy as np
import pytest
import torch
from torch import nn

from dlguide.architectures.cnn import torch_classic_cnn
from dlguide.architectures.receptive_fields import (
    Field,
    gradient_extent,
    receptive_fields,
    top_patches,
)


def _grad_extent_of_trained_unit(model, layer, side=28):
    """Non-zero gradient extent of one unit of the real (ReLU, max-pool) network."""
    image = torch.rand(1, 1, side, side, requires_grad=True)
    h = image
    for name, module in model.named_children():
        h = module(h)
        if name == layer:
            break
    rows, cols = h.shape[-2:]
    h[0, :, rows // 2, cols // 2].sum().backward()
    nonzero = image.grad[0, 0].abs() > 0
    used = torch.nonzero(nonzero)
    return int(used[:, 0].max() - used[:, 0].min() + 1), int(
        used[:, 1].max() - used[:, 1].min() + 1
    )


def test_classic_cnn_fields_by_hand():
    # conv 3: 3; pool 2 (stride 2): 3 + 1 = 4, jump 2; conv 3: 4 + 2*2 = 8;
    # pool 2: 8 + 1*2 = 10, jump 4; conv 3: 10 + 2*4 = 18
    fields = receptive_fields(torch_classic_cnn())
    assert fields["conv1"] == Field(3, 1, 0)
    assert fields["pool1"] == Field(4, 2, 0)
    assert fields["conv2"] == Field(8, 2, 0)
    assert fields["pool2"] == Field(10, 4, 0)
    assert fields["conv3"] == Field(18, 4, 0)


@pytest.mark.parametrize("layer", ["conv1", "pool1", "conv2", "pool2", "conv3"])
def test_recurrence_matches_autograd(layer):
    model = torch_classic_cnn()
    assert gradient_extent(model, layer) == receptive_fields(model)[layer].size


def test_real_network_never_reaches_outside_its_field():
    torch.manual_seed(0)
    model = torch_classic_cnn()
    for layer, field in receptive_fields(model).items():
        rows, cols = _grad_extent_of_trained_unit(model, layer)
        assert rows <= field.size and cols <= field.size
    # with random weights and a random image, the conv3 unit uses its whole field
    assert max(_grad_extent_of_trained_unit(model, "conv3")) == 18


def test_padding_and_stride_change_the_field():
    model = nn.Sequential(nn.Conv2d(1, 2, 5, stride=2, padding=2), nn.ReLU(), nn.Conv2d(2, 2, 3))
    fields = receptive_fields(model)
    assert fields["0"] == Field(5, 2, -2)
    assert fields["2"] == Field(9, 2, -2)
    assert gradient_extent(model, "2") == 9


def test_top_patches_crop_the_strongest_unit():
    model = nn.Sequential(nn.Conv2d(1, 1, 3, bias=False))
    with torch.no_grad():
        model[0].weight.fill_(1.0)
    images = torch.zeros(3, 1, 10, 10)
    images[1, 0, 4:7, 5:8] = 1.0  # a bright 3x3 block: the strongest response is over it
    images[2, 0, 0, 0] = 1.0
    found = top_patches(model, images, "0", n=2)
    assert found.channel == 0
    assert list(found.indices) == [1, 2]
    np.testing.assert_allclose(found.activations, [9.0, 1.0])
    np.testing.assert_array_equal(found.patches[0], np.ones((3, 3)))
    assert tuple(found.corners[0]) == (4, 5)


def test_top_patches_pad_beyond_the_border():
    model = nn.Sequential(nn.Conv2d(1, 1, 3, padding=1, bias=False))
    with torch.no_grad():
        model[0].weight.zero_()
        model[0].weight[0, 0, 1, 1] = 1.0  # responds to the centre pixel only
    images = torch.zeros(1, 1, 5, 5)
    images[0, 0, 0, 0] = 1.0
    found = top_patches(model, images, "0", n=1)
    patch = found.patches[0]
    assert tuple(found.corners[0]) == (-1, -1)
    expected = np.zeros((3, 3))
    expected[1, 1] = 1.0  # the corner pixel, with a frame of padding zeros above and left
    np.testing.assert_array_equal(patch, expected)


def test_bad_input():
    model = torch_classic_cnn()
    images = torch.rand(4, 1, 28, 28)
    with pytest.raises(TypeError, match=r"torch\.nn\.Sequential"):
        receptive_fields(nn.Linear(2, 2))
    with pytest.raises(ValueError, match="no Conv2d"):
        receptive_fields(nn.Sequential(nn.Linear(2, 2)))
    with pytest.raises(ValueError, match="dilated"):
        receptive_fields(nn.Sequential(nn.Conv2d(1, 1, 3, dilation=2)))
    with pytest.raises(ValueError, match="same along both axes"):
        receptive_fields(nn.Sequential(nn.Conv2d(1, 1, (3, 5))))
    with pytest.raises(ValueError, match="layer must be one of"):
        gradient_extent(model, "dense")
    with pytest.raises(ValueError, match="too small"):
        gradient_extent(model, "conv3", side=18)
    with pytest.raises(TypeError, match="side must be an integer"):
        gradient_extent(model, "conv3", side=2.5)
    with pytest.raises(TypeError, match=r"4-D float"):
        top_patches(model, images.numpy(), "conv1")
    with pytest.raises(TypeError, match=r"4-D float"):
        top_patches(model, images[0], "conv1")
    with pytest.raises(ValueError, match="empty"):
        top_patches(model, images[:0], "conv1")
    with pytest.raises(ValueError, match="NaN"):
        top_patches(model, torch.full((2, 1, 28, 28), float("nan")), "conv1")
    with pytest.raises(ValueError, match="at most the number of images"):
        top_patches(model, images, "conv1", n=5)
    with pytest.raises(ValueError, match="channel must be below 32"):
        top_patches(model, images, "conv1", channel=32, n=2)
    with pytest.raises(ValueError, match="layer must be one of"):
        top_patches(model, images, "relu1")
