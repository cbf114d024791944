"""Tests of dlguide.metrics: every helper against scikit-learn, on random and edge-case inputs."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as sk

from dlguide import metrics as m

SEEDS = range(8)


def _labels(seed, n=60, k=2):
    rng = np.random.default_rng(seed)
    return rng.integers(0, k, n), rng.integers(0, k, n)


def _binary_scores(seed, n=80, ties=False):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    y[:2] = [0, 1]  # both classes always occur
    s = rng.normal(size=n) + y
    if ties:  # few distinct values: many tied scores, across both classes
        s = np.round(s)
    return y, s


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("k", [2, 3, 7])
def test_label_metrics_match_sklearn(seed, k):
    y_true, y_pred = _labels(seed, k=k)
    assert np.array_equal(
        m.confusion_matrix(y_true, y_pred, n_classes=k),
        sk.confusion_matrix(y_true, y_pred, labels=np.arange(k)),
    )
    assert m.accuracy(y_true, y_pred) == pytest.approx(sk.accuracy_score(y_true, y_pred))
    averages = [("macro", "macro"), ("per-class", None)]
    if k == 2:
        averages.append(("binary", "binary"))
    for ours, theirs in averages:
        for mine, reference in (
            (m.precision, sk.precision_score),
            (m.recall, sk.recall_score),
            (m.f1, sk.f1_score),
        ):
            expected = reference(y_true, y_pred, average=theirs, zero_division=0)
            np.testing.assert_allclose(mine(y_true, y_pred, average=ours), expected)


def test_macro_average_uses_classes_seen_in_either_array_as_sklearn_does():
    y_true = np.array([0, 0, 3, 3, 3])  # classes 1 and 2 never occur; class 4 only predicted
    y_pred = np.array([0, 4, 3, 0, 3])
    for mine, reference in ((m.precision, sk.precision_score), (m.recall, sk.recall_score),
                            (m.f1, sk.f1_score)):  # fmt: skip
        expected = reference(y_true, y_pred, average="macro", zero_division=0)
        assert mine(y_true, y_pred, average="macro") == pytest.approx(expected)
    assert m.recall(y_true, y_pred, average="per-class").tolist() == pytest.approx([0.5, 2 / 3, 0])


def test_majority_class_predictor_has_high_accuracy_and_zero_recall():
    y_true = np.repeat([0, 1], [90, 10])
    y_pred = np.zeros(100, dtype=int)
    scores = m.classification_scores(y_true, y_pred)
    assert scores == {"accuracy": 0.9, "precision": 0.0, "recall": 0.0, "F1": 0.0}
    macro = m.classification_scores(y_true, y_pred, average="macro")
    assert macro["recall"] == pytest.approx(sk.balanced_accuracy_score(y_true, y_pred))


def test_boolean_labels_are_accepted():
    y_true = np.array([True, False, True, True])
    y_pred = np.array([True, True, False, True])
    assert m.precision(y_true, y_pred) == pytest.approx(sk.precision_score(y_true, y_pred))


def test_confusion_matrix_rows_are_true_classes_and_n_classes_pads():
    matrix = m.confusion_matrix(np.array([0, 1, 1]), np.array([1, 1, 1]), n_classes=4)
    assert matrix.shape == (4, 4)
    assert matrix[0, 1] == 1 and matrix[1, 1] == 2 and matrix.sum() == 3


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("ties", [False, True])
def test_curves_and_areas_match_sklearn(seed, ties):
    y, s = _binary_scores(seed, ties=ties)
    fpr, tpr, thresholds = m.roc_curve(y, s)
    expected = sk.roc_curve(y, s, drop_intermediate=False)
    for ours, theirs in zip((fpr, tpr, thresholds), expected):
        np.testing.assert_allclose(ours, theirs)
    for ours, theirs in zip(m.precision_recall_curve(y, s), sk.precision_recall_curve(y, s)):
        np.testing.assert_allclose(ours, theirs)
    assert m.roc_auc(y, s) == pytest.approx(sk.roc_auc_score(y, s))
    assert m.roc_auc(y, s) == pytest.approx(np.trapezoid(tpr, fpr))  # ranks agree with the curve
    assert m.average_precision(y, s) == pytest.approx(sk.average_precision_score(y, s))


def test_ties_between_classes_count_one_half():
    y = np.array([0, 1, 0, 1])
    s = np.array([0.5, 0.5, 0.5, 0.5])  # every pair tied: no information
    assert m.roc_auc(y, s) == 0.5
    fpr, tpr, _ = m.roc_curve(y, s)
    assert fpr.tolist() == [0, 1] and tpr.tolist() == [0, 1]  # one diagonal step
    assert m.average_precision(y, s) == pytest.approx(sk.average_precision_score(y, s))


def test_integer_scores_and_perfect_ranking():
    y = np.array([0, 0, 1, 1])
    assert m.roc_auc(y, np.array([1, 2, 3, 4])) == 1.0
    assert m.roc_auc(y, np.array([4, 3, 2, 1])) == 0.0
    assert m.average_precision(y, np.array([1, 2, 3, 4])) == 1.0


@pytest.mark.parametrize("seed", SEEDS)
def test_one_vs_rest_areas_match_sklearn(seed):
    rng = np.random.default_rng(seed)
    y = np.r_[np.arange(4), rng.integers(0, 4, 56)]
    logits = rng.normal(size=(60, 4))
    logits[np.arange(60), y] += 1.0
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    assert m.roc_auc(y, probs) == pytest.approx(sk.roc_auc_score(y, probs, multi_class="ovr"))
    assert m.average_precision(y, probs) == pytest.approx(sk.average_precision_score(y, probs))


@pytest.mark.parametrize(
    "function", [m.roc_curve, m.precision_recall_curve, m.roc_auc, m.average_precision]
)
@pytest.mark.parametrize("only", [0, 1])
def test_a_single_class_is_a_clear_error(function, only):
    with pytest.raises(ValueError, match=rf"^y_true holds only class {only}; .* needs examples"):
        function(np.full(5, only), np.linspace(0, 1, 5))


@pytest.mark.parametrize("function", [m.roc_auc, m.average_precision])
def test_one_vs_rest_needs_every_class(function):
    with pytest.raises(ValueError, match=r"^y_true has no examples of class 2"):
        function(np.array([0, 1, 1, 0]), np.full((4, 3), 1 / 3))
    with pytest.raises(ValueError, match=r"^y_true has label 3 but y_score has only 3 columns"):
        function(np.array([0, 1, 2, 3]), np.full((4, 3), 1 / 3))
    with pytest.raises(ValueError, match=r"^y_score must have one column per class"):
        function(np.array([0, 1, 1, 0]), np.ones((4, 1)))


LABEL_FUNCTIONS = [m.confusion_matrix, m.accuracy, m.precision, m.recall, m.f1,
                   m.classification_scores]  # fmt: skip
GOOD = np.array([0, 1, 1, 0])


@pytest.mark.parametrize("function", LABEL_FUNCTIONS)
@pytest.mark.parametrize("argument", ["y_true", "y_pred"])
@pytest.mark.parametrize(
    ("bad", "error", "message"),
    [
        ([0, 1, 1, 0], TypeError, "must be a NumPy array"),
        (np.array([[0, 1], [1, 0]]), ValueError, "must be a 1-D array"),
        (np.array([], dtype=int), ValueError, "must not be empty"),
        (np.array([0.0, np.nan, 1.0, 0.0]), ValueError, "contains NaN"),
        (np.array([0.0, 1.0, 1.0, 0.0]), TypeError, "integer .*class labels"),
        (np.array(["a", "b", "a", "b"]), TypeError, "integer .*class labels"),
        (np.array([0, -1, 1, 0]), ValueError, "class labels 0, 1, 2"),
    ],
)
def test_label_functions_refuse_bad_labels(function, argument, bad, error, message):
    arguments = {"y_true": GOOD, "y_pred": GOOD, argument: bad}
    with pytest.raises(error, match=rf"^{argument} .*{message}"):
        function(**arguments)


@pytest.mark.parametrize("function", LABEL_FUNCTIONS)
def test_label_functions_refuse_different_lengths(function):
    with pytest.raises(ValueError, match=r"^y_true has 4 labels but y_pred has 3"):
        function(GOOD, GOOD[:3])


@pytest.mark.parametrize("function", [m.precision, m.recall, m.f1, m.classification_scores])
def test_binary_average_refuses_more_than_two_classes_and_unknown_averages(function):
    with pytest.raises(ValueError, match=r"^y_true must hold binary labels .*average='macro'"):
        function(np.array([0, 1, 2]), np.array([0, 1, 1]))
    with pytest.raises(ValueError, match=r"^y_pred must hold binary labels"):
        function(np.array([0, 1, 1]), np.array([0, 1, 2]))
    with pytest.raises(ValueError, match=r"^average must be one of"):
        function(GOOD, GOOD, average="micro")


def test_confusion_matrix_refuses_too_few_classes():
    with pytest.raises(ValueError, match=r"^n_classes is 2 but the labels go up to 2"):
        m.confusion_matrix(np.array([0, 2]), np.array([0, 1]), n_classes=2)
    with pytest.raises(TypeError, match=r"^n_classes must be an integer"):
        m.confusion_matrix(GOOD, GOOD, n_classes=2.0)


SCORE_FUNCTIONS = [m.roc_curve, m.precision_recall_curve, m.roc_auc, m.average_precision]


@pytest.mark.parametrize("function", SCORE_FUNCTIONS)
@pytest.mark.parametrize(
    ("bad", "error", "message"),
    [
        ([0.1, 0.2, 0.3, 0.4], TypeError, "^y_score must be a NumPy array"),
        (np.array([[[0.1]]] * 4), ValueError, "^y_score must be a 1-D"),
        (np.array([]), ValueError, "^y_score must not be empty"),
        (np.array([0.1, np.nan, 0.3, 0.4]), ValueError, "^y_score contains NaN"),
        (np.array([0.1, np.inf, 0.3, 0.4]), ValueError, "^y_score contains NaN or infinite"),
        (np.array(["a", "b", "c", "d"]), TypeError, "^y_score must have a numeric dtype"),
        (np.array([0.1, 0.2, 0.3]), ValueError, "^y_true has 4 labels but y_score has 3 rows"),
    ],
)
def test_score_functions_refuse_bad_scores(function, bad, error, message):
    with pytest.raises(error, match=message):
        function(GOOD, bad)


@pytest.mark.parametrize("function", [m.roc_curve, m.precision_recall_curve])
def test_curves_need_binary_labels_and_1d_scores(function):
    with pytest.raises(ValueError, match=r"^y_true must hold binary labels .*against the rest"):
        function(np.array([0, 1, 2, 1]), np.linspace(0, 1, 4))
    with pytest.raises(ValueError, match=r"^y_score must be a 1-D array"):
        function(GOOD, np.ones((4, 2)))


@pytest.mark.parametrize("function", SCORE_FUNCTIONS)
def test_score_functions_refuse_bad_labels(function):
    with pytest.raises(ValueError, match=r"^y_true contains NaN"):
        function(np.array([0.0, np.nan, 1.0, 0.0]), np.linspace(0, 1, 4))
    with pytest.raises(TypeError, match=r"^y_true must be a NumPy array"):
        function([0, 1, 1, 0], np.linspace(0, 1, 4))


@pytest.mark.parametrize("n_bins", [3, 10])
def test_reliability_bins_match_sklearn_calibration_curve(n_bins):
    from sklearn.calibration import calibration_curve

    from dlguide.metrics import reliability_bins

    rng = np.random.default_rng(7)
    logits = rng.normal(scale=2.0, size=(500, 4))
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    labels = rng.integers(0, 4, 500)
    table = reliability_bins(probs, labels, n_bins)
    correct = (probs.argmax(axis=1) == labels).astype(int)
    accuracy, confidence = calibration_curve(
        correct, probs.max(axis=1), n_bins=n_bins, strategy="uniform"
    )
    filled = table["count"] > 0
    np.testing.assert_allclose(table["accuracy"][filled], accuracy)
    np.testing.assert_allclose(table["confidence"][filled], confidence)


def test_over_seeds_calls_run_once_per_seed_and_keeps_the_order():
    calls = []

    def run(seed):
        calls.append(seed)
        return {"a": float(seed), "b": 10.0 - seed}

    table = m.over_seeds(run, [5, 3, 7])
    assert calls == [5, 3, 7]
    assert table.index.tolist() == [5, 3, 7] and table.index.name == "seed"
    assert table.columns.tolist() == ["a", "b"]
    assert table["b"].tolist() == [5.0, 7.0, 3.0]
    summary = table.agg(["mean", "min", "max"])
    assert summary.loc["mean", "a"] == pytest.approx(np.mean([5, 3, 7]))
    assert summary.loc["min", "b"] == 3.0 and summary.loc["max", "b"] == 7.0


def test_over_seeds_tuple_names_make_two_column_levels():
    table = m.over_seeds(lambda s: {("CNN", 10): s, ("CNN", 40): 2 * s, ("MLP", 10): 0}, [1, 2])
    assert table.columns.nlevels == 2
    assert table["CNN"].columns.tolist() == [10, 40]
    assert table[("CNN", 40)].tolist() == [2, 4]


def test_over_seeds_refuses_changing_names_and_repeated_seeds():
    with pytest.raises(ValueError, match="seed 1"):
        m.over_seeds(lambda s: {"a": 1.0} if s == 0 else {"b": 1.0}, [0, 1])
    with pytest.raises(ValueError, match="distinct"):
        m.over_seeds(lambda s: 1.0, [0, 0])
    with pytest.raises(TypeError, match=r"run\(0\)\['a'\]"):
        m.over_seeds(lambda s: {"a": "high"}, [0])


@pytest.mark.parametrize(
    ("values", "fmt", "expected"),
    [
        ([0.90, 0.92, 0.95], ".1%", "92.3% (90.0–95.0%)"),
        ([0.5], ".0%", "50% (50–50%)"),
        ([3, 1, 2], ".0f", "2 (1–3)"),
        ([0.25, 0.75], ".2f", "0.50 (0.25–0.75)"),
    ],
)
def test_mean_range_against_numpy(values, fmt, expected):
    assert m.mean_range(values, fmt=fmt) == expected
    a = np.asarray(values, dtype=float)
    low, high = m.mean_range(a, fmt=".6f").split(" (")[1].rstrip(")").split("–")
    assert (float(low), float(high)) == pytest.approx((a.min(), a.max()))


def test_mean_range_bad_format_names_fmt():
    with pytest.raises(ValueError, match="fmt"):
        m.mean_range([0.5, 0.6], fmt="q")
