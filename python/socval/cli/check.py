"""CLI subcommand ``socval check FILE...``: the checklist's findings on scenario files (docs/guide/checklist.md).

    socval check FILE...               a text table of the findings of every file (shared files' findings once)
    socval check FILE... --json        the same as JSON
    socval check A B ... --trust       also how far the comparison of the files can be trusted (the verdict)
    socval check FILE --min-severity warning    leave out advice

Exit codes: 0 no error-level finding; 1 an error-level finding; 2 a file that does not read (socval.cli.app).
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..review.check import check_scenarios, review_scenarios
from ..review.findings import SEVERITIES, Findings

__all__ = ["register", "cmd_check"]


def cmd_check(args: argparse.Namespace) -> int:
    """Run the checklist; print the table (or JSON); 1 when an error-level finding is present."""
    if args.trust:
        if len(args.files) < 2:
            raise FileNotFoundError("--trust: expected at least 2 scenario files to compare")
        names = [Path(f).stem for f in args.files]
        if len(set(names)) != len(names):
            names = list(args.files)
        found = review_scenarios(dict(zip(names, args.files)), draws=args.draws, seed=args.seed)
    else:
        found = check_scenarios(list(args.files), seed=args.seed)
    keep = SEVERITIES[:SEVERITIES.index(args.min_severity) + 1]
    shown = [f for f in found if f.severity in keep]
    if args.json:
        data = json.loads(found.to_json())
        data["findings"] = [f.to_dict() for f in shown]
        print(json.dumps(data, indent=2))
    else:
        table = Findings(shown, subject=found.subject).table(width=100)  # the terminal's 100 columns
        if args.trust:
            table = f"How far to trust these results: {found.verdict}\n" + table
        print(table)
    return 1 if found.has_errors else 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("check", help="the checklist: findings on scenario files (and the verdict with --trust)",
                              description="Review scenario files against the checklist (docs/guide/checklist.md): "
                                          "each finding with its rule, severity, file:line:column and key, what was "
                                          "found, the guidance it rests on and what to do. Exit code 1 when an "
                                          "error-level finding is present.")
    p.add_argument("files", nargs="+", metavar="FILE", help="scenario files (YAML)")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("--trust", action="store_true",
                   help="compare the files and say how far the conclusion can be trusted (switching values, "
                        "structural alternatives, verdict)")
    p.add_argument("--min-severity", choices=SEVERITIES, default="advice",
                   help="leave out findings less serious than this (default: show all)")
    p.add_argument("--draws", type=int, default=100, help="keyed draws of the trust analysis (default 100)")
    p.add_argument("--seed", type=int, default=0, help="seed of the keyed draws (default 0)")
    p.set_defaults(func=cmd_check)
