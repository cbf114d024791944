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


def docnames() -> list[str]:
    """Every document of the built site, from its search index (``searchindex.js``)."""
    index = SITE / "searchindex.js"
    if not index.exists():
        raise FileNotFoundError(f"no built site at {SITE}: run `nox -s docs` first")
    text = index.read_text(encoding="utf-8")
    payload = re.fullmatch(r"\s*Search\.setIndex\((.*)\)\s*;?\s*", text, re.DOTALL)
    if payload is None:
        raise ValueError(f"{index} does not look like a Sphinx search index")
    names = json.loads(payload.group(1))["docnames"]
    if not names:
        raise ValueError(f"{index} names no documents")
    return sorted(names)


def notebook_pages() -> list[str]:
    """The documents that were executed as notebooks (they have an .ipynb download)."""
    return [d for d in docnames() if (SITE / "_sources" / f"{d}.ipynb").exists()]
