"""Every number the book's prose states must come from execution, not from the author's keyboard.

A chapter states a result with ``{glue}`name``` after ``dlguide.claim(...)`` checked it; so
once code, roles, math and link targets are removed, the prose of ``docs/**/*.md`` may hold
whole numbers (chapter numbers, "28x28", "ten") but no decimal number and no percentage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"
PAGES = sorted(p for p in DOCS.rglob("*.md") if "_build" not in p.relative_to(DOCS).parts)

# Directives whose body is Markdown the reader reads: their text (and the caption of a
# figure) is checked. Every other fenced block (code cells, code, math, tables of
# contents, literalinclude, ...) is skipped whole.
PROSE_DIRECTIVES = {
    "glue:figure", "figure", "admonition", "note", "tip", "hint", "important", "warning",
    "caution", "attention", "danger", "error", "seealso", "dropdown", "exercise", "solution",
    "margin", "sidebar", "topic", "epigraph", "card", "grid", "grid-item", "grid-item-card",
    "tab-set", "tab-item",
}  # fmt: skip
# Prose directives whose argument is a title the reader sees (for a figure it is a name).
TITLED = {"admonition", "dropdown", "card", "grid-item-card", "tab-item", "topic", "sidebar"}
CODE_CELLS = {"code-cell"}

_FENCE = re.compile(r"^\s*(?P<marks>`{3,}|:{3,})\s*(?:\{(?P<name>[^}\s]+)\})?(?P<arg>.*)$")
_OPTION = re.compile(r"^\s*:(?P<key>[\w-]+):(?P<value>.*)$")
_INLINE = [
    re.compile(r"\{[^{}\s`]+\}(`+).*?\1"),  # roles: {glue}`x`, {cite:p}`x`, {doc}`x`, {math}`x`
    re.compile(r"(`+).*?\1"),  # inline code
    re.compile(r"\$[^$\n]+\$"),  # inline math
    re.compile(r"\{\{.*?\}\}"),  # substitutions
    re.compile(r"(?<=\])\([^)]*\)"),  # link and image targets: keep the text, drop the target
    re.compile(r"<[a-z][\w+.-]*:[^>\s]*>", re.IGNORECASE),  # autolinks
    re.compile(r"\bhttps?://\S+"),  # bare addresses
    re.compile(r"</?[A-Za-z][^>]*>"),  # HTML tags (their attributes)
]
_LINE_TARGET = re.compile(r"^\s*(\(.*\)=|\[[^\]]+\]:\s.*|%.*)$")  # (label)=, [ref]: url, % comment

_DECIMAL = re.compile(r"(?<![\w.])\d*\.\d+")
_PERCENT = re.compile(r"\d+(?:\.\d+)?\s*(?:%|percent\b|per cent\b)", re.IGNORECASE)


def _blank_out(text: str, pattern: re.Pattern[str]) -> str:
    """Remove every match of ``pattern``, keeping its newlines so line numbers stay."""
    return pattern.sub(lambda m: "\n" * m.group(0).count("\n"), text)


@dataclass
class Parsed:
    """The prose of a page, line by line, and the source of its code cells."""

    prose: dict[int, str] = field(default_factory=dict)  # line number (1-based) -> text
    code_cells: list[tuple[int, str]] = field(default_factory=list)  # (first line, source)


@dataclass
class _Open:
    marks: str
    name: str | None
    checked: bool
    start: int
    in_options: bool = True
    body: list[str] = field(default_factory=list)


def parse(text: str) -> Parsed:
    """Split a MyST page into the prose a reader reads and the code cells it runs."""
    text = _blank_out(text, re.compile(r"<!--.*?-->", re.DOTALL))
    lines = text.split("\n")
    result = Parsed()
    start = 0
    if lines and lines[0].strip() == "---":  # front matter
        for i in range(1, len(lines)):
            if lines[i].strip() == "---":
                start = i + 1
                break
    stack: list[_Open] = []
    for number, line in enumerate(lines[start:], start=start + 1):
        top = stack[-1] if stack else None
        stripped = line.strip()
        closes = top is not None and stripped and set(stripped) == {top.marks[0]}
        if closes and len(stripped) >= len(top.marks):
            stack.pop()
            if top.name in CODE_CELLS:
                result.code_cells.append((top.start, "\n".join(top.body)))
            continue
        if top is not None and not top.checked:
            top.body.append(line)  # inside code: literal text, only its closing fence counts
            continue
        fence = _FENCE.match(line)
        if fence:
            name = fence["name"]
            checked = name in PROSE_DIRECTIVES
            stack.append(_Open(fence["marks"], name, checked, number))
            if name in TITLED:
                result.prose[number] = fence["arg"]
            continue
        if top is not None and top.in_options:
            option = _OPTION.match(line)
            if option:
                if option["key"] == "alt":  # alt text is read out to readers
                    result.prose[number] = option["value"]
                continue
            top.in_options = False
        if _LINE_TARGET.match(line):
            continue
        result.prose[number] = line
    # Display math may span lines; remove it from the joined prose, keeping line numbers.
    numbers = sorted(result.prose)
    joined = "\n".join(result.prose[n] for n in numbers)
    joined = _blank_out(joined, re.compile(r"\$\$.*?\$\$", re.DOTALL))
    for n, line in zip(numbers, joined.split("\n"), strict=True):
        for pattern in _INLINE:
            line = pattern.sub(" ", line)
        result.prose[n] = line
    return result


def typed_numbers(text: str) -> list[tuple[int, str]]:
    """Return ``(line, number)`` for every decimal number or percentage left in the prose."""
    found = []
    for number, line in sorted(parse(text).prose.items()):
        for match in [*_PERCENT.finditer(line), *_DECIMAL.finditer(line)]:
            found.append((number, match.group(0).strip()))
    return sorted(set(found))


# --- the book ------------------------------------------------------------------------------


def _id(path: Path) -> str:
    return str(path.relative_to(DOCS))


def test_the_book_has_pages():
    assert any("foundations" in p.parts for p in PAGES)


@pytest.mark.parametrize("page", PAGES, ids=_id)
def test_prose_states_no_typed_numbers(page):
    text = page.read_text(encoding="utf-8")
    lines = text.split("\n")
    found = typed_numbers(text)
    report = "\n".join(
        f"  docs/{_id(page)}:{n}: {value!r} in: {lines[n - 1].strip()}" for n, value in found
    )
    assert not found, (
        "numbers typed into the prose; compute them in a code cell, check them with "
        f"dlguide.claim(...) and show them with {{glue}}`name`:\n{report}"
    )


_DIRECT_GLUE = re.compile(r"\bmyst_nb\b|(?<![\w.])glue\s*\(")


@pytest.mark.parametrize("page", PAGES, ids=_id)
def test_chapters_glue_only_through_dlguide(page):
    found = [
        f"  docs/{_id(page)}:{start + i}: {line.strip()}"
        for start, source in parse(page.read_text(encoding="utf-8")).code_cells
        for i, line in enumerate(source.split("\n"), start=1)
        if _DIRECT_GLUE.search(line.split("#")[0])
    ]
    assert not found, (
        "glue numbers with dlguide.claim / claim_order and figures with "
        "dlguide.plotting.glue_figure, not with myst_nb.glue:\n" + "\n".join(found)
    )


# --- the checker itself ---------------------------------------------------------------------

FRONT = "---\njupytext:\n  version: 1.5\nkernelspec:\n  name: python3\n---\n"


class TestChecker:
    @pytest.mark.parametrize(
        ("sentence", "number"),
        [
            ("The network reaches 91% accuracy.", "91%"),
            ("It scores 0.91 on the test set.", "0.91"),
            ("A loss of .25 is reached.", ".25"),
            ("It is 3.5 times faster.", "3.5"),
            ("It trains 1.5x faster.", "1.5"),
            ("Accuracy rose (to 0.9).", "0.9"),
            ("Accuracy was 91 percent.", "91 percent"),
            ("Accuracy was 12.5 %.", "12.5 %"),
        ],
    )
    def test_finds_typed_numbers(self, sentence, number):
        assert number in [value for _, value in typed_numbers(sentence)]

    @pytest.mark.parametrize(
        "sentence",
        [
            "The network reaches {glue}`acc` accuracy.",
            "The network reaches {glue:text}`acc:.1%` accuracy.",
            "Set `lr=0.001` and `dropout=50%` in the call.",
            "Use ``x = 0.5`` here.",
            "As {cite:p}`lecun2015deep` show, and {doc}`../v0.3/page` explains.",
            "The loss is $L = 0.5 \\|y - \\hat y\\|^2$ here.",
            "See [the docs](https://example.org/v1.2/page.html) for more.",
            "See <https://example.org/3.14> and https://example.org/2.71 too.",
            "Chapter 3 uses 28x28 images, ten classes and 10,000 examples.",
            "Use 2 layers; then 1. is not a decimal, nor is e.g. 5.",
            "<!-- drafted: accuracy 0.91 -->",
            "Images of {{ size }} pixels.",
        ],
    )
    def test_ignores_numbers_that_are_not_typed_prose(self, sentence):
        assert typed_numbers(sentence) == []

    def test_reports_line_numbers_after_front_matter_and_code(self):
        text = (
            FRONT
            + "\n# Title\n\n```{code-cell} ipython3\n:tags: [hide-input]\nx = 0.5  # 50%\n```\n"
            + "\nAfter the cell, 0.75 slipped in.\n"
        )
        line = text.split("\n").index("After the cell, 0.75 slipped in.") + 1
        assert typed_numbers(text) == [(line, "0.75")]

    def test_front_matter_is_skipped(self):
        assert typed_numbers(FRONT + "# Title\n") == []

    def test_fenced_blocks_are_skipped(self):
        text = (
            "```python\nx = 0.5\n```\n\n"
            ":::{math}\nx = 0.5\n:::\n\n"
            "````{code-cell} ipython3\n```\nliteral 1.5 inside\n```\nprint(0.25)\n````\n"
            "$$\na = 0.5\n$$\n"
        )
        assert typed_numbers(text) == []

    def test_figure_caption_and_alt_text_are_checked(self):
        text = (
            "```{glue:figure} fig-probes\n:alt: A line rising to 0.93.\n:name: fig-probes\n"
            ":width: 80%\n\nThe curve reaches 91% at the end, and {glue}`acc` later.\n```\n"
        )
        assert typed_numbers(text) == [(2, "0.93"), (6, "91%")]

    def test_prose_directives_are_checked_but_code_inside_them_is_not(self):
        text = (
            "1. An exercise.\n\n"
            "   ```{dropdown} Solution in 2.5 minutes\n"
            "   The probe gains 0.2 here.\n\n"
            "   ~~~\n   ignored\n   ~~~\n\n"
            "   ````{note}\n   ```python\n   x = 0.3\n   ```\n   ````\n"
            "   ```\n"
            "Plain 4.5 after.\n"
        )
        assert typed_numbers(text) == [(3, "2.5"), (4, "0.2"), (16, "4.5")]

    def test_labels_comments_and_link_definitions_are_skipped(self):
        text = "(sec-v1.2)=\n# Title\n\n% a note: 0.5\n\n[ref]: https://example.org/0.5\n"
        assert typed_numbers(text) == []

    def test_code_cells_are_collected(self):
        text = FRONT + "\n```{code-cell} ipython3\nfrom myst_nb import glue\nglue('a', 1)\n```\n"
        assert parse(text).code_cells == [(8, "from myst_nb import glue\nglue('a', 1)")]

    @pytest.mark.parametrize(
        ("line", "direct"),
        [
            ("from myst_nb import glue", True),
            ("import myst_nb", True),
            ("glue('acc', 0.5)", True),
            ("myst_nb.glue('acc', 0.5, display=False)", True),
            ("glue_figure('fig-demo', fig)", False),
            ("dlguide.claim('acc', 0.9, at_least=0.5)", False),
            ("x = 1  # not glue(", False),
        ],
    )
    def test_direct_glue_is_recognised(self, line, direct):
        assert bool(_DIRECT_GLUE.search(line.split("#")[0])) is direct
