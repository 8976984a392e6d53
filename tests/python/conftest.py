"""Session fixtures shared by several test files: work done once per `pytest` run and reused.

- ``notebook_runs``: every notebook of docs/notebooks executed at most once (nbclient, kernel ``socval``, with the
  site build's kernel arguments); tests/python/test_notebooks.py checks each run, and tests/python/test_docs_site.py
  builds the site from the executed copies (nbsphinx without executing them again).
- ``woe_scenarios``: the five West of England scenarios, loaded once (``socval.Scenario`` objects are immutable:
  every edit returns a new scenario).
"""
from __future__ import annotations

import ast
import asyncio
import os
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Optional

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK_DIR = ROOT / "docs" / "notebooks"
KERNEL = "socval"
CELL_TIMEOUT = 300  # seconds per cell
WOE = ROOT / "scenarios" / "west-of-england"
WOE_STEMS = ("baseline", "procurement-first", "green-first", "skills-first", "balanced")


def _conf_value(name: str):
    """A literal assigned at the top level of docs/conf.py (read, not executed)."""
    tree = ast.parse((ROOT / "docs" / "conf.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise KeyError(f"docs/conf.py does not set {name}")


def _jupyter_path() -> str:
    """JUPYTER_PATH with the venv's share/jupyter first: `ipykernel install --sys-prefix` puts the kernel there,
    and jupyter_client only looks in sys.prefix when the interpreter running the tests is the venv's own."""
    dirs = [str(Path(sys.prefix) / "share" / "jupyter"), str(ROOT / ".venv" / "share" / "jupyter")]
    old = os.environ.get("JUPYTER_PATH")
    return os.pathsep.join(dirs + ([old] if old else []))


@dataclass
class NotebookRun:
    """One execution of a notebook: the executed copy (None if it failed) and, if it failed, why."""
    name: str
    executed: Optional[Path]
    problem: str
    seconds: float


def _failure(name: str, nb) -> str:
    """The first cell with an error output: its number, source and error, for the test's message."""
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                tb = "\n".join(out.get("traceback", []))
                tb = re.sub(r"\x1b\[[0-9;]*m", "", tb)  # drop the ANSI colours of IPython tracebacks
                return (f"{name}: cell {i} failed\n--- cell source ---\n{cell.source}\n--- error ---\n"
                        f"{out.get('ename')}: {out.get('evalue')}\n{tb}")
    return ""


class NotebookRuns:
    """Executes each notebook once, on first request, into ``folder``; later requests get the same run."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._runs: Dict[str, NotebookRun] = {}
        self._kernel_checked = False

    def _check_kernel(self) -> None:
        from jupyter_client.kernelspec import KernelSpecManager

        specs = KernelSpecManager().find_kernel_specs()
        if KERNEL not in specs:
            pytest.fail(f"the Jupyter kernel {KERNEL!r} is not installed (found: {sorted(specs) or 'none'}); "
                        f"run `make install`, which installs it into the venv", pytrace=False)
        self._kernel_checked = True

    def run(self, name: str) -> NotebookRun:
        if name in self._runs:
            return self._runs[name]
        import nbclient
        import nbformat

        if not self._kernel_checked:
            self._check_kernel()
        nb = nbformat.read(str(NOTEBOOK_DIR / name), as_version=4)
        # As nbsphinx would run it: from the notebook's folder, with the site's kernel arguments (PNG figures).
        client = nbclient.NotebookClient(nb, kernel_name=KERNEL, timeout=CELL_TIMEOUT,
                                         extra_arguments=list(_conf_value("nbsphinx_execute_arguments")),
                                         resources={"metadata": {"path": str(NOTEBOOK_DIR)}})
        start = time.monotonic()
        problem = ""
        try:
            # asyncio.run: an event loop of this run's own, closed at its end (client.execute() would run it on
            # nbclient's per-thread loop, which nbclient never closes: "ResourceWarning: unclosed event loop").
            asyncio.run(client.async_execute())
        except nbclient.exceptions.CellExecutionError as err:
            problem = _failure(name, nb) or f"{name}: {err}"
        except nbclient.exceptions.CellTimeoutError as err:
            problem = f"{name}: a cell ran longer than {CELL_TIMEOUT} s: {err}"
        executed = None
        if not problem:
            executed = self.folder / name
            nbformat.write(nb, str(executed))
        run = NotebookRun(name, executed, problem, time.monotonic() - start)
        self._runs[name] = run
        return run


@pytest.fixture(scope="session")
def notebook_runs(tmp_path_factory):
    """Every notebook executed at most once per session (see NotebookRuns), with the `socval` kernel findable."""
    saved = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = _jupyter_path()
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # quiet ipykernel's debugger warning
    try:
        yield NotebookRuns(tmp_path_factory.mktemp("executed-notebooks"))
    finally:
        if saved is None:
            os.environ.pop("JUPYTER_PATH", None)
        else:
            os.environ["JUPYTER_PATH"] = saved


@pytest.fixture(scope="session")
def woe_scenarios():
    """The five West of England scenarios as socval.Scenario objects, by file stem."""
    import socval

    return {stem: socval.load_scenario(WOE / f"{stem}.yaml") for stem in WOE_STEMS}
