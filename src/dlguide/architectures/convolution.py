"""Convolution by hand: a small filter slid over an image, and the shape arithmetic around it.

What deep-learning libraries call a convolution is, strictly, a *cross-correlation*:
the filter is not flipped. :func:`convolve2d` computes exactly what
``torch.nn.functional.conv2d`` computes for one channel and one filter, written
with NumPy so that every step can be read. :func:`conv_output_size` is the
arithmetic that tells how big the result is, given the stride and the padding.
"""

from __future__ import annotations

import numpy as np

from dlguide._checks import check_array, check_int

__all__ = [
    "KERNELS",
    "conv_output_size",
    "conv_parameters",
    "convolve2d",
    "dense_parameters",
    "max_pool2d",
]

#: Classic hand-made 3x3 filters, as photo-editing programs use them.
KERNELS: dict[str, np.ndarray] = {
    "blur": np.full((3, 3), 1.0 / 9.0),
    "sharpen": np.array([[0.0, -1.0, 0.0], [-1.0, 5.0, -1.0], [0.0, -1.0, 0.0]]),
    "vertical edges": np.array([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]]),
    "horizontal edges": np.array([[-1.0, -2.0, -1.0], [0.0, 0.0, 0.0], [1.0, 2.0, 1.0]]),
}
for _kernel in KERNELS.values():
    _kernel.setflags(write=False)


def conv_output_size(size: int, kernel: int, *, stride: int = 1, padding: int = 0) -> int:
    """Return the output length along one axis: ``(size + 2 * padding - kernel) // stride + 1``.

    Parameters
    ----------
    size
        The input length (height or width), in pixels.
    kernel
        The filter (or pooling window) length.
    stride
        How far the filter moves between two outputs.
    padding
        Zeros added on each side of the input.

    Examples
    --------
    >>> conv_output_size(28, 3)  # "valid": no padding
    26
    >>> conv_output_size(28, 3, padding=1)  # "same"
    28
    >>> conv_output_size(26, 2, stride=2)  # a 2x2 max-pool
    13
    """
    size = check_int("size", size, minimum=1)
    kernel = check_int("kernel", kernel, minimum=1)
    stride = check_int("stride", stride, minimum=1)
    padding = check_int("padding", padding, minimum=0)
    if kernel > size + 2 * padding:
        raise ValueError(
            f"kernel ({kernel}) must not be larger than the padded input "
            f"({size} + 2 * {padding} = {size + 2 * padding})"
        )
    return (size + 2 * padding - kernel) // stride + 1


def convolve2d(
    image: np.ndarray, kernel: np.ndarray, *, stride: int = 1, padding: int = 0
) -> np.ndarray:
    """Slide ``kernel`` over ``image`` and return the map of weighted sums (deep-learning style).

    Each output pixel is ``sum(patch * kernel)`` for the patch under the filter;
    the filter is not flipped, as in every deep-learning library.

    Parameters
    ----------
    image
        A 2-D array (one grey channel).
    kernel
        A 2-D array no larger than the padded image.
    stride, padding
        As in :func:`conv_output_size`; the padding is zeros.

    Returns
    -------
    numpy.ndarray
        A float array of shape ``(conv_output_size(h, kh, ...), conv_output_size(w, kw, ...))``.

    Examples
    --------
    >>> image = np.arange(16.0).reshape(4, 4)
    >>> convolve2d(image, np.ones((2, 2)), stride=2)
    array([[10., 18.],
           [42., 50.]])
    >>> convolve2d(image, np.ones((3, 3)), padding=1).shape
    (4, 4)
    """
    image = check_array("image", image, ndim=2).astype(float)
    kernel = check_array("kernel", kernel, ndim=2).astype(float)
    stride = check_int("stride", stride, minimum=1)
    padding = check_int("padding", padding, minimum=0)
    rows = conv_output_size(image.shape[0], kernel.shape[0], stride=stride, padding=padding)
    cols = conv_output_size(image.shape[1], kernel.shape[1], stride=stride, padding=padding)
    padded = np.pad(image, padding) if padding else image
    windows = np.lib.stride_tricks.sliding_window_view(padded, kernel.shape)
    windows = windows[::stride, ::stride][:rows, :cols]
    return np.einsum("ijkl,kl->ij", windows, kernel)


def max_pool2d(image: np.ndarray, size: int = 2) -> np.ndarray:
    """Keep the largest value of each ``size`` x ``size`` block (stride ``size``, no padding).

    Examples
    --------
    >>> max_pool2d(np.arange(16.0).reshape(4, 4))
    array([[ 5.,  7.],
           [13., 15.]])
    """
    image = check_array("image", image, ndim=2)
    size = check_int("size", size, minimum=1)
    rows = conv_output_size(image.shape[0], size, stride=size)
    cols = conv_output_size(image.shape[1], size, stride=size)
    blocks = image[: rows * size, : cols * size].reshape(rows, size, cols, size)
    return blocks.max(axis=(1, 3))


def conv_parameters(in_channels: int, out_channels: int, kernel: int) -> int:
    """Return the weights and biases of a ``kernel`` x ``kernel`` convolution layer.

    Each of the ``out_channels`` filters has ``kernel * kernel * in_channels``
    weights and one bias, whatever the size of the image.

    Examples
    --------
    >>> conv_parameters(1, 32, 3)
    320
    """
    in_channels = check_int("in_channels", in_channels, minimum=1)
    out_channels = check_int("out_channels", out_channels, minimum=1)
    kernel = check_int("kernel", kernel, minimum=1)
    return (kernel * kernel * in_channels + 1) * out_channels


def dense_parameters(n_inputs: int, n_outputs: int) -> int:
    """Return the weights and biases of a dense (fully connected) layer.

    Examples
    --------
    >>> dense_parameters(784, 10)
    7850
    """
    n_inputs = check_int("n_inputs", n_inputs, minimum=1)
    n_outputs = check_int("n_outputs", n_outputs, minimum=1)
    return (n_inputs + 1) * n_outputs
