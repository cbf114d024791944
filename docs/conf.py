"""Sphinx configuration for dlguide, the executable guide to deep learning."""

import os
import shutil
from datetime import date
from pathlib import Path

project = "dlguide"
author = "The dlguide authors"
copyright = f"{date.today().year}, {author}"

extensions = [
    "myst_nb",  # brings myst_parser with it; listing both fails
    "sphinx_design",
    "sphinx_copybutton",
    "sphinxcontrib.bibtex",
    "sphinx.ext.mathjax",
    "sphinx.ext.autodoc",  # the API reference (docs/reference/api.md) from docstrings
    "sphinx.ext.napoleon",  # ...written in the NumPy style
    "dlguide.book.sphinxext",  # quiet self-contained kernels; re-run chapters when dlguide changes
]

root_doc = "index"
exclude_patterns = ["_build", "**.ipynb_checkpoints", "README.md"]
nitpicky = True

# --- MyST and notebook execution ---------------------------------------------------------
myst_enable_extensions = ["colon_fence", "dollarmath", "amsmath", "deflist", "substitution"]
myst_heading_anchors = 3

nb_execution_mode = "cache"  # jupyter-cache under _build/.jupyter_cache
nb_execution_timeout = 300  # seconds per cell
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
}


# --- The build benchmark on the Reproducibility page ----------------------------------
# nox -s bench writes about/benchmark.json; this directive shows it as tables. The page
# depends on the file, so it is re-read (not re-executed) when the benchmark changes.
def setup(app):
    import json

    from docutils import nodes
    from docutils.statemachine import StringList
    from sphinx.util.docutils import SphinxDirective

    from dlguide.book.buildinfo import benchmark_markdown

    class BenchmarkDirective(SphinxDirective):
        has_content = False
        required_arguments = 1

        def run(self):
            relative, absolute = self.env.relfn2path(self.arguments[0], self.env.docname)
            path = Path(absolute)
            self.env.note_dependency(relative)
            if not path.exists():
                text = "No benchmark has been recorded yet: run `nox -s bench`."
            else:
                text = benchmark_markdown(json.loads(path.read_text()))
            container = nodes.container()
            self.state.nested_parse(StringList(text.split("\n"), source=str(path)), 0, container)
            return container.children

    app.add_directive("dlguide-benchmark", BenchmarkDirective)
    app.connect("html-page-context", _accessible_markup)
    app.connect("build-finished", _downloads_with_outputs)


# --- The .ipynb download of each chapter, with its outputs --------------------------------
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

    cache = get_cache(str(Path(app.outdir).parent / ".jupyter_cache"))
    for target in sorted((Path(app.outdir) / "_sources").rglob("*.ipynb")):
        notebook = nbformat.read(target, as_version=4)
        try:
            _, notebook = cache.merge_match_into_notebook(notebook)
        except KeyError:
            continue  # not executed through the cache
        notebook.cells = [
            cell for cell in notebook.cells if not cell.source.startswith("# Build fingerprint")
        ]
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
