"""Build benchmark: how long the book takes to build, clean and incrementally.

Run through ``nox -s bench`` (in the book environment). It times, with ``sphinx-build``
exactly as ``nox -s docs`` runs it:

1. a clean build (``docs/_build`` removed, every chapter executed) with an empty model
   cache, as on a new machine;
2. a clean build again, with the model cache the first one filled;
3. a rebuild with nothing changed;
4. a rebuild after a prose-only edit of the first chapter;
5. a rebuild after editing one code cell of that chapter (it re-executes);
6. a rebuild after editing a ``dlguide`` module that only one chapter imports (that
   chapter alone re-executes; the module is picked from the build's import records);
7. a rebuild after editing a module every chapter imports (the claims: all re-execute);

then restores every edited file (also on failure or Ctrl-C) and rebuilds, records each
chapter's execution time from jupyter-cache and the time of ``import dlguide`` in a fresh
process, checks that the second clean build, which read its models and experiment
results from the cache, states every number the first one computed, re-executes every
chapter with the result cache off to check that it states the same numbers again
(tests/site/test_determinism.py; ``--determinism-from-cache`` lets the re-execution read
the cached results, which is quicker and checks less), and writes
``docs/about/benchmark.json``, which the Reproducibility page shows.

Machines differ by up to twice in speed, so ``--baseline REV`` (``nox -s bench --
--baseline 862d1d8``, the commit whose benchmark issue 14 quotes) first times a clean
build of that commit, one chapter at a time as it built then, in a worktree of its own
with an empty model cache, and the record gives every build also as a ratio to it.
``--add-baseline REV`` times that build after a bench instead, on the same machine, and
adds it to that bench's record.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import platform
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
BUILD = DOCS / "_build"
RESULT = DOCS / "about" / "benchmark.json"
MODULE = ROOT / "src" / "dlguide" / "book" / "claims.py"
PACKAGE = ROOT / "src" / "dlguide"
MARK = "edited by the build benchmark"
# Issue 14's targets on the 2-core reference machine; "module_edit_one_chapter" is that
# chapter's own execution time plus 15 s.
TARGETS = {
    "clean": 420.0,
    "clean_models_cached": 300.0,
    "nothing_changed": 5.0,
    "module_edit_one_chapter_overhead": 15.0,
    "import_dlguide": 0.3,
}
MODELS = BUILD.parent / "_bench-models"  # the benchmark's own model cache, emptied first


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["DLGUIDE_MODEL_CACHE"] = str(MODELS)
    env.pop("MPLBACKEND", None)  # the kernels use the inline backend
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    return env


def build(label: str) -> float:
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-W", "-n", "--keep-going", "-q"]
    start = time.perf_counter()
    subprocess.run([*command, str(DOCS), str(BUILD / "html")], check=True, env=_env())
    seconds = time.perf_counter() - start
    print(f"bench: {label}: {seconds:.1f} s", flush=True)
    return seconds


@contextlib.contextmanager
def edited(path: Path, change: Callable[[str], str]) -> Iterator[None]:
    """Change ``path`` for the duration of the block; restore it afterwards, whatever happens."""
    original = path.read_bytes()
    backup = BUILD / "bench-backup" / path.name
    backup.parent.mkdir(parents=True, exist_ok=True)
    backup.write_bytes(original)  # if this process is killed, the original is still here
    path.write_text(change(original.decode("utf-8")), encoding="utf-8")
    try:
        yield
    finally:
        path.write_bytes(original)
        backup.unlink()


def add_prose(text: str) -> str:
    return text.rstrip("\n") + f"\n\nThis sentence was {MARK}.\n"


def edit_first_code_cell(text: str) -> str:
    """Add a comment as the last line of the first code cell (its output is unchanged)."""
    lines = text.split("\n")
    opening = next(i for i, line in enumerate(lines) if line.startswith("```{code-cell}"))
    fence = lines[opening][: len(lines[opening]) - len(lines[opening].lstrip("`"))]
    closing = next(i for i in range(opening + 1, len(lines)) if lines[i].strip() == fence)
    return "\n".join([*lines[:closing], f"# {MARK}", *lines[closing:]])


def add_module_code(text: str) -> str:
    # a line of code: a comment or a docstring would not count (deps.source_hash)
    return text + f"\n_BENCH_EDIT = {MARK!r}\n"


def module_of_one_chapter(seconds: dict[str, float]) -> tuple[Path, str]:
    """A dlguide module that exactly one chapter imported (the fastest such chapter's)."""
    users: dict[str, set[str]] = {}
    for record in sorted((BUILD / ".dlguide-deps").glob("*.json")):
        data = json.loads(record.read_text())
        if "modules" not in data:
            continue
        for module in data["modules"]:
            users.setdefault(module, set()).add(data["doc"])
    single = [(seconds.get(next(iter(d)), float("inf")), m, next(iter(d)))
              for m, d in users.items() if len(d) == 1]  # fmt: skip
    if not single:
        raise SystemExit("bench: no dlguide module is imported by exactly one chapter")
    _, module, doc = min(single)
    return PACKAGE / module, doc


def chapter_seconds() -> dict[str, float]:
    """Each executed page's latest execution time, as jupyter-cache recorded it."""
    from jupyter_cache import get_cache

    latest: dict[str, tuple] = {}
    for record in get_cache(str(BUILD / ".jupyter_cache")).list_cache_records():
        doc = Path(record.uri).relative_to(DOCS).with_suffix("").as_posix()
        seconds = record.data.get("execution_seconds")
        if seconds is not None and (doc not in latest or record.created > latest[doc][0]):
            latest[doc] = (record.created, seconds)
    return {doc: round(latest[doc][1], 2) for doc in sorted(latest)}


def busy_seconds() -> float | None:
    """CPU seconds the whole machine has spent busy since boot (Linux), or None elsewhere."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()
    except OSError:
        return None
    if fields[0] != "cpu" or len(fields) < 8:
        return None
    user, nice, system, _idle, _iowait, irq, softirq = (int(x) for x in fields[1:8])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def own_seconds() -> float:
    """CPU seconds used by this process and the builds it ran (Sphinx and its kernels)."""
    mine = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return mine.ru_utime + mine.ru_stime + children.ru_utime + children.ru_stime


def other_share(busy_start: float | None, own_start: float, wall: float) -> float | None:
    """The share of the machine's CPU time that other work used while the builds ran.

    The load average cannot tell: the build itself keeps it near the number of cores.
    This counts the machine's busy CPU time and subtracts what the benchmark's own
    processes used; 0 means nothing else ran.
    """
    busy_end = busy_seconds()
    if busy_start is None or busy_end is None or wall <= 0:
        return None
    other = (busy_end - busy_start) - (own_seconds() - own_start)
    return round(max(other, 0.0) / (wall * (os.cpu_count() or 1)), 3)


def import_seconds(repeats: int = 5) -> float:
    code = "import time; t = time.perf_counter(); import dlguide; print(time.perf_counter() - t)"
    times = [
        float(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                             text=True, env=_env()).stdout)
        for _ in range(repeats)
    ]  # fmt: skip
    return round(statistics.median(times), 3)


def _jobs() -> int:
    sys.path.insert(0, str(ROOT / "src"))
    from dlguide.book.execute import job_count

    return job_count()


def claims_now() -> dict[str, dict]:
    """Every claim the last build recorded (docs/_build/claims), by chapter/name."""
    found = {}
    for path in sorted((BUILD / "claims").glob("*.json")):
        for name, item in json.loads(path.read_text()).items():
            found[f"{path.stem}/{name}"] = item
    return found


def same_claims(computed: dict[str, dict], cached: dict[str, dict]) -> dict[str, object]:
    """Compare two builds' claims: every claim that is not volatile must state the same."""
    differ = sorted(
        name
        for name, item in computed.items()
        if not item.get("volatile")
        and (name not in cached or (cached[name]["value"], cached[name]["text"])
             != (item["value"], item["text"]))
    )  # fmt: skip
    return {"passed": not differ and bool(computed), "claims": len(computed), "differ": differ}


def determinism(recompute: bool) -> dict[str, object]:
    env = _env() | {"DLGUIDE_SITE_TESTS": "1", "DLGUIDE_DETERMINISM_MAX_SECONDS": "inf"}
    if recompute:  # every experiment runs again: two real executions are compared
        env["DLGUIDE_RESULT_CACHE"] = "off"
    start = time.perf_counter()
    result = subprocess.run(
        # The same seed only: the other seeds are the robustness run's (nox -s robustness).
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-k", "reexecution",
         str(ROOT / "tests" / "site" / "test_determinism.py")],
        env=env, check=False,
    )  # fmt: skip
    return {
        "passed": result.returncode == 0,
        "seconds": round(time.perf_counter() - start, 1),
        "results": "recomputed" if recompute else "from the result cache",
    }


def baseline(rev: str) -> dict[str, object]:
    """Time a clean build of commit ``rev`` (serial, empty model cache) in a worktree."""
    folder = BUILD.parent / "_bench-baseline"
    shutil.rmtree(folder, ignore_errors=True)
    subprocess.run(["git", "worktree", "prune"], cwd=ROOT, check=True)
    subprocess.run(["git", "worktree", "add", "--detach", str(folder), rev], cwd=ROOT, check=True)
    try:
        if (ROOT / "node_modules").exists():
            (folder / "node_modules").symlink_to(ROOT / "node_modules")
        env = _env() | {"PYTHONPATH": str(folder / "src"), "DLGUIDE_JOBS": "1",
                        "DLGUIDE_MODEL_CACHE": str(folder / "_models")}  # fmt: skip
        command = [sys.executable, "-m", "sphinx", "-b", "html", "-W", "-n", "--keep-going", "-q"]
        start = time.perf_counter()
        subprocess.run([*command, str(folder / "docs"), str(folder / "docs" / "_build" / "html")],
                       check=True, env=env, cwd=folder)  # fmt: skip
        seconds = time.perf_counter() - start
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(folder)], cwd=ROOT,
                       check=False)  # fmt: skip
    print(f"bench: baseline {rev}, clean serial build: {seconds:.1f} s", flush=True)
    commit = subprocess.run(["git", "rev-parse", "--short", rev], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout.strip()  # fmt: skip
    return {"commit": commit, "clean_serial_seconds": round(seconds, 1)}


def with_baseline(result: dict[str, object], base: dict[str, object]) -> dict[str, object]:
    """``result`` with the baseline ``base`` and every build as a share of it."""
    denominator = float(base["clean_serial_seconds"])
    builds = result["builds_seconds"]
    return result | {"baseline": base | {
        "ratios": {k: round(v / denominator, 3) for k, v in builds.items()},
        "target_ratios": {"clean": 0.5, "clean_models_cached": 0.36},
    }}  # fmt: skip


def add_baseline(rev: str) -> int:
    """Time the baseline right after a bench, on the same machine, and add it to its record."""
    result = json.loads(RESULT.read_text())
    if result.get("machine", {}).get("platform") != platform.platform():
        raise SystemExit(
            f"bench: {RESULT.name} was measured on another machine "
            f"({result.get('machine', {}).get('platform')}): run the whole bench"
        )
    RESULT.write_text(json.dumps(with_baseline(result, baseline(rev) | {"timed": "after"}),
                                 indent=1) + "\n")  # fmt: skip
    print(f"bench: added the baseline to {RESULT.relative_to(ROOT)}")
    build("rebuild, so that the Reproducibility page shows the results")
    return 0


def main() -> int:
    # A stopped benchmark (CI timeout, kill) still restores the files it edited.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if "--add-baseline" in sys.argv:  # to the record of the bench just run here
        return add_baseline(sys.argv[sys.argv.index("--add-baseline") + 1])
    base = None
    if "--baseline" in sys.argv:
        rev = sys.argv[sys.argv.index("--baseline") + 1]
        base = baseline(rev) | {"timed": "before"}
    chapters = sorted(DOCS.glob("*/[0-9][0-9]-*.md"))
    if not chapters:
        raise SystemExit("bench: no chapter (docs/<part>/NN-name.md) to edit")
    chapter = chapters[0]
    load_start = os.getloadavg()
    started = datetime.datetime.now(datetime.UTC)
    busy_start, own_start, wall_start = busy_seconds(), own_seconds(), time.perf_counter()
    shutil.rmtree(BUILD, ignore_errors=True)
    shutil.rmtree(MODELS, ignore_errors=True)
    builds = {"clean": build("clean build, empty model cache")}
    per_chapter = chapter_seconds()
    computed = claims_now()
    shutil.rmtree(BUILD, ignore_errors=True)
    builds["clean_models_cached"] = build("clean build, model cache filled")
    cached_agree = same_claims(computed, claims_now())
    print(f"bench: the cached build states the same numbers: {cached_agree['passed']}", flush=True)
    builds["nothing_changed"] = build("nothing changed")
    single_module, single_doc = module_of_one_chapter(per_chapter)
    try:
        with edited(chapter, add_prose):
            builds["prose_edit"] = build(f"prose edit in {chapter.name}")
        with edited(chapter, edit_first_code_cell):
            builds["code_cell_edit"] = build(f"code-cell edit in {chapter.name}")
        with edited(single_module, add_module_code):
            builds["module_edit_one_chapter"] = build(
                f"edit of {single_module.name} (imported by {single_doc} only)"
            )
        with edited(MODULE, add_module_code):
            builds["module_edit_all"] = build(f"edit of {MODULE.name} (imported by every chapter)")
    finally:
        builds["restored"] = build("rebuild after restoring the edited files")
    others = other_share(busy_start, own_start, time.perf_counter() - wall_start)
    result = {
        "measured_at": started.isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "load_average_start": [round(x, 2) for x in load_start],
            "load_average_end": [round(x, 2) for x in os.getloadavg()],
            "other_cpu_share": others,
        },
        "edited": {
            "chapter": chapter.relative_to(ROOT).as_posix(),
            "module_one_chapter": single_module.relative_to(ROOT).as_posix(),
            "module_one_chapter_doc": single_doc,
            "module_all": MODULE.relative_to(ROOT).as_posix(),
        },
        "execution_jobs": _jobs(),
        "builds_seconds": {k: round(v, 1) for k, v in builds.items()},
        "chapter_execution_seconds": per_chapter,
        "import_dlguide_seconds": import_seconds(),
        "targets_seconds": TARGETS,
        # The clean build read its models and experiment results back from the cache: it
        # must state every number the build that computed them stated.
        "cached_build_agrees": cached_agree,
        "determinism": determinism(recompute="--determinism-from-cache" not in sys.argv),
    }
    if base is not None:
        result = with_baseline(result, base)
    RESULT.write_text(json.dumps(result, indent=1) + "\n")
    print(f"bench: wrote {RESULT.relative_to(ROOT)}")
    build("rebuild, so that the Reproducibility page shows the results")
    print(json.dumps(result, indent=1))
    return 0 if result["determinism"]["passed"] and cached_agree["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
