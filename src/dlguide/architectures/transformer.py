"""A Transformer encoder block and a sequence tagger: the networks of the attention chapter.

:class:`EncoderBlock` is multi-head self-attention and a feed-forward network,
each with a residual connection and layer normalisation; :class:`SequenceTagger`
stacks such blocks (or a bidirectional LSTM, for comparison) to predict one
token per input token. They live apart from :mod:`dlguide.architectures.attention`
because defining a ``torch.nn.Module`` needs torch at import time.
"""

from __future__ import annotations

from typing import Any

import torch

from dlguide._checks import check_int
from dlguide.architectures.attention import positional_encoding

__all__ = ["EncoderBlock", "SequenceTagger"]


class EncoderBlock(torch.nn.Module):
    """One Transformer encoder block: multi-head self-attention and a feed-forward network.

    Examples
    --------
    >>> import torch
    >>> block = EncoderBlock(16, heads=4)
    >>> block(torch.zeros(2, 5, 16)).shape
    torch.Size([2, 5, 16])
    """

    def __init__(self, dim: int, heads: int = 4, hidden: int | None = None) -> None:
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
        self.last_head_weights = None

    def forward(self, x: Any) -> Any:
        """Apply the block; keep its attention weights.

        ``last_head_weights`` holds them per head, ``(batch, heads, queries, keys)``;
        ``last_weights`` their mean over the heads, ``(batch, queries, keys)``.
        """
        attended, heads = self.attend(x, x, x, need_weights=True, average_attn_weights=False)
        self.last_head_weights = heads
        self.last_weights = heads.mean(dim=1)
        x = self.norm1(x + attended)
        return self.norm2(x + self.feed_forward(x))


class SequenceTagger(torch.nn.Module):
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
