"""The chapter runner: outputs come back, a failing cell is reported, no kernel is waited for."""

from pathlib import Path

import nbformat
import pytest

from dlguide.book.execute import Chapter, execution_order, run_parallel

pytestmark = pytest.mark.slow  # each test starts Jupyter kernels


def _notebook(*sources):
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    notebook.metadata.kernelspec = {
        "name": "python3", "display_name": "Python 3", "language": "python",
    }  # fmt: skip
    return notebook


def _run(chapters, jobs=2):
    seen = []
    outcomes = run_parallel(chapters, jobs=jobs, seconds={}, on_done=seen.append)
    assert [o.chapter.doc for o in seen] == [o.chapter.doc for o in outcomes]
    return {o.chapter.doc: o for o in outcomes}


def test_each_chapter_runs_in_its_own_folder_and_returns_its_outputs(tmp_path):
    folders = {name: tmp_path / name for name in ("a", "b")}
    for folder in folders.values():
        folder.mkdir()
    chapters = [
        Chapter(
            name,
            _notebook("import os", "print(os.path.basename(os.getcwd()))"),
            folder,
            60,
            folder / "page.md",
        )
        for name, folder in folders.items()
    ]
    outcomes = _run(chapters)
    for name, outcome in outcomes.items():
        assert outcome.error is None
        assert outcome.notebook.cells[1].outputs[0]["text"] == f"{name}\n"
        assert outcome.seconds > 0.0 and outcome.chapter.doc == name


def test_a_failing_cell_is_reported_with_its_error(tmp_path):
    chapter = Chapter(
        "bad",
        _notebook("x = 1", "raise KeyError('no such column')"),
        tmp_path,
        60,
        tmp_path / "bad.md",
    )
    outcome = _run([chapter])["bad"]
    assert outcome.notebook is None
    assert "KeyError" in outcome.error and "no such column" in outcome.error


def test_the_kernel_is_killed_after_its_last_cell_not_asked_to_exit(tmp_path):
    # A kernel asked to shut down exits normally and runs its exit handlers (and often
    # takes seconds to); a killed one runs none. The chapter's own cells all ran.
    marker = tmp_path / "exit-handler-ran"
    ran = tmp_path / "last-cell-ran"
    notebook = _notebook(
        f"import atexit, pathlib\natexit.register(pathlib.Path({str(marker)!r}).touch)",
        f"pathlib.Path({str(ran)!r}).touch()",
    )
    outcome = _run([Chapter("quick", notebook, tmp_path, 60, tmp_path / "quick.md")])["quick"]
    assert outcome.error is None
    assert ran.exists()
    assert not marker.exists()


def test_unknown_chapters_first_then_longest_first():
    order = execution_order(["x", "y", "z", "new"], {"x": 1.0, "y": 30.0, "z": 30.0})
    assert order == ["new", "y", "z", "x"]


def test_the_book_kernels_skip_the_grammar_compiling_import_and_still_glue(tmp_path):
    # The build's kernels (dlguide.book.sphinxext sets their environment) do not import
    # rfc3987_syntax, which nbformat's jsonschema would compile grammars for at the first
    # glued claim; glueing still works.
    import os
    import types

    from dlguide.book.sphinxext import _kernel_environment

    notebook = _notebook(
        "import sys\nfrom myst_nb import glue\nglue('x', 1, display=False)\n"
        "print(sys.modules['rfc3987_syntax'], 'nbformat' in sys.modules)"
    )
    saved = dict(os.environ)
    try:
        _kernel_environment(types.SimpleNamespace(outdir=str(tmp_path / "html")), None)
        outcome = _run([Chapter("env", notebook, tmp_path, 60, tmp_path / "env.md")])["env"]
    finally:
        os.environ.clear()
        os.environ.update(saved)
    assert outcome.error is None
    assert outcome.notebook.cells[0].outputs[-1]["text"] == "None True\n"


def test_a_killed_build_leaves_no_chapter_running(tmp_path):
    """The Sphinx process dies (Ctrl-C, a CI timeout): its workers and kernels end with it."""
    import os
    import signal
    import subprocess
    import sys
    import time

    started, finished = tmp_path / "started.txt", tmp_path / "finished.txt"
    notebook = _notebook(
        f"import os; open({str(started)!r}, 'w').write(str(os.getpid()))",
        f"import time; time.sleep(8); open({str(finished)!r}, 'w').write('ran to the end')",
    )
    nbformat.write(notebook, tmp_path / "chapter.ipynb")
    build = tmp_path / "build.py"
    build.write_text(
        "import nbformat, pathlib\n"
        "from dlguide.book.execute import Chapter, run_parallel\n"
        f"here = pathlib.Path({str(tmp_path)!r})\n"
        "notebook = nbformat.read(here / 'chapter.ipynb', as_version=4)\n"
        "chapter = Chapter('slow', notebook, here, 60, here / 'slow.md')\n"
        "run_parallel([chapter], jobs=1, seconds={}, on_done=print)\n"
    )
    parent = subprocess.Popen([sys.executable, str(build)])
    try:
        deadline = time.monotonic() + 120
        while not started.is_file() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert started.is_file(), "the chapter never started"
        kernel = int(started.read_text())
    finally:
        parent.send_signal(signal.SIGKILL)  # no chance to clean up
        parent.wait()

    def alive(pid):  # running, and not a zombie; gone between the two looks counts as gone
        try:
            os.kill(pid, 0)
            state = Path(f"/proc/{pid}/stat").read_text().split(") ")[-1]
        except (ProcessLookupError, FileNotFoundError):
            return False
        return not state.startswith("Z")

    deadline = time.monotonic() + 12
    while alive(kernel) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not alive(kernel), "the chapter's kernel outlived the build"
    time.sleep(9)  # past the end of the sleeping cell
    assert not finished.exists(), "the chapter ran on after the build was killed"
