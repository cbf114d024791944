"""A plain PyTorch training loop for classifiers, short enough to read in one go.

Later chapters take this loop apart (losses, gradient descent, optimizers); the
first chapters only need it to work, so it lives here and the chapters call it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dlguide._checks import (
    check_array,
    check_class_ids,
    check_int,
    check_positive,
    check_same_length,
    check_tensor,
    describe,
    model_outputs,
)

__all__ = ["History", "fit_classifier", "images_to_tensor", "predict_proba"]


@dataclass
class History:
    """What happened during training, one entry per epoch."""

    train_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)
    seconds: float = 0.0


def images_to_tensor(images: np.ndarray) -> Any:
    """Turn ``uint8`` images ``(n, h, w)`` into a float tensor ``(n, 1, h, w)`` scaled to [0, 1].

    Examples
    --------
    >>> images_to_tensor(np.full((2, 4, 4), 255, dtype=np.uint8)).shape
    torch.Size([2, 1, 4, 4])
    """
    import torch

    stack = check_array("images", images, ndim=3)
    if stack.dtype != np.uint8:
        raise TypeError(f"images must have dtype uint8 (0-255 pixels), got {stack.dtype}")
    return torch.from_numpy(stack.astype(np.float32) / 255.0).unsqueeze(1)


def _check_model(model: Any) -> None:
    import torch

    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {describe(model)}")


def fit_classifier(
    model: Any,
    x: Any,
    y: np.ndarray,
    *,
    epochs: int = 5,
    batch_size: int = 64,
    lr: float = 1e-3,
    x_val: Any = None,
    y_val: np.ndarray | None = None,
) -> History:
    """Train ``model`` with Adam and cross-entropy on ``(x, y)``; return its :class:`History`.

    Parameters
    ----------
    model
        A ``torch.nn.Module`` that maps a batch of ``x`` to class scores (logits).
    x
        A float tensor of inputs, first axis the examples.
    y
        Integer class labels, one per example.
    epochs, batch_size, lr
        Passes over the data, examples per step, Adam's learning rate.
    x_val, y_val
        Optional validation data (held out from the training data, never the test set:
        what is watched while training is chosen on, so it is not a test any more); the
        accuracy on it is recorded after every epoch, in ``History.val_accuracy``.

    Examples
    --------
    >>> import torch
    >>> _ = torch.manual_seed(0)
    >>> x = torch.randn(64, 2); y = (x[:, 0] > 0).long().numpy()
    >>> model = torch.nn.Linear(2, 2)
    >>> history = fit_classifier(model, x, y, epochs=20, batch_size=16, lr=0.05)
    >>> history.train_loss[-1] < history.train_loss[0]
    True
    """
    import torch

    _check_model(model)
    check_tensor("x", x)
    labels = check_array("y", y, ndim=1, kind="integer")
    check_same_length(x=x, y=labels)
    epochs = check_int("epochs", epochs, minimum=1)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    lr = check_positive("lr", lr)
    if (x_val is None) != (y_val is None):
        raise TypeError("give both x_val and y_val, or neither")
    n_classes = model_outputs(model, "x", x)
    if y_val is not None:
        check_tensor("x_val", x_val)
        check_array("y_val", y_val, ndim=1, kind="integer")
        check_same_length(x_val=x_val, y_val=y_val)
        model_outputs(model, "x_val", x_val)
    check_class_ids("y", labels, n_classes, counted="model outputs")
    if y_val is not None:
        check_class_ids("y_val", y_val, n_classes, counted="model outputs")

    targets = torch.tensor(labels, dtype=torch.long)  # a copy: the labels may be read-only
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history = History()
    start = time.perf_counter()
    for _ in range(epochs):
        model.train()
        order = torch.randperm(len(targets))
        total = 0.0
        for i in range(0, len(order), batch_size):
            batch = order[i : i + batch_size]
            loss = torch.nn.functional.cross_entropy(model(x[batch]), targets[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(batch)
        history.train_loss.append(total / len(targets))
        if x_val is not None:
            predicted = predict_proba(model, x_val).argmax(axis=1)
            history.val_accuracy.append(float(np.mean(predicted == y_val)))
    history.seconds = time.perf_counter() - start
    model.eval()
    return history


def predict_proba(model: Any, x: Any, *, batch_size: int = 1024) -> np.ndarray:
    """Return softmax class probabilities of ``model`` for ``x`` as a NumPy array.

    Examples
    --------
    >>> import torch
    >>> p = predict_proba(torch.nn.Linear(3, 4), torch.zeros(5, 3))
    >>> p.shape, bool(np.allclose(p.sum(axis=1), 1))
    ((5, 4), True)
    """
    import torch

    _check_model(model)
    check_tensor("x", x)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    model_outputs(model, "x", x)
    was_training = model.training
    model.eval()
    with torch.no_grad():
        parts = [
            torch.softmax(model(x[i : i + batch_size]), dim=1) for i in range(0, len(x), batch_size)
        ]
    model.train(was_training)
    return torch.cat(parts).numpy()
