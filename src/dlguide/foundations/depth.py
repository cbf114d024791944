"""Why depth matters: the representation at each layer of a small CNN, and linear probes.

A *linear probe* asks how much of a task a layer's representation has already
solved: freeze the network, take the layer's output for every image, and fit
the simplest classifier there is (a linear one) on top. If deeper layers give
better probes, the network has built features that separate the classes more
and more plainly, layer after layer.

To compare layers fairly, every representation is first reduced to the same
number of dimensions (its leading principal components), so a layer cannot win
simply by having more numbers.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dlguide._checks import check_array, check_int, check_same_length, check_tensor, describe
from dlguide.book.seeding import resolve_seed

__all__ = [
    "LAYER_NAMES",
    "layer_representations",
    "probe_accuracy",
    "probe_layers",
]

#: The representations a probe can read, from the input to the last hidden layer (the
#: pixels, then the children of a three-block network from :func:`dlguide.models.cnn`).
LAYER_NAMES = ("pixels", "block1", "block2", "block3", "dense")


def layer_representations(model: Any, x: Any) -> dict[str, np.ndarray]:
    """Return each layer's output for ``x``, flattened to ``(n, features)``, keyed by layer name.

    ``model`` is a network from :func:`dlguide.models.cnn` with three blocks, for 28x28
    greyscale images; ``"pixels"`` is the input itself; the rest follow :data:`LAYER_NAMES`.

    Examples
    --------
    >>> import torch
    >>> from dlguide.models import cnn
    >>> model = cnn((16, 32, 64), kernel_sizes=(5, 3, 3), dense=128)
    >>> reps = layer_representations(model, torch.zeros(3, 1, 28, 28))
    >>> {name: r.shape[1] for name, r in reps.items()}
    {'pixels': 784, 'block1': 3136, 'block2': 1568, 'block3': 576, 'dense': 128}
    """
    return _representations(model, x, "x")


def _representations(model: Any, x: Any, name: str) -> dict[str, np.ndarray]:
    """:func:`layer_representations`, with errors about ``x`` naming it ``name``."""
    import torch

    if not isinstance(model, torch.nn.Sequential) or [n for n, _ in model.named_children()][
        : len(LAYER_NAMES) - 1
    ] != list(LAYER_NAMES[1:]):
        raise TypeError(
            "model must be a network from dlguide.models.cnn() with three blocks (children "
            f"block1, block2, block3, dense, output), got {describe(model)}"
        )
    check_tensor(name, x)
    if x.ndim != 4 or x.shape[1:] != (1, 28, 28):
        raise ValueError(
            f"{name} must be a float tensor of shape (n, 1, 28, 28), got {describe(x)}"
        )
    out = {"pixels": x.flatten(1).numpy()}
    was_training = model.training
    model.eval()
    with torch.no_grad():
        h = x
        for name in LAYER_NAMES[1:]:
            h = getattr(model, name)(h)
            out[name] = h.flatten(1).numpy()
    model.train(was_training)
    return out


def probe_accuracy(
    train: np.ndarray,
    train_labels: np.ndarray,
    test: np.ndarray,
    test_labels: np.ndarray,
    *,
    n_components: int = 16,
    seed: int | None = None,
) -> float:
    """Fit a linear probe on the leading principal components of ``train``; return test accuracy.

    The principal components and the standardisation are fitted on the training
    representation only, then applied to the test representation. ``seed`` seeds the
    randomized PCA (None: the chapter's seed, :func:`~dlguide.book.seeding.chapter_seed`).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> labels = np.repeat([0, 1], 50)
    >>> features = rng.normal(size=(100, 5)) + labels[:, None] * 3.0
    >>> probe_accuracy(features, labels, features, labels, n_components=2)
    1.0
    """
    from sklearn.decomposition import PCA
    from sklearn.linear_model import LogisticRegression

    check_array("train", train, ndim=2)
    check_array("test", test, ndim=2)
    check_array("train_labels", train_labels, ndim=1, kind="integer")
    check_array("test_labels", test_labels, ndim=1, kind="integer")
    check_same_length(train=train, train_labels=train_labels)
    check_same_length(test=test, test_labels=test_labels)
    if train.shape[1] != test.shape[1]:
        raise ValueError(
            f"train and test must have the same number of features, got {train.shape[1]} and "
            f"{test.shape[1]}"
        )
    n_components = check_int("n_components", n_components, minimum=1)
    if n_components > min(train.shape):
        raise ValueError(
            f"n_components must be at most min(n_samples, n_features) = {min(train.shape)}, "
            f"got {n_components}"
        )
    if len(np.unique(train_labels)) < 2:
        raise ValueError("train_labels must contain at least two classes")
    pca = PCA(n_components, svd_solver="randomized", random_state=resolve_seed(seed)).fit(train)
    a, b = pca.transform(train), pca.transform(test)
    mean, scale = a.mean(axis=0), a.std(axis=0) + 1e-12
    probe = LogisticRegression(max_iter=1000).fit((a - mean) / scale, train_labels)
    return float(probe.score((b - mean) / scale, test_labels))


def probe_layers(
    model: Any,
    x_train: Any,
    y_train: np.ndarray,
    x_test: Any,
    y_test: np.ndarray,
    *,
    n_components: int = 16,
) -> dict[str, float]:
    """Return the linear-probe test accuracy of every layer of ``model``, keyed by layer name.

    ``model`` is as for :func:`layer_representations`; the names are :data:`LAYER_NAMES`.

    Examples
    --------
    >>> import torch
    >>> from dlguide.models import cnn
    >>> _ = torch.manual_seed(0)
    >>> x = torch.rand(40, 1, 28, 28); y = np.arange(40) % 2
    >>> sorted(probe_layers(cnn(), x, y, x, y, n_components=4))
    ['block1', 'block2', 'block3', 'dense', 'pixels']
    """
    train = _representations(model, x_train, "x_train")
    test = _representations(model, x_test, "x_test")
    check_array("y_train", y_train, ndim=1, kind="integer")
    check_array("y_test", y_test, ndim=1, kind="integer")
    check_same_length(x_train=x_train, y_train=y_train)
    check_same_length(x_test=x_test, y_test=y_test)
    return {
        name: probe_accuracy(train[name], y_train, test[name], y_test, n_components=n_components)
        for name in LAYER_NAMES
    }
