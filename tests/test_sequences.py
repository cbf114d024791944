"""Tests of dlguide.architectures.sequences and dlguide.data.hamlet: recurrent character models."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import torch

from dlguide.architectures.char_model import CharModel
from dlguide.architectures.sequences import (
    CELLS,
    encode,
    generate,
    gradient_by_time,
    next_char_loss,
    random_windows,
    rnn_unrolled,
    train_language_model,
)
from dlguide.data.hamlet import load_hamlet


def test_hamlet_is_the_play():
    text = load_hamlet()
    assert text.count("HAMLET") > 300
    assert "To be, or not to be" in text


def test_encode_round_trip():
    ids, alphabet = encode("hello world")
    assert "".join(alphabet[i] for i in ids) == "hello world"
    assert list(alphabet) == sorted(alphabet)


def test_windows_are_slices_of_the_text():
    ids = np.arange(50)
    x, y = random_windows(ids, 6, 10, seed=1)
    for row_x, row_y in zip(x.numpy(), y.numpy()):
        start = row_x[0]
        np.testing.assert_array_equal(row_x, ids[start : start + 6])
        np.testing.assert_array_equal(row_y, ids[start + 1 : start + 7])


@pytest.mark.parametrize("seq_len", [1, 13])
def test_unrolled_matches_torch(seq_len):
    torch.manual_seed(0)
    rnn = torch.nn.RNN(4, 6, batch_first=True)
    x = torch.randn(3, seq_len, 4)
    torch.testing.assert_close(rnn_unrolled(x, rnn), rnn(x)[0], atol=1e-6, rtol=1e-5)


@pytest.mark.parametrize("cell", CELLS)
def test_char_model_uses_its_cell(cell):
    model = CharModel(7, cell, hidden=5, embed=3)
    assert type(model.recurrent).__name__ == cell.upper()
    assert model(torch.zeros(2, 4, dtype=torch.long)).shape == (2, 4, 7)


def test_loss_in_bits_matches_cross_entropy():
    torch.manual_seed(0)
    model = CharModel(5, "gru", hidden=4)
    x, y = random_windows(np.arange(40) % 5, 6, 4)
    nats = torch.nn.functional.cross_entropy(model(x).flatten(0, 1), y.flatten()).item()
    assert next_char_loss(model, x, y) == pytest.approx(nats / np.log(2), rel=1e-5)


def test_training_learns_a_periodic_sequence():
    torch.manual_seed(0)
    x, y = random_windows(np.arange(300) % 6, 12, 100)
    model = CharModel(6, "lstm", hidden=16)
    train_language_model(model, x, y, steps=150, lr=1e-2)
    assert next_char_loss(model, x, y) < 0.1
    assert generate(model, tuple("abcdef"), "abc", 6, temperature=0.1) == "abcdefabc"


def test_gradient_by_time_against_autograd_by_hand():
    torch.manual_seed(1)
    model = CharModel(5, "rnn", hidden=8)
    x, _ = random_windows(np.arange(60) % 5, 9, 3)
    ours = gradient_by_time(model, x)
    embedded = model.embed(x).detach().requires_grad_(True)
    logits = model.output(model.recurrent(embedded)[0][:, -1])
    loss = torch.nn.functional.cross_entropy(logits, logits.argmax(1), reduction="sum")
    (grad,) = torch.autograd.grad(loss, embedded)
    np.testing.assert_allclose(ours, grad.norm(dim=2).mean(0).numpy(), rtol=1e-5)
    assert ours.shape == (9,)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: encode(""), ValueError, "text must not be empty"),
        (lambda: random_windows(np.arange(5), 5, 1), ValueError, "fewer than length"),
        (lambda: random_windows(np.arange(5.0), 2, 1), TypeError, "integer dtype"),
        (lambda: rnn_unrolled(torch.zeros(1, 2, 3), torch.nn.LSTM(3, 2, batch_first=True)),
         TypeError, "torch.nn.RNN"),
        (lambda: rnn_unrolled(torch.zeros(1, 2, 4), torch.nn.RNN(3, 2, batch_first=True)),
         ValueError, "shape"),
        (lambda: CharModel(5, "transformer"), ValueError, "cell must be one of"),
        (lambda: CharModel(1), ValueError, "vocab_size must be at least 2"),
        (lambda: next_char_loss(torch.nn.Linear(2, 2), None, None), TypeError, "CharModel"),
        (lambda: gradient_by_time(CharModel(3), torch.zeros(2, 3)), TypeError,
         "integer torch.Tensor"),
        (lambda: generate(CharModel(2), ("a", "b"), "abc"), ValueError, "not in the alphabet"),
        (lambda: generate(CharModel(2), ("a", "b"), "a", temperature=0), ValueError, "positive"),
        (lambda: train_language_model(CharModel(2), *random_windows(np.arange(9) % 2, 3, 2),
                                      lr=-1), ValueError, "positive"),
    ],
)  # fmt: skip
def test_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_importing_sequences_does_not_import_torch():
    code = "import sys, dlguide.architectures.sequences; print('torch' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


@pytest.mark.filterwarnings(
    "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning"
)
def test_keras_char_lstm_is_char_models_lstm():
    import keras

    from dlguide.architectures.char_model import CharModel, keras_char_lstm

    model = CharModel(7, "lstm", hidden=5, embed=3)
    keras_model = keras_char_lstm(7, hidden=5, embed=3)
    n_torch = sum(p.numel() for p in model.parameters())
    # PyTorch's LSTM has a second bias per gate and unit (bias_hh), Keras' one
    assert keras_model.count_params() == n_torch - 4 * 5
    embedding, lstm, dense = keras_model.layers
    weights = lambda w: torch.from_numpy(keras.ops.convert_to_numpy(w).copy())  # noqa: E731
    kernel, recurrent, bias = lstm.cell.kernel, lstm.cell.recurrent_kernel, lstm.cell.bias
    with torch.no_grad():
        model.embed.weight.copy_(weights(embedding.embeddings))
        # both frameworks order the gates input, forget, candidate, output
        model.recurrent.weight_ih_l0.copy_(weights(kernel).T)
        model.recurrent.weight_hh_l0.copy_(weights(recurrent).T)
        model.recurrent.bias_ih_l0.copy_(weights(bias))
        model.recurrent.bias_hh_l0.zero_()
        model.output.weight.copy_(weights(dense.kernel).T)
        model.output.bias.copy_(weights(dense.bias))
        ids = torch.from_numpy(np.random.default_rng(0).integers(0, 7, (4, 9)))
        ours = model(ids).numpy()
    theirs = keras.ops.convert_to_numpy(keras_model(ids.numpy()))
    np.testing.assert_allclose(theirs, ours, atol=1e-5)


def test_batch_order_is_train_language_models_batches():
    from dlguide.architectures.sequences import batch_order

    order = batch_order(50, steps=4, batch_size=3, seed=7)
    generator = torch.Generator().manual_seed(7)
    expected = torch.cat([torch.randint(0, 50, (3,), generator=generator) for _ in range(4)])
    assert torch.equal(order, expected)
    assert not torch.equal(order, batch_order(50, steps=4, batch_size=3, seed=8))


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"vocab_size": 1}, ValueError, "vocab_size"),
        ({"vocab_size": 5, "hidden": 0}, ValueError, "hidden"),
        ({"vocab_size": 5, "embed": 2.5}, TypeError, "embed"),
    ],
)
def test_keras_char_lstm_rejects_bad_sizes(kwargs, error, message):
    from dlguide.architectures.char_model import keras_char_lstm

    with pytest.raises(error, match=message):
        keras_char_lstm(**kwargs)
