"""Tests of dlguide.plotting.curve_chart: curves with their own x values (ROC, precision-recall)."""

from __future__ import annotations

import numpy as np
import pytest

from dlguide.plotting import curve_chart, new_figure

X = np.array([0.0, 0.5, 1.0])
Y = np.array([0.0, 0.8, 1.0])


def test_draws_each_curve_with_its_own_points_and_the_reference():
    _, ax = new_figure()
    curve_chart(
        ax,
        {"a": (X, Y), "b": (np.array([0.0, 1.0]), np.array([0.2, 0.4]))},
        xlabel="recall",
        ylabel="precision",
        steps=True,
        reference=("chance", X, np.full(3, 0.1)),
        title="t",
    )
    assert [line.get_label() for line in ax.lines] == ["a", "b", "chance"]
    assert ax.lines[0].get_xdata().tolist() == X.tolist()
    assert ax.lines[1].get_ydata().tolist() == [0.2, 0.4]
    assert ax.lines[0].get_drawstyle() == "steps-post"
    assert ax.lines[2].get_linestyle() == ":"
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_title()) == ("recall", "precision", "t")


def test_straight_lines_by_default():
    _, ax = new_figure()
    curve_chart(ax, {"a": (X, Y)}, xlabel="x", ylabel="y")
    assert ax.lines[0].get_drawstyle() == "default"


@pytest.mark.parametrize(
    ("curves", "reference", "error", "message"),
    [
        ({}, None, TypeError, r"^curves must be a non-empty mapping"),
        ([X, Y], None, TypeError, r"^curves must be a non-empty mapping"),
        ({"a": X}, None, TypeError, r"^curves\['a'\] must be an \(x, y\) pair"),
        ({"a": (X, Y[:2])}, None, ValueError, r"same number of rows"),
        ({"a": (X, np.array([0.0, np.nan, 1.0]))}, None, ValueError, r"^curves\['a'\] y contains"),
        ({"": (X, Y)}, None, ValueError, r"^curves label must not be empty"),
        ({"a": (X, Y)}, ("ref", X), TypeError, r"^reference must be a \(label, x, y\) tuple"),
        ({"a": (X, Y)}, ("ref", X, Y[:1]), ValueError, r"same number of rows"),
    ],
)
def test_bad_input(curves, reference, error, message):
    _, ax = new_figure()
    with pytest.raises(error, match=message):
        curve_chart(ax, curves, xlabel="x", ylabel="y", reference=reference)


def test_refuses_something_that_is_not_axes():
    with pytest.raises(TypeError, match=r"^ax must be a matplotlib Axes"):
        curve_chart(object(), {"a": (X, Y)}, xlabel="x", ylabel="y")
