"""Tests of dlguide.data: packaged data files, the animal silhouettes, and their sources."""

from __future__ import annotations

import collections
import gzip
import hashlib
import importlib.metadata
import io
import pickle
import re
import tomllib
from pathlib import Path

import numpy as np
import pytest

import dlguide.data.animals as animals
from dlguide.data import (
    ANIMAL_CLASSES,
    SOURCES,
    DataError,
    ImageData,
    Source,
    load_animal_shapes,
)
from dlguide.data._package_files import package_file
from dlguide.data.sources import sources_markdown

ROOT = Path(__file__).resolve().parents[1]


# --- package_file ------------------------------------------------------------------------


@pytest.fixture
def fake_package(tmp_path, monkeypatch):
    """An importable package ``dlguide_fake_data`` holding ``data/values.bin``."""
    site = tmp_path / "site"
    package = site / "dlguide_fake_data"
    (package / "data").mkdir(parents=True)
    (package / "__init__.py").write_text("raise RuntimeError('must not be imported')\n")
    content = b"\x00\x01 some bytes \xff"
    (package / "data" / "values.bin").write_bytes(content)
    monkeypatch.syspath_prepend(str(site))
    return package, hashlib.sha256(content).hexdigest()


class TestPackageFile:
    def test_finds_the_file_without_importing(self, fake_package):
        package, digest = fake_package
        path = package_file("dlguide_fake_data", "data/values.bin", digest, pip_name="fake==1")
        assert path == package / "data" / "values.bin"

    def test_missing_package_names_what_to_install(self):
        message = r"the data package 'dlguide_no_such_pkg' is not installed: pip install fake==1\.2"
        with pytest.raises(DataError, match=message):
            package_file("dlguide_no_such_pkg", "x.bin", "0" * 64, pip_name="fake==1.2")

    def test_missing_file(self, fake_package):
        _, digest = fake_package
        with pytest.raises(DataError, match=r"'data/other\.bin' is missing from the installed"):
            package_file("dlguide_fake_data", "data/other.bin", digest, pip_name="fake==1")
        with pytest.raises(DataError, match=r"pip install --force-reinstall fake==1$"):
            package_file("dlguide_fake_data", "data", digest, pip_name="fake==1")

    def test_wrong_checksum(self, fake_package):
        package, digest = fake_package
        (package / "data" / "values.bin").write_bytes(b"changed")
        changed = hashlib.sha256(b"changed").hexdigest()
        with pytest.raises(
            DataError, match=rf"has SHA-256 {changed}, expected {digest}: .*fake==1$"
        ):
            package_file("dlguide_fake_data", "data/values.bin", digest, pip_name="fake==1")

    def test_real_package_with_a_wrong_checksum(self):
        relative, _ = animals._FILES["labels"]
        with pytest.raises(DataError, match=r"install exactly animal-shape-mnist==0\.39"):
            package_file("animal_shape_mnist", relative, "0" * 64, pip_name=animals._PIP)

    def test_data_error_is_a_runtime_error(self):
        assert issubclass(DataError, RuntimeError)


# --- the allow-list unpickler --------------------------------------------------------------


def _unpickle(data: bytes):
    return animals._ArrayUnpickler(io.BytesIO(data)).load()


class _Payload:
    """Unpickling this would run a shell command."""

    def __init__(self, command: str) -> None:
        self.command = command

    def __reduce__(self):
        import os

        return (os.system, (self.command,))


class TestArrayUnpickler:
    def test_refuses_os_system(self, tmp_path):
        marker = tmp_path / "pwned"
        crafted = f"cos\nsystem\n(S'touch {marker}'\ntR.".encode()
        with pytest.raises(DataError, match=r"^refusing to unpickle os\.system: only NumPy"):
            _unpickle(crafted)
        assert not marker.exists()

    @pytest.mark.parametrize("protocol", [0, 2, 4, 5])
    def test_refuses_a_pickled_reduce_payload(self, tmp_path, protocol):
        marker = tmp_path / "pwned"
        data = pickle.dumps(_Payload(f"touch {marker}"), protocol=protocol)
        with pytest.raises(DataError, match=r"^refusing to unpickle posix\.system"):
            _unpickle(data)
        assert not marker.exists()

    @pytest.mark.parametrize(
        ("module", "name"),
        [("builtins", "eval"), ("subprocess", "Popen"), ("numpy", "load"), ("numpy", "frombuffer")],
    )
    def test_refuses_any_other_global(self, module, name):
        with pytest.raises(DataError, match=rf"^refusing to unpickle {module}\.{name}:"):
            _unpickle(f"c{module}\n{name}\n.".encode())

    @pytest.mark.parametrize("dtype", [np.uint8, np.int64, np.float32])
    def test_loads_numpy_arrays(self, dtype):
        array = np.arange(12, dtype=dtype).reshape(3, 4)
        loaded = _unpickle(pickle.dumps(array, protocol=4))
        np.testing.assert_array_equal(loaded, array)
        assert loaded.dtype == dtype

    def test_loads_arrays_pickled_by_numpy_1(self):
        # NumPy 1 wrote the old module name numpy.core.multiarray, as the data files do.
        data = pickle.dumps(np.arange(5), protocol=3)
        old = data.replace(b"numpy._core.multiarray", b"numpy.core.multiarray")
        assert old != data
        np.testing.assert_array_equal(_unpickle(old), np.arange(5))

    def test_plain_data_without_globals_is_allowed(self):
        assert _unpickle(pickle.dumps([1, 2, 3])) == [1, 2, 3]


def test_read_array_refuses_a_file_without_an_array(tmp_path, monkeypatch):
    path = tmp_path / "data.gz"
    path.write_bytes(gzip.compress(pickle.dumps({"not": "an array"})))
    monkeypatch.setattr(animals, "package_file", lambda *args, **kwargs: path)
    with pytest.raises(DataError, match=r"did not hold a NumPy array$"):
        animals._read_array("images")


def test_unexpected_shapes_are_refused(monkeypatch):
    monkeypatch.setattr(animals, "_read_array", lambda kind: np.zeros((5, 28, 28), np.uint8))
    animals._all_animals.cache_clear()
    try:
        with pytest.raises(DataError, match=r"^unexpected shapes \(5, 28, 28\) and"):
            load_animal_shapes("all")
    finally:
        animals._all_animals.cache_clear()


# --- load_animal_shapes --------------------------------------------------------------------


@pytest.fixture(scope="module")
def splits() -> dict[str, ImageData]:
    return {split: load_animal_shapes(split) for split in ("train", "test", "all")}


def _multiset(data: ImageData) -> collections.Counter:
    return collections.Counter(
        (image.tobytes(), int(label)) for image, label in zip(data.images, data.labels)
    )


class TestLoadAnimalShapes:
    @pytest.mark.parametrize(("split", "n"), [("train", 8000), ("test", 2000), ("all", 10_000)])
    def test_shapes_and_dtypes(self, splits, split, n):
        data = splits[split]
        assert isinstance(data, ImageData)
        assert len(data) == n
        assert data.images.shape == (n, 28, 28)
        assert data.images.dtype == np.uint8
        assert data.labels.shape == (n,)
        assert data.labels.dtype == np.int64
        assert data.class_names == ANIMAL_CLASSES
        assert set(np.unique(data.labels)) == set(range(10))

    def test_default_split_is_train(self, splits):
        np.testing.assert_array_equal(load_animal_shapes().labels, splits["train"].labels)

    def test_class_names(self):
        assert ANIMAL_CLASSES == (
            "bear", "bird", "cat", "cow", "dog", "elephant", "giraffe", "horse", "sheep", "zebra",
        )  # fmt: skip

    @pytest.mark.parametrize(("split", "per_class"), [("train", 800), ("test", 200), ("all", 1000)])
    def test_classes_are_balanced(self, splits, split, per_class):
        np.testing.assert_array_equal(np.bincount(splits[split].labels), [per_class] * 10)

    def test_pixels_are_background_or_ink(self, splits):
        images = splits["all"].images
        assert images.min() == 0
        assert images.max() == 255
        assert 0 < images.mean() < 255

    def test_train_and_test_together_are_all(self, splits):
        assert _multiset(splits["train"]) + _multiset(splits["test"]) == _multiset(splits["all"])

    def test_train_and_test_are_disjoint(self, splits, monkeypatch):
        # The real data holds a few identical silhouettes, so label every image by its
        # position in the full set (in two pixels) and split that instead.
        labels = splits["all"].labels
        index = np.arange(len(labels))
        tagged = np.zeros((len(labels), 28, 28), dtype=np.uint8)
        tagged[:, 0, 0], tagged[:, 0, 1] = index // 256, index % 256
        monkeypatch.setattr(animals, "_all_animals", lambda: (tagged, labels))

        def positions(data: ImageData) -> np.ndarray:
            return data.images[:, 0, 0].astype(int) * 256 + data.images[:, 0, 1]

        train, test = positions(load_animal_shapes("train")), positions(load_animal_shapes("test"))
        assert len(set(train)) == 8000
        assert len(set(test)) == 2000
        assert set(train).isdisjoint(test)
        assert set(train) | set(test) == set(index)
        np.testing.assert_array_equal(labels[test], load_animal_shapes("test").labels)
        np.testing.assert_array_equal(np.sort(train), train)  # the original order is kept

    def test_split_is_fixed_whatever_the_global_seed(self, splits):
        np.random.seed(1)
        again = load_animal_shapes("test")
        np.random.seed(2)
        once_more = load_animal_shapes("test")
        for data in (again, once_more):
            np.testing.assert_array_equal(data.images, splits["test"].images)
            np.testing.assert_array_equal(data.labels, splits["test"].labels)

    def test_test_fraction(self):
        half = load_animal_shapes("test", test_fraction=0.5)
        np.testing.assert_array_equal(np.bincount(half.labels), [500] * 10)
        small = load_animal_shapes("train", test_fraction=0.01)
        assert len(small) == 9900

    def test_all_is_read_only(self, splits):
        for array in (splits["all"].images, splits["all"].labels):
            assert not array.flags.writeable
            with pytest.raises(ValueError, match="read-only"):
                array[0] = 1

    @pytest.mark.parametrize("split", ["train", "test"])
    def test_train_and_test_are_read_only(self, split):
        data = load_animal_shapes(split)
        assert not data.images.flags.writeable
        assert not data.labels.flags.writeable

    def test_cached(self):
        assert load_animal_shapes("all").images is load_animal_shapes("all").images

    @pytest.mark.parametrize("split", ["valid", "Train", "training"])
    def test_unknown_split(self, split):
        with pytest.raises(
            ValueError, match=rf"^split must be one of 'train', 'test', 'all', got '{split}'"
        ):
            load_animal_shapes(split)

    def test_split_of_wrong_type_or_empty(self):
        with pytest.raises(TypeError, match=r"^split must be a string"):
            load_animal_shapes(0)
        with pytest.raises(ValueError, match=r"^split must not be empty"):
            load_animal_shapes("")

    @pytest.mark.parametrize("fraction", [0, 0.0, 1, 1.0, -0.2, 1.5])
    def test_test_fraction_out_of_range(self, fraction):
        with pytest.raises(ValueError, match=r"^test_fraction must be strictly between 0 and 1"):
            load_animal_shapes("test", test_fraction=fraction)

    @pytest.mark.parametrize(("split", "fraction"), [("test", 0.0001), ("train", 0.9996)])
    def test_a_fraction_that_empties_a_split_is_refused(self, split, fraction):
        with pytest.raises(ValueError, match=r"^test_fraction"):
            load_animal_shapes(split, test_fraction=fraction)

    def test_test_fraction_of_wrong_type_or_nan(self):
        with pytest.raises(ValueError, match=r"^test_fraction must be a finite number"):
            load_animal_shapes("test", test_fraction=float("nan"))
        with pytest.raises(TypeError, match=r"^test_fraction must be a real number"):
            load_animal_shapes("test", test_fraction="0.2")
        with pytest.raises(TypeError, match=r"^test_fraction must be a real number"):
            load_animal_shapes("test", test_fraction=True)


# --- sources -------------------------------------------------------------------------------


class TestSources:
    def test_every_field_is_filled(self):
        assert SOURCES
        for source in SOURCES:
            assert isinstance(source, Source)
            for field, value in vars(source).items():
                assert isinstance(value, str)
                assert value.strip(), f"{source.name}: {field} is empty"

    def test_packages_are_pinned_installed_and_required(self):
        dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
        required = set(dependencies["dependencies"])
        for extra in dependencies.get("optional-dependencies", {}).values():
            required.update(extra)
        nodeps = {
            line.strip()
            for line in (ROOT / "requirements-nodeps.txt").read_text().splitlines()
            if line.strip() and not line.startswith("#")
        }
        for source in SOURCES:
            requirement = source.package.removeprefix("--no-deps ")
            name, version = re.fullmatch(r"([A-Za-z0-9_.-]+)==([\w.]+)", requirement).groups()
            assert importlib.metadata.version(name) == version
            if source.package.startswith("--no-deps "):
                assert requirement in nodeps, f"{requirement} not in requirements-nodeps.txt"
            else:
                assert requirement in required, f"{requirement} not pinned in pyproject.toml"

    def test_animal_loader_installs_the_credited_package(self):
        assert animals._PIP in {source.package for source in SOURCES}

    def test_frozen(self):
        with pytest.raises(AttributeError):
            SOURCES[0].licence = "none"

    def test_as_markdown_shows_every_field(self):
        source = Source("Name", "pkg==1.0", "MIT", "things", "Someone (2025).", "Chapter")
        assert source.as_markdown().splitlines() == [
            "### Name",
            "",
            "- **What it is:** things",
            "- **Licence:** MIT",
            "- **Installed with:** `pip install pkg==1.0`",
            "- **Used in:** Chapter",
            "- **Citation:** Someone (2025).",
        ]

    def test_sources_markdown_has_a_section_for_every_source(self):
        text = sources_markdown()
        assert text.split("\n\n### ")[0].startswith("### ")
        assert text.count("### ") == len(SOURCES)
        for source in SOURCES:
            assert source.as_markdown() in text
