"""Every public function of dlguide refuses bad input with a clear error naming the argument.

The functions are found by walking the package's modules and their ``__all__``, so a new
module is covered as soon as it exists. Each function is first called with valid example
arguments (from ``VALID``, by parameter name, or ``VALID_FOR`` for one function); then each
argument in turn is replaced by a wrong type, and, where it makes sense, by a wrong shape,
an empty value and NaN. Every such call must raise ``TypeError`` or ``ValueError`` whose
message contains the argument's name.

A new function whose required parameter has no example here fails
``test_every_required_parameter_has_an_example``: add one to ``VALID`` or ``VALID_FOR``.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import math
import pkgutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import pytest

import dlguide

# Keras 3.15 (torch backend) converts its variables with np.array(copy=False) internally
# (classic_cnn_recipe's model.save does), which NumPy 2 reports as a DeprecationWarning; it
# is Keras's own, and harmless here (as in test_cnn.py).
pytestmark = pytest.mark.filterwarnings(
    "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning"
)

# Functions that take no data arguments, with the reason they are not called here.
SKIP = {
    "dlguide.book.claims.current_chapter": "takes no arguments",
    "dlguide.book.style.use_book_style": "takes no arguments",
    "dlguide.data.sources.sources_table": "takes no arguments",
    "dlguide.book.sphinxext.setup": "takes Sphinx's application object; real builds test it",
    "dlguide.book.quickrebuild.setup": (
        "takes Sphinx's application object; real builds test it (tests/test_quickrebuild.py)"
    ),
    "dlguide.book.execute.run_parallel": (
        "starts kernels; real builds test it (tests/test_sphinxext.py), and its chapters "
        "come from the extension, never from a user"
    ),
    "dlguide.practice.distributed.main": (
        "the command line of one worker process; parse_args is tested"
    ),
    "dlguide.practice.distributed.parse_args": (
        "argparse validates the command line: a bad one exits with a usage message naming "
        "the option, the convention for command-line programs (tested in test_distributed)"
    ),
    "dlguide.practice.distributed.train_worker": (
        "runs inside a torch.distributed process group that run_data_parallel starts; "
        "run_data_parallel checks the same arguments at the door"
    ),
}

# Known failures: each is a real defect, with the fix, reported to the package's owner.
# strict=True: when the fix lands, the test passes, the xfail fails, and this entry goes.
KNOWN: dict[str, str] = {}


def _train_loop_example() -> dict[str, Callable[[], Any]]:
    """One linear model shared by the loop's arguments, as a caller builds them."""
    import torch

    model = torch.nn.Linear(3, 2)
    x, y = torch.randn(8, 3), torch.arange(8) % 2

    def batch_loss(batch: Any) -> Any:
        return torch.nn.functional.cross_entropy(model(x[batch]), y[batch])

    return {
        "model": lambda: model,
        "rounds": lambda: [[torch.arange(4)], [torch.arange(4, 8)]],
        "batch_loss": lambda: batch_loss,
        "optimizer": lambda: torch.optim.SGD(model.parameters(), lr=0.1),
    }


def _bowl_loss() -> Any:
    from dlguide.foundations.optimizers import elongated_bowl

    return elongated_bowl


def _explorer_paths() -> dict:
    from dlguide.foundations.optimizers import elongated_bowl_grad, make_optimizer, optimize_2d

    return {
        name: [(lr, optimize_2d(make_optimizer(name, lr), elongated_bowl_grad, (-4.0, 1.0), 5))
               for lr in (0.01, 0.05)]
        for name in ("sgd", "rmsprop")
    }  # fmt: skip


def _rng() -> np.random.Generator:
    return np.random.default_rng(0)


def _figure() -> Any:
    from dlguide.plotting import new_figure

    return new_figure(width=3.0, height=2.0)


def _images() -> np.ndarray:
    return _rng().integers(0, 256, size=(6, 28, 28), dtype=np.uint8)


def _tensor() -> Any:
    import torch

    torch.manual_seed(0)
    return torch.rand(8, 1, 28, 28)


def _small_tensor(*shape: int) -> Any:
    import torch

    torch.manual_seed(0)
    return torch.rand(*shape)


def _word_vectors() -> Any:
    from dlguide.data.text import WordVectors

    words = ("film", "movie", "soup")
    return WordVectors(
        words, np.array([[1.0, 0], [0.9, 0.1], [0, 1]]), {"film": 0, "movie": 1, "soup": 2}
    )


def _cnn() -> Any:
    from dlguide.models import cnn

    return cnn((16, 32, 64), kernel_sizes=(5, 3, 3), dense=128)


def _windows() -> tuple[Any, Any]:
    from dlguide.architectures.sequences import random_windows

    return random_windows(np.arange(40) % 5, 6, 4)


def _char_model() -> Any:
    from dlguide.architectures.char_model import CharModel

    return CharModel(5, "gru", hidden=4)


def _reverse() -> tuple[Any, Any]:
    from dlguide.architectures.attention import reverse_task

    return reverse_task(8, 4, 3)


def _rnn() -> Any:
    import torch

    return torch.nn.RNN(3, 5, batch_first=True)


def _tagger() -> Any:
    from dlguide.architectures.transformer import SequenceTagger

    return SequenceTagger(3, 4, "lstm", dim=8)


def _classic_cnn(n_classes: int = 3) -> Any:
    from dlguide.architectures.cnn import torch_classic_cnn

    return torch_classic_cnn(n_classes)


def _float64() -> Any:
    import torch

    return torch.float64


def _tabular(n: int = 24) -> np.ndarray:
    return _rng().normal(size=(n, 4))


def _generator() -> Any:
    import torch

    return torch.Generator().manual_seed(0)


def _mlp(sizes: Any = (2, 3, 2)) -> Any:
    from dlguide.foundations.mlp import init_mlp

    return init_mlp(list(sizes))


def _mlp_forward() -> Any:
    from dlguide.foundations.mlp import forward

    return forward(_mlp(), _rng().normal(size=(4, 2)))


def _gd_gradient() -> Any:
    from dlguide.foundations.gradient_descent import bowl

    return bowl()[1]


def _linear(n_in: int, n_out: int) -> Any:
    import torch

    torch.manual_seed(0)
    return torch.nn.Linear(n_in, n_out)


def _rng_tensor(*shape: int) -> Any:
    import torch

    return torch.from_numpy(_rng().normal(size=shape)).float()


def _optimizer() -> Any:
    from dlguide.foundations.optimizers import make_optimizer

    return make_optimizer("sgd", 0.1)


def _bowl_grad() -> Any:
    from dlguide.foundations.optimizers import elongated_bowl_grad

    return elongated_bowl_grad


def _word_vectors() -> Any:
    from dlguide.data.text import WordVectors

    words = ("man", "king", "woman", "queen")
    vectors = np.array([[1.0, 0.0], [1.0, 1.0], [-1.0, 0.0], [-1.0, 1.0]])
    return WordVectors(words, vectors, {w: i for i, w in enumerate(words)})


def _bag_of_pieces() -> Any:
    from dlguide.language.features import train_bag_of_pieces

    return train_bag_of_pieces(["good", "bad"], np.array([1, 0]), n_classes=2, epochs=1)


def _token_ids() -> Any:
    import torch

    return torch.arange(10, 30).reshape(2, 10)


def _minilm_tokenizer() -> Any:
    from dlguide.language.bert import load_encoder

    return load_encoder()[0]


@functools.cache
def _tiny_mlm() -> Any:
    from transformers import BertConfig, BertForMaskedLM

    config = BertConfig(
        hidden_size=8, num_hidden_layers=1, num_attention_heads=1, intermediate_size=8
    )
    return BertForMaskedLM(config).eval()


@functools.cache
def _robustness_record() -> Path:
    """A record with one chapter and its results for two seeds, in a folder of its own."""
    import json

    about = Path(tempfile.mkdtemp()) / "about"
    about.mkdir()
    values = {"0": {"model 100": 0.5}, "1": {"model 100": 0.52}}
    claims = {"acc": {"values": {"0": 0.5, "1": 0.52}, "texts": {"0": "50%", "1": "52%"}}}
    chapter = {"code_sha256": "x", "modules": {}, "claims": claims, "results": {"accuracy": values}}
    record = about / "robustness.json"
    record.write_text(json.dumps({"commit": "abc", "chapters": {"part/01-a": chapter}}))
    return record


def _claimed(name: str) -> str:
    """Claim ``name`` (0.5, as the record has it for seed 0) in a demo chapter; return it."""
    dlguide.book.claims.set_chapter("demo")
    dlguide.book.claims.claim(name, 0.5, fmt=".0%", at_least=0, glue=False)
    return name


def _sentiment_folder() -> Path:
    from dlguide.language.sentiment import fine_tuned_sentiment

    return fine_tuned_sentiment(10, lr=1.5e-4)


def _write_weights(folder: Path) -> None:
    (folder / "weights.txt").write_text("1")


# Valid example arguments by parameter name (a factory, so that each call gets a fresh one).
VALID: dict[str, Callable[[], Any]] = {
    "name": lambda: "demo",
    "value": lambda: 0.5,
    "fmt": lambda: ".2f",
    "margin": lambda: 0.0,
    "higher": lambda: ("deep", 0.9),
    "lower": lambda: ("shallow", 0.1),
    "split": lambda: "train",
    "test_fraction": lambda: 0.2,
    "seed": lambda: 0,
    "packages": lambda: ("numpy",),
    "sources": lambda: [Path(dlguide.__file__).parent / "book" / "claims.py"],
    "n_classes": lambda: 10,
    "model": _cnn,
    "x": _tensor,
    "x_train": _tensor,
    "x_test": _tensor,
    "y": lambda: np.arange(8) % 2,
    "y_train": lambda: np.arange(8) % 2,
    "y_test": lambda: np.arange(8) % 2,
    "train": lambda: _rng().normal(size=(20, 5)),
    "test": lambda: _rng().normal(size=(20, 5)),
    "train_labels": lambda: np.arange(20) % 2,
    "test_labels": lambda: np.arange(20) % 2,
    "n_components": lambda: 2,
    "images": _images,
    "nrows": lambda: 1,
    "ncols": lambda: 3,
    "width": lambda: 4.0,
    "height": lambda: 3.0,
    "ax": lambda: _figure()[1],
    "fig": lambda: _figure()[0],
    "labels": lambda: ["a", "b"],
    "values": lambda: np.array([1.0, 2.0]),
    "xlabel": lambda: "x",
    "ylabel": lambda: "y",
    "epochs": lambda: 1,
    "batch_size": lambda: 4,
    "lr": lambda: 0.01,
    "y_true": lambda: np.arange(8) % 2,
    "y_pred": lambda: np.array([0, 1, 1, 0, 0, 1, 0, 0]),
    "y_score": lambda: np.linspace(0.0, 1.0, 8),
}
VALID_FOR: dict[str, dict[str, Callable[[], Any]]] = {
    "dlguide.plotting.diagrams.decision_regions": {
        "predict": lambda: lambda points: (points[:, 0] > 0).astype(int),
        "x": lambda: _rng().normal(size=(10, 2)),
        "y": lambda: np.arange(10) % 2,
        "resolution": lambda: 20,
    },
    "dlguide.plotting.diagrams.graph_diagram": {
        "nodes": lambda: {"x": (0.0, 0.0, "input"), "y": (1.0, 0.0, "output")},
        "edges": lambda: [("x", "y")],
    },
    "dlguide.plotting.diagrams.lstm_cell_diagram": {
        "input_size": lambda: 4,
        "hidden_size": lambda: 8,
    },
    "dlguide.plotting.diagrams.encoder_block_diagram": {"dim": lambda: 8, "heads": lambda: 2},
    "dlguide.plotting.diagrams.bert_input_diagram": {
        "tokens": lambda: ["[CLS]", "hi", "[SEP]"],
        "segments": lambda: [0, 0, 0],
    },
    "dlguide.plotting.diagrams.workflow_diagram": {
        "steps": lambda: ["ask", "answer", "check"],
        "notes": lambda: ["", "a note", ""],  # loops: no loops (empty) is valid; tested apart
    },
    "dlguide.plotting.diagrams.probability_panels": {
        "images": lambda: _images()[:2],
        "probabilities": lambda: np.array([[0.7, 0.3], [0.2, 0.8]]),
        "class_names": lambda: ["cat", "dog"],
    },
    "dlguide.plotting.charts.confusion_heatmap": {
        "matrix": lambda: np.array([[5, 1], [2, 4]]),
        "class_names": lambda: ["cat", "dog"],
    },
    "dlguide.foundations.workflow.stratified_split": {
        "labels": lambda: np.arange(20) % 2,
        "fractions": lambda: (0.5, 0.25, 0.25),
    },
    "dlguide.training.classifiers.fit_tracked": {
        "x_val": _tensor,
        "y_val": lambda: np.arange(8) % 2,
    },
    # Part II: architectures
    "dlguide.architectures.attention.attention": {
        "q": lambda: _tensor()[:, 0],
        "k": lambda: _tensor()[:, 0],
        "v": lambda: _tensor()[:, 0],
    },
    "dlguide.architectures.attention.positional_encoding": {"length": lambda: 4, "dim": lambda: 6},
    "dlguide.architectures.attention.reverse_task": {
        "n": lambda: 2,
        "length": lambda: 5,
        "vocab_size": lambda: 10,
    },
    "dlguide.architectures.attention.train_tagger": {
        "model": _tagger,
        "x": lambda: _reverse()[0],
        "y": lambda: _reverse()[1],
        "steps": lambda: 2,
    },
    "dlguide.architectures.augmentation.augmentation_layers": {
        "kinds": lambda: ("flip", "rotate"),
        "rotation": lambda: 0.05,
    },
    "dlguide.architectures.augmentation.confusion_pairs": {
        "matrix": lambda: np.array([[5, 2, 0], [0, 6, 1], [3, 0, 4]]),
        "class_names": lambda: ["a", "b", "c"],
        "top": lambda: 2,
    },
    "dlguide.architectures.cnn.feature_maps": {
        "model": _classic_cnn,
        "image": lambda: _tensor()[0],
    },
    "dlguide.architectures.cnn.keras_classic_cnn": {"n_classes": lambda: 3},
    # One pass in 16 batches (the shared batch_size example, 4, would take 2,000 steps);
    # cached on disk after the first run.
    "dlguide.architectures.cnn.classic_cnn_recipe": {
        "epochs": lambda: 1,
        "batch_size": lambda: 500,
    },
    "dlguide.architectures.cnn.torch_classic_cnn": {
        "n_classes": lambda: 3,
        "image_size": lambda: 28,
    },
    "dlguide.architectures.receptive_fields.receptive_fields": {"model": _classic_cnn},
    "dlguide.architectures.receptive_fields.gradient_extent": {
        "model": _classic_cnn,
        "layer": lambda: "conv2",
    },
    "dlguide.architectures.receptive_fields.top_patches": {
        "model": _classic_cnn,
        "images": _tensor,
        "layer": lambda: "conv2",
    },
    "dlguide.architectures.convolution.conv_output_size": {
        "size": lambda: 28,
        "kernel": lambda: 3,
        "stride": lambda: 1,
        "padding": lambda: 0,
    },
    "dlguide.architectures.convolution.conv_parameters": {
        "in_channels": lambda: 1,
        "out_channels": lambda: 32,
        "kernel": lambda: 3,
    },
    "dlguide.architectures.convolution.convolve2d": {
        "image": lambda: np.arange(16.0).reshape(4, 4),
        "kernel": lambda: np.ones((2, 2)),
        "stride": lambda: 1,
        "padding": lambda: 0,
    },
    "dlguide.architectures.convolution.dense_parameters": {
        "n_inputs": lambda: 784,
        "n_outputs": lambda: 10,
    },
    "dlguide.architectures.convolution.max_pool2d": {
        "image": lambda: np.arange(16.0).reshape(4, 4),
        "size": lambda: 2,
    },
    "dlguide.architectures.char_model.keras_char_lstm": {"vocab_size": lambda: 5},
    "dlguide.architectures.transformer.keras_sequence_tagger": {
        "vocab_size": lambda: 5,
        "length": lambda: 4,
    },
    "dlguide.architectures.sequences.batch_order": {"n": lambda: 20},
    "dlguide.architectures.sequences.encode": {"text": lambda: "abba"},
    "dlguide.architectures.sequences.generate": {
        "model": lambda: _char_model(),
        "alphabet": lambda: ("a", "b", "c", "d", "e"),
        "prompt": lambda: "ab",
        "n": lambda: 5,
        "temperature": lambda: 0.8,
    },
    "dlguide.architectures.sequences.gradient_by_time": {
        "model": _char_model,
        "x": lambda: _windows()[0],
    },
    "dlguide.architectures.sequences.next_char_loss": {
        "model": _char_model,
        "x": lambda: _windows()[0],
        "y": lambda: _windows()[1],
    },
    "dlguide.architectures.sequences.random_windows": {
        "ids": lambda: np.arange(10),
        "length": lambda: 4,
        "n": lambda: 2,
    },
    "dlguide.architectures.sequences.rnn_unrolled": {
        "x": lambda: _tensor()[:2, 0, :5, :3],
        "rnn": lambda: _rnn(),
    },
    "dlguide.architectures.sequences.train_language_model": {
        "model": _char_model,
        "x": lambda: _windows()[0],
        "y": lambda: _windows()[1],
        "steps": lambda: 2,
    },
    "dlguide.architectures.transfer.learning_curve": {
        "base": _classic_cnn,
        "y": lambda: np.arange(8) % 2,
        "x_val": _tensor,
        "y_val": lambda: np.arange(8) % 2,
        "sizes": lambda: [2],
        "methods": lambda: ["fine-tuning"],
        "seeds": lambda: [0],
        "lrs": lambda: [1e-3],
        "max_epochs": lambda: 1,
    },
    "dlguide.architectures.transfer.transfer_model": {
        "base": _classic_cnn,
        "method": lambda: "feature extraction",
        "n_classes": lambda: 2,
    },
    **{
        f"dlguide.practice.frameworks.train_{name}": {
            "x": _tabular,
            "x_test": _tabular,
            "y": lambda: np.arange(24) % 2,
            "y_test": lambda: np.arange(24) % 2,
            "batch_size": lambda: 8,
        }
        for name in ("keras", "lightning", "torch")
    },
    "dlguide.practice.distributed.run_data_parallel": {
        "nprocs": lambda: 2,
        "batch_size": lambda: 16,
    },
    "dlguide.book.claims.claim": {"at_least": lambda: 0.0, "glue": lambda: False},
    "dlguide.book.claims.claim_order": {"glue": lambda: False},
    "dlguide.plotting.charts.line_chart": {
        "x": lambda: np.arange(3.0),
        "series": lambda: {"loss": np.array([3.0, 2.0, 1.0])},
    },
    "dlguide.plotting.charts.glue_figure": {"name": lambda: "fig-demo"},
    "dlguide.foundations.regularization.dropout": {"x": lambda: np.ones((4, 5)), "p": lambda: 0.5},
    "dlguide.architectures.augmentation.rotate_images": {
        "batch": lambda: _tensor()[:2],
        "degrees": lambda: np.array([10.0, -5.0]),
    },
    "dlguide.architectures.augmentation.augment_images": {
        "batch": lambda: _tensor()[:2],
        "generator": _generator,
        "degrees": lambda: 10.0,
    },
    "dlguide.architectures.augmentation.augmenter": {"degrees": lambda: 10.0},
    "dlguide.tables.markdown_table": {
        "header": lambda: ["a", "b"],
        "rows": lambda: [["x", 1]],
    },
    "dlguide.tables.results_table": {
        "rows": lambda: {"none": {"accuracy": 0.5}},
        "formats": lambda: {"accuracy": ".1%"},
    },
    "dlguide.language.toxic.jigsaw_word_ids": {"texts": lambda: ["a short text"]},
    "dlguide.language.toxic.toxicity_scores": {"texts": lambda: ["a short text"]},
    "dlguide.language.toxic.rescale_scores": {"scores": lambda: np.full((2, 6), 0.5)},
    "dlguide.language.toxic.mask_offensive": {"text": lambda: "a text", "threshold": lambda: 0.5},
    "dlguide.language.toxic.lstm_step": {
        "x": lambda: _small_tensor(2, 3),
        "h": lambda: _small_tensor(2, 2),
        "c": lambda: _small_tensor(2, 2),
        "kernel": lambda: _small_tensor(3, 8),
        "recurrent": lambda: _small_tensor(2, 8),
        "bias": lambda: _small_tensor(8),
    },
    "dlguide.language.distillation.train_student": {
        "texts": lambda: ["you idiot", "a fine day"] * 4,
        "targets": lambda: np.tile([[1.0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0]], (4, 1)),
    },
    "dlguide.language.distillation.choose_thresholds": {
        "y_true": lambda: np.array([[0], [1], [0], [1]]),
        "scores": lambda: np.array([[0.1], [0.7], [0.4], [0.6]]),
    },
    "dlguide.plotting.charts.curve_chart": {
        "curves": lambda: {"model": (np.array([0.0, 0.5, 1.0]), np.array([0.0, 0.8, 1.0]))},
    },
    # activations, losses, mlp, gradient_descent, learning_curves, optimizers
    "dlguide.foundations.activations.activate": {
        "name": lambda: "relu",
        "z": lambda: _rng().normal(size=(3, 2)),
    },
    "dlguide.foundations.activations.derivative": {
        "name": lambda: "tanh",
        "z": lambda: _rng().normal(size=(3, 2)),
    },
    "dlguide.foundations.losses.softmax": {"logits": lambda: _rng().normal(size=(4, 3))},
    "dlguide.foundations.losses.mse": {
        "predictions": lambda: np.ones((4, 1)),
        "targets": lambda: np.zeros((4, 1)),
    },
    "dlguide.foundations.losses.binary_cross_entropy": {
        "logits": lambda: _rng().normal(size=(4, 1)),
        "targets": lambda: np.array([[0.0], [1.0], [1.0], [0.0]]),
    },
    "dlguide.foundations.losses.categorical_cross_entropy": {
        "logits": lambda: _rng().normal(size=(4, 3)),
        "targets": lambda: np.eye(3)[[0, 1, 2, 0]],
    },
    "dlguide.foundations.losses.cross_entropy": {
        "logits": lambda: _rng().normal(size=(4, 3)),
        "labels": lambda: np.array([0, 1, 2, 0]),
    },
    "dlguide.foundations.mlp.init_mlp": {"sizes": lambda: [2, 3, 2]},
    "dlguide.foundations.mlp.forward": {"net": _mlp, "x": lambda: _rng().normal(size=(4, 2))},
    "dlguide.foundations.mlp.backward": {
        "net": _mlp,
        "cache": lambda: _mlp_forward()[1],
        "grad_output": lambda: np.ones((4, 2)),
    },
    "dlguide.foundations.mlp.numerical_gradients": {
        "net": lambda: _mlp([1, 2]),
        "loss": lambda: lambda net: float(np.sum(net.weights[0] ** 2)),
    },
    "dlguide.foundations.mlp.max_relative_error": {
        "a": lambda: [np.array([1.0, 2.0]), np.ones((2, 2))],
        "b": lambda: [np.array([1.0, 2.2]), np.ones((2, 2))],
    },
    "dlguide.foundations.mlp.to_torch": {"net": _mlp},
    "dlguide.foundations.mlp.keras_mlp": {"sizes": lambda: [4, 3, 2]},
    "dlguide.models.mlp": {
        "sizes": lambda: [4, 3, 2],
        "activation": lambda: "tanh",
        "dropout": lambda: 0.5,
        "flatten": lambda: False,
        "dtype": lambda: _float64(),
    },
    "dlguide.models.cnn": {
        "channels": lambda: [4, 8],
        "kernel_sizes": lambda: [5, 3],
        "padding": lambda: "valid",
        "pool": lambda: [True, False],
        "dense": lambda: 8,
        "n_classes": lambda: 3,
        "image_size": lambda: 12,
        "in_channels": lambda: 3,
    },
    "dlguide.foundations.gradient_descent.bowl": {"curvatures": lambda: (1.0, 10.0)},
    "dlguide.foundations.gradient_descent.descend": {
        "gradient": lambda: _gd_gradient(),
        "start": lambda: np.array([1.0, 1.0]),
        "steps": lambda: 3,
    },
    "dlguide.foundations.gradient_descent.train_mlp": {
        "net": _mlp,
        "x": lambda: _rng().normal(size=(8, 2)),
    },
    "dlguide.data.sampling.stratified_subset": {
        "labels": lambda: np.array([0, 0, 1, 1]),
        "per_class": lambda: 1,
    },
    "dlguide.training.classifiers.train_steps": {
        "model": lambda: _linear(3, 2),
        "x": lambda: _rng_tensor(8, 3),
        "steps": lambda: 2,
    },
    "dlguide.training.classifiers.torch_accuracy": {
        "model": lambda: _linear(3, 2),
        "x": lambda: _rng_tensor(8, 3),
    },
    "dlguide.training.loop.train_loop": _train_loop_example(),
    "dlguide.training.loop.shuffled_epochs": {
        "n": lambda: 6,
        "batch_size": lambda: 4,
        "epochs": lambda: 2,
    },
    "dlguide.training.loop.random_batches": {
        "n": lambda: 6,
        "batch_size": lambda: 4,
        "steps": lambda: 3,
    },
    "dlguide.foundations.learning_curves.learning_curve": {
        "models": lambda: {"size": lambda idx: float(len(idx))},
        "labels": lambda: np.repeat([0, 1], 3),
        "sizes": lambda: [1, 2],
    },
    "dlguide.foundations.optimizers.make_optimizer": {"name": lambda: "adam"},
    "dlguide.foundations.optimizers.max_difference_from_torch": {
        "name": lambda: "adam",
        "steps": lambda: 2,
    },
    "dlguide.foundations.optimizers.elongated_bowl": {
        "x": lambda: np.linspace(-1.0, 1.0, 12).reshape(3, 4),
        "y": lambda: np.linspace(-2.0, 2.0, 12).reshape(3, 4),
    },
    "dlguide.foundations.optimizers.elongated_bowl_grad": {"point": lambda: np.array([1.0, -1.0])},
    "dlguide.foundations.optimizers.optimize_2d": {
        "optimizer": lambda: _optimizer(),
        "grad": lambda: _bowl_grad(),
        "start": lambda: [-4.0, 1.0],
        "steps": lambda: 3,
    },
    "dlguide.foundations.optimizers.scheduled_lr": {
        "schedule": lambda: "warmup-cosine",
        "step": lambda: 2,
        "total": lambda: 10,
    },
    # dlguide.language: tiny inputs; the MiniLM encoder loads once per process
    "dlguide.book.buildinfo.benchmark_markdown": {
        "data": lambda: {
            "measured_at": "2026-11-29",
            "builds_seconds": {"clean": 891.3},
            "chapter_execution_seconds": {"a": 28.9},
            "import_dlguide_seconds": 0.08,
            "edited": {"chapter": "a.md", "module": "b.py"},
            "machine": {
                "cpus": 2,
                "platform": "Linux",
                "python": "3.11",
                "load_average_start": [0.1],
                "other_cpu_share": 0.0,
            },
        }
    },
    "dlguide.book.modelcache.cache_key": {"spec": lambda: {"lr": 0.001, "seed": 0}},
    "dlguide.plotting.interactive.optimizer_explorer": {
        "paths": lambda: _explorer_paths(),
        "loss": lambda: _bowl_loss(),
        "x_range": lambda: (-4.5, 1.5),
        "y_range": lambda: (-1.5, 1.5),
        "description": lambda: "what it shows",
        "caption": lambda: "what to look at",
    },
    "dlguide.plotting.interactive.threshold_explorer": {
        "labels": lambda: np.array([0, 0, 1, 1, 0, 1]),
        "scores": lambda: np.array([0.1, 0.4, 0.35, 0.8, 0.2, 0.9]),
        "thresholds": lambda: np.array([0.25, 0.5, 0.75]),
        "positive": lambda: "cat",
        "description": lambda: "what it shows",
        "caption": lambda: "what to look at",
    },
    "dlguide.plotting.interactive.attention_explorer": {
        "weights": lambda: np.full((2, 2, 3, 3), 1 / 3),
        "description": lambda: "what it shows",
        "caption": lambda: "what to look at",
    },
    "dlguide.book.deps.chapter_key": {
        "doc": lambda: "demo/01-x",
        "folder": lambda: tempfile.mkdtemp(),
        "package_root": lambda: Path(dlguide.__file__).parent,
        "environment": lambda: "e",
    },
    "dlguide.book.robustness.code_hash": {
        "chapter": lambda: str(
            Path(dlguide.__file__).parents[2] / "docs" / "about" / "reproducibility.md"
        )
    },
    "dlguide.book.robustness.robustness_markdown": {
        "record": lambda: {
            "measured_at": "2026-12-02",
            "commit": "abc",
            "seeds": [0, 1],
            "seconds": 60.0,
            "chapters": {},
        },
        "docs_dir": lambda: str(Path(dlguide.__file__).parents[2] / "docs"),
        "package_root": lambda: Path(dlguide.__file__).parent,
    },
    "dlguide.book.robustness.seed_results": {
        "name": lambda: (dlguide.book.claims.set_chapter("demo"), "accuracy")[1],
        "values": lambda: {"model 100": 0.5},
    },
    "dlguide.book.robustness.recorded_results": {
        "doc": lambda: "part/01-a",
        "name": lambda: "accuracy",
        "record": lambda: _robustness_record(),
    },
    "dlguide.book.robustness.claim_seed_spread": {
        "doc": lambda: "part/01-a",
        "claim_name": lambda: _claimed("acc"),
        "tol": lambda: 0.01,
        "record": lambda: _robustness_record(),
    },
    "dlguide.book.deps.note_file": {"path": lambda: tempfile.mkdtemp()},
    "dlguide.book.deps.source_hash": {"path": lambda: dlguide.__file__},
    "dlguide.book.deps.environment_hash": {"package_root": lambda: Path(dlguide.__file__).parent},
    "dlguide.book.deps.record_imports": {
        "doc": lambda: "demo/01-x",
        "key": lambda: "k",
        "folder": lambda: tempfile.mkdtemp(),
    },
    "dlguide.book.deps.record_path": {"folder": lambda: "/tmp/deps", "doc": lambda: "demo/01-x"},
    "dlguide.book.modelcache.cached_folder": {
        "spec": lambda: {"example": "test_bad_input", "n": 1},
        "build": lambda: _write_weights,
    },
    "dlguide.book.results.remember": {
        "name": lambda: "test-bad-input",
        "compute": lambda: lambda: {"n": 1},
        "code": lambda: "n = 1",
    },
    "dlguide.data.text.simple_tokens": {"text": lambda: "The bank didn't open."},
    "dlguide.data.text.load_vader_ratings": {"domain": lambda: "tweets"},
    "dlguide.language.vectors.one_hot": {
        "words": lambda: ["cat", "sat"],
        "vocabulary": lambda: ["cat", "mat", "sat"],
    },
    "dlguide.language.vectors.cosine": {"a": lambda: np.array([1.0, 0.0]), "b": lambda: np.ones(2)},
    "dlguide.language.vectors.nearest": {"wv": _word_vectors, "word": lambda: "man"},
    "dlguide.language.vectors.analogy": {
        "wv": _word_vectors,
        "a": lambda: "man",
        "b": lambda: "king",
        "c": lambda: "woman",
    },
    "dlguide.language.vectors.similarity_correlation": {
        "wv": _word_vectors,
        "pairs": lambda: [("man", "king", 5.0), ("man", "woman", 7.0), ("king", "queen", 8.0)],
    },
    "dlguide.language.vectors.train_word2vec": {
        "documents": lambda: [["the", "cat", "sat"], ["the", "dog", "sat"]] * 3,
        "dim": lambda: 4,
        "min_count": lambda: 1,
    },
    "dlguide.language.features.encode": {"texts": lambda: ["A fine film.", "A dull film."]},
    "dlguide.language.features.train_bag_of_pieces": {
        "texts": lambda: ["good", "bad"] * 2,
        "labels": lambda: np.array([1, 0, 1, 0]),
        "n_classes": lambda: 2,
    },
    "dlguide.language.features.predict_bag_of_pieces": {
        "net": lambda: _bag_of_pieces(),
        "texts": lambda: ["good", "bad"],
    },
    "dlguide.language.sentiment.stars_from_ratings": {
        "ratings": lambda: np.array([-3.1, -1.0, 0.0, 1.2, 2.5]),
    },
    "dlguide.language.sentiment.sentiment_splits": {
        "n_train": lambda: 20,
        "n_valid": lambda: 10,
        "n_test": lambda: 10,
    },
    "dlguide.language.sentiment.off_by_one_accuracy": {
        "y_true": lambda: np.array([0, 2, 4]),
        "y_pred": lambda: np.array([1, 4, 4]),
    },
    "dlguide.language.sentiment.thresholds_like": {
        "scores": lambda: np.array([0.1, 0.2, 0.3, 0.4]),
        "labels": lambda: np.array([0, 0, 1, 1]),
    },
    "dlguide.metrics.expected_calibration_error": {
        "probs": lambda: np.array([[0.9, 0.1], [0.9, 0.1], [0.6, 0.4], [0.6, 0.4]]),
        "labels": lambda: np.array([0, 0, 0, 1]),
        "n_bins": lambda: 2,
    },
    "dlguide.metrics.reliability_bins": {
        "probs": lambda: np.array([[0.9, 0.1], [0.9, 0.1], [0.6, 0.4], [0.6, 0.4]]),
        "labels": lambda: np.array([0, 0, 0, 1]),
        "n_bins": lambda: 2,
    },
    "dlguide.metrics.over_seeds": {
        "run": lambda: lambda seed: {"accuracy": 0.5 + seed / 100},
        "seeds": lambda: [0, 1, 2],
    },
    "dlguide.metrics.mean_range": {"values": lambda: np.array([0.9, 0.95])},
    "dlguide.metrics.fit_temperature": {
        "logits": lambda: _rng().normal(size=(6, 3)),
        "labels": lambda: np.array([0, 1, 2, 0, 1, 2]),
    },
    "dlguide.language.sentiment.length_grouped_epochs": {
        "lengths": lambda: [5, 1, 4, 2, 3, 6],
        "batch_size": lambda: 2,
        "epochs": lambda: 1,
        "generator": lambda: np.random.default_rng(0),
    },
    # One optimisation step on two texts (about 2 s, mostly loading the encoder).
    "dlguide.language.sentiment.train_text_classifier": {
        "folder": lambda: None,
        "texts": lambda: ["great film", "awful film"],
        "labels": lambda: np.array([1, 0]),
        "label_names": lambda: ["negative", "positive"],
        "max_length": lambda: 8,
    },
    # The smallest model it trains (10 texts); cached on disk after the first run.
    "dlguide.language.sentiment.fine_tuned_sentiment": {
        "n_train": lambda: 10,
        "lr": lambda: 1.5e-4,
    },
    "dlguide.language.sentiment.classify": {
        "folder": lambda: _sentiment_folder(),
        "texts": lambda: ["A fine film."],
        "max_length": lambda: 16,
    },
    "dlguide.language.bert.bert_parameter_formula": {
        "hidden_size": lambda: 8,
        "num_hidden_layers": lambda: 1,
        "intermediate_size": lambda: 16,
    },
    "dlguide.language.bert.count_parameters": {
        "config": lambda: {
            "hidden_size": 8,
            "num_hidden_layers": 1,
            "num_attention_heads": 1,
            "intermediate_size": 16,
        },
    },
    "dlguide.language.bert.mask_tokens": {
        "input_ids": lambda: _token_ids(),
        "mask_id": lambda: 3,
        "vocab_size": lambda: 40,
    },
    "dlguide.language.bert.mlm_sentences": {"n_sentences": lambda: 3},
    "dlguide.language.bert.length_sorted_batches": {
        "tokenizer": _minilm_tokenizer,
        "texts": lambda: ["a longer text here", "short"],
        "batch_size": lambda: 2,
        "max_length": lambda: 8,
    },
    "dlguide.language.bert.predict_masked": {
        "tokenizer": lambda: _minilm_tokenizer(),
        "model": lambda: _tiny_mlm(),
        "sentence": lambda: "A [MASK] day.",
    },
    # One training step on four sentences; cached on disk after the first run.
    "dlguide.language.bert.trained_mlm": {
        "steps": lambda: 1,
        "max_length": lambda: 8,
        "n_sentences": lambda: 4,
        "train_layers": lambda: 0,
    },
    "dlguide.language.bert.word_vectors_by_layer": {
        "sentence": lambda: "I sat by the river bank.",
        "word": lambda: "bank",
    },
    "dlguide.language.augment.synonym_table": {
        "wv": lambda: _word_vectors(),
        "words": lambda: ["film"],
    },
    "dlguide.language.augment.same_polarity": {
        "table": lambda: {"good": ("great", "bad")},
        # not a dict, so that only a wrong type is tried: its own tests try empty and NaN
        "polarity": lambda: MappingProxyType({"good": 1.9, "great": 3.1, "bad": -2.5}),
    },
    **{
        f"dlguide.language.augment.{fn}": {
            "words": lambda: ["the", "film", "was", "fine"],
            "table": lambda: {"film": ("movie",)},
        }
        for fn in ("synonym_replacement", "random_insertion", "random_swap", "random_deletion")
    },
    "dlguide.language.augment.augment_texts": {
        "texts": lambda: ["a fine film", "a dull film"],
        "labels": lambda: np.array([1, 0]),
        "method": lambda: "swap",
    },
    "dlguide.language.augment.augmentation_experiment": {
        "pool_texts": lambda: ["good fun", "great joy", "bad mess", "dull bore"],
        "pool_labels": lambda: np.array([1, 1, 0, 0]),
        "test_texts": lambda: ["good joy", "dull mess"],
        "test_labels": lambda: np.array([1, 0]),
        "methods": lambda: ["swap"],
        "sizes": lambda: [2],
        "seeds": lambda: [0],
    },
}
# Arguments that are switches, not data: given their default, never replaced.
NOT_DATA = {
    "glue",
    "deterministic",
    "volatile",
    "dlguide.book.sphinxext.fingerprint.packages",
    "dlguide.book.deps.environment_hash.packages",
}


def _public_functions() -> dict[str, Callable[..., Any]]:
    found: dict[str, Callable[..., Any]] = {}
    modules = [dlguide] + [
        importlib.import_module(info.name)
        for info in pkgutil.walk_packages(dlguide.__path__, "dlguide.")
        if not any(part.startswith("_") for part in info.name.split("."))
    ]
    for module in modules:
        for attr in getattr(module, "__all__", []):
            obj = getattr(module, attr)
            if inspect.isfunction(obj) and obj.__module__.startswith("dlguide"):
                found[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return dict(sorted(found.items()))


# Modules merged after this test was written, whose functions have no examples here
# yet. Coverage debt, not a pass: each module leaves this list when its examples (and
# the input checks they reveal) are added. test_uncovered_modules_exist keeps it honest.
NOT_YET_COVERED: set[str] = set()
# Functions appended to shared modules by the same merges.
NOT_YET_COVERED_FUNCTIONS: set[str] = set()

FUNCTIONS = {
    k: f
    for k, f in _public_functions().items()
    if k not in SKIP and f.__module__ not in NOT_YET_COVERED and k not in NOT_YET_COVERED_FUNCTIONS
}


def test_uncovered_modules_exist():
    names = {f.__module__ for f in _public_functions().values()}
    assert names >= NOT_YET_COVERED, sorted(NOT_YET_COVERED - names)
    assert set(_public_functions()) >= NOT_YET_COVERED_FUNCTIONS


def _example(qualname: str, parameter: str) -> Callable[[], Any] | None:
    return VALID_FOR.get(qualname, {}).get(parameter) or VALID.get(parameter)


def _valid_arguments(qualname: str) -> dict[str, Any]:
    arguments = {}
    for parameter in inspect.signature(FUNCTIONS[qualname]).parameters.values():
        factory = _example(qualname, parameter.name)
        if factory is not None:
            arguments[parameter.name] = factory()
    return arguments


def _bad_values(valid: Any) -> dict[str, Any]:
    """Wrong type, and where it applies, wrong shape, empty and NaN versions of ``valid``."""
    bad: dict[str, Any] = {"wrong type": object()}
    if isinstance(valid, np.ndarray):
        bad["wrong shape"] = valid[..., None]
        bad["empty"] = valid[:0]
        nan = valid.astype(float)
        nan.flat[0] = math.nan
        bad["nan"] = nan
    elif type(valid).__module__ == "torch" and hasattr(valid, "shape"):
        bad["wrong shape"] = valid[..., None]
        bad["empty"] = valid[:0]
        nan = valid.clone().float()
        nan.view(-1)[0] = math.nan
        bad["nan"] = nan
    elif isinstance(valid, str):
        bad["empty"] = ""
    elif isinstance(valid, (int, float)) and not isinstance(valid, bool):
        bad["nan"] = math.nan
    elif isinstance(valid, tuple) and len(valid) == 2 and isinstance(valid[0], str):
        bad["empty"] = ()
        bad["nan"] = (valid[0], math.nan)
    elif isinstance(valid, (list, tuple)):
        bad["empty"] = type(valid)()
        bad["wrong type inside"] = type(valid)([object()])
    elif isinstance(valid, dict):
        bad["empty"] = {}
        bad["nan"] = {
            key: np.full(len(v), math.nan) if hasattr(v, "__len__") else math.nan
            for key, v in valid.items()
        }
    return bad


def _cases() -> list[Any]:
    cases = []
    for qualname, function in FUNCTIONS.items():
        for parameter in inspect.signature(function).parameters:
            factory = _example(qualname, parameter)
            if factory is None or {parameter, f"{qualname}.{parameter}"} & NOT_DATA:
                continue
            for kind in _bad_values(factory()):
                case_id = f"{qualname}-{parameter}-{kind}"
                marks = []
                if case_id in KNOWN:
                    marks = [pytest.mark.xfail(strict=True, reason=KNOWN[case_id])]
                cases.append(pytest.param(qualname, parameter, kind, id=case_id, marks=marks))
    return cases


def test_functions_are_found():
    assert "dlguide.book.claims.claim" in FUNCTIONS
    assert len(FUNCTIONS) >= 10


@pytest.mark.parametrize("qualname", list(FUNCTIONS))
def test_every_required_parameter_has_an_example(qualname):
    missing = [
        p.name
        for p in inspect.signature(FUNCTIONS[qualname]).parameters.values()
        if p.default is inspect.Parameter.empty
        and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        and _example(qualname, p.name) is None
    ]
    assert missing == [], "add valid examples to VALID or VALID_FOR in this file"


@pytest.mark.parametrize("qualname", list(FUNCTIONS))
def test_valid_example_call_succeeds(qualname):
    FUNCTIONS[qualname](**_valid_arguments(qualname))


@pytest.mark.parametrize(("qualname", "parameter", "kind"), _cases())
def test_bad_argument_is_refused_with_its_name(qualname, parameter, kind):
    arguments = _valid_arguments(qualname)
    arguments[parameter] = _bad_values(arguments[parameter])[kind]
    with pytest.raises((TypeError, ValueError)) as raised:
        FUNCTIONS[qualname](**arguments)
    assert parameter in str(raised.value), f"the message does not name {parameter!r}"
