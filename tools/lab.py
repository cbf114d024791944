"""Open JupyterLab on the book's chapters, as notebooks, in the book's environment (nox -s lab).

Run by ``nox -s lab`` with the Python of ``.nox/book``; any arguments go to ``jupyter lab``
(for example ``--no-browser --port 8890``). The kernels get the environment the build gives
its own (``dlguide.book.sphinxext``): Keras on PyTorch, Hugging Face offline, caches inside
``docs/_build``, and the trained models of the build's model cache (``~/.cache/dlguide/models``),
so a chapter runs as it did in the build. What a reader's run records stays apart from the
build's records: claims go to ``docs/_build/lab/claims`` (``$DLGUIDE_LAB_DIR/claims``).

jupytext (in the book's environment) reads each chapter's MyST Markdown file as a notebook;
the settings written here make a double click open a chapter as a notebook (right click,
"Open With", still offers the text editor). Saving writes the Markdown file back, without
outputs.
"""

from __future__ import annotations

import json
import os
import sys
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "docs" / "_build"
LAB = Path(os.environ.get("DLGUIDE_LAB_DIR", BUILD / "lab"))  # the tests use a folder of their own
# JupyterLab settings, by plugin: a double click opens a chapter (Markdown) as a notebook;
# no prompt to fetch news from the network (the book runs offline).
SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin": {
        "defaultViewers": {"markdown": "Jupytext Notebook", "myst": "Jupytext Notebook"}
    },
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
}


def lab_environment() -> dict[str, str]:
    """Set the kernels' environment (as the build's) in ``os.environ``; return what changed."""
    from dlguide.book.sphinxext import _kernel_environment

    before = dict(os.environ)
    _kernel_environment(types.SimpleNamespace(outdir=str(LAB / "html")), None)
    settings = LAB / "user-settings"
    for plugin, values in SETTINGS.items():
        path = settings / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values, indent=2))
    os.environ["JUPYTERLAB_SETTINGS_DIR"] = str(settings)
    os.environ["JUPYTERLAB_WORKSPACES_DIR"] = str(LAB / "workspaces")
    os.environ["JUPYTER_RUNTIME_DIR"] = str(LAB / "runtime")
    return {k: v for k, v in os.environ.items() if before.get(k) != v}


def lab_command(argv: list[str]) -> list[str]:
    """The ``jupyter lab`` command line: on ``docs/``, offline, and ``argv`` last (it wins)."""
    command = [
        sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={ROOT / 'docs'}",
        # nothing from the network: no extension index, no update or news checks
        "--LabApp.extension_manager=readonly",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.news_url=None",
    ]  # fmt: skip
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # CI and containers run as root; jupyter refuses it
    return command + argv


def main(argv: list[str]) -> None:
    lab_environment()
    command = lab_command(argv)
    os.execv(command[0], command)


if __name__ == "__main__":
    main(sys.argv[1:])
