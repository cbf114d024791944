"""A sentence that compares results needs a checked comparison in its paragraph.

Words such as *beats*, *trails*, *ties*, *faster*, *close to* or *helps* state a result. The
standard of the book: such a paragraph glues (``{glue}``) a key that a code cell of the same
page produced with ``claim_order(...)``, or with a ``claim(...)`` on a difference or a ratio
(the value is ``a - b`` or ``a / b``, under ``abs``/``float``/``.item()`` if need be, or the
name of the claim or of its value says gap, gain, diff, lead, delta or margin: see
:func:`chapters.is_difference`), so that the build fails when the sentence becomes false.

The check is per sentence: a comparative sentence is covered when it, or the sentence just
before or after it in the same paragraph, glues such a key. Gluing one checked comparison
does not excuse every other comparison in a long paragraph.

A paragraph whose comparative wording is not about a result (a general fact, a hypothetical
in an exercise) says so with an HTML comment in the paragraph, or on the line just before
it, that gives the reason: ``<!-- not-a-result: the reason -->``. A marker without a reason
does not count.

Only paragraphs (including list items, captions and the bodies of notes and dropdowns) are
read; headings, titles, alt text and table cells are not.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from chapters import (
    PAGES,
    Block,
    Page,
    checked_comparison_keys,
    glue_key,
    page_id,
    read,
    read_page,
)

COMPARATIVE = re.compile(
    r"\b(?:"
    r"beat|beats|beating|beaten|outperform(?:s|ed|ing)?|underperform(?:s|ed|ing)?|"
    r"trail(?:s|ed|ing)?|ties|tied|tying|tie with|"
    r"better than|worse than|as good as|as accurate as|more accurate|less accurate|"
    r"faster|slower|close to|closer to|higher than|lower than|level with|"
    r"most accurate|least accurate|further than|got (?:far )?further|"
    r"pull(?:s|ed)? ahead|(?:is|are|was|were|stays?|stayed|remains?|remained) ahead|ahead of|"
    r"(?:falls?|fell|lags?|lagged|is|are|was|were|stays?|stayed|remains?|remained) behind|"
    r"lags?|lagged|wins?|won|help(?:s|ed)|hurt(?:s)?|works|worked|straight for"
    r")\b",
    re.IGNORECASE,
)
MARKER = re.compile(r"<!--\s*not-a-result:\s*(?P<reason>.*?)\s*-->", re.DOTALL)
_HOW_IT_WORKS = re.compile(r"\bhow\b(?:\s+\w+){1,4}\s+works\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z({*`\[])")


def _has_marker(comments: list[str]) -> bool:
    return any((m := MARKER.search(c)) and m.group("reason").strip() for c in comments)


def _sentences(block: Block) -> list[tuple[int, str, list[str]]]:
    """``(line, sentence, glue keys)`` of a block; the line is where the sentence starts."""
    text, starts, glues = "", [], []
    for part in block.parts:
        if part.kind == "text":
            piece = part.content
        elif part.kind == "role":
            piece = f"{{{part.role}}}`{part.content}`"
            if part.role is not None and part.role.split(":")[0] == "glue":
                glues.append((len(text), glue_key(part.content)))
        elif part.kind in ("code", "math"):
            piece = "`code`" if part.kind == "code" else "$math$"
        else:
            continue
        starts.append((len(text), part.line))
        text += piece
    out, begin = [], 0
    for end in [m.start() for m in _SENTENCE_END.finditer(text)] + [len(text)]:
        sentence = text[begin:end].strip()
        if sentence:
            offset = begin + len(text[begin:end]) - len(text[begin:end].lstrip())
            line = max((ln for pos, ln in starts if pos <= offset), default=block.line)
            keys = [key for pos, key in glues if begin <= pos < end]
            out.append((line, sentence, keys))
        begin = end
    return out


def _checked(key: str, checks: list, path: Path | None) -> bool:
    """Whether glue ``key`` pastes a checked comparison: of this page, or ``doc::key``."""
    doc, sep, name = key.partition("::")
    if not sep:
        return any(c.matches(key) for c in checks)
    if path is None:
        return False
    other = (path.parent / doc).with_suffix(".md")
    if not other.exists():
        return False
    return any(c.matches(name) for c in checked_comparison_keys(read_page(other.resolve())))


def unchecked_comparisons(page: Page, path: Path | None = None) -> list[tuple[int, str, str]]:
    """``(line, word, sentence)`` for comparative wording in paragraphs with no checked claim.

    ``path`` (the page's file) resolves glue from other pages, ``{glue}`../part/page::key```.
    """
    checks = checked_comparison_keys(page)
    marked_lines = set()
    for _first, last, text in page.comments:
        if _has_marker([text]):
            marked_lines.add(last + 1)  # the paragraph that starts on the next line
    found = []
    for block in page.blocks:
        if block.kind != "paragraph":
            continue
        if block.line in marked_lines or _has_marker(block.comments()):
            continue
        sentences = _sentences(block)
        checked = [any(_checked(key, checks, path) for key in keys) for _, _, keys in sentences]
        for i, (line, sentence, _keys) in enumerate(sentences):
            if any(checked[max(i - 1, 0) : i + 2]):
                continue  # it, or a neighbour, glues a checked comparison
            prose = re.sub(r"\{[^}]+\}`[^`]*`|`code`|\$math\$", " ", sentence)
            match = COMPARATIVE.search(prose)
            if match and _HOW_IT_WORKS.search(prose) and match.group(0).lower() == "works":
                continue  # "how deep learning works" describes, it does not compare
            if match:
                found.append((line, match.group(0), sentence))
    return found


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_comparisons_in_words_are_checked(page):
    found = unchecked_comparisons(read_page(page), page)
    report = "\n".join(f"  docs/{page_id(page)}:{n}: [{w}] {s}" for n, w, s in found)
    assert not found, (
        "comparative wording about results in a paragraph that glues no checked "
        "comparison (claim_order, or claim on a difference); add one, or mark a sentence "
        "that is not about a result with <!-- not-a-result: reason -->:\n" + report
    )


# --- the detector itself --------------------------------------------------------------------

CELL = (
    "```{code-cell} ipython3\n:tags: [hide-input]\n"
    "claim_order('cnn-lead', ('CNN', cnn), ('MLP', mlp), fmt='.1pp')\n"
    "claim('acc-gap', cnn_acc - mlp_acc, at_least=0.02)\n"
    "claim('ratio', keras_s / torch_s, above=1.2)\n"
    "claim('gain', gain_value, at_least=0.01)\n"
    "claim('acc', cnn, at_least=0.8)\n"
    "for key in ('a', 'b'):\n"
    "    claim_order(f'{key}-beats-c', (key, 1.0), ('c', c))\n"
    "```\n\n"
)


class TestDetector:
    @pytest.mark.parametrize(
        "paragraph",
        [
            "The CNN beats the MLP, scoring {glue}`acc`.",
            "Fine-tuning outperforms feature extraction here.",
            "The MLP trails the CNN on every size.",
            "Keras was slower than PyTorch.",
            "Its accuracy is close to the CNN's {glue}`acc`.",
            "Augmentation helps on this set.",
            "Adam heads straight for the minimum.",
            "The linear model falls behind as data grows.",
            "Momentum was level with SGD after 40 steps.",
            "RMSprop got far further in the same steps.",
            "Here it is the most accurate at 100 texts.",
            "- a list item: the tree works better than the net.",
            "```{note}\nThe CNN wins by {glue}`acc`.\n```",
            "Text <!-- not-a-result: -->\nthe CNN beats the MLP.",
            "The CNN pulls ahead and {glue}`unknown-key` shows it.",
        ],
    )
    def test_flags_unchecked_comparisons(self, paragraph):
        assert unchecked_comparisons(read(CELL + paragraph + "\n")), paragraph

    @pytest.mark.parametrize(
        "paragraph",
        [
            "The CNN beats the MLP by {glue}`cnn-lead`.",
            "The gap, {glue}`acc-gap`, shows the CNN ahead of the MLP.",
            "Keras was {glue:text}`ratio:.1f` times slower.",
            "Augmentation helps: {glue}`gain`.",
            "Both a and b beat c ({glue}`a-beats-c`, {glue}`b-beats-c`).",
            "The CNN is a network of layers that learn features.",
            "Networks and frameworks: words that contain work but say nothing.",
            "The idea works in general <!-- not-a-result: a general fact, not a measurement -->.",
            "<!-- not-a-result: a general statement about the field -->\nDepth helps images.",
            "`faster` in code and {term}`better than` in a role are not prose.",
            "Readers who want to understand how deep learning works.",
            "```python\nthe CNN beats the MLP\n```",
        ],
    )
    def test_accepts_checked_or_marked_paragraphs(self, paragraph):
        assert unchecked_comparisons(read(CELL + paragraph + "\n")) == [], paragraph

    def test_a_plain_claim_does_not_check_a_comparison(self):
        assert unchecked_comparisons(read(CELL + "The CNN beats the MLP ({glue}`acc`).\n"))

    def test_reports_line_word_and_sentence(self):
        text = CELL + "One sentence first.\nThen the CNN\nbeats the MLP. Last one.\n"
        line = text.split("\n").index("Then the CNN") + 1
        assert unchecked_comparisons(read(text)) == [(line, "beats", "Then the CNN beats the MLP.")]

    def test_glue_from_another_page_counts_when_that_page_checks_it(self, tmp_path):
        (tmp_path / "other.md").write_text(CELL)
        page = tmp_path / "page.md"
        checked = "The CNN beats the MLP ({glue}`other::cnn-lead`).\n"
        unchecked = "The CNN beats the MLP ({glue}`other::acc`).\n"
        assert unchecked_comparisons(read(checked), page) == []
        assert unchecked_comparisons(read(unchecked), page)
        assert unchecked_comparisons(read(checked))  # without the page's path: unresolved

    def test_a_checked_comparison_covers_its_neighbours_only(self):
        near = "The CNN is first. It beats the MLP by {glue}`cnn-lead`. So it wins.\n"
        far = (
            "The CNN beats the MLP by {glue}`cnn-lead`. A second sentence. A third one. "
            "Then the tree trails the net.\n"
        )
        assert unchecked_comparisons(read(CELL + near)) == []
        assert [w for _, w, _ in unchecked_comparisons(read(CELL + far))] == ["trails"]

    def test_a_marker_covers_only_its_own_paragraph(self):
        text = CELL + (
            "<!-- not-a-result: general -->\nDepth helps images.\n\nThe CNN beats the MLP.\n"
        )
        assert [w for _, w, _ in unchecked_comparisons(read(text))] == ["beats"]
