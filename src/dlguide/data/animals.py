"""The animal silhouettes: 10,000 28x28 images of ten animals.

The images ship as gzipped pickles inside the PyPI package ``animal-shape-mnist``
(MIT licence). That package imports TensorFlow when imported, so its files are
read by path, checked against a SHA-256, and unpickled with an unpickler that
accepts nothing but NumPy arrays.
"""

from __future__ import annotations

import gzip
import io
import pickle
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from dlguide._checks import check_real, check_str
from dlguide.data._package_files import DataError, package_file

__all__ = ["ANIMAL_CLASSES", "ImageData", "load_animal_shapes"]

#: Class names, in the order of the label ids 0-9.
ANIMAL_CLASSES = (
    "bear", "bird", "cat", "cow", "dog", "elephant", "giraffe", "horse", "sheep", "zebra",
)  # fmt: skip

_PIP = "animal-shape-mnist==0.39"
_FILES = {
    "images": (
        "data/Animal Shape/animal_data_version_3.gz",
        "68a30346781a0984f839463a4615d2decb899d1ce65091bb92586311754a34ce",
    ),
    "labels": (
        "data/Animal Shape/animal_label_version_3.gz",
        "dec8dba7c469830989fbab46825021a08a38470753a512f27ada847eced97b57",
    ),
}
# What a pickled NumPy array needs, and nothing else.
_ALLOWED = {
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "_reconstruct"),
    ("numpy", "ndarray"),
    ("numpy", "dtype"),
}


class _ArrayUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> type:
        if (module, name) not in _ALLOWED:
            raise DataError(f"refusing to unpickle {module}.{name}: only NumPy arrays are allowed")
        if module == "numpy.core.multiarray":  # the old name, pickled by NumPy 1
            module = "numpy._core.multiarray"
        return super().find_class(module, name)


def _read_array(kind: str) -> np.ndarray:
    relative, digest = _FILES[kind]
    path = package_file("animal_shape_mnist", relative, digest, pip_name=_PIP)
    with gzip.open(path, "rb") as fh:
        array = _ArrayUnpickler(io.BytesIO(fh.read())).load()
    if not isinstance(array, np.ndarray):
        raise DataError(f"{path} did not hold a NumPy array")
    return array


@dataclass(frozen=True)
class ImageData:
    """Images with integer labels and the names of the classes.

    Attributes
    ----------
    images
        ``uint8`` array of shape ``(n, 28, 28)``; 0 is background, 255 the animal.
    labels
        ``int64`` array of shape ``(n,)`` with values in ``range(len(class_names))``.
    class_names
        The name of each label id.
    """

    images: np.ndarray
    labels: np.ndarray
    class_names: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.labels)


@lru_cache(maxsize=1)
def _all_animals() -> tuple[np.ndarray, np.ndarray]:
    images = _read_array("images")
    labels = _read_array("labels").astype(np.int64)
    if images.shape != (10_000, 28, 28) or labels.shape != (10_000,):
        raise DataError(f"unexpected shapes {images.shape} and {labels.shape}")
    images.setflags(write=False)
    labels.setflags(write=False)
    return images, labels


def load_animal_shapes(split: str = "train", *, test_fraction: float = 0.2) -> ImageData:
    """Load the animal silhouettes: ten animals, 1,000 images each, 28x28 pixels.

    The split into training and test images is stratified and fixed (it does not
    depend on any global seed), so every chapter sees the same test images.

    Parameters
    ----------
    split
        ``"train"``, ``"test"`` or ``"all"``.
    test_fraction
        The share of each class held out for ``"test"``, strictly between 0 and 1.

    Returns
    -------
    ImageData
        Read-only arrays; copy them before changing them.

    Raises
    ------
    DataError
        If ``animal-shape-mnist`` is not installed, or its files are not the expected ones.

    Examples
    --------
    >>> train = load_animal_shapes("train")
    >>> train.images.shape, train.images.dtype
    ((8000, 28, 28), dtype('uint8'))
    >>> train.class_names[train.labels[0]] in ANIMAL_CLASSES
    True
    """
    check_str("split", split, choices=("train", "test", "all"))
    fraction = check_real("test_fraction", test_fraction)
    if not 0.0 < fraction < 1.0:
        raise ValueError(f"test_fraction must be strictly between 0 and 1, got {fraction}")
    images, labels = _all_animals()
    if split == "all":
        return ImageData(images, labels, ANIMAL_CLASSES)
    rng = np.random.default_rng(20_240_601)
    test_index = []
    for label in range(len(ANIMAL_CLASSES)):
        members = np.flatnonzero(labels == label)
        n_test = round(len(members) * fraction)
        if not 0 < n_test < len(members):
            side = "test" if n_test == 0 else "training"
            raise ValueError(
                f"test_fraction {fraction} leaves no {side} images of class "
                f"{ANIMAL_CLASSES[label]!r}"
            )
        test_index.append(rng.permutation(members)[:n_test])
    in_test = np.zeros(len(labels), dtype=bool)
    in_test[np.concatenate(test_index)] = True
    chosen = in_test if split == "test" else ~in_test
    images, labels = images[chosen], labels[chosen]  # indexing copies: lock the copies too
    images.setflags(write=False)
    labels.setflags(write=False)
    return ImageData(images, labels, ANIMAL_CLASSES)
