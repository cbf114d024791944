"""The PDF of the whole book (``nox -s pdf``): linked from every page, and every page in it.

The PDF is typeset by Sphinx's LaTeX builder and copied into the built site as
``dlguide.pdf``; these tests read that copy with poppler's ``pdftotext``, ``pdfimages``
and ``pdffonts`` (Debian's poppler-utils, which .ci/run installs).
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
import unicodedata
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from sitepages import SITE, docnames, titles

PDF = SITE / "dlguide.pdf"
# The home page's title is the PDF's title page and its sections are the PDF's preface; the
# References page becomes the bibliography, which LaTeX prints unnumbered at the end.
NOT_CHAPTERS = {"index", "about/references"}
API_SECTIONS = "reference/api/"


def _poppler(tool: str, *args: str) -> str:
    if shutil.which(tool) is None:
        pytest.fail(f"{tool} not found: apt-get install poppler-utils (see .ci/run)")
    if not PDF.exists():
        pytest.fail(f"no {PDF}: run nox -s pdf after nox -s docs")
    return subprocess.run([tool, *args], capture_output=True, text=True, check=True).stdout


def _normal(text: str) -> str:
    """Text as compared here: ligatures split, curly quotes straight, spaces collapsed."""
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'").replace("\u2018", "'")
    return " ".join(text.split()).casefold()


@functools.cache
def _pdf_text() -> str:
    return _normal(_poppler("pdftotext", "-enc", "UTF-8", str(PDF), "-"))


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []
        self.images: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.hrefs.append(values["href"])
        if tag == "img" and values.get("src"):
            self.images.append(values["src"])


def _parse(page: Path) -> _Links:
    links = _Links()
    links.feed(page.read_text(encoding="utf-8"))
    return links


def _local(page: Path, link: str) -> Path | None:
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    return (page.parent / unquote(parts.path)).resolve()


def test_the_pdf_is_a_pdf():
    assert PDF.exists(), f"no {PDF}: run nox -s pdf after nox -s docs"
    assert PDF.read_bytes()[:5] == b"%PDF-"


@pytest.mark.parametrize("doc", docnames())
def test_every_page_links_to_the_pdf(doc: str):
    page = SITE / f"{doc}.html"
    targets = {_local(page, href) for href in _parse(page).hrefs}
    assert PDF.resolve() in targets, f"{doc}.html has no link to {PDF.name}"


@pytest.mark.parametrize("doc", sorted(set(docnames()) - NOT_CHAPTERS))
def test_every_page_is_a_chapter_of_the_pdf(doc: str):
    """Each page opens a chapter of its own: "CHAPTER SEVEN" over its title, in upper case.

    The API reference's pages (reference/api/*, listed by its own table of contents) are
    the numbered sections of its chapter: "23.5 Training and models".
    """
    title = _normal(titles()[doc])
    assert title, f"{doc} has no title in the search index"
    if doc.startswith(API_SECTIONS):
        heading = re.compile(rf"\b\d+\.\d+ {re.escape(title)}")
        where = "section"
    else:
        heading = re.compile(rf"chapter [a-z]+ {re.escape(title)}")
        where = "chapter"
    assert heading.search(_pdf_text()), f"no {where} of the PDF is headed {title!r} ({doc})"


def test_the_preface_is_the_home_page():
    html = (SITE / "index.html").read_text(encoding="utf-8")
    sections = re.findall(r"<h2>(.*?)<a class=\"headerlink\"", html)
    assert sections, "the home page has no sections"
    for section in sections:
        assert _normal(re.sub(r"<[^>]+>", "", section)) in _pdf_text()


def test_the_pdf_has_every_figure_of_the_site():
    """Each image the site's pages show is embedded in the PDF (PNG outputs, not HTML)."""
    shown = {
        target
        for page in SITE.rglob("*.html")
        if not {"_sources", "_static"} & set(page.relative_to(SITE).parts)
        for src in _parse(page).images
        if (target := _local(page, src)) is not None and "_images" in target.parts
    }
    listing = _poppler("pdfimages", "-list", str(PDF)).splitlines()[2:]
    embedded = [row for row in listing if row.split()[2] == "image"]
    assert shown, "the site shows no figures"
    assert len(embedded) >= len(shown)


def test_the_pdf_has_maths_references_and_the_bibliography():
    fonts = _poppler("pdffonts", str(PDF))
    assert re.search(r"\bCMMI\d", fonts), "no maths font in the PDF: is the maths typeset?"
    assert "??" not in _pdf_text(), "an unresolved cross-reference (??) in the PDF"
    html = (SITE / "about" / "references.html").read_text(encoding="utf-8")
    entries = html.count('role="doc-biblioentry"')
    assert entries, "the References page lists no entries"
    assert f"[{entries}]" in _pdf_text(), f"the PDF's bibliography has fewer than {entries} entries"
