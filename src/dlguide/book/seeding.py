"""Reproducibility: one seed per chapter, and one call that seeds every generator the book uses.

Every chapter starts with :func:`start_chapter`, so that two clean builds of the
book state the same numbers. The chapter's seed is ``start_chapter``'s ``seed`` (0),
unless the environment variable ``DLGUIDE_SEED`` is set: then every chapter of the
build runs under that seed instead, which is how the book checks that its claims hold
for other seeds (``DLGUIDE_SEED=1 nox -s docs``). :func:`chapter_seed` returns it; every
``dlguide`` function that takes a ``seed`` uses it when given ``seed=None`` (the default),
and chapters pass ``chapter_seed()`` (or ``chapter_seed() + k`` for the k-th of several
independent draws) instead of typing a seed.
"""

from __future__ import annotations

import os
import random
import sys
from typing import Any

from dlguide._checks import check_int

__all__ = ["SEED_VARIABLE", "chapter_seed", "resolve_seed", "seed_everything", "start_chapter"]

#: The environment variable that sets every chapter's seed for a whole build.
SEED_VARIABLE = "DLGUIDE_SEED"
_SEED_LIMIT = 2**32  # NumPy's legacy seeding accepts seeds below 2**32

_chapter_seed: int | None = None


def _check_seed(name: str, seed: Any) -> int:
    seed = check_int(name, seed, minimum=0)
    if seed >= _SEED_LIMIT:
        raise ValueError(f"{name} must be below 2**32 (NumPy's limit), got {seed}")
    return seed


def _seed_from_environment() -> int | None:
    """The seed ``DLGUIDE_SEED`` sets, or None where it is unset or empty."""
    raw = os.environ.get(SEED_VARIABLE, "").strip()
    if not raw:
        return None
    try:
        seed = int(raw, 10)
    except ValueError:
        seed = -1
    if not 0 <= seed < _SEED_LIMIT:
        raise ValueError(
            f"{SEED_VARIABLE} must be a whole number from 0 to 2**32 - 1, "
            f"got {os.environ[SEED_VARIABLE]!r}"
        )
    return seed


def chapter_seed() -> int:
    """The seed of the chapter that :func:`start_chapter` started: 0 if none was started.

    Examples
    --------
    >>> start_chapter("demo", seed=3)  # with DLGUIDE_SEED unset
    >>> chapter_seed()
    3
    >>> start_chapter("demo")
    >>> chapter_seed()
    0
    """
    return 0 if _chapter_seed is None else _chapter_seed


def resolve_seed(seed: int | None) -> int:
    """Return ``seed`` checked, or the chapter's seed (:func:`chapter_seed`) when it is None.

    Every ``dlguide`` function with a ``seed`` argument calls this, so that its default
    follows the chapter's seed.

    Examples
    --------
    >>> start_chapter("demo")
    >>> resolve_seed(None), resolve_seed(5)
    (0, 5)
    """
    return chapter_seed() if seed is None else _check_seed("seed", seed)


def seed_everything(seed: int | None = None, *, deterministic: bool = True) -> int:
    """Seed Python, NumPy, PyTorch and Keras, and ask PyTorch for deterministic kernels.

    Keras is seeded only if it is already imported (importing it takes seconds);
    until then it draws its seeds from Python's ``random`` module, which is seeded
    here, so a chapter that imports Keras later is still reproducible.

    Parameters
    ----------
    seed
        A non-negative integer below 2**32; None (the default) means the chapter's seed
        (:func:`chapter_seed`).
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
    seed = resolve_seed(seed)
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
        The chapter's seed, unless the environment variable ``DLGUIDE_SEED`` is set (to a
        whole number from 0 to 2**32 - 1; anything else raises ``ValueError``): then that
        value is the seed, for every chapter of the build. :func:`chapter_seed` returns it
        afterwards; it seeds every generator (:func:`seed_everything`).

    Examples
    --------
    >>> start_chapter("demo")
    >>> from dlguide.book.claims import current_chapter
    >>> current_chapter()
    'demo'
    """
    global _chapter_seed
    from dlguide.book.claims import set_chapter
    from dlguide.plotting import use_book_style

    from_environment = _seed_from_environment()
    seed = _check_seed("seed", seed) if from_environment is None else from_environment
    set_chapter(name)
    _chapter_seed = seed
    seed_everything(seed)
    use_book_style()
