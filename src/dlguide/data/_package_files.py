"""Read data files that ship inside an installed package, with a checksum.

Some data packages import TensorFlow (or other heavy things) when imported, so
their files are located without importing them, and every file is checked
against a SHA-256 recorded here before it is used.
"""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path

__all__ = ["DataError", "package_file"]


class DataError(RuntimeError):
    """A data file is missing, or is not the file the book was written against."""


def package_file(module: str, relative: str, sha256: str, *, pip_name: str) -> Path:
    """Return the path of ``relative`` inside the installed package ``module``.

    The package is found without being imported. Its file must have the given
    SHA-256, or :class:`DataError` is raised.

    Parameters
    ----------
    module
        The import name of the package, e.g. ``"animal_shape_mnist"``.
    relative
        The file's path inside the package.
    sha256
        The expected hex digest.
    pip_name
        What to ``pip install`` when the package is missing (with its version).
    """
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise DataError(f"the data package {module!r} is not installed: pip install {pip_name}")
    root = Path(next(iter(spec.submodule_search_locations)))
    path = root / relative
    if not path.is_file():
        raise DataError(
            f"{relative!r} is missing from the installed package {module!r} at {root}; "
            f"reinstall it: pip install --force-reinstall {pip_name}"
        )
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != sha256:
        raise DataError(
            f"{path} has SHA-256 {digest}, expected {sha256}: it is not the file this "
            f"book was written against; install exactly {pip_name}"
        )
    return path
