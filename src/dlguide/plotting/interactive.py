"""Figures to explore in the browser, every state computed when the book builds.

A chapter computes each state a reader may want to see (an optimizer's path for each
learning rate on a grid, the confusion matrix at each decision threshold, the attention
map of each block and head) and hands them to one of the builders below. The result is
a piece of HTML: a plotly chart, native controls (``<input type="range">`` and
``<select>``, so they work by keyboard) and a text readout. In the browser, the site's
script ``_static/dlguide-interactive.js`` swaps the chart's data for the chosen state
(``Plotly.restyle``) and updates the readout; nothing is computed there, and no kernel
is needed. A PNG of the starting state, drawn with matplotlib in the book's style,
stands in for the chart in print, and the chart carries a text description.

- :func:`optimizer_explorer` -- optimizer paths on a 2-D surface, a learning-rate
  slider for each optimizer
- :func:`threshold_explorer` -- precision, recall and the confusion matrix of a
  classifier's scores, a threshold slider
- :func:`attention_explorer` -- attention maps, a block and a head selector
- :class:`InteractiveFigure` -- what they return; displayed in a notebook as HTML
"""

from __future__ import annotations

import base64
import html
import io
import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from dlguide._checks import check_array, check_int, check_real, check_str, describe
from dlguide.book.style import PALETTE

__all__ = [
    "Control",
    "InteractiveFigure",
    "State",
    "attention_explorer",
    "optimizer_explorer",
    "threshold_explorer",
]

_NAME = re.compile(r"[a-z][a-z0-9-]*\Z")


@dataclass(frozen=True)
class Control:
    """One control: a slider (``kind="range"``) or a drop-down list (``kind="select"``)."""

    label: str
    options: tuple[str, ...]
    default: int = 0
    kind: str = "range"

    def __post_init__(self) -> None:
        check_str("label", self.label)
        check_str("kind", self.kind, choices=("range", "select"))
        if not isinstance(self.options, tuple) or not self.options:
            raise ValueError(f"options must be a non-empty tuple of strings, got {self.options!r}")
        for i, option in enumerate(self.options):
            check_str(f"options[{i}]", option)
        default = check_int("default", self.default, minimum=0)
        if default >= len(self.options):
            raise ValueError(
                f"default must index options (0 to {len(self.options) - 1}), got {default}"
            )


@dataclass(frozen=True)
class State:
    """What one choice of the controls shows: new data for some traces, and a readout.

    ``updates`` maps a trace's index in the figure to its new attributes
    (``{"x": [...], "y": [...]}``), as ``Plotly.restyle`` takes them for one trace.
    """

    updates: Mapping[int, Mapping[str, Any]]
    text: str


def _finite_or_none(values: Any) -> Any:
    """Nested lists of floats, with NaN and infinities as None (JSON has neither)."""
    array = np.asarray(values, dtype=float)
    return [
        _finite_or_none(v) if array.ndim > 1 else (float(v) if math.isfinite(v) else None)
        for v in array
    ]


class InteractiveFigure:
    """A chart with controls, as HTML; every state it can show is in the page.

    Build one with :func:`optimizer_explorer`, :func:`threshold_explorer` or
    :func:`attention_explorer`. ``groups`` is a list of (controls, states) pairs: the
    controls of a group choose one of its states together, keyed by their positions
    joined with ``-`` (``"3"`` for one control at position 3, ``"1-4"`` for two).
    ``narrow``, if given, is ``{"below": pixels, "layout": {...}, "wide": {...}}``: the
    page applies the ``layout`` updates (``Plotly.relayout``) while the chart is narrower
    than ``below`` pixels, and the ``wide`` ones, which restore the figure's own, otherwise.
    """

    def __init__(
        self,
        name: str,
        figure: Mapping[str, Any],
        groups: Sequence[tuple[Sequence[Control], Mapping[str, State]]],
        *,
        description: str,
        caption: str,
        static_png: bytes,
        narrow: Mapping[str, Any] | None = None,
    ) -> None:
        check_str("name", name)
        if not _NAME.match(name):
            raise ValueError(f"name must be lower case letters, digits and '-', got {name!r}")
        if not isinstance(figure, Mapping) or not {"data", "layout"} <= set(figure):
            raise TypeError(f"figure must be a plotly figure's dict, got {describe(figure)}")
        self.name = name
        self.description = check_str("description", description)
        self.caption = check_str("caption", caption)
        if not isinstance(static_png, bytes) or not static_png.startswith(b"\x89PNG"):
            raise TypeError(
                f"static_png must be the bytes of a PNG image, got {describe(static_png)}"
            )
        self.static_png = static_png
        self.figure = figure
        if narrow is not None:
            if not isinstance(narrow, Mapping) or not {"below", "layout", "wide"} <= set(narrow):
                raise TypeError(
                    "narrow must be a dict with 'below' (a width in pixels), 'layout' and "
                    f"'wide' (layout updates for narrower and wider charts), got {describe(narrow)}"
                )
            check_int("narrow['below']", narrow["below"], minimum=1)
        self.narrow = None if narrow is None else dict(narrow)
        if not groups:
            raise ValueError("groups must not be empty")
        n_traces = len(figure["data"])
        self.groups = []
        for g, (controls, states) in enumerate(groups):
            controls = list(controls)
            if not controls or not all(isinstance(c, Control) for c in controls):
                raise TypeError(f"groups[{g}] must start with a list of Control, got {controls!r}")
            default = "-".join(str(c.default) for c in controls)
            if default not in states:
                raise ValueError(f"groups[{g}] has no state for its default choice {default!r}")
            for key, state in states.items():
                if not isinstance(state, State):
                    raise TypeError(f"groups[{g}] state {key!r} is {describe(state)}, not a State")
                if any(not 0 <= t < n_traces for t in state.updates):
                    raise ValueError(f"groups[{g}] state {key!r} names a trace the figure lacks")
            self.groups.append((controls, dict(states)))

    def _control_html(self, control: Control, id_: str) -> str:
        label = f'<label for="{id_}">{html.escape(control.label)}</label>'
        if control.kind == "select":
            options = "".join(
                f'<option value="{i}"{" selected" if i == control.default else ""}>'
                f"{html.escape(text)}</option>"
                for i, text in enumerate(control.options)
            )
            return (
                f'<div class="dlguide-control">{label}<select id="{id_}">{options}</select></div>'
            )
        shown = html.escape(control.options[control.default])
        return (
            f'<div class="dlguide-control">{label}'
            f'<input type="range" id="{id_}" min="0" max="{len(control.options) - 1}" step="1" '
            f'value="{control.default}" aria-valuetext="{shown}">'
            f'<output for="{id_}" id="{id_}-value">{shown}</output></div>'
        )

    @property
    def html(self) -> str:
        """All of the figure's HTML, from its controls to its print image and caption."""
        controls, readouts, spec_groups = [], [], []
        for g, (group, states) in enumerate(self.groups):
            ids = [f"{self.name}-g{g}-c{c}" for c in range(len(group))]
            controls += [self._control_html(c, i) for c, i in zip(group, ids, strict=True)]
            default = states["-".join(str(c.default) for c in group)]
            readout_id = f"{self.name}-g{g}-readout"
            readouts.append(
                f'<p class="dlguide-readout" id="{readout_id}">{html.escape(default.text)}</p>'
            )
            spec_groups.append(
                {
                    "controls": [
                        {"id": i, "labels": list(c.options)}
                        for c, i in zip(group, ids, strict=True)
                    ],
                    "readout": readout_id,
                    "states": {
                        k: {
                            "updates": {str(t): dict(u) for t, u in s.updates.items()},
                            "text": s.text,
                        }
                        for k, s in states.items()
                    },
                }
            )
        spec = {"figure": self.figure, "groups": spec_groups}
        if self.narrow is not None:
            spec["narrow"] = self.narrow
        # "</" cannot end the script element early once escaped like this
        data = json.dumps(spec, allow_nan=False).replace("</", "<\\/")
        image = base64.b64encode(self.static_png).decode("ascii")
        description = html.escape(self.description)
        return (
            f'<figure class="dlguide-interactive" id="{self.name}">'
            f'<div class="dlguide-interactive-widget">'
            f'<div class="dlguide-controls">{"".join(controls)}</div>'
            f'<div class="dlguide-plot" role="img" aria-label="{description}"></div>'
            f'<div class="dlguide-readouts" aria-live="polite">{"".join(readouts)}</div>'
            f'<script type="application/json" class="dlguide-interactive-data">{data}</script>'
            f"</div>"
            f'<img class="dlguide-interactive-print" src="data:image/png;base64,{image}" '
            f'alt="{description}">'
            f"<figcaption>{html.escape(self.caption)}</figcaption></figure>"
        )

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return f"InteractiveFigure({self.name!r}, {sum(len(s) for _, s in self.groups)} states)"


def _png(fig: Any) -> bytes:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    plt.close(fig)
    return buffer.getvalue()


def _layout(fig: Any, height: int) -> dict[str, Any]:
    fig.update_layout(
        height=height,
        autosize=True,
        margin={"l": 50, "r": 10, "t": 40, "b": 45},
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        showlegend=False,
        font={"size": 12},
    )
    return json.loads(fig.to_json())


def optimizer_explorer(
    paths: Mapping[str, Sequence[tuple[float, np.ndarray]]],
    loss: Callable[[np.ndarray, np.ndarray], np.ndarray],
    *,
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    defaults: Mapping[str, int] | None = None,
    name: str = "optimizer-explorer",
    description: str,
    caption: str,
) -> InteractiveFigure:
    """Paths of several optimizers on one surface, with a learning-rate slider for each.

    Parameters
    ----------
    paths
        For each optimizer's name, a list of ``(learning_rate, path)`` pairs in
        increasing rate, each ``path`` an ``(steps + 1, 2)`` array of points (from
        :func:`dlguide.foundations.optimizers.optimize_2d`).
    loss
        The surface, ``loss(x, y)``, vectorised (contours, and the readout's final loss).
    x_range, y_range
        The frame: a path that diverges leaves it.
    defaults
        The starting position of each slider (default: the middle of the grid).

    Examples
    --------
    >>> from dlguide.foundations.optimizers import SGD, elongated_bowl, optimize_2d
    >>> from dlguide.foundations.optimizers import elongated_bowl_grad
    >>> grid = {"sgd": [(lr, optimize_2d(SGD(lr), elongated_bowl_grad, (-4.0, 1.0), 5))
    ...                 for lr in (0.01, 0.1)]}
    >>> fig = optimizer_explorer(grid, elongated_bowl, x_range=(-5, 2), y_range=(-2, 2),
    ...                          defaults={"sgd": 0}, description="d", caption="c")
    >>> fig.groups[0][1]["1"].text
    'sgd, learning rate 0.1: diverged, loss 7.2e+02 after 5 steps'
    """
    import matplotlib.pyplot as plt
    from plotly.subplots import make_subplots

    if not isinstance(paths, Mapping) or not paths:
        raise TypeError(f"paths must be a non-empty dict of optimizer names, got {describe(paths)}")
    if not callable(loss):
        raise TypeError(f"loss must be a function of x and y, got {describe(loss)}")
    frame = []
    for arg, pair in (("x_range", x_range), ("y_range", y_range)):
        if not isinstance(pair, tuple) or len(pair) != 2:
            raise TypeError(f"{arg} must be a (low, high) tuple, got {describe(pair)}")
        low, high = check_real(f"{arg}[0]", pair[0]), check_real(f"{arg}[1]", pair[1])
        if low >= high:
            raise ValueError(f"{arg} must be (low, high) with low < high, got {pair}")
        frame.append((low, high))
    defaults = dict(defaults or {})
    unknown = set(defaults) - set(paths)
    if unknown:
        raise ValueError(f"defaults names optimizers that paths lacks: {sorted(unknown)}")
    grids: dict[str, list[tuple[float, np.ndarray]]] = {}
    for opt, runs in paths.items():
        check_str("optimizer name", opt)
        if not isinstance(runs, (list, tuple)) or not runs:
            raise ValueError(f"paths[{opt!r}] must be a non-empty list of (rate, path) pairs")
        grids[opt] = []
        for i, run in enumerate(runs):
            if not isinstance(run, tuple) or len(run) != 2:
                raise TypeError(
                    f"paths[{opt!r}][{i}] must be a (rate, path) pair, got {describe(run)}"
                )
            rate = check_real(f"paths[{opt!r}][{i}] rate", run[0])
            path = check_array(f"paths[{opt!r}][{i}] path", run[1], ndim=2, kind="any")
            if path.shape[1] != 2 or len(path) < 2:
                raise ValueError(
                    f"paths[{opt!r}][{i}] path must have shape (steps + 1, 2), got {path.shape}"
                )
            grids[opt].append((rate, path.astype(float)))
        rates = [r for r, _ in grids[opt]]
        if rates != sorted(rates) or len(set(rates)) != len(rates):
            raise ValueError(f"paths[{opt!r}] rates must increase, got {rates}")
        start = check_int(f"defaults[{opt!r}]", defaults.get(opt, len(runs) // 2), minimum=0)
        if start >= len(runs):
            raise ValueError(f"defaults[{opt!r}] must index paths[{opt!r}], got {start}")
        defaults[opt] = start

    def summary(opt: str, rate: float, path: np.ndarray) -> str:
        with np.errstate(over="ignore", invalid="ignore"):
            first = float(loss(*path[0]))
            last = float(loss(*path[-1])) if np.all(np.isfinite(path[-1])) else math.inf
        steps = len(path) - 1
        if not math.isfinite(last) or last > first:
            value = "inf" if not math.isfinite(last) else f"{last:.2g}"
            return f"{opt}, learning rate {rate:.3g}: diverged, loss {value} after {steps} steps"
        return f"{opt}, learning rate {rate:.3g}: loss {last:.3g} after {steps} steps"

    names = list(grids)
    rows = math.ceil(len(names) / 2)
    fig = make_subplots(
        rows=rows, cols=2, subplot_titles=names, horizontal_spacing=0.08, vertical_spacing=0.14
    )
    xs = np.linspace(*frame[0], 121)
    ys = np.linspace(*frame[1], 61)
    with np.errstate(divide="ignore"):
        z = np.log10(np.asarray(loss(*np.meshgrid(xs, ys)), dtype=float))
    z_finite = z[np.isfinite(z)]
    groups, path_traces = [], {}
    for i, opt in enumerate(names):
        row, col = i // 2 + 1, i % 2 + 1
        fig.add_contour(
            x=xs.tolist(),
            y=ys.tolist(),
            z=_finite_or_none(z),
            showscale=False,
            colorscale=[[0, "#999999"], [1, "#999999"]],
            contours={
                "coloring": "lines",
                "start": float(z_finite.min()),
                "end": float(z_finite.max()),
                "size": 0.3,
            },
            line={"color": "#999999", "width": 0.6},
            hoverinfo="skip",
            row=row,
            col=col,
        )
        rate, path = grids[opt][defaults[opt]]
        fig.add_scatter(
            x=_finite_or_none(path[:, 0]),
            y=_finite_or_none(path[:, 1]),
            mode="lines+markers",
            marker={"size": 4, "color": PALETTE[i % 7]},
            line={"color": PALETTE[i % 7], "width": 1.5},
            name=opt,
            row=row,
            col=col,
        )
        path_traces[opt] = len(fig.data) - 1
        fig.update_xaxes(range=list(frame[0]), row=row, col=col, title_text="x")
        fig.update_yaxes(range=list(frame[1]), row=row, col=col, title_text="y")
        control = Control(
            f"{opt} learning rate", tuple(f"{r:.3g}" for r, _ in grids[opt]), defaults[opt]
        )
        states = {
            str(j): State(
                {path_traces[opt]: {"x": _finite_or_none(p[:, 0]), "y": _finite_or_none(p[:, 1])}},
                summary(opt, r, p),
            )
            for j, (r, p) in enumerate(grids[opt])
        }
        groups.append(([control], states))
    figure = _layout(fig, 260 * rows + 60)

    static, axes = plt.subplots(rows, 2, figsize=(7.5, 2.6 * rows + 0.4), squeeze=False)
    for i, opt in enumerate(names):
        ax = axes.ravel()[i]
        rate, path = grids[opt][defaults[opt]]
        ax.contour(
            xs, ys, np.where(np.isfinite(z), z, np.nan), levels=12, colors="grey", linewidths=0.6
        )
        ax.plot(path[:, 0], path[:, 1], marker="o", markersize=3, color=PALETTE[i % 7])
        ax.set(xlim=frame[0], ylim=frame[1], title=f"{opt} (lr {rate:.3g})")
        ax.grid(False)
    for ax in axes.ravel()[len(names) :]:
        ax.set_visible(False)
    return InteractiveFigure(
        name, figure, groups, description=description, caption=caption, static_png=_png(static)
    )


def _counts(labels: np.ndarray, scores: np.ndarray, threshold: float) -> tuple[int, int, int, int]:
    said = scores >= threshold
    tp = int(np.sum(said & (labels == 1)))
    fp = int(np.sum(said & (labels == 0)))
    fn = int(np.sum(~said & (labels == 1)))
    tn = int(np.sum(~said & (labels == 0)))
    return tp, fp, fn, tn


def threshold_explorer(
    labels: np.ndarray,
    scores: np.ndarray,
    thresholds: np.ndarray,
    *,
    positive: str,
    default: int | None = None,
    name: str = "threshold-explorer",
    description: str,
    caption: str,
) -> InteractiveFigure:
    """A decision-threshold slider over a classifier's scores.

    For each threshold ``t`` in ``thresholds`` (increasing, in [0, 1]), the
    prediction is "positive" where ``scores >= t``; the figure shows precision and
    recall over all thresholds with a marker at ``t``, the confusion matrix at ``t``,
    and a readout of both. Precision with no positive prediction is reported as 0
    (scikit-learn's convention).

    Examples
    --------
    >>> fig = threshold_explorer(np.array([0, 1, 1]), np.array([0.2, 0.4, 0.9]),
    ...                          np.array([0.3, 0.5]), positive="cat",
    ...                          description="d", caption="c")
    >>> fig.groups[0][1]["1"].text
    'threshold 0.50: precision 100.0%, recall 50.0% (1 of 2 cats found, 0 false alarms)'
    """
    import matplotlib.pyplot as plt
    from plotly.subplots import make_subplots

    labels = check_array("labels", labels, ndim=1, kind="integer")
    scores = check_array("scores", scores, ndim=1)
    thresholds = check_array("thresholds", thresholds, ndim=1)
    if len(labels) != len(scores):
        raise ValueError(
            f"labels and scores must have the same length, got {len(labels)} and {len(scores)}"
        )
    if not set(np.unique(labels)) <= {0, 1}:
        raise ValueError(f"labels must be 0 or 1, got values {sorted(set(np.unique(labels)))}")
    if labels.sum() == 0:
        raise ValueError("labels must contain at least one positive (1)")
    if np.any(np.diff(thresholds) <= 0) or thresholds.min() < 0 or thresholds.max() > 1:
        raise ValueError("thresholds must increase strictly and lie in [0, 1]")
    positive = check_str("positive", positive)
    start = len(thresholds) // 2 if default is None else check_int("default", default, minimum=0)
    if start >= len(thresholds):
        raise ValueError(f"default must index thresholds (0 to {len(thresholds) - 1}), got {start}")

    rows = []
    for t in thresholds:
        tp, fp, fn, tn = _counts(labels, scores, float(t))
        rows.append((tp, fp, fn, tn, tp / (tp + fp) if tp + fp else 0.0, tp / (tp + fn)))
    precision = [r[4] for r in rows]
    recall = [r[5] for r in rows]

    def matrix(r: tuple) -> list[list[int]]:
        tp, fp, fn, tn = r[:4]
        return [[tn, fp], [fn, tp]]  # rows: true no, true yes; columns: said no, said yes

    def text(t: float, r: tuple) -> str:
        tp, fp, fn = r[:3]
        return (
            f"threshold {t:.2f}: precision {r[4]:.1%}, recall {r[5]:.1%} "
            f"({tp} of {tp + fn} {positive}s found, {fp} false alarm{'s' if fp != 1 else ''})"
        )

    ts = thresholds.tolist()
    fig = make_subplots(
        rows=1,
        cols=2,
        column_widths=[0.58, 0.42],
        horizontal_spacing=0.16,
        subplot_titles=("precision (solid), recall (dashed)", "confusion matrix"),
    )
    fig.add_scatter(
        x=ts, y=precision, mode="lines", name="precision", line={"color": PALETTE[0]}, row=1, col=1
    )
    fig.add_scatter(
        x=ts,
        y=recall,
        mode="lines",
        name="recall",
        line={"color": PALETTE[1], "dash": "dash"},
        row=1,
        col=1,
    )
    t0, r0 = ts[start], rows[start]
    fig.add_scatter(
        x=[t0, t0],
        y=[r0[4], r0[5]],
        mode="markers",
        name="at the threshold",
        marker={"size": 10, "color": PALETTE[5]},
        row=1,
        col=1,
    )
    kinds = ["not " + positive, positive]
    fig.add_heatmap(
        z=matrix(r0),
        x=[f"said {k}" for k in kinds],
        y=[f"true {k}" for k in kinds],
        text=matrix(r0),
        texttemplate="%{text}",
        colorscale="Blues",
        showscale=False,
        zmin=0,
        zmax=len(labels),
        row=1,
        col=2,
    )
    fig.update_xaxes(title_text="threshold", range=[0, 1], row=1, col=1)
    fig.update_yaxes(range=[0, 1.05], tickformat=".0%", row=1, col=1)
    fig.update_yaxes(autorange="reversed", row=1, col=2)
    figure = _layout(fig, 340)
    # On a phone the two panels side by side leave their titles no room: stack them.
    wide_layout = figure["layout"]
    keys = ("xaxis", "yaxis", "xaxis2", "yaxis2")
    wide = {"height": 340, **{f"{k}.domain": wide_layout[k]["domain"] for k in keys}}
    narrow_layout = {
        "height": 620,
        "xaxis.domain": [0.0, 1.0],
        "yaxis.domain": [0.5, 1.0],
        "xaxis2.domain": [0.3, 1.0],  # room on the left for the row labels
        "yaxis2.domain": [0.0, 0.3],
    }
    for i, (x, y) in enumerate(((0.5, 1.0), (0.65, 0.3))):  # the two panel titles
        title = wide_layout["annotations"][i]
        wide |= {f"annotations[{i}].x": title["x"], f"annotations[{i}].y": title["y"]}
        narrow_layout |= {f"annotations[{i}].x": x, f"annotations[{i}].y": y}
    states = {
        str(i): State(
            {2: {"x": [t, t], "y": [r[4], r[5]]}, 3: {"z": matrix(r), "text": matrix(r)}},
            text(t, r),
        )
        for i, (t, r) in enumerate(zip(ts, rows, strict=True))
    }
    control = Control(f"decision threshold on p({positive})", tuple(f"{t:.2f}" for t in ts), start)

    static, (left, right) = plt.subplots(1, 2, figsize=(7.5, 3.2))
    left.plot(ts, precision, label="precision")
    left.plot(ts, recall, label="recall", linestyle="--")
    left.plot([t0, t0], [r0[4], r0[5]], "o", color=PALETTE[5])
    left.set(xlabel="threshold", ylim=(0, 1.05), title=f"threshold {t0:.2f}")
    left.legend()
    m = np.array(matrix(r0))
    right.imshow(m, cmap="Blues", vmin=0, vmax=len(labels))
    for (i, j), count in np.ndenumerate(m):
        right.text(j, i, str(count), ha="center", va="center")
    right.set_xticks([0, 1], [f"said {k}" for k in kinds])
    right.set_yticks([0, 1], [f"true {k}" for k in kinds])
    right.grid(False)
    return InteractiveFigure(
        name,
        figure,
        [([control], states)],
        description=description,
        caption=caption,
        static_png=_png(static),
        narrow={"below": 560, "layout": narrow_layout, "wide": wide},
    )


def attention_explorer(
    weights: np.ndarray,
    *,
    summary: Callable[[np.ndarray], str] | None = None,
    default: tuple[int, int] = (0, 0),
    name: str = "attention-explorer",
    description: str,
    caption: str,
) -> InteractiveFigure:
    """Attention maps by block (layer) and head, chosen with two drop-down lists.

    ``weights`` has shape ``(blocks, heads, queries, keys)``, each row a
    distribution (non-negative, summing to one). The head list has one entry per
    head and a last one, "mean of heads". ``summary`` turns one map into the
    readout's text (default: the mean of each row's largest weight).

    Examples
    --------
    >>> w = np.full((2, 2, 3, 3), 1 / 3)
    >>> fig = attention_explorer(w, description="d", caption="c")
    >>> fig.groups[0][1]["1-2"].text
    'block 2, mean of heads: the largest weight of a row is 33% on average'
    """
    import matplotlib.pyplot as plt
    import plotly.graph_objects as go

    weights = check_array("weights", weights, ndim=4).astype(float)
    if np.any(weights < 0) or not np.allclose(weights.sum(-1), 1, atol=1e-4):
        raise ValueError("weights must be attention distributions: non-negative rows summing to 1")
    if summary is None:

        def summary(w: np.ndarray) -> str:
            return f"the largest weight of a row is {w.max(axis=1).mean():.0%} on average"

    elif not callable(summary):
        raise TypeError(f"summary must be a function of one map, got {describe(summary)}")
    if not (isinstance(default, tuple) and len(default) == 2):
        raise TypeError(f"default must be a (block, head) pair, got {describe(default)}")
    blocks, heads = weights.shape[:2]
    b0 = check_int("default[0]", default[0], minimum=0)
    h0 = check_int("default[1]", default[1], minimum=0)
    if b0 >= blocks or h0 > heads:
        raise ValueError(
            f"default must be a block below {blocks} and a head up to {heads}, got {default}"
        )
    maps = np.concatenate([weights, weights.mean(axis=1, keepdims=True)], axis=1)
    head_names = (*(f"head {h + 1}" for h in range(heads)), "mean of heads")
    states = {}
    for b in range(blocks):
        for h in range(heads + 1):
            text = summary(maps[b, h])
            check_str("summary(...)", text)
            states[f"{b}-{h}"] = State(
                {0: {"z": _finite_or_none(maps[b, h])}}, f"block {b + 1}, {head_names[h]}: {text}"
            )
    top = float(maps.max())
    fig = go.Figure(
        go.Heatmap(
            z=_finite_or_none(maps[b0, h0]),
            colorscale="Blues",
            zmin=0,
            zmax=top,
            colorbar={"title": {"text": "weight"}},
        )
    )
    fig.update_xaxes(title_text="attended position (key)", constrain="domain")
    fig.update_yaxes(
        title_text="output position (query)",
        autorange="reversed",
        scaleanchor="x",
        constrain="domain",
    )
    figure = _layout(fig, 420)
    controls = [
        Control("block", tuple(f"block {b + 1}" for b in range(blocks)), b0, kind="select"),
        Control("head", head_names, h0, kind="select"),
    ]
    static, ax = plt.subplots(figsize=(4.6, 4.0))
    image = ax.imshow(maps[b0, h0], cmap="Blues", vmin=0, vmax=top)
    static.colorbar(image, ax=ax, label="weight")
    ax.set(
        xlabel="attended position (key)",
        ylabel="output position (query)",
        title=f"block {b0 + 1}, {head_names[h0]}",
    )
    ax.grid(False)
    return InteractiveFigure(
        name,
        figure,
        [(controls, states)],
        description=description,
        caption=caption,
        static_png=_png(static),
    )
