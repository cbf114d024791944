"""Tests of dlguide.plotting.probability_panels: images beside their class probabilities."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.colors import to_hex

from dlguide.plotting import PALETTE, probability_panels


def test_one_image_and_one_bar_chart_per_row():
    probs = np.array([[0.1, 0.6, 0.3], [0.5, 0.25, 0.25]])
    fig = probability_panels(np.zeros((2, 5, 5)), probs, ["a", "b", "c"], ["x", "y"])
    assert len(fig.axes) == 4
    bars = fig.axes[1].patches
    assert [round(b.get_width(), 2) for b in bars] == [0.1, 0.6, 0.3]
    colours = [to_hex(b.get_facecolor()).upper() for b in bars]
    assert colours == [PALETTE[0], PALETTE[1], PALETTE[0]]  # the most probable class stands out
    assert [t.get_text() for t in fig.axes[1].get_yticklabels()] == ["a", "b", "c"]
    assert fig.axes[0].get_title() == "x"


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        ((np.zeros((2, 4, 4)), np.full((3, 2), 0.5), ["a", "b"]), ValueError, "same number"),
        ((np.zeros((1, 4, 4)), np.full((1, 2), 0.5), ["a"]), ValueError, "one name per column"),
        ((np.zeros((1, 4, 4)), np.array([[1.5, -0.5]]), ["a", "b"]), ValueError, "between 0"),
        ((np.zeros((4, 4)), np.full((1, 2), 0.5), ["a", "b"]), ValueError, "images must be"),
        ((np.zeros((1, 4, 4)), np.full((1, 2), np.nan), ["a", "b"]), ValueError, "NaN"),
    ],
)
def test_bad_input(args, error, message):
    with pytest.raises(error, match=message):
        probability_panels(*args)


def test_confusion_heatmap_writes_every_count():
    from dlguide.plotting import confusion_heatmap, new_figure

    _fig, ax = new_figure()
    matrix = np.array([[5, 1, 0], [2, 7, 0], [0, 0, 9]])
    confusion_heatmap(ax, matrix, ["a", "b", "c"])
    assert sorted(int(t.get_text()) for t in ax.texts) == sorted(matrix.ravel().tolist())
    assert ax.get_xlabel() == "predicted class"
    with pytest.raises(ValueError, match="square"):
        confusion_heatmap(ax, np.ones((2, 3), dtype=int), ["a", "b"])
    with pytest.raises(TypeError, match="integer dtype"):
        confusion_heatmap(ax, np.ones((2, 2)), ["a", "b"])
