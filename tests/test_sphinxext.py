"""Tests of dlguide.book.sphinxext: real Sphinx builds of tiny books, keys, parallel runs."""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import subprocess
import sys
import textwrap
import types
from pathlib import Path

import pytest

from dlguide.book.sphinxext import fingerprint, is_build_cell, with_build_cells

FRONT_MATTER = """\
---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---
"""

CONF = """\
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # fakepkg, as the kernels see it
extensions = ["myst_nb", "dlguide.book.sphinxext"]
exclude_patterns = ["_build"]
nb_execution_mode = "cache"
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_output_stderr = "warn"
dlguide_dependency_package = "fakepkg"
"""

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _page(title: str, cells: list[str], prose: str) -> str:
    blocks = [f"```{{code-cell}} ipython3\n{textwrap.dedent(cell).strip()}\n```" for cell in cells]
    return f"{FRONT_MATTER}\n# {title}\n\n" + "\n\n".join(blocks) + f"\n\n{prose}\n"


def _project(root: Path, page: str, **others: str) -> Path:
    """Write a book under ``root`` (``index.md`` and the pages ``others``); return its folder."""
    src = root / "src"
    (src / "fakepkg").mkdir(parents=True)
    (src / "fakepkg" / "__init__.py").write_text("")
    (src / "fakepkg" / "helpers.py").write_text("ANSWER = 42\n")
    (src / "conf.py").write_text(CONF)
    toctree = "\n".join(others)
    if others:
        page += f"\n```{{toctree}}\n{toctree}\n```\n"
    (src / "index.md").write_text(page)
    for name, text in others.items():
        (src / f"{name}.md").write_text(text)
    return src


def _build(src: Path, jobs: int = 1) -> subprocess.CompletedProcess:
    out = src.parent / "_build" / "html"
    # As `nox -s docs` does: no claims folder from outside, the kernels' own matplotlib backend.
    env = {k: v for k, v in os.environ.items() if not k.startswith("DLGUIDE_")}
    env.pop("MPLBACKEND", None)
    env["DLGUIDE_JOBS"] = str(jobs)
    env["DLGUIDE_MODEL_CACHE"] = str(src.parent / "models")
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-W", "-n", "--keep-going", src, out],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    result.output = _ANSI.sub("", result.stdout + result.stderr)
    return result


def _claim_cell(at_least: float) -> str:
    return f"""
        import dlguide
        dlguide.start_chapter("demo")
        dlguide.claim("acc", 0.93, fmt=".0%", at_least={at_least})
    """


@pytest.mark.slow
def test_holding_claim_is_glued_into_the_prose(tmp_path):
    src = _project(tmp_path, _page("Demo", [_claim_cell(0.9)], "The accuracy is {glue}`acc`."))
    result = _build(src)
    assert result.returncode == 0, result.output
    html = (tmp_path / "_build" / "html" / "index.html").read_text()
    assert re.search(r"The accuracy is <span[^>]*>93%</span>", html)
    assert "Build fingerprint" not in html  # the added cell is hidden
    # The extension points the claims record into the build folder.
    recorded = json.loads((tmp_path / "_build" / "claims" / "demo.json").read_text())
    assert recorded["acc"]["value"] == 0.93
    assert recorded["acc"]["text"] == "93%"


@pytest.mark.slow
def test_violated_claim_fails_the_build(tmp_path):
    src = _project(tmp_path, _page("Demo", [_claim_cell(0.95)], "The accuracy is {glue}`acc`."))
    result = _build(src)
    assert result.returncode != 0
    assert "ClaimError: claim 'acc' in chapter 'demo' does not hold" in result.output
    assert "value 0.93 is not >= 0.95" in result.output


@pytest.mark.slow
def test_cache_reexecutes_only_when_code_or_fingerprint_changes(tmp_path):
    counter = tmp_path / "executions.txt"
    count = f'with open({str(counter)!r}, "a") as fh:\n    fh.write("run\\n")'
    cells = [
        count + "\nimport fakepkg.helpers\nprint('first cell')",
        count + "\nprint('second cell')",
    ]

    def executions() -> int:
        return len(counter.read_text().splitlines()) if counter.exists() else 0

    src = _project(tmp_path, _page("Cached", cells, "Some prose."))
    page = src / "index.md"
    html = tmp_path / "_build" / "html" / "index.html"

    result = _build(src)
    assert result.returncode == 0, result.output
    assert executions() == 2  # one line per code cell

    # (i) Nothing changed: the page is neither re-read nor re-executed.
    result = _build(src)
    assert result.returncode == 0, result.output
    assert executions() == 2

    # (ii) A prose edit: the page is re-read and rendered, but the cache serves its outputs.
    page.write_text(page.read_text().replace("Some prose.", "Edited prose."))
    result = _build(src)
    assert result.returncode == 0, result.output
    assert "Edited prose." in html.read_text()
    assert "second cell" in html.read_text()  # outputs come from the cache
    assert executions() == 2

    # (iii) A change to a module the page imported, with the page untouched: re-executed.
    before = page.stat().st_mtime_ns
    (src / "fakepkg" / "helpers.py").write_text("ANSWER = 43\n")
    result = _build(src)
    assert result.returncode == 0, result.output
    assert page.stat().st_mtime_ns == before
    assert executions() == 4

    # (iv) A cell that writes to stderr fails the -W build.
    page.write_text(
        page.read_text().replace("print('second cell')", "import sys\nprint('x', file=sys.stderr)")
    )
    result = _build(src)
    assert result.returncode != 0
    assert "stderr was found in the cell outputs" in result.output
    assert executions() == 6


# --- fingerprint, without Sphinx -------------------------------------------------------------


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    folder = tmp_path / "pkg"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.py").write_text("A = 1\n")
    (folder / "sub" / "b.py").write_text("B = 2\n")
    return folder


class TestFingerprint:
    def test_is_a_stable_sha256(self, sources):
        first = fingerprint([sources], packages=False)
        assert re.fullmatch(r"[0-9a-f]{64}", first)
        assert fingerprint([sources], packages=False) == first
        assert fingerprint([str(sources)], packages=False) == first

    def test_changes_when_a_file_changes(self, sources):
        before = fingerprint([sources], packages=False)
        (sources / "sub" / "b.py").write_text("B = 3\n")
        after = fingerprint([sources], packages=False)
        assert after != before
        (sources / "sub" / "b.py").write_text("B = 2\n")
        assert fingerprint([sources], packages=False) == before

    def test_changes_when_a_file_is_added_or_renamed(self, sources):
        before = fingerprint([sources], packages=False)
        (sources / "c.txt").write_text("")
        added = fingerprint([sources], packages=False)
        assert added != before
        (sources / "c.txt").rename(sources / "d.txt")
        assert fingerprint([sources], packages=False) not in (before, added)

    def test_ignores_bytecode(self, sources):
        before = fingerprint([sources], packages=False)
        (sources / "__pycache__").mkdir()
        (sources / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"\x00")
        (sources / "sub" / "b.pyc").write_bytes(b"\x00")
        assert fingerprint([sources], packages=False) == before

    def test_single_files(self, sources):
        files = [sources / "a.py", sources / "sub" / "b.py"]
        assert fingerprint(files, packages=False) == fingerprint([sources], packages=False)
        assert fingerprint(files[:1], packages=False) != fingerprint(files, packages=False)

    def test_packages(self, sources, monkeypatch):
        with_packages = fingerprint([sources])
        without = fingerprint([sources], packages=False)
        assert with_packages != without

        fake = types.SimpleNamespace(metadata={"Name": "Some-Package"}, version="1.0")
        real = list(importlib.metadata.distributions())
        monkeypatch.setattr(importlib.metadata, "distributions", lambda: [*real, fake])
        assert fingerprint([sources]) != with_packages  # a new package changes it
        assert fingerprint([sources], packages=False) == without  # ...unless ignored

    def test_missing_path(self, tmp_path):
        missing = tmp_path / "nowhere"
        with pytest.raises(FileNotFoundError, match=r"names .*nowhere, which does not exist"):
            fingerprint([missing], packages=False)


class TestBuildCells:
    def test_key_cell_first_and_record_cell_last(self):
        text = FRONT_MATTER + "\n# Title\n\nProse.\n"
        out = with_build_cells(text, "part/01-x", "KEY", "ENV", "dlguide")
        assert out.startswith(FRONT_MATTER + "\n```{code-cell} ipython3\n:tags: [remove-cell]")
        assert "# Build fingerprint KEY\n" in out
        assert "\n# Title\n\nProse.\n" in out
        last = out[out.rindex("```{code-cell}") :]
        assert "record_imports('part/01-x', 'KEY', environment='ENV', package='dlguide')" in last
        assert out.endswith("```\n")

    def test_build_cells_are_recognised(self):
        out = with_build_cells(FRONT_MATTER + "# T\n", "d", "K", "E", "dlguide")
        bodies = [b.split("\n\n", 1)[1] for b in out.split("```{code-cell} ipython3\n")[1:]]
        assert len(bodies) == 2
        assert all(is_build_cell(b) for b in bodies)
        assert not is_build_cell("import dlguide\n")

    @pytest.mark.parametrize("text", ["# Plain page\n", "---\ntitle: x\n---\n# Page\n"])
    def test_plain_markdown_is_left_alone(self, text):
        assert with_build_cells(text, "page", "K", "E", "dlguide") == text


# --- per-chapter keys and parallel execution, in real builds ----------------------------------


def _counting_page(title: str, counter: Path, module: str) -> str:
    cell = (
        f'with open({str(counter)!r}, "a") as fh:\n    fh.write({title!r} + "\\n")\n'
        f"import fakepkg.{module} as m\n"
        "print('value', m.VALUE)"
    )
    return _page(title, [cell], f"The page {title}.")


@pytest.mark.slow
def test_an_edit_reexecutes_only_the_chapters_that_imported_it(tmp_path):
    counter = tmp_path / "executions.txt"

    def runs() -> list[str]:
        return sorted(counter.read_text().split()) if counter.exists() else []

    src = _project(
        tmp_path,
        _page("Index", ["print('index')"], "Home."),
        one=_counting_page("one", counter, "one"),
        two=_counting_page("two", counter, "two"),
    )
    (src / "fakepkg" / "one.py").write_text("VALUE = 1\n")
    (src / "fakepkg" / "two.py").write_text("from fakepkg.helpers import ANSWER\nVALUE = 2\n")
    html = tmp_path / "_build" / "html"

    result = _build(src, jobs=2)  # both chapters at once
    assert result.returncode == 0, result.output
    assert runs() == ["one", "two"]
    assert "executing 3 chapter(s), 2 at a time" in result.output
    assert "value 1" in (html / "one.html").read_text()

    # Nothing changed: nothing executes (the records reproduce the keys). The builds
    # below start from the source hashes and versions the first one kept.
    assert (tmp_path / "_build" / ".dlguide-memo.json").is_file()
    result = _build(src, jobs=2)
    assert result.returncode == 0, result.output
    assert runs() == ["one", "two"]

    # A module only "one" imported: "one" alone re-executes, and its output is new.
    (src / "fakepkg" / "one.py").write_text("VALUE = 11\n")
    result = _build(src, jobs=2)
    assert result.returncode == 0, result.output
    assert runs() == ["one", "one", "two"]
    assert "value 11" in (html / "one.html").read_text()
    assert "value 2" in (html / "two.html").read_text()

    # A module that "two" imports indirectly (through fakepkg.two): "two" alone.
    (src / "fakepkg" / "helpers.py").write_text("ANSWER = 43\n")
    result = _build(src, jobs=2)
    assert result.returncode == 0, result.output
    assert runs() == ["one", "one", "two", "two"]

    # Only the docstring and a comment of a module "one" imports: nothing (the code is
    # the same), and the page still shows what the code computes.
    (src / "fakepkg" / "one.py").write_text('"""The first module."""\n\nVALUE = 11  # eleven\n')
    result = _build(src, jobs=2)
    assert result.returncode == 0, result.output
    assert runs() == ["one", "one", "two", "two"]
    assert "value 11" in (html / "one.html").read_text()

    # The package's __init__, which every chapter imports: all of them.
    (src / "fakepkg" / "__init__.py").write_text("EDITED = True\n")
    result = _build(src, jobs=2)
    assert result.returncode == 0, result.output
    assert runs() == ["one", "one", "one", "two", "two", "two"]

    # A module nobody imported: nothing.
    (src / "fakepkg" / "unused.py").write_text("X = 1\n")
    result = _build(src, jobs=2)
    assert result.returncode == 0, result.output
    assert len(runs()) == 6


@pytest.mark.slow
def test_a_failing_chapter_in_a_parallel_run_fails_the_build(tmp_path):
    bad = _page("Bad", ["raise RuntimeError('broken on purpose')"], "Never shown.")
    good = _page("Good", ["print('fine')"], "Shown.")
    src = _project(tmp_path, _page("Index", ["print('i')"], "Home."), bad=bad, good=good)
    result = _build(src, jobs=2)
    assert result.returncode != 0
    assert "RuntimeError: broken on purpose" in result.output
    assert "chapter(s) failed to execute: bad" in result.output
    assert (tmp_path / "_build" / "html" / "reports" / "bad.err.log").is_file()


@pytest.mark.slow
def test_a_module_edited_while_the_chapter_runs_reexecutes_it_next_time(tmp_path):
    counter = tmp_path / "executions.txt"
    module = tmp_path / "src" / "fakepkg" / "one.py"
    cell = (
        f'with open({str(counter)!r}, "a") as fh:\n    fh.write("run\\n")\n'
        "import fakepkg.one\n"
        # A contributor saves an edit while the chapter executes, and then the chapter
        # caches something it computed with the module as it was when imported.
        f"open({str(module)!r}, 'w').write('VALUE = 2\\n')\n"
        "from dlguide.book.modelcache import cached_folder\n"
        "cached_folder('made', {'value': fakepkg.one.VALUE}, lambda f: None, code=['fakepkg.one'])"
    )
    src = _project(tmp_path, _page("Edited", [cell], "Prose."))
    module.write_text("VALUE = 1\n")

    def runs() -> int:
        return len(counter.read_text().splitlines())

    made = lambda: sorted(p.name for p in (tmp_path / "models").glob("made-*"))  # noqa: E731

    first = _build(src)
    assert first.returncode == 0, first.output
    assert runs() == 1
    # What it cached came from VALUE = 1 but was keyed on the file saying 2: deleted.
    assert made() == []
    assert "edited while the chapters ran: one.py" in first.output
    # The chapter ran with VALUE = 1; the file now says 2: its outputs are stale.
    second = _build(src)
    assert second.returncode == 0, second.output
    assert runs() == 2
    # This time the edit wrote what was already there: nothing is stale, the model stays.
    assert "edited while the chapters ran" not in second.output
    assert len(made()) == 1
    assert _build(src).returncode == 0
    assert runs() == 2


def test_module_hashes_are_computed_once_per_content(tmp_path):
    from dlguide.book.deps import source_hash
    from dlguide.book.sphinxext import _hashed_once

    calls = []

    def counting(path):
        calls.append(path)
        return source_hash(path)

    hashed = _hashed_once(counting)
    module = tmp_path / "m.py"
    module.write_text("x = 2\n")
    first = hashed(module)
    assert hashed(module) == first and len(calls) == 1  # the same bytes: not parsed again
    module.write_text("x = 3\n")  # same size, at once: still seen
    assert hashed(module) != first and len(calls) == 2
    assert _hashed_once(hashed) is hashed
    with pytest.raises(ValueError, match="path must be an existing file"):
        hashed(tmp_path / "absent.py")


def test_module_hashes_from_an_earlier_build_are_reused_by_content(tmp_path):
    from dlguide.book.deps import source_hash
    from dlguide.book.sphinxext import _hashed_once

    calls = []

    def counting(path):
        calls.append(path)
        return source_hash(path)

    module = tmp_path / "m.py"
    module.write_text("x = 2\n")
    earlier = _hashed_once(counting)
    first = earlier(module)
    # The next build starts from what the earlier one used: no parsing for the same bytes.
    later = _hashed_once(counting, dict(earlier.used))
    assert later(module) == first and len(calls) == 1
    module.write_text("x = 5\n")  # new bytes: parsed, whatever the memo holds
    assert later(module) == source_hash(module) != first and len(calls) == 2
    assert len(later.used) == 2  # the memo it leaves: the two contents it hashed


def test_setup_gives_the_robustness_page_the_remembering_module_hashes(tmp_path, monkeypatch):
    """However early dlguide.book.robustness was imported, its module hashes are remembered.

    The Robustness page is read again after every chapter or module edit and hashes the
    modules each chapter imported; the plain source_hash parses each module once per chapter.
    """
    from dlguide.book import deps, robustness, sphinxext

    for module, name in [
        (deps, "source_hash"), (deps, "installed_versions"), (robustness, "source_hash"),
        (sphinxext, "source_hash"), (sphinxext, "installed_versions"),
    ]:  # fmt: skip
        monkeypatch.setattr(module, name, getattr(module, name))  # put back afterwards
    assert not getattr(robustness.source_hash, "_dlguide_remembered", False)

    class App:  # what setup uses of Sphinx's application
        outdir = str(tmp_path / "_build" / "html")

        def add_config_value(self, *args, **kwargs):
            pass

        def connect(self, *args, **kwargs):
            pass

    sphinxext.setup(App())
    assert robustness.source_hash is deps.source_hash
    assert getattr(robustness.source_hash, "_dlguide_remembered", False)


def _dist_info(folder: Path, name: str, version: str) -> None:
    info = folder / f"{name}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")


def test_installed_versions_are_asked_again_when_a_distribution_changes(tmp_path, monkeypatch):
    import shutil

    from dlguide.book.deps import installed_versions
    from dlguide.book.sphinxext import _versions_once

    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.setattr(sys, "path", [str(site), *sys.path])
    calls = []

    def counting():
        calls.append(1)
        return installed_versions()

    versions = _versions_once(counting)
    _dist_info(site, "dlguide_fake_dist", "1.0")
    assert "dlguide-fake-dist==1.0" in versions().replace("_", "-")
    assert "dlguide-fake-dist==1.0" in versions().replace("_", "-") and len(calls) == 1
    # An upgrade, as pip does it: the old metadata folder goes, a new one comes.
    shutil.rmtree(site / "dlguide_fake_dist-1.0.dist-info")
    _dist_info(site, "dlguide_fake_dist", "1.1")
    answer = versions().replace("_", "-")
    assert "dlguide-fake-dist==1.1" in answer and "dlguide-fake-dist==1.0" not in answer
    assert len(calls) == 2
    # A later build, same distributions: answered from the memo, not by reading them all.
    later = _versions_once(counting, dict(versions.used))
    assert later() == versions() and len(calls) == 2
    assert _versions_once(later) is later


def test_remembered_functions_keep_their_signature_for_the_api_pages():
    # The API pages are built in the Sphinx process, where these two are wrapped.
    import inspect

    from dlguide.book import deps
    from dlguide.book.sphinxext import _hashed_once, _versions_once

    for wrap, function in (
        (_hashed_once, deps.source_hash),
        (_versions_once, deps.installed_versions),
    ):
        plain = inspect.unwrap(function)  # another test's build may have wrapped it already
        remembered = wrap(plain)
        assert remembered is not plain
        assert inspect.signature(remembered) == inspect.signature(plain)
        assert remembered.__doc__ == plain.__doc__ and remembered.__name__ == plain.__name__
