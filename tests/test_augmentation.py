"""Tests of dlguide.architectures.augmentation: Keras augmentation layers and confusion pairs."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import confusion_matrix

from dlguide.architectures.augmentation import (
    augmentation_layers,
    confusion_pairs,
    random_transpose_layer,
)

pytestmark = pytest.mark.filterwarnings(
    "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning"
)


def _numpy(x):
    import keras

    return keras.ops.convert_to_numpy(x)


def test_layers_change_images_only_in_training():
    images = np.random.default_rng(0).random((16, 28, 28, 1)).astype("float32")
    augment = augmentation_layers(("flip", "rotate", "transpose"))
    assert [layer.name for layer in augment.layers] == [
        "random_flip", "random_rotation", "random_transpose",
    ]  # fmt: skip
    np.testing.assert_array_equal(_numpy(augment(images, training=False)), images)
    assert not np.allclose(_numpy(augment(images, training=True)), images)


def test_flip_only_mirrors():
    images = np.random.default_rng(1).random((32, 5, 5, 1)).astype("float32")
    out = _numpy(augmentation_layers(("flip",))(images, training=True))
    for before, after in zip(images, out):
        assert np.array_equal(after, before) or np.array_equal(after, before[:, ::-1])
    assert any(not np.array_equal(a, b) for a, b in zip(out, images))


def test_transpose_swaps_rows_and_columns_for_some_images():
    images = np.random.default_rng(2).random((64, 4, 4, 1)).astype("float32")
    out = _numpy(random_transpose_layer(seed=5)(images, training=True))
    transposed = [np.array_equal(a, b.transpose(1, 0, 2)) for a, b in zip(out, images)]
    unchanged = [np.array_equal(a, b) for a, b in zip(out, images)]
    assert all(t or u for t, u in zip(transposed, unchanged))
    assert 10 < sum(transposed) < 54  # about half


def test_confusion_pairs_against_sklearn():
    rng = np.random.default_rng(3)
    true = rng.integers(0, 4, 200)
    predicted = np.where(rng.random(200) < 0.7, true, rng.integers(0, 4, 200))
    matrix = confusion_matrix(true, predicted)
    pairs = confusion_pairs(matrix, ["a", "b", "c", "d"], top=3)
    off = [(int(matrix[i, j]), i, j) for i in range(4) for j in range(4) if i != j]
    assert [p[2] for p in pairs] == sorted((c for c, _, _ in off), reverse=True)[:3]
    names = "abcd"
    for true_name, guess, count in pairs:
        assert matrix[names.index(true_name), names.index(guess)] == count


def test_confusion_pairs_skips_empty_cells():
    assert confusion_pairs(np.eye(3, dtype=int), ["a", "b", "c"]) == []


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: augmentation_layers(("zoom",)), ValueError, r"kinds\[0\] must be one of"),
        (lambda: augmentation_layers("flip"), TypeError, "kinds must be a non-empty tuple"),
        (lambda: augmentation_layers(()), TypeError, "kinds must be a non-empty tuple"),
        (lambda: augmentation_layers(rotation=0.0), ValueError, "rotation must be in"),
        (lambda: confusion_pairs(np.ones((2, 3), dtype=int), ["a", "b"]), ValueError, "square"),
        (lambda: confusion_pairs(np.ones((2, 2)), ["a", "b"]), TypeError, "integer dtype"),
        (lambda: confusion_pairs(np.ones((2, 2), dtype=int), ["a", "b"], top=0), ValueError,
         "top must be"),
    ],
)  # fmt: skip
def test_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()
