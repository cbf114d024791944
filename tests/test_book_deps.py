"""Per-chapter keys: a file a chapter read (dlguide.book.deps.note_file) is a dependency."""

from __future__ import annotations

from pathlib import Path

import dlguide
from dlguide.book import deps


def test_a_noted_file_changes_the_key_when_it_changes(tmp_path, monkeypatch):
    monkeypatch.setattr(deps, "_files_read", set())
    root, folder = Path(dlguide.__file__).parent, tmp_path / "deps"
    data = tmp_path / "record.json"
    data.write_text("{}")

    def key():
        return deps.chapter_key("part/01-a", folder=folder, package_root=root, environment="e")

    first = key()
    deps.note_file(data)
    deps.record_imports("part/01-a", first, environment="e", folder=folder)
    assert key() == first  # nothing changed: the recorded key is reused
    data.write_text('{"new": 1}')
    changed = key()
    assert changed != first
    data.unlink()
    assert key() not in (first, changed)  # a file that disappeared counts too
    data.write_text("{}")
    assert key() == first


def test_a_chapter_that_read_no_file_records_none(tmp_path, monkeypatch):
    import json

    monkeypatch.setattr(deps, "_files_read", set())
    path = deps.record_imports("part/01-a", "k", environment="e", folder=tmp_path)
    assert json.loads(path.read_text())["files"] == {}


def test_source_hash_sees_code_not_docstrings_or_comments(tmp_path):
    module = tmp_path / "m.py"

    def hashed(text: str) -> str:
        module.write_text(text)
        return deps.source_hash(module)

    base = hashed('"""Module."""\n\nclass A:\n    """A."""\n\n    def f(self):\n        return 1\n')
    # docstrings of the module, a class and a method, comments and layout: the same code
    assert base == hashed(
        '"""Other."""\nclass A:\n    "B."\n    def f(self):  # one\n\n        return (1)\n'
    )
    assert base == hashed("class A:\n    def f(self):\n        return 1\n")
    # what runs: a value, a name, a string that is not a docstring
    assert base != hashed("class A:\n    def f(self):\n        return 2\n")
    assert base != hashed("class A:\n    def g(self):\n        return 1\n")
    assert base != hashed("class A:\n    X = 'a'\n    def f(self):\n        return 1\n")
    # a file that does not parse is hashed by its bytes
    assert hashed("def (:\n") != hashed("def (: \n")


def test_a_docstring_edit_keeps_the_key_and_a_code_edit_changes_it(tmp_path):
    root = tmp_path / "pkg"
    root.mkdir()
    (root / "__init__.py").write_text("")
    (root / "m.py").write_text('"""Doc."""\nVALUE = 1\n')
    folder = tmp_path / "deps"
    modules = {"pkg": type("M", (), {"__file__": str(root / "__init__.py")}),
               "pkg.m": type("M", (), {"__file__": str(root / "m.py")})}  # fmt: skip

    def key():
        return deps.chapter_key("part/01-a", folder=folder, package_root=root, environment="e")

    first = key()
    deps.record_imports("part/01-a", first, environment="e", folder=folder, package="pkg",
                        modules=modules)  # fmt: skip
    assert key() == first
    (root / "m.py").write_text('"""A better docstring."""\n\nVALUE = 1  # the value\n')
    assert key() == first
    (root / "m.py").write_text('"""A better docstring."""\n\nVALUE = 2\n')
    assert key() != first
