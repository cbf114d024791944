"""Tests of dlguide.language.features: frozen-encoder features and a from-scratch text network."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from dlguide.language.features import encode, predict_bag_of_pieces, train_bag_of_pieces


def test_encode_matches_sentence_transformers():
    from sentence_transformers import SentenceTransformer

    from dlguide.data.text import minilm_path

    texts = ["A fine film.", "The battery died after a day, and nobody answered."]
    ours = encode(texts)
    ours = ours / np.linalg.norm(ours, axis=1, keepdims=True)
    reference = SentenceTransformer(str(minilm_path()), device="cpu").encode(texts)
    np.testing.assert_allclose(ours, reference, atol=1e-4)


def test_encode_is_independent_of_batching():
    texts = ["short", "a somewhat longer sentence with more word pieces in it", "mid size text"]
    np.testing.assert_allclose(encode(texts, batch_size=1), encode(texts, batch_size=3), atol=1e-5)


@pytest.mark.parametrize(
    ("bad", "error"), [("one string", TypeError), ([], ValueError), (["a", None], TypeError)]
)
def test_encode_bad_input(bad, error):
    with pytest.raises(error, match="texts"):
        encode(bad)


def test_bag_of_pieces_learns_a_separable_toy_task():
    texts = ["good great fine", "bad awful poor"] * 10
    labels = np.array([1, 0] * 10)
    net = train_bag_of_pieces(texts, labels, n_classes=2, epochs=30, seed=1)
    assert predict_bag_of_pieces(net, ["great", "awful"]).tolist() == [1, 0]


def test_bag_of_pieces_bad_input():
    with pytest.raises(ValueError, match=r"^labels must hold class ids from 0 to 1 \(2 classes\)"):
        train_bag_of_pieces(["a", "b"], np.array([0, 3]), n_classes=2)
    with pytest.raises(ValueError, match="labels has"):
        train_bag_of_pieces(["a", "b"], np.array([0]), n_classes=2)
    with pytest.raises(ValueError, match="n_classes"):
        train_bag_of_pieces(["a"], np.array([0]), n_classes=1)
    with pytest.raises(TypeError, match="labels must be an array"):
        train_bag_of_pieces(["a"], 0, n_classes=2)
    with pytest.raises(ValueError, match="lr must be positive"):
        train_bag_of_pieces(["a"], [0], n_classes=2, lr=0.0)
    with pytest.raises(TypeError, match="net must be a network from train_bag_of_pieces"):
        predict_bag_of_pieces(torch.nn.Linear(1, 1), ["a"])
