"""Training on token windows: the character language models and the sequence taggers.

Both predict one token per input position, so both train by the same rule: the one
loop (:func:`~dlguide.training.train_loop`) with per-token cross-entropy, on
batches of windows drawn at random with replacement (:func:`batch_indices`).
"""

from __future__ import annotations

from typing import Any

from dlguide._checks import check_int, check_positive, check_token_ids
from dlguide.training.loop import random_batches, train_loop


def check_windows(model: Any, x: Any, y: Any) -> None:
    """Check that ``x`` and ``y`` are token windows of the same shape that ``model`` can read."""
    vocab_size = model.embed.num_embeddings
    check_token_ids("x", x, vocab_size=vocab_size)
    check_token_ids("y", y, vocab_size=model.output.out_features)
    if x.shape != y.shape:
        raise ValueError(
            f"x and y must have the same shape, got {tuple(x.shape)} and {tuple(y.shape)}"
        )


def batch_indices(n: int, *, steps: int, batch_size: int, seed: int) -> Any:
    """Return the window indices :func:`train_on_windows` draws, shape ``(steps, batch_size)``.

    Both draw from :func:`~dlguide.training.random_batches` with the same seed, so
    another framework can be trained on the very same batches.
    """
    import torch

    seed = check_int("seed", seed, minimum=0)
    (batches,) = random_batches(n, batch_size, steps=steps, replace=True, seed=seed)
    return torch.stack(list(batches))


def train_on_windows(
    model: Any,
    x: Any,
    y: Any,
    *,
    steps: int,
    batch_size: int,
    lr: float,
    seed: int,
    clip: float | None = None,
) -> tuple[list[float], list[float]]:
    """Train ``model`` (tokens to per-token logits) with Adam and per-token cross-entropy.

    Each step draws ``batch_size`` windows at random (seeded by ``seed``). Returns the
    loss (in nats) and the token accuracy of every step.
    """
    import torch

    check_windows(model, x, y)
    steps = check_int("steps", steps, minimum=1)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    lr = check_positive("lr", lr)
    seed = check_int("seed", seed, minimum=0)
    accuracy: list[float] = []

    def batch_loss(batch: Any) -> Any:
        logits = model(x[batch])
        accuracy.append((logits.argmax(-1) == y[batch]).float().mean().item())
        return torch.nn.functional.cross_entropy(logits.flatten(0, 1), y[batch].flatten())

    log = train_loop(
        model, random_batches(len(x), batch_size, steps=steps, replace=True, seed=seed),
        batch_loss, torch.optim.Adam(model.parameters(), lr=lr), clip=clip,
    )  # fmt: skip
    return log.losses, accuracy
