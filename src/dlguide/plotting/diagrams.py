"""Diagrams that one chapter draws: nested regions, decision regions, a graph, probabilities."""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from dlguide._checks import check_array, check_int, check_same_length, check_str, describe
from dlguide.book.style import PALETTE
from dlguide.plotting._common import _check_axes, _check_inches, _check_names
from dlguide.plotting.charts import new_figure


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
