"""No claim that cannot fail: the mechanical cases, found in the chapters' code cells.

A claim checks a number so that the build fails when the sentence around it becomes false.
Three kinds of claim cannot fail, whatever the chapter computes, and this test finds them
by reading the code cells with :mod:`ast` (:func:`chapters.claim_calls`):

1. **constant**: the value (for ``claim_order``, both values) is built from literals and
   names that every binding in the chapter builds from literals in turn (through
   arithmetic, indexing, comprehensions, ``for`` loops over them and pure built-ins such
   as ``len`` and ``max``); it depends on nothing that was executed. A name that is
   changed in place (``x[k] = ...``, ``x.append(...)``), a function's argument, and the
   variable of a loop that can ``break`` count as executed.
2. **zero bound**: a duration, or a ratio of durations (the name or the value expression
   says seconds, time, duration, elapsed, speedup), bounded below by zero (``above=0`` /
   ``at_least=0``), which every time satisfies; or a count (the name starts with ``n-`` or
   ``n_``, or says count or number) bounded only below by zero or one (or with an upper
   bound of a million or more).
3. **implied**: another claim of the same chapter on the same value expression has bounds
   at least as tight (its interval lies inside this one), so this one can only fail when
   that one fails too; ``claim_order(name, (h, a), (l, b))`` bounds ``a - b``, so it
   and a ``claim`` on ``a - b`` are compared as well.
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


# Calls that compute nothing new from constant arguments (a constant in, a constant out).
_PURE = {"len", "min", "max", "sum", "abs", "round", "range", "sorted", "list", "tuple",
         "int", "float", "str", "reversed", "enumerate", "zip"}  # fmt: skip


def _bindings(calls_page) -> list[tuple[str, ast.AST | None, list[ast.comprehension]]]:
    """Every binding of a name in the page's code cells: ``(name, value, generators)``.

    ``value`` is the expression the name takes its value from (an iterable for a ``for``
    loop or a comprehension, marked by a one-element ``generators``), or None where the
    value comes from outside the code (a function's argument, an import, a ``with``).
    """
    found: list[tuple[str, ast.AST | None, list[ast.comprehension]]] = []

    def changes(node: ast.AST) -> None:
        base = _base(node)
        if isinstance(base, ast.Name):
            found.append((base.id, None, []))

    def bind(target: ast.AST, value: ast.AST | None, generators=()) -> None:
        for name in ast.walk(target):
            if isinstance(name, ast.Name):
                found.append((name.id, value, list(generators)))

    for _, source in calls_page.code_cells:
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Subscript | ast.Attribute) and not isinstance(
                node.ctx, ast.Load
            ):
                changes(node)  # x[k] = ..., x.a = ..., del x[k]: x changes
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                changes(node.func)  # x.append(...), x.update(...): x may change
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    bind(target, node.value)
            elif isinstance(node, ast.AnnAssign):
                bind(node.target, node.value)
            elif isinstance(node, ast.AugAssign):
                bind(node.target, ast.BinOp(node.target, node.op, node.value))
            elif isinstance(node, ast.NamedExpr):
                bind(node.target, node.value)
            elif isinstance(node, ast.For) and any(
                isinstance(n, ast.Break) for n in ast.walk(node)
            ):
                bind(node.target, None)  # where the loop stops depends on what it computes
            elif isinstance(node, ast.For | ast.comprehension):
                bind(node.target, node.iter, [node])  # iterating: constant if the iterable is
            elif isinstance(node, ast.With):
                for item in node.items:
                    if item.optional_vars is not None:
                        bind(item.optional_vars, None)
            elif isinstance(node, ast.FunctionDef | ast.Lambda):
                if isinstance(node, ast.FunctionDef):
                    found.append((node.name, None, []))
                for arg in ast.walk(node.args):
                    if isinstance(arg, ast.arg):
                        found.append((arg.arg, None, []))
            elif isinstance(node, ast.Import | ast.ImportFrom):
                for alias in node.names:
                    found.append(((alias.asname or alias.name).split(".")[0], None, []))
            elif isinstance(node, ast.ExceptHandler) and node.name:
                found.append((node.name, None, []))
    return found


def _base(node: ast.AST) -> ast.AST:
    """The expression at the root of ``x[k].a[j]`` (the name ``x``)."""
    while isinstance(node, ast.Subscript | ast.Attribute):
        node = node.value
    return node


def _constant_names(calls_page) -> set[str]:
    """Names that every binding in the page's code cells gives a constant value.

    A fixed point: a name is constant while every one of its bindings is built from
    literals and constant names (through arithmetic, indexing, comprehensions and the
    pure built-ins of ``_PURE``), or iterates over such a value.
    """
    bindings = _bindings(calls_page)
    constants = {name for name, _, _ in bindings}
    while True:
        bad = {name for name, value, _ in bindings
               if value is None or not _is_constant(value, constants)}  # fmt: skip
        if not bad & constants:
            return constants
        constants -= bad


def _is_constant(node: ast.AST, constants: set[str]) -> bool:
    """Whether ``node`` is built only from literals and the names in ``constants``."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Name):
        return node.id in constants
    if isinstance(node, ast.UnaryOp):
        return _is_constant(node.operand, constants)
    if isinstance(node, ast.BinOp):
        return _is_constant(node.left, constants) and _is_constant(node.right, constants)
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return all(_is_constant(e, constants) for e in node.elts)
    if isinstance(node, ast.Dict):
        return all(k is not None and _is_constant(k, constants) for k in node.keys) and all(
            _is_constant(v, constants) for v in node.values
        )
    if isinstance(node, ast.Subscript):
        return _is_constant(node.value, constants) and _is_constant(node.slice, constants)
    if isinstance(node, ast.Slice):
        parts = (node.lower, node.upper, node.step)
        return all(p is None or _is_constant(p, constants) for p in parts)
    if isinstance(node, ast.IfExp):
        return all(_is_constant(n, constants) for n in (node.test, node.body, node.orelse))
    if isinstance(node, ast.Compare):
        return all(_is_constant(n, constants) for n in [node.left, *node.comparators])
    if isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp):
        # the comprehension's own variables are bound (and judged) by their iterables
        inner = set(constants)
        for gen in node.generators:
            if not _is_constant(gen.iter, inner) or not all(
                _is_constant(cond, inner) for cond in gen.ifs
            ):
                return False
            inner |= {n.id for n in ast.walk(gen.target) if isinstance(n, ast.Name)}
        elements = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
        return all(_is_constant(e, inner) for e in elements)
    if isinstance(node, ast.Call):
        return (
            isinstance(node.func, ast.Name)
            and node.func.id in _PURE
            and all(_is_constant(a, constants) for a in node.args)
            and not node.keywords
        )
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
    """The value a claim bounds; ``claim_order(h, l)`` bounds ``h - l``, like a claim on it."""
    if call.kind == "claim_order" and len(call.values) == 2:
        return ast.dump(ast.BinOp(call.values[0], ast.Sub(), call.values[1]))
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
            if other is call or _expression(other) != _expression(call):
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
            ("per = [10, 40]\nsizes = [n * 10 for n in per]\nclaim('big', sizes[-1], below=500)",
             "constant"),
            ("k = 3\nm = k * 2\nclaim('m', max(m, 1), at_least=5)", "constant"),
            ("for n in [1, 2]:\n    claim(f'n{n}', n * 2, at_least=1)", "constant"),
            ("d = {'a': 1}\nclaim('a', d['a'], near=1, tol=0)", "constant"),
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
            ("claim_order('x', ('a', a), ('b', b), margin=0.02)\nclaim('d', a - b, above=0)",
             "implied"),
            ("claim('d', a - b, above=0.05)\nclaim_order('x', ('a', a), ('b', b))", "implied"),
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
            "d = {}\nd['a'] = run()\nclaim('a', d['a'], at_least=0.5)",
            "xs = [1]\nxs.append(run())\nclaim('last', xs[-1], at_least=0.5)",
            "for n in range(10):\n    if run(n):\n        break\nclaim('tries', n + 1, at_most=9)",
            "def f(n):\n    claim('n', n * 2, at_least=3)\nn = 1",
            "sizes = [1, 2]\nclaim('n', len(data[sizes[0]]), at_least=3)",
        ],
    )
    def test_accepts_claims_that_can_fail(self, source):
        assert vacuous_claims(_cell(source)) == [], source

    def test_reports_the_line_in_the_page(self):
        text = _cell("x = run()\nclaim('t-seconds', x, above=0)")
        line = text.split("\n").index("claim('t-seconds', x, above=0)") + 1
        assert vacuous_claims(text) == [(line, "zero bound", "claim('t-seconds', x, above=0)")]
