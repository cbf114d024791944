"""Sphinx configuration for dlguide, the executable guide to deep learning."""

import os
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
    "dlguide.sphinxext",  # quiet self-contained kernels; re-run chapters when dlguide changes
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
_EXTERNAL = r"(numpy|np|torch|matplotlib|keras|lightning|sphinx|docutils)(\..*)?"
nitpick_ignore_regex = [
    (r"py:(class|obj|data|exc|func|meth|attr)", _EXTERNAL),
    (r"py:(class|obj|data)", r"(typing\.)?(Any|Callable|Sequence|Mapping|Iterable|Literal)"),
    (r"py:(class|obj)", r"(collections\.abc|argparse|pathlib|dataclasses|os)\..*"),
    (r"py:(class|obj)", r"(Path|Namespace|ndarray|Figure|Axes|Module|Tensor|optional)"),
    # dlguide.data.sources.COLUMNS: an internal table header that a method's docstring names
    (r"py:data", r"COLUMNS"),
]

# --- References --------------------------------------------------------------------------
# One .bib file per part of the book, so that parts can be written independently.
bibtex_bibfiles = sorted(
    str(p.relative_to(Path(__file__).parent)) for p in Path(__file__).parent.glob("bib/*.bib")
)
bibtex_default_style = "plain"
bibtex_reference_style = "author_year"

# --- HTML --------------------------------------------------------------------------------
repository_url = os.environ.get("DLGUIDE_REPOSITORY_URL", "https://github.com/dlguide/dlguide")
html_theme = "sphinx_book_theme"
html_title = "dlguide: an executable guide to deep learning"
html_static_path = ["_static"]
html_css_files = ["dlguide.css"]
html_last_updated_fmt = ""
html_theme_options = {
    "repository_url": repository_url,
    "repository_branch": "main",
    "path_to_docs": "docs",
    "use_repository_button": True,
    "use_issues_button": True,
    "use_edit_page_button": True,
    "use_download_button": True,
    "use_source_button": True,
    "launch_buttons": {
        "binderhub_url": "https://mybinder.org",
        "colab_url": "https://colab.research.google.com",
        "notebook_interface": "jupyterlab",
    },
    "show_toc_level": 2,
    "home_page_in_toc": True,
}
