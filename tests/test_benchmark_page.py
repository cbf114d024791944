"""The Reproducibility page's benchmark tables, rendered from docs/about/benchmark.json."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from dlguide.book.buildinfo import benchmark_markdown as render

ROOT = Path(__file__).resolve().parents[1]


def _data(**machine: object) -> dict:
    return {
        "measured_at": "2026-11-29T10:00:00+00:00",
        "machine": {
            "cpus": 2,
            "platform": "Linux-x86_64",
            "python": "3.11.7",
            "load_average_start": [1.5, 1.2, 1.0],
            "load_average_end": [1.2, 1.1, 1.0],
            **machine,
        },
        "edited": {"chapter": "docs/a/01-x.md", "module": "src/dlguide/book/claims.py"},
        "builds_seconds": {"clean": 891.3, "nothing_changed": 2.7},
        "chapter_execution_seconds": {"a/01-x": 28.94},
        "import_dlguide_seconds": 0.077,
        "targets_seconds": {"clean": 600.0, "nothing_changed": 10.0, "import_dlguide": 0.5},
        "determinism": {"passed": True, "seconds": 915.2},
    }


def test_quiet_machine_is_not_flagged():
    # The build itself keeps the load average near the core count; only other work counts.
    text = render(_data(other_cpu_share=0.01))
    assert "other processes used 1% of its CPU time" in text
    assert "{warning}" not in text


def test_busy_machine_is_flagged():
    assert ":::{warning}" in render(_data(other_cpu_share=0.3))


@pytest.mark.parametrize(("load", "flagged"), [(1.5, True), (0.4, False)])
def test_benchmarks_without_the_share_fall_back_to_the_load(load, flagged):
    text = render(_data(load_average_start=[load, 0, 0]))
    assert f"load average {load:g} at the start" in text
    assert (":::{warning}" in text) is flagged


def test_targets_are_marked_met_or_missed():
    text = render(_data(other_cpu_share=0.0))
    assert (
        "| clean build (every chapter executed, every model trained) | 891.3 "
        "| at most 600 s (**missed**) |"
    ) in text
    assert "| rebuild, nothing changed | 2.7 | at most 10 s (met) |" in text
    assert "| `import dlguide`, fresh process | 0.077 | at most 0.5 s (met) |" in text
    assert "| `a/01-x` | 28.94 |" in text
    assert "stated the same numbers" in text


def test_builds_as_a_share_of_the_baseline_build():
    data = _data(other_cpu_share=0.0)
    data["baseline"] = {"commit": "862d1d8", "clean_serial_seconds": 1782.6,
                        "target_ratios": {"clean": 0.5}}  # fmt: skip
    text = render(data)
    assert "a clean build of commit `862d1d8`, one chapter at a time" in text
    assert "1782.6 s" in text
    # 891.3 / 1782.6 = 0.5: met, just; the nothing-changed build has no ratio target
    assert (
        "| clean build (every chapter executed, every model trained) | 0.50 | at most 0.5 (met) |"
        in text
    )
    assert "| rebuild, nothing changed | 0.00 |  |" in text
    assert "of commit" not in render(_data(other_cpu_share=0.0))
    assert "timed on this machine just before: 1782.6 s" in text  # as --baseline times it
    data["baseline"]["timed"] = "after"  # nox -s bench -- --add-baseline REV, after a bench
    assert "timed on this machine just after: 1782.6 s" in render(data)


def test_one_chapter_edit_is_held_to_that_chapters_time():
    data = _data(other_cpu_share=0.0)
    data["edited"] = {
        "chapter": "docs/a/01-x.md",
        "module_one_chapter": "src/dlguide/x.py",
        "module_one_chapter_doc": "a/01-x",
        "module_all": "src/dlguide/book/claims.py",
    }
    data["targets_seconds"]["module_edit_one_chapter_overhead"] = 15.0
    data["builds_seconds"]["module_edit_one_chapter"] = 40.0
    data["execution_jobs"] = 2
    text = render(data)
    # a/01-x executes in 28.94 s: the target is 43.94 s
    assert (
        "| rebuild after editing a module that one chapter imports | 40 | at most 43.94 s (met) |"
        in text
    )
    assert "Edited: `docs/a/01-x.md`, `src/dlguide/x.py`, `src/dlguide/book/claims.py`." in text
    assert "Chapters executed 2 at a time." in text


def test_failed_determinism_is_said():
    data = _data(other_cpu_share=0.0)
    data["determinism"]["passed"] = False
    assert "did **not** state the same" in render(data)


def test_the_cached_build_comparison_is_said():
    data = _data(other_cpu_share=0.0)
    data["cached_build_agrees"] = {"passed": True, "claims": 511, "differ": []}
    data["determinism"]["results"] = "recomputed"
    text = render(data)
    assert (
        "read its trained models and experiment results back from the cache, stated the same"
        in text
    )
    assert "(511 claims," in text
    assert "fresh kernel with every experiment computed again, stated the same" in text
    data["cached_build_agrees"]["passed"] = False
    assert "from the cache, did **not** state the same numbers" in render(data)


def test_the_recorded_benchmark_renders():
    recorded = ROOT / "docs" / "about" / "benchmark.json"
    if not recorded.exists():
        pytest.skip("no benchmark recorded yet")
    data = json.loads(recorded.read_text())
    text = render(data)
    label = "clean build (every chapter executed, every model trained)"
    assert f"| {label} | {data['builds_seconds']['clean']:g} |" in text


@pytest.mark.parametrize(
    ("change", "error", "match"),
    [
        (lambda d: d.pop("machine"), ValueError, "data lacks 'machine'"),
        (
            lambda d: d.update(builds_seconds=[1.0]),
            TypeError,
            r"data\['builds_seconds'\] must be a",
        ),
        (lambda d: d["builds_seconds"].update(clean=math.nan), ValueError, "time for 'clean'"),
        (lambda d: d["builds_seconds"].update(clean="fast"), TypeError, "time for 'clean'"),
        (lambda d: d.update(import_dlguide_seconds=-1.0), ValueError, "import_dlguide_seconds"),
    ],
)
def test_a_malformed_benchmark_is_refused_by_name(change, error, match):
    data = _data(other_cpu_share=0.0)
    change(data)
    with pytest.raises(error, match=match):
        render(data)
