"""The robustness record: every claim of every chapter under several seeds.

``nox -s robustness`` (``tools/robustness.py``) executes every chapter under seeds 0,
1 and 2 (``DLGUIDE_SEED``), in fresh kernels, with ``DLGUIDE_CLAIMS_SURVEY=1`` so that
a claim that fails is recorded instead of stopping the chapter, and writes
``docs/about/robustness.json``. The Robustness page shows it with
:func:`robustness_markdown`: per chapter, each claim's value under each seed and
whether its condition held, and whether the chapter's code (its code cells, or a
``dlguide`` module it imported) changed since the record was made.

A chapter whose lesson costs minutes per seed shows its spread from the record: it
names the results to collect with :func:`seed_results` (the run stores them per
seed, beside the claims), and reads them back with :func:`recorded_results`. A
single trained model's score, already a claim, shows its values under every seed
of the record with :func:`claim_seed_spread`.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dlguide._checks import check_real, check_str, describe
from dlguide.book.deps import source_hash

__all__ = [
    "RecordedResults",
    "claim_seed_spread",
    "code_hash",
    "recorded_results",
    "robustness_markdown",
    "seed_results",
]


def code_hash(chapter: str | os.PathLike[str]) -> str:
    """Return a SHA-256 over the code cells of the MyST chapter at ``chapter``.

    Prose edits leave it unchanged; any edit of a code cell changes it.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> page = Path(tempfile.mkdtemp()) / "a.md"
    >>> head = "---\\nkernelspec:\\n  name: python3\\n  display_name: Python 3\\n---\\n"
    >>> _ = page.write_text(head + "Prose.\\n\\n```{code-cell} ipython3\\nx = 1\\n```\\n")
    >>> before = code_hash(page)
    >>> _ = page.write_text(head + "Other prose.\\n\\n```{code-cell} ipython3\\nx = 1\\n```\\n")
    >>> code_hash(page) == before
    True
    """
    if not isinstance(chapter, (str, os.PathLike)):
        raise TypeError(f"chapter must be a path, got {describe(chapter)}")
    path = Path(chapter)
    if not path.is_file():
        raise ValueError(f"chapter must be an existing file, got {path}")
    import jupytext

    notebook = jupytext.read(path)
    digest = hashlib.sha256()
    for cell in notebook.cells:
        if cell.cell_type == "code":
            digest.update(cell.source.encode() + b"\0")
    return digest.hexdigest()


def _module_hashes(
    modules: Mapping[str, str], package_root: str | os.PathLike[str]
) -> dict[str, str]:
    """Return the current :func:`~dlguide.book.deps.source_hash` of each module in ``modules``.

    ``modules`` are paths under ``package_root``.

    A module that no longer exists maps to ``"missing"``.

    Examples
    --------
    >>> from pathlib import Path
    >>> import dlguide
    >>> root = Path(dlguide.__file__).parent
    >>> list(_module_hashes({"book/claims.py": "old"}, root))
    ['book/claims.py']
    """
    if not isinstance(modules, Mapping):
        raise TypeError(f"modules must be a mapping of module paths, got {describe(modules)}")
    if not isinstance(package_root, (str, os.PathLike)):
        raise TypeError(f"package_root must be a path, got {describe(package_root)}")
    root = Path(package_root)
    current = {}
    for relative in modules:
        check_str("modules' keys", relative)
        path = root / relative
        current[relative] = source_hash(path) if path.is_file() else "missing"
    return current


def _changed(entry: Mapping[str, Any], docs: Path, package_root: Path, doc: str) -> list[str]:
    reasons = []
    page = docs / f"{doc}.md"
    if not page.is_file():
        return ["the chapter no longer exists"]
    if code_hash(page) != entry.get("code_sha256"):
        reasons.append("its code cells")
    modules = entry.get("modules") or {}
    now = _module_hashes(modules, package_root)
    edited = sorted(m for m in modules if now[m] != modules[m])
    if edited:
        reasons.append("the modules " + ", ".join(f"`{m}`" for m in edited))
    return reasons


def _value_text(claim: Mapping[str, Any], seed: str) -> str:
    texts = claim.get("texts", {})
    if seed not in texts:
        return "not reached"
    mark = "" if claim["held"][seed] else " (**fails**)"
    return f"{texts[seed]}{mark}"


def robustness_markdown(
    record: Mapping[str, Any],
    docs_dir: str | os.PathLike[str],
    package_root: str | os.PathLike[str],
) -> str:
    """Return the robustness record as Markdown: a summary, then a table per chapter.

    Parameters
    ----------
    record
        The content of ``docs/about/robustness.json``.
    docs_dir
        The book's ``docs/`` folder, to tell which chapters changed since.
    package_root
        The ``dlguide`` package's folder, likewise.

    Examples
    --------
    >>> import dlguide, tempfile
    >>> from pathlib import Path
    >>> record = {"measured_at": "2026-12-02", "commit": "abc", "seeds": [0, 1],
    ...           "seconds": 60.0, "chapters": {}}
    >>> text = robustness_markdown(record, tempfile.mkdtemp(), Path(dlguide.__file__).parent)
    >>> text.splitlines()[0]
    'Recorded 2026-12-02 on commit `abc`, seeds 0, 1, in 1 min.'
    """
    if not isinstance(record, Mapping):
        raise TypeError(f"record must be a mapping (robustness.json), got {describe(record)}")
    for key in ("measured_at", "commit", "seeds", "seconds", "chapters"):
        if key not in record:
            raise ValueError(
                f"record lacks {key!r}: is it a robustness.json from nox -s robustness?"
            )
    for key in ("measured_at", "commit"):
        check_str(f"record[{key!r}]", record[key])
    if not isinstance(record["seeds"], list) or not all(
        isinstance(s, int) and not isinstance(s, bool) for s in record["seeds"]
    ):
        raise TypeError(f"record['seeds'] must be a list of integers, got {record['seeds']!r}")
    if check_real("record['seconds']", record["seconds"]) < 0:
        raise ValueError(f"record['seconds'] must be >= 0, got {record['seconds']}")
    if not isinstance(record["chapters"], Mapping):
        raise TypeError(f"record['chapters'] must be a mapping, got {describe(record['chapters'])}")
    for name, value in (("docs_dir", docs_dir), ("package_root", package_root)):
        if not isinstance(value, (str, os.PathLike)):
            raise TypeError(f"{name} must be a path, got {describe(value)}")
        if not os.fspath(value):
            raise ValueError(f"{name} must not be empty")
    docs, root = Path(docs_dir), Path(package_root)
    seeds = [str(s) for s in record["seeds"]]
    chapters = record["chapters"]
    total = held_all = 0
    failing: list[str] = []
    for doc, entry in chapters.items():
        for name, claim in entry.get("claims", {}).items():
            total += 1
            if all(claim["held"].get(s, False) for s in seeds):
                held_all += 1
            else:
                failing.append(f"`{doc}` `{name}`")
    minutes = record["seconds"] / 60
    lines = [
        f"Recorded {record['measured_at']} on commit `{record['commit']}`, seeds "
        f"{', '.join(seeds)}, in {minutes:.0f} min.",
        "",
        f"{held_all} of {total} claims held under every seed.",
        "",
    ]
    crashed = {
        doc: {s: e for s, e in entry.get("errors", {}).items() if e}
        for doc, entry in chapters.items()
    }
    crashed = {doc: e for doc, e in crashed.items() if e}
    if failing or crashed:
        lines += [":::{warning}"]
        if failing:
            lines += ["Claims that did not hold, or were not reached, under some seed: "
                      + "; ".join(failing) + "."]  # fmt: skip
        for doc, errors in crashed.items():
            seeds_text = ", ".join(errors)
            lines += ["", f"`{doc}` stopped with an error under seed {seeds_text}."]
        lines += [":::", ""]
    for doc, entry in chapters.items():
        reasons = _changed(entry, docs, root, doc)
        lines += [f"### `{doc}`", ""]
        own = entry.get("commit")
        if own and own != record["commit"]:  # added to the record by a later run with --only
            lines += [f"Recorded on commit `{own}`.", ""]
        if reasons:
            lines += [f"*Changed since this record:* {' and '.join(reasons)}.", ""]
        claims = entry.get("claims", {})
        if not claims:
            lines += ["No claims.", ""]
            continue
        header = "| claim | condition | " + " | ".join(f"seed {s}" for s in seeds) + " |"
        lines += [header, "| --- | --- | " + " | ".join("---:" for _ in seeds) + " |"]
        for name, claim in claims.items():
            cells = " | ".join(_value_text(claim, s) for s in seeds)
            volatile = " (volatile)" if claim.get("volatile") else ""
            lines.append(f"| `{name}`{volatile} | {claim['condition']} | {cells} |")
        lines.append("")
    return "\n".join(lines)


def seed_results(name: str, values: Mapping[str, float]) -> None:
    """Store results of the running chapter for the robustness run to collect.

    ``values`` maps a label (``"fine-tuning 100"``) to a number. An ordinary build
    stores nothing; the robustness run (``nox -s robustness``, which sets
    ``DLGUIDE_CLAIMS_SURVEY=1``) keeps ``values`` under each seed in the record, where
    :func:`recorded_results` finds them. Nothing is asserted: a chapter states its
    results with claims, this only makes their spread across seeds visible.

    Examples
    --------
    >>> import dlguide
    >>> dlguide.book.claims.set_chapter("demo")
    >>> seed_results("accuracy", {"model 100": 0.5})
    """
    from dlguide.book.claims import current_chapter

    check_str("name", name)
    if not isinstance(values, Mapping) or not values:
        raise TypeError(
            f"values must be a non-empty mapping of label to number, got {describe(values)}"
        )
    clean = {}
    for label, value in values.items():
        check_str("values' labels", label)
        number = check_real(f"values[{label!r}]", value)
        if not math.isfinite(number):
            raise ValueError(f"values[{label!r}] must be finite, got {number}")
        clean[label] = number
    chapter = current_chapter()
    if chapter is None:
        raise RuntimeError("seed_results needs a chapter: call dlguide.start_chapter first")
    folder = os.environ.get("DLGUIDE_CLAIMS_DIR")
    if not folder or os.environ.get("DLGUIDE_CLAIMS_SURVEY", "") != "1":
        return  # an ordinary build: only the robustness run collects them
    path = Path(folder) / f"{chapter}.results.json"
    stored = json.loads(path.read_text()) if path.is_file() else {}
    stored[name] = clean
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(stored, indent=1, sort_keys=True) + "\n")


@dataclass(frozen=True)
class RecordedResults:
    """What the robustness record holds for one name of :func:`seed_results`.

    ``values`` maps each seed (a string) to its ``{label: value}``; ``commit`` is the
    record's commit; ``changed`` lists what changed in the chapter since the record
    was made (empty when the record is current); ``held`` maps each of the chapter's
    claims in the record to whether it held under each seed.
    """

    values: dict[str, dict[str, float]]
    commit: str
    changed: tuple[str, ...]
    held: dict[str, dict[str, bool]] = field(default_factory=dict)

    def failing(self) -> list[str]:
        """Return the chapter's claims that did not hold under some seed of the record."""
        return sorted(name for name, by_seed in self.held.items() if not all(by_seed.values()))

    def table(self) -> Any:
        """Return a DataFrame: one row per label, one column per seed, then mean, min, max."""
        import pandas as pd

        frame = pd.DataFrame(self.values)
        frame.columns = [f"seed {s}" for s in frame.columns]
        seeds = list(frame.columns)
        return frame.assign(mean=frame[seeds].mean(axis=1), min=frame[seeds].min(axis=1),
                            max=frame[seeds].max(axis=1))  # fmt: skip


def _read_record(record: str | os.PathLike[str] | None) -> tuple[Path, dict[str, Any]]:
    """Read the record (by default ``docs/about/robustness.json``, found from the chapter's
    folder) and make it a dependency of the running chapter (a new record re-executes it)."""
    from dlguide.book.deps import note_file

    if record is None:
        record = Path.cwd().parent / "about" / "robustness.json"
    if not isinstance(record, (str, os.PathLike)):
        raise TypeError(f"record must be a path, got {describe(record)}")
    path = Path(record)
    note_file(path)
    if not path.is_file():
        raise FileNotFoundError(f"no robustness record at {path}: run nox -s robustness")
    return path, json.loads(path.read_text())


def recorded_results(
    doc: str, name: str, *, record: str | os.PathLike[str] | None = None
) -> RecordedResults:
    """Return the results that :func:`seed_results` stored as ``name`` in ``doc``'s record.

    ``record`` defaults to ``docs/about/robustness.json``, found from the chapter's
    folder (where the book executes it). The record becomes a dependency of the
    chapter (:func:`dlguide.book.deps.note_file`): a new record re-executes it.
    During the robustness run itself (``DLGUIDE_CLAIMS_SURVEY=1``), which is making
    the record, the results this run stored stand in, under its one seed.

    Raises
    ------
    LookupError
        When the record has no such chapter or name (run ``nox -s robustness``).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> path = Path(tempfile.mkdtemp()) / "robustness.json"
    >>> _ = path.write_text('{"commit": "abc", "chapters": {}}')
    >>> recorded_results("part/01-x", "accuracy", record=path)
    Traceback (most recent call last):
    ...
    LookupError: the robustness record has no chapter 'part/01-x': run nox -s robustness ...
    """
    from dlguide.book.claims import current_chapter
    from dlguide.book.seeding import chapter_seed

    check_str("doc", doc)
    check_str("name", name)
    folder = os.environ.get("DLGUIDE_CLAIMS_DIR")
    if os.environ.get("DLGUIDE_CLAIMS_SURVEY", "") == "1" and folder:
        # The robustness run is making the record: this run's own results stand in.
        own = Path(folder) / f"{current_chapter()}.results.json"
        stored = json.loads(own.read_text()) if own.is_file() else {}
        if name not in stored:
            raise LookupError(f"{name!r} was not stored by seed_results in this run")
        return RecordedResults({str(chapter_seed()): stored[name]}, "(this run)", ())
    path, content = _read_record(record)
    entry = content.get("chapters", {}).get(doc)
    if entry is None:
        raise LookupError(
            f"the robustness record has no chapter {doc!r}: run nox -s robustness -- --only {doc}"
        )
    values = entry.get("results", {}).get(name)
    if not values:
        raise LookupError(
            f"the robustness record of {doc!r} has no results {name!r}: "
            f"run nox -s robustness -- --only {doc}"
        )
    import dlguide

    docs = path.parent.parent
    changed = _changed(entry, docs, Path(dlguide.__file__).parent, doc)
    held = {name: dict(claim.get("held", {})) for name, claim in entry.get("claims", {}).items()}
    return RecordedResults(
        values={seed: dict(v) for seed, v in values.items()},
        commit=str(entry.get("commit") or content.get("commit", "")),
        changed=tuple(changed),
        held=held,
    )


class SeedSpread(str):
    """The text :func:`claim_seed_spread` glues; its ``repr`` is the text itself."""

    def __repr__(self) -> str:
        return str(self)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self))


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def claim_seed_spread(
    doc: str, claim_name: str, *, tol: float, record: str | os.PathLike[str] | None = None
) -> str:
    """Glue a claim's values under every seed of the robustness record, as ``<name>-seeds``.

    The text reads like "90.2%, 89.3% and 90.0% under seeds 0, 1 and 2", each value
    formatted as the claim formats it. ``claim_name`` must already be claimed in this
    chapter (:func:`~dlguide.book.claims.claim`). The record must be about the code
    that runs: the value this build computed must lie within ``tol`` of the record's
    value for the build's seed (another CPU may round a little differently), or the
    claim ``<name>-record-agrees`` fails and the build with it; run
    ``nox -s robustness -- --only <doc>`` then. During the robustness run itself,
    which is making the record, only this run's value is glued.

    ``record`` defaults to ``docs/about/robustness.json``, found from the chapter's
    folder; the record becomes a dependency of the chapter, like in
    :func:`recorded_results`.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from dlguide.book.claims import claim, set_chapter
    >>> set_chapter("demo")
    >>> _ = claim("demo-accuracy", 0.902, fmt=".1%", at_least=0.5, glue=False)
    >>> path = Path(tempfile.mkdtemp()) / "robustness.json"
    >>> _ = path.write_text(json.dumps({"chapters": {"part/01-demo": {"claims": {
    ...     "demo-accuracy": {"values": {"0": 0.902, "1": 0.893, "2": 0.9},
    ...                       "texts": {"0": "90.2%", "1": "89.3%", "2": "90.0%"}}}}}}))
    >>> claim_seed_spread("part/01-demo", "demo-accuracy", tol=0.02, record=path)
    90.2%, 89.3% and 90.0% under seeds 0, 1 and 2
    """
    from dlguide.book.claims import _state, claim
    from dlguide.book.seeding import chapter_seed

    check_str("doc", doc)
    check_str("claim_name", claim_name)
    tol = check_real("tol", tol)
    if tol <= 0:
        raise ValueError(f"tol must be positive, got {tol}")
    own = _state["claims"].get(claim_name)
    if own is None:
        raise LookupError(f"{claim_name!r} has not been claimed in this chapter: claim it first")
    seed = str(chapter_seed())
    if os.environ.get("DLGUIDE_CLAIMS_SURVEY", "") == "1":
        text = SeedSpread(f"{own['text']} under seed {seed} (this run)")
    else:
        entry = _read_record(record)[1].get("chapters", {}).get(doc, {})
        recorded = entry.get("claims", {}).get(claim_name)
        if not recorded or not recorded.get("values"):
            raise LookupError(
                f"the robustness record has no claim {claim_name!r} of {doc!r}: "
                f"run nox -s robustness -- --only {doc}"
            )
        seeds = sorted(recorded["values"], key=int)
        if seed in recorded["values"]:
            claim(f"{claim_name}-record-agrees", abs(own["value"] - recorded["values"][seed]),
                  fmt=".3g", at_most=tol, glue=False)  # fmt: skip
        texts = [recorded["texts"][s] for s in seeds]
        text = SeedSpread(f"{_listed(texts)} under seeds {_listed(seeds)}")
    from myst_nb import glue

    glue(f"{claim_name}-seeds", text, display=False)
    return text
