"""Tests of dlguide.data.sampling: the stratified subset every small-data chapter trains on."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.model_selection import train_test_split

from dlguide.data.sampling import stratified_subset


def test_equal_classes_give_exactly_per_class_sorted_and_seeded():
    labels = np.repeat([0, 1, 2], 20)
    idx = stratified_subset(labels, 7, seed=3)
    assert np.bincount(labels[idx]).tolist() == [7, 7, 7]
    assert (np.diff(idx) > 0).all()
    np.testing.assert_array_equal(idx, stratified_subset(labels, 7, seed=3))
    assert not np.array_equal(idx, stratified_subset(labels, 7, seed=4))


def test_equal_classes_are_scikit_learns_stratified_draw():
    labels = np.repeat([0, 1, 2], 20)
    idx = stratified_subset(labels, 4, seed=5)
    expected, _ = train_test_split(np.arange(60), train_size=12, stratify=labels, random_state=5)
    np.testing.assert_array_equal(idx, np.sort(expected))


def test_unequal_classes_still_give_exactly_per_class():
    labels = np.repeat([0, 1, 2], [10, 20, 30])
    idx = stratified_subset(labels, 7, seed=3)
    assert np.bincount(labels[idx]).tolist() == [7, 7, 7]
    assert len(set(idx.tolist())) == 21
    np.testing.assert_array_equal(idx, stratified_subset(labels, 7, seed=3))
    assert not np.array_equal(idx, stratified_subset(labels, 7, seed=4))


def test_drawing_everything_returns_every_index():
    labels = np.repeat([0, 1], 3)
    np.testing.assert_array_equal(stratified_subset(labels, 3), np.arange(6))


def test_bad_input():
    labels = np.repeat([0, 1], 5)
    with pytest.raises(ValueError, match=r"^per_class is 6 but class 0 has only 5"):
        stratified_subset(labels, 6)
    with pytest.raises(ValueError, match=r"^per_class must be at least 1, got 0"):
        stratified_subset(labels, 0)
    with pytest.raises(TypeError, match=r"^labels must have an integer dtype"):
        stratified_subset(labels.astype(float), 2)
    with pytest.raises(TypeError, match=r"^labels must be a NumPy array"):
        stratified_subset([0, 1], 1)
    with pytest.raises(ValueError, match=r"^seed must be at least 0"):
        stratified_subset(labels, 1, seed=-1)
