"""The model cache's place and its lock: two processes that need one model train it once."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from dlguide.book.modelcache import default_model_cache_dir

WORKER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from dlguide.book.modelcache import cached_folder

    counter = Path(sys.argv[1])

    def build(folder):
        with open(counter, "a") as fh:
            fh.write("trained\\n")
        time.sleep(2.0)  # long enough for the other process to ask meanwhile
        (folder / "weights.txt").write_text("42")

    folder = cached_folder("lock-test", {"n": 1}, build)
    print((folder / "weights.txt").read_text())
    """
)


def test_two_processes_train_a_shared_model_once(tmp_path, monkeypatch):
    monkeypatch.setenv("DLGUIDE_MODEL_CACHE", str(tmp_path / "models"))
    counter = tmp_path / "trained.txt"
    script = tmp_path / "worker.py"
    script.write_text(WORKER)
    workers = [
        subprocess.Popen(
            [sys.executable, str(script), str(counter)], stdout=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outputs = [w.communicate(timeout=120)[0].strip() for w in workers]
    assert [w.returncode for w in workers] == [0, 0]
    assert outputs == ["42", "42"]  # both read the model...
    assert counter.read_text().splitlines() == ["trained"]  # ...which one of them trained


def test_cache_lives_in_the_users_cache_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("DLGUIDE_MODEL_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_model_cache_dir() == tmp_path / "xdg" / "dlguide" / "models"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_model_cache_dir() == tmp_path / "home" / ".cache" / "dlguide" / "models"
    monkeypatch.setenv("DLGUIDE_MODEL_CACHE", str(tmp_path / "mine"))
    assert default_model_cache_dir() == Path(tmp_path / "mine")
