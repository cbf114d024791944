"""Model builders: the book's PyTorch networks, where the network itself is not the lesson.

Two functions build every such network, each a ``torch.nn.Sequential`` made from its
parameters:

- :func:`mlp`, a multilayer perceptron: ``Linear`` layers of the given widths with an
  activation (and, if asked, dropout) between them;
- :func:`cnn`, a small convolutional network: blocks of a convolution, a ReLU and
  (if asked) a 2x2 max-pool, then one dense ReLU layer and an output layer.

They output logits (the loss, ``torch.nn.functional.cross_entropy``, applies the
softmax). A network draws its initial weights from torch's global generator, layer by
layer in order, so the same seed (``torch.manual_seed``) gives the same network. Where
a chapter's lesson is how a network is written (the classic CNN in two frameworks,
:func:`dlguide.architectures.cnn.torch_classic_cnn`; the character model,
:class:`dlguide.architectures.char_model.CharModel`), it is written out there instead.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Any

from dlguide._checks import (
    check_bool,
    check_int,
    check_ints,
    check_real,
    check_str,
    describe,
)

__all__ = ["cnn", "mlp"]

# The activations mlp() takes, by name (those of dlguide.foundations.activations), and the
# torch.nn layer that computes each, with PyTorch's defaults (leaky slope 0.01, exact GELU).
_ACTIVATION_LAYERS = {
    "sigmoid": "Sigmoid",
    "tanh": "Tanh",
    "relu": "ReLU",
    "leaky_relu": "LeakyReLU",
    "gelu": "GELU",
    "silu": "SiLU",
}


def mlp(
    sizes: Sequence[int],
    *,
    activation: str = "relu",
    dropout: float | None = None,
    flatten: bool = False,
    dtype: Any = None,
) -> Any:
    """Return a multilayer perceptron: ``Linear`` layers of ``sizes``, an activation between them.

    Parameters
    ----------
    sizes
        The widths, input first and output last: ``[64, 32, 10]`` is ``Linear(64, 32)``,
        the activation, ``Linear(32, 10)``. Two widths make a linear model.
    activation
        The layer after every hidden ``Linear``: ``"relu"``, ``"leaky_relu"``,
        ``"gelu"``, ``"silu"``, ``"tanh"`` or ``"sigmoid"``. The output has none.
    dropout
        If given, a ``Dropout`` layer of this rate, in [0, 1), after every activation
        (a rate of 0 keeps the layers, which then do nothing).
    flatten
        Put a ``Flatten`` first, so that the network takes images ``(n, 1, h, w)``
        (with ``sizes[0] = h * w``).
    dtype
        A floating-point ``torch.dtype`` for the weights (``torch.float64`` for a
        reference computation); None, torch's default (float32).

    Returns
    -------
    torch.nn.Sequential
        The layers, in order, indexed from 0.

    Examples
    --------
    >>> model = mlp([64, 32, 10])
    >>> model
    Sequential(
      (0): Linear(in_features=64, out_features=32, bias=True)
      (1): ReLU()
      (2): Linear(in_features=32, out_features=10, bias=True)
    )
    >>> sum(p.numel() for p in model.parameters())  # 64*32 + 32 + 32*10 + 10
    2410
    >>> import torch
    >>> mlp([784, 128, 10], flatten=True, dropout=0.5)(torch.zeros(2, 1, 28, 28)).shape
    torch.Size([2, 10])
    """
    sizes = check_ints("sizes", sizes, minimum=1, min_len=2)
    activation = check_str("activation", activation, choices=tuple(_ACTIVATION_LAYERS))
    if dropout is not None:
        dropout = check_real("dropout", dropout)
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"dropout must be a rate in [0, 1), got {dropout}")
    flatten = check_bool("flatten", flatten)
    import torch
    from torch import nn

    if dtype is not None and not (isinstance(dtype, torch.dtype) and dtype.is_floating_point):
        raise TypeError(f"dtype must be a floating-point torch.dtype, got {describe(dtype)}")

    activation_layer = getattr(nn, _ACTIVATION_LAYERS[activation])  # nn.ReLU, nn.Tanh, ...
    layers: list[nn.Module] = [nn.Flatten()] if flatten else []
    for n_in, n_out in itertools.pairwise(sizes[:-1]):
        layers += [nn.Linear(n_in, n_out, dtype=dtype), activation_layer()]
        if dropout is not None:
            layers.append(nn.Dropout(dropout))
    layers.append(nn.Linear(sizes[-2], sizes[-1], dtype=dtype))  # the output: no activation
    return nn.Sequential(*layers)


def _per_block(name: str, value: Any, n_blocks: int, check: Callable[[str, Any], Any]) -> list[Any]:
    """``value`` for every block: one value for all of them, or a list of one per block."""
    if isinstance(value, (list, tuple)):
        if len(value) != n_blocks:
            raise ValueError(
                f"{name} must give one value per block ({n_blocks}, as channels does), "
                f"got {len(value)}: {value!r}"
            )
        return [check(f"{name}[{i}]", v) for i, v in enumerate(value)]
    return [check(name, value)] * n_blocks


def cnn(
    channels: Sequence[int] = (16, 32, 64),
    *,
    kernel_sizes: int | Sequence[int] = 3,
    padding: str = "same",
    pool: bool | Sequence[bool] = True,
    dense: int = 128,
    n_classes: int = 10,
    image_size: int = 28,
    in_channels: int = 1,
) -> Any:
    """Return a small CNN: convolutional blocks, one dense ReLU layer, an output layer.

    Block ``i`` is a convolution with ``channels[i]`` filters of ``kernel_sizes[i]``
    pixels square, a ReLU and, where ``pool`` says so, a 2x2 max-pool that halves the
    maps (rounding down). The ``dense`` block flattens the last maps into a ``Linear``
    layer of ``dense`` ReLU units; ``output`` gives one score per class.

    Parameters
    ----------
    channels
        Filters per block, one entry per block.
    kernel_sizes
        The side of each block's filters: one for all blocks, or one per block.
    padding
        ``"same"`` (zeros around the image, so a convolution keeps its size; odd kernel
        sizes only) or ``"valid"`` (no padding: the maps shrink by ``kernel - 1``).
    pool
        Whether each block ends with a 2x2 max-pool: one for all blocks, or one per block.
    dense
        Units of the dense layer.
    n_classes
        Outputs, one per class.
    image_size
        The side of the (square) input images.
    in_channels
        Channels of the input images (1 for greyscale).

    Returns
    -------
    torch.nn.Sequential
        Children ``block1``, ..., ``blockN``, ``dense`` (each a ``torch.nn.Sequential``)
        and ``output`` (a ``Linear``); it takes images ``(n, in_channels, image_size,
        image_size)``.

    Examples
    --------
    >>> import torch
    >>> model = cnn((16, 32), kernel_sizes=(5, 3), dense=64)
    >>> [name for name, _ in model.named_children()]
    ['block1', 'block2', 'dense', 'output']
    >>> model.block1
    Sequential(
      (0): Conv2d(1, 16, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))
      (1): ReLU()
      (2): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
    )
    >>> model.dense[1]  # 32 maps of 7x7 pixels after two pools: 28 -> 14 -> 7
    Linear(in_features=1568, out_features=64, bias=True)
    >>> model(torch.zeros(2, 1, 28, 28)).shape
    torch.Size([2, 10])
    """
    channels = check_ints("channels", channels, minimum=1)
    kernels = _per_block(
        "kernel_sizes", kernel_sizes, len(channels), lambda n, v: check_int(n, v, minimum=1)
    )
    padding = check_str("padding", padding, choices=("same", "valid"))
    pools = _per_block("pool", pool, len(channels), check_bool)
    dense = check_int("dense", dense, minimum=1)
    n_classes = check_int("n_classes", n_classes, minimum=2)
    image_size = check_int("image_size", image_size, minimum=1)
    in_channels = check_int("in_channels", in_channels, minimum=1)
    if padding == "same" and any(k % 2 == 0 for k in kernels):
        raise ValueError(f"kernel_sizes must be odd for padding 'same', got {kernel_sizes!r}")
    side = image_size
    for i, (k, pooled) in enumerate(zip(kernels, pools), start=1):
        side = side if padding == "same" else side - k + 1
        side = side // 2 if pooled else side
        if side < 1:
            raise ValueError(
                f"image_size {image_size} is too small: no pixel is left after block{i}"
            )
    from collections import OrderedDict

    from torch import nn

    children: OrderedDict[str, nn.Module] = OrderedDict()
    for i, (c_in, c_out, k, pooled) in enumerate(
        zip([in_channels, *channels], channels, kernels, pools), start=1
    ):
        layers = [nn.Conv2d(c_in, c_out, k, padding=k // 2 if padding == "same" else 0), nn.ReLU()]
        if pooled:
            layers.append(nn.MaxPool2d(2))
        children[f"block{i}"] = nn.Sequential(*layers)
    children["dense"] = nn.Sequential(
        nn.Flatten(), nn.Linear(channels[-1] * side * side, dense), nn.ReLU()
    )
    children["output"] = nn.Linear(dense, n_classes)
    return nn.Sequential(children)
