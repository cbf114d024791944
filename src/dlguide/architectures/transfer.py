"""Transfer learning: reuse a network trained on one task for another task with few labels.

A network pretrained on some classes has learned features (edges, parts, shapes)
that are useful for other classes too. Three ways to use it on a new task:

* **feature extraction** -- freeze every pretrained layer and train only a new
  output layer on top;
* **fine-tuning** -- start from the pretrained weights, replace the output
  layer, and train every layer (with a small learning rate);
* **from scratch** -- the same architecture with random weights, for comparison.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

import numpy as np

from dlguide._checks import (
    check_array,
    check_int,
    check_same_length,
    check_str,
    check_tensor,
    describe,
)
from dlguide.book.seeding import resolve_seed
from dlguide.data.sampling import stratified_subset

__all__ = ["METHODS", "learning_curve", "transfer_model"]

#: The three ways :func:`transfer_model` can build a model for the new task.
METHODS = ("feature extraction", "fine-tuning", "from scratch")


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
    x_test: Any,
    y_test: np.ndarray,
    sizes: Sequence[int],
    *,
    methods: Sequence[str] = METHODS,
    seeds: Sequence[int] | None = None,
    epochs: int = 30,
) -> dict[str, np.ndarray]:
    """Test accuracy of each method, trained on ``n`` labelled examples per class, for each size.

    Every (method, size, seed) run draws its own labelled examples with
    :func:`~dlguide.data.stratified_subset` and trains with Adam (``lr=1e-3``;
    fine-tuning ``3e-4``) for ``epochs`` passes in batches of 16.

    Returns
    -------
    dict
        ``{method: array of shape (len(sizes), len(seeds))}`` of test accuracies.

    Examples
    --------
    >>> import torch
    >>> from dlguide.architectures.cnn import torch_classic_cnn
    >>> _ = torch.manual_seed(0)
    >>> x = torch.rand(20, 1, 28, 28); y = np.arange(20) % 2
    >>> curve = learning_curve(torch_classic_cnn(3), x, y, x, y, [2], epochs=1)
    >>> {k: v.shape for k, v in curve.items()}
    {'feature extraction': (1, 1), 'fine-tuning': (1, 1), 'from scratch': (1, 1)}
    """
    import torch

    from dlguide.training import fit_classifier, predict_proba

    check_tensor("x", x, ndim=4)
    labels = check_array("y", y, ndim=1, kind="integer")
    check_same_length(x=x, y=labels)
    check_tensor("x_test", x_test, ndim=4)
    if x_test.shape[1:] != x.shape[1:]:
        raise ValueError(
            f"x_test must have images of the same shape as x, {tuple(x.shape[1:])}, "
            f"got {tuple(x_test.shape[1:])}"
        )
    check_array("y_test", y_test, ndim=1, kind="integer")
    check_same_length(x_test=x_test, y_test=y_test)
    sizes = [check_int(f"sizes[{i}]", n, minimum=1) for i, n in enumerate(_items("sizes", sizes))]
    for i, method in enumerate(_items("methods", methods)):
        check_str(f"methods[{i}]", method, choices=METHODS)
    if seeds is None:
        seeds = (resolve_seed(None),)
    seeds = [check_int(f"seeds[{i}]", s, minimum=0) for i, s in enumerate(_items("seeds", seeds))]
    epochs = check_int("epochs", epochs, minimum=1)
    n_classes = len(np.unique(labels))
    results = {method: np.zeros((len(sizes), len(seeds))) for method in methods}
    for i, n in enumerate(sizes):
        for j, seed in enumerate(seeds):
            index = stratified_subset(labels, n, seed=seed)
            for method in methods:
                torch.manual_seed(seed)
                model = transfer_model(base, method, n_classes)
                lr = 3e-4 if method == "fine-tuning" else 1e-3
                fit_classifier(model, x[index], labels[index], epochs=epochs, batch_size=16, lr=lr)
                predicted = predict_proba(model, x_test).argmax(axis=1)
                results[method][i, j] = float(np.mean(predicted == y_test))
    return results
