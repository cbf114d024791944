"""Tests of dlguide.foundations.workflow: stratified splits and ArrayDataset."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from dlguide.foundations.workflow import ArrayDataset, stratified_split


def test_stratified_split_keeps_proportions_and_covers_everything():
    labels = np.repeat([0, 1, 2], [50, 30, 20])
    parts = stratified_split(labels, (0.5, 0.3, 0.2), seed=1)
    assert np.array_equal(np.sort(np.concatenate(parts)), np.arange(100))
    assert [np.bincount(labels[p]).tolist() for p in parts] == [
        [25, 15, 10],
        [15, 9, 6],
        [10, 6, 4],
    ]
    assert all(
        np.array_equal(a, b)
        for a, b in zip(parts, stratified_split(labels, (0.5, 0.3, 0.2), seed=1))
    )


def test_stratified_split_bad_input():
    with pytest.raises(ValueError, match=r"^fractions must be positive and add up to 1"):
        stratified_split(np.zeros(10, dtype=int), (0.5, 0.6))
    with pytest.raises(TypeError, match=r"^fractions must be a tuple of two or more"):
        stratified_split(np.zeros(10, dtype=int), [0.5, 0.5])
    with pytest.raises(TypeError, match=r"^labels must have an integer dtype"):
        stratified_split(np.zeros(10), (0.5, 0.5))


def test_array_dataset_with_a_dataloader():
    images = np.arange(5 * 4 * 4, dtype=np.uint8).reshape(5, 4, 4)
    data = ArrayDataset(images, np.array([0, 1, 2, 3, 4]))
    batch, labels = next(iter(torch.utils.data.DataLoader(data, batch_size=5)))
    assert batch.shape == (5, 1, 4, 4)
    torch.testing.assert_close(batch[:, 0], torch.tensor(images / 255.0, dtype=torch.float32))
    assert labels.tolist() == [0, 1, 2, 3, 4]
    with pytest.raises(ValueError, match=r"^expected the same number of rows"):
        ArrayDataset(images, np.array([0, 1]))
