"""``socval report FILE... --out report.html [--pdf] [--format html|md] [--csv] [--title T] [--sensitivity ...]``:
the decision-paper annex (:mod:`socval.report`) of results files (.h5) or scenario files (.yaml, simulated first on
common random numbers with ``--draws``, ``--seed`` and ``--sampler``).

``register(subparsers)`` adds the subcommand; errors and exit codes are socval.cli.app's (a socval error or a missing
file: its message, exit 2).
"""
from __future__ import annotations

import argparse
import shlex
from pathlib import Path
from typing import Any, List

from .. import _core
from ..report import check_common_random_numbers, comparison_from_results
from ..engine.results import load_results
from ..engine.simulation import simulate
from ..engine.comparison import compare
from ..discovery import discover
from ..sensitivity.scenario import scenario_sensitivity as sensitivity
from ..report import companion_paths, report

__all__ = ["register", "cmd_report", "load_inputs", "sensitivity_of"]

#: File name endings read as scenario files; anything else is read as a results file.
SCENARIO_SUFFIXES = (".yaml", ".yml")
_DEFAULTS = {"draws": 10_000, "seed": 0, "sampler": "lhs"}


def _is_scenario(path: str) -> bool:
    return Path(path).suffix.lower() in SCENARIO_SUFFIXES


def _settings(args: argparse.Namespace, results: List[Any], files: List[str]) -> dict:
    """Draws, seed and sampler for the scenario files: those of the results files when there are any (the options,
    if given, must agree with them), else the options or their defaults."""
    given = {k: getattr(args, k) for k in _DEFAULTS if getattr(args, k) is not None}
    if not results:
        return {**_DEFAULTS, **given}
    a = results[0].attrs
    found = {"draws": int(a["draws"]), "seed": int(a["seed"]), "sampler": results[0].sampler}
    clash = [f"--{k} {given[k]} (the results have {found[k]})" for k in given if given[k] != found[k]]
    if clash:
        raise _core.DecisionError(
            f"{', '.join(clash)}: the results file{'s' if len(files) > 1 else ''} {', '.join(files)} "
            f"{'were' if len(files) > 1 else 'was'} run with --draws "
            f"{found['draws']} --seed {found['seed']} --sampler {found['sampler']}; scenario files are simulated "
            f"with the same settings so that every scenario shares its common random numbers. Leave these options "
            f"out, or re-run the results files with the settings you want")
    return found


def load_inputs(files: List[str], args: argparse.Namespace):
    """A socval.Results (one file) or a socval.Comparison (several) from results and scenario files, on common
    random numbers: results files must share seed, draws and sampler; scenario files are simulated with them.

    Raises
    ------
    FileNotFoundError
        A file that does not exist.
    socval.ResultsFileError
        A file that is not a socval results file.
    socval.ScenarioError
        A scenario file that does not validate.
    socval.DecisionError
        Results not run on common random numbers, or options that contradict them.
    """
    for f in files:
        if not Path(f).is_file():
            raise FileNotFoundError(f"{f}: no such file (expected a results file written by "
                                    f"`socval run` or a scenario file .yaml)")
    results_files = [f for f in files if not _is_scenario(f)]
    loaded = {f: load_results(f) for f in results_files}
    if len(loaded) > 1:
        check_common_random_numbers(list(loaded.values()), results_files)
    s = _settings(args, list(loaded.values()), results_files)
    scenario_files = [f for f in files if _is_scenario(f)]
    if scenario_files and not loaded and len(scenario_files) > 1:

        return compare(scenario_files, draws=s["draws"], seed=s["seed"], sampler=s["sampler"], threads=args.threads,
                       progress=args.progress)
    runs = dict(loaded)
    for f in scenario_files:
        runs[f] = simulate(f, draws=s["draws"], seed=s["seed"], sampler=s["sampler"], threads=args.threads,
                           progress=args.progress)
    ordered = [runs[f] for f in files]
    return ordered[0] if len(ordered) == 1 else comparison_from_results(ordered, files=files)


def sensitivity_of(obj: Any, methods: List[str], threads: Any = None) -> dict:
    """{label: analysis} of NPSV for the report: each method ("tornado"; "sobol", grouped by kind of parameter) on
    the scenario with the highest mean NPSV (the one result, or the best of a comparison), rebuilt from the scenario
    text its results file keeps."""
    if hasattr(obj, "results"):
        name = max(obj.names, key=lambda n: obj.results[n].draws("npsv").mean())
        res = obj.results[name]
    else:
        res = obj
        name = str(res.attrs.get("scenario_name") or "scenario")
    scenario = res.scenario()
    options = {"tornado": {}, "sobol": {"groups": "kind"}}
    return {f"{m} of NPSV, {name}": sensitivity(scenario, method=m, output="npsv", threads=threads, **options[m])
            for m in methods}


def _command(args: argparse.Namespace, used: dict) -> str:
    """The command line that produced the report (for its reproducibility block), with the draws, seed and sampler
    the scenario files were simulated with added when they were defaults, so that it reproduces the same draws."""
    parts = ["socval", "report"] + [shlex.quote(f) for f in args.files] + ["--out", shlex.quote(args.out)]
    if args.format:
        parts += ["--format", args.format]
    for flag in ("pdf", "csv", "trust"):
        if getattr(args, flag, False):
            parts.append(f"--{flag}")
    if args.title:
        parts += ["--title", shlex.quote(args.title)]
    if args.sensitivity:
        parts += ["--sensitivity", *args.sensitivity]
    for c in args.discover:
        parts += ["--discover", shlex.quote(c)]
    for k in _DEFAULTS:
        if getattr(args, k) is not None:
            parts += [f"--{k}", str(getattr(args, k))]
    if any(_is_scenario(f) for f in args.files):
        parts += [x for k in _DEFAULTS if getattr(args, k) is None for x in (f"--{k}", str(used[k]))]
    return " ".join(parts)


def cmd_report(args: argparse.Namespace) -> int:
    """socval report FILE... --out OUT [--pdf] [--format html|md] [--csv] [--title T] [--draws N --seed S
    --sampler lhs|mc]"""
    obj = load_inputs(list(args.files), args)
    first = obj if hasattr(obj, "attrs") else obj.results[obj.names[0]]
    used = {"draws": int(first.attrs["draws"]), "seed": int(first.attrs["seed"]), "sampler": first.sampler}
    fmt = args.format or ("md" if Path(args.out).suffix.lower() in (".md", ".markdown") else "html")
    sens = sensitivity_of(obj, args.sensitivity, args.threads) if args.sensitivity else None
    found = [discover(obj, c) for c in args.discover] if args.discover else None
    report(obj, args.out, format=fmt, pdf=args.pdf, title=args.title, csv=args.csv, sensitivity=sens,
           discovery=found, command=_command(args, used), review=True if args.trust else None)
    for name, path in companion_paths(args.out, fmt, args.pdf, args.csv).items():
        print(f"written: {path}" + ("/" if name == "figures" else ""))
    return 0


def register(subparsers: Any) -> None:
    """Add ``report`` to the ``socval`` command's subparsers."""
    p = subparsers.add_parser(
        "report", help="decision-paper annex (HTML, PDF, Markdown, CSV) of results or scenario files",
        description="Write the annex to a board decision paper: summary in plain words, headline table with "
                    "intervals, charts, methodology, assumptions and reproducibility. FILE is a results file (.h5, "
                    "from `socval run`) or a scenario file (.yaml, simulated first); several files are compared on "
                    "common random numbers (results files must share their seed, draws and sampler).")
    p.add_argument("files", nargs="+", metavar="FILE", help="results files (.h5) or scenario files (.yaml)")
    p.add_argument("--out", required=True, help="the report to write: .html (default), .md, or .pdf (PDF alone)")
    p.add_argument("--pdf", action="store_true", help="also write an A4 PDF beside the HTML (WeasyPrint)")
    p.add_argument("--format", choices=("html", "md"), default=None,
                   help="html: one self-contained page; md: Markdown with the charts as PNG files beside it, for "
                        "Word (default: from the --out suffix)")
    p.add_argument("--csv", action="store_true",
                   help="also write the headline, summary, by-priority and assumptions tables as CSV")
    p.add_argument("--title", default=None, help="title of the report (default from the scenario names)")
    p.add_argument("--sensitivity", nargs="+", choices=("tornado", "sobol"), default=[],
                   help="add sensitivity charts of NPSV for the scenario with the highest mean NPSV: tornado "
                        "(one-way, p10/p90) and/or sobol (indices grouped by kind of parameter)")
    p.add_argument("--discover", action="append", default=[], metavar="CONDITION",
                   help="add a scenario discovery section for a condition over the draws, e.g. 'npsv < 0' or "
                        "'A loses to B' (repeatable; docs/model/discovery.md)")
    p.add_argument("--trust", action="store_true",
                   help="add the trust analysis to the section 'How far to trust these results' (switching values, "
                        "structural alternatives, verdict; a comparison only)")
    p.add_argument("--draws", type=int, default=None, help="draws for scenario files (default 10000)")
    p.add_argument("--seed", type=int, default=None, help="seed for scenario files (default 0)")
    p.add_argument("--sampler", choices=("lhs", "mc"), default=None,
                   help="sampler for scenario files: lhs (Latin hypercube, default) or mc")
    p.add_argument("--threads", type=int, default=None, help="worker threads (default: one per core)")
    p.add_argument("--progress", dest="progress", action="store_true", default=None,
                   help="always show a progress bar while simulating")
    p.add_argument("--no-progress", dest="progress", action="store_false", help="never show a progress bar")
    p.set_defaults(func=cmd_report)
