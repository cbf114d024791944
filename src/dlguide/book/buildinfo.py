"""What the book was built with, and how long it takes: for the Reproducibility page."""

from __future__ import annotations

import importlib.metadata
import platform
from collections.abc import Mapping, Sequence
from typing import Any

from dlguide._checks import check_real, check_str, describe
from dlguide.tables import markdown_table

__all__ = ["KEY_PACKAGES", "benchmark_markdown", "versions_table"]

#: The packages whose versions decide the book's numbers and pages.
KEY_PACKAGES = (
    "torch", "keras", "numpy", "scikit-learn", "matplotlib", "transformers", "lightning",
    "sphinx", "myst-nb", "jupyter-cache", "sphinx-book-theme", "animal-shape-mnist",
)  # fmt: skip


def versions_table(packages: Sequence[str] = KEY_PACKAGES) -> str:
    """Return a Markdown table of Python's version and each installed package's version.

    Packages that are not installed are listed as "not installed".

    Examples
    --------
    >>> print(versions_table(["numpy"]).splitlines()[2].startswith("| Python |"))
    True
    """
    if isinstance(packages, str) or not isinstance(packages, Sequence):
        raise TypeError(f"packages must be a sequence of names, got {describe(packages)}")
    if not packages:
        raise ValueError("packages must name at least one package, got an empty sequence")
    rows = [("Python", platform.python_version())]
    for i, name in enumerate(packages):
        check_str(f"packages[{i}]", name)
        try:
            version = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            version = "not installed"
        rows.append((name, version))
    return markdown_table(["Package", "Version"], rows)


_BENCHMARK_LABELS = {
    "clean": "clean build (every chapter executed, every model trained)",
    "clean_models_cached": "clean build, trained models and experiment results in the cache",
    "nothing_changed": "rebuild, nothing changed",
    "prose_edit": "rebuild after a prose-only edit",
    "code_cell_edit": "rebuild after editing one code cell",
    "module_edit": "rebuild after editing a dlguide module",
    "module_edit_one_chapter": "rebuild after editing a module that one chapter imports",
    "module_edit_all": "rebuild after editing a module that every chapter imports",
    "restored": "rebuild after restoring those edits",
}


def _section(data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    if key not in data:
        raise ValueError(f"data lacks {key!r}: is it a benchmark.json written by nox -s bench?")
    if not isinstance(data[key], Mapping):
        raise TypeError(f"data[{key!r}] must be a mapping, got {describe(data[key])}")
    return data[key]


def _seconds(name: str, value: Any) -> float:
    seconds = check_real(name, value)
    if seconds < 0:
        raise ValueError(f"{name} must be a non-negative number of seconds, got {seconds}")
    return seconds


def benchmark_markdown(data: Mapping[str, Any]) -> str:
    """Return the benchmark that ``nox -s bench`` recorded as Markdown tables.

    ``data`` is the content of ``docs/about/benchmark.json``. Each build time is
    marked against its target, and a warning says when other work used more than
    a tenth of the machine's CPU time during the measurement.

    Examples
    --------
    >>> data = {"measured_at": "2026-11-29", "builds_seconds": {"clean": 891.3},
    ...         "machine": {"cpus": 2, "platform": "Linux", "python": "3.11",
    ...                     "load_average_start": [1.5], "load_average_end": [1.2],
    ...                     "other_cpu_share": 0.0},
    ...         "targets_seconds": {"clean": 600}, "import_dlguide_seconds": 0.08,
    ...         "edited": {"chapter": "a.md", "module": "b.py"},
    ...         "chapter_execution_seconds": {"a": 28.9}}
    >>> print(benchmark_markdown(data).splitlines()[4].replace(", every model trained", ""))
    | clean build (every chapter executed) | 891.3 | at most 600 s (**missed**) |
    """
    if not isinstance(data, Mapping):
        raise TypeError(f"data must be a mapping (benchmark.json), got {describe(data)}")
    builds = _section(data, "builds_seconds")
    chapters = _section(data, "chapter_execution_seconds")
    _section(data, "edited")
    for key, value in {**builds, **chapters}.items():
        _seconds(f"data's time for {key!r}", value)
    _seconds("data['import_dlguide_seconds']", data.get("import_dlguide_seconds"))
    targets = _section(data, "targets_seconds") if "targets_seconds" in data else {}
    machine = _section(data, "machine")
    others = machine.get("other_cpu_share")
    if others is None:  # a benchmark recorded before the share was measured
        busy = machine["load_average_start"][0] > 0.5 * machine["cpus"]
        seen = f"load average {machine['load_average_start'][0]:g} at the start"
    else:
        busy = others > 0.1
        seen = f"other processes used {others:.0%} of its CPU time meanwhile"
    lines = [
        f"Measured {data['measured_at']} on {machine['cpus']} CPU cores "
        f"({machine['platform']}, Python {machine['python']}); {seen}.",
        "",
    ]
    if busy:
        lines += [
            ":::{warning}",
            "Other work was using the machine during this measurement, so these times are "
            "inflated. Regenerate them on a quiet machine with `nox -s bench`.",
            ":::",
            "",
        ]

    edited = data["edited"]
    one_doc = edited.get("module_one_chapter_doc")
    if one_doc in chapters and "module_edit_one_chapter_overhead" in targets:
        # The target for an edit that one chapter sees: that chapter's time, plus a little.
        targets = {
            **targets,
            "module_edit_one_chapter": chapters[one_doc]
            + targets["module_edit_one_chapter_overhead"],
        }

    def goal(key: str, seconds: float) -> str:
        target = targets.get(key)
        if target is None:
            return ""
        return f"at most {target:g} s " + ("(met)" if seconds <= target else "(**missed**)")

    timings = [
        [_BENCHMARK_LABELS.get(key, key), f"{seconds:g}", goal(key, seconds)]
        for key, seconds in builds.items()
    ]
    imported = data["import_dlguide_seconds"]
    timings.append(
        ["`import dlguide`, fresh process", f"{imported:g}", goal("import_dlguide", imported)]
    )
    lines.append(
        markdown_table(["build", "seconds", "target"], timings, numeric=[False, True, True])
    )
    base = data.get("baseline")
    if isinstance(base, Mapping) and "clean_serial_seconds" in base:
        reference = _seconds(
            "data['baseline']['clean_serial_seconds']", base["clean_serial_seconds"]
        )
        wanted = base.get("target_ratios", {})
        rows = []
        for key, seconds in builds.items():
            ratio = seconds / reference
            aim = wanted.get(key)
            mark = "" if aim is None else f"at most {aim:g} " + (
                "(met)" if ratio <= aim else "(**missed**)")  # fmt: skip
            rows.append([_BENCHMARK_LABELS.get(key, key), f"{ratio:.2f}", mark])
        lines += [
            "",
            f"The same builds as a share of a clean build of commit `{base['commit']}`, one "
            f"chapter at a time, timed on this machine just "
            f"{'after' if base.get('timed') == 'after' else 'before'}: {reference:g} s.",
            "",
            markdown_table(["build", "share", "target"], rows, numeric=[False, True, True]),
        ]
    names = [v for k, v in edited.items() if not k.endswith("_doc") and isinstance(v, str)]
    lines += ["", "Edited: " + ", ".join(f"`{name}`" for name in names) + ".", ""]
    if isinstance(data.get("execution_jobs"), int):
        lines += [f"Chapters executed {data['execution_jobs']} at a time.", ""]
    pages = [[f"`{doc}`", f"{s:g}"] for doc, s in chapters.items()]
    lines.append(markdown_table(["page", "execution seconds"], pages, numeric=[False, True]))
    agree = data.get("cached_build_agrees", {})
    if agree:
        same = "stated the same" if agree["passed"] else "did **not** state the same"
        lines += [
            "",
            "The second clean build, which read its trained models and experiment results "
            f"back from the cache, {same} numbers as the first, which computed them "
            f"({agree['claims']} claims, every one not marked volatile compared).",
        ]
    verdict = data.get("determinism", {})
    if verdict:
        same = "stated the same" if verdict["passed"] else "did **not** state the same"
        how = {
            "recomputed": " with every experiment computed again",
            "from the result cache": " with the experiments' results read from the cache",
        }
        lines += [
            "",
            f"Every chapter, executed a second time in a fresh kernel"
            f"{how.get(verdict.get('results'), '')}, {same} numbers as the build (every "
            "claim not marked volatile compared).",
        ]
        if isinstance(verdict.get("scope"), str):
            lines[-1] += f" Scope: {verdict['scope']}."
    return "\n".join(lines)
