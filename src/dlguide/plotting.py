"""One visual style for every figure in the book, and a few helpers that use it.

Colours come from the Okabe-Ito palette, which stays distinguishable for
readers with the common forms of colour blindness. Chapters make figures with
these helpers and hand them to :func:`glue_figure`, which glues the figure for a
``{glue:figure}`` directive (with a caption and alt text) and closes it, so it
is not shown twice.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from dlguide._checks import check_array, check_int, check_same_length, check_str, describe

__all__ = [
    "PALETTE",
    "bar_chart",
    "confusion_heatmap",
    "curve_chart",
    "decision_regions",
    "glue_figure",
    "graph_diagram",
    "image_grid",
    "line_chart",
    "nested_regions",
    "new_figure",
    "probability_panels",
    "use_book_style",
]

#: Okabe-Ito colours, in the order the book uses them.
PALETTE = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # green
    "#CC79A7",  # purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
)

_STYLE = {
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "savefig.bbox": "tight",
    "figure.figsize": (7.0, 3.6),
    "figure.facecolor": "white",
    "font.size": 10.5,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.labelsize": 10.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "grid.linewidth": 0.6,
    "legend.frameon": False,
    "lines.linewidth": 2.0,
    "lines.markersize": 6,
    "image.cmap": "gray_r",
    "svg.hashsalt": "dlguide",
    "axes.prop_cycle": None,  # filled in by use_book_style
}


def use_book_style() -> None:
    """Apply the book's matplotlib style to every figure made after the call.

    Examples
    --------
    >>> use_book_style()
    >>> import matplotlib
    >>> matplotlib.rcParams["axes.spines.top"]
    False
    """
    import matplotlib as mpl
    from cycler import cycler

    style = dict(_STYLE)
    style["axes.prop_cycle"] = cycler(color=list(PALETTE))
    mpl.rcParams.update(style)


def _check_inches(**sizes: float | None) -> None:
    for arg, size in sizes.items():
        if size is None:
            continue
        if isinstance(size, bool) or not isinstance(size, numbers.Real):
            raise TypeError(f"{arg} must be a number of inches, got {describe(size)}")
        if not np.isfinite(size) or size <= 0:
            raise ValueError(f"{arg} must be a positive, finite number of inches, got {size}")


def new_figure(
    nrows: int = 1, ncols: int = 1, *, width: float = 7.0, height: float | None = None
) -> tuple[Any, Any]:
    """Return ``(figure, axes)`` in the book's style; ``axes`` is an array if there are several.

    Examples
    --------
    >>> fig, axes = new_figure(1, 2)
    >>> axes.shape
    (2,)
    """
    import matplotlib.pyplot as plt

    nrows = check_int("nrows", nrows, minimum=1)
    ncols = check_int("ncols", ncols, minimum=1)
    _check_inches(width=width, height=height)
    if height is None:
        height = 3.4 * nrows
    use_book_style()
    fig, axes = plt.subplots(nrows, ncols, figsize=(width, height), squeeze=True)
    fig.set_layout_engine("constrained")
    return fig, axes


def _check_axes(ax: Any) -> None:
    from matplotlib.axes import Axes

    if not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes, got {describe(ax)}")


def _check_names(name: str, names: Any) -> None:
    if isinstance(names, str) or not isinstance(names, (list, tuple)):
        raise TypeError(f"{name} must be a list of strings, got {describe(names)}")
    if not names:
        raise ValueError(f"{name} must not be empty")
    for i, entry in enumerate(names):
        check_str(f"{name}[{i}]", entry)


def _as_floats(name: str, values: Any) -> np.ndarray:
    try:
        return np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a sequence of numbers, got {describe(values)}") from None


def line_chart(
    ax: Any,
    x: Sequence[float] | np.ndarray,
    series: Mapping[str, Sequence[float] | np.ndarray],
    *,
    xlabel: str,
    ylabel: str,
    title: str | None = None,
    marker: str | None = "o",
) -> Any:
    """Draw one line per entry of ``series`` (label -> y values) against ``x``.

    Examples
    --------
    >>> fig, ax = new_figure()
    >>> _ = line_chart(ax, [1, 2, 3], {"train": [0.5, 0.7, 0.8]}, xlabel="epoch", ylabel="acc")
    >>> len(ax.lines)
    1
    """
    _check_axes(ax)
    xs = check_array("x", np.asarray(x), ndim=1)
    if not isinstance(series, Mapping) or not series:
        raise TypeError(
            f"series must be a non-empty mapping of label -> values, got {describe(series)}"
        )
    for label, ys in series.items():
        check_str("series label", label)
        values = check_array(f"series[{label!r}]", np.asarray(ys, dtype=float), ndim=1)
        check_same_length(x=xs, **{f"series[{label!r}]": values})
        ax.plot(xs, values, marker=marker, label=label)
    ax.set_xlabel(check_str("xlabel", xlabel))
    ax.set_ylabel(check_str("ylabel", ylabel))
    if title:
        ax.set_title(title)
    if len(series) > 1:
        ax.legend()
    return ax


def bar_chart(
    ax: Any,
    labels: Sequence[str],
    values: Sequence[float] | np.ndarray,
    *,
    ylabel: str,
    fmt: str = ".2f",
    title: str | None = None,
    colors: Sequence[str] | None = None,
) -> Any:
    """Draw labelled bars, each annotated with its value formatted by ``fmt``.

    Examples
    --------
    >>> fig, ax = new_figure()
    >>> _ = bar_chart(ax, ["a", "b"], [0.2, 0.9], ylabel="accuracy", fmt=".0%")
    >>> [t.get_text() for t in ax.texts]
    ['20%', '90%']
    """
    _check_axes(ax)
    if isinstance(labels, str) or not isinstance(labels, Sequence):
        raise TypeError(f"labels must be a sequence of strings, got {describe(labels)}")
    names = [check_str(f"labels[{i}]", label) for i, label in enumerate(labels)]
    heights = check_array("values", _as_floats("values", values), ndim=1)
    if len(names) != len(heights):
        raise ValueError(f"labels has {len(names)} entries but values has {len(heights)}")
    if colors is None:
        colors = [PALETTE[i % len(PALETTE)] for i in range(len(names))]
    check_str("fmt", fmt)
    try:
        texts = [format(h, fmt) for h in heights]
    except ValueError as exc:
        raise ValueError(f"fmt {fmt!r} is not a valid format for the values: {exc}") from None
    bars = ax.bar(names, heights, color=list(colors))
    ax.bar_label(bars, labels=texts, padding=2)
    ax.set_ylabel(check_str("ylabel", ylabel))
    ax.grid(axis="x", visible=False)
    if title:
        ax.set_title(title)
    return ax


def image_grid(
    images: np.ndarray,
    titles: Sequence[str] | None = None,
    *,
    ncols: int = 10,
    width: float = 7.0,
    cmap: str = "gray_r",
    symmetric: bool = False,
) -> Any:
    """Show a stack of 2-D images, ``(n, height, width)``, in a grid; return the figure.

    ``symmetric=True`` centres the colour scale of each image on zero (for filters,
    whose weights are positive and negative) and uses a diverging colour map.

    Examples
    --------
    >>> fig = image_grid(np.zeros((4, 8, 8)), ["a", "b", "c", "d"], ncols=2)
    >>> len(fig.axes)
    4
    """
    stack = check_array("images", images, ndim=3)
    ncols = check_int("ncols", ncols, minimum=1)
    if titles is not None and len(titles) != len(stack):
        raise ValueError(f"titles has {len(titles)} entries but images has {len(stack)}")
    _check_inches(width=width)
    ncols = min(ncols, len(stack))
    nrows = -(-len(stack) // ncols)
    cell = width / ncols
    fig, axes = new_figure(nrows, ncols, width=width, height=cell * nrows * 1.15)
    for i, ax in enumerate(np.atleast_1d(axes).ravel()):
        ax.axis("off")
        if i >= len(stack):
            continue
        if symmetric:
            limit = float(np.abs(stack[i]).max()) or 1.0
            ax.imshow(stack[i], cmap="RdBu_r", vmin=-limit, vmax=limit)
        else:
            ax.imshow(stack[i], cmap=cmap)
        if titles is not None:
            ax.set_title(titles[i], fontsize=9, fontweight="normal")
    return fig


def nested_regions(labels: Sequence[str], notes: Sequence[str] | None = None) -> Any:
    """Draw regions nested inside each other, outermost first, as in "AI > ML > DL".

    Parameters
    ----------
    labels
        One label per region, from the outermost to the innermost.
    notes
        Optional one-line description under each label.

    Examples
    --------
    >>> fig = nested_regions(["outer", "inner"], ["everything", "a part"])
    >>> sorted(t.get_text() for t in fig.axes[0].texts)
    ['a part', 'everything', 'inner', 'outer']
    """
    from matplotlib.patches import FancyBboxPatch

    if isinstance(labels, str) or not isinstance(labels, Sequence) or not labels:
        raise TypeError(f"labels must be a non-empty sequence of strings, got {describe(labels)}")
    names = [check_str(f"labels[{i}]", label) for i, label in enumerate(labels)]
    if notes is not None and len(notes) != len(names):
        raise ValueError(f"notes has {len(notes)} entries but labels has {len(names)}")
    fig, ax = new_figure(width=7.0, height=1.1 + 1.0 * len(names))
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    band = 0.8 / len(names)  # the height of each ring's own strip of text
    for depth, name in enumerate(names):
        top = 0.98 - depth * band
        bottom = 0.02 + depth * 0.02
        left = 0.02 + depth * 0.06
        colour = PALETTE[depth % len(PALETTE)]
        box = FancyBboxPatch(
            (left, bottom), 1 - 2 * left, top - bottom,
            boxstyle="round,pad=0,rounding_size=0.03",
            facecolor=colour, alpha=0.15, edgecolor=colour, linewidth=1.5,
        )  # fmt: skip
        ax.add_patch(box)
        ax.text(0.5, top - 0.02, name, ha="center", va="top", fontsize=11, fontweight="bold")
        if notes is not None:
            ax.text(0.5, top - band * 0.45, check_str("note", notes[depth]), ha="center",
                    va="top", fontsize=9)  # fmt: skip
    return fig


def glue_figure(name: str, fig: Any) -> None:
    """Glue ``fig`` under ``name`` for a ``{glue:figure}`` directive, then close it.

    Closing matters: a figure left open is drawn a second time under the cell.
    """
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure
    from myst_nb import glue

    check_str("name", name)
    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure, got {describe(fig)}")
    glue(name, fig, display=False)
    plt.close(fig)


def decision_regions(
    ax: Any,
    predict: Any,
    x: np.ndarray,
    y: np.ndarray,
    *,
    resolution: int = 150,
    padding: float = 0.5,
    title: str | None = None,
) -> Any:
    """Shade the class that ``predict`` gives to every point of the plane, and scatter ``x``.

    Parameters
    ----------
    ax
        The matplotlib axes to draw on.
    predict
        A function from an array of points ``(m, 2)`` to integer class labels ``(m,)``.
    x, y
        Two-dimensional points ``(n, 2)`` and their integer labels ``(n,)``.
    resolution
        Grid points along each axis.
    padding
        Margin around the points, in data units.

    Examples
    --------
    >>> fig, ax = new_figure()
    >>> points = np.array([[0.0, 0.0], [1.0, 1.0]]); labels = np.array([0, 1])
    >>> _ = decision_regions(ax, lambda p: (p[:, 0] > 0.5).astype(int), points, labels)
    >>> len(ax.collections) >= 3  # the shaded regions and one scatter per class
    True
    """
    _check_axes(ax)
    points = check_array("x", x, ndim=2)
    if points.shape[1] != 2:
        raise ValueError(f"x must have two columns (points in the plane), got shape {points.shape}")
    labels = check_array("y", y, ndim=1, kind="integer")
    check_same_length(x=points, y=labels)
    if not callable(predict):
        raise TypeError(f"predict must be a function of an (m, 2) array, got {describe(predict)}")
    resolution = check_int("resolution", resolution, minimum=2)
    if isinstance(padding, bool) or not isinstance(padding, numbers.Real) or not padding >= 0:
        raise ValueError(f"padding must be a non-negative number, got {describe(padding)}")
    lo, hi = points.min(axis=0) - padding, points.max(axis=0) + padding
    gx, gy = np.meshgrid(
        np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution)
    )
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    regions = np.asarray(predict(grid))
    if regions.shape != (len(grid),):
        raise ValueError(
            f"predict must return one label per point, shape ({len(grid)},), got {regions.shape}"
        )
    classes = np.unique(labels)
    from matplotlib.colors import ListedColormap

    colours = [PALETTE[i % len(PALETTE)] for i in range(len(classes))]
    index = np.searchsorted(classes, regions.astype(labels.dtype)).clip(0, len(classes) - 1)
    ax.contourf(gx, gy, index.reshape(gx.shape), levels=np.arange(len(classes) + 1) - 0.5,
                cmap=ListedColormap(colours), alpha=0.25)  # fmt: skip
    for k, label in enumerate(classes):
        members = points[labels == label]
        ax.scatter(members[:, 0], members[:, 1], s=10, color=colours[k], edgecolor="white",
                   linewidth=0.3, label=f"class {label}")  # fmt: skip
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.set_aspect("equal")
    ax.grid(False)
    if title:
        ax.set_title(title)
    return ax


def graph_diagram(
    nodes: Mapping[str, tuple[float, float, str]],
    edges: Sequence[tuple[str, str]],
    *,
    width: float = 7.0,
    height: float = 3.0,
    highlight: Sequence[str] = (),
) -> Any:
    """Draw a small directed graph (for example, a computational graph) and return the figure.

    Parameters
    ----------
    nodes
        Name -> ``(x, y, text)``: where the node's box goes, in axes coordinates
        from 0 to 1, and the (possibly multi-line) text inside it.
    edges
        ``(from, to)`` pairs of node names; each is drawn as an arrow.
    width, height
        Figure size in inches.
    highlight
        Names of nodes to draw in the accent colour (e.g. the parameters).

    Examples
    --------
    >>> fig = graph_diagram({"x": (0.1, 0.5, "x"), "y": (0.9, 0.5, "y = 2x")}, [("x", "y")])
    >>> sorted(t.get_text() for t in fig.axes[0].texts)  # the arrow is an empty annotation
    ['', 'x', 'y = 2x']
    """
    if not isinstance(nodes, Mapping) or not nodes:
        raise TypeError(f"nodes must be a non-empty mapping name -> (x, y, text), got "
                        f"{describe(nodes)}")  # fmt: skip
    for name, spec in nodes.items():
        if not (isinstance(spec, tuple) and len(spec) == 3):
            raise TypeError(f"nodes[{name!r}] must be an (x, y, text) tuple, got {describe(spec)}")
        for coord in spec[:2]:
            if (
                isinstance(coord, bool)
                or not isinstance(coord, numbers.Real)
                or not 0 <= coord <= 1
            ):
                raise ValueError(
                    f"nodes[{name!r}] must have x and y between 0 and 1, got {spec[:2]}"
                )
        check_str(f"nodes[{name!r}] text", spec[2])
    if isinstance(edges, str) or not isinstance(edges, (list, tuple)):
        raise TypeError(f"edges must be a list of (from, to) pairs, got {describe(edges)}")
    if not edges:
        raise ValueError("edges must hold at least one (from, to) pair, got none")
    for edge in edges:
        if not (isinstance(edge, tuple) and len(edge) == 2):
            raise TypeError(f"edges must be (from, to) pairs, got {describe(edge)}")
        for end in edge:
            if end not in nodes:
                raise ValueError(f"edge {edge} names {end!r}, which is not one of the nodes")
    unknown = [name for name in highlight if name not in nodes]
    if unknown:
        raise ValueError(f"highlight names {unknown}, which are not nodes")
    _check_inches(width=width, height=height)
    fig, ax = new_figure(width=width, height=height)
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    boxes = {}
    for name, (x, y, text) in nodes.items():
        colour = PALETTE[1] if name in highlight else PALETTE[0]
        boxes[name] = ax.text(
            x, y, text, ha="center", va="center", fontsize=9,
            bbox={"boxstyle": "round,pad=0.4", "facecolor": "white", "edgecolor": colour,
                  "linewidth": 1.5},
        )  # fmt: skip
    for start, end in edges:
        ax.annotate(
            "", xy=nodes[end][:2], xytext=nodes[start][:2],
            arrowprops={"arrowstyle": "-|>", "color": "0.35", "linewidth": 1.2,
                        "patchA": boxes[start], "patchB": boxes[end], "shrinkA": 4, "shrinkB": 4},
        )  # fmt: skip
    return fig


def probability_panels(
    images: np.ndarray,
    probabilities: np.ndarray,
    class_names: Sequence[str],
    titles: Sequence[str] | None = None,
    *,
    width: float = 7.0,
) -> Any:
    """Show each image beside a bar chart of the class probabilities a model gave it.

    Parameters
    ----------
    images
        ``(n, height, width)`` images.
    probabilities
        ``(n, n_classes)`` probabilities, one row per image.
    class_names
        One name per class (per column of ``probabilities``).
    titles
        Optional title above each image.

    Examples
    --------
    >>> probs = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    >>> fig = probability_panels(np.zeros((2, 4, 4)), probs, ["a", "b", "c"])
    >>> len(fig.axes)
    4
    """
    stack = check_array("images", images, ndim=3)
    probs = check_array("probabilities", probabilities, ndim=2)
    check_same_length(images=stack, probabilities=probs)
    _check_names("class_names", class_names)
    if len(class_names) != probs.shape[1]:
        raise ValueError(
            f"class_names must give one name per column of probabilities ({probs.shape[1]}), "
            f"got {describe(class_names)}"
        )
    if probs.min() < 0 or probs.max() > 1:
        raise ValueError("probabilities must lie between 0 and 1")
    if titles is not None and len(titles) != len(stack):
        raise ValueError(f"titles has {len(titles)} entries but images has {len(stack)}")
    _check_inches(width=width)
    n = len(stack)
    fig, axes = new_figure(n, 2, width=width, height=1.9 * n)
    axes = np.asarray(axes).reshape(n, 2)
    fig.get_layout_engine().set(wspace=0.05)
    positions = np.arange(len(class_names))
    for i in range(n):
        image_ax, bar_ax = axes[i]
        image_ax.imshow(stack[i])
        image_ax.axis("off")
        if titles is not None:
            image_ax.set_title(titles[i], fontsize=9, fontweight="normal")
        colours = [PALETTE[1] if k == probs[i].argmax() else PALETTE[0] for k in positions]
        bar_ax.barh(positions, probs[i], color=colours)
        bar_ax.set_yticks(positions, list(class_names), fontsize=8)
        bar_ax.invert_yaxis()
        bar_ax.set_xlim(0, 1)
        bar_ax.xaxis.set_major_formatter("{x:.0%}")
        bar_ax.grid(axis="y", visible=False)
    axes[-1, 1].set_xlabel("probability")
    for ax in axes[:, 0]:
        ax.set_box_aspect(1)
    return fig


def confusion_heatmap(ax: Any, matrix: np.ndarray, class_names: Sequence[str]) -> Any:
    """Draw a confusion matrix (rows: true class, columns: predicted) with its counts.

    Examples
    --------
    >>> fig, ax = new_figure()
    >>> _ = confusion_heatmap(ax, np.array([[3, 1], [0, 4]]), ["a", "b"])
    >>> sorted(t.get_text() for t in ax.texts)
    ['0', '1', '3', '4']
    """
    _check_axes(ax)
    m = check_array("matrix", matrix, ndim=2, kind="integer")
    _check_names("class_names", class_names)
    if m.shape != (len(class_names), len(class_names)):
        raise ValueError(
            f"matrix must be square with one row per class name, got shape {m.shape} "
            f"and {describe(class_names)}"
        )
    ax.imshow(m, cmap="Blues")
    ticks = np.arange(len(class_names))
    ax.set_xticks(ticks, list(class_names), rotation=60, ha="right", fontsize=8.5)
    ax.set_yticks(ticks, list(class_names), fontsize=8.5)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    ax.grid(False)
    threshold = m.max() / 2
    for (i, j), count in np.ndenumerate(m):
        ax.text(j, i, str(count), ha="center", va="center", fontsize=7.5,
                color="white" if count > threshold else "black")  # fmt: skip
    return ax


def curve_chart(
    ax: Any,
    curves: Mapping[str, tuple[np.ndarray, np.ndarray]],
    *,
    xlabel: str,
    ylabel: str,
    steps: bool = False,
    reference: tuple[str, np.ndarray, np.ndarray] | None = None,
    title: str | None = None,
) -> Any:
    """Draw curves that each have their own x values, such as ROC or precision-recall curves.

    Parameters
    ----------
    ax
        The matplotlib axes to draw on.
    curves
        Label -> ``(x, y)``, two 1-D arrays of equal length per curve.
    xlabel, ylabel
        Axis labels.
    steps
        Draw each curve as a staircase (``steps-post``), as a precision-recall
        curve should be read, instead of joining the points by straight lines.
    reference
        An optional ``(label, x, y)`` drawn as a grey dotted line, e.g. what a
        scorer that knows nothing would get.
    title
        Optional axes title.

    Examples
    --------
    >>> fig, ax = new_figure()
    >>> x = np.array([0.0, 0.5, 1.0])
    >>> _ = curve_chart(ax, {"model": (x, np.array([0.0, 0.8, 1.0]))}, xlabel="FPR",
    ...                 ylabel="TPR", reference=("chance", x, x))
    >>> [line.get_label() for line in ax.lines]
    ['model', 'chance']
    """
    from matplotlib.axes import Axes

    if not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes, got {describe(ax)}")
    if not isinstance(curves, Mapping) or not curves:
        raise TypeError(
            f"curves must be a non-empty mapping of label -> (x, y), got {describe(curves)}"
        )
    checked = {}
    for label, pair in curves.items():
        check_str("curves label", label)
        if not (isinstance(pair, tuple) and len(pair) == 2):
            raise TypeError(f"curves[{label!r}] must be an (x, y) pair, got {describe(pair)}")
        xs = check_array(f"curves[{label!r}] x", pair[0], ndim=1)
        ys = check_array(f"curves[{label!r}] y", pair[1], ndim=1)
        check_same_length(**{f"curves[{label!r}] x": xs, f"curves[{label!r}] y": ys})
        checked[label] = (xs, ys)
    if reference is not None:
        if not (isinstance(reference, tuple) and len(reference) == 3):
            raise TypeError(f"reference must be a (label, x, y) tuple, got {describe(reference)}")
        check_str("reference label", reference[0])
        ref_x = check_array("reference x", reference[1], ndim=1)
        ref_y = check_array("reference y", reference[2], ndim=1)
        check_same_length(**{"reference x": ref_x, "reference y": ref_y})
    ax.set_xlabel(check_str("xlabel", xlabel))
    ax.set_ylabel(check_str("ylabel", ylabel))
    for label, (xs, ys) in checked.items():
        ax.plot(xs, ys, label=label, drawstyle="steps-post" if steps else "default")
    if reference is not None:
        ax.plot(ref_x, ref_y, color="grey", linestyle=":", linewidth=1.2, label=reference[0])
    if title:
        ax.set_title(title)
    ax.legend()
    return ax
