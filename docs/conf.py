"""Sphinx configuration for dlguide, the executable guide to deep learning."""

import os
import shutil
import sys
from datetime import date
from pathlib import Path

# jsonschema, which nbformat imports, imports rfc3987_syntax when it is installed (JupyterLab,
# for nox -s lab, brings it in), and rfc3987_syntax compiles 38 grammars as it loads: 4.5 s
# of every build, even one that changes nothing. nbformat checks no IRI formats, so the
# build does without it (the parallel execution's workers and the chapters' kernels do too).
sys.modules.setdefault("rfc3987_syntax", None)

project = "dlguide"
author = "The dlguide authors"
copyright = f"{date.today().year}, {author}"

extensions = [
    "myst_nb",  # brings myst_parser with it; listing both fails
    "sphinx_design",
    "sphinx_copybutton",
    "sphinxcontrib.bibtex",
    "sphinx.ext.mathjax",
    "sphinx.ext.autodoc",  # the API reference (docs/reference/api/*.md) from docstrings
    "sphinx.ext.napoleon",  # ...written in the NumPy style
    "dlguide.book.sphinxext",  # quiet self-contained kernels; re-run chapters when dlguide changes
    "dlguide.book.quickrebuild",  # a rebuild that changed no page redoes no site-wide page
]

root_doc = "index"
exclude_patterns = ["_build", "**.ipynb_checkpoints", "README.md"]
nitpicky = True

# --- MyST and notebook execution ---------------------------------------------------------
myst_enable_extensions = ["colon_fence", "dollarmath", "amsmath", "deflist", "substitution"]
myst_heading_anchors = 3

nb_execution_mode = "cache"  # jupyter-cache under _build/.jupyter_cache
# Chapters execute in parallel before Sphinx reads them (dlguide.book.sphinxext), as many
# at a time as the machine has cores; DLGUIDE_JOBS=1 runs them one by one.
dlguide_execution_jobs = None
nb_execution_timeout = (
    600  # seconds per cell: a guard against a hung cell, with room for a busy machine
)
nb_execution_raise_on_error = True  # a cell that raises fails the build
nb_execution_show_tb = True  # ...and the traceback is printed in the build log
nb_output_stderr = "warn"  # anything on stderr becomes a warning, and -W makes it an error
nb_merge_streams = True
nb_render_markdown_format = "myst"  # Markdown that cells display may hold tables
nb_execution_excludepatterns = []

# DLGUIDE_ONLY="foundations/05-*,language/*" executes only the chapters whose document
# names match (fnmatch patterns); every other page is rendered without running its cells,
# so its glued numbers and figures are missing and reported as warnings. For drafting one
# chapter quickly; the real build (nox -s docs) never sets it.
_ONLY = [p.strip() for p in os.environ.get("DLGUIDE_ONLY", "").split(",") if p.strip()]
if _ONLY:
    from fnmatch import fnmatch

    _here = Path(__file__).parent
    for _path in sorted(_here.rglob("*.md")):
        _doc = _path.relative_to(_here).with_suffix("").as_posix()
        _chapter = _doc.split("/")[0] in ("foundations", "architectures", "language", "practice")
        if _chapter and not any(fnmatch(_doc, p) for p in _ONLY):
            nb_execution_excludepatterns.append(_path.relative_to(_here).as_posix())

# --- API reference (autodoc + napoleon) -------------------------------------------------
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_typehints_format = "short"
autodoc_preserve_defaults = True
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False
# The build has no network, so there is no intersphinx: types from other libraries
# (NumPy, PyTorch, matplotlib, the standard library's typing helpers) cannot be
# linked, and -n would report each one. They are named here instead.
_EXTERNAL = (
    r"(numpy|np|torch|matplotlib|keras|lightning|sphinx|docutils|sklearn|transformers|gensim)"
    r"(\..*)?"
)
nitpick_ignore_regex = [
    (r"py:(class|obj|data|exc|func|meth|attr)", _EXTERNAL),
    (r"py:(class|obj|data)", r"(typing\.)?(Any|Callable|Sequence|Mapping|Iterable|Literal)"),
    (r"py:(class|obj)", r"(collections\.abc|argparse|pathlib|dataclasses|os)\..*"),
    (r"py:(class|obj)", r"(Path|Namespace|ndarray|Figure|Axes|Module|Tensor|optional)"),
]

# --- References --------------------------------------------------------------------------
# One .bib file per part of the book, so that parts can be written independently.
bibtex_bibfiles = sorted(
    str(p.relative_to(Path(__file__).parent)) for p in Path(__file__).parent.glob("bib/*.bib")
)
bibtex_default_style = "plain"
bibtex_reference_style = "author_year"

# --- MathJax, served by the site itself -------------------------------------------------
# No page may request anything from another host (tests/site checks it), so MathJax comes
# from npm (package.json; `npm ci`, which nox -s docs runs) and is copied into _static at
# build time. The copy is not committed (.gitignore).
_HERE = Path(__file__).parent
_MATHJAX_NPM = _HERE.parent / "node_modules" / "mathjax" / "es5"
_MATHJAX_STATIC = _HERE / "_static" / "mathjax"
# tex-mml-chtml.js is Sphinx's default bundle; the folders are what it loads on demand
# (CHTML fonts, the accessibility menu's components, the speech rule engine).
_MATHJAX_PARTS = ["tex-mml-chtml.js", "input", "output", "ui", "a11y", "sre", "adaptors"]


def _copy_mathjax() -> None:
    if not (_MATHJAX_NPM / "tex-mml-chtml.js").exists():
        if (_MATHJAX_STATIC / "tex-mml-chtml.js").exists():
            return  # an earlier copy; node_modules was removed since
        raise RuntimeError(
            f"MathJax not found in {_MATHJAX_NPM}: run `npm ci` in the repository root "
            "(nox -s docs does it), so that the site serves MathJax itself"
        )
    stamp = _MATHJAX_STATIC / ".version"
    version = (_MATHJAX_NPM.parent / "package.json").read_text()
    if stamp.exists() and stamp.read_text() == version:
        return
    shutil.rmtree(_MATHJAX_STATIC, ignore_errors=True)
    for part in _MATHJAX_PARTS:
        source = _MATHJAX_NPM / part
        if source.is_dir():
            shutil.copytree(source, _MATHJAX_STATIC / part)
        else:
            _MATHJAX_STATIC.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, _MATHJAX_STATIC / part)
    stamp.write_text(version)


_copy_mathjax()
mathjax_path = "mathjax/tex-mml-chtml.js"  # relative to _static

# --- HTML --------------------------------------------------------------------------------
repository_url = os.environ.get("DLGUIDE_REPOSITORY_URL", "https://github.com/dlguide/dlguide")
html_theme = "sphinx_book_theme"
html_title = "dlguide: an executable guide to deep learning"
html_static_path = ["_static"]
templates_path = ["_templates"]  # theme components, with accessibility fixes
html_css_files = ["dlguide.css"]
html_last_updated_fmt = ""
html_favicon = "_static/favicon.svg"  # without one, browsers ask for /favicon.ico: a 404
# pydata-sphinx-theme reads the starting colour mode from here; left unset, its script
# gets an empty mode and logs "Got invalid theme mode" on every page.
html_context = {"default_mode": "auto"}
# One search control at every width: the theme puts a search field in the primary sidebar
# and a search button in the article's header, both visible at desktop width. The button
# stays (it is there at phone width too); the sidebar's field goes. These are the theme's
# default sidebar items less "search-button-field.html".
html_sidebars = {"**": ["navbar-logo.html", "icon-links.html", "sbt-sidebar-nav.html"]}
html_theme_options = {
    "repository_url": repository_url,
    "repository_branch": "main",
    "path_to_docs": "docs",
    "use_repository_button": True,
    "use_issues_button": True,
    "use_edit_page_button": True,
    "use_download_button": True,
    "use_source_button": True,
    # No launch buttons (Binder, Colab): a notebook launched there cannot import dlguide
    # nor its offline data packages. Readers run the chapters with `nox -s lab` (README).
    "launch_buttons": {},
    "show_toc_level": 2,
    "home_page_in_toc": True,
    # The sidebar lists the pages of the book's tables of contents, not the pages below
    # them (the API reference's nine pages are listed on it): the theme's toggle for a
    # nested list is a <summary> with an icon and no text, which screen readers cannot name.
    "max_navbar_depth": 1,
}


# --- Records shown as tables: the build benchmark and the robustness run ------------------
# nox -s bench writes about/benchmark.json, nox -s robustness about/robustness.json; each
# directive reads its file when the page is read (never executed). A page depends on its
# file, so it is re-read when the record changes; the robustness page also depends on every
# chapter and every dlguide module, since it says which of them changed since its record.
def setup(app):
    import json

    from docutils import nodes
    from docutils.statemachine import StringList
    from sphinx.util.docutils import SphinxDirective

    from dlguide.book.buildinfo import benchmark_markdown
    from dlguide.book.robustness import robustness_markdown

    here = Path(__file__).parent
    package = here.parent / "src" / "dlguide"

    def record_directive(render, command, depends_on=list):
        class RecordDirective(SphinxDirective):
            has_content = False
            required_arguments = 1

            def run(self):
                relative, absolute = self.env.relfn2path(self.arguments[0], self.env.docname)
                path = Path(absolute)
                for source in [relative, *map(str, depends_on())]:
                    self.env.note_dependency(source)
                if not path.exists():
                    text = f"Nothing has been recorded yet: run `{command}`."
                else:
                    text = render(json.loads(path.read_text()))
                container = nodes.container()
                lines = StringList(text.split("\n"), source=str(path))
                self.state.nested_parse(lines, 0, container)
                return container.children

        return RecordDirective

    app.add_directive("dlguide-benchmark", record_directive(benchmark_markdown, "nox -s bench"))
    app.add_directive(
        "dlguide-robustness",
        record_directive(
            lambda record: robustness_markdown(record, here, package),
            "nox -s robustness",
            lambda: [*here.glob("*/[0-9][0-9]-*.md"), *package.rglob("*.py")],
        ),
    )
    app.connect("html-page-context", _accessible_markup)
    app.connect("html-page-context", _notebook_download)
    app.connect("build-finished", _downloads_with_outputs)


# --- The .ipynb download of each chapter, with its outputs --------------------------------
def _notebook_download(app, pagename, templatename, context, doctree):
    """Offer each notebook page's .ipynb in the theme's download menu.

    sphinx-book-theme (1.x) copies a MyST notebook's .ipynb into _sources and offers it
    only when launch buttons are configured, and the book has none (a Binder or Colab
    notebook could not import dlguide). So this does that copy itself; it runs before the
    theme builds its header buttons (priority 501).
    """
    if "kernelspec" not in app.env.metadata.get(pagename, {}):
        return
    if not str(context.get("sourcename", "")).endswith((".md", ".md.txt")):
        return
    source = Path(app.outdir).parent / "jupyter_execute" / f"{pagename}.ipynb"
    if not source.exists():
        return
    target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)
    context["ipynb_source"] = f"{pagename}.ipynb"


def _downloads_with_outputs(app, exception):
    """Put the executed outputs into each page's .ipynb download (_sources/<page>.ipynb).

    sphinx-book-theme copies myst-nb's jupyter_execute/<page>.ipynb there, but with
    nb_execution_mode = "cache" myst-nb (1.4) writes that file before merging the cached
    outputs into it, so the reader would download a notebook without outputs. The outputs
    are taken from the execution cache; the hidden fingerprint cell is dropped.
    """
    if exception is not None or app.builder.format != "html":
        return
    import nbformat
    from jupyter_cache import get_cache

    from dlguide.book.sphinxext import is_build_cell

    cache = get_cache(str(Path(app.outdir).parent / ".jupyter_cache"))
    for target in sorted((Path(app.outdir) / "_sources").rglob("*.ipynb")):
        notebook = nbformat.read(target, as_version=4)
        try:
            _, notebook = cache.merge_match_into_notebook(notebook)
        except KeyError:
            continue  # not executed through the cache
        notebook.cells = [cell for cell in notebook.cells if not is_build_cell(cell.source)]
        nbformat.write(notebook, target)


# --- Markup fixes that axe-core (tests/site) asks for -------------------------------------
_MARKUP_FIXES = [
    # docutils gives the bibliography role="list" but its entries role="doc-biblioentry",
    # not "listitem": a list with no items to a screen reader (axe: aria-required-children).
    ('<div role="list" class="citation-list">', '<div class="citation-list">'),
    # myst-nb labels the "Show code cell source" toggle "Toggle hidden content", a name that
    # does not contain the visible text (axe: label-content-name-mismatch, WCAG 2.5.3).
    ('<summary aria-label="Toggle hidden content">', "<summary>"),
]


def _accessible_markup(app, pagename, templatename, context, doctree):
    body = context.get("body")
    if body:
        for old, new in _MARKUP_FIXES:
            body = body.replace(old, new)
        context["body"] = body


# === The PDF of the whole book (nox -s pdf) ==============================================
# Sphinx's LaTeX builder and xelatex (TeX Live from Debian; .ci/run lists the packages),
# made from the same execution cache as the site. Everything here is either latex_*,
# which the HTML build ignores, or says which builder it is for; the one change to the
# site is the link to the PDF at the foot of the left sidebar (_templates/pdf-link.html).
latex_engine = "xelatex"  # Unicode in prose and outputs (∂, −, σ, ✅) with FreeFont
latex_documents = [(root_doc, "dlguide.tex", html_title, author, "manual")]
latex_use_xindy = False  # makeindex comes with TeX Live itself; xindy is another package
latex_show_urls = "footnote"  # a printed link still says where it goes
latex_elements = {
    "papersize": "a4paper",
    "pointsize": "10pt",
    "printindex": "",  # the index of the site (genindex) is an API index; not printed
    "sphinxsetup": "verbatimwrapslines=true, verbatimforcewraps=true",  # no code off the page
    # The bibliography LaTeX prints at the end of the book is the References page (below).
    "preamble": r"\addto\captionsenglish{\renewcommand{\bibname}{References}}",
}
# What each output becomes in the PDF: a PNG where a cell has one (figures, and the static
# image an interactive figure carries for print); never HTML or JavaScript, which LaTeX
# cannot show (myst-nb's latex list already leaves them out; said here so it stays so).
nb_mime_priority_overrides = [
    ("latex", "image/png", 5),
    ("latex", "text/html", None),
    ("latex", "application/javascript", None),
    ("latex", "image/svg+xml", None),
]
html_theme_options["primary_sidebar_end"] = ["pdf-link.html"]


# The page that is only the bibliography. LaTeX moves every citation into one bibliography
# at the end of the book (after this page, the last one), which would leave the page an
# empty chapter: in the PDF it gives up its heading, the bibliography is called References,
# and links to the page land on the bibliography.
_PDF_BIBLIOGRAPHY_PAGE = "about/references"
_LONGEST_VALUE = 200  # characters of a documented constant's value the reference prints


def _short_values(app, doctree):
    """Shorten documented constants whose value is too long to read in a signature.

    The API reference prints the repr of each module constant, and
    dlguide.book.objectives.OBJECTIVES runs to pages: in the PDF a signature cannot break
    across pages, and on the site it runs past the column into the contents sidebar.
    """
    from docutils import nodes
    from sphinx import addnodes

    for annotation in list(doctree.findall(addnodes.desc_annotation)):
        text = annotation.astext()
        if text.lstrip().startswith("=") and len(text) > _LONGEST_VALUE:
            del annotation[:]
            annotation += nodes.Text(" = ... (too long to print; see the module's source)")


def _pdf_bibliography_page(app, doctree):
    from docutils import nodes

    if app.builder.name != "latex" or app.env.docname != _PDF_BIBLIOGRAPHY_PAGE:
        return
    section = next(iter(doctree.findall(nodes.section)))
    label = rf"\cleardoublepage\phantomsection\label{{\detokenize{{{app.env.docname}::doc}}}}"
    section.replace_self([nodes.raw("", label, format="latex"), *section.children[1:]])


def _pdf_front_matter_and_parts(app, doctree):
    """Give the PDF a preface and one LaTeX part per toctree of the home page.

    LaTeX inlines every chapter where its toctree stands. On the home page the toctrees
    stand in its last section, so every chapter would become a section of "How to run it
    yourself", and the toctrees' captions (the parts of the book) would be lost. For the
    LaTeX build only, this moves the home page's text into an unnumbered "Preface" chapter
    and puts each toctree after it, headed by a part named by the toctree's caption.
    """
    import re

    from docutils import nodes
    from sphinx import addnodes

    if app.builder.name != "latex" or app.env.docname != root_doc:
        return
    top = next(iter(doctree.findall(nodes.section)))
    wrappers = [t.parent for t in top.findall(addnodes.toctree)]
    for wrapper in wrappers:
        wrapper.parent.remove(wrapper)
    preface = nodes.section("", nodes.title("", "Preface"), ids=["dlguide-pdf-preface"])
    preface.extend(top.children[1:])  # everything but the book's title
    del top[1:]
    latex = lambda text: nodes.raw("", text, format="latex")  # noqa: E731
    top += latex(r"\edef\dlguidesecnumdepth{\arabic{secnumdepth}}\setcounter{secnumdepth}{-1}")
    top += preface
    top += latex(r"\setcounter{secnumdepth}{\dlguidesecnumdepth}")
    for wrapper in wrappers:
        toctree = next(wrapper.findall(addnodes.toctree))
        caption = toctree.attributes.pop("caption", None) or ""  # else it names the contents
        title = re.sub(r"^Part [IVXL]+\.\s*", "", caption)
        top += latex(f"\\part{{{title}}}")
        top += wrapper


_setup_site = setup


def setup(app):
    _setup_site(app)
    app.connect("doctree-read", _pdf_front_matter_and_parts)
    app.connect("doctree-read", _short_values)
    app.connect("doctree-read", _pdf_bibliography_page)


if os.environ.get("DLGUIDE_PDF") == "1":
    # nox -s pdf never executes a chapter: every chapter's outputs must come from the cache
    # that nox -s docs filled. A chapter missing from it (or changed since) stops the build.
    from jupyter_cache import get_cache as _get_cache
    from myst_nb.core.execute.cache import NotebookClientCache as _CacheClient
    from sphinx.errors import SphinxError as _SphinxError

    class _NotInCache(_SphinxError):
        category = "Not in the execution cache"

    _start_client = _CacheClient.start_client

    def _start_from_cache_only(self):
        cache = self.nb_config.execution_cache_path
        try:
            _get_cache(cache).match_cache_notebook(self.notebook)
        except KeyError:
            raise _NotInCache(
                f"{self.path} has no executed copy in the execution cache ({cache}) that "
                "matches its code: run `nox -s docs` first; the PDF is made from the site's "
                "execution cache and executes nothing itself"
            ) from None
        return _start_client(self)

    _CacheClient.start_client = _start_from_cache_only


# --- Figures to explore (dlguide.plotting.interactive) ------------------------------------
# Their charts are drawn by plotly.js, which ships inside the plotly Python package: it is
# copied into _static/plotly/ (not committed; .gitignore) and, with the small script that
# wires the controls, added only to the pages that hold such a figure. No other host.
def _copy_plotly_js() -> None:
    import plotly

    source = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    target = _HERE / "_static" / "plotly" / "plotly.min.js"
    if not source.exists():
        raise RuntimeError(f"plotly.min.js not found in {source.parent}: reinstall plotly")
    if not target.exists() or target.read_bytes() != source.read_bytes():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)


_copy_plotly_js()


def _interactive_assets(app, pagename, templatename, context, doctree):
    if 'class="dlguide-interactive"' in (context.get("body") or ""):
        app.add_js_file("plotly/plotly.min.js")
        app.add_js_file("dlguide-interactive.js")
        app.add_css_file("dlguide-interactive.css")


_setup_before_interactive = setup


def setup(app):  # extends the setup above
    _setup_before_interactive(app)
    app.connect("html-page-context", _interactive_assets)
