"""The book's figure style: a matplotlib style file, ``dlguide.mplstyle``, and its palette.

Colours come from the Okabe-Ito palette, which stays distinguishable for readers with
the common forms of colour blindness. :func:`use_book_style` applies the style file
that ships beside this module (:func:`dlguide.plotting.use_book_style`, re-exported
there); :mod:`dlguide.plotting` makes figures in it.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["PALETTE", "STYLE_FILE", "use_book_style"]

#: Okabe-Ito colours, in the order the book uses them (the style file's colour cycle).
PALETTE = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # green
    "#CC79A7",  # purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
)

#: The matplotlib style file every figure in the book uses.
STYLE_FILE = Path(__file__).with_name("dlguide.mplstyle")


def use_book_style() -> None:
    """Apply the book's matplotlib style (``dlguide.mplstyle``) to every figure made after it.

    Examples
    --------
    >>> use_book_style()
    >>> import matplotlib
    >>> matplotlib.rcParams["axes.spines.top"]
    False
    >>> matplotlib.rcParams["axes.prop_cycle"].by_key()["color"][0] == PALETTE[0]
    True
    """
    import matplotlib.pyplot as plt

    plt.style.use(STYLE_FILE)
