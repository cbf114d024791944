"""Tests of book.style: the figure style is a matplotlib style file that ships with the package."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

import matplotlib

from dlguide.book.style import PALETTE, STYLE_FILE, use_book_style


def test_the_style_file_ships_as_package_data():
    assert resources.files("dlguide.book").joinpath("dlguide.mplstyle").is_file()
    pyproject = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    patterns = pyproject["tool"]["setuptools"]["package-data"]["dlguide.book"]
    assert any(STYLE_FILE.match(p) for p in patterns)


def test_use_book_style_applies_the_file_and_the_palette():
    with matplotlib.rc_context():
        matplotlib.rcParams["axes.grid"] = False
        use_book_style()
        assert matplotlib.rcParams["axes.grid"] is True
        assert matplotlib.rcParams["svg.hashsalt"] == "dlguide"
        colours = matplotlib.rcParams["axes.prop_cycle"].by_key()["color"]
        assert [f"#{c}".upper() if not c.startswith("#") else c.upper() for c in colours] == [
            c.upper() for c in PALETTE
        ]
