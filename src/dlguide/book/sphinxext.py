"""The book's Sphinx extension: self-contained, quiet kernels and a cache that cannot lie.

Add ``"dlguide.book.sphinxext"`` to ``extensions`` after ``"myst_nb"``. It does two things.

1. **Kernels.** Before anything executes, it points every cache the kernels would
   write under the home folder (Keras, IPython, matplotlib, Hugging Face, torch)
   into the build folder, runs Keras on the torch backend and Hugging Face
   offline, silences progress bars, and writes an IPython profile that keeps the
   kernel's own log quiet. Claims are recorded under ``<build>/claims``.

2. **Cache keys.** myst-nb's execution cache (jupyter-cache) re-runs a notebook
   only when the text of one of its code cells changes. A chapter that calls
   ``dlguide`` would then keep a stale figure after ``dlguide`` changed. So the
   extension adds one hidden code cell to every executable chapter holding a
   fingerprint of ``dlguide``'s source files and of every installed package's
   version. When either changes, every chapter's code changes, and the cache
   re-executes it. Prose edits leave code cells, and so the cache, alone.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import re
from pathlib import Path
from typing import Any

from dlguide._checks import describe

__all__ = ["fingerprint", "setup"]

_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)
_SKIP_DIRS = {"__pycache__"}


def _source_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            files.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.is_file() and not _SKIP_DIRS.intersection(p.parts) and p.suffix != ".pyc"
            )
        else:
            raise FileNotFoundError(
                f"dlguide_fingerprint_sources names {path}, which does not exist"
            )
    return files


def fingerprint(sources: list[Path], *, packages: bool = True) -> str:
    """Return a SHA-256 over the files in ``sources`` and, optionally, installed package versions.

    Parameters
    ----------
    sources
        Files, or folders whose files (recursively) are read.
    packages
        Also hash the name and version of every installed distribution.
    """
    if not isinstance(sources, (list, tuple)):
        raise TypeError(f"sources must be a list of paths, got {describe(sources)}")
    if not sources:
        raise ValueError("sources must name at least one file or folder, got an empty list")
    for i, source in enumerate(sources):
        if not isinstance(source, (str, os.PathLike)):
            raise TypeError(f"sources[{i}] must be a path, got {describe(source)}")
    digest = hashlib.sha256()
    for path in _source_files([Path(p) for p in sources]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    if packages:
        names = sorted(
            f"{dist.metadata['Name']}=={dist.version}".lower()
            for dist in importlib.metadata.distributions()
            if dist.metadata["Name"]
        )
        digest.update("\n".join(names).encode())
    return digest.hexdigest()


def _kernel_environment(app: Any, config: Any) -> None:
    build = Path(app.outdir).parent
    home = build / ".kernel-home"
    folders = {
        "KERAS_HOME": home / "keras",
        "IPYTHONDIR": home / "ipython",
        "MPLCONFIGDIR": home / "matplotlib",
        "HF_HOME": home / "huggingface",
        "TORCHINDUCTOR_CACHE_DIR": home / "torchinductor",
        "XDG_CACHE_HOME": home / "cache",
        "DLGUIDE_CLAIMS_DIR": build / "claims",
        "DLGUIDE_MODEL_CACHE": build / "models",
    }
    for name, folder in folders.items():
        folder.mkdir(parents=True, exist_ok=True)
        os.environ[name] = str(folder)
    os.environ.update(
        {
            "KERAS_BACKEND": "torch",
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
            "HF_DATASETS_OFFLINE": "1",
            "HF_HUB_DISABLE_PROGRESS_BARS": "1",
            "HF_HUB_DISABLE_TELEMETRY": "1",
            "TOKENIZERS_PARALLELISM": "false",
            "TQDM_DISABLE": "1",
            "PYTHONHASHSEED": "0",
            # NumPy/SciPy's OpenBLAS on one thread: on a busy machine its spinning
            # threads can make a 1-second PCA take minutes (torch keeps its own pool).
            "OPENBLAS_NUM_THREADS": "1",
            # torch's OpenMP threads sleep rather than spin while they wait: on a busy
            # machine spinning threads steal each other's time (seen: 30x slower training).
            "OMP_WAIT_POLICY": "PASSIVE",
            # debugpy warns on stderr about frozen modules when a kernel starts.
            "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        }
    )
    profile = folders["IPYTHONDIR"] / "profile_default"
    (profile / "startup").mkdir(parents=True, exist_ok=True)
    (profile / "ipython_kernel_config.py").write_text(
        "# Written by dlguide.book.sphinxext for the book's kernels.\n"
        "c.IPKernelApp.log_level = 'ERROR'\n"
        "c.Application.log_level = 'ERROR'\n"
        "c.InlineBackend.figure_formats = {'png'}\n"
        "c.InlineBackend.rc = {}\n"
    )
    (profile / "startup" / "00-dlguide-quiet.py").write_text(
        "# Written by dlguide.book.sphinxext: drop known, harmless noise from cell outputs.\n"
        "import warnings\n"
        "warnings.filterwarnings('ignore', message='IProgress not found')\n"
    )


def _current_fingerprint(app: Any) -> str:
    # Computed once per Sphinx process, never taken from the pickled environment.
    if getattr(app, "_dlguide_fingerprint", None) is None:
        configured = app.config.dlguide_fingerprint_sources
        if configured is None:
            configured = [Path(__file__).parents[1]]  # the whole dlguide package
        app._dlguide_fingerprint = fingerprint([Path(app.confdir, p) for p in configured])
    return app._dlguide_fingerprint


def _stored(env: Any) -> dict[str, str]:
    if not hasattr(env, "dlguide_fingerprints"):
        env.dlguide_fingerprints = {}
    return env.dlguide_fingerprints


def _outdated(app: Any, env: Any, added: set, changed: set, removed: set) -> list[str]:
    # Sphinx re-reads only the files whose text changed; a chapter whose text is
    # the same but whose dlguide or packages changed must be re-read (and so re-run) too.
    current = _current_fingerprint(app)
    return [
        doc
        for doc, old in _stored(env).items()
        if old != current and doc not in removed and doc in env.found_docs
    ]


def _add_fingerprint_cell(app: Any, docname: str, source: list[str]) -> None:
    text = source[0]
    match = _FRONT_MATTER.match(text)
    if not match or "kernelspec" not in match.group(1):
        return  # not an executable MyST notebook
    current = _current_fingerprint(app)
    _stored(app.env)[docname] = current
    cell = (
        "```{code-cell} ipython3\n"
        ":tags: [remove-cell]\n\n"
        f"# Build fingerprint {current}\n"
        "# (dlguide's source and the installed packages; added by dlguide.book.sphinxext so that\n"
        "# this chapter re-executes when either changes)\n"
        "```\n\n"
    )
    end = match.end()
    source[0] = text[:end] + "\n" + cell + text[end:]


def _purge(app: Any, env: Any, docname: str) -> None:
    _stored(env).pop(docname, None)


def _merge(app: Any, env: Any, docnames: set, other: Any) -> None:
    theirs = _stored(other)
    _stored(env).update({doc: theirs[doc] for doc in docnames if doc in theirs})


def setup(app: Any) -> dict[str, Any]:
    """Register the extension with Sphinx."""
    app.add_config_value("dlguide_fingerprint_sources", None, "env")
    app.connect("config-inited", _kernel_environment)
    app.connect("env-get-outdated", _outdated)
    app.connect("source-read", _add_fingerprint_cell)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
