"""Distillation: a small linear student that imitates the Jigsaw toxic-comment network.

:func:`distillation_data` scores the book's offline texts with the network of
:mod:`dlguide.language.toxic` (the teacher); :func:`train_student` trains a
linear bag-of-word-pieces model on those six scores with PyTorch Lightning;
:func:`choose_thresholds` picks one decision threshold per label on validation
data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from dlguide._checks import (
    check_array,
    check_int,
    check_positive,
    check_same_length,
    check_str,
    check_texts,
)
from dlguide.book.seeding import resolve_seed
from dlguide.language.features import _piece_bag, _word_pieces
from dlguide.language.toxic import _TOKENIZER, _WEIGHTS, TOXIC_LABELS, toxicity_scores

__all__ = ["ToxicityStudent", "choose_thresholds", "distillation_data", "train_student"]


def distillation_data() -> Any:
    """The real offline texts, each with the Jigsaw network's six scores, split three ways.

    The texts are the VADER ground-truth texts (movie and product-review snippets,
    tweets, newspaper editorials) and the Rotten Tomatoes snippets, without
    duplicates. The labels are **not** human judgements of toxicity: they are the
    raw scores of the Jigsaw-trained network
    (:func:`~dlguide.language.toxic.toxicity_scores`), so a model trained on them
    learns to imitate that network (distillation). Scoring takes
    tens of seconds, so the scores are computed once and kept in the model cache
    (:mod:`dlguide.book.modelcache`), keyed on the texts and the weights.

    Returns
    -------
    pandas.DataFrame
        Columns ``source``, ``text``, one float column per label of
        :data:`~dlguide.language.toxic.TOXIC_LABELS`, and ``split`` (``"train"``,
        ``"valid"`` or ``"test"``: a fixed random half, quarter and quarter).

    Examples
    --------
    >>> data = distillation_data()
    >>> list(data.columns[:3]), sorted(data.split.unique())
    (['source', 'text', 'toxic'], ['test', 'train', 'valid'])
    """
    import hashlib

    import pandas as pd

    from dlguide.book.modelcache import cached_folder
    from dlguide.data.text import load_rotten_tomatoes, load_vader_ratings

    vader = load_vader_ratings("all")
    frame = pd.concat(
        [
            pd.DataFrame({"source": "VADER " + vader.domain, "text": vader.text}),
            pd.DataFrame({"source": "Rotten Tomatoes", "text": load_rotten_tomatoes().text}),
        ],
        ignore_index=True,
    )
    frame = frame.drop_duplicates("text", ignore_index=True)
    texts = list(frame.text)
    spec = {
        "texts": hashlib.sha256("\n".join(texts).encode()).hexdigest(),
        "weights": _WEIGHTS[1],
        "tokenizer": _TOKENIZER[1],
        "version": 1,
    }

    def build(folder: Any) -> None:
        np.save(folder / "scores.npy", toxicity_scores(texts))

    # The ported network and its tokenizer (toxic) and this function: an edit rescores.
    folder = cached_folder(
        "jigsaw-teacher-scores",
        spec,
        build,
        code=("dlguide.language.toxic", "dlguide.language.distillation"),
    )
    scores = np.load(folder / "scores.npy")
    for k, label in enumerate(TOXIC_LABELS):
        frame[label] = scores[:, k]
    order = np.random.default_rng(20_240_705).permutation(len(frame))
    split = np.empty(len(frame), dtype=object)
    half, three_quarters = len(frame) // 2, 3 * len(frame) // 4
    split[order[:half]], split[order[half:three_quarters]] = "train", "valid"
    split[order[three_quarters:]] = "test"
    frame["split"] = split
    return frame


@dataclass(frozen=True)
class ToxicityStudent:
    """A linear bag-of-word-pieces model for the six labels (from :func:`train_student`).

    Attributes
    ----------
    module
        The trained Lightning module; ``module.bag`` is an ``EmbeddingBag`` with one
        row of six weights per WordPiece of the BERT vocabulary, ``module.bias`` the
        six biases.
    tokenizer
        The bert-base-uncased WordPiece tokenizer that turns texts into pieces.
    seconds
        The training time.
    """

    module: Any
    tokenizer: Any
    seconds: float

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """Return the six predicted probabilities per text, shape ``(len(texts), 6)``."""
        import torch

        items = check_texts("texts", texts)
        ids, offsets = _piece_bag(_word_pieces(self.tokenizer, items, max_length=128))
        self.module.eval()
        with torch.no_grad():
            return torch.sigmoid(self.module(ids, offsets)).numpy()

    def top_pieces(self, label: str, k: int = 10) -> list[str]:
        """Return the ``k`` word pieces whose weight for ``label`` is largest."""
        column = TOXIC_LABELS.index(check_str("label", label, choices=TOXIC_LABELS))
        weights = self.module.bag.weight[:, column].detach().numpy()
        best = np.argsort(-weights)[: check_int("k", k, minimum=1)]
        return self.tokenizer.convert_ids_to_tokens(best.tolist())


@lru_cache(maxsize=1)
def _wordpiece_tokenizer() -> Any:
    """The bert-base-uncased WordPiece tokenizer that ships with the offline MiniLM encoder."""
    from transformers import AutoTokenizer

    from dlguide.data.text import minilm_path
    from dlguide.language.bert import quiet_transformers

    quiet_transformers()
    return AutoTokenizer.from_pretrained(minilm_path())


def train_student(
    texts: Sequence[str],
    targets: np.ndarray,
    *,
    epochs: int = 8,
    lr: float = 0.02,
    batch_size: int = 256,
    seed: int | None = None,
) -> ToxicityStudent:
    """Train a linear multi-label model on WordPiece counts with PyTorch Lightning.

    Each text becomes the bag of its bert-base-uncased word pieces; the model adds
    up one learned row of six weights per piece, plus six biases, and a sigmoid
    turns each of the six sums into a probability. The loss is binary
    cross-entropy, one term per label, against ``targets``, which may be 0/1
    labels or, for distillation, another model's probabilities.

    Parameters
    ----------
    texts
        The training texts.
    targets
        Array of shape ``(len(texts), 6)`` with values between 0 and 1.
    epochs, lr, batch_size, seed
        Passes over the data, Adam's learning rate, texts per step, the seed.

    Examples
    --------
    >>> texts = ["you idiot", "a lovely film", "what an idiot", "a fine day"] * 8
    >>> targets = np.zeros((32, 6)); targets[::2, 0] = 1.0
    >>> student = train_student(texts, targets, epochs=20, lr=0.1, batch_size=8)
    >>> p = student.predict(["idiot", "lovely"])[:, 0]
    >>> bool(p[0] > 0.5 > p[1])
    True
    """
    seed = resolve_seed(seed)
    import time

    import lightning as L
    import torch
    from torch import nn

    from dlguide._lightning import quiet_lightning

    items = check_texts("texts", texts)
    y = check_array("targets", targets, ndim=2).astype(np.float32)
    if y.shape != (len(items), len(TOXIC_LABELS)):
        raise ValueError(f"targets must have shape ({len(items)}, 6), got {y.shape}")
    if y.min() < 0 or y.max() > 1:
        raise ValueError("targets must lie between 0 and 1")
    check_int("epochs", epochs, minimum=1)
    rate = check_positive("lr", lr)
    check_int("batch_size", batch_size, minimum=1)
    torch.manual_seed(check_int("seed", seed, minimum=0))
    tokenizer = _wordpiece_tokenizer()
    prior = torch.logit(torch.from_numpy(y.mean(0)).clamp(1e-4, 1 - 1e-4))

    class BagOfPieces(L.LightningModule):
        def __init__(self) -> None:
            super().__init__()
            self.bag = nn.EmbeddingBag(len(tokenizer), len(TOXIC_LABELS), mode="sum")
            nn.init.zeros_(self.bag.weight)
            self.bias = nn.Parameter(prior.clone())  # start at the label frequencies

        def forward(self, ids: Any, offsets: Any) -> Any:
            return self.bag(ids, offsets) + self.bias  # logits, one per label

        def training_step(self, batch: Any, batch_idx: int) -> Any:
            (index,) = batch
            ids, offsets = _piece_bag([pieces[i] for i in index.tolist()])
            logits = self(ids, offsets)
            return nn.functional.binary_cross_entropy_with_logits(logits, target[index])

        def configure_optimizers(self) -> Any:
            return torch.optim.Adam(self.parameters(), lr=rate)

    pieces, target = _word_pieces(tokenizer, items, max_length=128), torch.from_numpy(y)
    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(torch.arange(len(items))),
        batch_size=batch_size, shuffle=True,
        generator=torch.Generator().manual_seed(seed),
    )  # fmt: skip
    module = BagOfPieces()
    start = time.perf_counter()
    with quiet_lightning():
        trainer = L.Trainer(max_epochs=epochs, accelerator="cpu", devices=1, logger=False,
                            enable_checkpointing=False, enable_progress_bar=False,
                            enable_model_summary=False)  # fmt: skip
        trainer.fit(module, loader)
    return ToxicityStudent(module.eval(), tokenizer, time.perf_counter() - start)


def choose_thresholds(y_true: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """Per label, the decision threshold on ``scores`` with the highest F1 score.

    Choose it on validation data, then apply it unchanged to the test data.

    Parameters
    ----------
    y_true
        0/1 (or boolean) array of shape ``(n, n_labels)``; each column needs at
        least one positive and one negative.
    scores
        Array of the same shape: the model's scores.

    Examples
    --------
    >>> y = np.array([[0], [0], [1], [1]])
    >>> choose_thresholds(y, np.array([[0.1], [0.4], [0.35], [0.8]]))
    array([0.35])
    """
    from sklearn.metrics import precision_recall_curve

    truth = check_array("y_true", y_true, ndim=2, kind="any")
    if truth.dtype != bool and not np.issubdtype(truth.dtype, np.integer):
        raise TypeError(f"y_true must hold 0/1 integers or booleans, got dtype {truth.dtype}")
    if not np.isin(truth, (0, 1)).all():
        raise ValueError("y_true must hold only 0 and 1")
    values = check_array("scores", scores, ndim=2)
    check_same_length(y_true=truth, scores=values)
    if truth.shape != values.shape:
        raise ValueError(f"scores must have the shape of y_true {truth.shape}, got {values.shape}")
    out = []
    for k in range(truth.shape[1]):
        if truth[:, k].min() == truth[:, k].max():
            raise ValueError(f"y_true column {k} needs both positives and negatives")
        precision, recall, cuts = precision_recall_curve(truth[:, k], values[:, k])
        f1 = 2 * precision * recall / np.maximum(precision + recall, 1e-12)
        out.append(cuts[np.argmax(f1[:-1])])
    return np.array(out)
