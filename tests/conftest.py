"""Shared setup for the tests: a headless, torch-backed, reproducible environment."""

from __future__ import annotations

import os
from collections.abc import Iterator

# Before anything imports matplotlib or keras.
os.environ.setdefault("KERAS_BACKEND", "torch")
os.environ["MPLBACKEND"] = "Agg"

import pytest

import dlguide.book.claims


@pytest.fixture(autouse=True)
def _fresh_claims(monkeypatch: pytest.MonkeyPatch) -> None:
    """Start every test in a known chapter, with no claims and no claims folder."""
    monkeypatch.delenv("DLGUIDE_CLAIMS_DIR", raising=False)
    dlguide.book.claims.set_chapter("tests")


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    """Close the figures a test made, so that matplotlib does not warn about too many."""
    yield
    import sys

    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
