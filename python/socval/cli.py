"""The ``socval`` command line.

Subcommands come from a registry: each entry is a module with ``register(subparsers)`` that adds its parsers and
sets ``func`` (a function of the parsed arguments returning the exit code) with ``set_defaults(func=...)``.
Adding a subcommand is one line in :data:`SUBCOMMAND_MODULES` (modules not installed are skipped).

Errors are handled once, here (:func:`run`): a subcommand raises and never prints its own error. Exit codes: 0
success; 2 a socval error, a missing or unreadable file, an unknown name (``socval <command>: error: <message>`` on
stderr, no traceback) or a usage error; 130 interrupted (nothing is written: files appear only when complete).
"""
from __future__ import annotations

import argparse
import importlib
import json
import math
import sys
from typing import Any, List, Optional, Sequence

__all__ = ["main", "run", "build_parser", "SUBCOMMAND_MODULES", "cmd_validate", "cmd_evaluate", "json_ready",
           "text_table"]

#: Modules that add subcommands, in the order they appear in ``socval --help``. This module's own ``validate``
#: and ``evaluate`` come first.
SUBCOMMAND_MODULES: List[str] = [
    "socval.cli_simulation",   # run, summary, compare
    "socval.cli_sensitivity",  # sensitivity
    "socval.cli_portfolio",    # optimise
    "socval.cli_values",       # values
    "socval.cli_report",       # report (not yet written: skipped)
]


def json_ready(x: Any) -> Any:
    """JSON-ready: NaN / inf -> None, numpy scalars and arrays -> Python values, keys -> str."""
    if isinstance(x, dict):
        return {str(k): json_ready(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [json_ready(v) for v in x]
    if hasattr(x, "tolist"):  # numpy arrays and scalars
        return json_ready(x.tolist())
    if isinstance(x, float) and not math.isfinite(x):
        return None
    return x


def text_table(df: Any) -> str:
    """A DataFrame as plain text for the terminal (wide, every row, 6 significant digits)."""
    import pandas as pd

    with pd.option_context("display.width", 200, "display.max_columns", 30, "display.max_rows", 500,
                           "display.float_format", lambda v: f"{v:,.6g}"):
        return df.to_string()


def cmd_validate(args: argparse.Namespace) -> int:
    """socval validate FILE...: read and validate each file; print OK and its warnings, or the error."""
    from . import SocvalError
    from .scenario import load_scenario

    failed = 0
    report = []
    for path in args.files:
        try:
            sc = load_scenario(path, allow_outside=args.allow_outside, confined=args.confined)
        except SocvalError as e:
            failed += 1
            report.append({"file": path, "ok": False, "error": str(e), "warnings": []})
            if not args.json:
                print(str(e), file=sys.stderr)
            continue
        report.append({"file": path, "ok": True, "scenario": sc.name, "warnings": sc.warnings})
        if not args.json:
            print(f"{path}: OK ({sc.name}: {len(sc.core.options)} options, {len(sc.core.outcomes)} outcomes, "
                  f"{len(sc.core.priorities)} priorities)")
            for w in sc.warnings:
                print(f"{path}: warning: {w}")
    if args.json:
        print(json.dumps(report, indent=2))
    return 2 if failed else 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    """socval evaluate FILE [--json]: the deterministic appraisal of a scenario."""
    import pandas as pd

    from .scenario import load_scenario

    appraisal = load_scenario(args.file, allow_outside=args.allow_outside).evaluate()
    if args.json:
        print(appraisal.to_json(indent=2))
        return 0
    print(appraisal.summary())
    with pd.option_context("display.width", 160, "display.max_columns", 20, "display.max_rows", 200,
                           "display.float_format", lambda v: f"{v:,.6g}"):
        for title, table in (("Value by priority", appraisal.by_priority),
                             ("Value by beneficiary", appraisal.by_beneficiary),
                             ("Funded options", appraisal.by_option),
                             ("Outcomes (physical totals over the horizon, PV)", appraisal.totals),
                             ("Attribution (option -> priority)", appraisal.attribution)):
            print(f"\n{title}\n{table.to_string()}")
    return 0


def _register_own(subparsers: Any) -> None:
    p = subparsers.add_parser("validate", help="read and validate scenario files",
                              description="Read, merge and validate each scenario file; print OK and the "
                                          "warnings of each, or its error (exit code 2 if any file fails).")
    p.add_argument("files", nargs="+", metavar="FILE", help="scenario files (YAML)")
    p.add_argument("--json", action="store_true", help="machine-readable JSON on stdout")
    p.add_argument("--allow-outside", action="store_true",
                   help="let include / extends paths leave the scenario's folder tree")
    p.add_argument("--confined", action="store_true",
                   help="refuse every file outside the scenario's folder tree, even when a file sets "
                        "allow_outside: true (for services that validate uploaded files)")
    p.set_defaults(func=cmd_validate)

    p = subparsers.add_parser("evaluate", help="deterministic appraisal of a scenario",
                              description="Evaluate FILE with every parameter at its central value: PV costs, "
                                          "PV benefits, NPSV, BCR, SROI, value by priority / pillar / lever / "
                                          "beneficiary, physical totals and attribution.")
    p.add_argument("file", metavar="FILE", help="scenario file (YAML)")
    p.add_argument("--json", action="store_true", help="machine-readable JSON on stdout")
    p.add_argument("--allow-outside", action="store_true",
                   help="let include / extends paths leave the scenario's folder tree")
    p.set_defaults(func=cmd_evaluate)


def build_parser() -> argparse.ArgumentParser:
    """The argparse parser with every registered subcommand."""
    from . import __version__

    parser = argparse.ArgumentParser(prog="socval", description="Social value appraisal of investment scenarios "
                                                                "(Green Book, with Monte Carlo uncertainty).")
    parser.add_argument("--version", action="version", version=f"socval {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    _register_own(subparsers)
    for name in SUBCOMMAND_MODULES:
        try:
            module = importlib.import_module(name)
            module.register(subparsers)
        except ModuleNotFoundError as e:
            if e.name != name:
                _broken(name, e)
            # else: not written yet, skip it
        except Exception as e:  # a broken subcommand must not take down the others: say so, carry on
            _broken(name, e)
    return parser


def _broken(module: str, error: BaseException) -> None:
    print(f"socval: warning: the subcommands of {module} are unavailable ({type(error).__name__}: {error})",
          file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    """Run a parsed subcommand; its errors become a one-line message on stderr and an exit code."""
    from . import SocvalError

    try:
        return int(args.func(args) or 0)
    except (SocvalError, OSError, KeyError) as e:  # KeyError: an unknown metric, option or value id
        msg = e.args[0] if isinstance(e, KeyError) and e.args else e
        print(f"socval {args.command}: error: {msg}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"socval {args.command}: interrupted; nothing was written", file=sys.stderr)
        return 130


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the ``socval`` command; returns the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # argparse: --help / --version exit 0, usage errors 2
        return int(e.code or 0)
    if getattr(args, "func", None) is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return run(args)
    except BrokenPipeError:  # e.g. `socval evaluate F | head`: the reader left, nothing more to say
        import os
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
