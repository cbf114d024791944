"""Verified claims: the numbers a chapter states, checked every time the book builds.

A chapter never types a result into its prose. It computes the result in a code
cell, and calls :func:`claim` with the value and with what must hold for the
sentence around it to be true. The value is glued (myst-nb) under the claim's
name, so the prose shows it with ``{glue}`name```; if the condition fails, the
cell raises :class:`ClaimError`, which fails the build and names the chapter
and the claim.

Two kinds of statement are supported:

* :func:`claim` -- a value with a bound (``at_least``, ``at_most``, ``above``,
  ``below``) or a tolerance (``near`` with ``tol``);
* :func:`claim_order` -- an order between two results ("fine-tuning beats
  feature extraction"), optionally by a margin.

When the environment variable ``DLGUIDE_CLAIMS_DIR`` is set (the book's build
sets it), every claim of a chapter is also written to
``$DLGUIDE_CLAIMS_DIR/<chapter>.json``, so that tools can compare the numbers
of two builds.

With ``DLGUIDE_CLAIMS_SURVEY=1`` (the robustness run, ``nox -s robustness``, sets
it; the build never does) a claim that does not hold is recorded with
``"held": false`` instead of raising, so that one run sees every claim of a
chapter under another seed, not only the first that fails.
"""

from __future__ import annotations

import json
import math
import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from dlguide._checks import check_real, check_str, describe

__all__ = ["Claim", "ClaimError", "claim", "claim_order", "current_chapter", "set_chapter"]

_NAME = re.compile(r"^[a-z][a-z0-9_-]*$")
_state: dict[str, Any] = {"chapter": None, "claims": {}}


class ClaimError(AssertionError):
    """A number stated by the book no longer satisfies its declared condition."""


@dataclass(frozen=True)
class Claim:
    """A checked value and the text that the prose shows for it.

    Its ``repr`` is the formatted text, so that myst-nb's ``{glue}`` role
    renders it without quotes.
    """

    name: str
    value: float
    text: str
    condition: str
    chapter: str | None
    volatile: bool = False
    held: bool = True

    def __repr__(self) -> str:
        return self.text

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(self.text)


def set_chapter(name: str) -> None:
    """Name the chapter whose claims follow, and forget earlier claims.

    :func:`dlguide.start_chapter` calls this; call it directly only outside a chapter.

    Examples
    --------
    >>> set_chapter("demo")
    >>> current_chapter()
    'demo'
    """
    check_str("name", name)
    if not _NAME.match(name):
        raise ValueError(
            f"name must be lower-case letters, digits, '-' or '_', starting with a letter, "
            f"got {name!r}"
        )
    _state["chapter"] = name
    _state["claims"] = {}


def current_chapter() -> str | None:
    """Return the name given to :func:`set_chapter`, or None before it is called."""
    return _state["chapter"]


def _check_name(name: Any) -> str:
    check_str("name", name)
    if not _NAME.match(name):
        raise ValueError(
            f"claim name must be lower-case letters, digits, '-' or '_', starting with a "
            f"letter (it becomes a glue key), got {name!r}"
        )
    return name


def _format(name: str, value: float, fmt: Any) -> str:
    check_str("fmt", fmt)
    try:
        if fmt.endswith("pp"):  # a difference of two fractions, in percentage points
            points = format(value * 100, fmt[:-2] + "f")
            return f"{points} percentage point" + ("" if points in ("1", "1.0") else "s")
        return format(value, fmt)
    except (ValueError, TypeError) as exc:
        raise ValueError(
            f"fmt {fmt!r} is not a valid format for the value of {name!r}: {exc}"
        ) from None


def _surveying() -> bool:
    return os.environ.get("DLGUIDE_CLAIMS_SURVEY", "") == "1"


def _where(name: str) -> str:
    chapter = _state["chapter"] or "(no chapter set)"
    return f"claim {name!r} in chapter {chapter!r}"


def _record(item: Claim, glue: bool) -> Claim:
    _state["claims"][item.name] = asdict(item)
    folder = os.environ.get("DLGUIDE_CLAIMS_DIR")
    if folder and item.chapter:
        path = Path(folder) / f"{item.chapter}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(_state["claims"], indent=1, sort_keys=True) + "\n")
    if glue:
        from myst_nb import glue as _glue

        _glue(item.name, item, display=False)
    return item


def claim(
    name: str,
    value: float,
    *,
    fmt: str = ".3g",
    at_least: float | None = None,
    at_most: float | None = None,
    above: float | None = None,
    below: float | None = None,
    near: float | None = None,
    tol: float | None = None,
    volatile: bool = False,
    glue: bool = True,
) -> Claim:
    """Check that ``value`` satisfies every stated condition, and glue it as ``name``.

    Parameters
    ----------
    name
        The glue key the prose uses, e.g. ``{glue}`probe_gain```.
    value
        The computed number (a Python or NumPy scalar; call ``.item()`` on a tensor).
    fmt
        A format spec for the text shown in the prose, e.g. ``".1%"`` or ``",d"``;
        a spec ending in ``pp`` shows a difference of two fractions in percentage
        points (``0.123`` with ``".1pp"`` reads "12.3 percentage points").
    at_least, at_most, above, below
        Bounds: ``value >= at_least``, ``value <= at_most``, ``value > above``,
        ``value < below``.
    near, tol
        A tolerance: ``abs(value - near) <= tol``. Both or neither.
    volatile
        The value depends on the machine (a time, a speed): still checked, but
        left out when two builds are compared for identical numbers.
    glue
        Glue the value for the prose (needs myst-nb). Tests pass ``glue=False``.

    Returns
    -------
    Claim
        The checked value and its text.

    Raises
    ------
    ClaimError
        If a condition does not hold; the message names the chapter and the claim.
    TypeError, ValueError
        If the arguments are malformed, or no condition is given (a claim that
        cannot fail checks nothing).

    Examples
    --------
    >>> claim("accuracy", 0.912, fmt=".1%", at_least=0.9, glue=False)
    91.2%
    >>> claim("accuracy", 0.85, at_least=0.9, glue=False)
    Traceback (most recent call last):
    ...
    dlguide.book.claims.ClaimError: claim 'accuracy' ... does not hold: value 0.85 is not >= 0.9
    """
    name = _check_name(name)
    number = check_real("value", value)
    bounds = {
        ">=": ("at_least", at_least),
        "<=": ("at_most", at_most),
        ">": ("above", above),
        "<": ("below", below),
    }
    conditions: list[tuple[str, bool]] = []
    for op, (arg, bound) in bounds.items():
        if bound is None:
            continue
        limit = check_real(arg, bound)
        holds = {
            ">=": number >= limit,
            "<=": number <= limit,
            ">": number > limit,
            "<": number < limit,
        }[op]
        conditions.append((f"{op} {limit:g}", holds))
    if (near is None) != (tol is None):
        raise TypeError(f"{_where(name)}: give both near and tol, or neither")
    if near is not None:
        centre = check_real("near", near)
        width = check_real("tol", tol)
        if width < 0:
            raise ValueError(f"tol must be >= 0, got {width}")
        conditions.append((f"within {width:g} of {centre:g}", abs(number - centre) <= width))
    if not conditions:
        raise TypeError(
            f"{_where(name)} states no condition: give at_least, at_most, above, below "
            "or near/tol, so that the build can fail when the sentence becomes false"
        )
    failed = [text for text, holds in conditions if not holds]
    if failed and not _surveying():
        raise ClaimError(
            f"{_where(name)} does not hold: value {number:g} is not " + " and not ".join(failed)
        )
    text = _format(name, value, fmt)
    condition = "value " + " and ".join(text for text, _ in conditions)
    claimed = Claim(name, number, text, condition, _state["chapter"], bool(volatile), not failed)
    return _record(claimed, glue)


def claim_order(
    name: str,
    higher: tuple[str, float],
    lower: tuple[str, float],
    *,
    margin: float = 0.0,
    fmt: str = ".3g",
    volatile: bool = False,
    glue: bool = True,
) -> Claim:
    """Check that one result beats another by more than ``margin``; glue the difference.

    Parameters
    ----------
    name
        The glue key for the difference ``higher - lower``.
    higher, lower
        ``(label, value)`` pairs; the claim is ``higher > lower + margin``.
    margin
        How much better ``higher`` must be (0 means strictly better).
    fmt, volatile, glue
        As in :func:`claim`.

    Examples
    --------
    >>> claim_order("gain", ("deep", 0.93), ("shallow", 0.81), fmt=".0pp", glue=False)
    12 percentage points
    >>> claim_order("gain", ("deep", 0.80), ("flat", 0.81), glue=False)
    Traceback (most recent call last):
    ...
    dlguide.book.claims.ClaimError: claim 'gain' ... deep (0.8) is not greater than flat (0.81) + 0
    """
    name = _check_name(name)
    pairs = []
    for arg, pair in (("higher", higher), ("lower", lower)):
        if not (isinstance(pair, tuple) and len(pair) == 2):
            raise TypeError(f"{arg} must be a (label, value) tuple, got {describe(pair)}")
        label = check_str(f"{arg} label", pair[0])
        pairs.append((label, check_real(f"{arg} value", pair[1])))
    gap = check_real("margin", margin)
    (hi_label, hi), (lo_label, lo) = pairs
    held = hi > lo + gap
    if not held and not _surveying():
        raise ClaimError(
            f"{_where(name)} does not hold: {hi_label} ({hi:g}) is not greater than "
            f"{lo_label} ({lo:g}) + {gap:g}"
        )
    difference = hi - lo
    if math.isclose(difference, 0.0, abs_tol=1e-15):
        difference = 0.0
    text = _format(name, difference, fmt)
    condition = f"{hi_label} > {lo_label} + {gap:g}"
    claimed = Claim(name, difference, text, condition, _state["chapter"], bool(volatile), held)
    return _record(claimed, glue)
