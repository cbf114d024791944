"""Data augmentation with Keras preprocessing layers, and the confusion matrix of a classifier.

Augmentation layers sit at the front of a Keras model and change every training
image a little, at random, each time it is seen (a flip, a small rotation), so
the network cannot memorise exact pixels. They are active only while the model
trains: at prediction time they pass images through unchanged.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dlguide._checks import check_array, check_real, check_str, describe
from dlguide.book.seeding import resolve_seed

__all__ = ["AUGMENTATIONS", "augmentation_layers", "confusion_pairs", "random_transpose_layer"]

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
