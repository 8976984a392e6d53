"""CLI subcommands of a scenario file: ``socval validate FILE...`` and ``socval evaluate FILE``.

``register(subparsers)`` adds them to the ``socval`` command's argparse subparsers (see socval.cli.app).
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any

import pandas as pd

from .._core import SocvalError
from ..model.scenario import load_scenario

__all__ = ["register", "cmd_validate", "cmd_evaluate"]


def cmd_validate(args: argparse.Namespace) -> int:
    """socval validate FILE...: read and validate each file; print OK and its warnings, or the error."""
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


def register(subparsers: Any) -> None:
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
