"""Docs that run: every example of docs/guide/*.md, the landing page, README.md and docs/west-of-england.md
executes, in page order.

Per page, in a fresh temporary folder holding a copy of ``scenarios/`` (the guide's paths are relative to the
repository's folder, where users run them):

- a ```{code-block} yaml`` block with ``:caption: NAME.yaml`` is written to NAME.yaml ("save it as ...");
- every ```python block runs in one namespace shared by the page's blocks;
- every line of a ```sh block that starts with ``socval `` runs as ``python -m socval ...`` and must exit 0.
"""
from __future__ import annotations

import glob
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "guide"
#: Every page whose examples run: the guide, the landing page, the README and the West of England page.
PAGES = (sorted(p.relative_to(ROOT).as_posix() for p in GUIDE.glob("*.md"))
         + ["docs/index.md", "docs/west-of-england.md", "README.md"])

# A fenced block: ```python, ```sh, or ```{code-block} yaml with its options; the body up to the closing fence.
BLOCK = re.compile(r"^```(?P<info>[^\n]*)\n(?P<body>.*?)^```[ \t]*$", re.S | re.M)


def page_steps(text: str):
    """The runnable steps of a page, in order: ("file", name, text), ("python", code), ("socval", argv)."""
    steps = []
    for m in BLOCK.finditer(text):
        info, body = m["info"].strip(), m["body"]
        if info == "python":
            steps.append(("python", body))
        elif info in ("sh", "bash", "console"):
            for line in body.splitlines():
                if line.startswith("socval "):
                    steps.append(("socval", shlex.split(line.split("#", 1)[0])[1:]))
        elif info.startswith("{code-block}") and "yaml" in info:
            options = re.match(r"((?::[\w-]+:[^\n]*\n)*)\n?(.*)", body, re.S)
            caption = re.search(r"^:caption:\s*(\S+)\s*$", options[1], re.M)
            if caption:
                steps.append(("file", caption[1], options[2]))
    return steps


def run_page(page: str, workdir: Path) -> None:
    shutil.copytree(ROOT / "scenarios", workdir / "scenarios")
    namespace: dict = {"__name__": "__guide__"}
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "python"), os.environ.get("PYTHONPATH", "")]))
    python_blocks = 0
    for step in page_steps((ROOT / page).read_text()):
        if step[0] == "file":
            (workdir / step[1]).write_text(step[2])
        elif step[0] == "python":
            python_blocks += 1
            exec(compile(step[1], f"{page} (python block {python_blocks})", "exec"), namespace)
        else:
            proc = subprocess.run([sys.executable, "-m", "socval", *step[1]], cwd=workdir, env=env,
                                  capture_output=True, text=True, timeout=300)
            assert proc.returncode == 0, (f"{page}: `socval {' '.join(step[1])}` exited {proc.returncode}:\n"
                                          f"{proc.stderr[-2000:]}")


@pytest.mark.parametrize("page", PAGES)
def test_guide_page_runs(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run_page(page, tmp_path)
    import matplotlib.pyplot as plt

    plt.close("all")


def test_my_guide_pages_have_examples():
    """The task pages of the guide each carry python examples (so the test above checks something)."""
    for name in ("installation", "scenarios", "simulation", "comparison", "portfolio", "sensitivity"):
        steps = page_steps((GUIDE / f"{name}.md").read_text())
        assert any(s[0] == "python" for s in steps), f"docs/guide/{name}.md has no python block"


def test_page_steps_reads_the_three_kinds_of_block():
    text = ("```{code-block} yaml\n:caption: a.yaml\n\nx: 1\n```\n\n"
            "```python\nprint(1)\n```\n\n"
            "```sh\nmake demo\nsocval validate a.yaml   # comment\n```\n")
    assert page_steps(text) == [("file", "a.yaml", "x: 1\n"), ("python", "print(1)\n"),
                                ("socval", ["validate", "a.yaml"])]


def test_cli_page_covers_every_subcommand():
    """docs/guide/cli.md has a section with the generated help of every `socval` subcommand (a new one needs one)."""
    from socval.cli import build_parser

    parser = build_parser()
    commands = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction").choices
    text = (GUIDE / "cli.md").read_text()
    from socval.cli.helpdoc import MARKER, rewrite

    documented = {m["command"] for m in MARKER.finditer(text)} - {"socval"}
    assert "{socval-help}" not in text  # the page reads well without a docs build
    assert rewrite(text) == text, "docs/guide/cli.md: run `python -m socval.cli.helpdoc docs/guide/cli.md`"
    assert set(commands) == documented, (f"socval subcommands without a section in docs/guide/cli.md: "
                                         f"{sorted(set(commands) - documented)}; sections for no subcommand: "
                                         f"{sorted(documented - set(commands))}")
