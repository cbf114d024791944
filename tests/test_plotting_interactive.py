"""Tests for dlguide.plotting.interactive: the figures to explore, and their bad input."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from sklearn.metrics import confusion_matrix, precision_score, recall_score

from dlguide.foundations.optimizers import (
    SGD,
    elongated_bowl,
    elongated_bowl_grad,
    make_optimizer,
    optimize_2d,
)
from dlguide.plotting.interactive import (
    Control,
    InteractiveFigure,
    State,
    attention_explorer,
    optimizer_explorer,
    threshold_explorer,
)

TEXT = {"description": "what it shows", "caption": "what to look at"}


def _spec(fig: InteractiveFigure) -> dict:
    found = re.search(
        r'<script type="application/json" class="dlguide-interactive-data">(.*?)</script>',
        fig.html,
        re.DOTALL,
    )
    assert found, "no data in the figure's HTML"
    return json.loads(found.group(1))


def _paths(rates=(0.01, 0.07, 0.2), steps=10):
    return {
        name: [
            (lr, optimize_2d(make_optimizer(name, lr), elongated_bowl_grad, (-4.0, 1.0), steps))
            for lr in rates
        ]
        for name in ("sgd", "rmsprop")
    }


def _optimizers(**changes):
    arguments = {
        "paths": _paths(),
        "loss": elongated_bowl,
        "x_range": (-4.5, 1.5),
        "y_range": (-1.5, 1.5),
        **TEXT,
    }
    arguments.update(changes)
    return optimizer_explorer(**arguments)


# --- optimizer_explorer ---------------------------------------------------------------------


def test_optimizer_states_hold_each_rates_own_path():
    paths = _paths()
    fig = _optimizers(paths=paths)
    spec = _spec(fig)
    sgd = spec["groups"][0]
    assert [c["labels"] for c in sgd["controls"]] == [["0.01", "0.07", "0.2"]]
    for j, (_, path) in enumerate(paths["sgd"]):
        ((trace, update),) = sgd["states"][str(j)]["updates"].items()
        assert spec["figure"]["data"][int(trace)]["type"] == "scatter"
        np.testing.assert_allclose(update["x"], path[:, 0])
        np.testing.assert_allclose(update["y"], path[:, 1])
    # the two optimizers' sliders move different traces
    rms = spec["groups"][1]
    assert set(sgd["states"]["0"]["updates"]) != set(rms["states"]["0"]["updates"])


def test_optimizer_readout_states_the_final_loss_and_divergence():
    fig = _optimizers()
    states = fig.groups[0][1]
    final = float(elongated_bowl(*_paths()["sgd"][1][1][-1]))
    assert states["1"].text == f"sgd, learning rate 0.07: loss {final:.3g} after 10 steps"
    # 0.2 > 2/25: SGD overshoots further each step
    assert "diverged" in states["2"].text and "diverged" not in states["1"].text


def test_optimizer_default_slider_position_and_html_controls():
    fig = _optimizers(defaults={"sgd": 0})
    html = fig.html
    assert 'id="optimizer-explorer-g0-c0" min="0" max="2" step="1" value="0"' in html
    assert 'aria-valuetext="0.01"' in html
    assert html.count('type="range"') == 2
    assert 'role="img" aria-label="what it shows"' in html
    assert 'alt="what it shows"' in html and "data:image/png;base64," in html
    assert "<figcaption>what to look at</figcaption>" in html
    assert fig._repr_html_() == html


def test_optimizer_diverged_path_with_infinities_becomes_json_nulls():
    path = np.array([[1.0, 1.0], [np.inf, np.nan]])
    fig = _optimizers(paths={"sgd": [(0.1, path), (0.2, path)]})
    state = _spec(fig)["groups"][0]["states"]["0"]
    (update,) = state["updates"].values()
    assert update["x"] == [1.0, None] and update["y"] == [1.0, None]
    assert "loss inf" in state["text"]


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        ({"paths": {}}, TypeError, "paths must be a non-empty dict"),
        ({"paths": {"sgd": []}}, ValueError, r"paths\['sgd'\] must be a non-empty list"),
        ({"paths": {"sgd": [0.1]}}, TypeError, r"must be a \(rate, path\) pair"),
        ({"paths": {"sgd": [(0.1, np.zeros((3, 3)))]}}, ValueError, r"shape \(steps \+ 1, 2\)"),
        (
            {"paths": {"sgd": [(0.2, np.zeros((3, 2))), (0.1, np.zeros((3, 2)))]}},
            ValueError,
            "rates must increase",
        ),
        ({"paths": {"sgd": [(float("nan"), np.zeros((3, 2)))]}}, ValueError, "finite"),
        ({"loss": 3}, TypeError, "loss must be a function"),
        ({"x_range": (1.0, -1.0)}, ValueError, "low < high"),
        ({"y_range": [0, 1]}, TypeError, r"y_range must be a \(low, high\) tuple"),
        ({"defaults": {"adam": 0}}, ValueError, "defaults names optimizers that paths lacks"),
        ({"defaults": {"sgd": 3}}, ValueError, r"defaults\['sgd'\] must index"),
        ({"name": "Bad Name"}, ValueError, "name must be lower case"),
        ({"description": ""}, ValueError, "description must not be empty"),
    ],
)
def test_optimizer_explorer_rejects_bad_input(changes, error, message):
    with pytest.raises(error, match=message):
        _optimizers(**changes)


# --- threshold_explorer ---------------------------------------------------------------------


def _scores(seed=0, n=200):
    rng = np.random.default_rng(seed)
    labels = (rng.random(n) < 0.2).astype(int)
    scores = np.clip(0.3 * labels + rng.random(n) * 0.7, 0, 1)
    return labels, scores


def test_threshold_states_match_scikit_learn():
    labels, scores = _scores()
    thresholds = np.linspace(0.05, 0.95, 19)
    fig = threshold_explorer(labels, scores, thresholds, positive="cat", **TEXT)
    spec = _spec(fig)
    states = spec["groups"][0]["states"]
    assert len(states) == len(thresholds)
    for i, t in enumerate(thresholds):
        said = (scores >= t).astype(int)
        state = states[str(i)]
        np.testing.assert_array_equal(state["updates"]["3"]["z"], confusion_matrix(labels, said))
        p = precision_score(labels, said, zero_division=0)
        r = recall_score(labels, said)
        np.testing.assert_allclose(state["updates"]["2"]["y"], [p, r])
        assert f"precision {p:.1%}, recall {r:.1%}" in state["text"]
    # the marker and the heatmap are the traces the states update
    data = spec["figure"]["data"]
    assert data[2]["type"] == "scatter" and data[3]["type"] == "heatmap"


def test_threshold_panels_stack_when_narrow():
    """Below the width in the spec the panels are stacked; the wide layout restores them."""
    labels, scores = _scores()
    spec = _spec(
        threshold_explorer(labels, scores, np.linspace(0.05, 0.95, 19), positive="cat", **TEXT)
    )
    layout, narrow = spec["figure"]["layout"], spec["narrow"]
    assert narrow["below"] > 390  # a phone's width gets the stacked panels
    # wide: side by side (the curves end left of where the matrix begins), as the figure is
    assert layout["xaxis"]["domain"][1] < layout["xaxis2"]["domain"][0]
    for key, value in narrow["wide"].items():
        if key.endswith(".domain"):
            assert layout[key.split(".")[0]]["domain"] == value
    stacked = narrow["layout"]
    assert stacked["yaxis2.domain"][1] < stacked["yaxis.domain"][0]  # the matrix below
    assert stacked["height"] > narrow["wide"]["height"]
    assert set(stacked) == set(narrow["wide"])  # every change has its way back


def test_threshold_no_positive_prediction_has_precision_zero():
    fig = threshold_explorer(
        np.array([0, 1]), np.array([0.1, 0.2]), np.array([0.5]), positive="cat", **TEXT
    )
    assert fig.groups[0][1]["0"].text.startswith("threshold 0.50: precision 0.0%, recall 0.0%")


def test_threshold_default_and_slider_labels():
    labels, scores = _scores()
    fig = threshold_explorer(
        labels, scores, np.array([0.1, 0.2, 0.3]), positive="cat", default=2, **TEXT
    )
    assert fig.groups[0][0][0].options == ("0.10", "0.20", "0.30")
    assert 'value="2" aria-valuetext="0.30"' in fig.html


@pytest.mark.parametrize(
    ("labels", "scores", "thresholds", "error", "message"),
    [
        ([0, 1], np.array([0.1, 0.2]), np.array([0.5]), TypeError, "labels must be a NumPy array"),
        (np.array([0, 1]), np.array([0.1]), np.array([0.5]), ValueError, "same length"),
        (np.array([0, 2]), np.array([0.1, 0.2]), np.array([0.5]), ValueError, "must be 0 or 1"),
        (np.array([0, 0]), np.array([0.1, 0.2]), np.array([0.5]), ValueError, "one positive"),
        (np.array([0.0, 1.0]), np.array([0.1, 0.2]), np.array([0.5]), TypeError, "integer dtype"),
        (np.array([0, 1]), np.array([0.1, np.nan]), np.array([0.5]), ValueError, "NaN"),
        (np.array([0, 1]), np.array([0.1, 0.2]), np.array([0.5, 0.4]), ValueError, "increase"),
        (np.array([0, 1]), np.array([0.1, 0.2]), np.array([0.5, 1.5]), ValueError, r"\[0, 1\]"),
        (np.array([0, 1]), np.array([0.1, 0.2]), np.array([]), ValueError, "at least 1 rows"),
    ],
)
def test_threshold_explorer_rejects_bad_input(labels, scores, thresholds, error, message):
    with pytest.raises(error, match=message):
        threshold_explorer(labels, scores, thresholds, positive="cat", **TEXT)


def test_threshold_explorer_rejects_a_bad_default():
    with pytest.raises(ValueError, match="default must index thresholds"):
        threshold_explorer(
            np.array([0, 1]),
            np.array([0.1, 0.2]),
            np.array([0.5]),
            positive="cat",
            default=1,
            **TEXT,
        )


# --- attention_explorer ---------------------------------------------------------------------


def _attention(seed=0, shape=(2, 3, 4, 4)):
    logits = np.random.default_rng(seed).normal(size=shape)
    weights = np.exp(logits)
    return weights / weights.sum(-1, keepdims=True)


def test_attention_states_for_every_block_and_head_and_the_mean():
    weights = _attention()
    fig = attention_explorer(weights, default=(1, 0), **TEXT)
    spec = _spec(fig)
    states = spec["groups"][0]["states"]
    assert len(states) == 2 * (3 + 1)
    np.testing.assert_allclose(states["0-2"]["updates"]["0"]["z"], weights[0, 2])
    np.testing.assert_allclose(states["1-3"]["updates"]["0"]["z"], weights[1].mean(axis=0))
    assert states["1-3"]["text"].startswith("block 2, mean of heads: ")
    assert fig.html.count("<select") == 2
    assert '<option value="1" selected>block 2</option>' in fig.html


def test_attention_summary_is_the_readout():
    weights = _attention()
    fig = attention_explorer(weights, summary=lambda w: f"corner {w[0, 0]:.3f}", **TEXT)
    assert fig.groups[0][1]["1-1"].text == f"block 2, head 2: corner {weights[1, 1, 0, 0]:.3f}"


@pytest.mark.parametrize(
    ("weights", "changes", "error", "message"),
    [
        (np.ones((2, 2, 2)), {}, ValueError, "must be a 4-D array"),
        (np.full((1, 1, 2, 2), 0.7), {}, ValueError, "summing to 1"),
        (_attention(), {"summary": "text"}, TypeError, "summary must be a function"),
        (_attention(), {"summary": lambda w: 3}, TypeError, "must be a string"),
        (_attention(), {"default": (2, 0)}, ValueError, "default must be a block below 2"),
        (_attention(), {"default": [0, 0]}, TypeError, r"default must be a \(block, head\) pair"),
    ],
)
def test_attention_explorer_rejects_bad_input(weights, changes, error, message):
    with pytest.raises(error, match=message):
        attention_explorer(weights, **{**TEXT, **changes})


# --- InteractiveFigure and Control ----------------------------------------------------------


def test_figure_json_is_strict_and_cannot_close_its_script_early():
    state = State({0: {"y": [1.0]}}, "a </script> in text")
    fig = InteractiveFigure(
        "demo",
        {"data": [{"type": "scatter"}], "layout": {}},
        [([Control("x", ("a",))], {"0": state})],
        description="d",
        caption="c",
        static_png=b"\x89PNG...",
    )
    assert "</script> in text" not in fig.html
    assert _spec(fig)["groups"][0]["states"]["0"]["text"] == "a </script> in text"
    bad = State({0: {"y": [float("nan")]}}, "t")
    fig = InteractiveFigure(
        "demo",
        {"data": [{}], "layout": {}},
        [([Control("x", ("a",))], {"0": bad})],
        description="d",
        caption="c",
        static_png=b"\x89PNG...",
    )
    with pytest.raises(ValueError, match="Out of range float"):
        _ = fig.html


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        ({"figure": {"data": []}}, TypeError, "plotly figure"),
        ({"groups": []}, ValueError, "groups must not be empty"),
        ({"groups": [([], {})]}, TypeError, "list of Control"),
        (
            {"groups": [([Control("x", ("a", "b"), 1)], {"0": State({}, "t")})]},
            ValueError,
            "no state for its default choice '1'",
        ),
        ({"groups": [([Control("x", ("a",))], {"0": "t"})]}, TypeError, "not a State"),
        (
            {"groups": [([Control("x", ("a",))], {"0": State({5: {}}, "t")})]},
            ValueError,
            "names a trace the figure lacks",
        ),
        ({"static_png": b"GIF89a"}, TypeError, "bytes of a PNG"),
        ({"narrow": {"below": 500}}, TypeError, "narrow must be a dict with 'below'"),
        ({"narrow": [500]}, TypeError, "narrow must be a dict"),
        ({"narrow": {"below": 0, "layout": {}, "wide": {}}}, ValueError, r"narrow\['below'\]"),
    ],
)
def test_interactive_figure_rejects_bad_input(changes, error, message):
    arguments = {
        "name": "demo",
        "figure": {"data": [{}], "layout": {}},
        "groups": [([Control("x", ("a",))], {"0": State({0: {}}, "t")})],
        "description": "d",
        "caption": "c",
        "static_png": b"\x89PNG...",
        **changes,
    }
    name = arguments.pop("name")
    with pytest.raises(error, match=message):
        InteractiveFigure(name, **arguments)


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        (("", ("a",)), ValueError, "label must not be empty"),
        (("x", ()), ValueError, "options must be a non-empty tuple"),
        (("x", ["a"]), ValueError, "options must be a non-empty tuple"),
        (("x", ("a", 3)), TypeError, r"options\[1\] must be a string"),
        (("x", ("a",), 1), ValueError, "default must index options"),
        (("x", ("a",), 0, "knob"), ValueError, "kind must be one of"),
    ],
)
def test_control_rejects_bad_input(arguments, error, message):
    with pytest.raises(error, match=message):
        Control(*arguments)


def test_sgd_example_from_the_docstring_diverges():
    path = optimize_2d(SGD(0.1), elongated_bowl_grad, (-4.0, 1.0), 5)
    assert float(elongated_bowl(*path[-1])) > float(elongated_bowl(*path[0]))
