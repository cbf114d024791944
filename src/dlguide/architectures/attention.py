"""Attention from the formula, positional encodings, and the reversal task.

Scaled dot-product attention: every position asks a *query*, compares it with
the *keys* of all positions, and takes the softmax-weighted average of their
*values*: ``softmax(Q K^T / sqrt(d)) V``. A Transformer encoder block is
multi-head attention followed by a small feed-forward network, each with a
residual connection and layer normalisation; that block and the tagger built
from it are in :mod:`dlguide.architectures.transformer` (they need torch at
import time, this module does not).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from dlguide._checks import check_int, describe
from dlguide.book.seeding import resolve_seed
from dlguide.training._windows import train_on_windows

__all__ = [
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
    >>> from dlguide.architectures.transformer import SequenceTagger
    >>> acc = train_tagger(SequenceTagger(3, 4, "lstm", dim=16), x, y, steps=150, lr=1e-2)
    >>> acc[-1] > 0.9
    True
    """
    from dlguide.architectures.transformer import SequenceTagger

    seed = resolve_seed(seed)
    if not isinstance(model, SequenceTagger):
        raise TypeError(f"model must be a SequenceTagger, got {describe(model)}")
    _, accuracy = train_on_windows(
        model, x, y, steps=steps, batch_size=batch_size, lr=lr, seed=seed
    )
    return accuracy
