"""The classic small CNN, twice: in Keras and in PyTorch, layer for layer the same.

Three convolutions (32, 64 and 64 filters of 3x3) with 2x2 max-pooling after
the first two, then a dense layer of 64 units and one output per class: the
network of the classic Keras and TensorFlow tutorials, here for 28x28 greyscale
images. :func:`feature_maps` returns what each convolution of the PyTorch
version makes of one image. :func:`classic_cnn_recipe` trains the Keras version
with the tutorials' own recipe (Adam, batches of 32, 10 epochs) on all training
silhouettes, once, and keeps it in the book's model cache with its training time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from dlguide._checks import check_int, check_positive, describe

__all__ = [
    "CONV_LAYERS",
    "classic_cnn_recipe",
    "feature_maps",
    "keras_classic_cnn",
    "torch_classic_cnn",
]

#: The names of the convolution layers of :func:`torch_classic_cnn`, in order.
CONV_LAYERS = ("conv1", "conv2", "conv3")


def _check_input(input_shape: Any) -> tuple[int, int, int]:
    if (
        not isinstance(input_shape, tuple)
        or len(input_shape) != 3
        or not all(isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in input_shape)
    ):
        raise TypeError(
            f"input_shape must be a tuple of three positive ints (height, width, channels), "
            f"got {describe(input_shape)}"
        )
    if min(input_shape[:2]) < 18:
        raise ValueError(f"images must be at least 18x18 pixels, got input_shape {input_shape}")
    return input_shape


def keras_classic_cnn(
    n_classes: int = 10,
    input_shape: tuple[int, int, int] = (28, 28, 1),
    *,
    augmentation: Any = None,
    learning_rate: Any = 1e-3,
) -> Any:
    """Return the classic Keras CNN, compiled with Adam and sparse categorical cross-entropy.

    Keras expects images as ``(n, height, width, channels)`` and labels as class ids.
    ``augmentation``, a Keras layer (e.g. from
    :func:`dlguide.architectures.augmentation.augmentation_layers`), is put in front of the first
    convolution; it changes images only while the model trains. ``learning_rate`` is Adam's:
    a positive number (Keras's default, 0.001, unless given) or a
    ``keras.optimizers.schedules.LearningRateSchedule``, which sets it anew at every step.

    Examples
    --------
    >>> model = keras_classic_cnn()
    >>> model.output_shape
    (None, 10)
    >>> [layer.name for layer in model.layers][:3]
    ['conv1', 'pool1', 'conv2']
    """
    import keras
    from keras import layers

    n_classes = check_int("n_classes", n_classes, minimum=2)
    input_shape = _check_input(input_shape)
    if augmentation is not None and not isinstance(augmentation, keras.layers.Layer):
        raise TypeError(f"augmentation must be a Keras layer, got {describe(augmentation)}")
    if not isinstance(learning_rate, keras.optimizers.schedules.LearningRateSchedule):
        if isinstance(learning_rate, (bool, str)) or not isinstance(learning_rate, (int, float)):
            raise TypeError(
                "learning_rate must be a positive number or a Keras LearningRateSchedule, "
                f"got {describe(learning_rate)}"
            )
        learning_rate = check_positive("learning_rate", learning_rate)
    model = keras.Sequential(
        [
            keras.Input(shape=input_shape),
            *([augmentation] if augmentation is not None else []),
            layers.Conv2D(32, (3, 3), activation="relu", name="conv1"),
            layers.MaxPooling2D((2, 2), name="pool1"),
            layers.Conv2D(64, (3, 3), activation="relu", name="conv2"),
            layers.MaxPooling2D((2, 2), name="pool2"),
            layers.Conv2D(64, (3, 3), activation="relu", name="conv3"),
            layers.Flatten(name="flatten"),
            layers.Dense(64, activation="relu", name="dense"),
            layers.Dense(n_classes, activation="softmax", name="output"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def classic_cnn_recipe(seed: int | None = None, *, epochs: int = 10, batch_size: int = 32) -> Path:
    """Return the folder of the Keras CNN trained with the tutorials' recipe, training it once.

    The recipe: :func:`keras_classic_cnn` as it is (Adam at its default learning rate),
    ``epochs`` passes over all 8,000 training silhouettes of
    :func:`dlguide.data.load_animal_shapes` in shuffled batches of ``batch_size``. The
    folder, kept in the book's model cache (:mod:`dlguide.book.modelcache`), holds the
    trained model (``model.keras``) and ``training.json``: the seconds that ``fit`` took
    when the model was trained, the test accuracy, and the settings.

    Examples
    --------
    >>> import json
    >>> folder = classic_cnn_recipe(epochs=1, batch_size=500)
    >>> sorted(json.loads((folder / "training.json").read_text()))
    ['batch_size', 'epochs', 'seconds', 'seed', 'test_accuracy']
    """
    import hashlib
    import json
    import time

    from dlguide.book.modelcache import cached_folder
    from dlguide.book.seeding import resolve_seed
    from dlguide.data import load_animal_shapes

    seed = resolve_seed(seed)
    epochs = check_int("epochs", epochs, minimum=1)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    import keras

    train, test = load_animal_shapes("train"), load_animal_shapes("test")
    digest = hashlib.sha256()
    for array in (train.images, train.labels, test.images, test.labels):
        digest.update(np.ascontiguousarray(array).tobytes())
    spec = {"data": digest.hexdigest(), "epochs": epochs, "batch_size": batch_size,
            "seed": seed, "keras": keras.__version__, "version": 1}  # fmt: skip

    def build(folder: Path) -> None:
        keras.utils.set_random_seed(seed)
        model = keras_classic_cnn(len(train.class_names))
        x_train = train.images[..., None] / np.float32(255)
        start = time.perf_counter()
        model.fit(x_train, train.labels, epochs=epochs, batch_size=batch_size, verbose=0)
        seconds = time.perf_counter() - start
        x_test = test.images[..., None] / np.float32(255)
        accuracy = float(model.evaluate(x_test, test.labels, verbose=0)[1])
        model.save(folder / "model.keras")
        log = {"seconds": seconds, "test_accuracy": accuracy, "epochs": epochs,
               "batch_size": batch_size, "seed": seed}  # fmt: skip
        (folder / "training.json").write_text(json.dumps(log))

    # This module builds and trains the model; an edit to it retrains.
    return cached_folder("classic-cnn-recipe", spec, build, code=("dlguide.architectures.cnn",))


def torch_classic_cnn(n_classes: int = 10, image_size: int = 28) -> Any:
    """Return the same CNN in PyTorch; it outputs logits (the loss applies the softmax).

    PyTorch expects images as ``(n, channels, height, width)``.

    Examples
    --------
    >>> import torch
    >>> model = torch_classic_cnn()
    >>> model(torch.zeros(2, 1, 28, 28)).shape
    torch.Size([2, 10])
    """
    from collections import OrderedDict

    from torch import nn

    n_classes = check_int("n_classes", n_classes, minimum=2)
    image_size = check_int("image_size", image_size, minimum=18)
    side = ((image_size - 2) // 2 - 2) // 2 - 2  # two valid 3x3 convs and pools, then one more
    return nn.Sequential(
        OrderedDict(
            conv1=nn.Conv2d(1, 32, 3),
            relu1=nn.ReLU(),
            pool1=nn.MaxPool2d(2),
            conv2=nn.Conv2d(32, 64, 3),
            relu2=nn.ReLU(),
            pool2=nn.MaxPool2d(2),
            conv3=nn.Conv2d(64, 64, 3),
            relu3=nn.ReLU(),
            flatten=nn.Flatten(),
            dense=nn.Linear(64 * side * side, 64),
            relu4=nn.ReLU(),
            output=nn.Linear(64, n_classes),
        )
    )


def feature_maps(model: Any, image: Any) -> dict[str, np.ndarray]:
    """Return the activation maps (after the ReLU) of each convolution for one image.

    Parameters
    ----------
    model
        A network from :func:`torch_classic_cnn`.
    image
        A float tensor of shape ``(1, height, width)`` or ``(1, 1, height, width)``.

    Returns
    -------
    dict
        ``{"conv1": array (32, h1, w1), "conv2": ..., "conv3": ...}``.

    Examples
    --------
    >>> import torch
    >>> maps = feature_maps(torch_classic_cnn(), torch.zeros(1, 28, 28))
    >>> {name: m.shape for name, m in maps.items()}
    {'conv1': (32, 26, 26), 'conv2': (64, 11, 11), 'conv3': (64, 3, 3)}
    """
    import torch

    if not isinstance(model, torch.nn.Sequential) or not all(
        hasattr(model, name) for name in CONV_LAYERS
    ):
        raise TypeError(f"model must be a network from torch_classic_cnn(), got {describe(model)}")
    if not isinstance(image, torch.Tensor) or not image.is_floating_point():
        raise TypeError(f"image must be a float torch.Tensor, got {describe(image)}")
    if image.ndim == 3:
        image = image.unsqueeze(0)
    if image.ndim != 4 or image.shape[:2] != (1, 1):
        raise ValueError(
            f"image must have shape (1, h, w) or (1, 1, h, w), got {tuple(image.shape)}"
        )
    if not bool(torch.isfinite(image).all()):
        raise ValueError("image contains NaN or infinite values")
    maps = {}
    was_training = model.training
    model.eval()
    with torch.no_grad():
        h = image
        for name, layer in model.named_children():
            h = layer(h)
            if name.startswith("relu") and f"conv{name[4:]}" in CONV_LAYERS:
                maps[f"conv{name[4:]}"] = h[0].numpy().copy()
            if len(maps) == len(CONV_LAYERS):
                break
    model.train(was_training)
    return maps
