"""Fixtures for the tests of the built site: a local web server and a real browser.

These tests read ``docs/_build/html`` (or ``$DLGUIDE_SITE``), so they need a built site;
``nox -s site`` runs them after ``nox -s docs``. The default test run (``nox -s tests``)
leaves them out: they are collected only when ``DLGUIDE_SITE_TESTS=1``.

The pages are not listed anywhere: every test iterates over the documents the built
site's search index names (the toctree's pages, plus any orphan), so a new chapter is
covered as soon as it is built.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sitepages import CHROMIUM, CHROMIUM_ARGS, SITE

if os.environ.get("DLGUIDE_SITE_TESTS") != "1":
    collect_ignore_glob = ["test_*.py"]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def base_url() -> Iterator[str]:
    """Serve the built site on 127.0.0.1 (a free port) for the whole session."""
    handler = functools.partial(_QuietHandler, directory=str(SITE))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian chromium, driven by Playwright (its own browser downloads fail here)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"no chromium at {CHROMIUM}: apt-get install chromium (see .ci/run)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    """A fresh browser context (no stored colour mode), closed after the test."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        yield ctx
    finally:
        ctx.close()
