"""Tests of dlguide.language.bert: the encoder, contextual vectors, sizes and MLM masking."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from dlguide.language.bert import (
    BERT_BASE,
    BERT_LARGE,
    bert_parameter_formula,
    count_parameters,
    length_sorted_batches,
    load_encoder,
    mask_tokens,
    predict_masked,
    word_vectors_by_layer,
)


def test_encoder_loads_offline_with_expected_shape():
    tokenizer, model = load_encoder()
    assert len(tokenizer) == 30_522
    assert sum(p.numel() for p in model.parameters()) == pytest.approx(22.7e6, rel=0.01)


def test_length_sorted_batches_cover_every_text_once_shortest_first():
    tokenizer, model = load_encoder()
    texts = ["one two three four five six", "one", "one two", "one two three four", "x y z"]
    seen, widths = [], []
    for rows, batch in length_sorted_batches(tokenizer, texts, batch_size=2, max_length=6):
        seen += rows.tolist()
        widths.append(batch["input_ids"].shape[1])
        for row, ids in zip(rows, batch["input_ids"]):  # each row is its own text's tokens
            alone = tokenizer(texts[row], truncation=True, max_length=6)["input_ids"]
            assert ids[: len(alone)].tolist() == alone
    assert sorted(seen) == list(range(len(texts)))
    assert widths == sorted(widths) and widths[-1] == 6  # the longest is cut at max_length
    # the predictions do not depend on the order: the same vectors as one text at a time
    rows, batch = next(length_sorted_batches(tokenizer, texts, batch_size=5, max_length=16))
    with torch.no_grad():
        together = model(**batch).last_hidden_state[:, 0]
        for k, row in enumerate(rows):
            alone = model(**tokenizer(texts[row], return_tensors="pt")).last_hidden_state[0, 0]
            torch.testing.assert_close(together[k], alone, rtol=1e-4, atol=1e-5)


def test_length_sorted_batches_bad_input():
    tokenizer, _ = load_encoder()
    with pytest.raises(TypeError, match=r"^tokenizer must be a transformers tokenizer"):
        length_sorted_batches("bert", ["a"], batch_size=1, max_length=4)
    with pytest.raises(ValueError, match=r"^texts must"):
        length_sorted_batches(tokenizer, [], batch_size=1, max_length=4)
    with pytest.raises(ValueError, match=r"^batch_size must be at least 1"):
        length_sorted_batches(tokenizer, ["a"], batch_size=0, max_length=4)


def test_word_vectors_by_layer_matches_a_direct_forward_pass():
    tokenizer, model = load_encoder()
    sentence = "The river bank was muddy."
    vectors = word_vectors_by_layer(sentence, "bank")
    encoded = tokenizer(sentence, return_tensors="pt")
    position = tokenizer.convert_ids_to_tokens(encoded["input_ids"][0]).index("bank")
    with torch.no_grad():
        last = model(**encoded).last_hidden_state[0, position].numpy()
    np.testing.assert_allclose(vectors[-1], last, rtol=1e-5, atol=1e-5)
    assert vectors.shape == (7, 384)


def test_word_vectors_by_layer_averages_word_pieces():
    vectors = word_vectors_by_layer("Tokenization is hard.", "tokenization")
    assert vectors.shape == (7, 384)


def test_word_vectors_by_layer_bad_input():
    with pytest.raises(ValueError, match="does not occur"):
        word_vectors_by_layer("A sentence.", "bank")
    with pytest.raises(TypeError, match="sentence"):
        word_vectors_by_layer(None, "bank")


@pytest.mark.parametrize("config", [BERT_BASE, BERT_LARGE, {"hidden_size": 64,
    "num_hidden_layers": 2, "num_attention_heads": 2, "intermediate_size": 128}])  # fmt: skip
def test_parameter_formula_matches_transformers(config):
    assert count_parameters(config) == bert_parameter_formula(**config)


def test_published_sizes():
    assert round(count_parameters(BERT_BASE) / 1e6) == 109
    assert round(count_parameters(BERT_LARGE) / 1e6) == 335


def test_parameter_formula_bad_input():
    with pytest.raises(ValueError, match="hidden_size"):
        bert_parameter_formula(hidden_size=0, num_hidden_layers=1, intermediate_size=4)
    with pytest.raises(TypeError, match="config must be a dict"):
        count_parameters([768])
    with pytest.raises(ValueError, match="config must not be empty"):
        count_parameters({})
    with pytest.raises(ValueError, match=r"config\['hidden_size'\] must be a finite number"):
        count_parameters({**BERT_BASE, "hidden_size": float("nan")})
    with pytest.raises(TypeError, match=r"config\['hidden_size'\] must be a number"):
        count_parameters({**BERT_BASE, "hidden_size": [768]})


def _special(ids):
    special = torch.zeros_like(ids, dtype=torch.bool)
    special[:, 0] = special[:, -1] = True
    return special


def test_mask_tokens_proportions():
    ids = torch.randint(1000, 30_000, (4000, 50), generator=torch.Generator().manual_seed(0))
    special = _special(ids)
    g = torch.Generator().manual_seed(1)
    inputs, labels = mask_tokens(ids, mask_id=103, vocab_size=30_522, special=special, generator=g)
    selected = labels != -100
    assert selected[special].sum() == 0
    assert selected[~special].float().mean().item() == pytest.approx(0.15, abs=0.003)
    chosen_inputs = inputs[selected]
    assert (chosen_inputs == 103).float().mean().item() == pytest.approx(0.8, abs=0.01)
    assert (chosen_inputs == ids[selected]).float().mean().item() == pytest.approx(0.1, abs=0.01)
    torch.testing.assert_close(labels[selected], ids[selected])
    torch.testing.assert_close(inputs[~selected], ids[~selected])


def test_mask_tokens_is_reproducible_and_does_not_change_input():
    ids = torch.arange(100, 160).reshape(3, 20)
    copy = ids.clone()
    a = mask_tokens(ids, mask_id=1, vocab_size=500, generator=torch.Generator().manual_seed(5))
    b = mask_tokens(ids, mask_id=1, vocab_size=500, generator=torch.Generator().manual_seed(5))
    torch.testing.assert_close(a[0], b[0])
    torch.testing.assert_close(ids, copy)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"input_ids": [[1, 2]]}, TypeError, "input_ids"),
        ({"input_ids": torch.ones(3, dtype=torch.long)}, ValueError, "shape"),
        ({"input_ids": torch.ones(0, 3, dtype=torch.long)}, ValueError, "non-empty"),
        ({"input_ids": torch.ones(2, 3)}, TypeError, "integer"),
        ({"probability": 1.5}, ValueError, "probability"),
        ({"mask_id": 600}, ValueError, "mask_id"),
        ({"special": torch.zeros(1, 1, dtype=torch.bool)}, ValueError, "special"),
    ],
)
def test_mask_tokens_bad_input(kwargs, error, match):
    args = {"input_ids": torch.ones(2, 3, dtype=torch.long), "mask_id": 1, "vocab_size": 500}
    args.update(kwargs)
    with pytest.raises(error, match=match):
        mask_tokens(**args)


def test_predict_masked_needs_a_mask():
    from transformers import BertConfig, BertForMaskedLM

    tokenizer, _ = load_encoder()
    tiny = BertForMaskedLM(BertConfig(hidden_size=8, num_hidden_layers=1, num_attention_heads=1,
                                      intermediate_size=8))  # fmt: skip
    with pytest.raises(ValueError, match=r"\[MASK\]"):
        predict_masked(tokenizer, tiny, "no blank here")
    assert len(predict_masked(tokenizer, tiny, "a [MASK] here", k=4)) == 4
    with pytest.raises(TypeError, match=r"^tokenizer must be a transformers tokenizer"):
        predict_masked("tokenizer", tiny, "a [MASK] here")
    with pytest.raises(TypeError, match=r"^model must be a masked language model"):
        predict_masked(tokenizer, "model", "a [MASK] here")


def test_trained_mlm_trains_once_and_caches(tmp_path, monkeypatch):
    import dlguide.language.bert as bert

    monkeypatch.setenv("DLGUIDE_MODEL_CACHE", str(tmp_path))
    calls = []
    original = bert._train_mlm
    monkeypatch.setattr(bert, "_train_mlm", lambda *a, **k: calls.append(1) or original(*a, **k))
    kwargs = {"steps": 2, "batch_size": 4, "n_sentences": 50, "train_layers": 1}
    tokenizer, model, log = bert.trained_mlm(**kwargs)
    assert len(log["losses"]) == 2 and all(np.isfinite(log["losses"]))
    assert len(predict_masked(tokenizer, model, "a [MASK] film.", 3)) == 3
    bert.trained_mlm(**kwargs)
    assert len(calls) == 1
    # Only the head and the top layer were trained: layer 0 is unchanged.
    _, encoder = load_encoder()
    torch.testing.assert_close(
        model.bert.encoder.layer[0].output.dense.weight,
        encoder.encoder.layer[0].output.dense.weight,
    )


def test_trained_mlm_bad_input():
    from dlguide.language.bert import trained_mlm

    with pytest.raises(ValueError, match="steps"):
        trained_mlm(steps=0)
