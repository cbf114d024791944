"""The book's one table helper: Markdown tables for chapter results and build pages.

:func:`markdown_table` writes any table of text cells; :func:`results_table`
formats numbers first (one format per column), for a chapter's comparison of
methods. Chapters show either with ``IPython.display.Markdown``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dlguide._checks import check_real, check_str, describe

__all__ = ["markdown_table", "results_table"]


def markdown_table(
    header: Sequence[str], rows: Sequence[Sequence[Any]], *, numeric: Sequence[bool] | None = None
) -> str:
    """Return a Markdown table with ``header`` and one line per entry of ``rows``.

    Cells are written with ``str``; a column marked ``True`` in ``numeric`` is
    right-aligned.

    Examples
    --------
    >>> print(markdown_table(["build", "seconds"], [["clean", 12]], numeric=[False, True]))
    | build | seconds |
    | --- | ---: |
    | clean | 12 |
    """
    if isinstance(header, str) or not isinstance(header, Sequence) or not header:
        raise TypeError(f"header must be a non-empty list of column names, got {describe(header)}")
    for i, name in enumerate(header):
        if not isinstance(name, str):
            raise TypeError(f"header[{i}] must be a string, got {describe(name)}")
    if numeric is None:
        numeric = [False] * len(header)
    if isinstance(numeric, str) or not isinstance(numeric, Sequence) or len(numeric) != len(header):
        raise ValueError(
            f"numeric must hold one flag per column ({len(header)}), got {describe(numeric)}"
        )
    if isinstance(rows, str) or not isinstance(rows, Sequence):
        raise TypeError(f"rows must be a list of rows, got {describe(rows)}")
    if len(rows) == 0:
        raise ValueError(f"rows must hold at least one row, got an empty {type(rows).__name__}")
    lines = [
        "| " + " | ".join(header) + " |",
        "| " + " | ".join("---:" if right else "---" for right in numeric) + " |",
    ]
    for i, row in enumerate(rows):
        if isinstance(row, str) or not isinstance(row, Sequence) or len(row) != len(header):
            raise ValueError(
                f"rows[{i}] must hold {len(header)} cells, one per column, got {describe(row)}"
            )
        lines.append("| " + " | ".join(str(cell) for cell in row) + " |")
    return "\n".join(lines)


def results_table(rows: Mapping[str, Mapping[str, float]], formats: Mapping[str, str]) -> str:
    """Return a Markdown table: one row per entry of ``rows``, one column per entry of ``formats``.

    Parameters
    ----------
    rows
        Row label -> {column name -> number}; every row must have every column.
    formats
        Column name -> format spec (``".1%"``, ``"d"``), in the order of the columns.

    Examples
    --------
    >>> print(results_table({"none": {"accuracy": 0.5, "epochs": 40}},
    ...                     {"accuracy": ".1%", "epochs": "d"}))
    |  | accuracy | epochs |
    | --- | ---: | ---: |
    | none | 50.0% | 40 |
    """
    if not isinstance(formats, Mapping) or not formats:
        raise TypeError(f"formats must be a non-empty mapping of column -> format, got "
                        f"{describe(formats)}")  # fmt: skip
    for column, spec in formats.items():
        check_str("formats column", column)
        check_str(f"formats[{column!r}]", spec)
    if not isinstance(rows, Mapping) or not rows:
        raise TypeError(f"rows must be a non-empty mapping of label -> row, got {describe(rows)}")
    cells = []
    for label, row in rows.items():
        check_str("rows label", label)
        if not isinstance(row, Mapping):
            raise TypeError(f"rows[{label!r}] must be a mapping of column -> number, got "
                            f"{describe(row)}")  # fmt: skip
        line = [label]
        for column, spec in formats.items():
            if column not in row:
                raise ValueError(f"rows[{label!r}] has no value for column {column!r}")
            number = check_real(f"rows[{label!r}][{column!r}]", row[column])
            if spec.endswith("d"):
                number = round(number)
            try:
                line.append(format(number, spec))
            except ValueError as exc:
                message = f"formats[{column!r}] {spec!r} is not a valid format: {exc}"
                raise ValueError(message) from None
        cells.append(line)
    return markdown_table(["", *formats], cells, numeric=[False] + [True] * len(formats))
