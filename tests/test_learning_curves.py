"""Tests of foundations.learning_curves: learning curves over growing stratified subsets."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from dlguide.data.sampling import stratified_subset
from dlguide.foundations.learning_curves import (
    learning_curve,
)


def _blobs(n: int = 80, seed: int = 0) -> tuple[torch.Tensor, np.ndarray]:
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % 2
    points = rng.normal(size=(n, 3)) + np.where(labels[:, None] == 1, 2.5, -2.5)
    return torch.tensor(points, dtype=torch.float32), labels.astype(np.int64)


class TestLearningCurve:
    def test_calls_each_model_with_balanced_growing_subsets(self):
        labels = np.repeat([0, 1, 2], 10)
        seen = []

        def record(idx):
            seen.append(np.bincount(labels[idx]).tolist())
            return float(len(idx))

        curve = learning_curve({"n": record, "one": lambda idx: 1.0}, labels, [1, 4], repeats=3)
        assert curve["n"].tolist() == [3.0, 12.0]
        assert curve["one"].tolist() == [1.0, 1.0]
        assert seen == [[1, 1, 1], [4, 4, 4]] * 3

    def test_averages_over_repeats(self):
        labels = np.repeat([0, 1], 20)
        curve = learning_curve({"first": lambda idx: float(idx[0])}, labels, [2], repeats=4)
        firsts = [stratified_subset(labels, 2, seed=1000 * r)[0] for r in range(4)]
        assert curve["first"][0] == pytest.approx(np.mean(firsts))

    def test_bad_input(self):
        labels = np.repeat([0, 1], 5)
        f = {"m": lambda idx: 0.0}
        with pytest.raises(TypeError, match=r"^models must be a non-empty mapping"):
            learning_curve({}, labels, [1])
        with pytest.raises(TypeError, match=r"^models must map names to functions"):
            learning_curve({"m": 3}, labels, [1])
        with pytest.raises(ValueError, match=r"^sizes must be strictly increasing, got \[2, 2\]"):
            learning_curve(f, labels, [2, 2])
        with pytest.raises(TypeError, match=r"^sizes must be a non-empty sequence"):
            learning_curve(f, labels, [])
        with pytest.raises(ValueError, match=r"^repeats must be at least 1"):
            learning_curve(f, labels, [1], repeats=0)
        with pytest.raises(ValueError, match=r"^per_class is 6 but class 0 has only 5"):
            learning_curve(f, labels, [6])
