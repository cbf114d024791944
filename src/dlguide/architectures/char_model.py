"""A character-level language model: the network of the recurrent-networks chapter.

:class:`CharModel` wraps PyTorch's ``RNN``, ``LSTM`` or ``GRU`` between a
character embedding and a linear output. It lives apart from
:mod:`dlguide.architectures.sequences` because defining a ``torch.nn.Module``
needs torch at import time, and the rest of the chapter's code does not.
:func:`keras_char_lstm` builds the LSTM model in Keras (imported when called).
"""

from __future__ import annotations

from typing import Any

import torch

from dlguide._checks import check_int, check_str
from dlguide.architectures.sequences import CELLS

__all__ = ["CharModel", "keras_char_lstm"]


class CharModel(torch.nn.Module):
    """A character-level language model: embedding, one recurrent layer, and a linear output.

    Parameters
    ----------
    vocab_size
        Number of distinct characters.
    cell
        ``"rnn"`` (tanh), ``"lstm"`` or ``"gru"``.
    hidden, embed
        Sizes of the hidden state and of the character embedding.

    Examples
    --------
    >>> import torch
    >>> model = CharModel(10, "lstm", hidden=8)
    >>> model(torch.zeros(2, 5, dtype=torch.long)).shape
    torch.Size([2, 5, 10])
    """

    def __init__(self, vocab_size: int, cell: str = "lstm", *, hidden: int = 128,
                 embed: int = 32) -> None:  # fmt: skip
        super().__init__()
        vocab_size = check_int("vocab_size", vocab_size, minimum=2)
        self.cell = check_str("cell", cell, choices=CELLS)
        hidden = check_int("hidden", hidden, minimum=1)
        embed = check_int("embed", embed, minimum=1)
        layer = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell]
        self.embed = torch.nn.Embedding(vocab_size, embed)
        self.recurrent = layer(embed, hidden, batch_first=True)
        self.output = torch.nn.Linear(hidden, vocab_size)

    def forward(self, ids: Any) -> Any:
        """Return next-character scores (logits), shape ``(batch, time, vocab_size)``."""
        return self.output(self.recurrent(self.embed(ids))[0])


def keras_char_lstm(vocab_size: int, *, hidden: int = 128, embed: int = 32) -> Any:
    """Return :class:`CharModel`'s LSTM model in Keras (uncompiled), outputting logits.

    ``Embedding``, ``LSTM`` (all time steps) and ``Dense``, of the same sizes as
    ``CharModel(vocab_size, "lstm", hidden=hidden, embed=embed)``. Keras' LSTM has one
    bias per gate where PyTorch's has two (``bias_ih`` and ``bias_hh``, only ever added
    together), so it has ``4 * hidden`` parameters fewer for the same function.

    Examples
    --------
    >>> model = keras_char_lstm(10, hidden=8, embed=4)
    >>> model.count_params(), model.output_shape
    (546, (None, None, 10))
    """
    import keras

    vocab_size = check_int("vocab_size", vocab_size, minimum=2)
    hidden = check_int("hidden", hidden, minimum=1)
    embed = check_int("embed", embed, minimum=1)
    return keras.Sequential([
        keras.Input(shape=(None,), dtype="int32"),
        keras.layers.Embedding(vocab_size, embed),
        keras.layers.LSTM(hidden, return_sequences=True),
        keras.layers.Dense(vocab_size),
    ])  # fmt: skip
