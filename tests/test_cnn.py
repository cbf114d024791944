"""Tests of architectures.cnn: the classic CNN in Keras and PyTorch, and its feature maps."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from dlguide.architectures.cnn import (
    CONV_LAYERS,
    classic_cnn_recipe,
    feature_maps,
    keras_classic_cnn,
    torch_classic_cnn,
)
from dlguide.architectures.convolution import conv_parameters, dense_parameters

# Keras 3.15 (torch backend) converts its variables with np.array(copy=False) internally,
# which NumPy 2 reports as a DeprecationWarning; it is Keras's own, and harmless here.
pytestmark = pytest.mark.filterwarnings(
    "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning"
)


def _expected_parameters(n_classes):
    return (conv_parameters(1, 32, 3) + conv_parameters(32, 64, 3) + conv_parameters(64, 64, 3)
            + dense_parameters(576, 64) + dense_parameters(64, n_classes))  # fmt: skip


@pytest.mark.parametrize("n_classes", [2, 10])
def test_same_parameters_in_both_frameworks(n_classes):
    torch_count = sum(p.numel() for p in torch_classic_cnn(n_classes).parameters())
    assert torch_count == _expected_parameters(n_classes)
    assert keras_classic_cnn(n_classes).count_params() == _expected_parameters(n_classes)


def test_keras_model_outputs_probabilities_and_trains():
    import keras

    keras.utils.set_random_seed(0)
    model = keras_classic_cnn(3)
    x = np.random.default_rng(0).random((12, 28, 28, 1)).astype("float32")
    probs = model.predict(x, verbose=0)
    assert probs.shape == (12, 3)
    np.testing.assert_allclose(probs.sum(axis=1), 1, rtol=1e-5)
    assert model.loss == "sparse_categorical_crossentropy"
    history = model.fit(x, np.arange(12) % 3, epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()


def test_torch_model_matches_keras_weights():
    """Copy the Keras weights into the PyTorch model: both must compute the same outputs."""
    import keras

    keras.utils.set_random_seed(1)
    k_model, t_model = keras_classic_cnn(), torch_classic_cnn()
    for name in CONV_LAYERS:
        kernel, bias = (np.asarray(w) for w in k_model.get_layer(name).get_weights())
        getattr(t_model, name).weight.data = torch.from_numpy(kernel.transpose(3, 2, 0, 1).copy())
        getattr(t_model, name).bias.data = torch.from_numpy(bias)
    for name in ("dense", "output"):
        kernel, bias = (np.asarray(w) for w in k_model.get_layer(name).get_weights())
        if name == "dense":  # Keras flattens (h, w, c), PyTorch (c, h, w)
            kernel = kernel.reshape(3, 3, 64, 64).transpose(2, 0, 1, 3).reshape(576, 64)
        getattr(t_model, name).weight.data = torch.from_numpy(kernel.T.copy())
        getattr(t_model, name).bias.data = torch.from_numpy(bias)
    x = np.random.default_rng(3).random((4, 28, 28, 1)).astype("float32")
    keras_probs = k_model.predict(x, verbose=0)
    with torch.no_grad():
        torch_probs = torch.softmax(t_model(torch.from_numpy(x).permute(0, 3, 1, 2)), 1).numpy()
    np.testing.assert_allclose(torch_probs, keras_probs, atol=1e-5)


def test_feature_maps_match_layers():
    torch.manual_seed(0)
    model = torch_classic_cnn()
    image = torch.rand(1, 28, 28)
    maps = feature_maps(model, image)
    assert list(maps) == list(CONV_LAYERS)
    expected = torch.relu(model.conv1(image[None]))[0].detach().numpy()
    np.testing.assert_allclose(maps["conv1"], expected, atol=1e-6)
    assert maps["conv3"].shape == (64, 3, 3) and (maps["conv3"] >= 0).all()
    assert feature_maps(model, image[None])["conv2"].shape == (64, 11, 11)


def test_other_image_sizes():
    assert torch_classic_cnn(image_size=32)(torch.zeros(1, 1, 32, 32)).shape == (1, 10)
    assert keras_classic_cnn(input_shape=(32, 32, 1)).output_shape == (None, 10)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: torch_classic_cnn(1), ValueError, "n_classes must be at least 2"),
        (lambda: torch_classic_cnn(image_size=10), ValueError, "image_size must be at least 18"),
        (lambda: keras_classic_cnn(input_shape=(28, 28)), TypeError, "input_shape must be"),
        (lambda: keras_classic_cnn(input_shape=(8, 8, 1)), ValueError, "at least 18x18"),
        (lambda: keras_classic_cnn("10"), TypeError, "n_classes must be an integer"),
        (lambda: keras_classic_cnn(learning_rate="adam"), TypeError, "learning_rate must be"),
        (lambda: keras_classic_cnn(learning_rate=0.0), ValueError, "learning_rate"),
        (lambda: classic_cnn_recipe(epochs=0), ValueError, "epochs must be at least 1"),
        (lambda: feature_maps(torch.nn.Linear(2, 2), torch.zeros(1, 28, 28)), TypeError,
         "torch_classic_cnn"),
        (lambda: feature_maps(torch_classic_cnn(), np.zeros((1, 28, 28))), TypeError,
         "float torch.Tensor"),
        (lambda: feature_maps(torch_classic_cnn(), torch.zeros(2, 1, 28, 28)), ValueError,
         r"shape \(1, h, w\)"),
    ],
)  # fmt: skip
def test_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_augmentation_goes_in_front():
    from dlguide.architectures.augmentation import augmentation_layers

    model = keras_classic_cnn(augmentation=augmentation_layers(("flip",)))
    assert [layer.name for layer in model.layers][:2] == ["augmentation", "conv1"]
    with pytest.raises(TypeError, match="augmentation must be a Keras layer"):
        keras_classic_cnn(augmentation="flip")


def test_learning_rate_and_schedule_reach_adam():
    import keras

    assert keras_classic_cnn().optimizer.learning_rate.numpy() == pytest.approx(1e-3)
    assert keras_classic_cnn(learning_rate=0.01).optimizer.learning_rate.numpy() == pytest.approx(
        0.01
    )
    schedule = keras.optimizers.schedules.CosineDecay(
        1e-4, decay_steps=10, warmup_target=5e-3, warmup_steps=5
    )
    model = keras_classic_cnn(learning_rate=schedule)
    x = np.zeros((8, 28, 28, 1), "float32")
    model.fit(x, np.arange(8) % 10, epochs=1, batch_size=2, verbose=0)  # 4 steps of warm-up
    assert model.optimizer.learning_rate.numpy() == pytest.approx(float(schedule(4)), rel=1e-5)
    assert float(schedule(4)) > 1e-4


def test_recipe_is_trained_once_and_keeps_its_model_and_log(tmp_path, monkeypatch):
    import json

    import keras

    from dlguide.data import load_animal_shapes

    monkeypatch.setenv("DLGUIDE_MODEL_CACHE", str(tmp_path))
    folder = classic_cnn_recipe(seed=0, epochs=1, batch_size=500)
    log = json.loads((folder / "training.json").read_text())
    assert (log["epochs"], log["batch_size"], log["seed"]) == (1, 500, 0)
    assert log["seconds"] > 0
    test = load_animal_shapes("test")
    model = keras.saving.load_model(folder / "model.keras")
    accuracy = model.evaluate(test.images[..., None] / np.float32(255), test.labels, verbose=0)[1]
    assert accuracy == pytest.approx(log["test_accuracy"], abs=1e-6)  # the log is the model's
    assert accuracy > 0.3  # one pass already learns (chance is 0.1)
    stamp = (folder / "training.json").stat().st_mtime_ns
    assert classic_cnn_recipe(seed=0, epochs=1, batch_size=500) == folder
    assert (folder / "training.json").stat().st_mtime_ns == stamp  # not trained again
    assert classic_cnn_recipe(seed=1, epochs=1, batch_size=500) != folder
