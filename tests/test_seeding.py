"""Tests of dlguide.book.seeding: seeding and start_chapter."""

from __future__ import annotations

import random

import matplotlib as mpl
import numpy as np
import pytest
import torch

import dlguide
from dlguide.book.claims import current_chapter
from dlguide.book.seeding import seed_everything, start_chapter
from dlguide.plotting import PALETTE


def _draws() -> tuple[float, np.ndarray, torch.Tensor]:
    return random.random(), np.random.rand(3), torch.rand(3)


class TestSeedEverything:
    def test_same_seed_same_draws(self):
        assert seed_everything(123) == 123
        first = _draws()
        seed_everything(123)
        second = _draws()
        assert first[0] == second[0]
        np.testing.assert_array_equal(first[1], second[1])
        assert torch.equal(first[2], second[2])

    def test_different_seed_different_draws(self):
        seed_everything(1)
        first = _draws()
        seed_everything(2)
        second = _draws()
        assert first[0] != second[0]
        assert not np.array_equal(first[1], second[1])
        assert not torch.equal(first[2], second[2])

    def test_default_seed_is_zero(self):
        assert seed_everything() == 0
        first = _draws()
        seed_everything(0)
        assert first[0] == random.random()

    def test_numpy_integer_seed_and_largest_seed(self):
        assert seed_everything(np.int64(5)) == 5
        assert seed_everything(2**32 - 1) == 2**32 - 1

    def test_deterministic_flag(self):
        try:
            seed_everything(0, deterministic=True)
            assert torch.are_deterministic_algorithms_enabled()
            assert torch.backends.cudnn.deterministic is True
            assert torch.backends.cudnn.benchmark is False
            assert torch.get_num_threads() <= 2
        finally:
            torch.use_deterministic_algorithms(False)
        seed_everything(0, deterministic=False)
        assert not torch.are_deterministic_algorithms_enabled()

    def test_seeds_keras_when_imported(self, monkeypatch):
        import sys
        import types

        seen = []
        fake = types.SimpleNamespace(utils=types.SimpleNamespace(set_random_seed=seen.append))
        monkeypatch.setitem(sys.modules, "keras", fake)
        seed_everything(9)
        assert seen == [9]

    @pytest.mark.parametrize("seed", [-1, -(2**40)])
    def test_refuses_negative(self, seed):
        with pytest.raises(ValueError, match=rf"^seed must be at least 0, got {seed}$"):
            seed_everything(seed)

    @pytest.mark.parametrize("seed", [True, False, 1.0, 1.5, "1"])
    def test_refuses_non_integers(self, seed):
        with pytest.raises(TypeError, match=r"^seed must be an integer, got "):
            seed_everything(seed)

    @pytest.mark.parametrize("seed", [2**32, 2**64])
    def test_refuses_huge(self, seed):
        with pytest.raises(ValueError, match=r"^seed must be below 2\*\*32"):
            seed_everything(seed)


class TestStartChapter:
    def test_sets_chapter_seed_and_style(self):
        mpl.rcParams["axes.spines.top"] = True
        start_chapter("some-chapter", seed=4)
        assert current_chapter() == "some-chapter"
        first = _draws()
        seed_everything(4)
        assert first[0] == random.random()
        assert mpl.rcParams["axes.spines.top"] is False
        assert mpl.rcParams["axes.prop_cycle"].by_key()["color"] == [c for c in PALETTE]

    def test_exported_from_the_package(self):
        assert dlguide.start_chapter is start_chapter
        assert dlguide.seed_everything is seed_everything

    def test_bad_name(self):
        with pytest.raises(ValueError, match=r"^name must be lower-case"):
            start_chapter("Chapter One")
        with pytest.raises(TypeError, match=r"^name must be a string"):
            start_chapter(1)

    def test_bad_seed(self):
        with pytest.raises(ValueError, match=r"^seed must be at least 0"):
            start_chapter("demo", seed=-3)
