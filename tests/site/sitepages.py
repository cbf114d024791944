"""Where the built site is, and which pages it has (shared by the site tests)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("DLGUIDE_SITE", ROOT / "docs" / "_build" / "html"))
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("DLGUIDE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def _search_index() -> dict:
    index = SITE / "searchindex.js"
    if not index.exists():
        raise FileNotFoundError(f"no built site at {SITE}: run `nox -s docs` first")
    text = index.read_text(encoding="utf-8")
    payload = re.fullmatch(r"\s*Search\.setIndex\((.*)\)\s*;?\s*", text, re.DOTALL)
    if payload is None:
        raise ValueError(f"{index} does not look like a Sphinx search index")
    data = json.loads(payload.group(1))
    if not data["docnames"]:
        raise ValueError(f"{index} names no documents")
    return data


def docnames() -> list[str]:
    """Every document of the built site, from its search index (``searchindex.js``)."""
    return sorted(_search_index()["docnames"])


def titles() -> dict[str, str]:
    """The title of every document of the built site (``{docname: title}``), as plain text."""
    data = _search_index()
    return dict(zip(data["docnames"], data["titles"], strict=True))


def notebook_pages() -> list[str]:
    """The documents that were executed as notebooks (they have an .ipynb download)."""
    return [d for d in docnames() if (SITE / "_sources" / f"{d}.ipynb").exists()]
