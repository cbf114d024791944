"""Transfer learning: reuse a network trained on one task for another task with few labels.

A network pretrained on some classes has learned features (edges, parts, shapes)
that are useful for other classes too. Three ways to use it on a new task:

* **feature extraction** -- freeze every pretrained layer and train only a new
  output layer on top;
* **fine-tuning** -- start from the pretrained weights, replace the output
  layer, and train every layer (with a small learning rate);
* **from scratch** -- the same architecture with random weights, for comparison.

:func:`learning_curve` compares them fairly: each method gets its learning rate
from the same grid and its number of passes by early stopping, both chosen on a
validation split; the test set scores only the chosen models.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

import numpy as np

from dlguide._checks import (
    check_array,
    check_int,
    check_positive,
    check_same_length,
    check_str,
    check_tensor,
    describe,
)
from dlguide.book.seeding import resolve_seed
from dlguide.data.sampling import stratified_subset

__all__ = ["LEARNING_RATES", "METHODS", "learning_curve", "transfer_model"]

#: The three ways :func:`transfer_model` can build a model for the new task.
METHODS = ("feature extraction", "fine-tuning", "from scratch")

#: The learning rates :func:`learning_curve` tries for every method (Adam).
LEARNING_RATES = (3e-4, 1e-3, 3e-3)


def transfer_model(base: Any, method: str, n_classes: int, make_model: Any = None) -> Any:
    """Return a model for a new task with ``n_classes`` classes, built from ``base``.

    ``base`` must be a ``torch.nn.Sequential`` whose last layer, named ``output``,
    is a ``Linear`` layer; it is copied, never changed.

    Parameters
    ----------
    base
        The pretrained network.
    method
        One of :data:`METHODS`.
    n_classes
        Classes of the new task.
    make_model
        For ``"from scratch"``: a function ``n_classes -> fresh model`` (default:
        a deep copy of ``base`` with every layer re-initialised).

    Examples
    --------
    >>> from dlguide.architectures.cnn import torch_classic_cnn
    >>> model = transfer_model(torch_classic_cnn(8), "feature extraction", 2)
    >>> [name for name, p in model.named_parameters() if p.requires_grad]
    ['output.weight', 'output.bias']
    """
    import torch

    if not isinstance(base, torch.nn.Sequential) or not isinstance(
        getattr(base, "output", None), torch.nn.Linear
    ):
        raise TypeError(
            "base must be a torch.nn.Sequential whose last layer 'output' is a Linear layer, "
            f"got {describe(base)}"
        )
    check_str("method", method, choices=METHODS)
    n_classes = check_int("n_classes", n_classes, minimum=2)
    if method == "from scratch" and make_model is not None:
        return make_model(n_classes)
    model = copy.deepcopy(base)
    if method == "from scratch":
        for layer in model.modules():
            if hasattr(layer, "reset_parameters"):
                layer.reset_parameters()
    model.output = torch.nn.Linear(base.output.in_features, n_classes)
    if method == "feature extraction":
        for name, parameter in model.named_parameters():
            parameter.requires_grad = name.startswith("output.")
    return model


def _items(name: str, values: Any) -> Sequence[Any]:
    if isinstance(values, str | bytes) or not isinstance(values, Sequence):
        raise TypeError(f"{name} must be a list or tuple, got {describe(values)}")
    if not values:
        raise ValueError(f"{name} must not be empty")
    return values


def learning_curve(
    base: Any,
    x: Any,
    y: np.ndarray,
    x_val: Any,
    y_val: np.ndarray,
    x_test: Any,
    y_test: np.ndarray,
    sizes: Sequence[int],
    *,
    methods: Sequence[str] = METHODS,
    seeds: Sequence[int] | None = None,
    lrs: Sequence[float] = LEARNING_RATES,
    max_epochs: int = 30,
    patience: int = 4,
) -> dict[str, dict[str, np.ndarray]]:
    """Test accuracy of each method on ``n`` labelled examples per class, tuned alike on validation.

    Every method gets the same procedure, for every size ``n``: on the first
    seed's draw of labelled examples (:func:`~dlguide.data.stratified_subset`), it
    trains once for each learning rate in ``lrs`` (Adam, batches of 16) with early
    stopping on ``(x_val, y_val)``
    (:func:`~dlguide.training.fit_tracked`: at most ``max_epochs``
    passes, stopped after ``patience`` passes without a lower validation loss,
    and the weights of the best pass kept), and keeps the learning rate with the
    highest validation accuracy (ties: the lower validation loss). The other seeds
    then draw their own examples and train at that learning rate, with the same
    early stopping. Only the kept models are scored on ``(x_test, y_test)``, once.

    Returns
    -------
    dict
        ``{method: {"accuracy": (len(sizes), len(seeds)) test accuracies,
        "epochs": (len(sizes), len(seeds)) passes whose weights were kept,
        "lr": (len(sizes),) the chosen learning rates}}``.

    Examples
    --------
    >>> import torch
    >>> from dlguide.architectures.cnn import torch_classic_cnn
    >>> _ = torch.manual_seed(0)
    >>> x = torch.rand(20, 1, 28, 28); y = np.arange(20) % 2
    >>> curve = learning_curve(torch_classic_cnn(3), x, y, x, y, x, y, [2], seeds=[0, 1],
    ...                        lrs=[1e-3], max_epochs=2)
    >>> {k: v.shape for k, v in curve["fine-tuning"].items()}
    {'accuracy': (1, 2), 'epochs': (1, 2), 'lr': (1,)}
    """
    import torch

    from dlguide.training import fit_tracked, predict_proba

    check_tensor("x", x, ndim=4)
    labels = check_array("y", y, ndim=1, kind="integer")
    check_same_length(x=x, y=labels)
    for name, xs, ys in (("x_val", x_val, y_val), ("x_test", x_test, y_test)):
        check_tensor(name, xs, ndim=4)
        if xs.shape[1:] != x.shape[1:]:
            raise ValueError(
                f"{name} must have images of the same shape as x, {tuple(x.shape[1:])}, "
                f"got {tuple(xs.shape[1:])}"
            )
        check_array("y" + name[1:], ys, ndim=1, kind="integer")
        check_same_length(**{name: xs, "y" + name[1:]: ys})
    sizes = [check_int(f"sizes[{i}]", n, minimum=1) for i, n in enumerate(_items("sizes", sizes))]
    for i, method in enumerate(_items("methods", methods)):
        check_str(f"methods[{i}]", method, choices=METHODS)
    if seeds is None:
        seeds = (resolve_seed(None),)
    seeds = [check_int(f"seeds[{i}]", s, minimum=0) for i, s in enumerate(_items("seeds", seeds))]
    lrs = [check_positive(f"lrs[{i}]", lr) for i, lr in enumerate(_items("lrs", lrs))]
    max_epochs = check_int("max_epochs", max_epochs, minimum=1)
    patience = check_int("patience", patience, minimum=1)
    n_classes = len(np.unique(labels))

    def train(method: str, index: np.ndarray, lr: float, seed: int) -> tuple[Any, Any]:
        torch.manual_seed(seed)
        model = transfer_model(base, method, n_classes)
        history = fit_tracked(model, x[index], labels[index], x_val, y_val, epochs=max_epochs,
                              batch_size=16, lr=lr, patience=patience, seed=seed)  # fmt: skip
        return model, history

    results = {
        method: {
            "accuracy": np.zeros((len(sizes), len(seeds))),
            "epochs": np.zeros((len(sizes), len(seeds)), dtype=int),
            "lr": np.zeros(len(sizes)),
        }
        for method in methods
    }
    for i, n in enumerate(sizes):
        draws = [stratified_subset(labels, n, seed=seed) for seed in seeds]
        for method in methods:
            tried = [train(method, draws[0], lr, seeds[0]) for lr in lrs]
            scores = [(h.best_val_accuracy, -h.val_loss[h.best_epoch - 1]) for _, h in tried]
            best = max(range(len(lrs)), key=lambda k: scores[k])
            runs = [tried[best]]
            runs += [train(method, draws[j], lrs[best], s) for j, s in enumerate(seeds) if j > 0]
            results[method]["lr"][i] = lrs[best]
            for j, (model, history) in enumerate(runs):
                predicted = predict_proba(model, x_test).argmax(axis=1)
                results[method]["accuracy"][i, j] = float(np.mean(predicted == y_test))
                results[method]["epochs"][i, j] = history.best_epoch
    return results
