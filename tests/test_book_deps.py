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
