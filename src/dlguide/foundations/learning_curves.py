"""Learning curves: how a model's test accuracy grows with the size of its training set.

Whether deep learning is the right tool depends on the data: what kind it is
(pixels or a table of measured features) and how much of it there is. A
*learning curve* shows both at once: train each model on growing, stratified
subsets of the same training data and score it on the same test set.

:func:`train_steps` trains a network with Adam on random mini-batches, either for a
fixed number of steps or, given a validation set, for as long as validation accuracy
keeps improving (the weights of its best scoring are kept). The chapter trains every
model of a comparison by the same rule.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
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
from dlguide.data.sampling import stratified_subset

__all__ = [
    "learning_curve",
    "torch_accuracy",
    "train_steps",
]


def _check_xy(model: Any, x: Any, y: np.ndarray) -> Any:
    import torch

    x = check_tensor("x", x)
    labels = check_array("y", y, ndim=1, kind="integer")
    check_same_length(x=x, y=labels)
    n_outputs = model_outputs(model, "x", x)
    check_class_ids("y", labels, n_outputs, counted="model outputs")
    return torch.tensor(labels, dtype=torch.long)


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

    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {describe(model)}")
    targets = _check_xy(model, x, y)
    steps = check_int("steps", steps, minimum=1)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    lr = check_positive("lr", lr)
    weight_decay = check_real("weight_decay", weight_decay)
    if weight_decay < 0:
        raise ValueError(f"weight_decay must be >= 0, got {weight_decay}")
    eval_every = check_int("eval_every", eval_every, minimum=1)
    if patience is not None:
        patience = check_int("patience", patience, minimum=1)
    if validation is not None:
        if not isinstance(validation, tuple) or len(validation) != 2:
            got = describe(validation)
            raise TypeError(f"validation must be a tuple (x_val, y_val), got {got}")
        x_val, y_val = validation
        check_tensor("validation x_val", x_val)
        check_array("validation y_val", y_val, ndim=1, kind="integer")
    seed = check_int("seed", seed, minimum=0)
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)
    size = min(batch_size, len(targets))
    best, best_state, kept, waited = -1.0, None, steps, 0
    model.train()
    for step in range(1, steps + 1):
        batch = torch.randperm(len(targets), generator=generator)[:size]
        loss = torch.nn.functional.cross_entropy(model(x[batch]), targets[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if validation is not None and (step % eval_every == 0 or step == steps):
            score = torch_accuracy(model, x_val, y_val)
            model.train()
            if score > best:
                best, kept, waited = score, step, 0
                best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
            else:
                waited += 1
                if patience is not None and waited >= patience:
                    break
    if best_state is not None:
        model.load_state_dict(best_state)
    model.kept_steps = kept
    model.eval()
    return model


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

    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {describe(model)}")
    targets = _check_xy(model, x, y)
    model.eval()
    with torch.no_grad():
        predicted = model(x).argmax(dim=1)
    return float((predicted == targets).float().mean())


def learning_curve(
    models: Mapping[str, Callable[[np.ndarray], float]],
    labels: np.ndarray,
    sizes: Sequence[int],
    *,
    repeats: int = 1,
    seed: int | None = None,
) -> dict[str, np.ndarray]:
    """Score every model on stratified training subsets of growing size.

    Parameters
    ----------
    models
        Name -> function that takes the indices of a training subset, trains a fresh
        model on those examples, and returns its score on a fixed test set.
    labels
        The training labels (integers), used to draw class-balanced subsets.
    sizes
        Examples *per class* in each subset, in increasing order.
    repeats
        Independent subsets per size; the scores are averaged (useful on small data,
        where one subset is a noisy sample).
    seed
        Base seed of the subsets; repeat ``r`` at size ``i`` uses ``seed + 1000 * r + i``.
        None (the default): the chapter's seed (:func:`~dlguide.book.seeding.chapter_seed`).

    Returns
    -------
    dict
        Name -> array of mean scores, one per size.

    Examples
    --------
    >>> labels = np.repeat([0, 1], 10)
    >>> curve = learning_curve({"size": lambda idx: len(idx)}, labels, [2, 5], repeats=2)
    >>> curve["size"].tolist()
    [4.0, 10.0]
    """
    seed = resolve_seed(seed)
    if not isinstance(models, Mapping) or not models:
        raise TypeError(f"models must be a non-empty mapping of name -> function, got "
                        f"{describe(models)}")  # fmt: skip
    for name, fit_score in models.items():
        if not isinstance(name, str) or not callable(fit_score):
            raise TypeError(f"models must map names to functions, got {name!r}: "
                            f"{describe(fit_score)}")  # fmt: skip
    labels = check_array("labels", labels, ndim=1, kind="integer")
    if isinstance(sizes, str) or not isinstance(sizes, Sequence) or not sizes:
        raise TypeError(f"sizes must be a non-empty sequence of integers, got {describe(sizes)}")
    per_class = [check_int("sizes entry", s, minimum=1) for s in sizes]
    if any(b <= a for a, b in itertools.pairwise(per_class)):
        raise ValueError(f"sizes must be strictly increasing, got {list(per_class)}")
    repeats = check_int("repeats", repeats, minimum=1)
    seed = check_int("seed", seed, minimum=0)
    scores = {name: np.zeros((repeats, len(per_class))) for name in models}
    for r in range(repeats):
        for i, size in enumerate(per_class):
            subset = stratified_subset(labels, size, seed=seed + 1000 * r + i)
            for name, fit_score in models.items():
                scores[name][r, i] = float(fit_score(subset))
    return {name: s.mean(axis=0) for name, s in scores.items()}
