"""The teaching notebooks in docs/notebooks run from top to bottom, and are committed clean.

Each notebook is executed once per session (the ``notebook_runs`` fixture of conftest.py) with nbclient on the
``socval`` kernel (the venv's Python, installed by ``make install``), from the notebook's own folder, as a reader
(or nbsphinx) would run it; tests/python/test_docs_site.py builds the site from the same executed copies. A failing
cell fails that notebook's test with the cell's number, its source and the error. The notebooks are committed without outputs or execution
counts, so that their diffs show only what a person changed, and each has one level-1 heading (its page title on
the documentation site).
"""
from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK_DIR = ROOT / "docs" / "notebooks"
NOTEBOOKS = sorted(p.name for p in NOTEBOOK_DIR.glob("*.ipynb"))
KERNEL = "socval"


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 5, f"expected the five teaching notebooks in {NOTEBOOK_DIR}, found {NOTEBOOKS}"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs(name, notebook_runs):
    # Executed once per session (conftest.py); the documentation site test builds its pages from the same run.
    run = notebook_runs.run(name)
    if run.problem:
        pytest.fail(run.problem, pytrace=False)
    print(f"{name}: executed in {run.seconds:.1f} s")


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
