"""Execute the book's chapters in parallel, with one process writing the execution cache.

myst-nb executes a chapter when Sphinx reads it, one chapter at a time, and writes
the result into jupyter-cache's SQLite database. Reading in parallel
(``sphinx-build -j``) would make several processes write that database at once,
which SQLite under jupyter-cache does not survive reliably. So
:mod:`dlguide.book.sphinxext` calls :func:`run_parallel` just before Sphinx
reads the documents:

1. it builds each chapter's notebook exactly as myst-nb will (same reader, same
   hidden cells), and asks the cache whether it holds outputs for it;
2. it executes the chapters the cache lacks in separate processes, ``jobs`` at a
   time (default: the machine's cores), the longest first by their last recorded
   execution time, each in a fresh kernel in the chapter's folder (killed as soon as
   its last cell has run: whatever a chapter keeps, a cell writes);
3. as each finishes, this process, and only this one, stores it in the cache.

Sphinx then reads every chapter from the cache and executes nothing. The outputs
are the same as a serial build's: each chapter runs alone in its own kernel, and
models that two chapters share are trained once (the model cache holds a lock).

This module is also the worker: ``python -m dlguide.book.execute IN OUT CWD
TIMEOUT`` executes the notebook ``IN`` and writes it, with a JSON status beside it,
to ``OUT``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dlguide._checks import check_int, describe

__all__ = ["Chapter", "Outcome", "job_count", "run_parallel"]


@dataclass
class Chapter:
    """A chapter to execute: its name, notebook, folder, per-cell timeout, and environment.

    ``env`` (optional) replaces the environment the kernel inherits; ``label`` names the
    run in file names when one chapter runs several times (under several seeds, say).
    """

    doc: str
    notebook: Any
    cwd: Path
    timeout: int
    source: Path
    env: dict[str, str] | None = None
    label: str = ""


@dataclass
class Outcome:
    """What executing one chapter gave: the executed notebook, or the error's text."""

    chapter: Chapter
    seconds: float
    notebook: Any = None
    error: str | None = None


def job_count(configured: int | None = None) -> int:
    """Return how many chapters execute at once.

    ``$DLGUIDE_JOBS`` wins over ``configured``; without either, the number of CPU
    cores this process may use.

    Examples
    --------
    >>> job_count(3) >= 1
    True
    """
    text = os.environ.get("DLGUIDE_JOBS", "").strip()
    if text:
        try:
            value = int(text)
        except ValueError:
            raise ValueError(f"DLGUIDE_JOBS must be a whole number, got {text!r}") from None
        return check_int("DLGUIDE_JOBS", value, minimum=1)
    if configured is not None:
        return check_int("dlguide_execution_jobs", configured, minimum=1)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def execution_order(docs: Sequence[str], seconds: dict[str, float]) -> list[str]:
    """Return ``docs`` longest first by ``seconds``; chapters with no time come first.

    Starting the longest chapters first keeps the last worker from finishing long
    after the others (a chapter with no recorded time may be long: it goes first).

    Examples
    --------
    >>> execution_order(["a", "b", "c"], {"a": 5.0, "b": 50.0})
    ['c', 'b', 'a']
    """
    if not isinstance(seconds, dict):
        raise TypeError(f"seconds must be a dict, got {describe(seconds)}")
    known = [d for d in docs if d in seconds]
    unknown = [d for d in docs if d not in seconds]
    return unknown + sorted(known, key=lambda d: (-seconds[d], d))


def _run_one(chapter: Chapter, workdir: Path) -> Outcome:
    import nbformat

    stem = chapter.doc.replace("/", "--") + (f"--{chapter.label}" if chapter.label else "")
    given = workdir / f"{stem}.in.ipynb"
    done = workdir / f"{stem}.out.ipynb"
    nbformat.write(chapter.notebook, given)
    start = time.perf_counter()
    command = [
        sys.executable,
        "-m",
        "dlguide.book.execute",
        str(given),
        str(done),
        str(chapter.cwd),
        str(chapter.timeout),
    ]
    env = dict(os.environ if chapter.env is None else chapter.env)
    env[_PARENT] = str(os.getpid())
    process = subprocess.run(command, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - start
    status_file = done.with_suffix(".json")
    if process.returncode != 0 or not status_file.is_file():
        return Outcome(
            chapter,
            seconds,
            error=f"the worker exited with code {process.returncode}:\n{process.stderr[-4000:]}",
        )
    status = json.loads(status_file.read_text())
    if status["error"] is not None:
        return Outcome(chapter, status["seconds"], error=status["error"])
    return Outcome(chapter, status["seconds"], notebook=nbformat.read(done, as_version=4))


def run_parallel(
    chapters: Sequence[Chapter],
    *,
    jobs: int,
    seconds: dict[str, float],
    on_done: Callable[[Outcome], None],
) -> list[Outcome]:
    """Execute ``chapters``, ``jobs`` at a time, longest first; call ``on_done`` for each.

    ``on_done`` runs in the calling thread, one outcome at a time, in the order the
    chapters finish: it is where the single writer stores results.

    Parameters
    ----------
    chapters
        What to execute.
    jobs
        How many at once.
    seconds
        Each chapter's last execution time, for the order.
    on_done
        Called with each :class:`Outcome`.
    """
    jobs = check_int("jobs", jobs, minimum=1)
    rank = {d: i for i, d in enumerate(execution_order(sorted({c.doc for c in chapters}), seconds))}
    order = sorted(chapters, key=lambda c: (rank[c.doc], c.label))
    outcomes = []
    with (
        tempfile.TemporaryDirectory(prefix="dlguide-execute-") as work,
        ThreadPoolExecutor(max_workers=jobs) as pool,
    ):
        futures = [pool.submit(_run_one, chapter, Path(work)) for chapter in order]
        for future in as_completed(futures):
            outcome = future.result()
            outcomes.append(outcome)
            on_done(outcome)
    return outcomes


#: The environment variable through which a worker learns the process it works for.
_PARENT = "DLGUIDE_EXECUTE_PARENT"


def _die_with_parent() -> None:
    """Make this worker end when the process that started it ends (Linux).

    Killed, a build would otherwise leave its workers running their chapters to the
    end, minutes of work for nobody, whose kernels can still write into the model and
    result caches. The parent's death sends the worker SIGTERM; its kernel, which
    watches the worker (``JPY_PARENT_PID``), then exits too. (Linux sends it when the
    thread that started the worker ends; :func:`run_parallel`'s threads live until their
    workers have.) Elsewhere this does nothing.
    """
    expected = os.environ.pop(_PARENT, "")
    if not sys.platform.startswith("linux") or not expected.isdigit():
        return
    import ctypes
    import signal

    pr_set_pdeathsig = 1
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM, 0, 0, 0)
    except (AttributeError, OSError):  # pragma: no cover - no prctl here
        return
    if os.getppid() != int(expected):  # the parent died before the link was made
        sys.exit(1)


def _worker(argv: list[str]) -> int:
    """Execute one notebook: ``IN OUT CWD TIMEOUT`` (see the module's docstring)."""
    import traceback

    _die_with_parent()

    # nbformat's jsonschema would import rfc3987_syntax (from JupyterLab's dependencies),
    # which takes seconds to compile its grammars; nbformat checks no IRI formats.
    sys.modules.setdefault("rfc3987_syntax", None)

    import nbformat
    from jupyter_cache.executors.utils import single_nb_execution

    given, done, cwd, timeout = argv
    notebook = nbformat.read(given, as_version=4)
    # The kernel is killed as soon as the last cell has replied, instead of being asked
    # to shut down: ipykernel often takes 2-3 s to exit (then jupyter_client waits,
    # sends SIGTERM, and waits again), and a chapter keeps nothing it has not written in
    # a cell.
    result = single_nb_execution(
        notebook,
        cwd=cwd,
        timeout=int(timeout),
        allow_errors=False,
        meta_override=True,
        shutdown_kernel="immediate",
    )
    error = None
    if result.err is not None:
        error = result.exc_string or "".join(traceback.format_exception(result.err))
    else:
        nbformat.write(notebook, done)
    Path(done).with_suffix(".json").write_text(json.dumps({"seconds": result.time, "error": error}))
    return 0


if __name__ == "__main__":
    sys.exit(_worker(sys.argv[1:]))
