"""Tests of dlguide._checks: the input checks every public function relies on."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from dlguide._checks import (
    check_array,
    check_class_ids,
    check_int,
    check_ints,
    check_positive,
    check_real,
    check_same_length,
    check_str,
    check_texts,
    describe,
)


class TestDescribe:
    def test_array_names_shape_and_dtype(self):
        assert describe(np.zeros((2, 3), dtype=np.float32)) == (
            "an array of shape (2, 3) and dtype float32"
        )

    def test_tensor_names_type_and_shape(self):
        assert describe(torch.zeros(4, 5)) == "a Tensor of shape (4, 5)"

    def test_plain_value_names_type_and_repr(self):
        assert describe([1, 2]) == "list [1, 2]"
        assert describe("abc") == "str 'abc'"

    def test_long_repr_is_cut(self):
        text = describe("x" * 100)
        assert text.startswith("str 'xxx")
        assert text.endswith("...")
        assert len(text) == len("str ") + 40


class TestCheckReal:
    @pytest.mark.parametrize("value", [0, 3, -2.5, np.float32(1.5), np.int64(7), 1e300])
    def test_accepts_real_numbers_and_returns_float(self, value):
        result = check_real("x", value)
        assert isinstance(result, float)
        assert result == float(value)

    @pytest.mark.parametrize("value", [True, False, np.bool_(True), "1", None, [1.0], 1j])
    def test_refuses_non_numbers(self, value):
        with pytest.raises(TypeError, match=r"^speed must be a real number, got "):
            check_real("speed", value)

    @pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, np.float64("nan")])
    def test_refuses_nan_and_infinity(self, value):
        with pytest.raises(ValueError, match=r"^speed must be a finite number"):
            check_real("speed", value)

    def test_allow_nan(self):
        assert math.isnan(check_real("x", math.nan, allow_nan=True))
        assert check_real("x", math.inf, allow_nan=True) == math.inf


class TestCheckInt:
    @pytest.mark.parametrize("value", [0, 5, -3, np.int32(4), np.uint8(200)])
    def test_accepts_integers(self, value):
        result = check_int("n", value)
        assert type(result) is int
        assert result == int(value)

    @pytest.mark.parametrize("value", [True, 1.0, 2.5, "3", None, np.float64(2.0)])
    def test_refuses_non_integers(self, value):
        with pytest.raises(TypeError, match=r"^count must be an integer, got "):
            check_int("count", value)

    def test_minimum(self):
        assert check_int("count", 2, minimum=2) == 2
        with pytest.raises(ValueError, match=r"^count must be at least 2, got 1$"):
            check_int("count", 1, minimum=2)


class TestCheckInts:
    def test_returns_a_list_of_ints(self):
        result = check_ints("sizes", (4, np.int64(3), 2), minimum=1, min_len=2)
        assert result == [4, 3, 2]
        assert all(type(n) is int for n in result)

    @pytest.mark.parametrize("value", ["64", b"64", 64, None, {1, 2}])
    def test_refuses_what_is_not_a_list_or_tuple(self, value):
        with pytest.raises(TypeError, match=r"^sizes must be a list or tuple of integers, got "):
            check_ints("sizes", value)

    def test_too_short(self):
        with pytest.raises(ValueError, match=r"^sizes must hold at least 2 integers, got \[4\]$"):
            check_ints("sizes", [4], min_len=2)
        with pytest.raises(ValueError, match=r"^channels must hold at least an integer, got \(\)$"):
            check_ints("channels", ())

    def test_names_the_wrong_entry(self):
        with pytest.raises(TypeError, match=r"^sizes\[1\] must be an integer, got float 2.5$"):
            check_ints("sizes", [4, 2.5])
        with pytest.raises(ValueError, match=r"^sizes\[2\] must be at least 1, got 0$"):
            check_ints("sizes", [4, 3, 0], minimum=1)


class TestCheckStr:
    def test_accepts_string(self):
        assert check_str("mode", "fast") == "fast"

    @pytest.mark.parametrize("value", [None, 3, b"fast", ["fast"]])
    def test_refuses_non_strings(self, value):
        with pytest.raises(TypeError, match=r"^mode must be a string, got "):
            check_str("mode", value)

    def test_refuses_empty(self):
        with pytest.raises(ValueError, match=r"^mode must not be empty$"):
            check_str("mode", "")

    def test_choices(self):
        assert check_str("mode", "b", choices=("a", "b")) == "b"
        with pytest.raises(ValueError, match=r"^mode must be one of 'a', 'b', got 'c'$"):
            check_str("mode", "c", choices=("a", "b"))


class TestCheckArray:
    def test_returns_the_same_array(self):
        a = np.arange(6.0).reshape(2, 3)
        assert check_array("a", a, ndim=2) is a

    @pytest.mark.parametrize("value", [[1, 2, 3], (1, 2), 3.0, torch.zeros(3)])
    def test_refuses_non_arrays(self, value):
        with pytest.raises(TypeError, match=r"^data must be a NumPy array, got "):
            check_array("data", value)

    def test_ndim(self):
        with pytest.raises(ValueError, match=r"^data must be a 2-D array, got shape \(3,\)$"):
            check_array("data", np.zeros(3), ndim=2)
        with pytest.raises(ValueError, match=r"^data must be a 1-D or 2-D array, got shape"):
            check_array("data", np.zeros((1, 1, 1)), ndim=(1, 2))
        assert check_array("data", np.zeros(3), ndim=(1, 2)).shape == (3,)

    def test_empty(self):
        with pytest.raises(
            ValueError, match=r"^data must have at least 1 rows, got shape \(0, 2\)"
        ):
            check_array("data", np.zeros((0, 2)))
        assert check_array("data", np.zeros((0, 2)), min_len=0).shape == (0, 2)
        with pytest.raises(ValueError, match=r"^data must have at least 3 rows"):
            check_array("data", np.zeros((2, 2)), min_len=3)

    @pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
    def test_numeric_refuses_nan_and_infinity(self, bad):
        a = np.ones((2, 2))
        a[1, 0] = bad
        with pytest.raises(ValueError, match=r"^data contains NaN or infinite values$"):
            check_array("data", a)
        assert check_array("data", a, kind="any") is a

    @pytest.mark.parametrize(
        "value", [np.array(["a", "b"]), np.array([True, False]), np.array([1j]), np.array([None])]
    )
    def test_numeric_refuses_other_dtypes(self, value):
        with pytest.raises(TypeError, match=r"^data must have a numeric dtype, got "):
            check_array("data", value)

    def test_integer_kind(self):
        check_array("labels", np.array([0, 1], dtype=np.uint8), kind="integer")
        with pytest.raises(TypeError, match=r"^labels must have an integer dtype, got float64$"):
            check_array("labels", np.array([0.0, 1.0]), kind="integer")

    def test_unknown_kind(self):
        with pytest.raises(ValueError, match=r"kind"):
            check_array("data", np.array(["a"]), kind="numerical")


class TestCheckSameLength:
    def test_equal_lengths_pass(self):
        assert check_same_length(a=np.zeros(3), b=np.zeros((3, 2))) is None

    def test_different_lengths_name_every_argument(self):
        with pytest.raises(
            ValueError, match=r"^expected the same number of rows: x has 3, y has 2$"
        ):
            check_same_length(x=np.zeros(3), y=np.zeros(2))


class TestCheckPositive:
    def test_returns_a_float(self):
        assert check_positive("lr", 3) == 3.0

    @pytest.mark.parametrize("value", [0, -0.5])
    def test_refuses_zero_and_negatives_naming_the_value(self, value):
        with pytest.raises(ValueError, match=rf"^lr must be positive, got {float(value)}$"):
            check_positive("lr", value)

    @pytest.mark.parametrize(("value", "error"), [("1", TypeError), (True, TypeError),
                                                  (math.nan, ValueError)])  # fmt: skip
    def test_refuses_non_numbers(self, value, error):
        with pytest.raises(error, match=r"^lr must be a"):
            check_positive("lr", value)


class TestCheckClassIds:
    def test_returns_int64(self):
        ids = check_class_ids("y", np.array([0, 2, 1], dtype=np.int32), 3)
        assert ids.dtype == np.int64 and ids.tolist() == [0, 2, 1]

    def test_out_of_range_names_the_range_and_the_values(self):
        with pytest.raises(
            ValueError,
            match=r"^y must hold class ids from 0 to 2 \(3 model outputs\), got values from 0 to 5",
        ):
            check_class_ids("y", np.array([0, 5]), 3, counted="model outputs")

    def test_negative_without_a_count(self):
        with pytest.raises(
            ValueError, match=r"^y must hold class ids 0, 1, 2, \.\.\., got values from -1 to 1$"
        ):
            check_class_ids("y", np.array([-1, 1]))

    @pytest.mark.parametrize(
        ("value", "error", "match"),
        [
            ([0, 1], TypeError, "^y must be a NumPy array"),
            (np.array([0.0, 1.0]), TypeError, "^y must have an integer dtype"),
            (np.zeros((2, 2), dtype=int), ValueError, "^y must be a 1-D array"),
            (np.array([], dtype=int), ValueError, "^y must have at least 1 rows"),
        ],
    )
    def test_refuses_wrong_arrays(self, value, error, match):
        with pytest.raises(error, match=match):
            check_class_ids("y", value, 2)


class TestCheckTexts:
    def test_returns_a_list(self):
        assert check_texts("texts", ("a", "b")) == ["a", "b"]

    @pytest.mark.parametrize(
        ("value", "error", "match"),
        [
            ("one text", TypeError, r"^texts must be a list of strings, got str 'one text'$"),
            (None, TypeError, r"^texts must be a list of strings, got NoneType None$"),
            ([], ValueError, r"^texts must not be empty, got an empty list$"),
            (["a", 2], TypeError, r"^texts\[1\] must be a string, got int 2$"),
        ],
    )
    def test_refuses_bad_input(self, value, error, match):
        with pytest.raises(error, match=match):
            check_texts("texts", value)
