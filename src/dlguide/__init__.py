"""dlguide: the tested code behind the executable guide to deep learning.

Chapters of the book import from here; each module is one idea a reader learns:

- :mod:`dlguide.claims` -- numbers the prose states, checked at build time
- :mod:`dlguide.repro` -- seeding, and :func:`start_chapter`
- :mod:`dlguide.plotting` -- the book's figure style and helpers
- :mod:`dlguide.data` -- real data from PyPI packages, checksummed and credited
- :mod:`dlguide.training` -- a plain PyTorch training loop for classifiers
- :mod:`dlguide.depth` -- why depth matters: layer representations and linear probes
- :mod:`dlguide.handmade` -- hand-made image features, as classical ML used them
- :mod:`dlguide.learning_curves` -- accuracy against training-set size, and small models
- :mod:`dlguide.activations` -- activation functions and their derivatives
- :mod:`dlguide.mlp` -- a NumPy multilayer perceptron: forward and backward passes
- :mod:`dlguide.losses` -- loss functions and their gradients
- :mod:`dlguide.gradient_descent` -- gradient descent on a surface and on a network
- :mod:`dlguide.optimizers` -- SGD, momentum, RMSprop and Adam from their update rules; schedules
- :mod:`dlguide.workflow` -- splits, a Dataset, and a training loop with validation and knobs
- :mod:`dlguide.regularization` -- dropout, L1/L2 weights, augmentation of image tensors
- :mod:`dlguide.metrics` -- accuracy, precision, recall, F1, ROC and precision-recall, in NumPy
- :mod:`dlguide.convolution` -- convolution by hand: filters, stride, padding, pooling
- :mod:`dlguide.cnn_models` -- the classic small CNN in Keras and in PyTorch
- :mod:`dlguide.augmentation` -- Keras augmentation layers, confusion pairs
- :mod:`dlguide.transfer` -- feature extraction, fine-tuning, learning curves
- :mod:`dlguide.sequences` -- recurrent character models and gradients in time
- :mod:`dlguide.attention` -- attention from the formula, an encoder block
- :mod:`dlguide.frameworks` -- one small model in PyTorch, Keras 3 and Lightning
- :mod:`dlguide.distributed` -- data-parallel training with torch.distributed
- :mod:`dlguide.objectives` -- the learning objectives, mapped to the sections that teach them
- :mod:`dlguide.text` -- Part III: word vectors, BERT, sentiment, toxic comments
- :mod:`dlguide.sphinxext` -- the Sphinx extension the book is built with

``import dlguide`` is fast: heavy libraries (torch, sklearn, matplotlib) are
imported only by the functions that need them.
"""

from dlguide.claims import ClaimError, claim, claim_order
from dlguide.repro import seed_everything, start_chapter

__version__ = "0.1.0"

__all__ = ["ClaimError", "__version__", "claim", "claim_order", "seed_everything", "start_chapter"]
