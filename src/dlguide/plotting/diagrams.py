"""Diagrams that one chapter draws: regions, a graph, probabilities, and structure diagrams.

The structure diagrams (an LSTM cell, a Transformer encoder block, BERT's input, a
workflow) are boxes and arrows drawn on a canvas measured in inches, so that a box keeps
its shape whatever the figure's size.
"""

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


# --- Structure diagrams: boxes and arrows on a canvas measured in inches ----------------------
def _canvas(width: float, height: float) -> Any:
    """A figure whose one axes is measured in inches from its lower left corner, no frame."""
    fig, ax = new_figure(width=width, height=height)
    ax.set_axis_off()
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.set_aspect("equal")
    ax.grid(False)
    return fig, ax


def _box(ax: Any, x: float, y: float, w: float, h: float, text: str, colour: str, *,
         fontsize: float = 9, fill: float = 0.15, bold: bool = False) -> None:  # fmt: skip
    """A rounded box centred on (x, y), tinted with ``colour``, with ``text`` in it."""
    from matplotlib.patches import FancyBboxPatch

    ax.add_patch(FancyBboxPatch(
        (x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0,rounding_size=0.06",
        facecolor=colour, alpha=fill, edgecolor="none",
    ))  # fmt: skip
    ax.add_patch(FancyBboxPatch(
        (x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0,rounding_size=0.06",
        facecolor="none", edgecolor=colour, linewidth=1.4,
    ))  # fmt: skip
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize,
            fontweight="bold" if bold else "normal")  # fmt: skip


def _operator(ax: Any, x: float, y: float, symbol: str, colour: str = "0.25") -> None:
    """A small circle with an operator in it: ``"+"`` (add) or ``"×"`` (multiply)."""
    from matplotlib.patches import Circle

    ax.add_patch(Circle((x, y), 0.15, facecolor="white", edgecolor=colour, linewidth=1.4,
                        zorder=3))  # fmt: skip
    ax.text(x, y, symbol, ha="center", va="center", fontsize=11, zorder=4, color=colour)


def _arrow(ax: Any, start: tuple[float, float], end: tuple[float, float], *,
           colour: str = "0.35", width: float = 1.2, head: bool = True,
           bend: float = 0.0) -> None:  # fmt: skip
    """A line from ``start`` to ``end`` (in inches), with an arrow head unless ``head=False``."""
    ax.annotate(
        "", xy=end, xytext=start,
        arrowprops={"arrowstyle": "-|>" if head else "-", "color": colour, "linewidth": width,
                    "shrinkA": 0, "shrinkB": 0, "connectionstyle": f"arc3,rad={bend}"},
    )  # fmt: skip


def lstm_cell_diagram(input_size: int, hidden_size: int) -> Any:
    """Draw one LSTM cell: four gates read the input and the previous state; the cell state adds.

    The top line is the cell state: the forget gate scales it, the input gate adds a
    candidate to it, and nothing else touches it, so the path from :math:`c_{t-1}` to
    :math:`c_t` is one multiplication and one addition. The output gate decides how much
    of :math:`\\tanh(c_t)` becomes the new hidden state :math:`h_t`.

    Parameters
    ----------
    input_size, hidden_size
        The sizes of the input vector :math:`x_t` and of the hidden and cell states; the
        diagram labels every vector and weight matrix with them.

    Examples
    --------
    >>> fig = lstm_cell_diagram(32, 128)
    >>> texts = [t.get_text() for t in fig.axes[0].texts]
    >>> "forget gate\\nσ" in texts and "cell state $c_{t-1}$ (128)" in texts
    True
    """
    n_in = check_int("input_size", input_size, minimum=1)
    n_hidden = check_int("hidden_size", hidden_size, minimum=1)
    fig, ax = _canvas(8.0, 4.6)
    cell, state, gate_colour = PALETTE[1], PALETTE[0], PALETTE[2]
    top, gate_y, bus_y = 3.9, 1.9, 0.75
    # The cell state: a straight line with one multiplication and one addition on it.
    _arrow(ax, (0.2, top), (7.8, top), colour=cell, width=3.0)
    ax.text(0.2, top + 0.2, f"cell state $c_{{t-1}}$ ({n_hidden})", ha="left", va="bottom",
            fontsize=9, color=cell, fontweight="bold")  # fmt: skip
    ax.text(7.8, top + 0.2, "$c_t$", ha="right", va="bottom", fontsize=10, color=cell,
            fontweight="bold")  # fmt: skip
    ax.text(3.6, top + 0.2, "the additive path", ha="center", va="bottom", fontsize=9,
            color=cell, style="italic")  # fmt: skip
    # The input bus: the previous hidden state and the input, side by side.
    _arrow(ax, (0.2, bus_y), (6.2, bus_y), head=False, colour=state, width=1.6)
    ax.text(0.2, bus_y - 0.15, f"hidden state $h_{{t-1}}$ ({n_hidden})", ha="left", va="top",
            fontsize=9, color=state)  # fmt: skip
    _arrow(ax, (2.3, 0.05), (2.3, bus_y), colour=state, width=1.6)
    ax.text(2.4, 0.1, f"input $x_t$ ({n_in})", ha="left", va="bottom", fontsize=9,
            color=state)  # fmt: skip
    ax.text(4.6, bus_y - 0.15, f"$[h_{{t-1}}, x_t]$: {n_hidden + n_in} numbers", ha="center",
            va="top", fontsize=9, color=state)  # fmt: skip
    # Four gates, each a weight matrix of (hidden, hidden + input) and a bias.
    gates = [("forget gate", "σ", 1.6), ("input gate", "σ", 3.0), ("candidate", "tanh", 4.3),
             ("output gate", "σ", 5.8)]  # fmt: skip
    for name, function, x in gates:
        _arrow(ax, (x, bus_y), (x, gate_y - 0.3), colour=state)
        _box(ax, x, gate_y, 1.05, 0.6, f"{name}\n{function}", gate_colour, fontsize=8.5)
    ax.text(7.8, 0.5, f"each gate: a weight matrix\nof {n_hidden} × {n_hidden + n_in}, and a bias",
            ha="right", va="center", fontsize=8, color="0.3")  # fmt: skip
    # forget: c_{t-1} * f
    _arrow(ax, (1.6, gate_y + 0.3), (1.6, top - 0.15), colour=gate_colour)
    _operator(ax, 1.6, top, "×", cell)
    # input: i * g, added to the cell state
    mix_y = (gate_y + top) / 2 + 0.1
    _arrow(ax, (3.0, gate_y + 0.3), (3.5, mix_y - 0.12), colour=gate_colour)
    _arrow(ax, (4.3, gate_y + 0.3), (3.8, mix_y - 0.12), colour=gate_colour)
    _operator(ax, 3.65, mix_y, "×")
    _arrow(ax, (3.65, mix_y + 0.15), (3.65, top - 0.15), colour=gate_colour)
    _operator(ax, 3.65, top, "+", cell)
    # output: h_t = o * tanh(c_t)
    _arrow(ax, (6.8, top), (6.8, 3.05), colour=cell)
    _box(ax, 6.8, 2.8, 0.6, 0.4, "tanh", cell, fontsize=8.5)
    _arrow(ax, (6.8, 2.6), (6.8, gate_y + 0.15), colour=cell)
    _arrow(ax, (6.33, gate_y), (6.65, gate_y), colour=gate_colour)
    _operator(ax, 6.8, gate_y, "×")
    _arrow(ax, (6.95, gate_y), (7.8, gate_y), colour=state, width=1.6)
    ax.text(7.8, gate_y + 0.12, "$h_t$", ha="right", va="bottom", fontsize=10, color=state)
    ax.text(7.8, gate_y - 0.12, "output and\nnext state", ha="right", va="top", fontsize=8,
            color=state)  # fmt: skip
    return fig


def encoder_block_diagram(dim: int, heads: int, hidden: int | None = None) -> Any:
    """Draw one Transformer encoder block as the book's ``EncoderBlock`` computes it.

    From the bottom up: multi-head self-attention, its input added back (a residual
    connection) and a layer normalisation; then a two-layer feed-forward network applied
    to each position on its own, again with a residual connection and a layer norm.

    Parameters
    ----------
    dim
        The width of every token's vector (the block's input and output).
    heads
        Attention heads; ``dim`` must divide into them.
    hidden
        The feed-forward network's inner width (default ``4 * dim``, as in the block).

    Examples
    --------
    >>> fig = encoder_block_diagram(64, heads=4)
    >>> texts = [t.get_text() for t in fig.axes[0].texts]
    >>> "multi-head self-attention\\n4 heads of 16 numbers" in texts
    True
    """
    dim = check_int("dim", dim, minimum=1)
    heads = check_int("heads", heads, minimum=1)
    if dim % heads:
        raise ValueError(f"dim ({dim}) must be divisible by heads ({heads})")
    width = 4 * dim if hidden is None else check_int("hidden", hidden, minimum=1)
    fig, ax = _canvas(6.0, 6.2)
    attend, feed, norm, residual = PALETTE[0], PALETTE[2], PALETTE[3], PALETTE[1]
    x, box_w = 2.6, 2.9
    ax.text(x, 0.15, f"input: one vector of {dim} numbers per token", ha="center",
            va="bottom", fontsize=9)  # fmt: skip
    ax.text(x, 6.05, f"output: one vector of {dim} numbers per token", ha="center",
            va="top", fontsize=9)  # fmt: skip
    levels = [  # (y of the box, its text, colour, y of the addition above it)
        (1.3, f"multi-head self-attention\n{heads} heads of {dim // heads} numbers", attend),
        (2.55, "layer norm", norm),
        (3.8, f"feed-forward, each position alone\n{dim} → {width} (ReLU) → {dim}", feed),
        (5.05, "layer norm", norm),
    ]
    _arrow(ax, (x, 0.45), (x, 1.3 - 0.3))
    _arrow(ax, (x, 1.3 + 0.3), (x, 1.98 - 0.15))
    _operator(ax, x, 1.98, "+", residual)
    _arrow(ax, (x, 2.13), (x, 2.55 - 0.2))
    _arrow(ax, (x, 2.75), (x, 3.8 - 0.3))
    _arrow(ax, (x, 4.1), (x, 4.5 - 0.15))
    _operator(ax, x, 4.5, "+", residual)
    _arrow(ax, (x, 4.65), (x, 5.05 - 0.2))
    _arrow(ax, (x, 5.25), (x, 5.75))
    for y, text, colour in levels:
        tall = "\n" in text
        _box(ax, x, y, box_w, 0.6 if tall else 0.4, text, colour, fontsize=9)
    # Residual connections: each sub-layer's input goes round it and is added to its output.
    side = x - box_w / 2 - 0.35
    for start, add in ((0.7, 1.98), (3.0, 4.5)):
        ax.plot([x, side, side], [start, start, add], color=residual, linewidth=1.8)
        _arrow(ax, (side, add), (x - 0.15, add), colour=residual, width=1.8)
    ax.text(side - 0.08, 1.35, "residual", ha="right", va="center", fontsize=8.5,
            color=residual, rotation=90)  # fmt: skip
    ax.text(side - 0.08, 3.75, "residual", ha="right", va="center", fontsize=8.5,
            color=residual, rotation=90)  # fmt: skip
    # The block is repeated: a bracket on the right.
    right = x + box_w / 2 + 0.3
    ax.plot([right, right + 0.15, right + 0.15, right], [0.7, 0.7, 5.45, 5.45], color="0.4",
            linewidth=1.2)  # fmt: skip
    ax.text(right + 0.3, 3.1, "one block;\nan encoder\nstacks several", ha="left",
            va="center", fontsize=9, color="0.3")  # fmt: skip
    return fig


def bert_input_diagram(tokens: Sequence[str], segments: Sequence[int]) -> Any:
    """Draw how BERT builds its input: token, segment and position embeddings, summed.

    One column per token. Each token's vector is the sum of three rows looked up in
    three tables: its word piece, the segment it belongs to (A or B), and its position.

    Parameters
    ----------
    tokens
        The word pieces, special tokens included (at most 16, to fit the page).
    segments
        The segment of each token, 0 (A) or 1 (B): the tokenizer's ``token_type_ids``.

    Examples
    --------
    >>> fig = bert_input_diagram(["[CLS]", "hi", "[SEP]", "yo", "[SEP]"], [0, 0, 0, 1, 1])
    >>> texts = [t.get_text() for t in fig.axes[0].texts]
    >>> "$E_{B}$" in texts and "$E_{4}$" in texts and "segment\\nembeddings" in texts
    True
    """
    _check_names("tokens", tokens)
    if len(tokens) > 16:
        raise ValueError(f"tokens must hold at most 16 tokens to fit the page, got {len(tokens)}")
    if isinstance(segments, str) or not isinstance(segments, Sequence):
        raise TypeError(f"segments must be a sequence of 0s and 1s, got {describe(segments)}")
    if len(segments) != len(tokens):
        raise ValueError(f"segments has {len(segments)} entries but tokens has {len(tokens)}")
    for i, segment in enumerate(segments):
        if isinstance(segment, bool) or segment not in (0, 1):
            raise ValueError(f"segments[{i}] must be 0 (A) or 1 (B), got {describe(segment)}")
    n = len(tokens)
    column, left = 0.62, 1.35
    fig, ax = _canvas(left + column * n + 0.1, 4.0)
    rows = [  # (y, row label, colour, the text of each column's box)
        (3.55, "input", None, list(tokens)),
        (2.75, "token\nembeddings", PALETTE[0], list(tokens)),  # E with the token below
        (1.85, "segment\nembeddings", None, [f"$E_{{{'AB'[s]}}}$" for s in segments]),
        (0.95, "position\nembeddings", PALETTE[1], [f"$E_{{{i}}}$" for i in range(n)]),
    ]
    for y, label, colour, texts in rows:
        ax.text(left - 0.1, y, label, ha="right", va="center", fontsize=9, fontweight="bold")
        for i, text in enumerate(texts):
            cx = left + column * (i + 0.5)
            if colour is None and label == "input":
                ax.text(cx, y, text, ha="center", va="center", fontsize=8, parse_math=False,
                        rotation=0 if len(text) < 6 else 30)  # fmt: skip
                continue
            tint = colour or (PALETTE[2] if segments[i] == 0 else PALETTE[3])
            if label.startswith("token"):  # E subscripted with the word piece, as plain text
                _box(ax, cx, y, column - 0.08, 0.5, "", tint)
                shift = min(len(text), 9) * 0.022
                ax.text(cx - shift, y, "E", ha="right", va="center", fontsize=9,
                        style="italic")  # fmt: skip
                ax.text(cx - shift + 0.01, y - 0.07, text, ha="left", va="center",
                        fontsize=6.5 if len(text) < 7 else 5.5, parse_math=False)  # fmt: skip
                continue
            _box(ax, cx, y, column - 0.08, 0.5, text, tint, fontsize=8)
    for i in range(n):
        cx = left + column * (i + 0.5)
        for y in (2.3, 1.4):
            ax.text(cx, y, "+", ha="center", va="center", fontsize=11, color="0.3")
        _arrow(ax, (cx, 3.3), (cx, 3.02), colour="0.5", width=0.8)
    ax.text(left + column * n / 2, 0.2, "sum of the three rows: the vector each token enters "
            "the first layer with (after a layer norm)", ha="center", va="bottom",
            fontsize=8.5, style="italic")  # fmt: skip
    return fig


def workflow_diagram(
    steps: Sequence[str],
    notes: Sequence[str] | None = None,
    *,
    loops: Sequence[tuple[int, int]] = (),
    loop_label: str = "",
) -> Any:
    """Draw a sequence of numbered steps as a chain of boxes, with optional arrows back.

    Parameters
    ----------
    steps
        One short name per step, in order (wrapped to fit the box).
    notes
        Optional text under each step (for example, the data split it looks at); an empty
        string leaves a step without one.
    loops
        ``(from, to)`` pairs of step numbers (1-based, ``to`` before ``from``): an arrow
        back over the chain, for steps that are repeated.
    loop_label
        Text above the arrows back.

    Examples
    --------
    >>> fig = workflow_diagram(["ask", "answer", "check"], loops=[(3, 2)], loop_label="again")
    >>> texts = [t.get_text() for t in fig.axes[0].texts]
    >>> [t for t in texts if t.startswith("3")], "again" in texts
    (['3\\ncheck'], True)
    """
    import textwrap

    _check_names("steps", steps)
    if notes is not None:
        _check_names_or_empty("notes", notes)
        if len(notes) != len(steps):
            raise ValueError(f"notes has {len(notes)} entries but steps has {len(steps)}")
    if isinstance(loops, str) or not isinstance(loops, Sequence):
        raise TypeError(f"loops must be a sequence of (from, to) pairs, got {describe(loops)}")
    for loop in loops:
        if not (isinstance(loop, tuple) and len(loop) == 2):
            raise TypeError(f"loops must hold (from, to) pairs, got {describe(loop)}")
        start, end = (check_int("loops", k, minimum=1) for k in loop)
        if not end < start <= len(steps):
            raise ValueError(
                f"loops must go back from a step to an earlier one, numbered 1 to {len(steps)}, "
                f"got {loop}"
            )
    if not isinstance(loop_label, str):
        raise TypeError(f"loop_label must be a string, got {describe(loop_label)}")
    n = len(steps)
    pitch, box_w, box_h, y = 1.15, 0.98, 1.0, 1.3
    fig, ax = _canvas(pitch * n + 0.1, 2.75 if loops else 2.0)
    for k, step in enumerate(steps):
        cx = 0.05 + pitch * (k + 0.5)
        label = f"{k + 1}\n" + textwrap.fill(step, 13)
        _box(ax, cx, y, box_w, box_h, label, PALETTE[k % 2 * 2], fontsize=8.5)
        if k:
            _arrow(ax, (cx - pitch + box_w / 2, y), (cx - box_w / 2, y))
        if notes is not None and notes[k]:
            ax.text(cx, y - box_h / 2 - 0.08, textwrap.fill(notes[k], 14), ha="center",
                    va="top", fontsize=8, color=PALETTE[5], style="italic")  # fmt: skip
    for start, end in loops:
        x0, x1 = 0.05 + pitch * (start - 0.5), 0.05 + pitch * (end - 0.5)
        _arrow(ax, (x0, y + box_h / 2), (x1, y + box_h / 2), colour=PALETTE[1], width=1.6,
               bend=0.45)  # fmt: skip
    if loops and loop_label:
        middle = np.mean([0.05 + pitch * ((a + b) / 2 - 0.5) for a, b in loops])
        top = y + box_h / 2 + 0.45 * pitch * max(a - b for a, b in loops) / 2
        ax.text(middle, top + 0.1, loop_label, ha="center", va="bottom", fontsize=8.5,
                color=PALETTE[1])  # fmt: skip
    return fig


def _check_names_or_empty(name: str, names: Any) -> None:
    if isinstance(names, str) or not isinstance(names, (list, tuple)):
        raise TypeError(f"{name} must be a list of strings, got {describe(names)}")
    for i, entry in enumerate(names):
        if not isinstance(entry, str):
            raise TypeError(f"{name}[{i}] must be a string, got {describe(entry)}")
