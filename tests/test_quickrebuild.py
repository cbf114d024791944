"""Tests of dlguide.book.quickrebuild: real Sphinx builds of a tiny site with a bibliography."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

CONF = """\
extensions = ["sphinxcontrib.bibtex", "dlguide.book.quickrebuild"]
bibtex_bibfiles = ["refs.bib"]
bibtex_reference_style = "author_year"
templates_path = ["_templates"]
exclude_patterns = ["_build"]
"""

BIB = """\
@book{goodfellow2016,
  author = {Goodfellow, Ian and Bengio, Yoshua and Courville, Aaron},
  title = {Deep Learning},
  publisher = {MIT Press},
  year = {2016},
}
"""

INDEX = """\
Home
====

.. toctree::

   cites

.. bibliography::
"""

CITES = """\
Citing
======

.. index:: gradient descent

Deep networks are trained by gradient descent :cite:p:`goodfellow2016`.
"""

LAYOUT = """\
{% extends "!layout.html" %}
{% block footer %}{{ super() }}<p>VERSION</p>{% endblock %}
"""

MARK = "<!-- left by the test -->"
SKIPPED = "no document changed"  # what the extension logs when it skips


def _site(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    (src / "_templates").mkdir(parents=True)
    (src / "conf.py").write_text(CONF)
    (src / "refs.bib").write_text(BIB)
    (src / "index.rst").write_text(INDEX)
    (src / "cites.rst").write_text(CITES)
    (src / "_templates" / "layout.html").write_text(LAYOUT.replace("VERSION", "one"))
    return src


def _build(src: Path) -> str:
    out = src.parent / "html"
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-W", "-n", str(src), str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _mark(out: Path) -> None:
    """Leave a mark in the site-wide pages: a build that rewrites one removes it."""
    for page in ("genindex.html", "search.html"):
        path = out / page
        path.write_text(path.read_text() + MARK)


def _marked(out: Path) -> set[str]:
    return {p for p in ("genindex.html", "search.html") if MARK in (out / p).read_text()}


def _settled(tmp_path: Path) -> tuple[Path, Path, str]:
    """The site built, then built again with nothing changed (its log), then marked."""
    src = _site(tmp_path)
    _build(src)
    log = _build(src)
    _mark(tmp_path / "html")
    return src, tmp_path / "html", log


@pytest.mark.slow
def test_a_rebuild_with_nothing_changed_keeps_the_index_pages(tmp_path):
    src, out, log = _settled(tmp_path)
    for skipped in ("gen_indices skipped", "gen_additional_pages skipped",
                    "the bibliography is not formatted again"):  # fmt: skip
        assert f"{SKIPPED}: {skipped}" in log
    log = _build(src)
    assert _marked(out) == {"genindex.html", "search.html"}, log


@pytest.mark.slow
def test_an_edited_document_rewrites_the_index_and_formats_the_citations(tmp_path):
    src, out, _ = _settled(tmp_path)
    (src / "cites.rst").write_text(CITES.replace("gradient descent", "backpropagation", 1))
    assert SKIPPED not in _build(src)
    assert _marked(out) == set()
    assert "backpropagation" in (out / "genindex.html").read_text()
    page = (out / "cites.html").read_text()
    assert "Goodfellow" in page and "2016" in page  # the citation's label, formatted again


@pytest.mark.slow
def test_a_changed_template_rewrites_every_page_with_its_citations(tmp_path):
    src, out, _ = _settled(tmp_path)
    # Every page is written again, none is read: the citations come from the environment.
    (src / "_templates" / "layout.html").write_text(LAYOUT.replace("VERSION", "two"))
    assert "gen_indices skipped" not in _build(src)
    assert _marked(out) == set()
    assert "<p>two</p>" in (out / "genindex.html").read_text()
    page = (out / "cites.html").read_text()
    assert "<p>two</p>" in page and "Goodfellow" in page


@pytest.mark.slow
def test_a_removed_document_rewrites_the_index(tmp_path):
    src = _site(tmp_path)
    out = tmp_path / "html"
    # An orphan page, in no table of contents: removing it changes no other document.
    (src / "extra.rst").write_text(":orphan:\n\nExtra\n=====\n\n.. index:: momentum\n\nA page.\n")
    _build(src)
    assert "momentum" in (out / "genindex.html").read_text()
    (src / "extra.rst").unlink()
    assert SKIPPED not in _build(src)
    assert "momentum" not in (out / "genindex.html").read_text()


@pytest.mark.slow
def test_a_missing_index_page_is_written_again(tmp_path):
    src = _site(tmp_path)
    out = tmp_path / "html"
    _build(src)
    (out / "genindex.html").unlink()
    _build(src)
    assert "gradient descent" in (out / "genindex.html").read_text()
