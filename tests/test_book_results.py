"""The result cache: a result is computed once, and again whenever what determines it changes."""

from __future__ import annotations

import json

import numpy as np
import pytest

from dlguide.book import results
from dlguide.book.results import remember


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("DLGUIDE_MODEL_CACHE", str(tmp_path / "models"))
    monkeypatch.delenv("DLGUIDE_RESULT_CACHE", raising=False)
    monkeypatch.delenv("DLGUIDE_SEED", raising=False)
    return tmp_path / "models"


class Counter:
    def __init__(self):
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return {"curve": np.arange(3) / 4, "runs": [0.5, 0.75]}


def test_a_result_is_computed_once_and_read_back(cache):
    compute = Counter()
    first = remember("curve", compute, code="x = 1")
    again = remember("curve", compute, code="x = 1")
    assert compute.calls == 1
    assert np.array_equal(again["curve"], first["curve"]) and again["runs"] == [0.5, 0.75]
    assert len(list(cache.glob("result-curve-*"))) == 1


def calls_for_two(first, second, between=lambda: None):
    """How many times compute runs for two ``remember`` calls, given as (name, code)."""
    compute = Counter()
    remember(first[0], compute, code=first[1])
    between()
    remember(second[0], compute, code=second[1])
    return compute.calls


def test_comments_and_layout_of_the_code_do_not_count(cache):
    assert calls_for_two(("curve", "x = 1"), ("curve", "x  =  1  # the same code\n")) == 1


def test_an_edit_of_the_code_recomputes(cache):
    assert calls_for_two(("curve", "x = 1"), ("curve", "x = 2")) == 2


def test_another_seed_recomputes(cache, monkeypatch):
    another_seed = lambda: monkeypatch.setenv("DLGUIDE_SEED", "1")  # noqa: E731
    assert calls_for_two(("curve", "x = 1"), ("curve", "x = 1"), another_seed) == 2


def test_another_name_is_another_result(cache):
    assert calls_for_two(("curve", "x = 1"), ("other", "x = 1")) == 2


def test_an_edit_of_a_module_the_computation_ran_recomputes(cache):
    compute = Counter()
    remember("curve", compute, code="x = 1")
    (folder,) = cache.glob("result-curve-*")
    loaded = json.loads((folder / "loaded.json").read_text())
    assert "dlguide.book.modelcache" in loaded  # the modules loaded at the call are recorded
    loaded["dlguide.book.modelcache"] = "0" * 64  # as if the module's code had changed since
    (folder / "loaded.json").write_text(json.dumps(loaded))
    remember("curve", compute, code="x = 1")
    assert compute.calls == 2
    remember("curve", compute, code="x = 1")
    assert compute.calls == 2  # stored afresh


def test_modules_that_compute_no_result_are_not_part_of_the_key():
    assert results._unkeyed("dlguide.plotting.charts")
    assert results._unkeyed("dlguide.book.claims")
    assert results._unkeyed("dlguide.book.results")
    assert not results._unkeyed("dlguide.training.loop")
    assert not results._unkeyed("dlguide.book.modelcache")
    assert "dlguide.book.claims" not in results._loaded_modules()


def test_the_switch_turns_the_cache_off(cache, monkeypatch):
    monkeypatch.setenv("DLGUIDE_RESULT_CACHE", "off")
    compute = Counter()
    remember("curve", compute, code="x = 1")
    remember("curve", compute, code="x = 1")
    assert compute.calls == 2
    assert not cache.exists() or not list(cache.glob("result-*"))


def test_outside_a_kernel_without_code_it_only_computes(cache, monkeypatch):
    import IPython

    monkeypatch.setattr(IPython, "get_ipython", lambda: None)  # another test may start a shell
    compute = Counter()
    remember("curve", compute)
    remember("curve", compute)
    assert compute.calls == 2


def test_a_result_that_cannot_be_stored_is_refused_clearly(cache):
    with pytest.raises(TypeError, match="remember\\('gen'\\): the result cannot be stored"):
        remember("gen", lambda: (i for i in range(3)), code="x = 1")
    assert not list(cache.glob("result-gen-*"))


def test_bad_arguments_are_named():
    with pytest.raises(TypeError, match="compute"):
        remember("curve", 3, code="x = 1")
    with pytest.raises((TypeError, ValueError), match="name"):
        remember("", Counter(), code="x = 1")
    with pytest.raises(TypeError, match="code"):
        remember("curve", Counter(), code=3)


def test_the_random_generators_continue_as_if_the_result_had_been_computed(cache):
    import random

    import torch

    def compute():
        torch.manual_seed(5)
        np.random.seed(5)
        random.seed(5)
        return torch.rand(2)  # draws, so the generators move on

    remember("draws", compute, code="x = 1")
    after_computing = (torch.rand(1).item(), np.random.rand(), random.random())
    torch.manual_seed(0), np.random.seed(0), random.seed(0)  # elsewhere
    remember("draws", compute, code="x = 1")  # read back: the generators are put back
    after_reading = (torch.rand(1).item(), np.random.rand(), random.random())
    assert after_reading == after_computing


def test_trained_torch_models_come_back_whole(cache):
    def compute():
        torch.manual_seed(0)
        model = torch.nn.Linear(3, 2)
        model.kept_steps = 7
        return model

    import torch

    first = remember("model", compute, code="x = 1")
    again = remember("model", compute, code="x = 1")
    assert again is not first and again.kept_steps == 7
    assert torch.equal(again.weight, first.weight)


def test_keras_draws_continue_as_if_the_result_had_been_computed(cache):
    import keras

    def compute():
        keras.utils.set_random_seed(3)
        return keras.ops.convert_to_numpy(keras.random.uniform((2,)))

    remember("keras-draws", compute, code="x = 1")
    after_computing = keras.ops.convert_to_numpy(keras.random.uniform((3,)))
    keras.utils.set_random_seed(0)  # elsewhere
    remember("keras-draws", compute, code="x = 1")
    after_reading = keras.ops.convert_to_numpy(keras.random.uniform((3,)))
    assert np.array_equal(after_reading, after_computing)


def test_in_a_kernel_the_code_run_so_far_is_the_key(monkeypatch):
    import IPython

    class Shell:
        def __init__(self, cells):
            self.user_ns = {"In": cells}

    def code(cells):
        monkeypatch.setattr(IPython, "get_ipython", lambda: Shell(cells))
        return results._kernel_code()

    # The build's fingerprint cell (comments only) and layout do not count; code does.
    base = code(["", "# Build fingerprint 1\n", "x = 1\n", "y = x  # the running cell"])
    assert base == code(["", "# Build fingerprint 2\n", "x = 1\n", "y  =  x"])
    assert base == code(["x = 1", "y = x"])
    assert base != code(["x = 2", "y = x"])
    assert base != code(["x = 1"])


def test_the_modules_the_computation_loaded_are_loaded_when_it_is_read(cache, monkeypatch):
    import importlib
    import sys

    name = "dlguide.foundations.handmade"

    def compute():
        return importlib.import_module(name).SHAPE_FEATURE_NAMES[:2]

    monkeypatch.delitem(sys.modules, name, raising=False)
    first = remember("loads", compute, code="x = 1")
    monkeypatch.delitem(sys.modules, name)  # a fresh kernel, where the result is read back
    assert remember("loads", compute, code="x = 1") == first
    assert name in sys.modules
