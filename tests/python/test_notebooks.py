"""The teaching notebooks in docs/notebooks run from top to bottom, and are committed clean.

Each notebook is executed with nbclient on the ``socval`` kernel (the venv's Python, installed by ``make install``),
from the notebook's own folder, as a reader (or nbsphinx) would run it. A failing cell fails that notebook's test
with the cell's number, its source and the error. The notebooks are committed without outputs or execution
counts, so that their diffs show only what a person changed, and each has one level-1 heading (its page title on
the documentation site).
"""
from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK_DIR = ROOT / "docs" / "notebooks"
NOTEBOOKS = sorted(p.name for p in NOTEBOOK_DIR.glob("*.ipynb"))
KERNEL = "socval"
CELL_TIMEOUT = 300  # seconds per cell


def _jupyter_path() -> str:
    """JUPYTER_PATH with the venv's share/jupyter first: `ipykernel install --sys-prefix` puts the kernel there,
    and jupyter_client only looks in sys.prefix when the interpreter running the tests is the venv's own."""
    dirs = [str(Path(sys.prefix) / "share" / "jupyter"), str(ROOT / ".venv" / "share" / "jupyter")]
    old = os.environ.get("JUPYTER_PATH")
    return os.pathsep.join(dirs + ([old] if old else []))


@pytest.fixture(scope="module")
def kernel_env():
    """The environment in which the `socval` kernel is found; fails (does not skip) when it is not installed."""
    from jupyter_client.kernelspec import KernelSpecManager

    saved = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = _jupyter_path()
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # quiet ipykernel's debugger warning
    try:
        specs = KernelSpecManager().find_kernel_specs()
        if KERNEL not in specs:
            pytest.fail(f"the Jupyter kernel {KERNEL!r} is not installed (found: {sorted(specs) or 'none'}); "
                        f"run `make install`, which installs it into the venv", pytrace=False)
        yield specs[KERNEL]
    finally:
        if saved is None:
            os.environ.pop("JUPYTER_PATH", None)
        else:
            os.environ["JUPYTER_PATH"] = saved


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


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 5, f"expected the five teaching notebooks in {NOTEBOOK_DIR}, found {NOTEBOOKS}"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs(name, kernel_env):
    nb = nbformat.read(str(NOTEBOOK_DIR / name), as_version=4)
    client = nbclient.NotebookClient(nb, kernel_name=KERNEL, timeout=CELL_TIMEOUT,
                                     resources={"metadata": {"path": str(NOTEBOOK_DIR)}})
    start = time.monotonic()
    problem = ""
    try:
        client.execute()
    except nbclient.exceptions.CellExecutionError as err:
        problem = _failure(name, nb) or f"{name}: {err}"
    except nbclient.exceptions.CellTimeoutError as err:
        problem = f"{name}: a cell ran longer than {CELL_TIMEOUT} s: {err}"
    if problem:
        pytest.fail(problem, pytrace=False)
    print(f"{name}: executed in {time.monotonic() - start:.1f} s")


def _strip_fences(markdown: str) -> str:
    return re.sub(r"^```.*?^```", "", markdown, flags=re.S | re.M)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_committed_clean(name):
    nb = nbformat.read(str(NOTEBOOK_DIR / name), as_version=4)
    nbformat.validate(nb)
    assert nb.nbformat == 4
    assert nb.metadata.get("kernelspec", {}).get("name") == KERNEL, \
        f"{name}: expected kernelspec {KERNEL!r}, found {nb.metadata.get('kernelspec')}"
    dirty = [i for i, c in enumerate(nb.cells)
             if c.cell_type == "code" and (c.get("outputs") or c.get("execution_count") is not None)]
    assert not dirty, (f"{name}: cells {dirty} have outputs or execution counts; clear them before committing "
                       f"(e.g. `jupyter nbconvert --clear-output --inplace {name}`)")


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_has_one_title(name):
    """One level-1 heading, in the first cell: nbsphinx makes it the page title."""
    nb = nbformat.read(str(NOTEBOOK_DIR / name), as_version=4)
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# "), \
        f"{name}: the first cell must be Markdown starting with the title ('# ...')"
    titles = [(i, line) for i, c in enumerate(nb.cells) if c.cell_type == "markdown"
              for line in _strip_fences(c.source).splitlines() if re.match(r"#\s", line)]
    assert len(titles) == 1, f"{name}: expected one level-1 heading, found {titles}"


def test_readme_lists_every_notebook():
    readme = (NOTEBOOK_DIR / "README.md").read_text(encoding="utf-8")
    missing = [n for n in NOTEBOOKS if n not in readme]
    assert not missing, f"docs/notebooks/README.md does not mention {missing}"
