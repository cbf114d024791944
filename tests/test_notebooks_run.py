"""Every chapter, as the notebook a reader downloads, runs top to bottom in a fresh kernel.

The site's ``.ipynb`` download of a chapter is myst-nb's conversion of its MyST Markdown
file (``jupyter_execute/<page>.ipynb``, with the outputs put back); a reader who opens the
chapter in ``nox -s lab`` gets the same cells through jupytext. Here each chapter is
converted the way the site converts it, then executed with nbclient in a fresh kernel of the
book's environment, set up as the build sets up its kernels (``dlguide.book.sphinxext``) and
reusing the models the build trained, as ``nox -s lab`` does, cell by cell from the top.
Then every *visible* code cell (one the page does not hide) is executed once more, in order,
in the same kernel: a reader who re-runs a cell they can see must not find that a hidden
cell further down has broken it (say, by rebinding a function's name to a number).

Which chapters are executed, by ``DLGUIDE_NOTEBOOKS``:

* unset or ``fast``: the chapters whose recorded execution time in
  ``docs/about/benchmark.json`` is at most ``FAST_SECONDS``; the others are skipped with
  their time as the reason;
* ``all``: every chapter (the Part III chapters fine-tune BERT: most of an hour on 2 cores);
* comma-separated page patterns, e.g. ``language/05-*``: those chapters;
* ``none``: no chapter.

The static check (no kernel, every chapter, always) finds the known way a re-run breaks: a
name that one cell imports or defines as a function or class, and another cell assigns.
"""

from __future__ import annotations

import ast
import fnmatch
import json
import math
import os
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
FAST_SECONDS = 10.0
HIDDEN_TAGS = {"hide-input", "hide-cell", "remove-input", "remove-cell"}


def chapters() -> list[Path]:
    """Every page that is executed as a notebook (it has a ``kernelspec`` in its front matter)."""
    pages = sorted(p for p in DOCS.rglob("*.md") if "_build" not in p.relative_to(DOCS).parts)
    return [p for p in pages if p.read_text(encoding="utf-8").startswith("---\njupytext:")]


def doc(path: Path) -> str:
    return path.relative_to(DOCS).with_suffix("").as_posix()


def to_notebook(path: Path):
    """The chapter as the site's download converts it: myst-nb's MyST notebook reader."""
    from myst_nb.core.read import read_myst_markdown_notebook

    return read_myst_markdown_notebook(path.read_text(encoding="utf-8"), path=str(path))


def is_visible(cell) -> bool:
    tags = set(cell.get("metadata", {}).get("tags", []))
    return cell.cell_type == "code" and not tags & HIDDEN_TAGS


def test_every_chapter_converts_to_a_notebook_with_code():
    found = {doc(p): sum(c.cell_type == "code" for c in to_notebook(p).cells) for p in chapters()}
    assert len(found) >= 20, found  # the book's chapters, not an empty glob
    assert all(n >= 1 for n in found.values()), found


# --- Static: a name imported or defined in one cell must not be assigned in another --------------
def _names(target: ast.expr) -> list[str]:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [n for element in target.elts for n in _names(element)]
    if isinstance(target, ast.Starred):
        return _names(target.value)
    return []


def callables_and_assignments(source: str) -> tuple[set[str], set[str]]:
    """Top-level names a cell binds by import/def/class, and those it binds by assignment."""
    callables, assigned = set(), set()
    todo = list(ast.parse(source).body)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            callables.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            callables.add(node.name)  # its body is its own scope: not walked
            continue
        elif isinstance(node, ast.Assign):
            assigned.update(n for t in node.targets for n in _names(t))
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign, ast.For, ast.AsyncFor)):
            assigned.update(_names(node.target))
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            assigned.update(n for item in node.items if item.optional_vars
                            for n in _names(item.optional_vars))  # fmt: skip
        elif isinstance(node, ast.NamedExpr):
            assigned.update(_names(node.target))
        todo.extend(
            child for child in ast.iter_child_nodes(node)
            if not isinstance(child, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp,
                                      ast.GeneratorExp))
        )  # fmt: skip
    return callables, assigned


def rebound_callables(notebook) -> list[str]:
    """'name: imported or defined in cell i, assigned in cell j' for each such name."""
    cells = [(i, c) for i, c in enumerate(notebook.cells) if c.cell_type == "code"]
    bound = {i: callables_and_assignments(c.source) for i, c in cells}
    return [
        f"{name!r}: imported or defined in code cell {i}, assigned in code cell {j}"
        for i, (callables, _) in bound.items()
        for j, (_, assigned) in bound.items()
        if i != j
        for name in sorted(callables & assigned)
    ]


def test_rebinding_is_found():
    import nbformat

    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("from dlguide.metrics import f1\nscore = f1(y, p)"),
        nbformat.v4.new_code_cell("f1 = scores.mean()  # the number shadows the function"),
        nbformat.v4.new_code_cell("def draw():\n    f1 = 2\n[f1 for f1 in range(3)]"),
    ])  # fmt: skip
    assert rebound_callables(notebook) == [
        "'f1': imported or defined in code cell 0, assigned in code cell 1"
    ]


@pytest.mark.parametrize("path", chapters(), ids=doc)
def test_no_cell_assigns_a_name_another_imports_or_defines(path: Path):
    assert rebound_callables(to_notebook(path)) == []


# --- Dynamic: run each chosen chapter, then re-run its visible cells ---------------------------
def _chosen() -> list:
    wanted = os.environ.get("DLGUIDE_NOTEBOOKS", "fast").strip()
    recorded = json.loads((DOCS / "about" / "benchmark.json").read_text())
    seconds = recorded["chapter_execution_seconds"]
    params = []
    for path in chapters():
        name, reason = doc(path), None
        if wanted == "none":
            reason = "DLGUIDE_NOTEBOOKS=none"
        elif wanted == "fast":
            took = seconds.get(name, math.inf)
            if took > FAST_SECONDS:
                reason = f"recorded at {took:.0f} s > {FAST_SECONDS:g} s (DLGUIDE_NOTEBOOKS=all)"
        elif wanted != "all" and not any(
            fnmatch.fnmatch(name, pattern.strip()) for pattern in wanted.split(",")
        ):
            reason = f"not in DLGUIDE_NOTEBOOKS={wanted}"
        marks = [pytest.mark.skip(reason=reason)] if reason else []
        params.append(pytest.param(path, id=name, marks=marks))
    return params


@pytest.mark.parametrize("path", _chosen())
def test_notebook_runs_and_its_visible_cells_run_again(path: Path, tmp_path: Path):
    from nbclient import NotebookClient

    from dlguide.book.sphinxext import _kernel_environment

    notebook = to_notebook(path)
    saved = dict(os.environ)
    try:
        _kernel_environment(types.SimpleNamespace(outdir=str(tmp_path / "html")), None)
        # as in nox -s lab: the models the build trained, from the user's model cache
        os.environ.pop("MPLBACKEND", None)  # the kernels use the inline backend, as in the build
        client = NotebookClient(
            notebook, timeout=900, kernel_name="python3",
            resources={"metadata": {"path": str(path.parent)}},
        )  # fmt: skip
        client.reset_execution_trackers()
        with client.setup_kernel():
            for index, cell in enumerate(notebook.cells):
                client.execute_cell(cell, index)  # raises CellExecutionError, with the traceback
            for index, cell in enumerate(notebook.cells):
                if is_visible(cell):  # some pages (about/) hide every cell: nothing to re-run
                    client.execute_cell(cell, index)
    finally:
        os.environ.clear()
        os.environ.update(saved)
