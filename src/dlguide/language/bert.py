"""BERT: the pretrained encoder, contextual word vectors, model sizes, masked language modelling.

The encoder is all-MiniLM-L6-v2 (see :func:`dlguide.data.text.minilm_path`): a
6-layer BERT with the bert-base-uncased vocabulary. It ships without a masked-LM
head, so :func:`trained_mlm` trains one here, once, and caches it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from dlguide._checks import check_int, check_real, check_str, describe
from dlguide.book.seeding import resolve_seed
from dlguide.data.text import minilm_path
from dlguide.training.loop import train_loop

__all__ = [
    "BERT_BASE",
    "BERT_LARGE",
    "bert_parameter_formula",
    "count_parameters",
    "length_sorted_batches",
    "load_encoder",
    "mask_tokens",
    "mlm_sentences",
    "predict_masked",
    "quiet_transformers",
    "trained_mlm",
    "word_vectors_by_layer",
]

#: The published sizes of BERT (Devlin et al., 2019), as BertConfig arguments.
BERT_BASE = {"hidden_size": 768, "num_hidden_layers": 12, "num_attention_heads": 12,
             "intermediate_size": 3072}  # fmt: skip
BERT_LARGE = {"hidden_size": 1024, "num_hidden_layers": 24, "num_attention_heads": 16,
              "intermediate_size": 4096}  # fmt: skip


def quiet_transformers() -> None:
    """Silence transformers' progress bars and its "newly initialized weights" notices.

    The book treats anything written to stderr as an error; what these notices say
    is stated in the prose instead.
    """
    from transformers.utils import logging

    logging.set_verbosity_error()
    logging.disable_progress_bar()


def length_sorted_batches(
    tokenizer: Any, texts: Sequence[str], *, batch_size: int, max_length: int
) -> Iterator[tuple[np.ndarray, Any]]:
    """Yield ``(rows, batch)``: the texts tokenized in batches of similar length.

    A batch is padded to its longest text, so batches of texts taken in their own
    order spend much of their work on padding. Taken shortest first, each batch
    holds texts of about the same length (about half the tokens, on the book's
    review snippets). ``rows`` says which of ``texts`` each batch holds, so the
    results can be put back in the original order. For inference only: training
    batches should stay random.

    Examples
    --------
    >>> tokenizer, _ = load_encoder()
    >>> texts = ["a long sentence with many words in it", "short", "a bit longer"]
    >>> [(rows.tolist(), tuple(b["input_ids"].shape))
    ...  for rows, b in length_sorted_batches(tokenizer, texts, batch_size=2, max_length=8)]
    [([1, 2], (2, 5)), ([0], (1, 8))]
    """
    from dlguide._checks import check_texts

    items = check_texts("texts", texts)
    check_int("batch_size", batch_size, minimum=1)
    check_int("max_length", max_length, minimum=2)
    if not callable(tokenizer) or not hasattr(tokenizer, "pad_token_id"):
        raise TypeError(f"tokenizer must be a transformers tokenizer, got {describe(tokenizer)}")
    lengths = [len(ids) for ids in tokenizer(items, truncation=True, max_length=max_length)[
        "input_ids"]]  # fmt: skip
    order = np.argsort(lengths, kind="stable")

    def batches() -> Iterator[tuple[np.ndarray, Any]]:
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            chosen = [items[i] for i in rows]
            yield rows, tokenizer(chosen, truncation=True, max_length=max_length, padding=True,
                                  return_tensors="pt")  # fmt: skip

    return batches()


@lru_cache(maxsize=1)
def load_encoder() -> tuple[Any, Any]:
    """Return ``(tokenizer, model)``: the pretrained MiniLM encoder, in evaluation mode.

    The model returns the hidden states of every layer (``output_hidden_states=True``).

    Examples
    --------
    >>> tokenizer, model = load_encoder()
    >>> model.config.num_hidden_layers, model.config.hidden_size
    (6, 384)
    """
    from transformers import AutoModel, AutoTokenizer

    quiet_transformers()
    path = minilm_path()
    tokenizer = AutoTokenizer.from_pretrained(path)
    model = AutoModel.from_pretrained(path, output_hidden_states=True)
    model.eval()
    return tokenizer, model


def word_vectors_by_layer(sentence: str, word: str) -> np.ndarray:
    """Return the vector of ``word`` in ``sentence`` after each layer of the encoder.

    Row 0 is the embedding layer's output (word-piece, position and segment
    embeddings), row ``k`` the output of Transformer layer ``k``. If the word is
    split into several word pieces, their vectors are averaged.

    Examples
    --------
    >>> vectors = word_vectors_by_layer("I sat by the river bank.", "bank")
    >>> vectors.shape
    (7, 384)
    """
    import torch

    check_str("sentence", sentence)
    check_str("word", word)
    tokenizer, model = load_encoder()
    pieces = tokenizer.tokenize(word)
    encoded = tokenizer(sentence, return_tensors="pt")
    ids = encoded["input_ids"][0].tolist()
    target = tokenizer.convert_tokens_to_ids(pieces)
    starts = [i for i in range(len(ids)) if ids[i : i + len(target)] == target]
    if not starts:
        raise ValueError(f"word {word!r} (word pieces {pieces}) does not occur in {sentence!r}")
    span = slice(starts[0], starts[0] + len(target))
    with torch.no_grad():
        states = model(**encoded).hidden_states
    return np.stack([layer[0, span].mean(0).numpy() for layer in states])


def bert_parameter_formula(
    *,
    hidden_size: int,
    num_hidden_layers: int,
    intermediate_size: int,
    vocab_size: int = 30_522,
    max_position_embeddings: int = 512,
    type_vocab_size: int = 2,
    pooler: bool = True,
    **_: Any,
) -> int:
    """Count a BERT encoder's parameters from its configuration, by hand.

    Embeddings (word pieces, positions, segments, one LayerNorm), then per layer:
    query, key, value and output projections with biases, two LayerNorms, and the
    two-layer feed-forward network; then the pooler (a dense layer on [CLS]).

    Examples
    --------
    >>> bert_parameter_formula(**BERT_BASE)
    109482240
    """
    h = check_int("hidden_size", hidden_size, minimum=1)
    n = check_int("num_hidden_layers", num_hidden_layers, minimum=1)
    f = check_int("intermediate_size", intermediate_size, minimum=1)
    v = check_int("vocab_size", vocab_size, minimum=1)
    p = check_int("max_position_embeddings", max_position_embeddings, minimum=1)
    t = check_int("type_vocab_size", type_vocab_size, minimum=1)
    embeddings = (v + p + t) * h + 2 * h
    attention = 4 * (h * h + h) + 2 * h
    feed_forward = (h * f + f) + (f * h + h) + 2 * h
    return embeddings + n * (attention + feed_forward) + (h * h + h if pooler else 0)


def count_parameters(config: dict[str, int]) -> int:
    """Build ``BertModel`` from ``config`` on PyTorch's meta device and count its parameters.

    The meta device records shapes without allocating memory, so even BERT-large
    is "built" instantly and nothing is downloaded.

    Examples
    --------
    >>> count_parameters(BERT_BASE) == bert_parameter_formula(**BERT_BASE)
    True
    """
    import torch
    from transformers import BertConfig, BertModel

    if not isinstance(config, dict):
        raise TypeError(f"config must be a dict of BertConfig arguments, got {describe(config)}")
    if not config:
        raise ValueError("config must not be empty: give at least the sizes (see BERT_BASE)")
    for key, value in config.items():
        if not isinstance(key, str):
            raise TypeError(f"config must have string keys, got {describe(key)}")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            check_real(f"config[{key!r}]", value)
        elif not (value is None or isinstance(value, (str, bool))):
            raise TypeError(f"config[{key!r}] must be a number or a string, got {describe(value)}")
    quiet_transformers()
    with torch.device("meta"):
        model = BertModel(BertConfig(**config))
    return sum(p.numel() for p in model.parameters())


def mask_tokens(
    input_ids: Any,
    *,
    mask_id: int,
    vocab_size: int,
    special: Any | None = None,
    probability: float = 0.15,
    generator: Any | None = None,
) -> tuple[Any, Any]:
    """Corrupt a batch of token ids for masked language modelling, as BERT was pre-trained.

    Each ordinary token is *selected* with ``probability``. Of the selected tokens,
    80% become ``[MASK]``, 10% become a random token and 10% stay as they are; the
    model must predict the original token at every selected position.

    Parameters
    ----------
    input_ids
        Integer tensor of shape ``(batch, length)``; not changed.
    mask_id
        The id of ``[MASK]``.
    vocab_size
        Random replacements are drawn from ``range(vocab_size)``.
    special
        Boolean tensor, same shape: positions never selected ([CLS], [SEP], padding).
    probability
        The selection rate, strictly between 0 and 1.
    generator
        A ``torch.Generator``, for reproducible masks.

    Returns
    -------
    (inputs, labels)
        The corrupted ids, and the labels: the original id at selected positions,
        -100 elsewhere (the value PyTorch's cross-entropy ignores).

    Examples
    --------
    >>> import torch
    >>> ids = torch.arange(10, 30).reshape(2, 10)
    >>> g = torch.Generator().manual_seed(0)
    >>> inputs, labels = mask_tokens(ids, mask_id=3, vocab_size=40, probability=0.5, generator=g)
    >>> bool(((labels == -100) | (labels == ids)).all())
    True
    >>> bool((inputs[labels == -100] == ids[labels == -100]).all())
    True
    """
    import torch

    if not isinstance(input_ids, torch.Tensor) or input_ids.dtype not in (torch.int64, torch.int32):
        raise TypeError(f"input_ids must be an integer torch tensor, got {describe(input_ids)}")
    if input_ids.ndim != 2 or input_ids.numel() == 0:
        raise ValueError(
            f"input_ids must have a non-empty shape (batch, length), got {tuple(input_ids.shape)}"
        )
    vocab = check_int("vocab_size", vocab_size, minimum=1)
    mask = check_int("mask_id", mask_id, minimum=0)
    if mask >= vocab:
        raise ValueError(f"mask_id must be below vocab_size ({vocab}), got {mask}")
    rate = check_real("probability", probability)
    if not 0 < rate < 1:
        raise ValueError(f"probability must be strictly between 0 and 1, got {rate}")
    if special is None:
        special = torch.zeros_like(input_ids, dtype=torch.bool)
    if not isinstance(special, torch.Tensor) or special.shape != input_ids.shape:
        raise ValueError(f"special must be a boolean tensor of shape {tuple(input_ids.shape)}")

    def draw(p: float) -> Any:
        return torch.rand(input_ids.shape, generator=generator) < p

    selected = draw(rate) & ~special.bool()
    labels = torch.where(selected, input_ids, torch.full_like(input_ids, -100))
    to_mask = selected & draw(0.8)
    to_random = selected & ~to_mask & draw(0.5)  # half of the remaining 20%
    inputs = input_ids.clone()
    inputs[to_mask] = mask
    random_ids = torch.randint(vocab, input_ids.shape, generator=generator, dtype=input_ids.dtype)
    inputs[to_random] = random_ids[to_random]
    return inputs, labels


def mlm_sentences(n_sentences: int, *, seed: int | None = None) -> list[str]:
    """Return ``n_sentences`` distinct VADER texts of four or more words, in a seeded order.

    These are the sentences :func:`trained_mlm` trains on.

    Examples
    --------
    >>> len(mlm_sentences(5)), mlm_sentences(3) == mlm_sentences(3)
    (5, True)
    """
    seed = resolve_seed(seed)
    from dlguide.data.text import load_vader_ratings

    check_int("n_sentences", n_sentences, minimum=1)
    check_int("seed", seed, minimum=0)

    texts = list(load_vader_ratings().text)
    texts = sorted({t for t in texts if len(t.split()) >= 4})
    order = np.random.default_rng(seed).permutation(len(texts))[:n_sentences]
    return [texts[i] for i in order]


def _train_mlm(folder: Any, *, steps: int, batch_size: int, max_length: int, head_lr: float,
               encoder_lr: float, n_sentences: int, train_layers: int,
               seed: int) -> None:  # fmt: skip
    import json

    import torch
    from transformers import AutoTokenizer, BertForMaskedLM

    quiet_transformers()
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    path = minilm_path()
    tokenizer = AutoTokenizer.from_pretrained(path)
    model = BertForMaskedLM.from_pretrained(path)
    sentences = mlm_sentences(n_sentences, seed=seed)
    # Train the head and the top `train_layers` layers; freeze the rest (cheaper on a CPU).
    first_trained = model.config.num_hidden_layers - train_layers
    for name, p in model.bert.named_parameters():
        layer = name.split(".")[2] if name.startswith("encoder.layer.") else None
        p.requires_grad = layer is not None and int(layer) >= first_trained
    head = [p for name, p in model.named_parameters() if name.startswith("cls.")]
    body = [p for p in model.bert.parameters() if p.requires_grad]
    groups = [{"params": head, "lr": head_lr}, {"params": body, "lr": encoder_lr}]
    optimizer = torch.optim.AdamW(groups)

    def cycle() -> Any:  # one round of `steps` batches, taking the sentences in turn
        for step in range(steps):
            yield [(step * batch_size + i) % len(sentences) for i in range(batch_size)]

    def batch_loss(index: list[int]) -> Any:
        batch = tokenizer(
            [sentences[i] for i in index], truncation=True, max_length=max_length,
            padding=True, return_tensors="pt", return_special_tokens_mask=True,
        )  # fmt: skip
        inputs, labels = mask_tokens(
            batch["input_ids"], mask_id=tokenizer.mask_token_id, vocab_size=len(tokenizer),
            special=batch["special_tokens_mask"].bool(), generator=generator,
        )  # fmt: skip
        hidden = model.bert(input_ids=inputs, attention_mask=batch["attention_mask"])[0]
        selected = labels != -100  # score only the selected positions: 15% of the work
        return torch.nn.functional.cross_entropy(model.cls(hidden[selected]), labels[selected])

    log = train_loop(model, [cycle()], batch_loss, optimizer)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    (folder / "training.json").write_text(
        json.dumps({"losses": log.losses, "seconds": log.seconds})
    )


def trained_mlm(
    *,
    steps: int = 150,
    batch_size: int = 32,
    max_length: int = 32,
    head_lr: float = 2e-3,
    encoder_lr: float = 2e-4,
    n_sentences: int = 20_000,
    train_layers: int = 2,
    seed: int | None = None,
) -> tuple[Any, Any, dict[str, Any]]:
    """Train a masked-LM head (and fine-tune the encoder) here, once; return it from the cache.

    The pretrained MiniLM encoder has no masked-LM head. This attaches BERT's
    standard head (a dense layer, LayerNorm and an output layer tied to the word-piece
    embeddings), and trains it together with the top ``train_layers`` layers of the
    encoder (the rest stay frozen, to keep training short on a CPU) on short review
    snippets, tweets and editorial sentences (the VADER ground truth), masking with
    :func:`mask_tokens`.
    The result is cached (:mod:`dlguide.book.modelcache`), keyed on every argument.

    Returns
    -------
    (tokenizer, model, log)
        ``log`` has ``losses`` (one per step) and ``seconds`` (training time, from the
        run that filled the cache).
    """
    seed = resolve_seed(seed)
    import json

    from transformers import AutoTokenizer, BertForMaskedLM

    from dlguide.book.modelcache import cached_folder

    spec = {
        "steps": check_int("steps", steps, minimum=1),
        "batch_size": check_int("batch_size", batch_size, minimum=1),
        "max_length": check_int("max_length", max_length, minimum=8),
        "head_lr": check_real("head_lr", head_lr),
        "encoder_lr": check_real("encoder_lr", encoder_lr),
        "n_sentences": check_int("n_sentences", n_sentences, minimum=1),
        "train_layers": check_int("train_layers", train_layers, minimum=0),
        "seed": check_int("seed", seed, minimum=0),
        "data": "vader-all, sha256-checked",
        "version": 1,
    }
    folder = cached_folder(
        "mlm-minilm",
        spec,
        lambda f: _train_mlm(f, **{k: spec[k] for k in list(spec)[:8]}),
        # the masking and sentences, the one loop, the encoder's files
        code=("dlguide.language.bert", "dlguide.training.loop", "dlguide.data.text"),
    )
    quiet_transformers()
    tokenizer = AutoTokenizer.from_pretrained(folder)
    model = BertForMaskedLM.from_pretrained(folder)
    model.eval()
    return tokenizer, model, json.loads((folder / "training.json").read_text())


def predict_masked(tokenizer: Any, model: Any, sentence: str, k: int = 5) -> list[str]:
    """Return the ``k`` most probable word pieces for the first ``[MASK]`` in ``sentence``.

    Examples
    --------
    >>> from transformers import AutoTokenizer, BertConfig, BertForMaskedLM
    >>> tok = AutoTokenizer.from_pretrained(minilm_path())
    >>> tiny = BertForMaskedLM(BertConfig(hidden_size=8, num_hidden_layers=1,
    ...                        num_attention_heads=1, intermediate_size=8))
    >>> len(predict_masked(tok, tiny, "A [MASK] day.", 3))
    3
    """
    import torch

    if not callable(tokenizer) or getattr(tokenizer, "mask_token_id", None) is None:
        raise TypeError(
            f"tokenizer must be a transformers tokenizer with a mask token, got "
            f"{describe(tokenizer)}"
        )
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"model must be a masked language model, got {describe(model)}")
    check_str("sentence", sentence)
    check_int("k", k, minimum=1)
    encoded = tokenizer(sentence, return_tensors="pt")
    where = (encoded["input_ids"][0] == tokenizer.mask_token_id).nonzero()
    if len(where) == 0:
        raise ValueError(f"sentence must contain {tokenizer.mask_token}, got {sentence!r}")
    with torch.no_grad():
        logits = model(**encoded).logits[0, where[0, 0]]
    return tokenizer.convert_ids_to_tokens(logits.topk(k).indices.tolist())


def _as_list(values: Sequence[str]) -> list[str]:  # pragma: no cover - helper for chapters
    return list(values)
