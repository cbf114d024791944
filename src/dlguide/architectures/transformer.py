"""A Transformer encoder block and a sequence tagger: the networks of the attention chapter.

:class:`EncoderBlock` is multi-head self-attention and a feed-forward network,
each with a residual connection and layer normalisation; :class:`SequenceTagger`
stacks such blocks (or a bidirectional LSTM, for comparison) to predict one
token per input token. They live apart from :mod:`dlguide.architectures.attention`
because defining a ``torch.nn.Module`` needs torch at import time.
:func:`keras_sequence_tagger` builds the Transformer tagger in Keras (imported when
called).
"""

from __future__ import annotations

from typing import Any

import torch

from dlguide._checks import check_int
from dlguide.architectures.attention import positional_encoding

__all__ = ["EncoderBlock", "SequenceTagger", "keras_sequence_tagger"]


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


def keras_sequence_tagger(vocab_size: int, length: int, *, dim: int = 64, layers: int = 2,
                          heads: int = 4) -> Any:  # fmt: skip
    """Return :class:`SequenceTagger`'s Transformer in Keras (uncompiled), outputting logits.

    The same layers as ``SequenceTagger(vocab_size, length, "transformer", dim=dim,
    layers=layers)``: an embedding plus the fixed positional encodings, then ``layers``
    encoder blocks (``MultiHeadAttention`` with ``heads`` heads of ``dim // heads``
    dimensions each, a residual addition and a layer norm; a feed-forward network
    ``dim -> 4 * dim -> dim`` with ReLU, a residual addition and a layer norm), then a
    dense output. The layer norms use PyTorch's epsilon (``1e-5``; Keras' default is
    ``1e-3``), so the two compute the same function from the same weights, and they
    have the same number of parameters.

    Examples
    --------
    >>> model = keras_sequence_tagger(10, 8, dim=16, layers=1)
    >>> model.count_params(), model.output_shape
    (3610, (None, 8, 10))
    """
    import keras

    vocab_size = check_int("vocab_size", vocab_size, minimum=2)
    length = check_int("length", length, minimum=1)
    dim = check_int("dim", dim, minimum=1)
    layers = check_int("layers", layers, minimum=1)
    heads = check_int("heads", heads, minimum=1)
    if dim % heads:
        raise ValueError(f"dim ({dim}) must be divisible by heads ({heads})")
    ids = keras.Input(shape=(length,), dtype="int32")
    h = keras.layers.Embedding(vocab_size, dim)(ids)
    h = h + positional_encoding(length, dim).astype("float32")
    for _ in range(layers):
        attended = keras.layers.MultiHeadAttention(heads, key_dim=dim // heads)(h, h)
        h = keras.layers.LayerNormalization(epsilon=1e-5)(h + attended)
        widened = keras.layers.Dense(4 * dim, activation="relu")(h)
        h = keras.layers.LayerNormalization(epsilon=1e-5)(h + keras.layers.Dense(dim)(widened))
    return keras.Model(ids, keras.layers.Dense(vocab_size)(h))
