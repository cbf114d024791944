"""Tests of the chapter seed: start_chapter, DLGUIDE_SEED, chapter_seed and resolve_seed."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import dlguide
from dlguide.book import seeding
from dlguide.book.seeding import (
    SEED_VARIABLE,
    chapter_seed,
    resolve_seed,
    seed_everything,
    start_chapter,
)


@pytest.fixture(autouse=True)
def _fresh(monkeypatch):
    """No chapter started and DLGUIDE_SEED unset, restored after each test."""
    monkeypatch.delenv(SEED_VARIABLE, raising=False)
    monkeypatch.setattr(seeding, "_chapter_seed", None)
    yield
    torch.use_deterministic_algorithms(False)


def test_variable_name():
    assert SEED_VARIABLE == "DLGUIDE_SEED"


def test_zero_before_any_chapter():
    assert chapter_seed() == 0
    assert resolve_seed(None) == 0


def test_start_chapter_records_its_seed():
    start_chapter("demo", seed=5)
    assert chapter_seed() == 5
    assert dlguide.chapter_seed() == 5
    start_chapter("demo")
    assert chapter_seed() == 0


def test_environment_overrides_the_chapter_seed(monkeypatch):
    monkeypatch.setenv(SEED_VARIABLE, "3")
    start_chapter("demo", seed=0)
    assert chapter_seed() == 3
    start_chapter("demo", seed=7)  # the variable wins over any chapter's own seed
    assert chapter_seed() == 3


def test_environment_seed_seeds_the_generators(monkeypatch):
    monkeypatch.setenv(SEED_VARIABLE, "2")
    start_chapter("demo")
    first = np.random.rand(), torch.rand(1).item()
    monkeypatch.delenv(SEED_VARIABLE)
    seed_everything(2)
    assert (np.random.rand(), torch.rand(1).item()) == first


@pytest.mark.parametrize("raw", [" 4 ", "4\n"])
def test_environment_surrounding_space_is_ignored(monkeypatch, raw):
    monkeypatch.setenv(SEED_VARIABLE, raw)
    start_chapter("demo")
    assert chapter_seed() == 4


@pytest.mark.parametrize("raw", ["", "  "])
def test_empty_environment_is_unset(monkeypatch, raw):
    monkeypatch.setenv(SEED_VARIABLE, raw)
    start_chapter("demo", seed=6)
    assert chapter_seed() == 6


@pytest.mark.parametrize("raw", ["one", "1.5", "-1", "0x10", str(2**32), "1e3"])
def test_bad_environment_names_variable_and_value(monkeypatch, raw):
    monkeypatch.setenv(SEED_VARIABLE, raw)
    message = rf"^DLGUIDE_SEED must be a whole number from 0 to 2\*\*32 - 1, got '{raw}'$"
    with pytest.raises(ValueError, match=message):
        start_chapter("demo")
    assert chapter_seed() == 0  # nothing recorded


def test_largest_environment_seed(monkeypatch):
    monkeypatch.setenv(SEED_VARIABLE, str(2**32 - 1))
    start_chapter("demo")
    assert chapter_seed() == 2**32 - 1


@pytest.mark.parametrize("seed", [-1, 2**32])
def test_start_chapter_refuses_bad_seed(seed):
    with pytest.raises(ValueError, match=r"^seed must be "):
        start_chapter("demo", seed=seed)
    assert chapter_seed() == 0


def test_resolve_seed_passes_given_seeds_and_checks_them():
    start_chapter("demo", seed=9)
    assert resolve_seed(None) == 9
    assert resolve_seed(0) == 0
    assert resolve_seed(np.int64(4)) == 4
    with pytest.raises(ValueError, match=r"^seed must be at least 0, got -2$"):
        resolve_seed(-2)
    with pytest.raises(TypeError, match=r"^seed must be an integer, got "):
        resolve_seed(1.5)
    with pytest.raises(ValueError, match=r"^seed must be below 2\*\*32"):
        resolve_seed(2**32)


def test_seed_everything_default_is_the_chapter_seed():
    start_chapter("demo", seed=11)
    assert seed_everything() == 11
    first = np.random.rand()
    seed_everything(11)
    assert np.random.rand() == first


def test_package_functions_follow_the_chapter_seed():
    from dlguide.foundations.learning_curves import stratified_subset
    from dlguide.foundations.mlp import init_mlp

    labels = np.repeat(np.arange(3), 20)
    for seed in (1, 2):
        start_chapter("demo", seed=seed)
        np.testing.assert_array_equal(
            stratified_subset(labels, 4), stratified_subset(labels, 4, seed=seed)
        )
        np.testing.assert_array_equal(
            init_mlp([3, 2]).weights[0], init_mlp([3, 2], seed=seed).weights[0]
        )
    assert not np.array_equal(stratified_subset(labels, 4, seed=1), stratified_subset(labels, 4))
