"""Attention from the formula, positional encodings, one Transformer encoder block.

Scaled dot-product attention: every position asks a *query*, compares it with
the *keys* of all positions, and takes the softmax-weighted average of their
*values*: ``softmax(Q K^T / sqrt(d)) V``. A Transformer encoder block is
multi-head attention followed by a small feed-forward network, each with a
residual connection and layer normalisation.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from dlguide._batches import train_on_windows
from dlguide._checks import check_int, describe
from dlguide.book.seeding import resolve_seed

__all__ = [
    "EncoderBlock",
    "SequenceTagger",
    "attention",
    "positional_encoding",
    "reverse_task",
    "train_tagger",
]


def attention(q: Any, k: Any, v: Any) -> tuple[Any, Any]:
    """Return ``(softmax(q k^T / sqrt(d)) v, weights)`` for tensors ``(..., n, d)``.

    Examples
    --------
    >>> import torch
    >>> q = k = v = torch.eye(3)[None]
    >>> out, w = attention(q, k, v)
    >>> out.shape, bool(torch.allclose(w.sum(-1), torch.ones(1, 3)))
    (torch.Size([1, 3, 3]), True)
    """
    import torch

    for name, t in (("q", q), ("k", k), ("v", v)):
        if not isinstance(t, torch.Tensor) or not t.is_floating_point() or t.ndim < 2:
            raise TypeError(
                f"{name} must be a float tensor of shape (..., n, d), got {describe(t)}"
            )
        if 0 in t.shape:
            raise ValueError(f"{name} must not be empty, got shape {tuple(t.shape)}")
        if not bool(torch.isfinite(t).all()):
            raise ValueError(f"{name} contains NaN or infinite values")
    if q.shape[-1] != k.shape[-1]:
        raise ValueError(
            f"q and k need the same last dimension, got shapes {tuple(q.shape)} and "
            f"{tuple(k.shape)}"
        )
    if k.shape[:-1] != v.shape[:-1]:
        raise ValueError(
            f"k and v need the same shape apart from the last dimension, got shapes "
            f"{tuple(k.shape)} and {tuple(v.shape)}"
        )
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    weights = torch.softmax(scores, dim=-1)
    return weights @ v, weights


def positional_encoding(length: int, dim: int) -> np.ndarray:
    """Return the sinusoidal positional encodings of the original Transformer, ``(length, dim)``.

    Even columns are ``sin(pos / 10000^(i/dim))``, odd columns the matching cosine.

    Examples
    --------
    >>> pe = positional_encoding(4, 6)
    >>> pe.shape, float(pe[0, 1])
    ((4, 6), 1.0)
    """
    length = check_int("length", length, minimum=1)
    dim = check_int("dim", dim, minimum=2)
    if dim % 2:
        raise ValueError(f"dim must be even, got {dim}")
    position = np.arange(length)[:, None]
    rates = 1.0 / 10000 ** (np.arange(0, dim, 2) / dim)
    pe = np.zeros((length, dim))
    pe[:, 0::2] = np.sin(position * rates)
    pe[:, 1::2] = np.cos(position * rates)
    return pe


def _module() -> Any:
    import torch

    return torch.nn.Module


class EncoderBlock(_module()):  # type: ignore[misc]
    """One Transformer encoder block: multi-head self-attention and a feed-forward network.

    Examples
    --------
    >>> import torch
    >>> block = EncoderBlock(16, heads=4)
    >>> block(torch.zeros(2, 5, 16)).shape
    torch.Size([2, 5, 16])
    """

    def __init__(self, dim: int, heads: int = 4, hidden: int | None = None) -> None:
        import torch

        super().__init__()
        dim = check_int("dim", dim, minimum=1)
        heads = check_int("heads", heads, minimum=1)
        if dim % heads:
            raise ValueError(f"dim ({dim}) must be divisible by heads ({heads})")
        self.attend = torch.nn.MultiheadAttention(dim, heads, batch_first=True)
        self.norm1, self.norm2 = torch.nn.LayerNorm(dim), torch.nn.LayerNorm(dim)
        width = hidden or 4 * dim
        self.feed_forward = torch.nn.Sequential(
            torch.nn.Linear(dim, width), torch.nn.ReLU(), torch.nn.Linear(width, dim)
        )
        self.last_weights = None

    def forward(self, x: Any) -> Any:
        """Apply the block; keep the attention weights (averaged over heads) in ``last_weights``."""
        attended, self.last_weights = self.attend(x, x, x, need_weights=True)
        x = self.norm1(x + attended)
        return self.norm2(x + self.feed_forward(x))


class SequenceTagger(_module()):  # type: ignore[misc]
    """Predict one output token per input token, with a Transformer encoder or a recurrent net.

    Parameters
    ----------
    vocab_size, length
        Tokens and sequence length.
    kind
        ``"transformer"`` (embedding + positional encoding + encoder blocks) or
        ``"lstm"`` (embedding + bidirectional LSTM).
    dim, layers
        Width and number of blocks (or LSTM layers).

    Examples
    --------
    >>> import torch
    >>> SequenceTagger(10, 8, "lstm")(torch.zeros(3, 8, dtype=torch.long)).shape
    torch.Size([3, 8, 10])
    """

    def __init__(self, vocab_size: int, length: int, kind: str = "transformer", *,
                 dim: int = 64, layers: int = 2) -> None:  # fmt: skip
        import torch

        super().__init__()
        if kind not in ("transformer", "lstm"):
            raise ValueError(f"kind must be 'transformer' or 'lstm', got {kind!r}")
        self.kind = kind
        self.embed = torch.nn.Embedding(check_int("vocab_size", vocab_size, minimum=2), dim)
        layers = check_int("layers", layers, minimum=1)
        if kind == "transformer":
            pe = torch.tensor(positional_encoding(length, dim), dtype=torch.float32)
            self.register_buffer("position", pe)
            self.blocks = torch.nn.ModuleList([EncoderBlock(dim) for _ in range(layers)])
            self.output = torch.nn.Linear(dim, vocab_size)
        else:
            self.lstm = torch.nn.LSTM(dim, dim, num_layers=layers, batch_first=True,
                                      bidirectional=True)  # fmt: skip
            self.output = torch.nn.Linear(2 * dim, vocab_size)

    def forward(self, ids: Any) -> Any:
        """Return scores of shape ``(batch, length, vocab_size)``."""
        h = self.embed(ids)
        if self.kind == "lstm":
            return self.output(self.lstm(h)[0])
        h = h + self.position[: ids.shape[1]]
        for block in self.blocks:
            h = block(h)
        return self.output(h)


def reverse_task(n: int, length: int, vocab_size: int, seed: int | None = None) -> tuple[Any, Any]:
    """Random token sequences and their reversals, as ``(x, y)`` long tensors ``(n, length)``.

    Examples
    --------
    >>> x, y = reverse_task(2, 5, 10)
    >>> bool((y == x.flip(1)).all())
    True
    """
    seed = resolve_seed(seed)
    import torch

    n = check_int("n", n, minimum=1)
    length = check_int("length", length, minimum=2)
    vocab_size = check_int("vocab_size", vocab_size, minimum=2)
    rng = np.random.default_rng(check_int("seed", seed, minimum=0))
    x = torch.from_numpy(rng.integers(0, vocab_size, (n, length)))
    return x, x.flip(1)


def train_tagger(model: Any, x: Any, y: Any, *, steps: int = 500, batch_size: int = 64,
                 lr: float = 1e-3, seed: int | None = None) -> list[float]:  # fmt: skip
    """Train ``model`` with Adam and per-token cross-entropy; return the token accuracy per step.

    Examples
    --------
    >>> import torch
    >>> _ = torch.manual_seed(0)
    >>> x, y = reverse_task(256, 4, 3)
    >>> acc = train_tagger(SequenceTagger(3, 4, "lstm", dim=16), x, y, steps=150, lr=1e-2)
    >>> acc[-1] > 0.9
    True
    """
    seed = resolve_seed(seed)
    if not isinstance(model, SequenceTagger):
        raise TypeError(f"model must be a SequenceTagger, got {describe(model)}")
    _, accuracy = train_on_windows(
        model, x, y, steps=steps, batch_size=batch_size, lr=lr, seed=seed
    )
    return accuracy
