"""No claim that cannot fail: the mechanical cases, found in the chapters' code cells.

A claim checks a number so that the build fails when the sentence around it becomes false.
Three kinds of claim cannot fail, whatever the chapter computes, and this test finds them
by reading the code cells with :mod:`ast` (:func:`chapters.claim_calls`):

1. **constant**: the value (for ``claim_order``, both values) is built from literals and
   names the chapter assigns only literals to; it depends on nothing that was executed.
2. **zero bound**: a duration, or a ratio of durations (the name or the value expression
   says seconds, time, duration, elapsed, speedup), bounded below by zero (``above=0`` /
   ``at_least=0``), which every time satisfies; or a count (the name starts with ``n-`` or
   ``n_``, or says count or number) bounded only below by zero or one (or with an upper
   bound of a million or more).
3. **implied**: another claim of the same chapter on the same value expression has bounds
   at least as tight (its interval lies inside this one), so this one can only fail when
   that one fails too.
"""

from __future__ import annotations

import ast
import math
import re

import pytest
from chapters import PAGES, ClaimCall, claim_calls, page_id, read

_DURATION = re.compile(r"sec|second|time|duration|elapsed|speedup|wall", re.IGNORECASE)
_COUNT = re.compile(r"^n[-_]|count|number|^num", re.IGNORECASE)
HUGE = 1e6


def _constant_names(calls_page) -> set[str]:
    """Names that every assignment in the page's code cells gives a constant value."""
    assigned: dict[str, bool] = {}
    for _, source in calls_page.code_cells:
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            targets: list[ast.expr] = []
            value = None
            if isinstance(node, ast.Assign):
                targets, value = node.targets, node.value
            elif isinstance(node, ast.AnnAssign | ast.AugAssign):
                targets, value = [node.target], node.value
            elif isinstance(node, ast.For | ast.comprehension):
                targets, value = [node.target], None
            elif isinstance(node, ast.With):
                targets = [i.optional_vars for i in node.items if i.optional_vars]
            elif isinstance(node, ast.FunctionDef | ast.Import | ast.ImportFrom):
                names = (
                    [node.name]
                    if isinstance(node, ast.FunctionDef)
                    else [(a.asname or a.name).split(".")[0] for a in node.names]
                )
                for name in names:
                    assigned[name] = False
            for target in targets:
                for name in ast.walk(target):
                    if isinstance(name, ast.Name):
                        ok = value is not None and _is_constant(value, set())
                        assigned[name.id] = assigned.get(name.id, True) and ok
    return {name for name, constant in assigned.items() if constant}


def _is_constant(node: ast.expr, constants: set[str]) -> bool:
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Name):
        return node.id in constants
    if isinstance(node, ast.UnaryOp):
        return _is_constant(node.operand, constants)
    if isinstance(node, ast.BinOp):
        return _is_constant(node.left, constants) and _is_constant(node.right, constants)
    if isinstance(node, ast.Tuple | ast.List):
        return all(_is_constant(e, constants) for e in node.elts)
    return False


def _number(node: ast.expr | None) -> float | None:
    if node is None:
        return None
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _interval(call: ClaimCall) -> tuple[float, bool, float, bool] | None:
    """``(low, low_open, high, high_open)`` of a claim's bounds, or None if not all literal."""
    low, low_open, high, high_open = -math.inf, True, math.inf, True
    for key, node in call.bounds.items():
        if key == "tol":
            continue
        value = _number(node)
        if value is None:
            return None
        if key in ("at_least", "above"):
            if value > low or (value == low and key == "above"):
                low, low_open = value, key == "above"
        elif key in ("at_most", "below"):
            if value < high or (value == high and key == "below"):
                high, high_open = value, key == "below"
        elif key == "near":
            tol = _number(call.bounds.get("tol"))
            if tol is None:
                return None
            low, low_open = max(low, value - tol), False
            high, high_open = min(high, value + tol), False
        elif key == "margin":
            low, low_open = value, True  # higher - lower > margin
    if call.kind == "claim_order" and "margin" not in call.bounds:
        low, low_open = 0.0, True
    return low, low_open, high, high_open


def _inside(inner, outer) -> bool:
    lo, lo_open, hi, hi_open = inner
    olo, olo_open, ohi, ohi_open = outer
    low_ok = lo > olo or (lo == olo and (lo_open or not olo_open))
    high_ok = hi < ohi or (hi == ohi and (hi_open or not ohi_open))
    return low_ok and high_ok


def _expression(call: ClaimCall) -> str:
    return " | ".join(ast.dump(v) for v in call.values)


def _words(call: ClaimCall) -> str:
    return call.name + " " + " ".join(ast.unparse(v) for v in call.values)


def vacuous_claims(text: str) -> list[tuple[int, str, str]]:
    """``(line, kind, source)`` for every claim in ``text``'s code cells that cannot fail."""
    page = read(text)
    calls = claim_calls(page)
    constants = _constant_names(page)
    found = []
    for call in calls:
        if all(_is_constant(v, constants) for v in call.values):
            found.append((call.line, "constant", call.source))
            continue
        if call.kind == "claim":
            interval = _interval(call)
            if interval is not None:
                lo, _, hi, _ = interval
                if _DURATION.search(_words(call)) and lo <= 0 < hi and lo > -math.inf:
                    found.append((call.line, "zero bound", call.source))
                    continue
                if _COUNT.search(call.name) and -math.inf < lo <= 1 and hi >= HUGE:
                    found.append((call.line, "zero bound", call.source))
                    continue
    for call in calls:
        mine = _interval(call)
        if mine is None:
            continue
        for other in calls:
            if other is call or other.kind != call.kind or _expression(other) != _expression(call):
                continue
            theirs = _interval(other)
            if theirs is None or not _inside(theirs, mine):
                continue
            if theirs == mine and other.line > call.line:
                continue  # two identical claims: report the second only
            found.append((call.line, f"implied by line {other.line}", call.source))
            break
    return sorted(found)


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_no_claim_cannot_fail(page):
    found = vacuous_claims(page.read_text(encoding="utf-8"))
    report = "\n".join(f"  docs/{page_id(page)}:{n}: [{kind}] {src}" for n, kind, src in found)
    assert not found, (
        "claims that cannot fail (see the docstring of this test for the rules); make each "
        "one state what the sentence needs, or remove it:\n" + report
    )


# --- the detector itself --------------------------------------------------------------------


def _cell(source: str) -> str:
    return "Prose.\n\n```{code-cell} ipython3\n:tags: [hide-input]\n" + source + "\n```\n"


class TestDetector:
    @pytest.mark.parametrize(
        ("source", "kind"),
        [
            ("claim('half', 1 / 2, at_least=0.4)", "constant"),
            ("k = 10\nclaim('steps', k * 3, at_least=20)", "constant"),
            ("claim_order('a-b', ('a', 0.9), ('b', 0.8))", "constant"),
            ("claim('epoch-seconds', t, fmt='.1f', above=0)", "zero bound"),
            ("claim('speedup', one.seconds / two.seconds, above=0, below=50)", "zero bound"),
            ("claim('elapsed', run.time, at_least=0, below=300)", "zero bound"),
            ("claim('n-train', len(x), at_least=1)", "zero bound"),
            ("claim('count-errors', errors, at_least=0, below=1e9)", "zero bound"),
            ("claim('acc', acc, at_least=0.8)\nclaim('acc-ok', acc, at_least=0.5)", "implied"),
            ("claim('acc', acc, near=0.9, tol=0.01)\nclaim('b', acc, below=1)", "implied"),
            ("claim_order('x', ('a', a), ('b', b), margin=0.1)\n"
             "claim_order('y', ('a', a), ('b', b))", "implied"),
            ("claim('a', v, at_least=0.5)\nclaim('b', v, at_least=0.5)", "implied"),
        ],
    )  # fmt: skip
    def test_finds_claims_that_cannot_fail(self, source, kind):
        assert [k for _, k, _ in vacuous_claims(_cell(source)) if k.startswith(kind)], source

    @pytest.mark.parametrize(
        "source",
        [
            "claim('acc', model.score(x, y), at_least=0.8)",
            "k = 10\nk = len(data)\nclaim('n', k, at_least=20)",
            "claim('epoch-seconds', t, fmt='.1f', below=30, volatile=True)",
            "claim('keras-vs-torch', k.seconds / t.seconds, above=1.2)",
            "claim('n-train', len(x), at_least=1000)",
            "claim('n-test', len(x), near=450, tol=0)",
            "claim('acc', acc, at_least=0.8)\nclaim('acc-top', acc, at_most=0.95)",
            "claim('a', acc, at_least=0.8)\nclaim('b', other, at_least=0.9)",
            "claim_order('x', ('a', a), ('b', b))\nclaim_order('y', ('b', b), ('a', a))",
            "for k in keys:\n    claim(f'acc-{k}', acc[k], at_least=0.8)",
        ],
    )
    def test_accepts_claims_that_can_fail(self, source):
        assert vacuous_claims(_cell(source)) == [], source

    def test_reports_the_line_in_the_page(self):
        text = _cell("x = run()\nclaim('t-seconds', x, above=0)")
        line = text.split("\n").index("claim('t-seconds', x, above=0)") + 1
        assert vacuous_claims(text) == [(line, "zero bound", "claim('t-seconds', x, above=0)")]
