"""Sentiment with a fine-tuned BERT encoder: data splits, training, baselines.

The book has no pretrained BERT sentiment model to download, so
:func:`fine_tuned_sentiment` builds one: it fine-tunes the pretrained MiniLM
encoder on human-rated review snippets (VADER ground truth, mapped to 1 to 5
stars) and saves a standard ``transformers`` model folder, which
``transformers.pipeline("text-classification", model=folder)`` loads like any
model from a hub. It trains once and is cached (:mod:`dlguide.book.modelcache`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import chain, pairwise
from pathlib import Path
from typing import Any

import numpy as np

from dlguide._checks import (
    as_checked_array,
    check_class_ids,
    check_int,
    check_positive,
    check_same_length,
    check_texts,
    describe,
)
from dlguide.book.seeding import resolve_seed

__all__ = [
    "STAR_EDGES",
    "STAR_NAMES",
    "SentimentSplits",
    "classify",
    "fine_tuned_sentiment",
    "length_grouped_epochs",
    "off_by_one_accuracy",
    "sentiment_splits",
    "stars_from_ratings",
    "thresholds_like",
    "train_text_classifier",
]


def _check_folder(folder: Any, *, allow_none: bool = False) -> None:
    if allow_none and folder is None:
        return
    if not isinstance(folder, (str, os.PathLike)) or not str(folder):
        wanted = "a folder path (or None)" if allow_none else "a folder path"
        raise TypeError(f"folder must be {wanted}, got {describe(folder)}")


#: Rating boundaries (on VADER's -4 to +4 scale) between 1, 2, 3, 4 and 5 stars.
STAR_EDGES = (-2.0, -0.5, 0.5, 2.0)
#: Label names of the star classes 0-4.
STAR_NAMES = ("1 star", "2 stars", "3 stars", "4 stars", "5 stars")


def stars_from_ratings(ratings: Any) -> np.ndarray:
    """Map mean ratings from -4 to +4 to star classes 0-4 (1 to 5 stars).

    Below -2 is 1 star, -2 to -0.5 is 2, -0.5 to 0.5 is 3, 0.5 to 2 is 4, above 2 is 5.

    Examples
    --------
    >>> stars_from_ratings(np.array([-3.1, -1.0, 0.0, 1.2, 2.5]))
    array([0, 1, 2, 3, 4])
    """
    values = as_checked_array("ratings", ratings, ndim=1).astype(float)
    if np.any(np.abs(values) > 4):
        raise ValueError("ratings must lie between -4 and 4")
    return np.searchsorted(np.array(STAR_EDGES), values, side="left").astype(np.int64)


@dataclass(frozen=True)
class SentimentSplits:
    """Texts and star labels for training, validation and test (pandas DataFrames)."""

    train: Any
    valid: Any
    test: Any


def sentiment_splits(
    n_train: int = 3000, n_valid: int = 1000, n_test: int = 2000, *, seed: int | None = None
) -> SentimentSplits:
    """Split the VADER movie and product-review snippets into train, validation and test.

    Each frame has columns ``text``, ``rating`` (the mean human rating), ``stars``
    (class 0-4) and ``domain``. The split is random but fixed by ``seed``; the
    three parts never share a text.

    Examples
    --------
    >>> s = sentiment_splits(100, 50, 50)
    >>> len(s.train), len(s.valid), len(s.test), sorted(s.train.columns)
    (100, 50, 50, ['domain', 'rating', 'stars', 'text'])
    """
    seed = resolve_seed(seed)
    from dlguide.data.text import load_vader_ratings

    sizes = [check_int(n, v, minimum=1) for n, v in
             (("n_train", n_train), ("n_valid", n_valid), ("n_test", n_test))]  # fmt: skip
    check_int("seed", seed, minimum=0)
    frame = load_vader_ratings()
    frame = frame[frame.domain.isin(["movies", "amazon"])]
    frame = frame[frame.text.str.split().str.len() >= 3].drop_duplicates("text")
    if sum(sizes) > len(frame):
        raise ValueError(f"asked for {sum(sizes)} texts, only {len(frame)} are available")
    frame = frame.assign(stars=stars_from_ratings(frame.rating.to_numpy()))
    order = np.random.default_rng(seed).permutation(len(frame))
    columns = ["text", "rating", "stars", "domain"]
    parts, start = [], 0
    for size in sizes:
        parts.append(frame.iloc[order[start : start + size]][columns].reset_index(drop=True))
        start += size
    return SentimentSplits(*parts)


def off_by_one_accuracy(y_true: Any, y_pred: Any) -> float:
    """Share of predictions at most one class away from the truth (for ordered classes).

    Examples
    --------
    >>> off_by_one_accuracy(np.array([0, 2, 4]), np.array([1, 4, 4]))
    0.6666666666666666
    """
    t = as_checked_array("y_true", y_true, ndim=1, kind="integer")
    p = as_checked_array("y_pred", y_pred, ndim=1, kind="integer")
    check_same_length(y_true=t, y_pred=p)
    return float(np.mean(np.abs(t - p) <= 1))


def thresholds_like(scores: Any, labels: Any) -> np.ndarray:
    """Cut points that turn a continuous score into classes with the same shares as ``labels``.

    Used to turn a lexicon score (VADER's compound score, TextBlob's polarity) into
    stars fairly: the cut points are fitted on training data, then applied to test
    data with ``np.searchsorted(cuts, score)``.

    Examples
    --------
    >>> thresholds_like(np.array([0.1, 0.2, 0.3, 0.4]), np.array([0, 0, 1, 1]))
    array([0.25])
    """
    s = as_checked_array("scores", scores, ndim=1).astype(float)
    y = as_checked_array("labels", labels, ndim=1, kind="integer")
    check_same_length(scores=s, labels=y)
    check_class_ids("labels", y)
    n_classes = int(y.max()) + 1
    shares = np.cumsum(np.bincount(y, minlength=n_classes))[:-1] / len(y)
    return np.quantile(s, shares)


def length_grouped_epochs(
    lengths: Sequence[int],
    batch_size: int,
    *,
    epochs: int,
    generator: np.random.Generator,
    pool: int = 8,
) -> Iterator[Iterator[np.ndarray]]:
    """Yield ``epochs`` rounds of random training batches, each of texts of similar length.

    A batch of texts is padded to its longest, so random batches of the book's review
    snippets are about half padding. Each epoch here shuffles the indices, cuts the
    shuffle into pools of ``pool`` batches, sorts each pool by ``lengths`` and cuts it
    into batches, then shuffles the order of all the epoch's batches. A batch is still
    a random draw (its pool is), but of texts of about the same length, so it holds
    little padding. Every index is in exactly one batch of each epoch; one batch, the
    end of the last pool, may be smaller. The draws come from ``generator``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> epoch = next(length_grouped_epochs([5, 1, 4, 2, 3, 6], 2, epochs=1, generator=rng))
    >>> [batch.tolist() for batch in epoch]
    [[1, 3], [4, 2], [0, 5]]
    """
    sizes = as_checked_array("lengths", lengths, ndim=1, kind="integer")
    if sizes.min() < 0:
        raise ValueError(f"lengths must be counts of tokens (0 or more), got {sizes.min()}")
    batch_size = check_int("batch_size", batch_size, minimum=1)
    epochs = check_int("epochs", epochs, minimum=1)
    pool = check_int("pool", pool, minimum=1)
    if not isinstance(generator, np.random.Generator):
        raise TypeError(f"generator must be a NumPy Generator, got {describe(generator)}")
    span = pool * batch_size

    def rounds() -> Iterator[Iterator[np.ndarray]]:  # drawn lazily: each epoch when it starts
        for _ in range(epochs):
            order = generator.permutation(len(sizes))
            batches = []
            for start in range(0, len(order), span):
                part = order[start : start + span]
                part = part[np.argsort(sizes[part], kind="stable")]
                batches += [part[i : i + batch_size] for i in range(0, len(part), batch_size)]
            yield iter([batches[i] for i in generator.permutation(len(batches))])

    return rounds()


def _scored_epochs(
    given: Any, epochs: int, *, validated: bool, name: str = "score_after"
) -> list[int]:
    """The epochs after which validation scores the model: every one, or those ``given``."""
    if given is None:
        return list(range(1, epochs + 1))
    if not validated:
        raise ValueError(f"{name} needs valid=(texts, labels) to score the model on")
    if isinstance(given, (str, bytes)) or not isinstance(given, Sequence):
        raise TypeError(f"{name} must be a list of epoch numbers, got {describe(given)}")
    ends = [check_int(f"{name}[{i}]", e, minimum=1) for i, e in enumerate(given)]
    if not ends or any(b <= a for a, b in pairwise(ends)) or ends[-1] != epochs:
        raise ValueError(
            f"{name} must be increasing epoch numbers ending at epochs={epochs}, got {ends}"
        )
    return ends


def train_text_classifier(
    folder: Path | None,
    texts: Sequence[str],
    labels: Any,
    *,
    label_names: Sequence[str],
    epochs: int = 2,
    lr: float = 5e-5,
    batch_size: int = 32,
    max_length: int = 64,
    seed: int | None = None,
    valid: tuple[Sequence[str], Any] | None = None,
    score_after: Sequence[int] | None = None,
) -> tuple[Any, Any, dict[str, Any]]:
    """Fine-tune the pretrained MiniLM encoder with a classification head (all weights).

    AdamW, a learning rate that falls linearly to zero, cross-entropy on each batch
    of texts, in the book's one loop (:func:`dlguide.training.train_loop`). The
    batches are random but group texts of similar length
    (:func:`length_grouped_epochs`), so little of the work goes into padding. With
    ``valid=(texts, labels)`` the model is scored on those texts after every epoch,
    or, with ``score_after`` (epoch numbers, increasing, the last one ``epochs``),
    only after those epochs; the weights of the scored epoch with the best validation
    accuracy (the earlier on a tie) are the ones returned: early stopping. If
    ``folder`` is given, the model and tokenizer are saved there with
    ``save_pretrained``, as a standard ``transformers`` model folder.

    Returns
    -------
    (tokenizer, model, log)
        ``log`` has the loss of every step and the training time in seconds; with
        ``valid``, also ``valid_accuracy`` (one per scored epoch), ``scored_epochs``
        and ``best_epoch``.
    """
    seed = resolve_seed(seed)
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from dlguide.data.text import minilm_path
    from dlguide.language.bert import quiet_transformers
    from dlguide.training import train_loop

    _check_folder(folder, allow_none=True)
    texts = check_texts("texts", texts)
    y = as_checked_array("labels", labels, ndim=1, kind="integer")
    check_same_length(texts=texts, labels=y)
    names = check_texts("label_names", label_names)
    check_class_ids("labels", y, len(names), counted="label_names")
    if valid is not None:
        if not isinstance(valid, tuple) or len(valid) != 2:
            raise TypeError(f"valid must be a tuple (texts, labels), got {describe(valid)}")
        valid_texts = check_texts("valid texts", valid[0])
        valid_y = as_checked_array("valid labels", valid[1], ndim=1, kind="integer")
        check_same_length(**{"valid texts": valid_texts, "valid labels": valid_y})
        check_class_ids("valid labels", valid_y, len(names), counted="label_names")
    for name, value in (("epochs", epochs), ("batch_size", batch_size), ("max_length", max_length)):
        check_int(name, value, minimum=1)
    rate = check_positive("lr", lr)
    scored = _scored_epochs(score_after, epochs, validated=valid is not None)
    quiet_transformers()
    torch.manual_seed(check_int("seed", seed, minimum=0))
    path = minilm_path()
    tokenizer = AutoTokenizer.from_pretrained(path)
    model = AutoModelForSequenceClassification.from_pretrained(
        path, num_labels=len(names), id2label=dict(enumerate(names)),
        label2id={n: i for i, n in enumerate(names)},
    )  # fmt: skip
    optimizer = torch.optim.AdamW(model.parameters(), lr=rate, weight_decay=0.01)
    n_steps = epochs * ((len(texts) + batch_size - 1) // batch_size)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: 1 - s / n_steps)

    def batch_loss(index: Any) -> Any:
        batch = tokenizer([texts[j] for j in index], truncation=True, max_length=max_length,
                          padding=True, return_tensors="pt")  # fmt: skip
        return model(**batch, labels=torch.as_tensor(y[index])).loss

    def valid_accuracy() -> float:
        return _accuracy(tokenizer, model, valid_texts, valid_y, max_length=max_length)

    lengths = [len(ids) for ids in tokenizer(texts, truncation=True, max_length=max_length)[
        "input_ids"]]  # fmt: skip
    epochs_of_batches = length_grouped_epochs(  # random batches, each of texts of like length
        lengths, batch_size, epochs=epochs, generator=np.random.default_rng(seed)
    )

    def rounds() -> Iterator[Iterator[np.ndarray]]:  # one round per scored epoch
        done = 0
        for end in scored:
            yield chain.from_iterable(next(epochs_of_batches) for _ in range(end - done))
            done = end

    run = train_loop(
        model, rounds(), batch_loss, optimizer, scheduler=schedule,
        validate=valid_accuracy if valid is not None else None, restore_best=True,
    )  # fmt: skip
    log: dict[str, Any] = {"losses": run.losses, "seconds": run.seconds}
    if valid is not None:
        log.update(valid_accuracy=run.scores, scored_epochs=scored,
                   best_epoch=scored[run.best_round - 1])  # fmt: skip
    if folder is not None:
        model.save_pretrained(folder)
        tokenizer.save_pretrained(folder)
    return tokenizer, model, log


def fine_tuned_sentiment(
    n_train: int = 3000,
    *,
    epochs: int = 1,
    lr: float = 1.5e-4,
    seed: int | None = None,
    choose_epoch: bool | Sequence[int] = False,
) -> Path:
    """Return the folder of the star-rating sentiment model, training it once if needed.

    The model is the pretrained MiniLM encoder fine-tuned on the first ``n_train``
    texts of :func:`sentiment_splits` (VADER movie and product-review snippets,
    human ratings mapped to 1 to 5 stars). The folder is a standard ``transformers``
    model folder (``config.json`` with the star names as labels,
    ``model.safetensors``, tokenizer files) plus ``training.json`` (the loss of every
    step and the training time in seconds).

    With ``choose_epoch=True`` the model is scored on the validation split after
    each of the ``epochs`` epochs, and the weights of the epoch with the best
    validation accuracy are the ones saved (early stopping); with a list of epoch
    numbers instead (for example ``[4, 7, 10]`` with ``epochs=10``), it is scored only
    after those, so the choice is among stated values and costs fewer scorings.
    ``training.json`` then also has ``valid_accuracy`` (one per scored epoch),
    ``scored_epochs`` and ``best_epoch``, and its time includes the scoring.

    Examples
    --------
    >>> from transformers import pipeline  # doctest: +SKIP
    >>> classify = pipeline("text-classification", model=fine_tuned_sentiment())  # doctest: +SKIP
    """
    seed = resolve_seed(seed)
    import hashlib
    import json

    from dlguide.book.modelcache import cached_folder
    from dlguide.language.bert import quiet_transformers

    n = check_int("n_train", n_train, minimum=10)
    epochs = check_int("epochs", epochs, minimum=1)
    lr = check_positive("lr", lr)
    check_int("seed", seed, minimum=0)
    if isinstance(choose_epoch, (bool, np.bool_)):
        choose, scored = bool(choose_epoch), None
    elif isinstance(choose_epoch, Sequence) and not isinstance(choose_epoch, (str, bytes)):
        choose = True
        scored = _scored_epochs(choose_epoch, epochs, validated=True, name="choose_epoch")
    else:
        raise TypeError(
            f"choose_epoch must be True, False or a list of epoch numbers, got "
            f"{describe(choose_epoch)}"
        )
    quiet_transformers()  # the chapter's pipeline(...) call is quiet as well
    splits = sentiment_splits(n_train=n, seed=seed)
    data_hash = hashlib.sha256("\n".join(
        f"{t}\t{s}" for t, s in zip(splits.train.text, splits.train.stars))
        .encode()).hexdigest()  # fmt: skip
    spec = {"data": data_hash, "n_train": n, "epochs": epochs, "lr": lr, "seed": seed,
            "batch_size": 32, "max_length": 64, "version": 1}  # fmt: skip
    if choose:
        spec["choose_epoch_on_valid"] = len(splits.valid)
    if scored is not None:
        spec["scored_epochs"] = scored

    def build(folder: Path) -> None:
        valid = (list(splits.valid.text), splits.valid.stars.to_numpy()) if choose else None
        _, _, log = train_text_classifier(
            folder, list(splits.train.text), splits.train.stars.to_numpy(),
            label_names=STAR_NAMES, epochs=epochs, lr=lr, seed=seed, valid=valid,
            score_after=scored,
        )  # fmt: skip
        (folder / "training.json").write_text(json.dumps(log))

    # The fine-tuning lives in this module, the loop in training.loop, quiet_transformers
    # and the encoder's path in bert and data. An edit to any of them retrains.
    code = ("dlguide.language.sentiment", "dlguide.training.loop", "dlguide.language.bert",
            "dlguide.data.text")  # fmt: skip
    return cached_folder("sentiment-stars-minilm", spec, build, code=code)


def _accuracy(
    tokenizer: Any, model: Any, texts: list[str], stars: np.ndarray, *, max_length: int,
    batch_size: int = 128,
) -> float:  # fmt: skip
    """Accuracy of ``model`` on ``texts`` against ``stars`` (at most ``max_length`` tokens)."""
    import torch

    from dlguide.language.bert import length_sorted_batches

    right = 0
    with torch.no_grad():
        for rows, batch in length_sorted_batches(tokenizer, texts, batch_size=batch_size,
                                                 max_length=max_length):  # fmt: skip
            right += int((model(**batch).logits.argmax(-1).numpy() == stars[rows]).sum())
    return right / len(texts)


def classify(
    folder: Path, texts: Sequence[str], *, batch_size: int = 64, max_length: int = 512
) -> np.ndarray:
    """Return the logits of a saved classifier for ``texts`` (one row per text).

    Like ``transformers.pipeline``, it reads up to ``max_length`` tokens of each text
    (BERT's limit), in batches of texts of similar length
    (:func:`~dlguide.language.bert.length_sorted_batches`), so it gives the pipeline's
    predictions faster.

    Examples
    --------
    >>> classify(Path("/nonexistent"), ["x"])
    Traceback (most recent call last):
    ...
    FileNotFoundError: no model folder at /nonexistent
    """
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from dlguide.language.bert import length_sorted_batches, quiet_transformers

    _check_folder(folder)
    texts = check_texts("texts", texts)
    check_int("batch_size", batch_size, minimum=1)
    check_int("max_length", max_length, minimum=2)
    folder = Path(folder)
    if not (folder / "config.json").is_file():
        raise FileNotFoundError(f"no model folder at {folder}")
    quiet_transformers()
    tokenizer = AutoTokenizer.from_pretrained(folder)
    model = AutoModelForSequenceClassification.from_pretrained(folder).eval()
    out = np.zeros((len(texts), model.config.num_labels), dtype=np.float32)
    with torch.no_grad():
        for rows, batch in length_sorted_batches(tokenizer, texts, batch_size=batch_size,
                                                 max_length=max_length):  # fmt: skip
            out[rows] = model(**batch).logits.numpy()
    return out
