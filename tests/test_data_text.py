"""Tests of dlguide.data.text (offline text loaders) and dlguide.book.modelcache."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest

import dlguide.data.text as data
from dlguide.book.modelcache import cache_key, cached_folder, model_cache_dir
from dlguide.data import DataError
from dlguide.data.text import (
    VADER_DOMAINS,
    WordVectors,
    lee_corpus,
    load_glove,
    load_rotten_tomatoes,
    load_vader_ratings,
    load_wordsim353,
    minilm_path,
    simple_tokens,
)

# --- simple_tokens -------------------------------------------------------------------------


def test_simple_tokens_lowercases_and_keeps_contractions():
    assert simple_tokens("Don't PANIC: 42 towels!") == ["don't", "panic", "42", "towels"]


@pytest.mark.parametrize(("bad", "error"), [(None, TypeError), ("", ValueError), (3, TypeError)])
def test_simple_tokens_bad_input(bad, error):
    with pytest.raises(error, match="text"):
        simple_tokens(bad)


# --- GloVe -----------------------------------------------------------------------------------


def test_glove_shapes_and_known_similarity():
    glove = load_glove()
    assert len(glove) == 400_000
    assert glove.vectors.shape == (400_000, 50)
    assert not glove.vectors.flags.writeable
    assert glove.words[glove.index["king"]] == "king"

    # Independent check: cosine by hand is higher for a related pair than an unrelated one.
    def cos(a, b):
        return glove[a] @ glove[b] / np.linalg.norm(glove[a]) / np.linalg.norm(glove[b])

    assert cos("frog", "toad") > cos("frog", "parliament")


def test_glove_unknown_word():
    with pytest.raises(KeyError, match="not in the vocabulary"):
        load_glove()["qwxzqwxz"]
    with pytest.raises(TypeError, match="word"):
        load_glove()[3]


def test_missing_package_names_pip_command(monkeypatch):
    import dlguide.data._package_files as pf

    monkeypatch.setattr(pf.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(DataError, match=r"pip install gensim==4\.4\.0"):
        data.package_file("gensim", *data._LEE, pip_name="gensim==4.4.0")
    lee_corpus.cache_clear()
    with pytest.raises(DataError, match=r"gensim==4\.4\.0"):
        lee_corpus()
    lee_corpus.cache_clear()


# --- Lee corpus and WordSim-353 ------------------------------------------------------------------


def test_lee_corpus():
    docs = lee_corpus()
    assert len(docs) == 300
    assert all(isinstance(t, str) and t == t.lower() for t in docs[5])
    assert 50_000 < sum(map(len, docs)) < 70_000


def test_wordsim353():
    pairs = load_wordsim353()
    assert len(pairs) == 353
    assert all(0 <= s <= 10 for _, _, s in pairs)
    assert ("tiger", "cat", 7.35) in pairs


# --- VADER ground truth ----------------------------------------------------------------------


def test_vader_all_domains_match_published_sizes():
    frame = load_vader_ratings()
    sizes = frame.groupby("domain").size().to_dict()
    assert sizes == {"movies": 10_605, "tweets": 4_200, "amazon": 3_708, "nyt": 5_190}
    assert frame.rating.between(-4, 4).all()
    assert not frame.text.isna().any()


def test_vader_matches_an_independent_parse():
    filename, _ = VADER_DOMAINS["tweets"]
    with open(data._VADER_DIR / filename, encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE) if r]
    frame = load_vader_ratings("tweets")
    assert len(rows) == len(frame)
    assert float(rows[1][1]) == pytest.approx(frame.rating.iloc[1])
    assert rows[1][2].strip() == frame.text.iloc[1]


def test_vader_bad_domain():
    with pytest.raises(ValueError, match="domain must be one of"):
        load_vader_ratings("imdb")


def test_vader_checksum_mismatch(tmp_path, monkeypatch):
    filename, _ = VADER_DOMAINS["nyt"]
    (tmp_path / filename).write_text("1\t0.5\tchanged\n")
    monkeypatch.setattr(data, "_VADER_DIR", tmp_path)
    with pytest.raises(DataError, match="SHA-256"):
        load_vader_ratings("nyt")
    (tmp_path / filename).unlink()
    with pytest.raises(DataError, match="missing"):
        load_vader_ratings("nyt")


# --- Rotten Tomatoes and MiniLM ----------------------------------------------------------------


def test_rotten_tomatoes():
    frame = load_rotten_tomatoes()
    assert set(frame.label.unique()) == {0, 1}
    assert (frame.label == 1).sum() == 7_403
    assert frame.text.str.len().min() > 0


def test_minilm_path_has_weights_and_vocab():
    path = minilm_path()
    assert (path / "config.json").is_file()
    assert len((path / "vocab.txt").read_text(encoding="utf-8").splitlines()) == 30_522


def test_word_vectors_container():
    wv = WordVectors(("a", "b"), np.eye(2), {"a": 0, "b": 1})
    assert "a" in wv and "z" not in wv and len(wv) == 2
    np.testing.assert_array_equal(wv["b"], [0, 1])


# --- cache -----------------------------------------------------------------------------------


def test_cache_dir_follows_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("DLGUIDE_MODEL_CACHE", str(tmp_path / "models"))
    assert model_cache_dir() == tmp_path / "models"
    assert model_cache_dir().is_dir()


def test_cache_key_depends_on_every_input():
    base = cache_key("m", {"lr": 0.1, "data": "abc"})
    assert base == cache_key("m", {"data": "abc", "lr": 0.1})
    assert base != cache_key("m", {"lr": 0.2, "data": "abc"})
    assert base != cache_key("n", {"lr": 0.1, "data": "abc"})


def test_cache_key_follows_the_code_not_its_docstrings(tmp_path, monkeypatch):
    module = tmp_path / "trainer_demo.py"
    module.write_text('def train(x):\n    "Train."\n    return 2 * x\n')
    monkeypatch.syspath_prepend(str(tmp_path))
    before = cache_key("m", {"a": 1}, code=["trainer_demo"])
    module.write_text('def train(x):\n    "Train the model."  # reworded\n    return 2 * x\n')
    assert cache_key("m", {"a": 1}, code=["trainer_demo"]) == before
    module.write_text('def train(x):\n    "Train the model."\n    return 3 * x\n')
    assert cache_key("m", {"a": 1}, code=["trainer_demo"]) != before


def test_cache_key_depends_on_versions(monkeypatch):
    import dlguide.book.modelcache as cache

    before = cache_key("m", {"a": 1})
    monkeypatch.setattr(cache, "_versions", lambda: {"torch": "0.0"})
    assert cache_key("m", {"a": 1}) != before


@pytest.mark.parametrize(
    ("name", "spec", "error", "match"),
    [
        ("", {"a": 1}, ValueError, "name"),
        ("m", [1], TypeError, "spec must be a mapping"),
        ("m", {}, ValueError, "spec must not be empty"),
        ("m", {"f": object()}, TypeError, r"spec\['f'\] must hold only JSON values"),
        ("m", {"lr": float("nan")}, ValueError, r"spec\['lr'\] must be a finite number"),
        ("m", {"n": [1, np.int64(2)]}, TypeError, r"spec\['n'\]\[1\] must hold only JSON"),
        ("m", {1: 2}, TypeError, "spec must have string keys"),
    ],
)
def test_cache_key_bad_input(name, spec, error, match):
    with pytest.raises(error, match=match):
        cache_key(name, spec)


def test_cache_key_depends_on_the_training_code(tmp_path, monkeypatch):
    # A module standing in for a training loop: editing its source must change the key,
    # so a model trained by old code is never reused (the cache cannot lie).
    package = tmp_path / "fake_trainer.py"
    package.write_text("LR = 0.1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    before = cache_key("m", {"a": 1}, code=["fake_trainer"])
    assert before == cache_key("m", {"a": 1}, code=("fake_trainer",))
    assert before != cache_key("m", {"a": 1})
    package.write_text("LR = 0.2\n")
    assert cache_key("m", {"a": 1}, code=["fake_trainer"]) != before
    # Keys made without code are unchanged by the option's existence.
    assert cache_key("m", {"a": 1}, code=()) == cache_key("m", {"a": 1})


@pytest.mark.parametrize(
    ("code", "error", "match"),
    [
        ("dlguide.book.modelcache", TypeError, "code must be a list or tuple of module names"),
        (None, TypeError, "code must be a list or tuple"),
        ([3], TypeError, r"code\[0\]"),
        ([""], ValueError, r"code\[0\]"),
        (["dlguide.no_such_module"], ValueError, r"code\[0\] names 'dlguide.no_such_module'"),
        (["no_such_package.sub"], ValueError, "not a module with a source file"),
    ],
)
def test_cache_key_bad_code(code, error, match):
    with pytest.raises(error, match=match):
        cache_key("m", {"a": 1}, code=code)


def test_cached_folder_rebuilds_when_the_code_changes(tmp_path, monkeypatch):
    monkeypatch.setenv("DLGUIDE_MODEL_CACHE", str(tmp_path / "models"))
    (tmp_path / "fake_loop.py").write_text("EPOCHS = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    calls = []

    def build(folder):
        calls.append(folder)

    first = cached_folder("m", {"seed": 0}, build, code=["fake_loop"])
    assert cached_folder("m", {"seed": 0}, build, code=["fake_loop"]) == first
    (tmp_path / "fake_loop.py").write_text("EPOCHS = 2\n")
    assert cached_folder("m", {"seed": 0}, build, code=["fake_loop"]) != first
    assert len(calls) == 2


def test_cached_folder_builds_once(tmp_path, monkeypatch):
    monkeypatch.setenv("DLGUIDE_MODEL_CACHE", str(tmp_path))
    calls = []

    def build(folder):
        calls.append(folder)
        (folder / "w.txt").write_text("1")

    first = cached_folder("m", {"seed": 0}, build)
    second = cached_folder("m", {"seed": 0}, build)
    assert first == second and len(calls) == 1
    assert json.loads((first / "spec.json").read_text()) == {"seed": 0}
    cached_folder("m", {"seed": 1}, build)
    assert len(calls) == 2


def test_cached_folder_keeps_a_copy_finished_meanwhile(tmp_path, monkeypatch):
    # Two processes building the same model at once: the one that finishes second must
    # not delete the first one's folder (a chapter may be reading it), only its own copy.
    monkeypatch.setenv("DLGUIDE_MODEL_CACHE", str(tmp_path))
    spec = {"seed": 0}
    final = tmp_path / cache_key("m", spec)

    def build(folder):
        (folder / "w.txt").write_text("mine")
        final.mkdir()  # the other process finishes while this one builds
        (final / "w.txt").write_text("theirs")
        (final / "spec.json").write_text("{}")

    assert cached_folder("m", spec, build) == final
    assert (final / "w.txt").read_text() == "theirs"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".locks", final.name]


def test_cached_folder_replaces_a_leftover_without_spec(tmp_path, monkeypatch):
    monkeypatch.setenv("DLGUIDE_MODEL_CACHE", str(tmp_path))
    final = tmp_path / cache_key("m", {"seed": 0})
    final.mkdir()
    (final / "half.bin").write_text("interrupted copy")
    folder = cached_folder("m", {"seed": 0}, lambda f: (f / "w.txt").write_text("1"))
    assert sorted(p.name for p in folder.iterdir()) == ["spec.json", "w.txt"]


def test_cached_folder_leaves_nothing_after_failure(tmp_path, monkeypatch):
    monkeypatch.setenv("DLGUIDE_MODEL_CACHE", str(tmp_path))

    def build(folder):
        (folder / "half.txt").write_text("x")
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError, match="interrupted"):
        cached_folder("m", {"seed": 0}, build)
    assert [p.name for p in tmp_path.iterdir()] == [".locks"]  # no model, half or whole
    with pytest.raises(TypeError, match="build must be callable"):
        cached_folder("m", {"seed": 0}, "not callable")
