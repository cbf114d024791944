"""General charts in the book's style: figures, lines, bars, image grids, curves, heat maps."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from dlguide._checks import check_array, check_int, check_same_length, check_str, describe
from dlguide.book.style import PALETTE, use_book_style
from dlguide.plotting._common import _as_floats, _check_axes, _check_inches, _check_names


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
