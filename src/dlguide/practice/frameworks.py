"""One small model, three frameworks: plain PyTorch, Keras 3 and PyTorch Lightning.

Each ``train_*`` function builds the same network (the flattened image, one hidden
layer of :data:`HIDDEN` ReLU units, one output per class: :func:`dlguide.models.mlp`
in PyTorch and Lightning, the same layers spelt out in Keras), trains it with Adam and
cross-entropy for the same number of epochs and batch size, and returns a
:class:`FrameworkRun` with the test accuracy and the wall-clock training time.
The functions are short on purpose: the book shows their source side by side, so
that the reader can see what each framework writes for them and what it asks of them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from dlguide._checks import (
    check_array,
    check_class_ids,
    check_int,
    check_positive,
    check_same_length,
)

__all__ = ["HIDDEN", "FrameworkRun", "train_keras", "train_lightning", "train_torch"]

#: Hidden units of the shared model.
HIDDEN = 128


@dataclass(frozen=True)
class FrameworkRun:
    """The outcome of training the shared model with one framework."""

    framework: str
    test_accuracy: float
    seconds: float


def _check_data(
    x: np.ndarray, y: np.ndarray, x_test: np.ndarray, y_test: np.ndarray, epochs: int, lr: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
    """Validate the common arguments; return float32 inputs, int64 labels and the class count."""
    arrays = {}
    for name, value in (("x", x), ("x_test", x_test)):
        arrays[name] = check_array(name, value, ndim=2).astype(np.float32)
    labels = {}
    for name, value in (("y", y), ("y_test", y_test)):
        labels[name] = check_class_ids(name, value)
    check_same_length(x=arrays["x"], y=labels["y"])
    check_same_length(x_test=arrays["x_test"], y_test=labels["y_test"])
    if arrays["x"].shape[1] != arrays["x_test"].shape[1]:
        raise ValueError(
            f"x and x_test must have the same number of features, got {arrays['x'].shape[1]} "
            f"and {arrays['x_test'].shape[1]}"
        )
    check_int("epochs", epochs, minimum=1)
    check_positive("lr", lr)
    n_classes = int(max(labels["y"].max(), labels["y_test"].max())) + 1
    return arrays["x"], labels["y"], arrays["x_test"], labels["y_test"], n_classes


def train_torch(
    x: np.ndarray,
    y: np.ndarray,
    x_test: np.ndarray,
    y_test: np.ndarray,
    *,
    epochs: int = 5,
    batch_size: int = 64,
    lr: float = 1e-3,
) -> FrameworkRun:
    """Train the shared model in plain PyTorch: you write the loop.

    Parameters
    ----------
    x, y
        Training inputs ``(n, features)`` and integer labels ``(n,)``.
    x_test, y_test
        Held-out inputs and labels, scored after training.
    epochs, batch_size, lr
        Passes over the data, examples per step, Adam's learning rate.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(200, 4)); y = (x[:, 0] > 0).astype(int)
    >>> run = train_torch(x, y, x, y, epochs=10)
    >>> run.framework, run.test_accuracy > 0.9
    ('PyTorch', True)
    """
    x, y, x_test, y_test, n_classes = _check_data(x, y, x_test, y_test, epochs, lr)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    import torch
    from torch import nn

    from dlguide.models import mlp

    start = time.perf_counter()
    model = mlp([x.shape[1], HIDDEN, n_classes])  # Linear, ReLU, Linear
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    inputs, targets = torch.from_numpy(x), torch.from_numpy(y)
    for _ in range(epochs):
        order = torch.randperm(len(targets))
        for i in range(0, len(order), batch_size):
            batch = order[i : i + batch_size]
            loss = nn.functional.cross_entropy(model(inputs[batch]), targets[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    seconds = time.perf_counter() - start
    with torch.no_grad():
        predicted = model(torch.from_numpy(x_test)).argmax(dim=1).numpy()
    return FrameworkRun("PyTorch", float(np.mean(predicted == y_test)), seconds)


def train_keras(
    x: np.ndarray,
    y: np.ndarray,
    x_test: np.ndarray,
    y_test: np.ndarray,
    *,
    epochs: int = 5,
    batch_size: int = 64,
    lr: float = 1e-3,
) -> FrameworkRun:
    """Train the shared model with Keras 3: ``compile`` and ``fit`` run the loop for you.

    Keras runs on whichever backend ``KERAS_BACKEND`` names (the book uses ``torch``;
    ``jax`` and ``tensorflow`` take the same code). Parameters as in :func:`train_torch`.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(200, 4)); y = (x[:, 0] > 0).astype(int)
    >>> run = train_keras(x, y, x, y, epochs=10)
    >>> run.framework, run.test_accuracy > 0.9
    ('Keras', True)
    """
    x, y, x_test, y_test, n_classes = _check_data(x, y, x_test, y_test, epochs, lr)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    import keras

    start = time.perf_counter()
    model = keras.Sequential(
        [
            keras.Input(shape=(x.shape[1],)),
            keras.layers.Dense(HIDDEN, activation="relu"),
            keras.layers.Dense(n_classes),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=lr),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    model.fit(x, y, epochs=epochs, batch_size=batch_size, shuffle=True, verbose=0)
    seconds = time.perf_counter() - start
    _, accuracy = model.evaluate(x_test, y_test, batch_size=1024, verbose=0)
    return FrameworkRun("Keras", float(accuracy), seconds)


def train_lightning(
    x: np.ndarray,
    y: np.ndarray,
    x_test: np.ndarray,
    y_test: np.ndarray,
    *,
    epochs: int = 5,
    batch_size: int = 64,
    lr: float = 1e-3,
) -> FrameworkRun:
    """Train the shared model with PyTorch Lightning: you write the step, it runs the loop.

    The progress bar, model summary, logger and checkpoints are switched off, so that
    the book's build stays quiet. Parameters as in :func:`train_torch`.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(200, 4)); y = (x[:, 0] > 0).astype(int)
    >>> run = train_lightning(x, y, x, y, epochs=10)
    >>> run.framework, run.test_accuracy > 0.9
    ('Lightning', True)
    """
    x, y, x_test, y_test, n_classes = _check_data(x, y, x_test, y_test, epochs, lr)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    import lightning as L
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset

    from dlguide._lightning import quiet_lightning
    from dlguide.models import mlp

    class Classifier(L.LightningModule):
        def __init__(self) -> None:
            super().__init__()
            self.net = mlp([x.shape[1], HIDDEN, n_classes])  # a torch.nn.Sequential

        def training_step(self, batch: Any, batch_idx: int) -> Any:
            inputs, targets = batch
            return nn.functional.cross_entropy(self.net(inputs), targets)

        def configure_optimizers(self) -> Any:
            return torch.optim.Adam(self.parameters(), lr=lr)

    start = time.perf_counter()
    data = TensorDataset(torch.from_numpy(x), torch.from_numpy(y))
    loader = DataLoader(data, batch_size=batch_size, shuffle=True)
    model = Classifier()
    with quiet_lightning():
        trainer = L.Trainer(
            max_epochs=epochs,
            accelerator="cpu",
            devices=1,
            logger=False,
            enable_checkpointing=False,
            enable_progress_bar=False,
            enable_model_summary=False,
        )
        trainer.fit(model, loader)
    seconds = time.perf_counter() - start
    model.eval()
    with torch.no_grad():
        predicted = model.net(torch.from_numpy(x_test)).argmax(dim=1).numpy()
    return FrameworkRun("Lightning", float(np.mean(predicted == y_test)), seconds)
