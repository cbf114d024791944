"""Tests for dlguide.book.buildinfo: the package-version table on the Reproducibility page."""

import importlib.metadata
import platform

import pytest

from dlguide.book.buildinfo import KEY_PACKAGES, versions_table


def test_table_lists_python_and_each_package_with_its_installed_version():
    rows = versions_table(["numpy", "pytest"]).splitlines()
    assert rows[:2] == ["| Package | Version |", "| --- | --- |"]
    assert rows[2] == f"| Python | {platform.python_version()} |"
    assert rows[3] == f"| numpy | {importlib.metadata.version('numpy')} |"
    assert rows[4] == f"| pytest | {importlib.metadata.version('pytest')} |"
    assert len(rows) == 5


def test_missing_package_is_reported_not_raised():
    assert versions_table(["no-such-package-dlguide"]).splitlines()[-1] == (
        "| no-such-package-dlguide | not installed |"
    )


def test_default_covers_the_key_packages():
    table = versions_table()
    for name in KEY_PACKAGES:
        assert f"| {name} |" in table


@pytest.mark.parametrize("bad", ["numpy", 3, None])
def test_packages_must_be_a_sequence_of_names(bad):
    with pytest.raises(TypeError, match=r"^packages must be a sequence of names"):
        versions_table(bad)


@pytest.mark.parametrize(("bad", "error"), [([""], ValueError), ([3], TypeError)])
def test_each_name_must_be_a_non_empty_string(bad, error):
    with pytest.raises(error, match=r"^packages\[0\] must"):
        versions_table(bad)
