"""Issue 18, item 8: the notebook server `make notebook` starts (Debian's jupyter-notebook, installed by
`make demo`) lists the socval kernel and opens the notebooks. Skipped, with the reason, where the server is not
installed (`make test` does not install it)."""
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_notebook_server_lists_the_socval_kernel(tmp_path):
    pytest.importorskip("notebook", reason="Jupyter Notebook not installed (make demo installs it)")
    port = _free_port()
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path), JUPYTER_CONFIG_DIR=str(tmp_path / "config"))
    server = subprocess.Popen([sys.executable, "-m", "notebook", "--no-browser", f"--port={port}",
                               "--ip=127.0.0.1", "--NotebookApp.token=", "--allow-root",
                               f"--notebook-dir={ROOT / 'docs' / 'notebooks'}"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        specs = None
        for _ in range(60):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/kernelspecs", timeout=2) as r:
                    specs = json.load(r)
                break
            except OSError:
                time.sleep(0.5)
        assert specs is not None, "the notebook server did not answer within 30 s"
        kernels = specs["kernelspecs"]
        if "socval" not in kernels:
            pytest.skip(f"the socval kernel is registered by make install in the venv; this interpreter "
                        f"({sys.executable}) has {sorted(kernels)}")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/contents", timeout=5) as r:
            names = {item["name"] for item in json.load(r)["content"]}
        assert "01-quick-start.ipynb" in names
    finally:
        server.terminate()
        server.wait(timeout=20)
