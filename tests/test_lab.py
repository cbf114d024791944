"""``nox -s lab`` (tools/lab.py): JupyterLab serves the chapters as notebooks, in the book's setup.

The server is started as ``nox -s lab`` starts it, on a free local port with a token and no
browser, and asked through its REST API (what the JupyterLab page itself asks) for a
chapter as a notebook and for the setting that makes a double click open it as one.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = "foundations/01-what-is-deep-learning.md"
TOKEN = "dlguide-test"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> dict:
    request = urllib.request.Request(url, headers={"Authorization": f"token {TOKEN}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    port = _free_port()
    folder = tmp_path_factory.mktemp("lab")
    env = {**os.environ, "DLGUIDE_LAB_DIR": str(folder)}
    env.pop("MPLBACKEND", None)
    log = open(folder / "server.log", "w")  # noqa: SIM115 (closed in finally)
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "tools" / "lab.py"), "--no-browser", f"--port={port}",
         "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={TOKEN}"],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                _get(f"{base}/api/status")
                break
            except (urllib.error.URLError, ConnectionError):
                if server.poll() is not None or time.monotonic() > deadline:
                    server.kill()
                    pytest.fail(f"JupyterLab did not start: {(folder / 'server.log').read_text()}")
                time.sleep(1)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def test_a_chapter_opens_as_a_notebook(lab):
    model = _get(f"{lab}/api/contents/{CHAPTER}?type=notebook&content=1")
    assert model["type"] == "notebook"
    cells = model["content"]["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    assert code and "dlguide.start_chapter" in "".join(c["source"] for c in code)
    assert model["content"]["metadata"]["kernelspec"]["name"] == "python3"


def test_a_double_click_opens_a_chapter_as_a_notebook(lab):
    setting = _get(f"{lab}/lab/api/settings/@jupyterlab/docmanager-extension:plugin")
    viewers = setting["settings"]["defaultViewers"]
    assert viewers["markdown"] == "Jupytext Notebook"
    # the viewer exists: jupytext's JupyterLab extension is installed beside JupyterLab
    extensions = {e["name"] for e in _get(f"{lab}/lab/api/extensions")}
    assert "jupyterlab-jupytext" in extensions
