"""Every number the book's prose states must come from execution, not from the author's keyboard.

A chapter states a result with ``{glue}`name``` after ``dlguide.claim(...)`` checked it. The
pages are read with the MyST parser the build uses (:mod:`chapters`), so code cells, fenced
code, math, roles (``{glue}``, ``{cite}``, ``{doc}``, ...), inline code, link targets,
directive options, labels, comments and front matter are never mistaken for prose. What is
left (paragraphs, list items, headings, table cells, captions, dropdown titles and alt text)
may hold whole numbers (chapter numbers, "28x28", "ten") but no decimal number and no
percentage.
"""

from __future__ import annotations

import ast
import re

import pytest
from chapters import PAGES, page_id, read, read_page

_DECIMAL = re.compile(r"(?<![\w.])\d*\.\d+")
_PERCENT = re.compile(r"\d+(?:\.\d+)?\s*(?:%|percent\b|per cent\b)", re.IGNORECASE)
_URL = re.compile(r"\bhttps?://\S+")


def typed_numbers(text: str) -> list[tuple[int, str]]:
    """Return ``(line, number)`` for every decimal number or percentage left in the prose."""
    found = set()
    for block in read(text).blocks:
        for part in block.parts:
            if part.kind != "text":
                continue
            line = _URL.sub(" ", part.content)
            for match in [*_PERCENT.finditer(line), *_DECIMAL.finditer(line)]:
                found.add((part.line, match.group(0).strip()))
    return sorted(found)


def direct_glue(source: str) -> list[int]:
    """Lines (1-based, in ``source``) that import myst_nb or call ``glue(...)`` directly."""
    try:
        tree = ast.parse(source)
    except SyntaxError:  # IPython magics: fall back to reading lines
        return [
            i
            for i, line in enumerate(source.split("\n"), start=1)
            if re.search(r"\bmyst_nb\b|(?<![\w.])glue\s*\(", line.split("#")[0])
        ]
    lines = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            modules = [node.module or ""]
        else:
            modules = []
        if any(m.split(".")[0] == "myst_nb" for m in modules):
            lines.add(node.lineno)
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name == "glue":
                lines.add(node.lineno)
    return sorted(lines)


# --- the book ------------------------------------------------------------------------------


def test_the_book_has_pages():
    assert any("foundations" in p.parts for p in PAGES)


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_prose_states_no_typed_numbers(page):
    text = page.read_text(encoding="utf-8")
    lines = text.split("\n")
    found = typed_numbers(text)
    report = "\n".join(
        f"  docs/{page_id(page)}:{n}: {value!r} in: {lines[n - 1].strip()}" for n, value in found
    )
    assert not found, (
        "numbers typed into the prose; compute them in a code cell, check them with "
        f"dlguide.claim(...) and show them with {{glue}}`name`:\n{report}"
    )


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_chapters_glue_only_through_dlguide(page):
    found = [
        f"  docs/{page_id(page)}:{start + i - 1}: {source.split(chr(10))[i - 1].strip()}"
        for start, source in read_page(page).code_cells
        for i in direct_glue(source)
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
            ("**Bold 0.4** and *emphasis 0.6*.", "0.4"),
            ("- a list item at 75%", "75%"),
            ("| a | b |\n| --- | --- |\n| cell | 0.82 |\n", "0.82"),
            ("## A heading at 2.5", "2.5"),
            ("See [a link at 0.7](https://example.org/) here.", "0.7"),
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
            "Text <!-- inline: 0.91 --> here.",
            "Images of {{ size }} pixels.",
            "A multi-line role {term}`one\nthing 0.5` here.",
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

    def test_line_numbers_inside_a_paragraph(self):
        text = "First line {term}`a\nrole` ends,\n`code` then 0.5 here,\nand 0.25 there.\n"
        assert typed_numbers(text) == [(3, "0.5"), (4, "0.25")]

    def test_front_matter_is_skipped(self):
        assert typed_numbers(FRONT + "# Title\n") == []

    def test_fenced_blocks_are_skipped(self):
        text = (
            "```python\nx = 0.5\n```\n\n"
            ":::{math}\nx = 0.5\n:::\n\n"
            "````{code-cell} ipython3\n```\nliteral 1.5 inside\n```\nprint(0.25)\n````\n\n"
            "$$\na = 0.5\n$$\n\n"
            "```{literalinclude} ../x.py\n:lines: 1.5\n```\n"
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
            "   ```\n\n"
            "Plain 4.5 after.\n"
        )
        assert typed_numbers(text) == [(3, "2.5"), (4, "0.2"), (17, "4.5")]

    def test_yaml_options_of_a_directive_are_skipped(self):
        text = "```{note}\n---\nclass: v0.5\n---\nBody 0.7 here.\n```\n"
        assert typed_numbers(text) == [(5, "0.7")]

    def test_labels_comments_and_link_definitions_are_skipped(self):
        text = "(sec-v1.2)=\n# Title\n\n% a note: 0.5\n\n[ref]: https://example.org/0.5\n"
        assert typed_numbers(text) == []

    def test_code_cells_are_collected_without_their_options(self):
        text = (
            FRONT
            + "\n```{code-cell} ipython3\n:tags: [hide-input]\nfrom myst_nb import glue\n"
            + "glue('a', 1)\n```\n"
        )
        assert read(text).code_cells == [(10, "from myst_nb import glue\nglue('a', 1)")]

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
            ("%matplotlib inline\nglue('a', 1)", True),
        ],
    )
    def test_direct_glue_is_recognised(self, line, direct):
        assert bool(direct_glue(line)) is direct
