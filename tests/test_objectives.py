"""The learning-objectives map: every objective is taught somewhere that exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from myst_parser.slugs import github_slugify

from dlguide.book.objectives import OBJECTIVES, Link, Objective, objectives_markdown

DOCS = Path(__file__).resolve().parents[1] / "docs"
PAGES = sorted(p for p in DOCS.rglob("*.md") if "_build" not in p.relative_to(DOCS).parts)
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_LABEL = re.compile(r"^\s*\((?P<label>[^)\s]+)\)=\s*$|^\s*:name:\s*(?P<name>\S+)\s*$")


def _anchors(page: Path) -> set[str]:
    """GitHub-style slugs of the page's headings (myst_heading_anchors = 3), outside code."""
    anchors, fence = set(), None
    for line in page.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if fence is None and re.match(r"^(`{3,}|:{3,})", stripped):
            fence = re.match(r"^(`{3,}|:{3,})", stripped).group(1)
            continue
        if fence is not None:
            if stripped == fence[0] * len(stripped) and len(stripped) >= len(fence):
                fence = None
            continue
        heading = _HEADING.match(line)
        if heading and len(heading.group(1)) <= 3:
            anchors.add(github_slugify(heading.group(2)))
    return anchors


def _labels() -> set[str]:
    found = set()
    for page in PAGES:
        for line in page.read_text(encoding="utf-8").splitlines():
            match = _LABEL.match(line)
            if match:
                found.add(match.group("label") or match.group("name"))
    return found


LABELS = _labels()


def _missing(link: Link) -> str | None:
    """Why ``link`` does not resolve, or None if it does."""
    if link.is_label:
        label = link.target.removeprefix("label:")
        return None if label in LABELS else f"no label ({label})= or :name: {label} in docs/"
    path, _, anchor = link.target.partition("#")
    page = DOCS / path
    if not page.is_file():
        return f"no page docs/{path}"
    if anchor and anchor not in _anchors(page):
        return f"no heading with anchor #{anchor} in docs/{path}"
    return None


def _objective_params():
    for number, objective in enumerate(OBJECTIVES, start=1):
        marks = []
        if objective.pending:
            reason = f"taught by chapters not yet merged: {'; '.join(objective.pending)}"
            marks.append(pytest.mark.xfail(reason=reason, strict=True))
        yield pytest.param(objective, id=f"objective-{number}", marks=marks)


@pytest.mark.parametrize("objective", list(_objective_params()))
def test_every_objective_is_taught(objective):
    """Each objective links to at least one section, and nothing about it is pending."""
    assert objective.links, f"no section teaches: {objective.text}"
    assert not objective.pending, f"still to come: {objective.pending}"


@pytest.mark.parametrize(
    "link",
    sorted({link for o in OBJECTIVES for link in o.links}, key=lambda link: link.target),
    ids=lambda link: link.target,
)
def test_every_link_resolves(link):
    assert _missing(link) is None, _missing(link)


def test_the_objectives_of_the_book_are_all_listed():
    assert len(OBJECTIVES) == 11
    assert len({o.text for o in OBJECTIVES}) == len(OBJECTIVES)
    assert all(o.links or o.pending for o in OBJECTIVES)


def test_the_page_is_generated_from_the_data():
    page = (DOCS / "practice" / "02-learning-objectives.md").read_text(encoding="utf-8")
    assert "objectives_markdown(" in page
    text = objectives_markdown()
    assert all(o.text in text for o in OBJECTIVES)
    assert text.count("\n") == len(OBJECTIVES) - 1


class TestChecker:
    """The link checker itself must catch broken targets."""

    def test_existing_targets_resolve(self):
        assert _missing(Link("x", "foundations/01-what-is-deep-learning.md")) is None
        assert _missing(Link("x", "label:chap-what-is-dl")) is None
        ok = "foundations/01-what-is-deep-learning.md#four-nested-ideas"
        assert _missing(Link("x", ok)) is None

    @pytest.mark.parametrize(
        ("target", "reason"),
        [
            ("foundations/99-nothing.md", "no page"),
            ("foundations/01-what-is-deep-learning.md#no-such-section", "no heading"),
            ("label:no-such-label", "no label"),
        ],
    )
    def test_broken_targets_are_reported(self, target, reason):
        assert reason in _missing(Link("x", target))

    def test_headings_inside_code_are_not_anchors(self, tmp_path):
        page = tmp_path / "p.md"
        page.write_text("# Real title\n\n```python\n# not a heading\n```\n")
        assert _anchors(page) == {"real-title"}


def test_objectives_markdown_refuses_bad_input():
    with pytest.raises(TypeError, match="objectives must be a tuple of Objective"):
        objectives_markdown([Objective("x", ())])
    with pytest.raises(ValueError, match="page_dir must not be empty"):
        objectives_markdown(page_dir="")


def test_relative_links_climb_out_of_nested_pages():
    demo = (Objective("Know X.", (Link("S", "a/b.md"),)),)
    assert "](../../a/b.md)" in objectives_markdown(demo, page_dir="part/sub")
