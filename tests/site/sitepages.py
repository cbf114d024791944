"""Where the built site is, and which pages it has (shared by the site tests)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

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


def settle(page: Any) -> None:
    """Wait until ``page`` has loaded and MathJax (where the page has it) has typeset it.

    "networkidle" alone is not enough: on a busy machine chromium can still be parsing
    the page (``document.readyState == "loading"``) after the network went quiet, before
    the theme's scripts (the tab stops of scrollable code, for one) have run.
    """
    page.wait_for_function("document.readyState === 'complete'", timeout=60_000)
    page.evaluate(
        "() => window.MathJax && MathJax.startup && MathJax.startup.promise"
        " ? MathJax.startup.promise.then(() => true) : true"
    )


def open_page(page: Any, url: str) -> Any:
    """Go to ``url`` and wait until it has settled (see :func:`settle`); the response."""
    response = page.goto(url, wait_until="networkidle")
    settle(page)
    return response
