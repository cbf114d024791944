"""A Sphinx extension: a rebuild that changed no page does not redo the site-wide pages.

Sphinx redoes two things on every HTML build, whether or not any document changed:

- sphinxcontrib-bibtex formats every cited entry again (its ``env-updated`` handler),
  though the formatted citations are kept with the environment;
- the HTML builder writes the general index, the module index and the search page
  again, though they are made from the environment alone.

With nothing changed, these are most of the rebuild's work after Sphinx's own start
(``nox -s bench`` times that rebuild). This extension skips each when it would produce
what is already there:

- the bibliography is formatted again whenever Sphinx read or removed a document in
  this build (a changed ``.bib`` file makes sphinxcontrib-bibtex mark its citing
  documents as outdated, so they are read), and skipped otherwise;
- the index pages and the search page are written again whenever a document was read,
  removed or written in this build (a changed template or theme rewrites every page),
  or the general index or the search page is missing, and skipped otherwise.

Where sphinxcontrib-bibtex's handler cannot be found (a version that registers it
differently), the bibliography is formatted on every build, as without this extension.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from sphinx.util import logging

__all__ = ["setup"]

logger = logging.getLogger(__name__)

# Pages the HTML builder writes from the environment alone; if one is missing, both are
# written again (the domains' indices, such as py-modindex.html, are written with genindex).
INDEX_PAGES = ("genindex.html", "search.html")


def _state(app: Any) -> dict[str, int]:
    state = getattr(app, "_dlguide_quickrebuild", None)
    if state is None:
        state = app._dlguide_quickrebuild = {"read": 0, "purged": 0, "written": 0}
    return state


def _count_read(app: Any, env: Any, docnames: list[str]) -> None:
    _state(app)["read"] += len(docnames)


def _count_purged(app: Any, env: Any, docname: str) -> None:
    _state(app)["purged"] += 1


def _count_written(app: Any, pagename: str, templatename: str, context: Any, doctree: Any) -> None:
    if doctree is not None:  # a document's page, not an index or the search page
        _state(app)["written"] += 1


def _documents_changed(app: Any) -> bool:
    """Whether this build read or removed any document."""
    state = _state(app)
    return state["read"] > 0 or state["purged"] > 0


def _bibtex_listener(app: Any) -> Any:
    """sphinxcontrib-bibtex's ``env-updated`` listener, or None."""
    for listener in app.events.listeners.get("env-updated", []):
        handler = listener.handler
        if getattr(handler, "__module__", "") == "sphinxcontrib.bibtex" and (
            getattr(handler, "__name__", "") == "env_updated"
        ):
            return listener
    return None


def _wrap_bibtex(app: Any) -> None:
    listener = _bibtex_listener(app)
    if listener is None:
        return
    handler = listener.handler

    def env_updated(app: Any, env: Any) -> Any:
        if _documents_changed(app):
            return handler(app, env)
        # The citations formatted last time are in the environment Sphinx kept.
        logger.info("no document changed: the bibliography is not formatted again (dlguide)")
        return []

    app.disconnect(listener.id)
    app.connect("env-updated", env_updated, priority=listener.priority)


def _wrap_index_pages(app: Any) -> None:
    builder = app.builder
    if builder.format != "html" or not hasattr(builder, "gen_indices"):
        return

    def unchanged() -> bool:
        outdir = Path(builder.outdir)
        return (
            not _documents_changed(app)
            and _state(app)["written"] == 0
            and all((outdir / page).exists() for page in INDEX_PAGES)
        )

    def skipping_when_unchanged(method: Any) -> Any:
        @functools.wraps(method)
        def run() -> None:
            if unchanged():
                logger.info(f"no document changed: {method.__name__} skipped (dlguide)")
            else:
                method()

        return run

    builder.gen_indices = skipping_when_unchanged(builder.gen_indices)
    builder.gen_additional_pages = skipping_when_unchanged(builder.gen_additional_pages)


def _builder_inited(app: Any) -> None:
    _wrap_bibtex(app)
    _wrap_index_pages(app)


def setup(app: Any) -> dict[str, Any]:
    """Register the extension with Sphinx (list it after ``sphinxcontrib.bibtex``)."""
    app.connect("builder-inited", _builder_inited, priority=900)
    app.connect("env-before-read-docs", _count_read, priority=999)  # the final list
    app.connect("env-purge-doc", _count_purged)
    app.connect("html-page-context", _count_written)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
