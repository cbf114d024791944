"""The Robustness page: values per seed, failures flagged, and what changed since the record."""

from __future__ import annotations

from dlguide.book.deps import source_hash
from dlguide.book.robustness import code_hash, robustness_markdown

PAGE = """---
kernelspec:
  display_name: Python 3
  name: python3
---
# A chapter

```{code-cell} ipython3
x = 1
```
"""


def _setup(tmp_path):
    docs = tmp_path / "docs"
    (docs / "part").mkdir(parents=True)
    page = docs / "part" / "01-a.md"
    page.write_text(PAGE)
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "mod.py").write_text("A = 1\n")
    record = {
        "measured_at": "2026-12-02",
        "commit": "abc123",
        "seeds": [0, 1, 2],
        "seconds": 600.0,
        "chapters": {
            "part/01-a": {
                "code_sha256": code_hash(page),
                "modules": {"mod.py": source_hash(package / "mod.py")},
                "errors": {"0": None, "1": None, "2": None},
                "claims": {
                    "acc": {
                        "condition": "value >= 0.9",
                        "volatile": False,
                        "values": {"0": 0.95, "1": 0.93, "2": 0.85},
                        "texts": {"0": "95%", "1": "93%", "2": "85%"},
                        "held": {"0": True, "1": True, "2": False},
                    },
                    "gap": {
                        "condition": "a > b + 0",
                        "volatile": False,
                        "values": {"0": 0.1, "1": 0.1},
                        "texts": {"0": "10", "1": "10"},
                        "held": {"0": True, "1": True, "2": False},
                    },
                },
            }
        },
    }
    return docs, package, page, record


def test_values_per_seed_and_failures(tmp_path):
    docs, package, _, record = _setup(tmp_path)
    text = robustness_markdown(record, docs, package)
    assert "0 of 2 claims held under every seed." in text
    assert "| `acc` | value >= 0.9 | 95% | 93% | 85% (**fails**) |" in text
    assert "| `gap` | a > b + 0 | 10 | 10 | not reached |" in text
    assert "Changed since" not in text


def test_says_what_changed_since_the_record(tmp_path):
    docs, package, page, record = _setup(tmp_path)
    page.write_text(PAGE.replace("# A chapter", "# A chapter, with new prose"))
    assert "Changed since" not in robustness_markdown(record, docs, package)  # prose only
    page.write_text(PAGE.replace("x = 1", "x = 2"))
    assert "*Changed since this record:* its code cells." in robustness_markdown(
        record, docs, package
    )
    page.write_text(PAGE)
    (package / "mod.py").write_text('"""A docstring, new."""\n\nA = 1  # and a comment\n')
    assert "Changed since" not in robustness_markdown(record, docs, package)  # same code
    (package / "mod.py").write_text("A = 2\n")
    assert "*Changed since this record:* the modules `mod.py`." in robustness_markdown(
        record, docs, package
    )


def test_results_stored_by_the_run_are_read_back_with_their_spread(tmp_path, monkeypatch):
    import json

    import dlguide
    from dlguide.book.robustness import recorded_results, seed_results

    docs, _, page, record = _setup(tmp_path)
    claims = tmp_path / "claims"
    monkeypatch.setenv("DLGUIDE_CLAIMS_DIR", str(claims))
    dlguide.book.claims.set_chapter("a")
    monkeypatch.delenv("DLGUIDE_CLAIMS_SURVEY", raising=False)
    seed_results("accuracy", {"m 100": 0.5})
    assert not (claims / "a.results.json").exists()  # an ordinary build stores nothing
    monkeypatch.setenv("DLGUIDE_CLAIMS_SURVEY", "1")
    seed_results("accuracy", {"m 100": 0.5, "m 300": 0.6})
    assert json.loads((claims / "a.results.json").read_text()) == {
        "accuracy": {"m 100": 0.5, "m 300": 0.6}
    }
    monkeypatch.delenv("DLGUIDE_CLAIMS_SURVEY")  # a build reads the record
    values = {"0": {"m 100": 0.5}, "1": {"m 100": 0.7}, "2": {"m 100": 0.6}}
    record["chapters"]["part/01-a"]["results"] = {"accuracy": values}
    (docs / "about").mkdir()
    path = docs / "about" / "robustness.json"
    path.write_text(json.dumps(record))
    found = recorded_results("part/01-a", "accuracy", record=path)
    assert found.commit == "abc123" and found.values == values
    assert found.failing() == ["acc", "gap"]  # each failed, or was not reached, under a seed
    row = found.table().loc["m 100"]
    assert (round(row["mean"], 6), row["min"], row["max"]) == (0.6, 0.5, 0.7)
    # pkg/mod.py is not a dlguide module, so only the page's code is compared here.
    assert "its code cells" not in found.changed
    page.write_text(PAGE.replace("x = 1", "x = 2"))
    assert "its code cells" in recorded_results("part/01-a", "accuracy", record=path).changed
    try:
        recorded_results("part/01-a", "loss", record=path)
    except LookupError as error:
        assert "no results 'loss'" in str(error)
    else:
        raise AssertionError("a missing name must raise LookupError")


def test_the_robustness_run_reads_its_own_results(tmp_path, monkeypatch):
    import dlguide
    from dlguide.book.robustness import recorded_results, seed_results

    monkeypatch.setenv("DLGUIDE_CLAIMS_DIR", str(tmp_path))
    monkeypatch.setenv("DLGUIDE_CLAIMS_SURVEY", "1")
    monkeypatch.setenv("DLGUIDE_SEED", "2")
    dlguide.start_chapter("a")
    seed_results("accuracy", {"m 100": 0.5})
    found = recorded_results("part/01-a", "accuracy", record=tmp_path / "missing.json")
    assert found.values == {"2": {"m 100": 0.5}} and found.changed == ()


def _spread_record(tmp_path, values):
    import json

    path = tmp_path / "robustness.json"
    texts = {seed: f"{value:.1%}" for seed, value in values.items()}
    claims = {"acc": {"values": values, "texts": texts}}
    path.write_text(json.dumps({"chapters": {"part/01-a": {"claims": claims}}}))
    return path


def test_claim_seed_spread_lists_every_seed_and_checks_this_build(tmp_path, monkeypatch):
    import pytest

    import dlguide
    from dlguide.book.claims import ClaimError, claim
    from dlguide.book.robustness import claim_seed_spread

    monkeypatch.delenv("DLGUIDE_CLAIMS_SURVEY", raising=False)
    monkeypatch.setenv("DLGUIDE_SEED", "1")
    dlguide.start_chapter("a")
    claim("acc", 0.893, fmt=".1%", at_least=0.5, glue=False)
    path = _spread_record(tmp_path, {"2": 0.9, "0": 0.902, "1": 0.8925})
    text = claim_seed_spread("part/01-a", "acc", tol=0.01, record=path)
    assert text == "90.2%, 89.2% and 90.0% under seeds 0, 1 and 2"  # in seed order
    # a record made on other code: this build's seed-1 value is not the record's
    stale = _spread_record(tmp_path, {"0": 0.902, "1": 0.85, "2": 0.9})
    with pytest.raises(ClaimError, match="acc-record-agrees"):
        claim_seed_spread("part/01-a", "acc", tol=0.01, record=stale)
    with pytest.raises(LookupError, match="has not been claimed"):
        claim_seed_spread("part/01-a", "loss", tol=0.01, record=path)
    with pytest.raises(LookupError, match="no claim 'acc' of 'part/02-b'"):
        claim_seed_spread("part/02-b", "acc", tol=0.01, record=path)
    with pytest.raises(ValueError, match=r"^tol must be positive"):
        claim_seed_spread("part/01-a", "acc", tol=0, record=path)
    with pytest.raises(FileNotFoundError, match="no robustness record"):
        claim_seed_spread("part/01-a", "acc", tol=0.01, record=tmp_path / "none.json")


def test_claim_seed_spread_during_the_robustness_run(tmp_path, monkeypatch):
    import dlguide
    from dlguide.book.claims import claim
    from dlguide.book.robustness import claim_seed_spread

    monkeypatch.setenv("DLGUIDE_CLAIMS_SURVEY", "1")
    monkeypatch.setenv("DLGUIDE_SEED", "2")
    dlguide.start_chapter("a")
    claim("acc", 0.9, fmt=".1%", at_least=0.5, glue=False)
    text = claim_seed_spread("part/01-a", "acc", tol=0.01, record=tmp_path / "none.json")
    assert text == "90.0% under seed 2 (this run)"
