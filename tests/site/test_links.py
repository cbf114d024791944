"""A crawl of the built site: every local link, image and script resolves, and every anchor exists.

Sphinx's nitpicky mode checks cross-references while building; this checks what it cannot
see: raw HTML, theme templates, static files, and ``#anchors`` in the final pages. It reads
every ``.html`` file in the built site, so new pages are covered without listing them.
"""

from __future__ import annotations

import functools
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from sitepages import SITE

# The pages; not the theme's template fragments that happen to end in .html (_static).
HTML_FILES = sorted(
    p for p in SITE.rglob("*.html") if not {"_sources", "_static"} & set(p.relative_to(SITE).parts)
)
LINK_ATTRIBUTES = {"href", "src", "poster", "data"}


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (tag == "a" and name == "name"):
                self.ids.add(value)
            elif name in LINK_ATTRIBUTES and tag != "html":
                self.links.append((tag, value))
            elif name == "srcset":
                self.links.extend((tag, part.split()[0]) for part in value.split(",") if part)


@functools.cache
def _parse(path: Path) -> _Collector:
    collector = _Collector()
    collector.feed(path.read_text(encoding="utf-8"))
    return collector


def _problems(page: Path) -> list[str]:
    problems = []
    for tag, link in _parse(page).links:
        parts = urlsplit(link)
        if parts.scheme or link.startswith("//") or parts.netloc:
            continue  # another site: Sphinx's linkcheck builder is the tool for those
        if not parts.path and not parts.fragment:
            continue
        target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
        if target.is_dir():
            target = target / "index.html"
        if not target.is_relative_to(SITE.resolve()):
            problems.append(f"<{tag}> {link}: points outside the site")
        elif not target.exists():
            problems.append(f"<{tag}> {link}: no such file")
        elif (
            parts.fragment
            and target.suffix == ".html"
            and unquote(parts.fragment) not in _parse(target).ids
        ):
            problems.append(f"<{tag}> {link}: no element with that id")
    return problems


def test_the_site_has_pages():
    assert any(p.name == "index.html" for p in HTML_FILES)


@pytest.mark.parametrize("page", HTML_FILES, ids=lambda p: str(p.relative_to(SITE)))
def test_every_local_link_and_anchor_resolves(page: Path):
    assert _problems(page) == []


# Notebook services a launch button would send the reader to. The book has none: a notebook
# launched there cannot import dlguide or its offline data (docs/conf.py, README).
LAUNCH_HOSTS = ("mybinder.org", "colab.research.google.com", "deepnote.com", "binder")


@pytest.mark.parametrize("page", HTML_FILES, ids=lambda p: str(p.relative_to(SITE)))
def test_no_launch_button(page: Path):
    launches = [
        link for _, link in _parse(page).links
        if any(host in (urlsplit(link).netloc or "") for host in LAUNCH_HOSTS)
    ]  # fmt: skip
    assert launches == []
    assert "launch-buttons" not in page.read_text(encoding="utf-8")
