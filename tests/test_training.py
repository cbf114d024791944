"""Tests of dlguide.training: images_to_tensor, fit_classifier and predict_proba."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from dlguide.book.seeding import seed_everything
from dlguide.training import History, fit_classifier, images_to_tensor, predict_proba


def _separable(n: int = 128, seed: int = 0) -> tuple[torch.Tensor, np.ndarray]:
    """Two Gaussian blobs in 2-D, far apart: a linear model separates them."""
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % 2
    points = rng.normal(size=(n, 2)) + np.where(labels[:, None] == 1, 3.0, -3.0)
    return torch.tensor(points, dtype=torch.float32), labels.astype(np.int64)


class TestImagesToTensor:
    def test_shape_dtype_and_scale(self):
        images = np.array([[[0, 255], [51, 102]]], dtype=np.uint8)
        tensor = images_to_tensor(images)
        assert tensor.shape == (1, 1, 2, 2)
        assert tensor.dtype == torch.float32
        expected = torch.tensor([[[[0.0, 1.0], [0.2, 0.4]]]])
        torch.testing.assert_close(tensor, expected)

    def test_does_not_change_its_input(self):
        images = np.full((2, 3, 3), 7, dtype=np.uint8)
        images.setflags(write=False)
        images_to_tensor(images)
        assert (images == 7).all()

    @pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64, np.uint16])
    def test_refuses_other_dtypes(self, dtype):
        with pytest.raises(
            TypeError, match=rf"^images must have dtype uint8 .*got {np.dtype(dtype)}"
        ):
            images_to_tensor(np.zeros((1, 4, 4), dtype=dtype))

    def test_bad_shapes(self):
        with pytest.raises(ValueError, match=r"^images must be a 3-D array, got shape \(4, 4\)"):
            images_to_tensor(np.zeros((4, 4), dtype=np.uint8))
        with pytest.raises(ValueError, match=r"^images must have at least 1 rows"):
            images_to_tensor(np.zeros((0, 4, 4), dtype=np.uint8))
        with pytest.raises(TypeError, match=r"^images must be a NumPy array, got a Tensor"):
            images_to_tensor(torch.zeros(1, 4, 4, dtype=torch.uint8))


class TestFitClassifier:
    def test_lowers_the_loss_and_separates_the_classes(self):
        seed_everything(0)
        x, y = _separable()
        x_test, y_test = _separable(64, seed=1)
        model = torch.nn.Linear(2, 2)
        before = torch.nn.functional.cross_entropy(model(x), torch.from_numpy(y)).item()
        history = fit_classifier(
            model, x, y, epochs=5, batch_size=32, lr=0.05, x_val=x_test, y_val=y_test
        )
        assert isinstance(history, History)
        assert len(history.train_loss) == len(history.val_accuracy) == 5
        assert history.train_loss[-1] < history.train_loss[0] < before
        after = torch.nn.functional.cross_entropy(model(x), torch.from_numpy(y)).item()
        assert after < before / 5
        assert history.val_accuracy[-1] == 1.0
        # The recorded accuracy is the accuracy of the returned model.
        predicted = model(x_test).argmax(dim=1).numpy()
        assert history.val_accuracy[-1] == np.mean(predicted == y_test)
        assert history.seconds > 0
        assert not model.training

    def test_train_loss_is_the_mean_over_examples(self):
        # With lr tiny the weights barely move, so the first epoch's loss is the loss
        # of the initial model, averaged over uneven batches (10 = 4 + 4 + 2).
        seed_everything(0)
        x, y = _separable(10)
        model = torch.nn.Linear(2, 2)
        initial = torch.nn.functional.cross_entropy(model(x), torch.from_numpy(y)).item()
        history = fit_classifier(model, x, y, epochs=1, batch_size=4, lr=1e-9)
        assert history.train_loss[0] == pytest.approx(initial, rel=1e-5)
        assert history.val_accuracy == []

    def test_reproducible_with_a_seed(self):
        x, y = _separable(64)
        runs = []
        for _ in range(2):
            seed_everything(3)
            model = torch.nn.Linear(2, 2)
            runs.append(fit_classifier(model, x, y, epochs=2, batch_size=8).train_loss)
        assert runs[0] == runs[1]

    def test_bad_model_and_x(self):
        x, y = _separable(8)
        with pytest.raises(TypeError, match=r"^model must be a torch\.nn\.Module, got "):
            fit_classifier(lambda t: t, x, y)
        model = torch.nn.Linear(2, 2)
        with pytest.raises(TypeError, match=r"^x must be a float torch\.Tensor, got an array"):
            fit_classifier(model, x.numpy(), y)
        with pytest.raises(TypeError, match=r"^x must be a float torch\.Tensor, got a Tensor"):
            fit_classifier(model, x.long(), y)

    def test_bad_labels(self):
        x, y = _separable(8)
        model = torch.nn.Linear(2, 2)
        with pytest.raises(TypeError, match=r"^y must have an integer dtype, got float64"):
            fit_classifier(model, x, y.astype(float))
        with pytest.raises(TypeError, match=r"^y must be a NumPy array, got list"):
            fit_classifier(model, x, list(y))
        with pytest.raises(TypeError, match=r"^y must be a NumPy array, got a Tensor"):
            fit_classifier(model, x, torch.from_numpy(y))
        with pytest.raises(ValueError, match=r"^y must be a 1-D array"):
            fit_classifier(model, x, y[:, None])
        with pytest.raises(
            ValueError, match=r"^expected the same number of rows: x has 8, y has 7"
        ):
            fit_classifier(model, x, y[:7])
        with pytest.raises(ValueError, match=r"^x must have at least 1 rows"):
            fit_classifier(model, x[:0], y[:0])

    @pytest.mark.parametrize(
        ("kwargs", "error", "message"),
        [
            ({"epochs": 0}, ValueError, r"^epochs must be at least 1, got 0$"),
            ({"epochs": 1.0}, TypeError, r"^epochs must be an integer"),
            ({"batch_size": 0}, ValueError, r"^batch_size must be at least 1, got 0$"),
            ({"batch_size": True}, TypeError, r"^batch_size must be an integer"),
            ({"lr": 0}, ValueError, r"^lr must be positive, got 0"),
            ({"lr": -0.1}, ValueError, r"^lr must be positive, got -0.1"),
            ({"lr": math.nan}, ValueError, r"^lr must be a finite number"),
            ({"lr": "0.1"}, TypeError, r"^lr must be a real number"),
        ],
    )
    def test_bad_settings(self, kwargs, error, message):
        x, y = _separable(8)
        with pytest.raises(error, match=message):
            fit_classifier(torch.nn.Linear(2, 2), x, y, **kwargs)

    @pytest.mark.parametrize("which", ["x_val", "y_val"])
    def test_validation_data_comes_in_pairs(self, which):
        x, y = _separable(8)
        with pytest.raises(TypeError, match=r"^give both x_val and y_val, or neither$"):
            fit_classifier(torch.nn.Linear(2, 2), x, y, **{which: x if which == "x_val" else y})

    def test_y_val_of_the_wrong_length(self):
        x, y = _separable(8)
        with pytest.raises(ValueError, match=r"y_val"):
            fit_classifier(torch.nn.Linear(2, 2), x, y, epochs=1, x_val=x, y_val=y[:1])

    def test_labels_out_of_range(self):
        x, y = _separable(8)
        with pytest.raises(ValueError, match=r"^y must"):
            fit_classifier(torch.nn.Linear(2, 2), x, y + 5, epochs=1)


class TestPredictProba:
    def test_matches_torch_softmax(self):
        seed_everything(0)
        model = torch.nn.Sequential(torch.nn.Linear(3, 8), torch.nn.ReLU(), torch.nn.Linear(8, 4))
        x = torch.randn(10, 3)
        p = predict_proba(model, x, batch_size=3)
        assert isinstance(p, np.ndarray)
        assert p.shape == (10, 4)
        assert p.dtype == np.float32
        np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-6)
        assert (p >= 0).all()
        with torch.no_grad():
            expected = torch.softmax(model(x), dim=1).numpy()
        np.testing.assert_allclose(p, expected, rtol=1e-6, atol=1e-7)

    def test_batch_size_does_not_change_the_result(self):
        seed_everything(0)
        model = torch.nn.Linear(3, 2)
        x = torch.randn(7, 3)
        np.testing.assert_allclose(
            predict_proba(model, x, batch_size=1), predict_proba(model, x), rtol=1e-6
        )

    def test_uses_eval_mode_and_restores_the_training_mode(self):
        # Dropout is off in eval mode, so two calls agree even though the model trains.
        seed_everything(0)
        model = torch.nn.Sequential(torch.nn.Linear(4, 4), torch.nn.Dropout(0.9))
        x = torch.ones(5, 4)
        model.train()
        np.testing.assert_array_equal(predict_proba(model, x), predict_proba(model, x))
        assert model.training
        model.eval()
        predict_proba(model, x)
        assert not model.training

    def test_no_gradients_are_recorded(self):
        model = torch.nn.Linear(2, 2)
        x = torch.ones(3, 2, requires_grad=True)
        predict_proba(model, x)
        assert model.weight.grad is None

    def test_bad_input(self):
        model = torch.nn.Linear(2, 2)
        with pytest.raises(TypeError, match=r"^model must be a torch\.nn\.Module"):
            predict_proba("model", torch.zeros(1, 2))
        with pytest.raises(TypeError, match=r"^x must be a float torch\.Tensor, got an array"):
            predict_proba(model, np.zeros((1, 2)))
        with pytest.raises(TypeError, match=r"^x must be a float torch\.Tensor"):
            predict_proba(model, torch.zeros(1, 2, dtype=torch.int64))
        with pytest.raises(ValueError, match=r"^batch_size must be at least 1, got 0"):
            predict_proba(model, torch.zeros(1, 2), batch_size=0)
        with pytest.raises(TypeError, match=r"^batch_size must be an integer"):
            predict_proba(model, torch.zeros(1, 2), batch_size=2.0)

    def test_empty_input_names_x(self):
        with pytest.raises(ValueError, match=r"^x must"):
            predict_proba(torch.nn.Linear(2, 2), torch.zeros(0, 2))
