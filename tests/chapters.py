"""Read the book's MyST pages the way the build reads them, for the tests that check prose.

The pages are parsed with the Markdown parser of myst-parser (markdown-it-py with the MyST
plugins and the extensions ``docs/conf.py`` enables), so a test walks the same tokens that
Sphinx renders. :func:`read` splits a page into

* *blocks* of prose a reader reads (paragraphs, headings, table cells, list items, the
  body of prose directives such as notes, dropdowns and figure captions, a directive's
  title and a figure's ``:alt:`` text), each a list of :class:`Part` (text, a role, inline
  code, math or an HTML comment) with 1-based line numbers;
* the *code cells* it executes, with their option lines removed;
* the HTML comments that stand on their own lines (a paragraph's markers).

Everything else is skipped: front matter, code cells, fenced code, ``{math}`` and display
math, ``literalinclude`` and other directives whose body is not prose, a directive's
options, labels, ``%`` comments and link definitions.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1] / "docs"
PAGES = sorted(p for p in DOCS.rglob("*.md") if "_build" not in p.relative_to(DOCS).parts)

# Directives whose body is Markdown the reader reads (a figure's body is its caption).
PROSE_DIRECTIVES = {
    "glue:figure", "figure", "admonition", "note", "tip", "hint", "important", "warning",
    "caution", "attention", "danger", "error", "seealso", "dropdown", "exercise", "solution",
    "margin", "sidebar", "topic", "epigraph", "card", "grid", "grid-item", "grid-item-card",
    "tab-set", "tab-item", "glossary",
}  # fmt: skip
# Prose directives whose argument is a title the reader sees (for a figure it is a name).
TITLED = {"admonition", "dropdown", "card", "grid-item-card", "tab-item", "topic", "sidebar"}
CODE_CELLS = {"code-cell"}
EXTENSIONS = {"colon_fence", "dollarmath", "amsmath", "deflist", "substitution"}

_OPTION = re.compile(r"^\s*:(?P<key>[\w-]+):(?P<value>.*)$")


@dataclass(frozen=True)
class Part:
    """One piece of a block: ``kind`` is text, role, code, math or comment."""

    line: int
    kind: str
    content: str
    role: str | None = None


@dataclass
class Block:
    """A run of prose: a paragraph, heading, table cell, title or alt text."""

    kind: str
    line: int
    parts: list[Part] = field(default_factory=list)

    def text(self, roles: bool = True) -> str:
        """The block as a reader reads it; roles as their content, code as ``code``."""
        out = []
        for part in self.parts:
            if part.kind == "text":
                out.append(part.content)
            elif part.kind == "role" and roles:
                out.append(f"{{{part.role}}}`{part.content}`" if part.role else part.content)
            elif part.kind in ("code", "math"):
                out.append("`code`" if part.kind == "code" else "$math$")
        return "".join(out)

    def glue_keys(self) -> list[str]:
        """The keys of the ``{glue}`` roles (any ``glue:`` variant) in the block."""
        return [
            glue_key(p.content)
            for p in self.parts
            if p.kind == "role" and p.role is not None and p.role.split(":")[0] == "glue"
        ]

    def comments(self) -> list[str]:
        return [p.content for p in self.parts if p.kind == "comment"]


@dataclass
class Page:
    blocks: list[Block] = field(default_factory=list)
    code_cells: list[tuple[int, str]] = field(default_factory=list)  # (first line, source)
    comments: list[tuple[int, int, str]] = field(default_factory=list)  # (first, last, text)


def glue_key(content: str) -> str:
    """The key a glue role pastes: ``key``, ``key:.1f`` (a format) or ``doc::key``."""
    doc, sep, rest = content.partition("::")
    key = rest if sep else doc
    key = key.split(":")[0].strip()
    return f"{doc}::{key}" if sep else key


@cache
def _parser():
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    return create_md_parser(MdParserConfig(enable_extensions=EXTENSIONS), RendererHTML)


def split_directive(content: str) -> tuple[dict[str, str], int, str]:
    """A directive's options, the number of lines they take, and its body.

    Options are either ``:key: value`` lines at the top or a YAML block between ``---``
    lines, as MyST reads them.
    """
    lines = content.split("\n")
    options: dict[str, str] = {}
    skip = 0
    if lines and lines[0].strip() == "---":
        for i in range(1, len(lines)):
            if lines[i].strip() == "---":
                for entry in lines[1:i]:
                    key, _, value = entry.partition(":")
                    options[key.strip()] = value.strip()
                skip = i + 1
                break
    else:
        while skip < len(lines) and (m := _OPTION.match(lines[skip])):
            options[m["key"]] = m["value"].strip()
            skip += 1
    return options, skip, "\n".join(lines[skip:])


def _words(content: str) -> str:
    return r"\s+".join(re.escape(w) for w in content.split())


def _inline_parts(token, first_line: int) -> list[Part]:
    """The parts of an inline token, with the source line of each."""
    raw = token.content
    cursor = 0
    parts: list[Part] = []
    in_autolink = False

    def locate(pattern: str) -> int:
        nonlocal cursor
        m = re.compile(pattern).search(raw, cursor) if pattern else None
        if m:
            start, cursor = m.start(), m.end()
        else:
            start = cursor
        return first_line + raw[:start].count("\n")

    for child in token.children or []:
        kind = child.type
        if kind in ("softbreak", "hardbreak"):
            nxt = raw.find("\n", cursor)
            cursor = nxt + 1 if nxt >= 0 else cursor
            parts.append(Part(first_line + raw[:cursor].count("\n"), "text", " "))
        elif kind == "link_open":
            in_autolink = child.markup == "autolink"
        elif kind == "link_close":
            in_autolink = False
        elif kind == "text":
            line = locate(_words(child.content))
            if not in_autolink:
                parts.append(Part(line, "text", child.content))
        elif kind == "myst_role":
            name = child.meta.get("name")
            line = locate(r"\{" + re.escape(name) + r"\}`+" + _words(child.content))
            parts.append(Part(line, "role", child.content, name))
        elif kind == "code_inline":
            parts.append(Part(locate("`+" + _words(child.content)), "code", child.content))
        elif kind.startswith("math_inline"):
            parts.append(Part(locate(r"\$+" + _words(child.content)), "math", child.content))
        elif kind == "html_inline":
            line = locate(re.escape(child.content))
            if child.content.startswith("<!--"):
                parts.append(Part(line, "comment", child.content))
        elif kind == "image":
            locate(re.escape("!["))
        # substitutions, strong/em markers and the like carry no prose of their own
    return parts


def _walk(text: str, offset: int, page: Page) -> None:
    """Parse ``text`` (whose first line is line ``offset + 1`` of the page) into ``page``."""
    tokens = _parser().parse(text)
    context = "paragraph"
    for token in tokens:
        start = offset + token.map[0] + 1 if token.map else None
        if token.type == "front_matter":
            continue
        if token.type in ("heading_open", "th_open", "td_open", "dt_open"):
            context = {"h": "heading", "t": "cell", "d": "term"}[token.type[0]]
            if token.type.startswith("heading"):
                context = "heading"
        elif token.type in ("paragraph_open",):
            context = "paragraph"
        elif token.type == "inline" and start is not None:
            page.blocks.append(Block(context, start, _inline_parts(token, start)))
        elif token.type == "inline":  # a table cell: markdown-it gives it no map
            page.blocks.append(Block(context, page.blocks[-1].line if page.blocks else 1))
        elif token.type == "html_block" and token.content.lstrip().startswith("<!--"):
            page.comments.append((start, offset + token.map[1], token.content.strip()))
        elif token.type in ("fence", "colon_fence"):
            info = token.info.strip()
            m = re.match(r"^\{(?P<name>[^}\s]+)\}\s*(?P<arg>.*)$", info)
            if not m:
                continue  # plain fenced code
            name, arg = m["name"], m["arg"]
            options, skip, body = split_directive(token.content)
            if name in CODE_CELLS:
                page.code_cells.append((start + 1 + skip, body.rstrip("\n")))
                continue
            if name not in PROSE_DIRECTIVES:
                continue
            if name in TITLED and arg:
                title = _parser().parseInline(arg)[0]
                page.blocks.append(Block("title", start, _inline_parts(title, start)))
            if "alt" in options:
                alt = _parser().parseInline(options["alt"])[0]
                line = (
                    start
                    + 1
                    + next(i for i, ln in enumerate(token.content.split("\n")) if ":alt:" in ln)
                    if ":alt:" in token.content
                    else start
                )
                page.blocks.append(Block("alt", line, _inline_parts(alt, line)))
            _walk(body, start + skip, page)


def read(text: str) -> Page:
    """Parse a page's MyST text into its prose blocks, code cells and comments."""
    page = Page()
    _walk(text, 0, page)
    page.blocks.sort(key=lambda b: b.line)
    return page


@cache
def read_page(path: Path) -> Page:
    return read(path.read_text(encoding="utf-8"))


def page_id(path: Path) -> str:
    return path.relative_to(DOCS).as_posix()


# --- the claims a page's code cells make ---------------------------------------------------


BOUNDS = ("at_least", "at_most", "above", "below", "near", "tol", "margin")
_DIFFERENCE_WORDS = re.compile(r"gap|gain|diff|lead|delta|margin", re.IGNORECASE)
_UNWRAP = {"abs", "float", "int", "round", "item", "fabs", "absolute"}


@dataclass
class ClaimCall:
    """One ``claim(...)`` or ``claim_order(...)`` call found in a code cell."""

    kind: str  # "claim" or "claim_order"
    name: str  # the key, or a regular expression for an f-string key
    pattern: bool  # True when ``name`` is a regular expression
    line: int  # line in the page
    values: list[ast.expr]  # the value (claim) or the two values (claim_order)
    bounds: dict[str, ast.expr]
    source: str

    def matches(self, key: str) -> bool:
        return bool(re.fullmatch(self.name, key)) if self.pattern else self.name == key


def _unwrap(node: ast.expr) -> ast.expr:
    """``abs(a - b)``, ``float(x)``, ``(a - b).item()`` -> the expression inside."""
    while isinstance(node, ast.Call):
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if name not in _UNWRAP:
            break
        if node.args:
            node = node.args[0]
        elif isinstance(func, ast.Attribute):
            node = func.value
        else:
            break
    return node


def is_difference(call: ClaimCall) -> bool:
    """Whether a ``claim`` checks a difference (or a ratio) of two results.

    The rule: the value expression, once ``abs``/``float``/``round``/``.item()`` are
    unwrapped, is a subtraction ``a - b`` or a ratio ``a / b``; or the claim's name or
    the value's variable name contains gap, gain, diff, lead, delta or margin.
    """
    if call.kind == "claim_order":
        return True
    value = _unwrap(call.values[0])
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Sub | ast.Div):
        return True
    names = [call.name] + [n.id for n in ast.walk(value) if isinstance(n, ast.Name)]
    names += [n.attr for n in ast.walk(value) if isinstance(n, ast.Attribute)]
    return any(_DIFFERENCE_WORDS.search(n) for n in names)


def _key_of(node: ast.expr) -> tuple[str, bool] | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value, False
    if isinstance(node, ast.JoinedStr):
        out = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                out.append(re.escape(str(value.value)))
            else:
                out.append(".+")
        return "".join(out), True
    return None


def claim_calls(page: Page) -> list[ClaimCall]:
    """Every ``claim``/``claim_order`` call in the page's code cells, in order."""
    found = []
    for start, source in page.code_cells:
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        lines = source.split("\n")
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            fname = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if fname not in ("claim", "claim_order") or not node.args:
                continue
            key = _key_of(node.args[0])
            if key is None:
                continue
            kw = {k.arg: k.value for k in node.keywords if k.arg}
            if fname == "claim":
                value = node.args[1] if len(node.args) > 1 else kw.get("value")
                values = [value] if value is not None else []
            else:
                pairs = list(node.args[1:3]) or [kw.get("higher"), kw.get("lower")]
                values = [
                    p.elts[1] if isinstance(p, ast.Tuple) and len(p.elts) == 2 else p
                    for p in pairs
                    if p is not None
                ]
            if not values:
                continue
            text = "\n".join(lines[node.lineno - 1 : node.end_lineno]).strip()
            found.append(
                ClaimCall(
                    fname, key[0], key[1], start + node.lineno - 1, values,
                    {k: v for k, v in kw.items() if k in BOUNDS}, text,
                )
            )  # fmt: skip
    return sorted(found, key=lambda c: c.line)


def checked_comparison_keys(page: Page) -> list[ClaimCall]:
    """The claims of the page that check an order or a difference (see :func:`is_difference`)."""
    return [c for c in claim_calls(page) if is_difference(c)]
