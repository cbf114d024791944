"""The Jigsaw-trained toxic-comment network of ``tox-block``, ported to PyTorch.

``tox-block==0.1.2`` (MIT licence, by Pascal Bliem) ships a bidirectional LSTM
trained on the Jigsaw Toxic Comment Classification data with its six labels, as
Keras HDF5 weights and a pickled Keras tokenizer. Importing ``tox_block`` imports
TensorFlow, so it is never imported here: the weights are read with ``h5py``, the
tokenizer is unpickled only after a SHA-256 check and through an unpickler that
allows nothing but the five classes the file needs, and the network runs in
PyTorch (:class:`JigsawBiLSTM`).

The network: Embedding(20000, 50) -> bidirectional LSTM (50 units each way, with
Keras' "hard sigmoid" gates) -> max over time -> Dense(50, ReLU) -> Dense(6,
sigmoid). :func:`mask_offensive` uses it to mask offensive words before a text
is shown.
"""

from __future__ import annotations

import io
import pickle
import re
from collections import OrderedDict, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from dlguide._checks import (
    check_array,
    check_int,
    check_real,
    check_same_length,
    check_str,
    describe,
)
from dlguide.book.seeding import resolve_seed
from dlguide.data._package_files import DataError, package_file

__all__ = [
    "PUBLISHED_EXAMPLES",
    "RESCALE_RANGES",
    "TOXIC_LABELS",
    "JigsawBiLSTM",
    "ToxicityStudent",
    "choose_thresholds",
    "distillation_data",
    "jigsaw_word_ids",
    "load_jigsaw_model",
    "lstm_step",
    "mask_offensive",
    "rescale_scores",
    "toxicity_scores",
    "train_student",
]

#: The six Jigsaw labels, in the order of the network's outputs.
TOXIC_LABELS = ("toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate")

#: ``tox_block.config.RESCALE_PROBA``: per label, the (min, max) used to min-max-scale scores.
RESCALE_RANGES = (
    (0.002116, 0.999858),
    (0.000011, 0.648682),
    (0.000347, 0.997533),
    (0.000040, 0.918887),
    (0.000373, 0.986303),
    (0.000074, 0.901117),
)

#: The three texts scored in tox-block's README (``make_predictions(..., rescale=True)``),
#: with the six rescaled scores it publishes for each, in the order of :data:`TOXIC_LABELS`.
PUBLISHED_EXAMPLES = (
    (
        "Good morning my friend, I hope you're having a fantastic day!",
        (0.05347811430692673, 0.0006274021579883993, 0.004466842859983444,
         0.009578478522598743, 0.00757843442261219, 0.002106667961925268),
    ),
    (
        "I will kill you, you fucking idiot!",
        (0.9998679757118225, 0.7870362997055054, 0.9885633587837219,
         0.8483908176422119, 0.9883397221565247, 0.171059250831604),
    ),
    (
        "I do strongly disagree with the fascist views of this joke that calls itself a "
        "political party.",
        (0.026190076023340225, 7.185135473264381e-05, 0.0009493605466559529,
         0.00012321282702032477, 0.0029190618079155684, 0.0022098885383456945),
    ),
)  # fmt: skip

_PIP = "--no-deps tox-block==0.1.2"
_WEIGHTS = (
    "trained_models/lstm_model_0.1.2.h5",
    "587d40726f1250341a3661fac099e46582cf34cdd5136eb88a726bf6d62ec24e",
)
_TOKENIZER = (
    "trained_models/encoder_0.1.2.pkl",
    "f73db76ce4138c0a566cf91a84077ab66db1f5da40d795d2f751b5a157d91ce7",
)
_MAX_WORDS = 20_000  # the tokenizer's num_words: rarer words are dropped
_LENGTH = 100  # texts are cut or left-padded with 0 to this many word ids
# The Keras tokenizer's defaults: these characters become spaces, then split on spaces.
_FILTERS = str.maketrans({c: " " for c in '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'})


class _Stored:
    """Stands in for a pickled object of a class that must not be imported; keeps its state."""


# The only globals the tokenizer pickle may name: two classes whose state is kept as
# plain attributes (their code is never loaded), and three harmless builtins.
_ALLOWED = {
    ("tox_block.data_processing.preprocessors", "TokenSequencer"): _Stored,
    ("keras_preprocessing.text", "Tokenizer"): _Stored,
    ("collections", "OrderedDict"): OrderedDict,
    ("collections", "defaultdict"): defaultdict,
    ("builtins", "int"): int,
}


class _TokenizerUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in _ALLOWED:
            raise DataError(f"refusing to unpickle {module}.{name}: it is not on the allow-list")
        return _ALLOWED[(module, name)]


@lru_cache(maxsize=1)
def _word_index() -> dict[str, int]:
    path = package_file("tox_block", *_TOKENIZER, pip_name=_PIP)
    sequencer = _TokenizerUnpickler(io.BytesIO(path.read_bytes())).load()
    tokenizer = getattr(sequencer, "tokenizer", None)
    index = getattr(tokenizer, "word_index", None)
    if not isinstance(index, dict) or tokenizer.num_words != _MAX_WORDS:
        raise DataError(f"{path} does not hold the expected Keras tokenizer")
    return {word: i for word, i in index.items() if i < _MAX_WORDS}


def _check_texts(texts: Any) -> list[str]:
    if isinstance(texts, str) or not isinstance(texts, Sequence) or len(texts) == 0:
        raise TypeError(f"texts must be a non-empty list of strings, got {describe(texts)}")
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise TypeError(f"texts[{i}] must be a string, got {describe(text)}")
    return list(texts)


def jigsaw_word_ids(texts: Sequence[str]) -> np.ndarray:
    """Turn texts into the network's input: 100 word ids per text, as the Keras tokenizer does.

    Lower-case, punctuation to spaces, split on spaces, keep the words among the
    tokenizer's 19,999 most frequent (ids 1 to 19,999), keep the *last* 100 and
    pad on the left with 0.

    Examples
    --------
    >>> ids = jigsaw_word_ids(["You, the reader!"])
    >>> ids.shape, ids[0, -3:].tolist()
    ((1, 100), [6, 1, 1034])
    """
    items = _check_texts(texts)
    index = _word_index()
    out = np.zeros((len(items), _LENGTH), dtype=np.int64)
    for row, text in enumerate(items):
        ids = [index[w] for w in text.lower().translate(_FILTERS).split(" ") if w in index]
        ids = ids[-_LENGTH:]
        if ids:
            out[row, -len(ids) :] = ids
    return out


def _hard_sigmoid(x: Any) -> Any:
    """Keras' piecewise-linear sigmoid: ``clip(0.2 * x + 0.5, 0, 1)`` (NumPy or torch)."""
    return (0.2 * x + 0.5).clip(0.0, 1.0)


def _check_tensor(name: str, value: Any, ndim: int) -> Any:
    import torch

    if not isinstance(value, torch.Tensor) or not value.is_floating_point():
        raise TypeError(f"{name} must be a floating-point torch tensor, got {describe(value)}")
    if value.ndim != ndim:
        raise ValueError(f"{name} must be a {ndim}-D tensor, got shape {tuple(value.shape)}")
    if 0 in value.shape:
        raise ValueError(f"{name} must not be empty, got shape {tuple(value.shape)}")
    if not torch.isfinite(value).all():
        raise ValueError(f"{name} contains NaN or infinite values")
    return value


def lstm_step(x: Any, h: Any, c: Any, kernel: Any, recurrent: Any, bias: Any) -> tuple[Any, Any]:
    """One step of a Keras LSTM, in torch: return the new ``(h, c)``.

    The four gates are stacked in Keras' order (input, forget, candidate, output).
    The input, forget and output gates use Keras' "hard sigmoid",
    ``clip(0.2 * z + 0.5, 0, 1)``, as tox-block's LSTM does.

    Parameters
    ----------
    x
        Inputs, shape ``(batch, n_in)``.
    h, c
        Hidden and cell state, shape ``(batch, units)``.
    kernel, recurrent, bias
        Weights of shape ``(n_in, 4 * units)``, ``(units, 4 * units)``, ``(4 * units,)``.

    Examples
    --------
    >>> import torch
    >>> z = torch.zeros(1, 2)
    >>> h, c = lstm_step(torch.ones(1, 3), z, z, torch.zeros(3, 8), torch.zeros(2, 8),
    ...                  torch.ones(8))
    >>> round(float(c[0, 0]), 4), round(float(h[0, 0]), 4)
    (0.5331, 0.3414)
    """
    units = _check_tensor("recurrent", recurrent, 2).shape[0]
    n_in = _check_tensor("kernel", kernel, 2).shape[0]
    batch = _check_tensor("x", x, 2).shape[0]
    for name, value, shape in (("x", x, (batch, n_in)), ("h", h, (batch, units)),
                               ("c", c, (batch, units)), ("kernel", kernel, (n_in, 4 * units)),
                               ("recurrent", recurrent, (units, 4 * units)),
                               ("bias", bias, (4 * units,))):  # fmt: skip
        _check_tensor(name, value, len(shape))
        if tuple(value.shape) != shape:
            raise ValueError(
                f"{name} must have shape {shape} for an LSTM of {units} units with {n_in} "
                f"inputs and a batch of {batch}, got {tuple(value.shape)}"
            )
    return _lstm_step(x, h, c, kernel, recurrent, bias)


def _lstm_step(x: Any, h: Any, c: Any, kernel: Any, recurrent: Any, bias: Any) -> tuple[Any, Any]:
    import torch

    gates = x @ kernel + h @ recurrent + bias
    i, f, g, o = gates.chunk(4, dim=1)
    c = _hard_sigmoid(f) * c + _hard_sigmoid(i) * torch.tanh(g)
    return _hard_sigmoid(o) * torch.tanh(c), c


@dataclass(frozen=True)
class JigsawBiLSTM:
    """tox-block's network, as torch tensors read from its HDF5 file; call it on word ids.

    Attributes
    ----------
    weights
        Tensor per Keras weight name, e.g. ``"embedding"``, ``"forward_kernel"``,
        ``"dense_kernel"``.
    """

    weights: dict[str, Any]

    def __call__(self, ids: Any) -> Any:
        """Return the six sigmoid outputs per text for word ids of shape ``(batch, 100)``."""
        import torch

        w = self.weights
        if not isinstance(ids, torch.Tensor) or ids.dtype != torch.int64 or ids.ndim != 2:
            raise TypeError(f"ids must be a 2-D int64 torch tensor, got {describe(ids)}")
        if ids.numel() and (ids.min() < 0 or ids.max() >= w["embedding"].shape[0]):
            raise ValueError(f"ids must lie in range({w['embedding'].shape[0]})")
        x = w["embedding"][ids]  # (batch, time, 50)
        both = []
        for direction, steps in (("forward", range(x.shape[1])),
                                 ("backward", reversed(range(x.shape[1])))):  # fmt: skip
            h = c = x.new_zeros(x.shape[0], w[f"{direction}_recurrent"].shape[0])
            outputs = []
            for t in steps:
                h, c = _lstm_step(x[:, t], h, c, w[f"{direction}_kernel"],
                                 w[f"{direction}_recurrent"], w[f"{direction}_bias"])  # fmt: skip
                outputs.append(h)
            both.append(torch.stack(outputs, 1).amax(1))  # max over time
        pooled = torch.cat(both, 1)
        hidden = torch.relu(pooled @ w["dense_kernel"] + w["dense_bias"])
        return torch.sigmoid(hidden @ w["out_kernel"] + w["out_bias"])


@lru_cache(maxsize=1)
def load_jigsaw_model() -> JigsawBiLSTM:
    """Read tox-block's trained weights from its HDF5 file (after a SHA-256 check).

    Raises
    ------
    DataError
        If ``tox-block`` is not installed, or its weights are not the expected file.

    Examples
    --------
    >>> model = load_jigsaw_model()
    >>> tuple(model.weights["embedding"].shape), tuple(model.weights["out_kernel"].shape)
    ((20000, 50), (50, 6))
    """
    import h5py
    import torch

    path = package_file("tox_block", *_WEIGHTS, pip_name=_PIP)
    names = {
        "embedding": "embedding/embedding/embeddings:0",
        "dense_kernel": "dense/dense/kernel:0",
        "dense_bias": "dense/dense/bias:0",
        "out_kernel": "dense_1/dense_1/kernel:0",
        "out_bias": "dense_1/dense_1/bias:0",
    }
    for direction in ("forward", "backward"):
        for ours, keras in (("kernel", "kernel"), ("recurrent", "recurrent_kernel"),
                            ("bias", "bias")):  # fmt: skip
            names[f"{direction}_{ours}"] = f"bidirectional/bidirectional/{direction}_lstm/{keras}:0"
    with h5py.File(path, "r") as fh:
        group = fh["model_weights"]
        weights = {ours: torch.from_numpy(group[keras][()]) for ours, keras in names.items()}
    return JigsawBiLSTM(weights)


def rescale_scores(scores: np.ndarray) -> np.ndarray:
    """Min-max-scale raw scores with :data:`RESCALE_RANGES`, as tox-block's ``rescale=True``.

    ``abs((p - min) / (max - min))`` per label: a score of 1 means "as high as the
    highest score the author saw for this label", not a probability; it can exceed 1.

    Examples
    --------
    >>> rescale_scores(np.array([[0.002116, 0.648682, 0.5, 0.5, 0.5, 0.5]]))[0, :2]
    array([0., 1.])
    """
    values = np.asarray(scores)
    check_array("scores", scores, ndim=2)
    if values.shape[1] != len(TOXIC_LABELS):
        raise ValueError(f"scores must have 6 columns, one per label, got shape {values.shape}")
    low, high = np.array(RESCALE_RANGES).T
    return np.abs((values - low) / (high - low))


def toxicity_scores(
    texts: Sequence[str], *, rescale: bool = False, batch_size: int = 1024
) -> np.ndarray:
    """Score texts with the Jigsaw network: one column per label of :data:`TOXIC_LABELS`.

    Parameters
    ----------
    texts
        The texts, a list of strings.
    rescale
        ``False`` (default): the network's sigmoid outputs, each between 0 and 1.
        ``True``: min-max-scaled as tox-block's ``rescale=True`` (:func:`rescale_scores`).
    batch_size
        Texts per forward pass.

    Returns
    -------
    numpy.ndarray
        ``float32`` array of shape ``(len(texts), 6)``.

    Examples
    --------
    >>> scores = toxicity_scores(["Have a lovely day.", "You are a stupid idiot."])
    >>> scores.shape, bool(scores[1, 0] > 0.9 > 0.1 > scores[0, 0])
    ((2, 6), True)
    """
    import torch

    items = _check_texts(texts)
    if not isinstance(rescale, bool):
        raise TypeError(f"rescale must be True or False, got {describe(rescale)}")
    check_int("batch_size", batch_size, minimum=1)
    model = load_jigsaw_model()
    ids = torch.from_numpy(jigsaw_word_ids(items))
    with torch.no_grad():
        out = torch.cat([model(ids[i : i + batch_size]) for i in range(0, len(ids), batch_size)])
    scores = out.numpy()
    return rescale_scores(scores).astype(np.float32) if rescale else scores


_WORD = re.compile(r"[A-Za-z][A-Za-z']*")


def mask_offensive(text: str, *, threshold: float = 0.5) -> str:
    """Mask each word that the Jigsaw network, reading it alone, finds offensive.

    Every word is scored on its own; a word whose ``toxic``, ``obscene``,
    ``threat``, ``insult`` or ``identity_hate`` score is at least ``threshold``
    keeps its first letter and the rest becomes asterisks. A word list cannot
    foresee every spelling and a model can miss some; read the output, do not
    trust it blindly.

    Examples
    --------
    >>> mask_offensive("What an idiot. Have a lovely day!")
    'What an i****. Have a lovely day!'
    """
    check_str("text", text)
    limit = check_real("threshold", threshold)
    if not 0.0 < limit < 1.0:
        raise ValueError(f"threshold must be strictly between 0 and 1, got {limit}")
    words = sorted({m.group() for m in _WORD.finditer(text)})
    if not words:
        return text
    scores = toxicity_scores(words)
    columns = [TOXIC_LABELS.index(n) for n in TOXIC_LABELS if n != "severe_toxic"]
    flagged = {w for w, s in zip(words, scores[:, columns].max(1)) if s >= limit}
    return _WORD.sub(lambda m: _star(m.group()) if m.group() in flagged else m.group(), text)


def _star(word: str) -> str:
    return word[0] + "*" * (len(word) - 1)


def distillation_data() -> Any:
    """The real offline texts, each with the Jigsaw network's six scores, split three ways.

    The texts are the VADER ground-truth texts (movie and product-review snippets,
    tweets, newspaper editorials) and the Rotten Tomatoes snippets, without
    duplicates. The labels are **not** human judgements of toxicity: they are the
    raw scores of the Jigsaw-trained network (:func:`toxicity_scores`), so a model
    trained on them learns to imitate that network (distillation). Scoring takes
    tens of seconds, so the scores are computed once and kept in the model cache
    (:mod:`dlguide.book.modelcache`), keyed on the texts and the weights.

    Returns
    -------
    pandas.DataFrame
        Columns ``source``, ``text``, one float column per label of
        :data:`TOXIC_LABELS`, and ``split`` (``"train"``, ``"valid"`` or ``"test"``:
        a fixed random half, quarter and quarter).

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

    # The ported network and its tokenizer live in this module: an edit to it rescores.
    folder = cached_folder("jigsaw-teacher-scores", spec, build, code=("dlguide.language.toxic",))
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

        items = _check_texts(texts)
        ids, offsets = _bag(_pieces(self.tokenizer, items))
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


def _pieces(tokenizer: Any, texts: list[str]) -> list[list[int]]:
    encoded = tokenizer(texts, add_special_tokens=False, truncation=True, max_length=128)
    return [ids or [tokenizer.unk_token_id] for ids in encoded["input_ids"]]


def _bag(pieces: list[list[int]]) -> tuple[Any, Any]:
    """Flat word-piece ids and the offset where each text starts, for ``EmbeddingBag``."""
    import torch

    offsets = np.concatenate([[0], np.cumsum([len(p) for p in pieces])[:-1]])
    return torch.as_tensor([i for p in pieces for i in p]), torch.as_tensor(offsets)


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

    items = _check_texts(texts)
    y = check_array("targets", targets, ndim=2).astype(np.float32)
    if y.shape != (len(items), len(TOXIC_LABELS)):
        raise ValueError(f"targets must have shape ({len(items)}, 6), got {y.shape}")
    if y.min() < 0 or y.max() > 1:
        raise ValueError("targets must lie between 0 and 1")
    check_int("epochs", epochs, minimum=1)
    rate = check_real("lr", lr)
    if rate <= 0:
        raise ValueError(f"lr must be positive, got {rate}")
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
            ids, offsets = _bag([pieces[i] for i in index.tolist()])
            logits = self(ids, offsets)
            return nn.functional.binary_cross_entropy_with_logits(logits, target[index])

        def configure_optimizers(self) -> Any:
            return torch.optim.Adam(self.parameters(), lr=rate)

    pieces, target = _pieces(tokenizer, items), torch.from_numpy(y)
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
