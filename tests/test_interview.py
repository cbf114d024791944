"""The promises the interview page makes, kept.

The interview page says that each model answer links to the chapters whose executed
results back it, and that every chapter ends with exercises whose solutions are hidden
(in a ``{dropdown}`` whose title says "Solution"). These tests hold the book to both,
and check that the page's links land on a heading that exists.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"
INTERVIEW = DOCS / "practice" / "01-interview-questions.md"
PARTS = ("foundations", "architectures", "language", "practice")
EVIDENCE_PARTS = ("foundations", "architectures", "language")
# Pages of the four parts that are not chapters with exercises: the interview questions
# (their answers are the hidden solutions) and the generated objectives map.
NO_EXERCISES = {"practice/01-interview-questions.md", "practice/02-learning-objectives.md"}
CHAPTERS = sorted(p for part in PARTS for p in (DOCS / part).glob("*.md"))

_LINK = re.compile(r"\]\((?P<path>[^)#\s]+\.md)(?:#(?P<anchor>[^)\s]+))?\)")
_REF = re.compile(r"\{(?P<role>ref|doc)\}`(?:[^`<]*<)?(?P<target>[^`<>]+)>?`")
_LABEL = re.compile(r"^\((?P<label>[^)\s]+)\)=\s*$", re.MULTILINE)
_ANSWER = re.compile(
    r"^```\{dropdown\} Model answer\n(?P<body>.*?)^```\s*$", re.MULTILINE | re.DOTALL
)
_EXERCISES = re.compile(r"^## Exercises\s*$(?P<body>.*?)(?=^## |\Z)", re.MULTILINE | re.DOTALL)
_SOLUTION = re.compile(r"^\s*(`{3,}|:{3,})\{dropdown\}[^\n]*Solution", re.MULTILINE)
_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<title>.+?)\s*#*\s*$", re.MULTILINE)


def slug(title: str) -> str:
    """The anchor MyST gives a heading (``myst_heading_anchors``): its text, lower case,
    punctuation dropped, whitespace as hyphens."""
    text = re.sub(r"\{[^}]+\}`([^`]*)`", r"\1", title)  # a role's text
    text = re.sub(r"[`*]", "", text).strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return re.sub(r"\s", "-", text)


def anchors(page: Path) -> set[str]:
    """Anchors of the page's headings down to level 3 (``myst_heading_anchors = 3``)."""
    text = _without_code(page.read_text(encoding="utf-8"))
    return {slug(m.group("title")) for m in _HEADING.finditer(text) if len(m.group("hashes")) <= 3}


def _without_code(text: str) -> str:
    """The page with its code cells blanked out (a ``# comment`` there is no heading)."""
    return re.sub(r"^```\{code-cell\}.*?^```\s*$", "", text, flags=re.MULTILINE | re.DOTALL)


def labels() -> dict[str, Path]:
    """Every ``(label)=`` of the book, and the page that defines it."""
    return {
        m.group("label"): page
        for page in DOCS.rglob("*.md")
        if "_build" not in page.parts
        for m in _LABEL.finditer(page.read_text(encoding="utf-8"))
    }


def questions(text: str) -> dict[str, str]:
    """Each ``##`` question of the interview page and the body of its model answer."""
    out = {}
    for section in re.split(r"^## ", text, flags=re.MULTILINE)[1:]:
        title, _, body = section.partition("\n")
        if title.strip() == "Where this connects":
            continue
        answer = _ANSWER.search(body)
        out[title.strip()] = answer.group("body") if answer else ""
    return out


def evidence_links(answer: str, page: Path, known: dict[str, Path]) -> list[Path]:
    """The chapters of the evidence parts that ``answer`` (on ``page``) links to."""
    found = []
    for m in _LINK.finditer(answer):
        found.append((page.parent / m.group("path")).resolve())
    for m in _REF.finditer(answer):
        if m.group("role") == "ref" and m.group("target") in known:
            found.append(known[m.group("target")].resolve())
        elif m.group("role") == "doc":
            found.append((page.parent / (m.group("target") + ".md")).resolve())
    root = DOCS.resolve()
    return [p for p in found if p.exists() and p.relative_to(root).parts[0] in EVIDENCE_PARTS]


QUESTIONS = questions(INTERVIEW.read_text(encoding="utf-8"))


def test_the_page_asks_seven_questions():
    assert len(QUESTIONS) == 7, list(QUESTIONS)


@pytest.mark.parametrize("question", list(QUESTIONS))
def test_each_model_answer_links_to_the_chapters_behind_it(question):
    answer = QUESTIONS[question]
    assert answer, f"no '{{dropdown}} Model answer' under {question!r}"
    assert evidence_links(answer, INTERVIEW, labels()), (
        f"the model answer to {question!r} links to no chapter of {EVIDENCE_PARTS}"
    )


def test_every_link_on_the_interview_page_lands_on_a_heading():
    text = INTERVIEW.read_text(encoding="utf-8")
    broken = []
    for m in _LINK.finditer(text):
        target = INTERVIEW.parent / m.group("path")
        if not target.exists():
            broken.append(f"{m.group('path')}: no such page")
        elif m.group("anchor") and m.group("anchor") not in anchors(target):
            broken.append(f"{m.group('path')}#{m.group('anchor')}: no such heading")
    assert not broken, broken
    assert len(list(_LINK.finditer(text))) >= 7


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.relative_to(DOCS).as_posix())
def test_every_chapter_ends_with_exercises_whose_solutions_are_hidden(chapter):
    if chapter.relative_to(DOCS).as_posix() in NO_EXERCISES:
        pytest.skip("not a chapter with exercises")
    text = _without_code(chapter.read_text(encoding="utf-8"))
    section = _EXERCISES.search(text)
    assert section, f"{chapter.name} has no '## Exercises' section"
    assert _SOLUTION.search(section.group("body")), (
        f"{chapter.name}: no exercise has its solution in a {{dropdown}} titled 'Solution'"
    )


def test_helpers_on_small_examples():
    assert slug("Backpropagation: the chain rule, layer by layer") == (
        "backpropagation-the-chain-rule-layer-by-layer"
    )
    assert slug("Sentiment analysis with BERT, through `transformers`") == (
        "sentiment-analysis-with-bert-through-transformers"
    )
    assert slug("What does a confidence of nine in ten mean?") == (
        "what-does-a-confidence-of-nine-in-ten-mean"
    )
    page = (
        "## Q one?\n\n```{dropdown} Model answer\nSee [x](../foundations/a.md#b).\n```\n\n"
        "## Where this connects\n"
    )
    assert questions(page) == {"Q one?": "See [x](../foundations/a.md#b).\n"}
    assert questions("## Q two?\n\nNo answer.\n") == {"Q two?": ""}
