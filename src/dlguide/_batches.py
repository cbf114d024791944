"""The training loop shared by the sequence models: Adam on random mini-batches of windows."""

from __future__ import annotations

from typing import Any

from dlguide._checks import check_int, check_positive, check_token_ids


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

    Both draw from one ``torch.Generator`` seeded with ``seed``, one call per step, so
    another framework can be trained on the very same batches.
    """
    import torch

    n = check_int("n", n, minimum=1)
    steps = check_int("steps", steps, minimum=1)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    generator = torch.Generator().manual_seed(check_int("seed", seed, minimum=0))
    return torch.stack(
        [torch.randint(0, n, (batch_size,), generator=generator) for _ in range(steps)]
    )


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
    """Train ``model`` (tokens to per-token logits) with per-token cross-entropy.

    Each step draws ``batch_size`` windows at random (seeded by ``seed``). Returns the
    loss (in nats) and the token accuracy of every step.
    """
    import torch

    check_windows(model, x, y)
    steps = check_int("steps", steps, minimum=1)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    lr = check_positive("lr", lr)
    batches = batch_indices(len(x), steps=steps, batch_size=batch_size, seed=seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses, accuracy = [], []
    model.train()
    for batch in batches:
        logits = model(x[batch])
        loss = torch.nn.functional.cross_entropy(logits.flatten(0, 1), y[batch].flatten())
        optimizer.zero_grad()
        loss.backward()
        if clip is not None:
            torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
        optimizer.step()
        losses.append(loss.item())
        accuracy.append((logits.argmax(-1) == y[batch]).float().mean().item())
    model.eval()
    return losses, accuracy
