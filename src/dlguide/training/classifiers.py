"""Training and scoring PyTorch classifiers on tensors, all through one loop.

Three ways to fit a classifier, for three kinds of chapter:

- :func:`~dlguide.training.fit_classifier`, the shortest: Adam, a few epochs,
  optionally a validation accuracy after each. The first chapters only need training
  to work.
- :func:`~dlguide.training.fit_tracked`, every knob that the chapters on optimizers,
  regularization and the workflow turn: the optimizer and its learning-rate schedule,
  weight decay, an L1 penalty, data augmentation, and early stopping on the validation
  loss, with training and validation loss and accuracy recorded after every epoch.
- :func:`~dlguide.training.train_steps`, a fixed number of steps on random
  mini-batches, so that the cost does not grow with the training set (for learning
  curves), optionally stopped on the validation accuracy.

All three are configurations of the one loop, :func:`~dlguide.training.train_loop`
(in :mod:`dlguide.training.loop`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dlguide._checks import (
    check_array,
    check_class_ids,
    check_int,
    check_positive,
    check_real,
    check_same_length,
    check_tensor,
    describe,
    model_outputs,
)
from dlguide.book.seeding import resolve_seed
from dlguide.training.loop import random_batches, shuffled_epochs, train_loop

__all__ = [
    "History",
    "TrackedHistory",
    "fit_classifier",
    "fit_tracked",
    "images_to_tensor",
    "predict_proba",
    "torch_accuracy",
    "train_steps",
]


@dataclass
class History:
    """What happened during :func:`fit_classifier`, one entry per epoch."""

    train_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class TrackedHistory:
    """Per-epoch training and validation scores from :func:`fit_tracked`."""

    train_loss: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)
    learning_rate: list[float] = field(default_factory=list)
    best_epoch: int = 0
    stopped_early: bool = False
    seconds: float = 0.0

    @property
    def best_val_accuracy(self) -> float:
        """The validation accuracy of the epoch whose weights were kept."""
        return self.val_accuracy[self.best_epoch - 1]


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


def _targets(model: Any, pairs: list[tuple[str, Any, str, Any]]) -> list[Any]:
    """Check each ``(x_name, x, y_name, y)`` against ``model``; return the labels as tensors."""
    import torch

    _check_model(model)
    checked = []
    for x_name, x, y_name, y in pairs:
        check_tensor(x_name, x)
        labels = check_array(y_name, y, ndim=1, kind="integer")
        check_same_length(**{x_name: x, y_name: labels})
        checked.append((y_name, labels, model_outputs(model, x_name, x)))
    n_classes = checked[0][2]
    for y_name, labels, _ in checked:
        check_class_ids(y_name, labels, n_classes, counted="model outputs")
    return [torch.tensor(labels, dtype=torch.long) for _, labels, _ in checked]  # copies


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
        Passes over the data, examples per step, Adam's learning rate. Each epoch is
        a fresh shuffle from torch's global generator (seeded by ``start_chapter``).
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
    check_array("y", y, ndim=1, kind="integer")
    epochs = check_int("epochs", epochs, minimum=1)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    lr = check_positive("lr", lr)
    if (x_val is None) != (y_val is None):
        raise TypeError("give both x_val and y_val, or neither")
    pairs = [("x", x, "y", y)] + ([("x_val", x_val, "y_val", y_val)] if y_val is not None else [])
    targets = _targets(model, pairs)[0]

    def batch_loss(batch: Any) -> Any:
        return torch.nn.functional.cross_entropy(model(x[batch]), targets[batch])

    def val_accuracy() -> float:
        return float(np.mean(predict_proba(model, x_val).argmax(axis=1) == y_val))

    n = len(targets)
    log = train_loop(
        model, shuffled_epochs(n, batch_size, epochs=epochs), batch_loss,
        torch.optim.Adam(model.parameters(), lr=lr),
        validate=val_accuracy if y_val is not None else None,
    )  # fmt: skip
    sizes = [min(batch_size, n - i) for i in range(0, n, batch_size)]  # one epoch's batches
    history = History(val_accuracy=log.scores, seconds=log.seconds)
    for epoch in range(epochs):
        losses = log.losses[epoch * len(sizes) : (epoch + 1) * len(sizes)]
        history.train_loss.append(sum(loss * size for loss, size in zip(losses, sizes)) / n)
    return history


def fit_tracked(
    model: Any,
    x: Any,
    y: np.ndarray,
    x_val: Any,
    y_val: np.ndarray,
    *,
    epochs: int = 10,
    batch_size: int = 64,
    optimizer: str = "adam",
    lr: float = 1e-3,
    schedule: str = "constant",
    warmup: int = 0,
    weight_decay: float = 0.0,
    l1: float = 0.0,
    augment: Callable[[Any, Any], Any] | None = None,
    patience: int | None = None,
    seed: int | None = None,
) -> TrackedHistory:
    """Train a classifier with cross-entropy, scoring it on ``(x_val, y_val)`` after each epoch.

    Parameters
    ----------
    model
        A ``torch.nn.Module`` mapping a batch of ``x`` to class scores.
    x, y, x_val, y_val
        Float input tensors and integer NumPy labels for training and validation.
    epochs, batch_size, lr
        Passes over the data, examples per step, base learning rate.
    optimizer
        ``"sgd"``, ``"momentum"`` (SGD, momentum 0.9), ``"rmsprop"`` or ``"adam"``,
        from ``torch.optim``.
    schedule, warmup
        A learning-rate schedule from :data:`dlguide.foundations.optimizers.SCHEDULES`, applied
        at every step; ``warmup`` is its number of warm-up steps.
    weight_decay
        L2 weight decay, passed to the optimizer.
    l1
        Weight of an L1 penalty, ``l1 * sum(|w|)`` over weight matrices (not biases),
        added to the loss.
    augment
        ``augment(batch, generator)`` returns a changed copy of a training batch.
    patience
        Early stopping: stop after ``patience`` epochs without a better validation
        loss, and restore the weights of the epoch with the lowest validation loss
        (``history.best_epoch``). Without it, the model keeps its last weights.
    seed
        Seeds the shuffling and the augmentation.
        None (the default): the chapter's seed (:func:`~dlguide.book.seeding.chapter_seed`).

    Examples
    --------
    >>> import torch
    >>> _ = torch.manual_seed(0)
    >>> x = torch.randn(64, 2); y = (x[:, 0] > 0).long().numpy()
    >>> h = fit_tracked(torch.nn.Linear(2, 2), x, y, x, y, epochs=5, lr=0.1, batch_size=16)
    >>> len(h.val_accuracy), h.val_accuracy[-1] > 0.9
    (5, True)
    """
    seed = resolve_seed(seed)
    import torch

    from dlguide.foundations.optimizers import OPTIMIZERS, SCHEDULES, scheduled_lr

    targets, val_targets = _targets(model, [("x", x, "y", y), ("x_val", x_val, "y_val", y_val)])
    epochs = check_int("epochs", epochs, minimum=1)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {', '.join(OPTIMIZERS)}, got {optimizer!r}")
    if schedule not in SCHEDULES:
        raise ValueError(f"schedule must be one of {', '.join(SCHEDULES)}, got {schedule!r}")
    lr = check_positive("lr", lr)
    for name, value in (("weight_decay", weight_decay), ("l1", l1)):
        if check_real(name, value) < 0:
            raise ValueError(f"{name} must be >= 0, got {value}")
    if augment is not None and not callable(augment):
        raise TypeError(
            f"augment must be a function (batch, generator) -> batch, got {describe(augment)}"
        )
    if patience is not None:
        patience = check_int("patience", patience, minimum=1)
    seed = check_int("seed", seed, minimum=0)

    generator = torch.Generator().manual_seed(seed)  # the shuffles and the augmentation
    settings = {"momentum": 0.9} if optimizer == "momentum" else {}
    opt = getattr(torch.optim, OPTIMIZERS[optimizer][1])(
        model.parameters(), lr=lr, weight_decay=weight_decay, **settings
    )
    total = epochs * -(-len(targets) // batch_size)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda step: scheduled_lr(schedule, min(step, total - 1), total, warmup=warmup)
    )
    penalised = [p for p in model.parameters() if p.ndim > 1]
    history = TrackedHistory()

    def epochs_noting_lr() -> Iterator[Any]:
        for batches in shuffled_epochs(len(targets), batch_size, epochs=epochs,
                                       generator=generator):  # fmt: skip
            history.learning_rate.append(opt.param_groups[0]["lr"])
            yield batches

    def batch_loss(index: Any) -> Any:
        batch = x[index] if augment is None else augment(x[index], generator)
        loss = torch.nn.functional.cross_entropy(model(batch), targets[index])
        if l1:
            loss = loss + l1 * sum(p.abs().sum() for p in penalised)
        return loss

    def val_loss() -> float:  # records all four scores; the validation loss decides
        for losses, accuracies, xs, ys in (
            (history.train_loss, history.train_accuracy, x, targets),
            (history.val_loss, history.val_accuracy, x_val, val_targets),
        ):
            logits = torch.cat([model(xs[i : i + 1024]) for i in range(0, len(xs), 1024)])
            losses.append(torch.nn.functional.cross_entropy(logits, ys).item())
            accuracies.append((logits.argmax(dim=1) == ys).float().mean().item())
        return history.val_loss[-1]

    log = train_loop(
        model, epochs_noting_lr(), batch_loss, opt, scheduler=scheduler, validate=val_loss,
        higher_is_better=False, patience=patience, restore_best=patience is not None,
    )  # fmt: skip
    history.best_epoch = log.best_round
    history.stopped_early = log.rounds < epochs
    history.seconds = log.seconds
    return history


def train_steps(
    model: Any,
    x: Any,
    y: np.ndarray,
    *,
    steps: int = 300,
    batch_size: int = 64,
    lr: float = 1e-3,
    weight_decay: float = 0.0,
    validation: tuple[Any, np.ndarray] | None = None,
    eval_every: int = 50,
    patience: int | None = None,
    seed: int | None = None,
) -> Any:
    """Train ``model`` for a fixed number of Adam steps on random mini-batches; return it.

    Each step draws ``batch_size`` examples (all of them if there are fewer), so the
    training cost does not depend on the size of the training set.

    With ``validation=(x_val, y_val)``, the model is scored on it every ``eval_every``
    steps, and the weights with the best validation accuracy (the earliest, on a tie)
    are the ones returned: training length is then chosen on validation data, up to
    ``steps``. With ``patience`` as well, training stops after ``patience`` scorings
    without a better one. The number of steps whose weights were kept is stored on
    the model as ``model.kept_steps`` (``steps`` without ``validation``).

    Examples
    --------
    >>> import torch
    >>> x = torch.tensor([[-2.0], [-1.0], [1.0], [2.0]]); y = np.array([0, 0, 1, 1])
    >>> model = train_steps(torch.nn.Linear(1, 2), x, y, steps=200, lr=0.05)
    >>> torch_accuracy(model, x, y)
    1.0
    >>> model = train_steps(torch.nn.Linear(1, 2), x, y, steps=2000, lr=0.05,
    ...                     validation=(x, y), eval_every=20, patience=3)
    >>> model.kept_steps < 2000, torch_accuracy(model, x, y)
    (True, 1.0)
    """
    seed = resolve_seed(seed)
    import torch

    _check_model(model)
    pairs = [("x", x, "y", y)]
    if validation is not None:
        if not isinstance(validation, tuple) or len(validation) != 2:
            got = describe(validation)
            raise TypeError(f"validation must be a tuple (x_val, y_val), got {got}")
        pairs.append(("validation x_val", validation[0], "validation y_val", validation[1]))
    targets = _targets(model, pairs)[0]
    steps = check_int("steps", steps, minimum=1)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    lr = check_positive("lr", lr)
    weight_decay = check_real("weight_decay", weight_decay)
    if weight_decay < 0:
        raise ValueError(f"weight_decay must be >= 0, got {weight_decay}")
    eval_every = check_int("eval_every", eval_every, minimum=1)
    if patience is not None:
        patience = check_int("patience", patience, minimum=1)
    seed = check_int("seed", seed, minimum=0)

    def batch_loss(batch: Any) -> Any:
        return torch.nn.functional.cross_entropy(model(x[batch]), targets[batch])

    def val_accuracy() -> float:
        return torch_accuracy(model, *validation)

    log = train_loop(
        model,
        random_batches(len(targets), batch_size, steps=steps, seed=seed,
                       every=eval_every if validation is not None else None),
        batch_loss, torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay),
        validate=val_accuracy if validation is not None else None,
        patience=patience, restore_best=True,
    )  # fmt: skip
    model.kept_steps = log.best_step if validation is not None else steps
    return model


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


def torch_accuracy(model: Any, x: Any, y: np.ndarray) -> float:
    """Return the share of ``x`` that ``model`` labels as ``y``.

    Examples
    --------
    >>> import torch
    >>> model = torch.nn.Linear(1, 2)
    >>> with torch.no_grad():
    ...     _ = model.weight.copy_(torch.tensor([[-1.0], [1.0]])); _ = model.bias.zero_()
    >>> torch_accuracy(model, torch.tensor([[-1.0], [2.0]]), np.array([0, 0]))
    0.5
    """
    import torch

    targets = _targets(model, [("x", x, "y", y)])[0]
    model.eval()
    with torch.no_grad():
        predicted = model(x).argmax(dim=1)
    return float((predicted == targets).float().mean())
