"""Argument checks shared by the chart and diagram helpers (private)."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from dlguide._checks import check_str, describe


def _check_inches(**sizes: float | None) -> None:
    for arg, size in sizes.items():
        if size is None:
            continue
        if isinstance(size, bool) or not isinstance(size, numbers.Real):
            raise TypeError(f"{arg} must be a number of inches, got {describe(size)}")
        if not np.isfinite(size) or size <= 0:
            raise ValueError(f"{arg} must be a positive, finite number of inches, got {size}")


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
