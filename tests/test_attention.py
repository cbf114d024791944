"""Tests of architectures.attention: the formula, encodings, blocks, reverse task."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from dlguide.architectures.attention import (
    attention,
    positional_encoding,
    reverse_task,
    train_tagger,
)
from dlguide.architectures.transformer import EncoderBlock, SequenceTagger


@pytest.mark.parametrize("shape", [(5, 8), (2, 7, 4), (2, 3, 6, 16)])
def test_attention_matches_pytorch(shape):
    torch.manual_seed(0)
    q, k, v = (torch.randn(shape) for _ in range(3))
    out, weights = attention(q, k, v)
    torch.testing.assert_close(out, F.scaled_dot_product_attention(q, k, v), atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(weights.sum(-1), torch.ones(shape[:-1]))


def test_attention_by_hand():
    q = torch.tensor([[1.0, 0.0]])
    k = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    v = torch.tensor([[10.0], [20.0]])
    w = math.exp(1 / math.sqrt(2)) / (math.exp(1 / math.sqrt(2)) + 1)
    out, weights = attention(q, k, v)
    assert weights[0, 0].item() == pytest.approx(w, rel=1e-6)
    assert out.item() == pytest.approx(10 * w + 20 * (1 - w), rel=1e-6)


def test_positional_encoding_formula():
    pe = positional_encoding(50, 8)
    assert pe[7, 2] == pytest.approx(math.sin(7 / 10000 ** (2 / 8)))
    assert pe[7, 3] == pytest.approx(math.cos(7 / 10000 ** (2 / 8)))
    assert len({tuple(row.round(6)) for row in pe}) == 50  # every position distinct


def test_encoder_block_keeps_shape_and_records_weights():
    torch.manual_seed(0)
    block = EncoderBlock(8, heads=2)
    assert block(torch.randn(3, 5, 8)).shape == (3, 5, 8)
    assert block.last_weights.shape == (3, 5, 5)
    torch.testing.assert_close(block.last_weights.sum(-1), torch.ones(3, 5))


def test_encoder_block_keeps_each_heads_weights_and_their_mean_is_torchs_average():
    torch.manual_seed(0)
    block = EncoderBlock(8, heads=2)
    x = torch.randn(3, 5, 8)
    block(x)
    assert block.last_head_weights.shape == (3, 2, 5, 5)
    torch.testing.assert_close(block.last_head_weights.sum(-1), torch.ones(3, 2, 5))
    _, averaged = block.attend(x, x, x, need_weights=True)  # torch's own average over heads
    torch.testing.assert_close(block.last_weights, averaged)
    assert not torch.allclose(block.last_head_weights[:, 0], block.last_head_weights[:, 1])


def test_transformer_without_positions_is_permutation_equivariant():
    torch.manual_seed(0)
    block = EncoderBlock(8, heads=2).eval()
    x = torch.randn(1, 6, 8)
    order = torch.tensor([3, 1, 5, 0, 2, 4])
    with torch.no_grad():
        torch.testing.assert_close(block(x)[:, order], block(x[:, order]), atol=1e-5, rtol=1e-5)


def test_reverse_task_and_training():
    x, y = reverse_task(300, 5, 4, seed=2)
    assert torch.equal(y, x.flip(1)) and x.max() < 4
    torch.manual_seed(0)
    model = SequenceTagger(4, 5, "transformer", dim=32, layers=1)
    accuracy = train_tagger(model, x, y, steps=200, lr=3e-3)
    assert np.mean(accuracy[-10:]) > 0.95


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: attention(torch.zeros(2, 3), torch.zeros(2, 4), torch.zeros(2, 3)), ValueError,
         "same last dimension"),
        (lambda: attention(np.zeros((2, 3)), torch.zeros(2, 3), torch.zeros(2, 3)), TypeError,
         "q must be a float tensor"),
        (lambda: positional_encoding(4, 5), ValueError, "dim must be even"),
        (lambda: positional_encoding(0, 4), ValueError, "length must be at least 1"),
        (lambda: EncoderBlock(10, heads=3), ValueError, "divisible"),
        (lambda: SequenceTagger(5, 4, "gru"), ValueError, "kind must be"),
        (lambda: reverse_task(3, 1, 4), ValueError, "length must be at least 2"),
        (lambda: train_tagger(torch.nn.Linear(2, 2), None, None), TypeError, "SequenceTagger"),
    ],
)  # fmt: skip
def test_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_importing_attention_does_not_import_torch():
    code = "import sys, dlguide.architectures.attention; print('torch' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


@pytest.mark.filterwarnings(
    "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning"
)
def test_keras_sequence_tagger_is_sequence_taggers_transformer():
    import keras

    from dlguide.architectures.transformer import keras_sequence_tagger

    dim, heads, vocab, length = 8, 4, 5, 6  # SequenceTagger's blocks have 4 heads
    torch.manual_seed(0)
    model = SequenceTagger(vocab, length, "transformer", dim=dim, layers=2)
    keras_model = keras_sequence_tagger(vocab, length, dim=dim, layers=2, heads=heads)
    assert keras_model.count_params() == sum(p.numel() for p in model.parameters())
    # copy PyTorch's weights into Keras: Dense kernels are (inputs, outputs), the transpose
    # of Linear's weights; MultiHeadAttention keeps the heads as an axis of its kernels
    t = lambda w: w.detach().numpy().T  # noqa: E731
    per_head = dim // heads
    layers = [layer for layer in keras_model.layers if layer.weights]
    embedding, *blocks, output = layers
    embedding.set_weights([model.embed.weight.detach().numpy()])
    for i, block in enumerate(model.blocks):
        attend, norm1, wide, narrow, norm2 = blocks[5 * i : 5 * i + 5]
        q, k, v = block.attend.in_proj_weight.chunk(3)
        qb, kb, vb = block.attend.in_proj_bias.chunk(3)
        out = block.attend.out_proj
        attend.set_weights([
            t(q).reshape(dim, heads, per_head), qb.detach().numpy().reshape(heads, per_head),
            t(k).reshape(dim, heads, per_head), kb.detach().numpy().reshape(heads, per_head),
            t(v).reshape(dim, heads, per_head), vb.detach().numpy().reshape(heads, per_head),
            t(out.weight).reshape(heads, per_head, dim), out.bias.detach().numpy(),
        ])  # fmt: skip
        for keras_norm, norm in ((norm1, block.norm1), (norm2, block.norm2)):
            keras_norm.set_weights([norm.weight.detach().numpy(), norm.bias.detach().numpy()])
        for dense, linear in ((wide, block.feed_forward[0]), (narrow, block.feed_forward[2])):
            dense.set_weights([t(linear.weight), linear.bias.detach().numpy()])
    output.set_weights([t(model.output.weight), model.output.bias.detach().numpy()])
    ids = torch.from_numpy(np.random.default_rng(0).integers(0, vocab, (3, length)))
    with torch.no_grad():
        ours = model.eval()(ids).numpy()
    theirs = keras.ops.convert_to_numpy(keras_model(ids.numpy()))
    np.testing.assert_allclose(theirs, ours, atol=1e-5)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"vocab_size": 1, "length": 4}, ValueError, "vocab_size"),
        ({"vocab_size": 5, "length": 0}, ValueError, "length"),
        ({"vocab_size": 5, "length": 4, "dim": 10, "heads": 3}, ValueError, "divisible"),
        ({"vocab_size": 5, "length": 4, "layers": 1.5}, TypeError, "layers"),
    ],
)
def test_keras_sequence_tagger_rejects_bad_sizes(kwargs, error, message):
    from dlguide.architectures.transformer import keras_sequence_tagger

    with pytest.raises(error, match=message):
        keras_sequence_tagger(**kwargs)
