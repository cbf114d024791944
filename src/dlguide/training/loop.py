"""The book's one training loop, and the two ways it draws mini-batches.

Every network in the book whose training loop is not itself the lesson trains in
:func:`~dlguide.training.train_loop`: the image classifiers, the language models and
taggers, the masked language model, the text classifiers. It knows nothing about the
data: the caller says how to turn one batch into a loss (``batch_loss``) and in which
order the batches come (``rounds``: groups of batches, usually epochs, after each of
which the model may be scored on validation data). The samplers
:func:`~dlguide.training.shuffled_epochs` and :func:`~dlguide.training.random_batches`
make those rounds from a seeded generator, so a run is reproducible and another
framework can be fed the very same batches.

The loops that are a lesson stay in their chapters, written out: gradient descent
in NumPy (:mod:`dlguide.foundations.gradient_descent`), the optimizers' update rules
(:mod:`dlguide.foundations.optimizers`), backpropagation by hand
(:mod:`dlguide.foundations.mlp`), and the loop each framework writes for you
(:mod:`dlguide.practice.frameworks`, :mod:`dlguide.practice.distributed`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dlguide._checks import check_bool, check_int, check_positive, describe

__all__ = ["TrainLog", "random_batches", "shuffled_epochs", "train_loop"]


@dataclass
class TrainLog:
    """What :func:`train_loop` did: every step's loss, and every validation score.

    ``best_round`` and ``best_step`` say when the best validation score came (the
    earliest, on a tie; a NaN score never counts); they are 0 when nothing was
    validated, or nothing scored a number.
    """

    losses: list[float] = field(default_factory=list)
    scores: list[float] = field(default_factory=list)
    scored_at: list[int] = field(default_factory=list)
    best_round: int = 0
    best_step: int = 0
    seconds: float = 0.0

    @property
    def rounds(self) -> int:
        """How many rounds were validated (all of them, unless patience ran out)."""
        return len(self.scores)


def train_loop(
    model: Any,
    rounds: Iterable[Iterable[Any]],
    batch_loss: Callable[[Any], Any],
    optimizer: Any,
    *,
    scheduler: Any = None,
    clip: float | None = None,
    validate: Callable[[], float] | None = None,
    higher_is_better: bool = True,
    patience: int | None = None,
    restore_best: bool = False,
) -> TrainLog:
    """Train ``model``: one optimizer step per batch, a validation score after each round.

    Parameters
    ----------
    model
        The ``torch.nn.Module`` being trained; it is in training mode while batches
        run and in evaluation mode while it is scored and when the loop returns.
    rounds
        An iterable of rounds, each an iterable of batches, for example the epochs of
        :func:`shuffled_epochs`. Rounds are drawn one at a time, as they are needed.
    batch_loss
        ``batch_loss(batch)`` runs the model on one batch and returns the loss (a
        scalar tensor) to minimise.
    optimizer
        A ``torch.optim`` optimizer over the model's parameters.
    scheduler
        An optional ``torch.optim.lr_scheduler``, stepped after every optimizer step.
    clip
        If given, gradients are clipped to this total norm before each step.
    validate
        ``validate()`` returns a score of the model after each round (it runs in
        evaluation mode); without it nothing is scored and ``patience`` and
        ``restore_best`` have no effect.
    higher_is_better
        Whether a higher score is better (accuracy) or a lower one (a loss).
    patience
        Stop after this many validated rounds without a better score (early stopping).
    restore_best
        Load the weights of the best-scoring round before returning.

    Returns
    -------
    TrainLog

    Examples
    --------
    >>> import torch
    >>> _ = torch.manual_seed(0)
    >>> x = torch.randn(64, 2); y = (x[:, 0] > 0).long()
    >>> model = torch.nn.Linear(2, 2)
    >>> def loss(batch):
    ...     return torch.nn.functional.cross_entropy(model(x[batch]), y[batch])
    >>> def accuracy():
    ...     return (model(x).argmax(1) == y).float().mean().item()
    >>> log = train_loop(model, shuffled_epochs(64, 16, epochs=10, seed=0), loss,
    ...                  torch.optim.SGD(model.parameters(), lr=0.5), validate=accuracy)
    >>> len(log.losses), log.rounds, log.scores[-1] > 0.9
    (40, 10, True)
    """
    import torch

    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {describe(model)}")
    if isinstance(rounds, (str, bytes)) or not isinstance(rounds, Iterable):
        raise TypeError(f"rounds must be an iterable of batch iterables, got {describe(rounds)}")
    if not callable(batch_loss):
        raise TypeError(f"batch_loss must be a function batch -> loss, got {describe(batch_loss)}")
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(f"optimizer must be a torch.optim.Optimizer, got {describe(optimizer)}")
    if validate is not None and not callable(validate):
        raise TypeError(f"validate must be a function () -> score or None, got "
                        f"{describe(validate)}")  # fmt: skip
    if clip is not None:
        clip = check_positive("clip", clip)
    if patience is not None:
        patience = check_int("patience", patience, minimum=1)
    higher = check_bool("higher_is_better", higher_is_better)
    restore = check_bool("restore_best", restore_best)

    log = TrainLog()
    best: float | None = None
    best_state = None
    waited = step = 0
    start = time.perf_counter()
    model.train()
    for number, batches in enumerate(rounds, start=1):
        if isinstance(batches, (str, bytes)) or not isinstance(batches, Iterable):
            raise TypeError(f"rounds must hold iterables of batches, got {describe(batches)} "
                            f"as round {number}")  # fmt: skip
        for batch in batches:
            loss = batch_loss(batch)
            optimizer.zero_grad()
            loss.backward()
            if clip is not None:
                torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
            optimizer.step()
            if scheduler is not None:
                scheduler.step()
            log.losses.append(loss.item())
            step += 1
        if validate is None:
            continue
        model.eval()
        with torch.no_grad():
            score = float(validate())
        model.train()
        log.scores.append(score)
        log.scored_at.append(step)
        if not math.isnan(score) and (best is None or (score > best if higher else score < best)):
            best, waited, log.best_round, log.best_step = score, 0, number, step
            if restore:
                best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        else:
            waited += 1
            if patience is not None and waited >= patience:
                break
    if step == 0:
        raise ValueError("rounds must hold at least one batch, got none")
    log.seconds = time.perf_counter() - start
    if best_state is not None:
        model.load_state_dict(best_state)
    model.eval()
    return log


def _generator(seed: Any, generator: Any) -> Any:
    import torch

    if generator is not None:
        if seed is not None:
            raise TypeError("give seed or generator, not both")
        if not isinstance(generator, torch.Generator):
            raise TypeError(
                f"generator must be a torch.Generator (or, for shuffled_epochs, a NumPy "
                f"Generator), got {describe(generator)}"
            )
        return generator
    if seed is None:
        return None  # torch's global generator
    return torch.Generator().manual_seed(check_int("seed", seed, minimum=0))


def shuffled_epochs(
    n: int,
    batch_size: int,
    *,
    epochs: int,
    seed: int | None = None,
    generator: Any = None,
) -> Iterator[Iterator[Any]]:
    """Yield ``epochs`` rounds; each is a fresh shuffle of ``range(n)`` cut into batches.

    Each epoch's shuffle is drawn when the epoch starts, from a generator seeded with
    ``seed``, from ``generator`` (which may also serve other draws, such as data
    augmentation), or, with neither, from torch's global generator. ``generator`` may
    also be a NumPy ``Generator``; the batches are then NumPy arrays of indices. The
    last batch of an epoch holds the remainder.

    Examples
    --------
    >>> [[b.tolist() for b in epoch] for epoch in shuffled_epochs(5, 2, epochs=2, seed=0)]
    [[[4, 0], [1, 3], [2]], [[3, 4], [0, 1], [2]]]
    >>> rng = np.random.default_rng(0)
    >>> [b.tolist() for b in next(shuffled_epochs(5, 2, epochs=1, generator=rng))]
    [[2, 4], [3, 0], [1]]
    """
    import torch

    n = check_int("n", n, minimum=1)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    epochs = check_int("epochs", epochs, minimum=1)
    numpy = isinstance(generator, np.random.Generator)
    if numpy and seed is not None:
        raise TypeError("give seed or generator, not both")
    drawn = generator if numpy else _generator(seed, generator)

    def rounds() -> Iterator[Iterator[Any]]:  # drawn lazily: each epoch when it starts
        for _ in range(epochs):
            order = drawn.permutation(n) if numpy else torch.randperm(n, generator=drawn)
            yield (order[i : i + batch_size] for i in range(0, n, batch_size))

    return rounds()


def random_batches(
    n: int,
    batch_size: int,
    *,
    steps: int,
    every: int | None = None,
    replace: bool = False,
    seed: int | None = None,
    generator: Any = None,
) -> Iterator[Iterator[Any]]:
    """Yield rounds of ``every`` steps (all ``steps`` in one round by default), one batch a step.

    Each step draws a batch of ``batch_size`` indices of ``range(n)`` afresh: without
    replacement (at most ``n``), or with ``replace=True`` independently, so a batch
    may repeat an index. The cost of training then depends on ``steps``, not on
    ``n``. The last round holds the remaining steps. Like :func:`shuffled_epochs`,
    batches are drawn only as they are needed.

    Examples
    --------
    >>> [[b.tolist() for b in r] for r in random_batches(4, 2, steps=3, every=2, seed=0)]
    [[[0, 1], [0, 2]], [[3, 2]]]
    """
    import torch

    n = check_int("n", n, minimum=1)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    steps = check_int("steps", steps, minimum=1)
    every = steps if every is None else check_int("every", every, minimum=1)
    replace = check_bool("replace", replace)
    drawn = _generator(seed, generator)
    size = batch_size if replace else min(batch_size, n)

    def draw() -> Any:
        if replace:
            return torch.randint(0, n, (size,), generator=drawn)
        return torch.randperm(n, generator=drawn)[:size]

    def rounds() -> Iterator[Iterator[Any]]:
        for first in range(0, steps, every):
            yield (draw() for _ in range(min(every, steps - first)))

    return rounds()
