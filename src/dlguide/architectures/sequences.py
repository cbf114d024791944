"""Recurrent networks on characters: data windows, a small language model, and gradients in time.

A recurrent network reads a sequence one step at a time and carries a hidden
state from each step to the next. :func:`rnn_unrolled` writes that recurrence
out as a Python loop; :class:`~dlguide.architectures.char_model.CharModel` (in its
own module, as it needs torch at import time) wraps PyTorch's ``RNN``, ``LSTM``
or ``GRU`` as a character-level language model (predict the next character);
:func:`gradient_by_time` measures how much the loss at the last step depends on
each earlier input, which shows the vanishing gradients of a simple RNN.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dlguide._checks import (
    check_array,
    check_int,
    check_positive,
    check_str,
    check_tensor,
    check_token_ids,
    describe,
)
from dlguide.book.seeding import resolve_seed
from dlguide.training._windows import batch_indices, check_windows, train_on_windows

__all__ = [
    "CELLS",
    "batch_order",
    "encode",
    "generate",
    "gradient_by_time",
    "next_char_loss",
    "random_windows",
    "rnn_unrolled",
    "train_language_model",
]

#: The recurrent cells :class:`~dlguide.architectures.char_model.CharModel` can use.
CELLS = ("rnn", "lstm", "gru")


def encode(text: str) -> tuple[np.ndarray, tuple[str, ...]]:
    """Return ``(ids, alphabet)``: the text as integer ids, and the sorted characters.

    Examples
    --------
    >>> ids, alphabet = encode("abba")
    >>> ids.tolist(), alphabet
    ([0, 1, 1, 0], ('a', 'b'))
    """
    check_str("text", text)
    alphabet = tuple(sorted(set(text)))
    lookup = {c: i for i, c in enumerate(alphabet)}
    return np.array([lookup[c] for c in text], dtype=np.int64), alphabet


def random_windows(
    ids: np.ndarray, length: int, n: int, seed: int | None = None
) -> tuple[Any, Any]:
    """Cut ``n`` random windows of ``length + 1`` ids; return inputs and next-character targets.

    Returns
    -------
    tuple of torch.Tensor
        ``x`` of shape ``(n, length)`` and ``y`` of the same shape, ``y[:, t] = x[:, t + 1]``.

    Examples
    --------
    >>> x, y = random_windows(np.arange(10), 4, 2)
    >>> bool((x[:, 1:] == y[:, :-1]).all()), tuple(x.shape)
    (True, (2, 4))
    """
    seed = resolve_seed(seed)
    import torch

    ids = check_array("ids", ids, ndim=1, kind="integer")
    length = check_int("length", length, minimum=1)
    n = check_int("n", n, minimum=1)
    if len(ids) < length + 1:
        raise ValueError(f"ids has {len(ids)} entries, fewer than length + 1 = {length + 1}")
    starts = np.random.default_rng(check_int("seed", seed, minimum=0)).integers(
        0, len(ids) - length, n
    )
    windows = torch.from_numpy(np.stack([ids[s : s + length + 1] for s in starts]))
    return windows[:, :-1], windows[:, 1:]


def rnn_unrolled(x: Any, rnn: Any) -> Any:
    """Run a one-layer ``torch.nn.RNN`` (tanh, batch first) as an explicit loop over time.

    At every step ``h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)``, starting
    from ``h_0 = 0``; returns every ``h_t``, shape ``(batch, time, hidden)``.

    Examples
    --------
    >>> import torch
    >>> rnn = torch.nn.RNN(3, 5, batch_first=True)
    >>> x = torch.randn(2, 7, 3)
    >>> bool(torch.allclose(rnn_unrolled(x, rnn), rnn(x)[0], atol=1e-6))
    True
    """
    import torch

    if not isinstance(rnn, torch.nn.RNN) or rnn.num_layers != 1 or not rnn.batch_first:
        raise TypeError(
            f"rnn must be a one-layer torch.nn.RNN(batch_first=True), got {describe(rnn)}"
        )
    check_tensor("x", x, ndim=3)
    if x.shape[1] == 0 or x.shape[2] != rnn.input_size:
        raise ValueError(
            f"x must be a tensor of shape (batch, time, {rnn.input_size}), got {describe(x)}"
        )
    h = torch.zeros(x.shape[0], rnn.hidden_size)
    states = []
    for t in range(x.shape[1]):
        h = torch.tanh(x[:, t] @ rnn.weight_ih_l0.T + rnn.bias_ih_l0 + h @ rnn.weight_hh_l0.T
                       + rnn.bias_hh_l0)  # fmt: skip
        states.append(h)
    return torch.stack(states, dim=1)


def next_char_loss(model: Any, x: Any, y: Any) -> float:
    """Return the mean cross-entropy, in bits per character, of ``model`` on windows ``(x, y)``.

    Examples
    --------
    >>> import torch
    >>> from dlguide.architectures.char_model import CharModel
    >>> model = CharModel(4, "gru", hidden=4)
    >>> x, y = random_windows(np.arange(20) % 4, 5, 3)
    >>> 0 < next_char_loss(model, x, y) < 10
    True
    """
    import torch

    _check_char_model(model)
    check_windows(model, x, y)
    model.eval()
    with torch.no_grad():
        logits = model(x)
        loss = torch.nn.functional.cross_entropy(logits.flatten(0, 1), y.flatten())
    return float(loss) / float(np.log(2))


def batch_order(n: int, *, steps: int = 300, batch_size: int = 32,
                seed: int | None = None) -> Any:  # fmt: skip
    """Return the window indices :func:`train_language_model` trains on, in order.

    A flat tensor of ``steps * batch_size`` indices into the ``n`` windows: step ``i``
    uses ``order[i * batch_size : (i + 1) * batch_size]``. With the same ``seed`` it is
    exactly the sequence of batches :func:`train_language_model` (and
    :func:`dlguide.architectures.attention.train_tagger`, which draws them the same
    way) trains on, so a model in another framework (Keras' ``fit`` with
    ``shuffle=False``) can see the same batches.

    Examples
    --------
    >>> order = batch_order(100, steps=3, batch_size=4, seed=0)
    >>> tuple(order.shape), bool((order >= 0).all() and (order < 100).all())
    ((12,), True)
    """
    seed = resolve_seed(seed)
    return batch_indices(n, steps=steps, batch_size=batch_size, seed=seed).flatten()


def train_language_model(
    model: Any, x: Any, y: Any, *, steps: int = 300, batch_size: int = 32, lr: float = 3e-3,
    seed: int | None = None,
) -> list[float]:  # fmt: skip
    """Train ``model`` with Adam on random batches of the windows ``(x, y)``; return the losses.

    Gradients are clipped to norm 1, the usual guard against the exploding
    gradients of recurrent networks. Losses are in bits per character.

    Examples
    --------
    >>> import torch
    >>> _ = torch.manual_seed(0)
    >>> x, y = random_windows(np.arange(200) % 5, 10, 64)
    >>> from dlguide.architectures.char_model import CharModel
    >>> losses = train_language_model(CharModel(5, "gru", hidden=16), x, y, steps=60)
    >>> losses[-1] < losses[0] / 3
    True
    """
    seed = resolve_seed(seed)
    _check_char_model(model)
    losses, _ = train_on_windows(
        model, x, y, steps=steps, batch_size=batch_size, lr=lr, seed=seed, clip=1.0
    )
    return [loss / float(np.log(2)) for loss in losses]


def gradient_by_time(model: Any, x: Any) -> np.ndarray:
    """Norm of the gradient of the last step's loss with respect to each step's input.

    For every window in ``x`` the loss of predicting the character after the
    last one is differentiated with respect to the embedded input at every time
    step; returns the mean gradient norm per step, shape ``(time,)``. Steps far
    from the end with tiny values have (almost) no influence on the prediction.

    Examples
    --------
    >>> import torch
    >>> _ = torch.manual_seed(0)
    >>> x, _ = random_windows(np.arange(100) % 7, 12, 8)
    >>> from dlguide.architectures.char_model import CharModel
    >>> g = gradient_by_time(CharModel(7, "rnn", hidden=16), x)
    >>> g.shape, bool(g[-1] > g[0])
    ((12,), True)
    """
    import torch

    _check_char_model(model)
    check_token_ids("x", x, vocab_size=model.embed.num_embeddings)
    model.eval()
    embedded = model.embed(x).detach().requires_grad_(True)
    states = model.recurrent(embedded)[0]
    logits = model.output(states[:, -1])
    target = logits.argmax(dim=1)  # the model's own prediction: no labels needed
    torch.nn.functional.cross_entropy(logits, target, reduction="sum").backward()
    return embedded.grad.norm(dim=2).mean(dim=0).numpy()


def generate(model: Any, alphabet: tuple[str, ...], prompt: str, n: int = 200, *,
             temperature: float = 0.8, seed: int | None = None) -> str:  # fmt: skip
    """Continue ``prompt`` by ``n`` characters, sampling one character at a time.

    Examples
    --------
    >>> from dlguide.architectures.char_model import CharModel
    >>> model = CharModel(3, "lstm", hidden=4)
    >>> text = generate(model, ("a", "b", "c"), "ab", 10)
    >>> len(text), set(text) <= {"a", "b", "c"}
    (12, True)
    """
    seed = resolve_seed(seed)
    import torch

    _check_char_model(model)
    if not isinstance(alphabet, tuple) or not alphabet:
        raise TypeError(
            f"alphabet must be a non-empty tuple of characters, got {describe(alphabet)}"
        )
    if len(alphabet) != model.output.out_features:
        raise ValueError(
            f"alphabet has {len(alphabet)} characters but the model predicts "
            f"{model.output.out_features}"
        )
    check_str("prompt", prompt)
    unknown = sorted(set(prompt) - set(alphabet))
    if unknown:
        raise ValueError(f"prompt has characters not in the alphabet: {unknown}")
    n = check_int("n", n, minimum=1)
    temperature = check_positive("temperature", temperature)
    generator = torch.Generator().manual_seed(check_int("seed", seed, minimum=0))
    lookup = {c: i for i, c in enumerate(alphabet)}
    ids = [lookup[c] for c in prompt]
    model.eval()
    with torch.no_grad():
        for _ in range(n):
            logits = model(torch.tensor([ids[-200:]]))[0, -1] / temperature
            ids.append(int(torch.multinomial(torch.softmax(logits, 0), 1, generator=generator)))
    return "".join(alphabet[i] for i in ids)


def _check_char_model(model: Any) -> None:
    from dlguide.architectures.char_model import CharModel

    if not isinstance(model, CharModel):
        raise TypeError(f"model must be a CharModel, got {describe(model)}")
