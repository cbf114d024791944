"""The deep-learning workflow in code: datasets, splits, and a training loop that keeps score.

:func:`dlguide.training.fit_classifier` is the book's shortest loop. The loop
here, :func:`fit_tracked`, has the knobs that the chapters on optimizers,
regularization and evaluation turn: the optimizer and its learning-rate
schedule, weight decay, an L1 penalty, data augmentation, and early stopping on
a validation set. It records training and validation loss and accuracy after
every epoch, so the curves can be drawn.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
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

__all__ = ["ArrayDataset", "TrackedHistory", "fit_tracked", "stratified_split"]


def stratified_split(
    labels: np.ndarray, fractions: tuple[float, ...], *, seed: int | None = None
) -> list[np.ndarray]:
    """Split example indices into parts of the given ``fractions``, class by class.

    Each part keeps the class proportions of ``labels``. The fractions must add
    up to 1.

    Examples
    --------
    >>> labels = np.repeat([0, 1], [80, 20])
    >>> train, val, test = stratified_split(labels, (0.6, 0.2, 0.2))
    >>> [len(p) for p in (train, val, test)], [int(labels[p].sum()) for p in (train, val, test)]
    ([60, 20, 20], [12, 4, 4])
    """
    seed = resolve_seed(seed)
    labels = check_array("labels", labels, ndim=1, kind="integer")
    if not isinstance(fractions, tuple) or len(fractions) < 2:
        raise TypeError(
            f"fractions must be a tuple of two or more numbers, got {describe(fractions)}"
        )
    shares = [check_real("fractions", f) for f in fractions]
    if min(shares) <= 0 or not np.isclose(sum(shares), 1.0):
        raise ValueError(f"fractions must be positive and add up to 1, got {fractions}")
    seed = check_int("seed", seed, minimum=0)
    rng = np.random.default_rng(seed)
    parts: list[list[np.ndarray]] = [[] for _ in shares]
    for label in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == label))
        bounds = np.round(np.cumsum(shares) * len(members)).astype(int)
        for k, (lo, hi) in enumerate(zip(np.r_[0, bounds[:-1]], bounds, strict=True)):
            parts[k].append(members[lo:hi])
    return [np.sort(np.concatenate(p)) for p in parts]


class ArrayDataset:
    """A ``torch.utils.data.Dataset`` over ``uint8`` images and integer labels.

    Item ``i`` is ``(image, label)``: the image as a float tensor ``(1, h, w)``
    scaled to [0, 1], the label as a Python int. A ``DataLoader`` stacks items
    into batches.

    Examples
    --------
    >>> data = ArrayDataset(np.zeros((3, 4, 4), dtype=np.uint8), np.array([0, 1, 0]))
    >>> image, label = data[1]
    >>> len(data), tuple(image.shape), label
    (3, (1, 4, 4), 1)
    """

    def __init__(self, images: np.ndarray, labels: np.ndarray) -> None:
        from dlguide.training import images_to_tensor

        check_array("labels", labels, ndim=1, kind="integer")
        check_same_length(images=images, labels=labels)
        self.images = images_to_tensor(images)
        self.labels = np.asarray(labels, dtype=np.int64)

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, index: int) -> tuple[Any, int]:
        return self.images[index], int(self.labels[index])


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


def _scores(model: Any, x: Any, y: Any) -> tuple[float, float]:
    import torch

    model.eval()
    with torch.no_grad():
        logits = torch.cat([model(x[i : i + 1024]) for i in range(0, len(x), 1024)])
    loss = torch.nn.functional.cross_entropy(logits, y).item()
    return loss, (logits.argmax(dim=1) == y).float().mean().item()


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
    from dlguide.training import _check_model

    _check_model(model)
    check_tensor("x", x)
    check_tensor("x_val", x_val)
    labels = check_array("y", y, ndim=1, kind="integer")
    val_labels = check_array("y_val", y_val, ndim=1, kind="integer")
    check_same_length(x=x, y=labels)
    check_same_length(x_val=x_val, y_val=val_labels)
    n_classes = model_outputs(model, "x", x)
    model_outputs(model, "x_val", x_val)
    for name, ids in (("y", labels), ("y_val", val_labels)):
        check_class_ids(name, ids, n_classes, counted="model outputs")
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

    targets = torch.tensor(labels, dtype=torch.long)
    val_targets = torch.tensor(val_labels, dtype=torch.long)
    generator = torch.Generator().manual_seed(seed)
    n_batches = -(-len(targets) // batch_size)
    settings = {"momentum": 0.9} if optimizer == "momentum" else {}
    torch_name = OPTIMIZERS[optimizer][1]
    opt = getattr(torch.optim, torch_name)(
        model.parameters(), lr=lr, weight_decay=weight_decay, **settings
    )
    total = epochs * n_batches
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda step: scheduled_lr(schedule, min(step, total - 1), total, warmup=warmup)
    )
    penalised = [p for p in model.parameters() if p.ndim > 1]
    history = TrackedHistory()
    best_loss, best_state, waited = float("inf"), None, 0
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        model.train()
        history.learning_rate.append(opt.param_groups[0]["lr"])
        order = torch.randperm(len(targets), generator=generator)
        for i in range(0, len(order), batch_size):
            batch, batch_targets = x[order[i : i + batch_size]], targets[order[i : i + batch_size]]
            if augment is not None:
                batch = augment(batch, generator)
            loss = torch.nn.functional.cross_entropy(model(batch), batch_targets)
            if l1:
                loss = loss + l1 * sum(p.abs().sum() for p in penalised)
            opt.zero_grad()
            loss.backward()
            opt.step()
            scheduler.step()
        for (loss_list, acc_list), (xs, ys) in (
            ((history.train_loss, history.train_accuracy), (x, targets)),
            ((history.val_loss, history.val_accuracy), (x_val, val_targets)),
        ):
            epoch_loss, epoch_accuracy = _scores(model, xs, ys)
            loss_list.append(epoch_loss)
            acc_list.append(epoch_accuracy)
        if history.val_loss[-1] < best_loss:
            best_loss, waited, history.best_epoch = history.val_loss[-1], 0, epoch
            best_state = copy.deepcopy(model.state_dict())
        else:
            waited += 1
            if patience is not None and waited >= patience:
                history.stopped_early = epoch < epochs
                break
    history.seconds = time.perf_counter() - start
    if patience is not None:
        model.load_state_dict(best_state)
    model.eval()
    return history
