"""What the book was built with: package versions, for the Reproducibility page."""

from __future__ import annotations

import importlib.metadata
import platform
from collections.abc import Sequence

from dlguide._checks import check_str, describe

__all__ = ["KEY_PACKAGES", "versions_table"]

#: The packages whose versions decide the book's numbers and pages.
KEY_PACKAGES = (
    "torch", "keras", "numpy", "scikit-learn", "matplotlib", "transformers", "lightning",
    "sphinx", "myst-nb", "jupyter-cache", "sphinx-book-theme", "animal-shape-mnist",
)  # fmt: skip


def versions_table(packages: Sequence[str] = KEY_PACKAGES) -> str:
    """Return a Markdown table of Python's version and each installed package's version.

    Packages that are not installed are listed as "not installed".

    Examples
    --------
    >>> print(versions_table(["numpy"]).splitlines()[2].startswith("| Python |"))
    True
    """
    if isinstance(packages, str) or not isinstance(packages, Sequence):
        raise TypeError(f"packages must be a sequence of names, got {describe(packages)}")
    if not packages:
        raise ValueError("packages must name at least one package, got an empty sequence")
    rows = [("Python", platform.python_version())]
    for i, name in enumerate(packages):
        check_str(f"packages[{i}]", name)
        try:
            version = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            version = "not installed"
        rows.append((name, version))
    lines = ["| Package | Version |", "|---|---|"]
    lines += [f"| {name} | {version} |" for name, version in rows]
    return "\n".join(lines)
