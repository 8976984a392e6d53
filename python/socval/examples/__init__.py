"""The example scenarios, the value library and the starter template, wherever socval is installed.

``socval.examples.path("west-of-england/baseline.yaml")`` is the full path of a shipped example scenario (the
repository's ``scenarios/`` folder, or its copy inside an installed package); :func:`names` lists them;
:func:`copy` copies one folder of them where you can edit it; :func:`write_template` writes the commented starter
template (``socval init DIR``).
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import List, Union

__all__ = ["path", "names", "copy", "write_template", "scenarios_dir", "data_dir", "TEMPLATE_FILES"]

_HERE = Path(__file__).resolve().parent
#: Inside an installed package: ``socval/examples/scenarios`` and ``socval/examples/data`` (copied at build time
#: by setup.py); in the repository: ``scenarios/`` and ``data/`` at its root.
_REPO = _HERE.parents[2]

#: The files of the starter template, in the order ``socval init`` writes them.
TEMPLATE_FILES = ("framework.yaml", "outcomes.yaml", "options.yaml", "scenario-a.yaml", "scenario-b.yaml")


def _first(*candidates: Path) -> Path:
    for c in candidates:
        if c.is_dir():
            return c
    return candidates[-1]


def scenarios_dir() -> Path:
    """The folder of the shipped example scenarios."""
    return _first(_HERE / "scenarios", _REPO / "scenarios")


def data_dir() -> Path:
    """The folder of the shipped value library (``library.yaml`` and its tables)."""
    return _first(_HERE / "data", _REPO / "data")


def names() -> List[str]:
    """The example scenario files, relative to :func:`scenarios_dir` ('west-of-england/baseline.yaml', ...)."""
    root = scenarios_dir()
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.yaml"))


def path(name: str) -> str:
    """The full path of an example scenario file or folder, e.g. ``path("west-of-england/baseline.yaml")``.

    Raises FileNotFoundError naming the examples there are."""
    p = scenarios_dir() / name
    if not p.exists():
        raise FileNotFoundError(f"socval.examples.path: no example {name!r}; the examples are {names()}")
    return str(p)


def copy(name: str, destination: Union[str, os.PathLike]) -> Path:
    """Copy an example folder (e.g. ``"west-of-england"``) to ``destination`` (which must not exist)."""
    source = Path(path(name))
    destination = Path(destination)
    if destination.exists():
        raise FileExistsError(f"socval.examples.copy: {destination} exists; choose a new folder")
    shutil.copytree(source, destination)
    return destination


def write_template(directory: Union[str, os.PathLike], force: bool = False) -> List[Path]:
    """Write the commented starter template (framework, outcomes, options and two scenarios) into ``directory``
    (created if needed). Existing files are never overwritten unless ``force``; nothing is written then."""
    directory = Path(directory)
    targets = [directory / f for f in TEMPLATE_FILES]
    existing = [str(t) for t in targets if t.exists()]
    if existing and not force:
        raise FileExistsError(f"socval init: {', '.join(existing)} exist(s); nothing was written "
                              f"(choose an empty folder, or --force to overwrite)")
    directory.mkdir(parents=True, exist_ok=True)
    for f, t in zip(TEMPLATE_FILES, targets):
        t.write_text((_HERE / "template" / f).read_text(encoding="utf-8"), encoding="utf-8")
    return targets
