"""The glossary and the chapters point at each other.

``docs/reference/glossary.md`` is a Sphinx glossary; chapters link a term to it with
``{term}`Term``` or ``{term}`shown text <Term>```. Sphinx matches a link to its entry
ignoring case and runs of whitespace, and with ``-n`` only warns about a link to a term it
does not know; these tests fail instead, and also when a term has no link at all (an entry
no reader is sent to) or a chapter links no term.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"
GLOSSARY = DOCS / "reference" / "glossary.md"
PARTS = ("foundations", "architectures", "language", "practice")
PAGES = sorted(p for p in DOCS.rglob("*.md") if "_build" not in p.relative_to(DOCS).parts)
CHAPTERS = sorted(p for part in PARTS for p in (DOCS / part).glob("*.md"))

_FENCE = re.compile(r"^\s*(?P<marks>`{3,}|:{3,})\s*(?:\{(?P<name>[^}\s]+)\})?(?P<arg>.*)$")
# Fenced blocks whose body Sphinx shows verbatim: a {term} role written there is not a link.
_VERBATIM = {None, "code-cell", "code", "code-block", "sourcecode", "literalinclude"}
_TERM_ROLE = re.compile(r"\{term\}`(?P<content>[^`]+)`")


def _key(term: str) -> str:
    """The form in which Sphinx compares terms: lower case, whitespace runs as one space."""
    return " ".join(term.split()).lower()


def glossary_terms(text: str) -> dict[str, str]:
    """The terms defined in the ``{glossary}`` block of ``text``, keyed by :func:`_key`.

    As in Sphinx, every line of the block that is not indented names a term (several
    such lines in a row name several terms for one definition); a ``term : classifier``
    line names ``term``; indented lines are definitions.
    """
    terms: dict[str, str] = {}
    inside = False
    for line in text.splitlines():
        fence = _FENCE.match(line)
        if not inside:
            inside = bool(fence and fence.group("name") == "glossary")
            continue
        if fence and not fence.group("name") and not fence.group("arg").strip():
            break  # the end of the glossary block
        if line.strip() and not line[0].isspace() and not line.startswith(".."):
            term = line.split(" : ")[0].strip()
            if _key(term) in terms:
                raise ValueError(f"glossary defines {term!r} twice")
            terms[_key(term)] = term
    return terms


def term_links(text: str) -> list[tuple[int, str]]:
    """``(line, target)`` of every ``{term}`` role in the page, outside verbatim blocks."""
    kept = []
    verbatim_until: str | None = None  # the closing fence of the verbatim block we are in
    stack: list[str] = []
    for line in text.splitlines():
        fence = _FENCE.match(line)
        if verbatim_until is not None:
            if fence and fence.group("marks") == verbatim_until and not fence.group("name"):
                verbatim_until = None
            kept.append("")
            continue
        closing = fence and fence.group("name") is None and not fence.group("arg").strip()
        if closing and stack and fence.group("marks") == stack[-1]:
            stack.pop()
            kept.append("")
            continue
        if fence and fence.group("name") in _VERBATIM:
            verbatim_until = fence.group("marks")
            kept.append("")
            continue
        if fence and fence.group("name"):
            stack.append(fence.group("marks"))
            kept.append("")
            continue
        kept.append(line)
    prose = "\n".join(kept)
    links = []
    for m in _TERM_ROLE.finditer(prose):
        content = m.group("content")
        explicit = re.search(r"<([^<>]+)>\s*$", content)
        target = explicit.group(1) if explicit else content
        links.append((prose.count("\n", 0, m.start()) + 1, _key(target)))
    return links


TERMS = glossary_terms(GLOSSARY.read_text(encoding="utf-8"))
LINKS = {page: term_links(page.read_text(encoding="utf-8")) for page in PAGES}


def _name(page: Path) -> str:
    return page.relative_to(DOCS).as_posix()


def test_the_glossary_defines_terms():
    assert len(TERMS) >= 30, sorted(TERMS)
    assert "backpropagation" in TERMS and "roc-auc" in TERMS


@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_every_term_link_names_a_glossary_term(page):
    unknown = [
        f"{_name(page)}:{line}: {target!r}" for line, target in LINKS[page] if target not in TERMS
    ]
    assert not unknown, "{term} links to terms the glossary does not define:\n" + "\n".join(unknown)


def test_every_glossary_term_is_linked_from_another_page():
    linked = {target for page, links in LINKS.items() if page != GLOSSARY for _, target in links}
    orphans = sorted(term for key, term in TERMS.items() if key not in linked)
    assert not orphans, f"glossary terms no page links to (link their first use): {orphans}"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=_name)
def test_every_chapter_links_a_glossary_term(chapter):
    assert LINKS[chapter], f"{_name(chapter)} links no glossary term; link its terms' first use"


def test_parsers_on_a_small_example():
    glossary = (
        "```{glossary}\nWord vector\nEmbedding\n  A vector.\n\nLoss : metric\n  A number.\n```\n"
    )
    assert glossary_terms(glossary) == {
        "word vector": "Word vector",
        "embedding": "Embedding",
        "loss": "Loss",
    }
    page = (
        "A {term}`loss` and {term}`word\nvectors <Word  Vector>`.\n"
        "```{code-cell} ipython3\nx = '{term}`ignored`'\n```\n"
        "```{dropdown} Solution\nThe {term}`Embedding`.\n```\n"
    )
    assert [t for _, t in term_links(page)] == ["loss", "word vector", "embedding"]
    with pytest.raises(ValueError, match="twice"):
        glossary_terms("```{glossary}\nLoss\n  A.\n\nloss\n  B.\n```\n")
