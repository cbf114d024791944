"""Each chapter names, near its top, the dlguide modules its code cells import (and only those)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"
CHAPTERS = sorted(p for p in DOCS.glob("*/*.md") if p.parent.name != "reference")

NOTE = "The code for this"  # chapter (or, on the about pages, page) is in ...
_CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(.*?)^```", re.S | re.M)
_IMPORT = re.compile(
    r"^\s*(?:from\s+(dlguide(?:\.\w+)+)\s+import|import\s+(dlguide(?:\.\w+)+))", re.M
)
_NAMED = re.compile(r"\{py:mod\}`(dlguide(?:\.\w+)*)`")


def imported_modules(text: str) -> set[str]:
    """The dlguide modules (not the package itself) that the code cells of ``text`` import."""
    found = set()
    for cell in _CELL.findall(text):
        for match in _IMPORT.finditer(cell):
            found.add(match.group(1) or match.group(2))
    return found


def named_modules(text: str) -> set[str] | None:
    """The modules the chapter's "code for this chapter" note links, or None without a note."""
    for paragraph in text.split("\n\n"):
        if paragraph.lstrip().startswith(NOTE):
            return set(_NAMED.findall(paragraph))
    return None


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_chapter_names_the_modules_it_imports(chapter: Path) -> None:
    text = chapter.read_text(encoding="utf-8")
    used = imported_modules(text)
    named = named_modules(text)
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
