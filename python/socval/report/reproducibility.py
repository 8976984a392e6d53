"""The reproducibility block: versions, draws, seed and sampler, each scenario's file and hash, and the commands
that reproduce the results and the report."""
from __future__ import annotations

import hashlib
import os
import shlex
from pathlib import Path
from typing import Any, Dict, Optional

from .content import _Content
from .tables import _Table
from .text import _display_path, _list, _sampler
from .._core import __version__
from ..io.results_file import git_revision


def reproducibility(content: _Content, path: Optional[Path], fmt: str, pdf: bool) -> Dict[str, Any]:
    def versions(key: str, default: str) -> str:
        return _list(sorted({str(r.attrs.get(key) or default) for r in content.results.values()}))

    a = content.first.attrs
    facts = [("socval version", versions("socval_version", __version__) + f" (report by {__version__})"),
             ("git revision", versions("git_revision", git_revision())),
             ("value library version", versions("value_library_version", "?")),
             ("draws, seed, sampler", f"{int(a['draws']):,}, {a['seed']}, {_sampler(a)}"),
             ("report created", content.created)]
    rows = []
    for n, r in content.results.items():
        text = str(r.attrs.get("scenario_text", ""))
        h = r.attrs.get("scenario_hash") or hashlib.sha256(text.encode("utf-8")).hexdigest()
        rows.append([content.short[n], _display_path(r.attrs.get("scenario_file")) or "(built in Python)", str(h),
                     str(r.attrs.get("created") or "not saved (in memory)")])
    table = _Table(["scenario", "scenario file", "scenario hash (SHA-256 of the scenario text)", "results created"],
                   rows, css="wide long")
    files = [_display_path(r.attrs.get("scenario_file")) for r in content.results.values()]
    missing = not all(files)
    files = [f or "SCENARIO.yaml" for f in files]
    flags = f"--draws {int(a['draws'])} --seed {a['seed']} --sampler {_sampler(a)}"
    out = shlex.quote(_display_path(path) or f"report.{fmt}") if path is not None else f"report.{fmt}"
    commands = []
    if any(f and not os.path.isabs(f) for f in files + [out]):  # relative paths: say where they are relative to
        commands.append(("From the folder the paths below are relative to:", f"cd {shlex.quote(os.getcwd())}"))
    if content.command:
        commands.append(("The command that produced this report:", content.command))
    if content.is_comparison:
        commands.append(("The comparison (paired differences and P(best)):",
                         f"socval compare {' '.join(shlex.quote(f) for f in files)} {flags}"))
    else:
        commands.append(("The simulation (a results file):",
                         f"socval run {shlex.quote(files[0])} {flags} --out results.h5"))
    if not content.command:
        commands.append(("This report:", f"socval report {' '.join(shlex.quote(f) for f in files)} {flags} "
                                         f"--out {out}" + (" --pdf" if pdf else "")
                                         + (" --format md" if fmt == "md" else "")))
    intro = ("The same scenario text, value library, seed, number of draws and sampler give identical results on "
             "any machine and with any number of threads; the scenario hash identifies the exact scenario text "
             "simulated (it is stored in each results file).")
    if missing:
        intro += (" A scenario built in Python has no file: write it with Scenario.to_yaml('SCENARIO.yaml') to "
                  "run these commands.")
    return {"intro": intro, "facts": facts, "table": table, "commands": commands}
