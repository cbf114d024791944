"""Tests of dlguide.tables: the one Markdown table helper."""

from __future__ import annotations

import math

import pytest

from dlguide.tables import markdown_table, results_table


def test_markdown_table_aligns_numeric_columns_right():
    assert markdown_table(["a", "b"], [["x", 1], ["y", 2]], numeric=[False, True]).splitlines() == [
        "| a | b |",
        "| --- | ---: |",
        "| x | 1 |",
        "| y | 2 |",
    ]


def test_markdown_table_bad_input():
    with pytest.raises(TypeError, match=r"^header must be a non-empty list"):
        markdown_table("ab", [["x"]])
    with pytest.raises(TypeError, match=r"^header\[1\] must be a string"):
        markdown_table(["a", 2], [["x", 1]])
    with pytest.raises(ValueError, match=r"^numeric must hold one flag per column \(2\)"):
        markdown_table(["a", "b"], [["x", 1]], numeric=[True])
    with pytest.raises(TypeError, match=r"^rows must be a list of rows"):
        markdown_table(["a"], "x")
    with pytest.raises(ValueError, match=r"^rows must hold at least one row, got an empty list"):
        markdown_table(["a"], [])
    with pytest.raises(ValueError, match=r"^rows\[0\] must hold 2 cells"):
        markdown_table(["a", "b"], [["x"]])


def test_results_table_formats_every_cell():
    rows = {"none": {"acc": 0.6543, "epochs": 40.0}, "L1": {"acc": 0.5, "epochs": 16}}
    text = results_table(rows, {"epochs": "d", "acc": ".1%"})
    assert text.splitlines() == [
        "|  | epochs | acc |",
        "| --- | ---: | ---: |",
        "| none | 40 | 65.4% |",
        "| L1 | 16 | 50.0% |",
    ]


def test_results_table_bad_input():
    with pytest.raises(ValueError, match=r"^rows\['a'\] has no value for column 'b'"):
        results_table({"a": {"c": 1.0}}, {"b": ".1f"})
    with pytest.raises(TypeError, match=r"^rows\['a'\] must be a mapping"):
        results_table({"a": [1.0]}, {"b": ".1f"})
    with pytest.raises(TypeError, match=r"^rows must be a non-empty mapping"):
        results_table({}, {"b": ".1f"})
    with pytest.raises(TypeError, match=r"^formats must be a non-empty mapping"):
        results_table({"a": {"b": 1.0}}, {})
    with pytest.raises(ValueError, match=r"is not a valid format"):
        results_table({"a": {"b": 1.0}}, {"b": ".1q"})
    with pytest.raises(ValueError, match=r"^rows\['a'\]\['b'\] must be a finite number"):
        results_table({"a": {"b": math.nan}}, {"b": ".1f"})
