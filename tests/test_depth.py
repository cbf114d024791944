"""Tests of foundations.depth: a small CNN's layer representations and linear probes."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from dlguide.book.seeding import seed_everything
from dlguide.foundations.depth import (
    LAYER_NAMES,
    layer_representations,
    probe_accuracy,
    probe_layers,
)
from dlguide.models import cnn


def _cnn(n_classes: int = 10) -> torch.nn.Sequential:
    """foundations/01's network: three blocks (5x5, 3x3, 3x3 filters), 128 dense units."""
    return cnn((16, 32, 64), kernel_sizes=(5, 3, 3), dense=128, n_classes=n_classes)


def _blobs(n_per_class: int, n_classes: int, n_features: int, spread: float, seed: int):
    """Gaussian blobs whose class means lie ``spread`` apart along the first axes."""
    rng = np.random.default_rng(seed)
    labels = np.repeat(np.arange(n_classes), n_per_class)
    features = rng.normal(size=(len(labels), n_features))
    features[np.arange(len(labels)), labels % n_features] += spread
    return features, labels


def _sklearn_probe(train, train_labels, test, test_labels, n_components):
    """The same probe, written as a plain scikit-learn pipeline."""
    pipeline = make_pipeline(
        PCA(n_components, svd_solver="randomized", random_state=0),
        StandardScaler(),
        LogisticRegression(max_iter=1000),
    )
    return pipeline.fit(train, train_labels).score(test, test_labels)


class TestTheProbedCnn:
    def test_layers_and_output(self):
        seed_everything(0)
        model = _cnn()
        assert [name for name, _ in model.named_children()] == [*LAYER_NAMES[1:], "output"]
        assert model(torch.zeros(3, 1, 28, 28)).shape == (3, 10)
        assert _cnn(n_classes=4)(torch.zeros(1, 1, 28, 28)).shape == (1, 4)

    def test_parameter_count(self):
        # conv 5x5 1->16, conv 3x3 16->32, conv 3x3 32->64, dense 576->128, output 128->10
        expected = (25 * 16 + 16) + (9 * 16 * 32 + 32) + (9 * 32 * 64 + 64)
        expected += (64 * 3 * 3 * 128 + 128) + (128 * 10 + 10)
        assert sum(p.numel() for p in _cnn().parameters()) == expected


class TestLayerRepresentations:
    def test_shapes_and_pixels(self):
        seed_everything(0)
        x = torch.rand(3, 1, 28, 28)
        reps = layer_representations(_cnn(), x)
        assert list(reps) == list(LAYER_NAMES)
        widths = {"pixels": 784, "block1": 16 * 14 * 14, "block2": 32 * 7 * 7}
        widths |= {"block3": 64 * 3 * 3, "dense": 128}
        assert {name: r.shape for name, r in reps.items()} == {
            name: (3, width) for name, width in widths.items()
        }
        assert all(isinstance(r, np.ndarray) for r in reps.values())
        np.testing.assert_array_equal(reps["pixels"], x.numpy().reshape(3, -1))

    def test_matches_the_outputs_seen_by_hooks(self):
        seed_everything(0)
        model = _cnn()
        x = torch.rand(4, 1, 28, 28)
        seen = {}
        for name in LAYER_NAMES[1:]:
            getattr(model, name).register_forward_hook(
                lambda module, args, out, name=name: seen.__setitem__(name, out.detach())
            )
        model.eval()
        with torch.no_grad():
            logits = model(x)
        reps = layer_representations(model, x)
        for name in LAYER_NAMES[1:]:
            np.testing.assert_allclose(reps[name], seen[name].flatten(1).numpy(), rtol=1e-6)
        # The dense representation is what the output layer reads.
        np.testing.assert_allclose(
            model.output(torch.from_numpy(reps["dense"])).detach().numpy(),
            logits.numpy(),
            rtol=1e-5,
        )
        assert (reps["dense"] >= 0).all()  # after a ReLU

    def test_bad_model(self):
        x = torch.zeros(1, 1, 28, 28)
        message = r"^model must be a network from dlguide\.models\.cnn\(\) with three blocks"
        with pytest.raises(TypeError, match=message):
            layer_representations(torch.nn.Linear(784, 10), x)
        other = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(784, 10))
        with pytest.raises(TypeError, match=message):
            layer_representations(other, x)
        with pytest.raises(TypeError, match=message):  # two blocks: no block3 to read
            layer_representations(cnn((8, 16)), x)

    def test_any_three_block_cnn_of_28x28_images(self):
        model = cnn((4, 8, 8), dense=16, n_classes=3)
        reps = layer_representations(model, torch.rand(2, 1, 28, 28))
        assert {name: r.shape[1] for name, r in reps.items()} == {
            "pixels": 784, "block1": 4 * 14 * 14, "block2": 8 * 7 * 7, "block3": 8 * 3 * 3,
            "dense": 16,
        }  # fmt: skip

    @pytest.mark.parametrize(
        "x",
        [
            torch.zeros(1, 28, 28),
            torch.zeros(1, 3, 28, 28),
            torch.zeros(1, 1, 32, 32),
        ],
    )
    def test_bad_x(self, x):
        with pytest.raises(
            ValueError, match=r"^x must be a float tensor of shape \(n, 1, 28, 28\)"
        ):
            layer_representations(_cnn(), x)

    def test_an_array_is_not_a_tensor(self):
        with pytest.raises(TypeError, match=r"^x must be a float torch.Tensor, got an array"):
            layer_representations(_cnn(), np.zeros((1, 1, 28, 28), dtype=np.float32))

    @pytest.mark.parametrize(
        ("x", "message"),
        [
            (torch.zeros(0, 1, 28, 28), r"^x must have at least 1 rows"),
            (torch.full((2, 1, 28, 28), float("nan")), r"^x contains NaN or infinite values"),
        ],
    )
    def test_empty_or_nan_x(self, x, message):
        with pytest.raises(ValueError, match=message):
            layer_representations(_cnn(), x)

    def test_integer_x_names_x(self):
        with pytest.raises(TypeError, match=r"^x must be a float torch.Tensor"):
            layer_representations(_cnn(), torch.zeros(1, 1, 28, 28, dtype=torch.uint8))


class TestProbeAccuracy:
    @pytest.mark.parametrize(("spread", "n_components"), [(6.0, 3), (1.0, 3), (0.7, 5)])
    def test_matches_a_scikit_learn_pipeline(self, spread, n_components):
        train, train_labels = _blobs(40, 3, 8, spread, seed=0)
        test, test_labels = _blobs(40, 3, 8, spread, seed=1)
        ours = probe_accuracy(train, train_labels, test, test_labels, n_components=n_components)
        assert isinstance(ours, float)
        expected = _sklearn_probe(train, train_labels, test, test_labels, n_components)
        assert ours == pytest.approx(expected, abs=1 / len(test_labels) + 1e-12)

    def test_separable_problem_is_solved(self):
        train, train_labels = _blobs(30, 3, 6, 8.0, seed=0)
        test, test_labels = _blobs(30, 3, 6, 8.0, seed=1)
        assert probe_accuracy(train, train_labels, test, test_labels, n_components=3) == 1.0

    def test_noise_is_at_chance(self):
        rng = np.random.default_rng(0)
        train, test = rng.normal(size=(200, 10)), rng.normal(size=(200, 10))
        labels = np.arange(200) % 2
        assert 0.35 < probe_accuracy(train, labels, test, labels, n_components=4) < 0.65

    def test_too_few_components_lose_the_signal(self):
        # The classes differ only along a low-variance axis, which 1 component drops.
        rng = np.random.default_rng(0)
        labels = np.arange(200) % 2
        features = rng.normal(size=(200, 3)) * [10.0, 10.0, 0.1]
        features[:, 2] += labels
        assert probe_accuracy(features, labels, features, labels, n_components=3) == 1.0
        assert probe_accuracy(features, labels, features, labels, n_components=1) < 0.7

    def test_integer_features(self):
        features = np.repeat(np.arange(2), 10)[:, None] * 5 + np.arange(20)[:, None] % 3
        labels = np.repeat(np.arange(2), 10)
        features = np.hstack([features, features % 2])
        assert probe_accuracy(features, labels, features, labels, n_components=2) == 1.0

    def _ok(self):
        train, labels = _blobs(10, 2, 4, 3.0, seed=0)
        return {"train": train, "train_labels": labels, "test": train, "test_labels": labels}

    @pytest.mark.parametrize(
        ("arg", "value", "error", "message"),
        [
            ("train", np.zeros(20), ValueError, r"^train must be a 2-D array"),
            ("test", np.zeros((20, 4, 1)), ValueError, r"^test must be a 2-D array"),
            ("train", [[0.0] * 4] * 20, TypeError, r"^train must be a NumPy array"),
            ("train", np.zeros((0, 4)), ValueError, r"^train must have at least 1 rows"),
            ("train_labels", np.zeros(20), TypeError, r"^train_labels must have an integer"),
            ("test_labels", np.zeros((20, 1), int), ValueError, r"^test_labels must be a 1-D"),
            ("test_labels", np.zeros(19, int), ValueError, r"test has 20, test_labels has 19"),
            ("train_labels", np.zeros(21, int), ValueError, r"train has 20, train_labels has 21"),
            ("test", np.zeros((20, 5)), ValueError, r"^train and test must have the same number"),
            ("train_labels", np.zeros(20, int), ValueError, r"^train_labels must contain at least"),
        ],
    )
    def test_bad_arrays(self, arg, value, error, message):
        kwargs = self._ok() | {arg: value}
        with pytest.raises(error, match=message):
            probe_accuracy(**kwargs, n_components=2)

    def test_nan_features(self):
        kwargs = self._ok()
        kwargs["test"] = kwargs["test"].copy()
        kwargs["test"][3, 1] = math.nan
        with pytest.raises(ValueError, match=r"^test contains NaN"):
            probe_accuracy(**kwargs)

    @pytest.mark.parametrize(
        ("value", "error", "message"),
        [
            (0, ValueError, r"^n_components must be at least 1, got 0$"),
            (5, ValueError, r"^n_components must be at most min\(n_samples, n_features\) = 4"),
            (2.0, TypeError, r"^n_components must be an integer"),
        ],
    )
    def test_bad_n_components(self, value, error, message):
        with pytest.raises(error, match=message):
            probe_accuracy(**self._ok(), n_components=value)


class TestProbeLayers:
    def test_one_accuracy_per_layer_equal_to_probe_accuracy(self):
        seed_everything(0)
        model = _cnn()
        x_train, x_test = torch.rand(30, 1, 28, 28), torch.rand(20, 1, 28, 28)
        # Bright images are class 1: even the pixels separate them.
        x_train[15:] += 1.0
        x_test[10:] += 1.0
        y_train, y_test = np.repeat([0, 1], 15), np.repeat([0, 1], 10)
        result = probe_layers(model, x_train, y_train, x_test, y_test, n_components=3)
        assert list(result) == list(LAYER_NAMES)
        train = layer_representations(model, x_train)
        test = layer_representations(model, x_test)
        for name, accuracy in result.items():
            assert accuracy == probe_accuracy(
                train[name], y_train, test[name], y_test, n_components=3
            )
        assert result["pixels"] == 1.0

    def test_bad_input(self):
        model = _cnn()
        x = torch.zeros(4, 1, 28, 28)
        with pytest.raises(ValueError, match=r"^x_train must be a float tensor of shape"):
            probe_layers(model, torch.zeros(4, 28, 28), np.arange(4) % 2, x, np.arange(4) % 2)
        with pytest.raises(ValueError, match=r"^x_test contains NaN"):
            probe_layers(model, x, np.arange(4) % 2, x * np.nan, np.arange(4) % 2)
        with pytest.raises(TypeError, match=r"^y_test must have an integer dtype"):
            probe_layers(model, x, np.arange(4) % 2, x, np.zeros(4))
        with pytest.raises(TypeError, match=r"^model must be a network"):
            probe_layers(torch.nn.Linear(2, 2), x, np.arange(4) % 2, x, np.arange(4) % 2)
        with pytest.raises(ValueError, match=r"x_train has 4, y_train has 3"):
            probe_layers(model, x, np.arange(3) % 2, x, np.arange(4) % 2, n_components=2)
