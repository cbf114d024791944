"""Training: the one loop, its batch samplers, and the classifier fits built on it.

:mod:`dlguide.training.loop` holds :func:`train_loop` and the samplers;
:mod:`dlguide.training.classifiers` holds :func:`fit_classifier`,
:func:`fit_tracked`, :func:`train_steps` and the helpers that score a model.
Chapters import from here.
"""

from dlguide.training.classifiers import (
    History,
    TrackedHistory,
    fit_classifier,
    fit_tracked,
    images_to_tensor,
    predict_proba,
    torch_accuracy,
    train_steps,
)
from dlguide.training.loop import TrainLog, random_batches, shuffled_epochs, train_loop

__all__ = [
    "History",
    "TrackedHistory",
    "TrainLog",
    "fit_classifier",
    "fit_tracked",
    "images_to_tensor",
    "predict_proba",
    "random_batches",
    "shuffled_epochs",
    "torch_accuracy",
    "train_loop",
    "train_steps",
]
