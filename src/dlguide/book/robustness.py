"""The robustness record: every claim of every chapter under several seeds.

``nox -s robustness`` (``tools/robustness.py``) executes every chapter under seeds 0,
1 and 2 (``DLGUIDE_SEED``), in fresh kernels, with ``DLGUIDE_CLAIMS_SURVEY=1`` so that
a claim that fails is recorded instead of stopping the chapter, and writes
``docs/about/robustness.json``. The Robustness page shows it with
:func:`robustness_markdown`: per chapter, each claim's value under each seed and
whether its condition held, and whether the chapter's code (its code cells, or a
``dlguide`` module it imported) changed since the record was made.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dlguide._checks import check_real, check_str, describe

__all__ = ["code_hash", "robustness_markdown"]


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
    """Return the current SHA-256 of each module in ``modules`` (paths under ``package_root``).

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
        current[relative] = (
            hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "missing"
        )
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
