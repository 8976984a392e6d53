"""Issue 18, item 4: example scenarios and a starter template ship with the package; the README quick start runs
from any folder."""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import socval as sv
from socval import examples
from socval.cli.app import main

ROOT = Path(__file__).resolve().parents[2]


def test_examples_path_and_names():
    p = sv.examples.path("west-of-england/baseline.yaml")
    assert os.path.isabs(p) and Path(p).is_file()
    assert "west-of-england/skills-first.yaml" in sv.examples.names()
    with pytest.raises(FileNotFoundError, match="the examples are"):
        sv.examples.path("nowhere/none.yaml")


def test_installed_layout_is_found_first(tmp_path, monkeypatch):
    # an installed package holds socval/examples/scenarios and socval/examples/data (setup.py's build_py)
    pkg = tmp_path / "socval" / "examples"
    shutil.copytree(ROOT / "scenarios", pkg / "scenarios")
    shutil.copytree(ROOT / "data", pkg / "data")
    monkeypatch.setattr(examples, "_HERE", pkg)
    assert examples.path("west-of-england/baseline.yaml") == str(pkg / "scenarios" / "west-of-england" /
                                                                  "baseline.yaml")
    assert examples.data_dir() == pkg / "data"
    lib = sv.values.load_library(examples.data_dir())
    assert lib is not None


def test_init_template_validates_and_compares(tmp_path, capsys):
    assert main(["init", str(tmp_path / "mine")]) == 0
    files = sorted(p.name for p in (tmp_path / "mine").iterdir())
    assert files == sorted(examples.TEMPLATE_FILES)
    for name in examples.TEMPLATE_FILES:  # commented
        assert (tmp_path / "mine" / name).read_text().startswith("#")
    a, b = (str(tmp_path / "mine" / n) for n in ("scenario-a.yaml", "scenario-b.yaml"))
    assert main(["validate", a, b]) == 0
    capsys.readouterr()
    assert main(["compare", a, b, "--draws", "200", "--no-progress"]) == 0
    assert main(["init", str(tmp_path / "mine")]) == 2  # never overwrites
    assert "nothing was written" in capsys.readouterr().err
    assert main(["init", str(tmp_path / "mine"), "--force"]) == 0


def test_init_example_copy(tmp_path):
    assert main(["init", str(tmp_path / "woe"), "--example", "west-of-england"]) == 0
    assert main(["validate", str(tmp_path / "woe" / "baseline.yaml")]) == 0


def test_readme_quick_start_runs_from_an_empty_folder(tmp_path):
    text = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    block = next(b for b in blocks if "sv.examples.path" in b)  # the quick start
    env = dict(os.environ, PYTHONPATH=str(ROOT / "python") + os.pathsep + os.environ.get("PYTHONPATH", ""),
               MPLBACKEND="Agg")
    p = subprocess.run([sys.executable, "-c", block], cwd=tmp_path, env=env, capture_output=True, text=True,
                       timeout=600)
    assert p.returncode == 0, p.stderr
    assert "P(>1)" in p.stdout
    assert (tmp_path / "out" / "quick-start-report.html").is_file()
