"""Tests of dlguide.book.claims: numbers the prose states, checked when the book builds."""

from __future__ import annotations

import json
import math
from typing import ClassVar

import numpy as np
import pytest
import torch

import dlguide
from dlguide.book.claims import Claim, ClaimError, claim, claim_order, current_chapter, set_chapter

# The message of a failed claim names the claim and the chapter (conftest sets "tests").
WHERE = r"claim 'acc' in chapter 'tests'"


class TestChapter:
    def test_set_and_current(self):
        set_chapter("what-is-deep-learning")
        assert current_chapter() == "what-is-deep-learning"

    def test_set_chapter_forgets_earlier_claims(self, tmp_path, monkeypatch):
        monkeypatch.setenv("DLGUIDE_CLAIMS_DIR", str(tmp_path))
        set_chapter("one")
        claim("a", 1.0, at_least=0, glue=False)
        set_chapter("one")
        claim("b", 2.0, at_least=0, glue=False)
        assert set(json.loads((tmp_path / "one.json").read_text())) == {"b"}

    @pytest.mark.parametrize("name", ["Demo", "1st", "with space", "-x", "ünïcode", "a.b"])
    def test_bad_chapter_name(self, name):
        with pytest.raises(ValueError, match=r"^name must be lower-case letters"):
            set_chapter(name)

    def test_chapter_name_type_and_empty(self):
        with pytest.raises(TypeError, match=r"^name must be a string"):
            set_chapter(None)
        with pytest.raises(ValueError, match=r"^name must not be empty"):
            set_chapter("")

    def test_no_chapter_set_is_named_in_errors(self):
        from dlguide.book import claims as module

        module._state["chapter"] = None
        with pytest.raises(ClaimError, match=r"claim 'acc' in chapter '\(no chapter set\)'"):
            claim("acc", 0.1, at_least=0.5, glue=False)


class TestBounds:
    # (keyword, bound, a value that holds, a value that fails, the condition's text)
    CASES: ClassVar = [
        ("at_least", 0.9, 0.9, 0.89, ">= 0.9"),
        ("at_most", 0.1, 0.1, 0.11, "<= 0.1"),
        ("above", 0.5, 0.51, 0.5, "> 0.5"),
        ("below", 0.5, 0.49, 0.5, "< 0.5"),
    ]

    @pytest.mark.parametrize(("keyword", "bound", "good", "bad", "text"), CASES)
    def test_bound_holds(self, keyword, bound, good, bad, text):
        result = claim("acc", good, glue=False, **{keyword: bound})
        assert isinstance(result, Claim)
        assert result.value == good
        assert result.condition == f"value {text}"
        assert result.chapter == "tests"

    @pytest.mark.parametrize(("keyword", "bound", "good", "bad", "text"), CASES)
    def test_bound_fails(self, keyword, bound, good, bad, text):
        message = rf"^{WHERE} does not hold: value {bad:g} is not {text}$"
        with pytest.raises(ClaimError, match=message):
            claim("acc", bad, glue=False, **{keyword: bound})

    def test_claim_error_is_an_assertion_error(self):
        assert issubclass(ClaimError, AssertionError)

    def test_several_bounds_all_must_hold(self):
        result = claim("acc", 0.5, at_least=0.4, below=0.6, glue=False)
        assert result.condition == "value >= 0.4 and < 0.6"
        with pytest.raises(ClaimError, match=r"value 0.7 is not < 0.6$"):
            claim("acc", 0.7, at_least=0.4, below=0.6, glue=False)
        with pytest.raises(ClaimError, match=r"is not >= 0.8 and not < 0.6$"):
            claim("acc", 0.7, at_least=0.8, below=0.6, glue=False)

    def test_numpy_scalars(self):
        assert claim("acc", np.float32(0.75), at_least=np.float64(0.5), glue=False).value == 0.75

    def test_started_chapter_is_named(self):
        dlguide.start_chapter("my-chapter")
        with pytest.raises(ClaimError, match=r"^claim 'acc' in chapter 'my-chapter' does not"):
            claim("acc", 0.1, at_least=0.5, glue=False)


class TestNear:
    def test_within_tolerance(self):
        assert claim("acc", 1.05, near=1.0, tol=0.1, glue=False).condition == (
            "value within 0.1 of 1"
        )
        assert claim("acc", 0.9, near=1.0, tol=0.1, glue=False).value == 0.9

    def test_outside_tolerance(self):
        with pytest.raises(ClaimError, match=rf"^{WHERE} does not hold: .* within 0.1 of 1$"):
            claim("acc", 1.2, near=1.0, tol=0.1, glue=False)

    def test_zero_tolerance_means_equal(self):
        claim("acc", 3, near=3, tol=0, glue=False)
        with pytest.raises(ClaimError):
            claim("acc", 3.001, near=3, tol=0, glue=False)

    @pytest.mark.parametrize("kwargs", [{"near": 1.0}, {"tol": 0.1}])
    def test_near_and_tol_come_together(self, kwargs):
        with pytest.raises(TypeError, match=rf"^{WHERE}: give both near and tol, or neither$"):
            claim("acc", 1.0, glue=False, **kwargs)

    def test_negative_tolerance(self):
        with pytest.raises(ValueError, match=r"^tol must be >= 0, got -0.1$"):
            claim("acc", 1.0, near=1.0, tol=-0.1, glue=False)

    def test_nan_near_and_tol(self):
        with pytest.raises(ValueError, match=r"^near must be a finite number"):
            claim("acc", 1.0, near=math.nan, tol=0.1, glue=False)
        with pytest.raises(ValueError, match=r"^tol must be a finite number"):
            claim("acc", 1.0, near=1.0, tol=math.nan, glue=False)


class TestBadArguments:
    def test_no_condition(self):
        with pytest.raises(TypeError, match=rf"^{WHERE} states no condition: give at_least"):
            claim("acc", 0.5, glue=False)

    @pytest.mark.parametrize("value", [math.nan, math.inf, np.float64("nan")])
    def test_nan_value(self, value):
        with pytest.raises(ValueError, match=r"^value must be a finite number"):
            claim("acc", value, at_least=0, glue=False)

    @pytest.mark.parametrize("value", ["0.9", None, True, torch.tensor(0.9), [0.9]])
    def test_value_of_wrong_type(self, value):
        with pytest.raises(TypeError, match=r"^value must be a real number, got "):
            claim("acc", value, at_least=0, glue=False)

    @pytest.mark.parametrize("keyword", ["at_least", "at_most", "above", "below"])
    def test_bad_bound(self, keyword):
        with pytest.raises(TypeError, match=r"must be a real number, got str '1'"):
            claim("acc", 0.5, glue=False, **{keyword: "1"})
        with pytest.raises(ValueError, match=r"must be a finite number, got nan"):
            claim("acc", 0.5, glue=False, **{keyword: math.nan})

    def test_bad_bound_names_its_argument(self):
        with pytest.raises(TypeError, match=r"^at_least must be a real number"):
            claim("acc", 0.5, at_least="1", glue=False)

    @pytest.mark.parametrize("name", ["Acc", "1acc", "acc rate", "acc.rate", "_acc"])
    def test_bad_name(self, name):
        with pytest.raises(ValueError, match=r"^claim name must be lower-case letters"):
            claim(name, 0.5, at_least=0, glue=False)

    def test_name_of_wrong_type_or_empty(self):
        with pytest.raises(TypeError, match=r"^name must be a string, got int 3$"):
            claim(3, 0.5, at_least=0, glue=False)
        with pytest.raises(ValueError, match=r"^name must not be empty$"):
            claim("", 0.5, at_least=0, glue=False)

    @pytest.mark.parametrize("fmt", [".1q", "d", ",x"])
    def test_bad_fmt(self, fmt):
        # "d" and "x" are integer formats; the value is a float.
        with pytest.raises(ValueError, match=rf"^fmt '{fmt}' is not a valid format for the value"):
            claim("acc", 0.5, fmt=fmt, at_least=0, glue=False)

    def test_fmt_of_wrong_type(self):
        with pytest.raises(TypeError, match=r"^fmt must be a string"):
            claim("acc", 0.5, fmt=2, at_least=0, glue=False)


class TestText:
    @pytest.mark.parametrize(
        ("value", "fmt", "text"),
        [
            (0.912, ".1%", "91.2%"),
            (0.93, ".0%", "93%"),
            (12345, ",d", "12,345"),
            (0.5, ".3g", "0.5"),
        ],
    )
    def test_formatted_text_is_the_repr(self, value, fmt, text):
        result = claim("acc", value, fmt=fmt, at_least=0, glue=False)
        assert result.text == text
        assert repr(result) == text

    @pytest.mark.parametrize(
        ("value", "fmt", "text"),
        [
            (0.123, ".1pp", "12.3 percentage points"),
            (0.12, ".0pp", "12 percentage points"),
            (0.01, ".0pp", "1 percentage point"),
            (0.01, ".1pp", "1.0 percentage point"),
            (0.015, ".1pp", "1.5 percentage points"),
        ],
    )
    def test_percentage_points(self, value, fmt, text):
        assert claim("gap", value, fmt=fmt, at_least=0, glue=False).text == text
        assert claim_order("gap", ("a", 0.5 + value), ("b", 0.5), fmt=fmt, glue=False).text == (
            text
        )

    def test_pretty_printer_shows_the_text(self):
        from IPython.lib.pretty import pretty

        assert pretty(claim("acc", 0.25, fmt=".0%", at_least=0, glue=False)) == "25%"

    def test_claim_is_frozen(self):
        result = claim("acc", 0.5, at_least=0, glue=False)
        with pytest.raises(AttributeError):
            result.value = 1.0


class TestClaimOrder:
    def test_holds(self):
        result = claim_order("gain", ("deep", 0.93), ("shallow", 0.81), fmt=".0%", glue=False)
        assert result.value == pytest.approx(0.12)
        assert result.text == "12%"
        assert result.condition == "deep > shallow + 0"

    def test_fails_when_equal_or_lower(self):
        where = r"^claim 'gain' in chapter 'tests' does not hold: "
        with pytest.raises(
            ClaimError, match=where + r"deep \(0.8\) is not greater than shallow \(0.81\) \+ 0$"
        ):
            claim_order("gain", ("deep", 0.80), ("shallow", 0.81), glue=False)
        with pytest.raises(ClaimError, match=where + r"deep \(0.81\) is not greater than"):
            claim_order("gain", ("deep", 0.81), ("shallow", 0.81), glue=False)

    def test_margin(self):
        claim_order("gain", ("a", 0.9), ("b", 0.8), margin=0.05, glue=False)
        with pytest.raises(ClaimError, match=r"is not greater than b \(0.8\) \+ 0.15$"):
            claim_order("gain", ("a", 0.9), ("b", 0.8), margin=0.15, glue=False)

    def test_negative_margin_allows_a_small_loss(self):
        assert claim_order("gap", ("a", 0.5), ("b", 0.5), margin=-0.1, glue=False).value == 0.0

    @pytest.mark.parametrize("pair", [["a", 0.9], ("a",), ("a", 0.9, 1), "a", None])
    def test_pair_must_be_a_tuple_of_two(self, pair):
        with pytest.raises(TypeError, match=r"^higher must be a \(label, value\) tuple, got "):
            claim_order("gain", pair, ("b", 0.1), glue=False)
        with pytest.raises(TypeError, match=r"^lower must be a \(label, value\) tuple, got "):
            claim_order("gain", ("b", 0.9), pair, glue=False)

    def test_bad_label_and_value(self):
        with pytest.raises(TypeError, match=r"^higher label must be a string"):
            claim_order("gain", (1, 0.9), ("b", 0.1), glue=False)
        with pytest.raises(ValueError, match=r"^lower label must not be empty"):
            claim_order("gain", ("a", 0.9), ("", 0.1), glue=False)
        with pytest.raises(ValueError, match=r"^lower value must be a finite number"):
            claim_order("gain", ("a", 0.9), ("b", math.nan), glue=False)
        with pytest.raises(TypeError, match=r"^higher value must be a real number"):
            claim_order("gain", ("a", "0.9"), ("b", 0.1), glue=False)
        with pytest.raises(ValueError, match=r"^margin must be a finite number"):
            claim_order("gain", ("a", 0.9), ("b", 0.1), margin=math.inf, glue=False)

    def test_bad_name_and_fmt(self):
        with pytest.raises(ValueError, match=r"^claim name must be lower-case"):
            claim_order("Gain", ("a", 0.9), ("b", 0.1), glue=False)
        with pytest.raises(ValueError, match=r"^fmt 'd' is not a valid format"):
            claim_order("gain", ("a", 0.9), ("b", 0.1), fmt="d", glue=False)


class TestRecording:
    def test_writes_chapter_json(self, tmp_path, monkeypatch):
        folder = tmp_path / "claims" / "nested"
        monkeypatch.setenv("DLGUIDE_CLAIMS_DIR", str(folder))
        set_chapter("demo")
        claim("acc", 0.912, fmt=".1%", at_least=0.9, glue=False)
        claim_order("gain", ("deep", 0.93), ("shallow", 0.81), fmt=".0%", glue=False)
        recorded = json.loads((folder / "demo.json").read_text())
        assert recorded["acc"] == {
            "name": "acc",
            "value": 0.912,
            "text": "91.2%",
            "condition": "value >= 0.9",
            "chapter": "demo",
            "volatile": False,
            "held": True,
        }
        assert recorded["gain"]["value"] == pytest.approx(0.12)
        assert recorded["gain"]["text"] == "12%"
        assert recorded["gain"]["condition"] == "deep > shallow + 0"
        assert sorted(p.name for p in folder.iterdir()) == ["demo.json"]

    def test_volatile_claims_are_marked(self, tmp_path, monkeypatch):
        monkeypatch.setenv("DLGUIDE_CLAIMS_DIR", str(tmp_path))
        assert claim("seconds", 3.2, at_most=60, volatile=True, glue=False).volatile is True
        assert claim_order("faster", ("a", 2.0), ("b", 1.0), volatile=True, glue=False).volatile
        assert claim("acc", 0.9, at_least=0.5, glue=False).volatile is False
        recorded = json.loads((tmp_path / "tests.json").read_text())
        assert {name: item["volatile"] for name, item in recorded.items()} == {
            "seconds": True,
            "faster": True,
            "acc": False,
        }

    def test_volatile_claims_are_still_checked(self):
        with pytest.raises(ClaimError, match=r"^claim 'seconds' in chapter 'tests' does not hold"):
            claim("seconds", 90.0, at_most=60, volatile=True, glue=False)

    def test_failed_claim_is_not_recorded(self, tmp_path, monkeypatch):
        monkeypatch.setenv("DLGUIDE_CLAIMS_DIR", str(tmp_path))
        claim("ok", 1.0, at_least=0, glue=False)
        with pytest.raises(ClaimError):
            claim("bad", 1.0, at_least=2, glue=False)
        assert set(json.loads((tmp_path / "tests.json").read_text())) == {"ok"}

    def test_nothing_written_without_the_variable(self, tmp_path, monkeypatch):
        monkeypatch.chdir(tmp_path)
        claim("acc", 1.0, at_least=0, glue=False)
        assert list(tmp_path.iterdir()) == []

    def test_glue_true_glues_the_claim(self, monkeypatch):
        import myst_nb

        glued = []
        monkeypatch.setattr(myst_nb, "glue", lambda *args, **kwargs: glued.append((args, kwargs)))
        result = claim("acc", 0.93, fmt=".0%", at_least=0.9)
        assert glued == [(("acc", result), {"display": False})]


class TestSurvey:
    """DLGUIDE_CLAIMS_SURVEY=1 (the robustness run): a failing claim is recorded, not raised."""

    def test_failing_claims_are_recorded_as_not_held(self, tmp_path, monkeypatch):
        monkeypatch.setenv("DLGUIDE_CLAIMS_DIR", str(tmp_path))
        monkeypatch.setenv("DLGUIDE_CLAIMS_SURVEY", "1")
        set_chapter("survey-demo")
        bad = claim("acc", 0.5, at_least=0.9, glue=False)
        good = claim("loss", 0.1, at_most=0.2, glue=False)
        order = claim_order("gap", ("a", 0.1), ("b", 0.2), glue=False)
        assert (bad.held, good.held, order.held) == (False, True, False)
        recorded = json.loads((tmp_path / "survey-demo.json").read_text())
        assert {k: v["held"] for k, v in recorded.items()} == {
            "acc": False,
            "loss": True,
            "gap": False,
        }

    def test_without_the_switch_a_failing_claim_raises(self, monkeypatch):
        monkeypatch.delenv("DLGUIDE_CLAIMS_SURVEY", raising=False)
        set_chapter("survey-demo")
        with pytest.raises(ClaimError):
            claim("acc", 0.5, at_least=0.9, glue=False)
        monkeypatch.setenv("DLGUIDE_CLAIMS_SURVEY", "0")
        with pytest.raises(ClaimError):
            claim_order("gap", ("a", 0.1), ("b", 0.2), glue=False)
