"""Labels and figure names are unique across the book.

Sphinx reports a duplicate only after executing every chapter (a quarter of an hour);
this finds it in a second. Labels are ``(name)=`` targets and the ``:name:`` option of
figures and other directives.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1] / "docs"
PAGES = sorted(p for p in DOCS.rglob("*.md") if "_build" not in p.parts)
TARGET = re.compile(r"^\(([^)\s]+)\)=\s*$|^:name:\s*(\S+)\s*$", re.MULTILINE)


def _labels(text: str) -> list[str]:
    return [a or b for a, b in TARGET.findall(text)]


def test_the_pattern_finds_both_kinds():
    assert _labels("(chap-x)=\n# X\n\n```{figure} a.png\n:name: fig-a\n```\n") == [
        "chap-x",
        "fig-a",
    ]


def test_every_label_is_unique():
    where = defaultdict(list)
    for page in PAGES:
        for label in _labels(page.read_text(encoding="utf-8")):
            where[label.lower()].append(str(page.relative_to(DOCS)))
    duplicates = {label: pages for label, pages in where.items() if len(pages) > 1}
    assert duplicates == {}
    assert len(where) > 50  # the pattern found the book's labels
