"""dlguide: the tested code behind the executable guide to deep learning.

The package is laid out like the book:

- :mod:`dlguide.foundations` -- Part I, one module per chapter or idea
- :mod:`dlguide.architectures` -- Part II
- :mod:`dlguide.language` -- Part III
- :mod:`dlguide.practice` -- Part IV

and the tools the chapters share:

- :mod:`dlguide.data` -- every data loader: real data from PyPI packages, checksummed and
  credited
- :mod:`dlguide.training` -- a plain, tested PyTorch training loop for classifiers
- :mod:`dlguide.models` -- the model builders: one MLP, one CNN, made from parameters
- :mod:`dlguide.metrics` -- classification metrics and curves, in NumPy
- :mod:`dlguide.plotting` -- figures in the book's style

The book's own machinery (claims, seeding, the figure style, the model cache,
the Sphinx extension) is in :mod:`dlguide.book`.

``import dlguide`` is fast: heavy libraries (torch, sklearn, matplotlib) are
imported only by the functions that need them.
"""

from dlguide.book.claims import ClaimError, claim, claim_order
from dlguide.book.seeding import chapter_seed, seed_everything, start_chapter

__version__ = "0.1.0"

__all__ = [
    "ClaimError",
    "__version__",
    "chapter_seed",
    "claim",
    "claim_order",
    "seed_everything",
    "start_chapter",
]
