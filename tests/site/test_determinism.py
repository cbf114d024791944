"""Two executions of a chapter state the same numbers.

The build records every verified claim in ``docs/_build/claims/<chapter>.json``. This test
executes chapters once more, in fresh kernels set up exactly as the build sets them up
(``dlguide.book.sphinxext``), and requires every claim not marked ``volatile`` (timings and other
machine-dependent values) to have the same value and the same text as in the build.

Re-executing the whole book would double CI's execution time, so CI re-executes only the
chapters whose recorded execution time (jupyter-cache) is at most
``DLGUIDE_DETERMINISM_MAX_SECONDS`` (default 30 s; every page that takes longer is
still compared by ``nox -s bench``, which sets it to ``inf`` and re-executes them all).

Experiments that a chapter keeps in the result cache (:func:`dlguide.book.results.remember`)
are read back from it unless ``DLGUIDE_RESULT_CACHE=off`` is set: then this is a
comparison of two real executions (``nox -s bench`` sets it); otherwise it checks that a
chapter reading its results back states what the build stated.

The same chapters are executed once more under another seed (``DLGUIDE_SEED``, default 1,
set by ``DLGUIDE_OTHER_SEED``): there the values may differ, but every claim the build checked
must be checked again and hold (a claim that fails raises ``ClaimError`` and stops the
chapter). A claim that holds only for seed 0 states a lucky draw, not the method.
"""

from __future__ import annotations

import json
import math
import os
import re
import types
from pathlib import Path
from typing import Any

import pytest
from sitepages import ROOT, notebook_pages

BUILD = ROOT / "docs" / "_build"
MAX_SECONDS = float(os.environ.get("DLGUIDE_DETERMINISM_MAX_SECONDS", "30"))
OTHER_SEED = os.environ.get("DLGUIDE_OTHER_SEED", "1")


def execution_seconds() -> dict[str, float]:
    """Each executed page's latest execution time, from the build's jupyter-cache."""
    from jupyter_cache import get_cache

    latest: dict[str, Any] = {}
    for record in get_cache(str(BUILD / ".jupyter_cache")).list_cache_records():
        doc = Path(record.uri).relative_to(ROOT / "docs").with_suffix("").as_posix()
        if doc not in latest or record.created > latest[doc].created:
            latest[doc] = record
    return {doc: r.data.get("execution_seconds", math.inf) for doc, r in latest.items()}


def _chosen() -> list[Any]:
    seconds = execution_seconds()
    params = []
    for doc in notebook_pages():
        took = seconds.get(doc, math.inf)
        marks = []
        if took > MAX_SECONDS:
            marks = [pytest.mark.skip(reason=f"executes in {took:.0f} s > {MAX_SECONDS:g} s")]
        params.append(pytest.param(doc, id=doc, marks=marks))
    return params


def _claims(folder: Path) -> dict[str, dict[str, Any]]:
    found = {}
    for path in sorted(folder.glob("*.json")):
        for name, item in json.loads(path.read_text()).items():
            found[f"{path.stem}/{name}"] = item
    return found


def _execute(doc: str, folder: Path, **environment: str) -> None:
    """Execute ``doc`` in a fresh kernel set up as the build sets it up, plus ``environment``.

    Its claims are written to ``folder / "claims"``.
    """
    import jupytext
    from nbclient import NotebookClient

    from dlguide.book.sphinxext import _kernel_environment

    saved = dict(os.environ)
    try:
        # The build's kernel environment, with the claims written to a folder of our own.
        _kernel_environment(types.SimpleNamespace(outdir=str(folder / "html")), None)
        os.environ.pop("MPLBACKEND", None)  # the kernels use the inline backend, as in the build
        os.environ.pop("DLGUIDE_SEED", None)  # the build's seed, unless the caller sets one
        os.environ.update(environment)
        source = ROOT / "docs" / f"{doc}.md"
        notebook = jupytext.read(source)
        NotebookClient(
            notebook, timeout=600, kernel_name="python3",
            resources={"metadata": {"path": str(source.parent)}},
        ).execute()  # fmt: skip
    finally:
        os.environ.clear()
        os.environ.update(saved)


@pytest.mark.parametrize("doc", _chosen())
def test_reexecution_states_the_same_numbers(doc: str, tmp_path: Path):
    _execute(doc, tmp_path)
    again = _claims(tmp_path / "claims")
    built = _claims(BUILD / "claims")
    stable = {k: v for k, v in again.items() if not v["volatile"]}
    missing = sorted(k for k in again if k not in built)
    assert missing == [], "claims that the build did not record"
    changed = {
        k: (built[k]["text"], v["text"])
        for k, v in stable.items()
        if (built[k]["value"], built[k]["text"]) != (v["value"], v["text"])
    }
    assert changed == {}, "claims whose value differs between the build and a re-execution"


@pytest.mark.parametrize("doc", _chosen())
def test_claims_hold_under_another_seed(doc: str, tmp_path: Path):
    from nbclient.exceptions import CellExecutionError

    try:
        _execute(doc, tmp_path, DLGUIDE_SEED=OTHER_SEED)
    except CellExecutionError as error:
        # The kernel's traceback ends with the ClaimError (or assertion) that stopped it.
        pytest.fail(f"{doc} under DLGUIDE_SEED={OTHER_SEED}: {error}", pytrace=False)
    again = _claims(tmp_path / "claims")
    source = (ROOT / "docs" / f"{doc}.md").read_text()
    chapter = re.search(r"start_chapter\(\s*[\"']([^\"']+)", source)
    name = chapter[1] if chapter else None
    built = {k for k in _claims(BUILD / "claims") if k.split("/")[0] == name}
    unchecked = sorted(built - set(again))
    assert unchecked == [], f"claims the build checked that DLGUIDE_SEED={OTHER_SEED} did not"
