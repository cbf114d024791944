"""Robustness run: execute every chapter under several seeds and record every claim.

Run through ``nox -s robustness`` (in the book environment); ``-- --seeds 0 1 2``
(the default) and ``--jobs N`` (default: the machine's cores) change what and how
many at once. Each chapter executes in a fresh kernel set up as the build sets it up
(:mod:`dlguide.book.sphinxext`), with ``DLGUIDE_SEED`` set and
``DLGUIDE_CLAIMS_SURVEY=1`` (a failing claim is recorded, not raised). Trained models
come from the model cache, which keys them by seed, so other seeds train their own.

Writes ``docs/about/robustness.json``: the commit, the package fingerprint, the
seeds, the run's time, and per chapter its code hash, the ``dlguide`` modules it
imported (with their hashes) and per claim its condition, and its value, text and
whether it held under each seed. The Robustness page shows it.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
RESULT = DOCS / "about" / "robustness.json"
PACKAGE = ROOT / "src" / "dlguide"


def main(argv: list[str] | None = None) -> int:
    sys.path.insert(0, str(ROOT / "src"))
    import jupytext
    import nbformat

    from dlguide.book.deps import environment_hash
    from dlguide.book.execute import Chapter, job_count, run_parallel
    from dlguide.book.robustness import code_hash
    from dlguide.book.sphinxext import _forget_if_edited, _kernel_environment, _sources

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument(
        "--only", nargs="*", default=None, help="page names, e.g. foundations/05-optimizers"
    )
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="dlguide-robustness-"))
    _kernel_environment(types.SimpleNamespace(outdir=str(work / "html")), None)
    os.environ.pop("MPLBACKEND", None)  # the kernels use the inline backend, as in the build
    pages = sorted(DOCS.glob("*/[0-9][0-9]-*.md"))
    if args.only:
        pages = [p for p in pages if p.relative_to(DOCS).with_suffix("").as_posix() in args.only]
    seconds = {}
    bench = DOCS / "about" / "benchmark.json"
    if bench.is_file():
        seconds = json.loads(bench.read_text()).get("chapter_execution_seconds", {})

    chapters = []
    for page in pages:
        doc = page.relative_to(DOCS).with_suffix("").as_posix()
        for seed in args.seeds:
            notebook = jupytext.read(page)
            deps = work / f"seed-{seed}" / "deps"
            notebook.cells.append(
                nbformat.v4.new_code_cell(
                    "import dlguide.book.deps\n"
                    f"dlguide.book.deps.record_imports({doc!r}, 'robustness', folder={str(deps)!r})"
                )
            )
            env = dict(os.environ)
            env.update(
                {
                    "DLGUIDE_SEED": str(seed),
                    "DLGUIDE_CLAIMS_SURVEY": "1",
                    "DLGUIDE_CLAIMS_DIR": str(work / f"seed-{seed}" / "claims"),
                }
            )
            # Per cell: a guard against a hung cell, with room for training under a busy machine.
            chapters.append(Chapter(doc, notebook, page.parent, 3600, page, env, f"seed{seed}"))

    errors: dict[str, dict[str, str | None]] = {}

    def done(outcome) -> None:
        seed = outcome.chapter.label.removeprefix("seed")
        error = outcome.error
        if error is not None:
            last = [line for line in error.strip().splitlines() if line.strip()]
            error = last[-1][:300] if last else "failed"
        errors.setdefault(outcome.chapter.doc, {})[seed] = error
        status = "ok" if error is None else f"FAILED: {error}"
        print(f"robustness: {outcome.chapter.doc} seed {seed}: {outcome.seconds:.0f} s {status}",
              flush=True)  # fmt: skip

    jobs = args.jobs or job_count()
    print(f"robustness: {len(chapters)} runs ({len(pages)} chapters x seeds {args.seeds}), "
          f"{jobs} at a time", flush=True)  # fmt: skip
    start = time.perf_counter()
    # The sources the chapters run: the record pins each chapter's modules to these, so
    # that a module edited while they run shows as changed since the record.
    before, began = _sources(PACKAGE), time.time()
    run_parallel(chapters, jobs=jobs, seconds=seconds, on_done=done)
    elapsed = time.perf_counter() - start
    said = _forget_if_edited(PACKAGE, before, began)
    if said:
        print(f"robustness: {said}. The chapters that imported them are recorded as changed "
              "since this run.", flush=True)  # fmt: skip
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                            capture_output=True, text=True).stdout.strip()  # fmt: skip
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "src", "docs"], cwd=ROOT,
                           capture_output=True, text=True).stdout.strip()  # fmt: skip
    commit += " (with uncommitted changes)" if dirty else ""

    record_chapters = {}
    for page in pages:
        doc = page.relative_to(DOCS).with_suffix("").as_posix()
        claims: dict[str, dict] = {}
        modules: dict[str, str] = {}
        for seed in args.seeds:
            deps_file = work / f"seed-{seed}" / "deps" / (doc.replace("/", "--") + ".json")
            if deps_file.is_file() and not modules:
                ran = json.loads(deps_file.read_text())["modules"]
                modules = {m: before.get(m, "missing") for m in ran}
        for seed in args.seeds:
            s = str(seed)
            for item in _claims_of(work / f"seed-{seed}" / "claims", doc, page):
                name = item["name"]
                entry = claims.setdefault(
                    name,
                    {"condition": item["condition"], "volatile": item["volatile"],
                     "values": {}, "texts": {}, "held": {}},
                )  # fmt: skip
                entry["values"][s] = item["value"]
                entry["texts"][s] = item["text"]
                entry["held"][s] = item.get("held", True)
        for entry in claims.values():
            for seed in args.seeds:
                entry["held"].setdefault(str(seed), False)  # not reached: the chapter stopped
        results: dict[str, dict[str, dict]] = {}
        for seed in args.seeds:
            for name, values in _results_of(work / f"seed-{seed}" / "claims", page).items():
                results.setdefault(name, {})[str(seed)] = values
        record_chapters[doc] = {
            "commit": commit,  # a run with --only adds to an older record: each says its own
            "code_sha256": code_hash(page),
            "modules": modules,
            "errors": errors.get(doc, {}),
            "claims": claims,
            **({"results": results} if results else {}),
        }
    record = {
        "measured_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "commit": commit,
        "fingerprint": environment_hash(PACKAGE),
        "seeds": args.seeds,
        "jobs": jobs,
        "seconds": round(elapsed, 1),
        "chapters": record_chapters,
    }
    if args.only and RESULT.is_file():  # keep the other chapters' entries
        old = json.loads(RESULT.read_text())
        if old.get("seeds") == args.seeds:
            record["chapters"] = {**old["chapters"], **record_chapters}
            # the header stays the full run's; this run is listed after it
            rerun = {k: record[k] for k in ("measured_at", "commit", "seconds")}
            record.update({k: old[k] for k in ("measured_at", "commit", "jobs", "seconds")})
            record["reruns"] = [
                *old.get("reruns", []),
                {**rerun, "chapters": list(record_chapters)},
            ]
    RESULT.write_text(json.dumps(record, indent=1, sort_keys=False) + "\n")
    failing = [
        f"{doc} {name}"
        for doc, entry in record_chapters.items()
        for name, claim in entry["claims"].items()
        if not all(claim["held"].values())
    ]
    crashed = [doc for doc, e in errors.items() if any(e.values())]
    print(f"robustness: {elapsed:.0f} s; wrote {RESULT.relative_to(ROOT)}; {len(failing)} "
          f"claims failed under some seed, {len(crashed)} chapters stopped")  # fmt: skip
    for line in failing:
        print(f"  claim failed: {line}")
    for doc in crashed:
        print(f"  stopped: {doc}: {errors[doc]}")
    return 1 if failing or crashed else 0


def _chapter_name(page: Path) -> str | None:
    import re

    match = re.search(r'start_chapter\(\s*"([^"]+)"', page.read_text())
    return match.group(1) if match else None


def _results_of(folder: Path, page: Path) -> dict[str, dict]:
    """The results the run of ``page`` stored with dlguide.book.robustness.seed_results."""
    name = _chapter_name(page)
    path = folder / f"{name}.results.json"
    return json.loads(path.read_text()) if name and path.is_file() else {}


def _claims_of(folder: Path, doc: str, page: Path) -> list[dict]:
    """The claims the run of ``page`` recorded (its file is named after start_chapter)."""
    name = _chapter_name(page)
    if not name or not folder.is_dir():
        return []
    path = folder / f"{name}.json"
    if not path.is_file():
        return []
    return [{"name": k, **v} for k, v in json.loads(path.read_text()).items()]


if __name__ == "__main__":
    sys.exit(main())
