"""The book's Sphinx extension: self-contained kernels, a cache that cannot lie, parallel runs.

Add ``"dlguide.book.sphinxext"`` to ``extensions`` after ``"myst_nb"``. It does three things.

1. **Kernels.** Before anything executes, it points every cache the kernels would
   write under the home folder (Keras, IPython, matplotlib, Hugging Face, torch)
   into the build folder, runs Keras on the torch backend and Hugging Face
   offline, silences progress bars, and writes an IPython profile that keeps the
   kernel's own log quiet. Claims are recorded under ``<build>/claims``; trained
   models are kept in the user's cache folder (:mod:`dlguide.book.modelcache`).

2. **Cache keys per chapter.** myst-nb's execution cache (jupyter-cache) re-runs a
   notebook only when the text of one of its code cells changes. A chapter that
   calls ``dlguide`` would then keep a stale figure after ``dlguide`` changed. So
   the extension adds two hidden code cells to every executable chapter: a first
   one holding the chapter's key (:func:`dlguide.book.deps.chapter_key`: the
   installed packages' versions, the package's data files, and the source of the
   ``dlguide`` modules the chapter imported when it last ran), and a last one that
   records those imports (:func:`dlguide.book.deps.record_imports`). When a module
   a chapter imported changes, that chapter's key changes and it re-executes; the
   other chapters keep their outputs. Prose edits leave the cache alone.

3. **Parallel execution, one writer.** Just before Sphinx reads the documents, the
   chapters whose outputs the cache lacks are executed ``dlguide_execution_jobs``
   at a time (default: the machine's cores; ``$DLGUIDE_JOBS`` overrides), longest
   first, each in its own kernel, and this process alone stores the results
   (:mod:`dlguide.book.execute`). Sphinx then only reads the cache.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import re
import sys
import time
from pathlib import Path, PurePosixPath
from typing import Any

from sphinx.errors import ExtensionError
from sphinx.util import logging

from dlguide._checks import describe
from dlguide.book.deps import (
    _python_files,
    chapter_key,
    environment_hash,
    installed_versions,
    record_path,
    source_hash,
)
from dlguide.book.execute import Chapter, Outcome, execution_order, job_count, run_parallel
from dlguide.book.modelcache import default_model_cache_dir

__all__ = ["BUILD_CELL_MARKERS", "fingerprint", "setup"]

logger = logging.getLogger(__name__)

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
        digest.update(installed_versions().encode())
    return digest.hexdigest()


def _kernel_environment(app: Any, config: Any) -> None:
    build = Path(app.outdir).parent
    home = build / ".kernel-home"
    # Read before XDG_CACHE_HOME is pointed into the build folder below.
    models = default_model_cache_dir()
    folders = {
        "KERAS_HOME": home / "keras",
        "IPYTHONDIR": home / "ipython",
        "MPLCONFIGDIR": home / "matplotlib",
        "HF_HOME": home / "huggingface",
        "TORCHINDUCTOR_CACHE_DIR": home / "torchinductor",
        "XDG_CACHE_HOME": home / "cache",
        "DLGUIDE_CLAIMS_DIR": build / "claims",
        "DLGUIDE_MODEL_CACHE": models,
        "DLGUIDE_DEPS_DIR": build / ".dlguide-deps",
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
        "# Written by dlguide.book.sphinxext: drop known, harmless noise from cell outputs,\n"
        "# and an import that costs seconds and serves nothing here.\n"
        "import sys\n"
        "import warnings\n"
        "warnings.filterwarnings('ignore', message='IProgress not found')\n"
        "# The first glued claim imports nbformat, whose jsonschema would import\n"
        "# rfc3987_syntax (from JupyterLab's dependencies): 2-4 s compiling grammars for\n"
        "# a format (IRIs) that nbformat never checks.\n"
        "sys.modules.setdefault('rfc3987_syntax', None)\n"
    )


BUILD_CELL_MARKERS = ("# Build fingerprint", "# Recorded by dlguide.book.sphinxext")


def is_build_cell(source: str) -> bool:
    """Return whether a code cell's ``source`` is one this extension added.

    Examples
    --------
    >>> is_build_cell("# Build fingerprint abc"), is_build_cell("x = 1")
    (True, False)
    """
    return source.startswith(BUILD_CELL_MARKERS)


def _package_root(app: Any) -> Path:
    name = app.config.dlguide_dependency_package
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ValueError(f"dlguide_dependency_package names {name!r}, which is not a package")
    return Path(next(iter(spec.submodule_search_locations)))


def _deps_dir(app: Any) -> Path:
    return Path(app.outdir).parent / ".dlguide-deps"


def _chapter_key(app: Any, docname: str) -> tuple[str, str]:
    """Return (key, environment hash) for ``docname``; computed once per Sphinx process."""
    keys = getattr(app, "_dlguide_keys", None)
    if keys is None:
        keys = app._dlguide_keys = {}
        root = _package_root(app)
        # DLGUIDE_SEED changes every random draw: a build under another seed has keys of its own.
        seed = os.environ.get("DLGUIDE_SEED", "").strip()
        app._dlguide_environment = hashlib.sha256(
            f"{environment_hash(root)} seed={seed}".encode()
        ).hexdigest()
        # The sources as the keys see them; records are pinned to these (see _pin_record).
        app._dlguide_snapshot = _sources(root)
    if docname not in keys:
        keys[docname] = chapter_key(
            docname,
            folder=_deps_dir(app),
            package_root=_package_root(app),
            environment=app._dlguide_environment,
        )
    return keys[docname], app._dlguide_environment


def _sources(root: Path) -> dict[str, str]:
    """The source hash of every module in the package at ``root``, by relative path."""
    hashes = {}
    for path in _python_files(root):
        relative = path.relative_to(root).as_posix()
        try:
            hashes[relative] = source_hash(path)
        except (OSError, ValueError):  # deleted since the folder was listed
            hashes[relative] = "unreadable"
    return hashes


def _forget_made_since(folder: str | os.PathLike[str], since: float) -> list[str]:
    """Delete the trained models and remembered results in ``folder`` finished since ``since``.

    A model or result is finished when :func:`~dlguide.book.modelcache.cached_folder`
    writes its ``spec.json``; folders still being made (their names start with a dot)
    are left alone. Returns the names of the folders deleted.

    Examples
    --------
    >>> import tempfile, time
    >>> from pathlib import Path
    >>> cache = Path(tempfile.mkdtemp())
    >>> (cache / "old-model").mkdir(); _ = (cache / "old-model" / "spec.json").write_text("{}")
    >>> since = time.time() + 1  # as if the run began a second later
    >>> _forget_made_since(cache, since), (cache / "old-model").is_dir()
    ([], True)
    >>> _forget_made_since(cache, 0)
    ['old-model']
    """
    import shutil

    if not isinstance(folder, (str, os.PathLike)):
        raise TypeError(f"folder must be a path, got {describe(folder)}")
    root = Path(folder)
    if not root.is_dir():
        return []
    gone = []
    for entry in sorted(root.iterdir()):
        spec = entry / "spec.json"
        if entry.name.startswith(".") or not spec.is_file():
            continue
        if spec.stat().st_mtime >= since:
            shutil.rmtree(entry, ignore_errors=True)
            gone.append(entry.name)
    return gone


def _forget_if_edited(root: Path, before: dict[str, str], began: float) -> str | None:
    """If a module at ``root`` changed since ``before``, clear the caches and say what.

    A kernel runs a module as it was when the kernel imported it, but the model and
    result caches key what it computes on the module's source when it is stored. Saved
    in between, an edit would file a result of the old code under the new code's key,
    and the next build would show it. So when the package's sources differ from
    ``before``, every model and result finished since ``began`` is deleted, to be
    computed again, and the returned message names the modules and folders; None when
    nothing changed. The build and ``nox -s robustness`` call this once their chapters ran.
    """
    from dlguide.book.modelcache import default_model_cache_dir

    now = _sources(root)
    edited = sorted(m for m in set(before) | set(now) if before.get(m) != now.get(m))
    if not edited:
        return None
    gone = _forget_made_since(default_model_cache_dir(), began)
    return (
        f"edited while the chapters ran: {', '.join(edited)}; the models and results cached "
        f"meanwhile, which may come from the code as it was, were deleted: "
        f"{', '.join(gone) or 'none'}"
    )


def _forget_what_edits_made_stale(app: Any, began: float) -> None:
    """After the chapters ran: drop what they cached if a module was edited meanwhile.

    The chapters that imported an edited module re-execute at the next build anyway
    (see :func:`_pin_record`); :func:`_forget_if_edited` says why the caches must go too.
    """
    said = _forget_if_edited(_package_root(app), app._dlguide_snapshot, began)
    if said:
        logger.info(f"[dlguide] {said}. The chapters that imported them run again next build.")


def _pin_record(app: Any, docname: str) -> None:
    """Give the record a chapter's kernel wrote the source hashes its key was made from.

    The kernel hashes the modules when its last cell runs. A module edited while the
    build ran would then be recorded with its new source though the chapter ran the
    old one, and the next build would wrongly reuse the outputs. With the hashes
    taken when the build began, that edit makes the next build execute it again.
    """
    path = record_path(_deps_dir(app), docname)
    try:
        record = json.loads(path.read_text())
    except (OSError, ValueError):
        return
    snapshot = app._dlguide_snapshot
    record["modules"] = {m: snapshot.get(m, "missing") for m in record.get("modules", {})}
    path.write_text(json.dumps(record, indent=1, sort_keys=True))


def _stored(env: Any) -> dict[str, str]:
    if not hasattr(env, "dlguide_fingerprints"):
        env.dlguide_fingerprints = {}
    return env.dlguide_fingerprints


def _outdated(app: Any, env: Any, added: set, changed: set, removed: set) -> list[str]:
    # Sphinx re-reads only the files whose text changed; a chapter whose text is
    # the same but whose key changed (code it imported, or the packages) must be
    # re-read (and so re-run) too.
    return [
        doc
        for doc, old in _stored(env).items()
        if doc not in removed and doc in env.found_docs and old != _chapter_key(app, doc)[0]
    ]


def with_build_cells(text: str, docname: str, key: str, environment: str, package: str) -> str:
    r"""Return a MyST notebook's ``text`` with the key cell first and the record cell last.

    Text that is not an executable MyST notebook (no ``kernelspec`` in its front
    matter) is returned unchanged.

    Examples
    --------
    >>> page = "---\nkernelspec:\n  name: python3\n---\n# Title\n"
    >>> out = with_build_cells(page, "a/b", "k1", "e1", "dlguide")
    >>> "# Build fingerprint k1" in out, out.rstrip().endswith("```")
    (True, True)
    >>> with_build_cells("# Plain\n", "a/b", "k1", "e1", "dlguide")
    '# Plain\n'
    """
    match = _FRONT_MATTER.match(text)
    if not match or "kernelspec" not in match.group(1):
        return text
    first = (
        "```{code-cell} ipython3\n"
        ":tags: [remove-cell]\n\n"
        f"# Build fingerprint {key}\n"
        "# (the installed packages and the source of the modules this chapter imported;\n"
        "# added by dlguide.book.sphinxext so that it re-executes when either changes)\n"
        "```\n\n"
    )
    last = (
        "\n\n```{code-cell} ipython3\n"
        ":tags: [remove-cell]\n\n"
        "# Recorded by dlguide.book.sphinxext: the modules this chapter imported\n"
        "import dlguide.book.deps\n\n"
        f"dlguide.book.deps.record_imports({docname!r}, {key!r}, environment={environment!r}, "
        f"package={package!r})\n"
        "```\n"
    )
    end = match.end()
    return text[:end] + "\n" + first + text[end:].rstrip("\n") + last


def _add_build_cells(app: Any, docname: str, source: list[str]) -> None:
    match = _FRONT_MATTER.match(source[0])
    if not match or "kernelspec" not in match.group(1):
        return  # not an executable MyST notebook
    key, environment = _chapter_key(app, docname)
    _stored(app.env)[docname] = key
    source[0] = with_build_cells(
        source[0], docname, key, environment, app.config.dlguide_dependency_package
    )


def _purge(app: Any, env: Any, docname: str) -> None:
    _stored(env).pop(docname, None)


def _merge(app: Any, env: Any, docnames: set, other: Any) -> None:
    theirs = _stored(other)
    _stored(env).update({doc: theirs[doc] for doc in docnames if doc in theirs})


# --- Parallel execution with one cache writer --------------------------------------------


def _times_file(app: Any) -> Path:
    return _deps_dir(app) / "execution-seconds.json"


def _recorded_seconds(app: Any) -> dict[str, float]:
    """Each chapter's last execution time: from this build folder, else the benchmark record."""
    seconds: dict[str, float] = {}
    bench = Path(app.confdir) / "about" / "benchmark.json"
    for path in (bench, _times_file(app)):
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        table = data.get("chapter_execution_seconds", data) if path == bench else data
        if isinstance(table, dict):
            seconds.update(
                {str(k): float(v) for k, v in table.items() if isinstance(v, (int, float))}
            )
    return seconds


def _pending_chapters(app: Any, env: Any, docnames: list[str]) -> list[Chapter]:
    """The chapters among ``docnames`` that the execution cache has no outputs for."""
    from jupyter_cache import get_cache
    from myst_nb.core.read import create_nb_reader

    nb_config = env.mystnb_config
    cache = get_cache(str(nb_config.execution_cache_path or ".jupyter_cache"))
    pending = []
    for doc in docnames:
        path = Path(env.doc2path(doc))
        if path.suffix != ".md":
            continue
        text = path.read_text(encoding="utf-8")
        match = _FRONT_MATTER.match(text)
        if not match or "kernelspec" not in match.group(1):
            continue
        posix = PurePosixPath(path.as_posix())
        if any(posix.match(pattern) for pattern in nb_config.execution_excludepatterns):
            continue
        key, environment = _chapter_key(app, doc)
        text = with_build_cells(text, doc, key, environment, app.config.dlguide_dependency_package)
        reader = create_nb_reader(str(path), env.myst_config, nb_config, text)
        if reader is None:
            continue
        notebook = reader.read(text)
        try:
            cache.match_cache_notebook(notebook)
            continue  # outputs already cached
        except KeyError:
            pass
        timeout = nb_config.execution_timeout
        own = notebook.metadata.get(nb_config.metadata_key, {})
        if isinstance(own, dict) and "execution_timeout" in own:
            timeout = own["execution_timeout"]
        pending.append(Chapter(doc, notebook, path.parent, int(timeout), path))
    return pending


def _execute_outdated(app: Any, env: Any, docnames: list[str]) -> None:
    nb_config = getattr(env, "mystnb_config", None)
    if nb_config is None or nb_config.execution_mode != "cache":
        return
    pending = _pending_chapters(app, env, docnames)
    if not pending:
        return
    if os.environ.get("DLGUIDE_PDF") == "1":  # nox -s pdf prints what nox -s docs executed
        raise ExtensionError(
            "these chapters have no executed copy in the execution cache: "
            + ", ".join(sorted(c.doc for c in pending))
            + ". Run `nox -s docs` first: the PDF is made from the site's executed chapters"
        )
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    cache = get_cache(str(nb_config.execution_cache_path or ".jupyter_cache"))
    jobs = job_count(app.config.dlguide_execution_jobs)
    seconds = _recorded_seconds(app)
    order = execution_order([c.doc for c in pending], seconds)
    logger.info(
        f"[dlguide] executing {len(pending)} chapter(s), {min(jobs, len(pending))} at a time, "
        f"longest first: {', '.join(order)}"
    )
    times = {}
    with contextlib.suppress(OSError, ValueError):
        times = json.loads(_times_file(app).read_text())
    failed = []

    def store(outcome: Outcome) -> None:  # the only writer of the cache
        doc = outcome.chapter.doc
        if outcome.error is not None:
            failed.append(doc)
            report = Path(app.outdir) / "reports" / (doc + ".err.log")
            report.parent.mkdir(parents=True, exist_ok=True)
            report.write_text(outcome.error, encoding="utf8")
            logger.warning(
                f"Executing notebook failed ({outcome.seconds:.0f} s); the traceback is also "
                f"in {report}\n{outcome.error}",
                location=doc,
                type="mystnb",
                subtype="exec",
            )
            return
        cache.cache_notebook_bundle(
            CacheBundleIn(
                outcome.notebook,
                str(outcome.chapter.source),
                data={"execution_seconds": outcome.seconds},
            ),
            check_validity=False,
            overwrite=True,
        )
        _pin_record(app, doc)
        times[doc] = round(outcome.seconds, 1)
        _times_file(app).parent.mkdir(parents=True, exist_ok=True)
        _times_file(app).write_text(json.dumps(times, indent=1, sort_keys=True))
        logger.info(f"[dlguide] executed {doc} in {outcome.seconds:.1f} s")

    began = time.time()
    run_parallel(pending, jobs=jobs, seconds=seconds, on_done=store)
    _forget_what_edits_made_stale(app, began)
    if failed and nb_config.execution_raise_on_error:
        raise ExtensionError(
            f"{len(failed)} chapter(s) failed to execute: {', '.join(sorted(failed))} "
            "(tracebacks above)"
        )


def _remembered(function: Any, key: Any, memo: dict[str, str] | None) -> Any:
    """Return ``function`` answering from memory while ``key(*args)`` is unchanged.

    ``memo`` starts it with an earlier build's answers; the wrapper's ``used`` attribute
    holds the answers this process needed, to be kept for the next build. ``key`` returns
    None where it cannot tell (then ``function`` answers, with its own errors).
    """
    if getattr(function, "_dlguide_remembered", False):
        return function
    known: dict[str, str] = dict(memo or {})
    used: dict[str, str] = {}

    @functools.wraps(function)  # the API pages show the function's own signature
    def remembered(*args: Any) -> str:
        found = key(*args)
        if found is None:
            return function(*args)
        if found not in known:
            known[found] = function(*args)
        used[found] = known[found]
        return known[found]

    remembered._dlguide_remembered = True  # type: ignore[attr-defined]
    remembered.used = used  # type: ignore[attr-defined]
    return remembered


def _content_key(path: Any) -> str | None:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except (OSError, TypeError, ValueError):
        return None


def _hashed_once(function: Any, memo: dict[str, str] | None = None) -> Any:
    """Return ``function`` (a file's source hash) remembering its answer per file content.

    Every chapter's key hashes the modules it imported, and most chapters import the same
    ones: without this, a build that changes nothing parsed each module's syntax tree once
    per chapter, a thousand times (seconds of a rebuild). Reading a file's bytes and
    hashing them is cheap; a file whose bytes changed is parsed again. ``memo`` (content
    SHA-256 to source hash) holds an earlier build's answers (see :func:`_remembered`).
    """
    return _remembered(function, _content_key, memo)


def _distributions_stamp() -> str:
    """A hash of where each installed distribution's metadata is and when it last changed.

    pip installs, upgrades and removes a distribution by adding or deleting its
    ``.dist-info`` folder (editable installs add a ``.pth`` file), so the same stamp means
    the same installed versions; taking it costs a directory listing, not reading several
    hundred metadata files as :func:`dlguide.book.deps.installed_versions` does.
    """
    digest = hashlib.sha256()
    suffixes = (".dist-info", ".egg-info", ".egg-link", ".pth")
    for entry in sys.path:
        try:
            with os.scandir(entry or ".") as found:
                items = sorted(
                    (item.name, item.stat().st_mtime_ns)
                    for item in found
                    if item.name.endswith(suffixes)
                )
        except OSError:
            continue
        digest.update(f"{entry}\0{items}\0".encode())
    return digest.hexdigest()


def _versions_once(function: Any, memo: dict[str, str] | None = None) -> Any:
    """Return ``function`` (:func:`~dlguide.book.deps.installed_versions`) answered from memory.

    Its answer is kept with the :func:`_distributions_stamp` it was computed under; a
    different stamp (a package installed, upgraded or removed) asks ``function`` again.
    """
    return _remembered(function, _distributions_stamp, memo)


def _memo_file(app: Any) -> Path:
    return Path(app.outdir).parent / ".dlguide-memo.json"


def _read_memo(app: Any) -> dict[str, dict[str, str]]:
    try:
        memo = json.loads(_memo_file(app).read_text())
    except (OSError, ValueError):
        return {}
    if not isinstance(memo, dict):
        return {}
    return {k: v for k, v in memo.items() if isinstance(v, dict)}


def _write_memo(app: Any, exception: BaseException | None) -> None:
    """Keep the source hashes and installed versions this build needed, for the next one."""
    if exception is not None:
        return
    memo = {
        "source_hash": dict(source_hash.used),
        "installed_versions": dict(installed_versions.used),
    }
    if memo != _read_memo(app):
        _memo_file(app).parent.mkdir(parents=True, exist_ok=True)
        _memo_file(app).write_text(json.dumps(memo, indent=0, sort_keys=True))


def setup(app: Any) -> dict[str, Any]:
    """Register the extension with Sphinx."""
    # Within the Sphinx process only (kernels import dlguide.book.deps afresh).
    global installed_versions, source_hash
    from dlguide.book import deps, robustness

    memo = _read_memo(app)
    deps.source_hash = source_hash = _hashed_once(deps.source_hash, memo.get("source_hash"))
    deps.installed_versions = installed_versions = _versions_once(
        deps.installed_versions, memo.get("installed_versions")
    )
    # The Robustness page, read again whenever a chapter or module changed, hashes the
    # modules every chapter imported: it gets the remembering version too, however early
    # dlguide.book.robustness was imported (the plain one parses each module once per
    # chapter: seconds on every such rebuild).
    robustness.source_hash = source_hash
    app.add_config_value("dlguide_dependency_package", "dlguide", "env")
    app.add_config_value("dlguide_execution_jobs", None, "")
    app.connect("config-inited", _kernel_environment)
    app.connect("env-get-outdated", _outdated)
    app.connect("env-before-read-docs", _execute_outdated)
    app.connect("source-read", _add_build_cells)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("build-finished", _write_memo)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
