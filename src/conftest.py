"""Pytest settings for the doctests of the package (``pytest --doctest-modules src``)."""

from __future__ import annotations

import pytest

# Saving a Keras model (classic_cnn_recipe's example) makes Keras 3.15 call np.array on its
# variables without the copy keyword, which NumPy 2 reports as a DeprecationWarning; it is
# Keras's own, so it is not an error here (tests/test_cnn.py ignores it the same way).
KERAS_COPY_WARNING = (
    "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning"
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        item.add_marker(pytest.mark.filterwarnings(KERAS_COPY_WARNING))
