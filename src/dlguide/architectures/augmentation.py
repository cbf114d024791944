"""Data augmentation (Keras preprocessing layers, and the same in PyTorch), and confusion pairs.

Augmentation layers sit at the front of a Keras model and change every training
image a little, at random, each time it is seen (a flip, a small rotation), so
the network cannot memorise exact pixels. They are active only while the model
trains: at prediction time they pass images through unchanged.

The same three changes for PyTorch training loops: :func:`rotate_images`,
:func:`augment_images` and :func:`augmenter` (random flips, rotations and
transposes of a batch of image tensors, for the ``augment`` hook of
:func:`~dlguide.training.fit_tracked`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from dlguide._checks import check_array, check_bool, check_real, check_str, describe
from dlguide.book.seeding import resolve_seed

__all__ = [
    "AUGMENTATIONS",
    "augment_images",
    "augmentation_layers",
    "augmenter",
    "confusion_pairs",
    "random_transpose_layer",
    "rotate_images",
]

#: The augmentations :func:`augmentation_layers` knows.
AUGMENTATIONS = ("flip", "rotate", "transpose")


def random_transpose_layer(seed: int | None = None) -> Any:
    """Return a Keras layer that transposes (swaps rows and columns of) half the images at random.

    Keras has no built-in transpose augmentation, so this is a small custom layer;
    like the built-in ones it does nothing outside training.

    Examples
    --------
    >>> layer = random_transpose_layer()
    >>> x = np.arange(8.0).reshape(2, 2, 2, 1)
    >>> bool(np.all(layer(x, training=False).numpy() == x))
    True
    """
    seed = resolve_seed(seed)
    import keras

    class RandomTranspose(keras.layers.Layer):
        def __init__(self, seed: int | None = None, **kwargs: Any) -> None:
            seed = resolve_seed(seed)
            super().__init__(**kwargs)
            self.seed_generator = keras.random.SeedGenerator(seed)

        def call(self, images: Any, training: bool = True) -> Any:
            if not training:
                return images
            flip = keras.random.uniform((keras.ops.shape(images)[0], 1, 1, 1),
                                        seed=self.seed_generator) < 0.5  # fmt: skip
            return keras.ops.where(flip, keras.ops.transpose(images, (0, 2, 1, 3)), images)

    return RandomTranspose(seed, name="random_transpose")


def augmentation_layers(kinds: tuple[str, ...] = ("flip", "rotate"), *, rotation: float = 0.05,
                        seed: int | None = None) -> Any:  # fmt: skip
    """Return a Keras ``Sequential`` of random augmentations, to put in front of a model.

    Parameters
    ----------
    kinds
        Any of :data:`AUGMENTATIONS`: ``"flip"`` mirrors left-right, ``"rotate"``
        turns by up to ``rotation`` of a full turn either way, ``"transpose"``
        swaps rows and columns.
    rotation
        The largest rotation, as a fraction of a full turn (0.05 is 18 degrees).
    seed
        Seed of the layers' random draws.
        None (the default): the chapter's seed (:func:`~dlguide.book.seeding.chapter_seed`).

    Examples
    --------
    >>> augment = augmentation_layers(("flip", "rotate"))
    >>> [layer.name for layer in augment.layers]
    ['random_flip', 'random_rotation']
    >>> augment(np.zeros((3, 28, 28, 1)), training=True).shape
    torch.Size([3, 28, 28, 1])
    """
    seed = resolve_seed(seed)
    import keras
    from keras import layers

    if isinstance(kinds, str) or not isinstance(kinds, tuple) or not kinds:
        raise TypeError(f"kinds must be a non-empty tuple of names, got {kinds!r}")
    for i, kind in enumerate(kinds):
        check_str(f"kinds[{i}]", kind, choices=AUGMENTATIONS)
    rotation = check_real("rotation", rotation)
    if not 0 < rotation <= 0.5:
        raise ValueError(f"rotation must be in (0, 0.5] of a turn, got {rotation}")
    make = {
        "flip": lambda: layers.RandomFlip("horizontal", seed=seed, name="random_flip"),
        "rotate": lambda: layers.RandomRotation(rotation, fill_mode="constant", seed=seed,
                                                name="random_rotation"),
        "transpose": lambda: random_transpose_layer(seed),
    }  # fmt: skip
    return keras.Sequential([make[kind]() for kind in kinds], name="augmentation")


def confusion_pairs(
    matrix: np.ndarray, class_names: tuple[str, ...] | list[str], top: int = 5
) -> list[tuple[str, str, int]]:
    """Return the ``top`` most frequent mistakes in a confusion matrix, as (true, predicted, count).

    Rows of ``matrix`` are true classes and columns predicted ones, as
    :func:`sklearn.metrics.confusion_matrix` returns it.

    Examples
    --------
    >>> m = np.array([[5, 2, 0], [0, 6, 1], [3, 0, 4]])
    >>> confusion_pairs(m, ["a", "b", "c"], top=2)
    [('c', 'a', 3), ('a', 'b', 2)]
    """
    m = check_array("matrix", matrix, ndim=2, kind="integer")
    if isinstance(class_names, str) or not isinstance(class_names, (list, tuple)):
        raise TypeError(f"class_names must be a list of names, got {describe(class_names)}")
    if not class_names:
        raise ValueError("class_names must name at least one class, got an empty list")
    for i, name in enumerate(class_names):
        check_str(f"class_names[{i}]", name)
    if m.shape[0] != m.shape[1] or m.shape[0] != len(class_names):
        raise ValueError(
            f"matrix must be square with one row per class ({len(class_names)}), "
            f"got shape {m.shape}"
        )
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        raise ValueError(f"top must be a positive integer, got {top!r}")
    off = m.copy()
    np.fill_diagonal(off, 0)
    order = np.argsort(-off, axis=None, kind="stable")[:top]
    pairs = [(class_names[i], class_names[j], int(off[i, j]))
             for i, j in zip(*np.unravel_index(order, m.shape))]  # fmt: skip
    return [p for p in pairs if p[2] > 0]


def _check_batch(batch: Any) -> Any:
    import torch

    if not isinstance(batch, torch.Tensor) or not batch.is_floating_point():
        raise TypeError(f"batch must be a float torch.Tensor, got {describe(batch)}")
    if batch.ndim != 4 or len(batch) == 0:
        raise ValueError(
            f"batch must have shape (n, channels, height, width) with n >= 1, "
            f"got shape {tuple(batch.shape)}"
        )
    if not torch.isfinite(batch).all():
        raise ValueError("batch contains NaN or infinite values")
    return batch


def rotate_images(batch: Any, degrees: Any) -> Any:
    """Rotate each image of ``batch`` about its centre by its own angle in ``degrees``.

    Positive angles turn the image anticlockwise as displayed (row 0 at the top).
    Pixels are resampled bilinearly; corners that come from outside the image
    are filled with 0 (background).

    Parameters
    ----------
    batch
        A float tensor of shape ``(n, channels, height, width)``.
    degrees
        ``n`` angles, a 1-D tensor or NumPy array.

    Examples
    --------
    >>> import torch
    >>> image = torch.arange(9.0).reshape(1, 1, 3, 3)
    >>> rotate_images(image, torch.tensor([90.0]))[0, 0].round()
    tensor([[2., 5., 8.],
            [1., 4., 7.],
            [0., 3., 6.]])
    """
    import torch
    import torch.nn.functional as F

    batch = _check_batch(batch)
    if isinstance(degrees, np.ndarray):
        degrees = torch.from_numpy(check_array("degrees", degrees, ndim=1).astype(np.float64))
    if not isinstance(degrees, torch.Tensor) or degrees.ndim != 1:
        raise TypeError(f"degrees must be a 1-D tensor or NumPy array, got {describe(degrees)}")
    if len(degrees) != len(batch):
        raise ValueError(f"degrees has {len(degrees)} angles but batch has {len(batch)} images")
    if not torch.isfinite(degrees).all():
        raise ValueError("degrees contains NaN or infinite values")
    theta = degrees.to(batch.dtype) * (math.pi / 180.0)
    cos, sin, zero = torch.cos(theta), torch.sin(theta), torch.zeros_like(theta)
    # affine_grid maps each output pixel to the input position it samples from, so an
    # anticlockwise turn of the picture samples along the clockwise-rotated grid (y points down).
    matrix = torch.stack(
        [torch.stack([cos, -sin, zero], dim=1), torch.stack([sin, cos, zero], dim=1)], dim=1
    )
    grid = F.affine_grid(matrix, list(batch.shape), align_corners=False)
    return F.grid_sample(batch, grid, mode="bilinear", padding_mode="zeros", align_corners=False)


def augment_images(
    batch: Any,
    generator: Any,
    *,
    flip: bool = True,
    degrees: float = 0.0,
    transpose: bool = False,
) -> Any:
    """Return a randomly changed copy of an image batch: flips, rotations, transposes.

    Each image is changed independently: mirrored left-right with probability
    1/2 (``flip``), rotated by an angle drawn uniformly from
    ``[-degrees, degrees]``, and transposed (rows and columns swapped, a mirror
    about the diagonal) with probability 1/2 (``transpose``).

    Parameters
    ----------
    batch
        A float tensor ``(n, channels, height, width)``; square images for ``transpose``.
    generator
        A ``torch.Generator``: the same generator state gives the same changes.
    flip, degrees, transpose
        Which changes to make.

    Examples
    --------
    >>> import torch
    >>> batch = torch.rand(4, 1, 5, 5)
    >>> out = augment_images(batch, torch.Generator().manual_seed(0), degrees=10.0)
    >>> out.shape, bool(torch.equal(out, batch))
    (torch.Size([4, 1, 5, 5]), False)
    >>> same = augment_images(batch, torch.Generator().manual_seed(0), flip=False)
    >>> bool(torch.equal(same, batch))
    True
    """
    import torch

    batch = _check_batch(batch)
    if not isinstance(generator, torch.Generator):
        raise TypeError(f"generator must be a torch.Generator, got {describe(generator)}")
    flip = check_bool("flip", flip)
    transpose = check_bool("transpose", transpose)
    degrees = check_real("degrees", degrees)
    if not 0.0 <= degrees <= 180.0:
        raise ValueError(f"degrees must be between 0 and 180, got {degrees}")
    if transpose and batch.shape[-1] != batch.shape[-2]:
        raise ValueError(f"transpose needs square images, got shape {tuple(batch.shape)}")
    out = batch.clone()
    n = len(out)
    if flip:
        mirrored = torch.rand(n, generator=generator) < 0.5
        out[mirrored] = out[mirrored].flip(-1)
    if degrees > 0:
        angles = (torch.rand(n, generator=generator, dtype=torch.float64) * 2 - 1) * degrees
        out = rotate_images(out, angles)
    if transpose:
        swapped = torch.rand(n, generator=generator) < 0.5
        out[swapped] = out[swapped].transpose(-1, -2)
    return out


def augmenter(
    *, flip: bool = True, degrees: float = 0.0, transpose: bool = False
) -> Callable[[Any, Any], Any]:
    """Return ``augment(batch, generator)`` for :func:`dlguide.training.fit_tracked`.

    The settings are checked once, here; see :func:`augment_images` for their meaning.

    Examples
    --------
    >>> import torch
    >>> augment = augmenter(flip=True, degrees=15.0)
    >>> augment(torch.rand(2, 1, 8, 8), torch.Generator()).shape
    torch.Size([2, 1, 8, 8])
    """
    flip = check_bool("flip", flip)
    transpose = check_bool("transpose", transpose)
    degrees = check_real("degrees", degrees)
    if not 0.0 <= degrees <= 180.0:
        raise ValueError(f"degrees must be between 0 and 180, got {degrees}")

    def augment(batch: Any, generator: Any) -> Any:
        return augment_images(batch, generator, flip=flip, degrees=degrees, transpose=transpose)

    return augment
