"""Each chapter names, near its top, the dlguide modules its code cells import (and only those)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from chapters import DOCS, Page, read

CHAPTERS = sorted(p for p in DOCS.glob("*/*.md") if p.parent.name != "reference")

NOTE = "The code for this"  # chapter (or, on the about pages, page) is in ...


def _imports(source: str) -> set[str]:
    """The dlguide modules (not the package itself) that one code cell imports."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        found.update(n for n in names if n.startswith("dlguide."))
    return found


def imported_modules(text: str | Page) -> set[str]:
    """The dlguide modules (not the package itself) that the code cells of ``text`` import."""
    page = read(text) if isinstance(text, str) else text
    return set().union(*(_imports(source) for _, source in page.code_cells))


def named_modules(text: str | Page) -> set[str] | None:
    """The modules the chapter's "code for this chapter" note links, or None without a note."""
    page = read(text) if isinstance(text, str) else text
    for block in page.blocks:
        if block.text().lstrip().startswith(NOTE):
            return {p.content for p in block.parts if p.kind == "role" and p.role == "py:mod"}
    return None


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_chapter_names_the_modules_it_imports(chapter: Path) -> None:
    page = read(chapter.read_text(encoding="utf-8"))
    used = imported_modules(page)
    named = named_modules(page)
    if not used:
        assert named is None, f"{chapter.name} names modules but imports none from dlguide"
        return
    assert named is not None, f"{chapter.name} imports {sorted(used)} but has no {NOTE!r} note"
    for module in sorted(used - named):
        pytest.fail(f"{chapter.name} imports {module} but its note does not name it")
    for module in sorted(named - used):
        pytest.fail(f"{chapter.name}'s note names {module}, which the chapter does not import")


def test_the_scanner_finds_imports() -> None:
    text = "```{code-cell} ipython3\nfrom dlguide.metrics import f1\nimport dlguide\n```\n"
    assert imported_modules(text) == {"dlguide.metrics"}
    assert named_modules(f"{NOTE} {{py:mod}}`dlguide.metrics`.\n") == {"dlguide.metrics"}
