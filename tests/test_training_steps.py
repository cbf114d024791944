"""Tests of dlguide.training.train_steps and torch_accuracy: fixed-cost steps, stopping."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from dlguide.book.seeding import seed_everything
from dlguide.models import mlp
from dlguide.training import torch_accuracy, train_steps


def _blobs(n: int = 80, seed: int = 0) -> tuple[torch.Tensor, np.ndarray]:
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % 2
    points = rng.normal(size=(n, 3)) + np.where(labels[:, None] == 1, 2.5, -2.5)
    return torch.tensor(points, dtype=torch.float32), labels.astype(np.int64)


class TestTrainSteps:
    def test_learns_a_separable_problem(self):
        seed_everything(0)
        x, y = _blobs()
        model = mlp([3, 8, 8, 2])
        before = torch.nn.functional.cross_entropy(model(x), torch.from_numpy(y)).item()
        train_steps(model, x, y, steps=100, lr=0.01)
        after = torch.nn.functional.cross_entropy(model(x), torch.from_numpy(y)).item()
        assert after < before / 4
        x_test, y_test = _blobs(40, seed=1)
        assert torch_accuracy(model, x_test, y_test) == 1.0
        assert not model.training

    def test_same_seed_same_weights(self):
        x, y = _blobs(30)
        weights = []
        for seed in (5, 5, 6):
            torch.manual_seed(0)
            model = train_steps(torch.nn.Linear(3, 2), x, y, steps=5, batch_size=4, seed=seed)
            weights.append(model.weight.detach().clone())
        torch.testing.assert_close(weights[0], weights[1])
        assert not torch.equal(weights[0], weights[2])

    def test_matches_a_hand_written_adam_loop(self):
        # With batch_size >= n every step sees all the data: the result must equal plain
        # full-batch Adam on the same loss.
        x, y = _blobs(12)
        torch.manual_seed(0)
        model = torch.nn.Linear(3, 2)
        reference = torch.nn.Linear(3, 2)
        reference.load_state_dict(model.state_dict())
        train_steps(model, x, y, steps=7, batch_size=100, lr=0.05)
        opt = torch.optim.Adam(reference.parameters(), lr=0.05)
        for _ in range(7):
            # the same examples, in the order train_steps drew them, give the same mean loss
            loss = torch.nn.functional.cross_entropy(reference(x), torch.from_numpy(y))
            opt.zero_grad()
            loss.backward()
            opt.step()
        torch.testing.assert_close(model.weight, reference.weight, rtol=1e-5, atol=1e-6)

    def test_bad_input(self):
        x, y = _blobs(8)
        model = torch.nn.Linear(3, 2)
        with pytest.raises(TypeError, match=r"^model must be a torch\.nn\.Module"):
            train_steps("net", x, y)
        with pytest.raises(TypeError, match=r"^x must be a float torch\.Tensor"):
            train_steps(model, x.numpy(), y)
        with pytest.raises(ValueError, match=r"^expected the same number of rows: x has 8, y has"):
            train_steps(model, x, y[:7])
        with pytest.raises(TypeError, match=r"^y must have an integer dtype"):
            train_steps(model, x, y.astype(float))
        with pytest.raises(ValueError, match=r"^steps must be at least 1, got 0"):
            train_steps(model, x, y, steps=0)
        with pytest.raises(ValueError, match=r"^lr must be positive"):
            train_steps(model, x, y, lr=0.0)
        with pytest.raises(ValueError, match=r"^weight_decay must be >= 0"):
            train_steps(model, x, y, weight_decay=-1.0)
        with pytest.raises(ValueError, match=r"^lr must be a finite number"):
            train_steps(model, x, y, lr=float("nan"))


class TestTorchAccuracy:
    def test_against_a_count(self):
        model = torch.nn.Linear(1, 2)
        with torch.no_grad():
            model.weight.copy_(torch.tensor([[-1.0], [1.0]]))
            model.bias.zero_()
        x = torch.tensor([[-3.0], [-1.0], [2.0], [4.0]])
        assert torch_accuracy(model, x, np.array([0, 1, 1, 1])) == 0.75

    def test_bad_input(self):
        with pytest.raises(TypeError, match=r"^model must be a torch\.nn\.Module"):
            torch_accuracy(None, torch.zeros(1, 1), np.array([0]))
        with pytest.raises(ValueError, match=r"^x must have at least 1 rows"):
            torch_accuracy(torch.nn.Linear(1, 2), torch.zeros(0, 1), np.array([], dtype=int))
        with pytest.raises(ValueError, match=r"^x contains NaN"):
            torch_accuracy(torch.nn.Linear(1, 2), torch.full((2, 1), np.nan), np.array([0, 1]))
        with pytest.raises(ValueError, match=r"^x has shape \(2, 3\), which the model cannot"):
            torch_accuracy(torch.nn.Linear(1, 2), torch.zeros(2, 3), np.array([0, 1]))
        with pytest.raises(ValueError, match=r"^y must hold class ids from 0 to 1"):
            train_steps(torch.nn.Linear(1, 2), torch.zeros(2, 1), np.array([0, 2]), steps=1)


class TestValidationStopping:
    def _noisy(self):
        x, y = _blobs(60, seed=3)
        return x + torch.randn(x.shape, generator=torch.Generator().manual_seed(1)) * 3, y

    def test_kept_weights_are_those_of_the_best_scoring(self):
        x, y = self._noisy()
        x_val, y_val = _blobs(40, seed=4)
        torch.manual_seed(0)
        start = torch.nn.Linear(3, 2)
        model = train_steps(
            _copy(start), x, y, steps=30, lr=0.05, validation=(x_val, y_val), eval_every=3, seed=2
        )
        # independent check: retrain without validation for each scored length, same seed
        scores = {}
        for k in range(3, 31, 3):
            plain = train_steps(_copy(start), x, y, steps=k, lr=0.05, seed=2)
            scores[k] = torch_accuracy(plain, x_val, y_val)
            if k == model.kept_steps:
                assert torch.equal(plain.weight, model.weight)
        best = max(scores.values())
        assert model.kept_steps == min(k for k, v in scores.items() if v == best)
        assert torch_accuracy(model, x_val, y_val) == best

    def test_patience_stops_and_plain_run_keeps_all_steps(self):
        x, y = _blobs(40)
        stopped = train_steps(
            torch.nn.Linear(3, 2), x, y, steps=5000, lr=0.1, validation=(x, y), eval_every=5,
            patience=2,
        )  # fmt: skip
        assert stopped.kept_steps < 100  # separable blobs: perfect early, then no gain
        assert train_steps(torch.nn.Linear(3, 2), x, y, steps=7).kept_steps == 7

    def test_bad_validation_is_refused_with_its_name(self):
        x, y = _blobs(20)
        model = torch.nn.Linear(3, 2)
        with pytest.raises(TypeError, match="validation"):
            train_steps(model, x, y, steps=2, validation=x)
        with pytest.raises(TypeError, match="validation y_val"):
            train_steps(model, x, y, steps=2, validation=(x, y.astype(float)))
        with pytest.raises(ValueError, match="patience"):
            train_steps(model, x, y, steps=2, validation=(x, y), patience=0)


def _copy(module):
    import copy

    return copy.deepcopy(module)
