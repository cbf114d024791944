"""Reproducibility: one call that seeds every random number generator the book uses.

Every chapter starts with :func:`start_chapter`, so that two clean builds of the
book state the same numbers.
"""

from __future__ import annotations

import os
import random
import sys

from dlguide._checks import check_int

__all__ = ["seed_everything", "start_chapter"]


def seed_everything(seed: int = 0, *, deterministic: bool = True) -> int:
    """Seed Python, NumPy, PyTorch and Keras, and ask PyTorch for deterministic kernels.

    Keras is seeded only if it is already imported (importing it takes seconds);
    until then it draws its seeds from Python's ``random`` module, which is seeded
    here, so a chapter that imports Keras later is still reproducible.

    Parameters
    ----------
    seed
        A non-negative integer.
    deterministic
        Call ``torch.use_deterministic_algorithms(True)``, so an operation without a
        deterministic implementation raises instead of silently varying.

    Returns
    -------
    int
        The seed, for printing.

    Examples
    --------
    >>> import numpy as np
    >>> _ = seed_everything(7)
    >>> a = np.random.rand()
    >>> _ = seed_everything(7)
    >>> a == np.random.rand()
    True
    """
    seed = check_int("seed", seed, minimum=0)
    if seed >= 2**32:
        raise ValueError(f"seed must be below 2**32 (NumPy's limit), got {seed}")
    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    # Keep the number of CPU threads fixed: reductions split across threads can
    # add in a different order, and so give different last digits.
    torch.set_num_threads(min(2, os.cpu_count() or 1))
    if deterministic:
        torch.use_deterministic_algorithms(True)
        torch.backends.cudnn.deterministic = True
        torch.backends.cudnn.benchmark = False
    if "keras" in sys.modules:
        sys.modules["keras"].utils.set_random_seed(seed)
    return seed


def start_chapter(name: str, *, seed: int = 0) -> None:
    """Prepare a fresh kernel for a chapter: seeds, the book's figure style, claims.

    Parameters
    ----------
    name
        The chapter's short name (lower-case, e.g. ``"what-is-deep-learning"``);
        build errors about its claims quote it.
    seed
        Passed to :func:`seed_everything`.

    Examples
    --------
    >>> start_chapter("demo")
    >>> from dlguide.book.claims import current_chapter
    >>> current_chapter()
    'demo'
    """
    from dlguide.book.claims import set_chapter
    from dlguide.plotting import use_book_style

    set_chapter(name)
    seed_everything(seed)
    use_book_style()
