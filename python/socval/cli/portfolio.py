"""CLI subcommand of portfolio choice: ``socval optimise FILE --budget B``.

``register(subparsers)`` adds it to the ``socval`` command's argparse subparsers (as ``socval.cli.simulation``
does); errors and exit codes are socval.cli.app's.
"""
from __future__ import annotations

import argparse
import json
from typing import Any


from .common import json_ready, text_table
from ..decision.portfolio import optimise

__all__ = ["register", "cmd_optimise"]


def cmd_optimise(args: argparse.Namespace) -> int:
    """socval optimise FILE --budget B [--objective mean|cvar --alpha A] [--draws N] [--seed S] [--out F] [--json]"""
    choice = optimise(args.file, args.budget, candidates=args.candidates, objective=args.objective,
                      alpha=args.alpha, draws=args.draws, seed=args.seed, include=args.include,
                      exclude=args.exclude, sampler=args.sampler, threads=args.threads, solver=args.solver,
                      time_limit=args.time_limit)
    if args.out:
        choice.save(args.out)
    if args.json:
        out = choice.to_dict()
        out["file"] = args.file
        out["out"] = args.out
        out["options"] = choice.values.summary().reset_index().to_dict(orient="records")
        print(json.dumps(json_ready(out), indent=2))
    else:
        kind = args.objective if args.alpha is None else f"{args.objective} at alpha {args.alpha}"
        print(f"Best portfolio within {args.budget:,.0f} ({kind}, {args.draws} draws, seed {args.seed}): "
              f"{', '.join(choice.selected) or '(none)'}")
        print(f"objective {choice.objective:,.0f}; expected PV cost {choice.cost:,.0f}; "
              f"binding: {', '.join(choice.binding) or 'none'}")
        print()
        print(text_table(choice.values.summary()))
        if args.out:
            print(f"\nscenario funding the portfolio written to {args.out}")
    return 0


def register(subparsers: Any) -> None:
    """Add ``optimise`` to the ``socval`` command's subparsers."""
    p = subparsers.add_parser("optimise", help="best portfolio of a scenario's options within a budget",
                              description="Simulate every option's value on common random numbers and choose the "
                                          "best portfolio within the budget (exact 0-1 MILP).")
    p.add_argument("file", help="scenario file (YAML); its options are the candidate pool")
    p.add_argument("--budget", type=float, required=True, help="budget for the expected PV cost")
    p.add_argument("--objective", choices=("mean", "cvar", "npsv"), default="mean",
                   help="mean: expected value (default); cvar: mean of the worst alpha share of draws; "
                        "npsv: expected value minus cost (the budget need not be spent)")
    p.add_argument("--alpha", type=float, default=None, help="CVaR level in (0, 1), e.g. 0.1")
    p.add_argument("--draws", type=int, default=2000, help="number of Monte Carlo draws (default 2000)")
    p.add_argument("--seed", type=int, default=0, help="seed of the random streams (default 0)")
    p.add_argument("--threads", type=int, default=None, help="worker threads (default: one per core)")
    p.add_argument("--sampler", choices=("lhs", "mc"), default="lhs", help="lhs (default) or mc")
    p.add_argument("--candidates", nargs="+", default=None, metavar="ID", help="option ids to choose from")
    p.add_argument("--include", nargs="+", default=None, metavar="ID", help="options that must be chosen")
    p.add_argument("--exclude", nargs="+", default=None, metavar="ID", help="options that must not be chosen")
    p.add_argument("--solver", choices=("glpk", "cbc"), default="glpk", help="MILP solver (default glpk)")
    p.add_argument("--time-limit", type=float, default=60.0,
                   help="seconds allowed for the MILP solves (default 60)")
    p.add_argument("--out", default=None, help="write a scenario funding the portfolio (YAML)")
    p.add_argument("--json", action="store_true", help="machine-readable JSON on stdout")
    p.set_defaults(func=cmd_optimise)
