"""Classification metrics written in NumPy from their definitions.

Every function here takes true labels (``y_true``) and either predicted labels
(``y_pred``) or scores (``y_score``: a probability or any number that grows with
the model's belief in the positive class). The tests check each one against
``sklearn.metrics``; the code is here so that a reader can see what each
metric counts.

Conventions, the same as scikit-learn's with ``zero_division=0``:

* labels are integers ``0 .. k-1`` (or booleans); for a binary metric the
  positive class is 1;
* a ratio whose denominator is zero (precision when nothing was predicted
  positive, recall when a class never occurs) is reported as 0;
* a curve or an area that needs both classes (ROC, precision-recall) raises
  ``ValueError`` when ``y_true`` holds only one.

Calibration of confidence scores is here too: :func:`reliability_bins` (the bins of
a reliability diagram, the same as :func:`sklearn.calibration.calibration_curve`
applied to the top-label confidence), :func:`expected_calibration_error` and
:func:`fit_temperature` (temperature scaling). The plotting of a confusion matrix is
:func:`dlguide.plotting.confusion_heatmap`.

How much a result moves with the seed is here as well: :func:`over_seeds` runs one
experiment under several seeds and returns a table with a row per seed, and
:func:`mean_range` writes a column of it as "mean (min–max)", the form the book's
tables use.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from dlguide._checks import (
    as_checked_array,
    check_class_ids,
    check_int,
    check_real,
    check_same_length,
    check_str,
    describe,
)

__all__ = [
    "AVERAGES",
    "accuracy",
    "average_precision",
    "classification_scores",
    "confusion_matrix",
    "expected_calibration_error",
    "f1",
    "fit_temperature",
    "mean_range",
    "over_seeds",
    "precision",
    "precision_recall_curve",
    "recall",
    "reliability_bins",
    "roc_auc",
    "roc_curve",
]

#: The ways :func:`precision`, :func:`recall` and :func:`f1` can combine classes.
AVERAGES = ("binary", "macro", "per-class")


def _check_labels(name: str, value: Any) -> np.ndarray:
    """Return ``value`` as a 1-D int64 array of non-negative class labels."""
    if not isinstance(value, np.ndarray):
        raise TypeError(f"{name} must be a NumPy array of class labels, got {describe(value)}")
    if value.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of class labels, got shape {value.shape}")
    if len(value) == 0:
        raise ValueError(f"{name} must not be empty")
    if np.issubdtype(value.dtype, np.floating) and np.isnan(value).any():
        raise ValueError(f"{name} contains NaN; class labels must be integers")
    if not (value.dtype == bool or np.issubdtype(value.dtype, np.integer)):
        raise TypeError(f"{name} must hold integer (or boolean) class labels, got {value.dtype}")
    labels = value.astype(np.int64)
    if labels.min() < 0:
        raise ValueError(f"{name} must hold class labels 0, 1, 2, ..., got {labels.min()}")
    return labels


def _check_pair(y_true: Any, y_pred: Any) -> tuple[np.ndarray, np.ndarray]:
    t = _check_labels("y_true", y_true)
    p = _check_labels("y_pred", y_pred)
    if len(t) != len(p):
        raise ValueError(f"y_true has {len(t)} labels but y_pred has {len(p)}")
    return t, p


def _check_scores(y_score: Any, n: int, ndim: tuple[int, ...]) -> np.ndarray:
    if not isinstance(y_score, np.ndarray):
        raise TypeError(f"y_score must be a NumPy array of scores, got {describe(y_score)}")
    if y_score.ndim not in ndim:
        wanted = " or ".join(f"{d}-D" for d in ndim)
        raise ValueError(f"y_score must be a {wanted} array, got shape {y_score.shape}")
    if not (np.issubdtype(y_score.dtype, np.floating) or np.issubdtype(y_score.dtype, np.integer)):
        raise TypeError(f"y_score must have a numeric dtype, got {y_score.dtype}")
    if len(y_score) == 0:
        raise ValueError("y_score must not be empty")
    if not np.all(np.isfinite(y_score)):
        raise ValueError("y_score contains NaN or infinite values")
    if len(y_score) != n:
        raise ValueError(f"y_true has {n} labels but y_score has {len(y_score)} rows")
    return y_score.astype(np.float64)


def _check_binary(name: str, labels: np.ndarray, hint: str) -> None:
    if labels.max() > 1:
        raise ValueError(
            f"{name} must hold binary labels 0 and 1 (1 = the positive class), got values up "
            f"to {labels.max()}; {hint}"
        )


def _check_both_classes(y_true: np.ndarray, what: str) -> None:
    present = np.unique(y_true)
    if len(present) < 2:
        raise ValueError(
            f"y_true holds only class {present[0]}; {what} needs examples of both classes "
            "(positives and negatives)"
        )


def confusion_matrix(
    y_true: np.ndarray, y_pred: np.ndarray, n_classes: int | None = None
) -> np.ndarray:
    """Count how often each true class (row) was predicted as each class (column).

    Parameters
    ----------
    y_true, y_pred
        Integer class labels, one per example.
    n_classes
        The number of classes ``k``, so that the matrix is ``k x k`` even when a
        class never occurs; by default, one more than the largest label seen.

    Returns
    -------
    numpy.ndarray
        ``matrix[i, j]`` is the number of examples of class ``i`` predicted as
        ``j``; the diagonal holds the correct predictions.

    Examples
    --------
    >>> confusion_matrix(np.array([0, 0, 1, 2, 2]), np.array([0, 1, 1, 2, 0]))
    array([[1, 1, 0],
           [0, 1, 0],
           [1, 0, 1]])
    """
    t, p = _check_pair(y_true, y_pred)
    largest = int(max(t.max(), p.max()))
    if n_classes is None:
        k = largest + 1
    else:
        k = check_int("n_classes", n_classes, minimum=1)
        if largest >= k:
            raise ValueError(f"n_classes is {k} but the labels go up to {largest}")
    return np.bincount(t * k + p, minlength=k * k).reshape(k, k)


def accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Return the share of examples whose predicted label is the true one.

    Examples
    --------
    >>> accuracy(np.array([0, 1, 1, 0]), np.array([0, 1, 0, 0]))
    0.75
    """
    t, p = _check_pair(y_true, y_pred)
    return float(np.mean(t == p))


def _counts(y_true: np.ndarray, y_pred: np.ndarray, average: str) -> tuple[np.ndarray, ...]:
    """True positives, false positives and false negatives of the classes ``average`` uses."""
    t, p = _check_pair(y_true, y_pred)
    check_str("average", average, choices=AVERAGES)
    if average == "binary":
        hint = "use average='macro' for more than two classes"
        _check_binary("y_true", t, hint)
        _check_binary("y_pred", p, hint)
        m = confusion_matrix(t, p, n_classes=2)
        return m[1:, 1], m[0:1, 1], m[1:, 0]
    m = confusion_matrix(t, p)
    present = np.union1d(t, p)  # as scikit-learn: classes seen in either array
    tp = np.diag(m)
    fp = m.sum(axis=0) - tp
    fn = m.sum(axis=1) - tp
    return tp[present], fp[present], fn[present]


def _ratio(top: np.ndarray, bottom: np.ndarray, average: str) -> float | np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        values = np.where(bottom > 0, top / np.maximum(bottom, 1), 0.0)
    if average == "per-class":
        return values
    return float(values.mean())


def precision(y_true: np.ndarray, y_pred: np.ndarray, *, average: str = "binary") -> Any:
    """Of the examples predicted positive, the share that are positive: TP / (TP + FP).

    Parameters
    ----------
    y_true, y_pred
        Integer class labels, one per example.
    average
        ``"binary"``: labels are 0 and 1, and the score is the positive class's
        (1). ``"macro"``: the unweighted mean over the classes that occur in
        either array, so a rare class counts as much as a common one.
        ``"per-class"``: an array with one value per such class, in label order.

    Examples
    --------
    >>> y_true = np.array([1, 1, 1, 0, 0, 0]); y_pred = np.array([1, 1, 0, 1, 0, 0])
    >>> round(precision(y_true, y_pred), 3)
    0.667
    >>> precision(y_true, np.zeros(6, dtype=int))  # nothing predicted positive: 0/0, reported as 0
    0.0
    """
    tp, fp, _ = _counts(y_true, y_pred, average)
    return _ratio(tp, tp + fp, average)


def recall(y_true: np.ndarray, y_pred: np.ndarray, *, average: str = "binary") -> Any:
    """Of the positive examples, the share predicted positive: TP / (TP + FN).

    Recall of the positive class is also called sensitivity or the true-positive
    rate. ``average`` is as in :func:`precision`; macro-averaged recall is also
    called balanced accuracy.

    Examples
    --------
    >>> y_true = np.array([1, 1, 1, 0, 0, 0]); y_pred = np.array([1, 1, 0, 1, 0, 0])
    >>> round(recall(y_true, y_pred), 3)
    0.667
    >>> recall(np.array([0, 1, 2, 2]), np.array([0, 2, 2, 2]), average="per-class")
    array([1., 0., 1.])
    """
    tp, _, fn = _counts(y_true, y_pred, average)
    return _ratio(tp, tp + fn, average)


def f1(y_true: np.ndarray, y_pred: np.ndarray, *, average: str = "binary") -> Any:
    """The harmonic mean of precision and recall: 2 TP / (2 TP + FP + FN).

    It is high only when both are; it ignores true negatives. ``average`` is as
    in :func:`precision` (macro-F1 averages the per-class F1 scores).

    Examples
    --------
    >>> y_true = np.array([1, 1, 1, 0, 0, 0]); y_pred = np.array([1, 1, 0, 1, 0, 0])
    >>> round(f1(y_true, y_pred), 3)
    0.667
    >>> f1(y_true, np.zeros(6, dtype=int))  # never predicts the positive class
    0.0
    """
    tp, fp, fn = _counts(y_true, y_pred, average)
    return _ratio(2 * tp, 2 * tp + fp + fn, average)


def classification_scores(
    y_true: np.ndarray, y_pred: np.ndarray, *, average: str = "binary"
) -> dict[str, float]:
    """Return accuracy, precision, recall and F1 of ``y_pred`` in one dictionary.

    ``average`` is ``"binary"`` or ``"macro"``, as in :func:`precision`.

    Examples
    --------
    >>> scores = classification_scores(np.array([1, 0, 0, 0]), np.array([0, 0, 0, 0]))
    >>> {name: round(value, 2) for name, value in scores.items()}
    {'accuracy': 0.75, 'precision': 0.0, 'recall': 0.0, 'F1': 0.0}
    """
    check_str("average", average, choices=("binary", "macro"))
    return {
        "accuracy": accuracy(y_true, y_pred),
        "precision": precision(y_true, y_pred, average=average),
        "recall": recall(y_true, y_pred, average=average),
        "F1": f1(y_true, y_pred, average=average),
    }


def _binary_curve_input(y_true: Any, y_score: Any, what: str) -> tuple[np.ndarray, np.ndarray]:
    t = _check_labels("y_true", y_true)
    _check_binary("y_true", t, f"for {what}, give one class's scores against the rest")
    s = _check_scores(y_score, len(t), (1,))
    _check_both_classes(t, what)
    return t, s


def _cumulative_counts(y_true: np.ndarray, y_score: np.ndarray) -> tuple[np.ndarray, ...]:
    """At each distinct score, from the highest down: false and true positives at or above it."""
    order = np.argsort(-y_score, kind="stable")
    scores, hits = y_score[order], y_true[order]
    last_of_each = np.r_[np.flatnonzero(np.diff(scores)), len(scores) - 1]
    tps = np.cumsum(hits)[last_of_each]
    fps = last_of_each + 1 - tps
    return fps, tps, scores[last_of_each]


def roc_curve(y_true: np.ndarray, y_score: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The receiver operating characteristic: true- against false-positive rate, per threshold.

    Predicting "positive" when ``y_score >= threshold`` gives one point
    ``(false-positive rate, true-positive rate)`` per threshold. The thresholds
    are the distinct scores, from the highest down, after a first threshold of
    ``inf`` (nothing predicted positive: the point (0, 0)). Tied scores move
    together, so a tie gives one diagonal step.

    Parameters
    ----------
    y_true
        Binary labels, 0 and 1; both must occur.
    y_score
        One score per example, higher meaning more likely positive.

    Returns
    -------
    fpr, tpr, thresholds
        Three arrays of equal length; ``fpr`` and ``tpr`` rise from 0 to 1.

    Examples
    --------
    >>> fpr, tpr, thresholds = roc_curve(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8]))
    >>> fpr, tpr
    (array([0. , 0. , 0.5, 0.5, 1. ]), array([0. , 0.5, 0.5, 1. , 1. ]))
    >>> thresholds
    array([ inf, 0.8 , 0.4 , 0.35, 0.1 ])
    """
    t, s = _binary_curve_input(y_true, y_score, "a ROC curve")
    fps, tps, thresholds = _cumulative_counts(t, s)
    fpr = np.r_[0, fps] / fps[-1]
    tpr = np.r_[0, tps] / tps[-1]
    return fpr, tpr, np.r_[np.inf, thresholds]


def precision_recall_curve(
    y_true: np.ndarray, y_score: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Precision and recall of predicting "positive" when ``y_score >= threshold``.

    Returned in scikit-learn's order: thresholds increasing (the distinct scores),
    and ``precision`` and ``recall`` with one more entry at the end, the point
    (recall 0, precision 1) that stands for a threshold above every score.

    Examples
    --------
    >>> y_true, y_score = np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8])
    >>> p, r, thresholds = precision_recall_curve(y_true, y_score)
    >>> p.round(3), r
    (array([0.5  , 0.667, 0.5  , 1.   , 1.   ]), array([1. , 1. , 0.5, 0.5, 0. ]))
    >>> thresholds
    array([0.1 , 0.35, 0.4 , 0.8 ])
    """
    t, s = _binary_curve_input(y_true, y_score, "a precision-recall curve")
    fps, tps, thresholds = _cumulative_counts(t, s)
    precision_values = tps / (tps + fps)  # tps + fps >= 1: at least one example is above
    recall_values = tps / tps[-1]
    return (
        np.r_[precision_values[::-1], 1.0],
        np.r_[recall_values[::-1], 0.0],
        thresholds[::-1],
    )


def _one_vs_rest(y_true: Any, y_score: Any, binary: Any, what: str) -> float:
    t = _check_labels("y_true", y_true)
    s = _check_scores(y_score, len(t), (1, 2))
    if s.ndim == 1:
        return binary(t, s)
    k = s.shape[1]
    if k < 2:
        raise ValueError(
            f"y_score must have one column per class (at least 2), got shape {s.shape}"
        )
    if t.max() >= k:
        raise ValueError(f"y_true has label {t.max()} but y_score has only {k} columns")
    missing = np.setdiff1d(np.arange(k), t)
    if len(missing):
        raise ValueError(
            f"y_true has no examples of class {missing[0]}; a one-vs-rest {what} needs "
            "every class (every column of y_score) to occur"
        )
    return float(np.mean([binary((t == c).astype(np.int64), s[:, c]) for c in range(k)]))


def _binary_auc(t: np.ndarray, s: np.ndarray) -> float:
    t, s = _binary_curve_input(t, s, "ROC AUC")
    # Mann-Whitney: the chance that a random positive scores above a random negative
    # (ties count one half), computed from the average ranks of the positives.
    _, inverse, counts = np.unique(s, return_inverse=True, return_counts=True)
    ranks = (np.cumsum(counts) - (counts - 1) / 2)[inverse]  # average rank, 1-based
    n_pos = int(t.sum())
    n_neg = len(t) - n_pos
    return float((ranks[t == 1].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def roc_auc(y_true: np.ndarray, y_score: np.ndarray) -> float:
    """Area under the ROC curve: the chance that a random positive outscores a random negative.

    Computed from ranks (the Mann-Whitney statistic, ties counting one half), not
    from the curve, so it is an independent check of :func:`roc_curve`. 0.5 is a
    scorer that knows nothing, 1 a perfect ranking.

    Parameters
    ----------
    y_true
        Binary labels 0 and 1 with ``y_score`` 1-D; or class labels ``0..k-1`` with
        ``y_score`` of shape ``(n, k)``, one column per class, which gives the
        macro average of the one-vs-rest AUCs. Every class must occur.
    y_score
        Scores, higher meaning more likely positive (or more likely that class).

    Examples
    --------
    >>> roc_auc(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8]))
    0.75
    >>> roc_auc(np.array([0, 1, 2]), np.eye(3))
    1.0
    """
    return _one_vs_rest(y_true, y_score, _binary_auc, "ROC AUC")


def _binary_average_precision(t: np.ndarray, s: np.ndarray) -> float:
    p, r, _ = precision_recall_curve(t, s)
    return float(-np.sum(np.diff(r) * p[:-1]))


def average_precision(y_true: np.ndarray, y_score: np.ndarray) -> float:
    """Average precision: the precision at each threshold, weighted by the recall it adds.

    ``sum over thresholds of (R_n - R_(n-1)) * P_n``: a summary of the
    precision-recall curve without interpolation (scikit-learn's definition).
    A scorer that knows nothing gets about the share of positives, not 0.5.
    ``y_true`` and ``y_score`` are as in :func:`roc_auc`; 2-D scores give the
    macro average over classes, one against the rest.

    Examples
    --------
    >>> round(average_precision(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8])), 3)
    0.833
    """
    return _one_vs_rest(y_true, y_score, _binary_average_precision, "average precision")


def expected_calibration_error(probs: Any, labels: Any, n_bins: int = 10) -> float:
    """Expected calibration error: the gap between confidence and accuracy, averaged over bins.

    Predictions are grouped by their confidence (the top probability) into
    ``n_bins`` equal-width bins; ECE is the average over bins of
    ``|accuracy - mean confidence|``, weighted by the share of predictions in the bin
    (Guo et al., 2017).

    Examples
    --------
    >>> probs = np.array([[0.9, 0.1], [0.9, 0.1], [0.6, 0.4], [0.6, 0.4]])
    >>> round(expected_calibration_error(probs, np.array([0, 0, 0, 1])), 3)
    0.1
    """
    table = reliability_bins(probs, labels, n_bins)
    n = table["count"].sum()
    gaps = np.abs(table["accuracy"] - table["confidence"]) * table["count"] / n
    return float(np.nansum(gaps))


def reliability_bins(probs: Any, labels: Any, n_bins: int = 10) -> dict[str, np.ndarray]:
    """Accuracy and mean confidence per confidence bin, for a reliability diagram.

    Returns
    -------
    dict
        ``edges`` (``n_bins + 1``), and per bin ``count``, ``confidence`` and
        ``accuracy`` (NaN for empty bins).

    Examples
    --------
    >>> t = reliability_bins(np.array([[0.95, 0.05], [0.3, 0.7]]), np.array([0, 0]), 2)
    >>> t["count"], t["accuracy"]
    (array([0, 2]), array([nan, 0.5]))
    """
    p = as_checked_array("probs", probs, ndim=2).astype(float)
    y = as_checked_array("labels", labels, ndim=1, kind="integer")
    check_same_length(probs=p, labels=y)
    bins = check_int("n_bins", n_bins, minimum=1)
    if np.any(p < 0) or not np.allclose(p.sum(axis=1), 1, atol=1e-4):
        raise ValueError("probs must be non-negative and each row must sum to 1")
    confidence = p.max(axis=1)
    correct = p.argmax(axis=1) == y
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1], right=True), 0, bins - 1)
    count = np.bincount(which, minlength=bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        conf = np.bincount(which, confidence, minlength=bins) / count
        acc = np.bincount(which, correct.astype(float), minlength=bins) / count
    return {"edges": edges, "count": count, "confidence": conf, "accuracy": acc}


def fit_temperature(logits: Any, labels: Any) -> float:
    """Find the temperature T that minimises the cross-entropy of ``softmax(logits / T)``.

    Temperature scaling (Guo et al., 2017) fixes over- or under-confidence with one
    number fitted on held-out data; it never changes which class is predicted.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> labels = rng.integers(0, 3, 2000)
    >>> logits = rng.normal(size=(2000, 3)); logits[np.arange(2000), labels] += 1.0
    >>> 0.7 < fit_temperature(logits * 4, labels) / 4 < 1.3
    True
    """
    from scipy.optimize import minimize_scalar
    from scipy.special import log_softmax

    z = as_checked_array("logits", logits, ndim=2).astype(float)
    y = as_checked_array("labels", labels, ndim=1, kind="integer")
    check_same_length(logits=z, labels=y)
    check_class_ids("labels", y, z.shape[1], counted="columns of logits")

    def nll(log_t: float) -> float:
        return float(-log_softmax(z / np.exp(log_t), axis=1)[np.arange(len(y)), y].mean())

    result = minimize_scalar(nll, bounds=(-3, 3), method="bounded", options={"xatol": 1e-6})
    return float(np.exp(result.x))


def over_seeds(run: Callable[[int], Any], seeds: Sequence[int]) -> Any:
    """Run ``run(seed)`` once for every seed; return the results as a table, one row per seed.

    Parameters
    ----------
    run
        Called with each seed in turn; returns a number, or a mapping of result
        name -> number (the same names for every seed). Tuple names become a
        two-level column index (``("CNN", 640)``: model and training-set size).
    seeds
        The seeds, distinct integers (``[SEED + k for k in range(3)]``).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``seed``; one column per result name (``"value"`` for a plain
        number). ``table.agg(["mean", "min", "max"])`` gives the spread.

    Examples
    --------
    >>> table = over_seeds(lambda seed: {"a": seed / 10, "b": 1.0}, [0, 1, 2])
    >>> table.agg(["mean", "min", "max"]).round(2).to_dict()
    {'a': {'mean': 0.1, 'min': 0.0, 'max': 0.2}, 'b': {'mean': 1.0, 'min': 1.0, 'max': 1.0}}
    >>> over_seeds(lambda seed: 2.0 * seed, [3, 4])["value"].tolist()
    [6.0, 8.0]
    """
    import pandas as pd

    if not callable(run):
        raise TypeError(f"run must be a function of the seed, got {describe(run)}")
    if isinstance(seeds, str) or not isinstance(seeds, Sequence) or not seeds:
        raise TypeError(f"seeds must be a non-empty list of integers, got {describe(seeds)}")
    seeds = [check_int("seeds entry", s, minimum=0) for s in seeds]
    if len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds must be distinct, got {seeds}")
    rows, names = [], None
    for seed in seeds:
        result = run(seed)
        if not isinstance(result, Mapping):
            result = {"value": result}
        if names is None:
            names = list(result)
        elif list(result) != names:
            raise ValueError(f"run returned results {list(result)} for seed {seed}, "
                             f"but {names} for seed {seeds[0]}")  # fmt: skip
        rows.append([check_real(f"run({seed})[{name!r}]", v) for name, v in result.items()])
    if not names:
        raise ValueError(f"run returned no results for seed {seeds[0]}")
    columns = (
        pd.MultiIndex.from_tuples(names) if all(isinstance(n, tuple) for n in names) else names
    )
    return pd.DataFrame(rows, index=pd.Index(seeds, name="seed"), columns=columns)


def mean_range(values: Any, fmt: str = ".1%") -> str:
    """Return ``values`` summarised as "mean (min–max)", each number written with ``fmt``.

    Examples
    --------
    >>> mean_range([0.90, 0.92, 0.95])
    '92.3% (90.0–95.0%)'
    >>> mean_range(np.array([1.5, 2.5]), fmt=".2f")
    '2.00 (1.50–2.50)'
    """
    numbers = as_checked_array("values", values, ndim=1)  # numbers, at least one, finite
    fmt = check_str("fmt", fmt)
    try:
        mean, low, high = (
            format(float(v), fmt) for v in (numbers.mean(), numbers.min(), numbers.max())
        )
    except ValueError as exc:
        raise ValueError(f"fmt {fmt!r} is not a valid format for a number: {exc}") from None
    if fmt.endswith("%"):  # one percent sign at the end of the range: 90.0–95.0%
        low = low[:-1]
    return f"{mean} ({low}–{high})"
