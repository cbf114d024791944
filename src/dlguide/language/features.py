"""Feature extraction with a frozen encoder, and a small text network trained from scratch.

These are two of the competitors in the chapter on fine-tuning versus feature
extraction: :func:`encode` turns texts into fixed vectors with the pretrained
MiniLM encoder (no training), for a logistic regression on top; and
:func:`train_bag_of_pieces` trains a small network from random weights.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from dlguide._checks import (
    as_checked_array,
    check_class_ids,
    check_int,
    check_positive,
    check_texts,
    describe,
)
from dlguide.book.seeding import resolve_seed
from dlguide.training.loop import train_loop

__all__ = ["encode", "predict_bag_of_pieces", "train_bag_of_pieces"]


def encode(texts: Sequence[str], *, batch_size: int = 64, max_length: int = 64) -> np.ndarray:
    """Return one 384-number vector per text: the frozen encoder's mean-pooled last layer.

    Mean pooling over the non-padding tokens is how all-MiniLM-L6-v2 was trained to
    represent a sentence. No weight changes: this is feature extraction. The texts go
    through the encoder in batches of similar length
    (:func:`~dlguide.language.bert.length_sorted_batches`), which halves the work.

    Examples
    --------
    >>> vectors = encode(["A fine film.", "A dull film."])
    >>> vectors.shape
    (2, 384)
    """
    import torch

    from dlguide.language.bert import length_sorted_batches, load_encoder

    items = check_texts("texts", texts)
    check_int("batch_size", batch_size, minimum=1)
    check_int("max_length", max_length, minimum=2)
    tokenizer, model = load_encoder()
    out = np.zeros((len(items), model.config.hidden_size), dtype=np.float32)
    with torch.no_grad():
        for rows, batch in length_sorted_batches(tokenizer, items, batch_size=batch_size,
                                                 max_length=max_length):  # fmt: skip
            hidden = model(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).float()
            out[rows] = ((hidden * mask).sum(1) / mask.sum(1)).numpy()
    return out


def train_bag_of_pieces(
    texts: Sequence[str],
    labels: Any,
    *,
    n_classes: int,
    dim: int = 64,
    epochs: int = 30,
    lr: float = 0.01,
    seed: int | None = None,
) -> Any:
    """Train a small network from scratch: averaged word-piece embeddings, then a linear layer.

    The embedding table (one row per word piece of the BERT vocabulary) starts
    random; everything is learned from the labelled texts alone.

    Examples
    --------
    >>> net = train_bag_of_pieces(["good", "bad"] * 4, np.array([1, 0] * 4), n_classes=2,
    ...                           epochs=20)
    >>> predict_bag_of_pieces(net, ["good", "bad"]).tolist()
    [1, 0]
    """
    seed = resolve_seed(seed)
    import torch

    from dlguide.language.bert import load_encoder

    items = check_texts("texts", texts)
    y = as_checked_array("labels", labels, ndim=1, kind="integer")
    if len(y) != len(items):
        raise ValueError(f"texts has {len(items)} entries but labels has {len(y)}")
    k = check_int("n_classes", n_classes, minimum=2)
    check_class_ids("labels", y, k)
    check_int("dim", dim, minimum=1)
    check_int("epochs", epochs, minimum=1)
    rate = check_positive("lr", lr)
    torch.manual_seed(check_int("seed", seed, minimum=0))
    tokenizer, _ = load_encoder()
    net = torch.nn.Sequential(
        torch.nn.EmbeddingBag(len(tokenizer), dim, mode="mean"), torch.nn.Linear(dim, k)
    )
    net.tokenizer = tokenizer
    ids, offsets = _piece_bag(_word_pieces(tokenizer, items, max_length=64))
    target = torch.tensor(np.array(y, dtype=np.int64))

    def all_texts_loss(_: int) -> Any:  # full batch: every step sees every text
        return torch.nn.functional.cross_entropy(net[1](net[0](ids, offsets)), target)

    epochs_in_one_round = [range(epochs)]  # one step per epoch, nothing to validate
    train_loop(
        net, epochs_in_one_round, all_texts_loss, torch.optim.Adam(net.parameters(), lr=rate)
    )
    return net


def _word_pieces(tokenizer: Any, texts: list[str], *, max_length: int) -> list[list[int]]:
    """The word-piece ids of each text (at most ``max_length``; ``[UNK]`` for an empty text)."""
    encoded = tokenizer(texts, add_special_tokens=False, truncation=True, max_length=max_length)
    return [ids or [tokenizer.unk_token_id] for ids in encoded["input_ids"]]


def _piece_bag(pieces: list[list[int]]) -> tuple[Any, Any]:
    """Flat word-piece ids and the offset where each text starts, for ``EmbeddingBag``."""
    import torch

    offsets = np.concatenate([[0], np.cumsum([len(p) for p in pieces])[:-1]])
    return torch.as_tensor([i for p in pieces for i in p]), torch.as_tensor(offsets)


def predict_bag_of_pieces(net: Any, texts: Sequence[str]) -> np.ndarray:
    """Return the predicted class of each text for a network from :func:`train_bag_of_pieces`.

    Examples
    --------
    >>> net = train_bag_of_pieces(["good", "bad"], np.array([1, 0]), n_classes=2, epochs=1)
    >>> predict_bag_of_pieces(net, ["good", "bad", "fine"]).shape
    (3,)
    """
    import torch

    if not isinstance(net, torch.nn.Module) or not hasattr(net, "tokenizer"):
        raise TypeError(f"net must be a network from train_bag_of_pieces, got {describe(net)}")
    items = check_texts("texts", texts)
    ids, offsets = _piece_bag(_word_pieces(net.tokenizer, items, max_length=64))
    with torch.no_grad():
        return net[1](net[0](ids, offsets)).argmax(1).numpy()
