"""Receptive fields of a convolutional network, and the training patches that excite a unit.

A unit of a convolution or pooling layer sees only part of the input image, its
*receptive field*. For a stack of layers with kernel sizes :math:`k_l`, strides
:math:`s_l` and paddings :math:`p_l`, the field grows layer by layer:

.. math::

   r_l = r_{l-1} + (k_l - 1)\\, j_{l-1}, \\qquad j_l = j_{l-1}\\, s_l,

starting from one pixel (:math:`r_0 = j_0 = 1`), where the *jump* :math:`j_l` is the
distance in input pixels between two neighbouring units of layer :math:`l`.
:func:`receptive_fields` applies this recurrence to a ``torch.nn.Sequential``;
:func:`gradient_extent` measures the same size independently, with autograd;
:func:`top_patches` crops the training images where one channel responds most.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from dlguide._checks import check_int, check_str, describe

__all__ = ["Field", "TopPatches", "gradient_extent", "receptive_fields", "top_patches"]


class Field(NamedTuple):
    """The receptive field of a layer's units, in input pixels.

    ``size`` is its side; ``jump`` the step between neighbouring units; unit ``i``
    (along one axis) sees input pixels ``start + i * jump`` to
    ``start + i * jump + size - 1`` (``start`` is negative where padding adds zeros).
    """

    size: int
    jump: int
    start: int


class TopPatches(NamedTuple):
    """What :func:`top_patches` returns, strongest response first.

    ``corners`` holds the (row, column) of each patch's top-left pixel in its image
    (negative where the field starts in the padding).
    """

    channel: int
    indices: np.ndarray
    activations: np.ndarray
    patches: np.ndarray
    corners: np.ndarray


def _square(name: str, value: Any) -> int:
    if isinstance(value, tuple):
        if len(set(value)) != 1:
            raise ValueError(f"{name} must be the same along both axes, got {value}")
        value = value[0]
    return int(value)


def _check_sequential(model: Any) -> Any:
    import torch

    if not isinstance(model, torch.nn.Sequential):
        raise TypeError(f"model must be a torch.nn.Sequential, got {describe(model)}")
    return model


def _spatial_layers(model: Any) -> list[tuple[str, Any]]:
    from torch import nn

    kinds = (nn.Conv2d, nn.MaxPool2d, nn.AvgPool2d)
    layers = [(name, layer) for name, layer in model.named_children() if isinstance(layer, kinds)]
    if not layers:
        raise ValueError("model has no Conv2d, MaxPool2d or AvgPool2d layer")
    for name, layer in layers:
        if _square(f"{name}.dilation", getattr(layer, "dilation", 1)) != 1:
            raise ValueError(f"layer {name!r} is dilated; only dilation 1 is supported")
    return layers


def receptive_fields(model: Any) -> dict[str, Field]:
    """Return the :class:`Field` of every convolution and pooling layer of ``model``.

    Parameters
    ----------
    model
        A ``torch.nn.Sequential`` of 2-D layers; layers other than ``Conv2d``,
        ``MaxPool2d`` and ``AvgPool2d`` (activations, flatten, dense) are skipped,
        and the dense layers after a flatten are not spatial.

    Examples
    --------
    >>> from dlguide.architectures.cnn import torch_classic_cnn
    >>> {name: f.size for name, f in receptive_fields(torch_classic_cnn()).items()}
    {'conv1': 3, 'pool1': 4, 'conv2': 8, 'pool2': 10, 'conv3': 18}
    """
    model = _check_sequential(model)
    size, jump, start, fields = 1, 1, 0, {}
    for name, layer in _spatial_layers(model):
        kernel = _square(f"{name}.kernel_size", layer.kernel_size)
        stride = _square(f"{name}.stride", layer.stride)
        padding = _square(f"{name}.padding", layer.padding)
        size += (kernel - 1) * jump
        start -= padding * jump
        jump *= stride
        fields[name] = Field(size, jump, start)
    return fields


def gradient_extent(model: Any, layer: str, *, side: int = 64) -> int:
    """Measure the receptive field of ``layer`` with autograd, without the recurrence.

    A copy of the model's geometry is built with every weight set to one, max-pooling
    replaced by average pooling of the same shape and the activations left out, so no
    path is cut; the side of the square of input pixels on which the gradient of one
    central output unit is non-zero is the receptive field.

    Parameters
    ----------
    model
        A ``torch.nn.Sequential`` as for :func:`receptive_fields`.
    layer
        The name of one of its convolution or pooling layers.
    side
        The side of the square test input; it must be larger than the field.

    Examples
    --------
    >>> from dlguide.architectures.cnn import torch_classic_cnn
    >>> gradient_extent(torch_classic_cnn(), "conv3")
    18
    """
    import torch
    from torch import nn

    model = _check_sequential(model)
    layers = _spatial_layers(model)
    layer = check_str("layer", layer, choices=[name for name, _ in layers])
    side = check_int("side", side, minimum=2)
    copy = []
    for name, original in layers:
        kernel = _square(f"{name}.kernel_size", original.kernel_size)
        stride = _square(f"{name}.stride", original.stride)
        padding = _square(f"{name}.padding", original.padding)
        if isinstance(original, nn.Conv2d):
            conv = nn.Conv2d(1, 1, kernel, stride=stride, padding=padding, bias=False)
            nn.init.ones_(conv.weight)
            copy.append(conv)
        else:
            copy.append(nn.AvgPool2d(kernel, stride=stride, padding=padding))
        if name == layer:
            break
    image = torch.ones(1, 1, side, side, requires_grad=True)
    out = nn.Sequential(*copy)(image)
    rows, cols = out.shape[-2:]
    if rows < 1 or cols < 1:
        raise ValueError(f"side={side} is too small for layer {layer!r}")
    out[0, 0, rows // 2, cols // 2].backward()
    touched = np.flatnonzero(image.grad[0, 0].abs().sum(0).numpy() > 0)
    if touched[0] == 0 or touched[-1] == side - 1:
        raise ValueError(f"side={side} is too small to contain the field of {layer!r}")
    return int(touched[-1] - touched[0] + 1)


def top_patches(
    model: Any, images: Any, layer: str, *, channel: int | None = None, n: int = 6
) -> TopPatches:
    """Crop the ``n`` images where one channel of ``layer`` responds most, to its field.

    Each image counts once, at the position of its strongest response (after the
    ReLU that follows ``layer``, if there is one); the crop is that unit's receptive
    field, zero-padded where it reaches past the border.

    Parameters
    ----------
    model
        A ``torch.nn.Sequential`` of 2-D layers, e.g. from
        :func:`dlguide.architectures.cnn.torch_classic_cnn`.
    images
        A float tensor ``(n_images, channels, height, width)``.
    layer
        The name of a convolution or pooling layer of ``model``.
    channel
        The channel to look at; ``None`` picks the one with the strongest single
        response over all the images.
    n
        How many images to return; at most the number of images.

    Examples
    --------
    >>> import torch
    >>> from dlguide.architectures.cnn import torch_classic_cnn
    >>> _ = torch.manual_seed(0)
    >>> found = top_patches(torch_classic_cnn(), torch.rand(20, 1, 28, 28), "conv2", n=3)
    >>> found.patches.shape
    (3, 8, 8)
    """
    import torch
    from torch import nn

    model = _check_sequential(model)
    fields = receptive_fields(model)
    layer = check_str("layer", layer, choices=list(fields))
    if not isinstance(images, torch.Tensor) or not images.is_floating_point() or images.ndim != 4:
        raise TypeError(f"images must be a 4-D float torch.Tensor, got {describe(images)}")
    if len(images) == 0:
        raise ValueError("images is empty")
    if not bool(torch.isfinite(images).all()):
        raise ValueError("images contains NaN or infinite values")
    n = check_int("n", n, minimum=1)
    if n > len(images):
        raise ValueError(f"n must be at most the number of images ({len(images)}), got {n}")
    children = list(model.named_children())
    stop = [name for name, _ in children].index(layer)
    if stop + 1 < len(children) and isinstance(children[stop + 1][1], nn.ReLU):
        stop += 1
    head = nn.Sequential(*[module for _, module in children[: stop + 1]])
    was_training = model.training
    model.eval()
    with torch.no_grad():
        maps = torch.cat([head(chunk) for chunk in images.split(1000)]).numpy()
    model.train(was_training)
    if channel is None:
        channel = int(maps.max(axis=(0, 2, 3)).argmax())
    channel = check_int("channel", channel, minimum=0)
    if channel >= maps.shape[1]:
        raise ValueError(
            f"channel must be below {maps.shape[1]} for layer {layer!r}, got {channel}"
        )
    responses = maps[:, channel].reshape(len(maps), -1)
    best = responses.max(axis=1)
    indices = np.argsort(-best, kind="stable")[:n]
    size, jump, start = fields[layer]
    pad = size
    padded = np.pad(images[:, 0].numpy(), ((0, 0), (pad, pad), (pad, pad)))
    patches, corners = [], []
    for i in indices:
        row, col = divmod(int(responses[i].argmax()), maps.shape[-1])
        top, left = start + row * jump, start + col * jump
        corners.append((top, left))
        patches.append(padded[i, top + pad : top + pad + size, left + pad : left + pad + size])
    return TopPatches(channel, indices, best[indices], np.stack(patches), np.array(corners))
