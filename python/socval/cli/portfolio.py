"""CLI subcommand of portfolio choice: ``socval optimise FILE --budget B``.

``register(subparsers)`` adds it to the ``socval`` command's argparse subparsers (as ``socval.cli.simulation``
does); errors and exit codes are socval.cli.app's.
"""
from __future__ import annotations

import argparse
import json
import textwrap
from typing import Any


from .common import WIDTH, json_ready, money, money_table
from ..decision.portfolio import DecisionError, optimise
from ..engine.distributed import scheduler_client
from ..report.xlsx import write_xlsx

__all__ = ["register", "cmd_optimise"]


def _wrapped(head: str, text: str) -> str:
    return textwrap.fill(text, width=WIDTH, initial_indent="  " + head, subsequent_indent="    ")


def _scales(items: Any) -> dict:
    out = {}
    for item in items or []:
        oid, sep, value = item.partition("=")
        if not sep:
            raise DecisionError(f"--scale: expected ID=SCALE (e.g. bus_services=1.2), found {item!r}")
        try:
            out[oid] = float(value)
        except ValueError:
            raise DecisionError(f"--scale: {oid}: expected a number > 0, found {value!r}") from None
    return out


def cmd_optimise(args: argparse.Namespace) -> int:
    """socval optimise FILE --budget B [--pool ID...] [--scale ID=S...] [--objective mean|cvar|npsv --alpha A]
    [--draws N] [--seed S] [--scheduler ADDRESS] [--out F] [--json]"""
    scales = _scales(args.scale)
    with scheduler_client(args.scheduler) as client:
        choice = optimise(args.file, args.budget, candidates=args.candidates, objective=args.objective,
                          alpha=args.alpha, draws=args.draws, seed=args.seed, include=args.include,
                          exclude=args.exclude, sampler=args.sampler, threads=args.threads, solver=args.solver,
                          time_limit=args.time_limit, scales=scales, client=client)
    if args.out:
        choice.save(args.out)
    if args.xlsx:
        write_xlsx(choice, args.xlsx)
    table = choice.values.summary()
    if args.json:
        out = choice.to_dict()
        out["file"] = args.file
        out["out"] = args.out
        out["options"] = table.reset_index().to_dict(orient="records")
        print(json.dumps(json_ready(out), indent=2))
        return 0
    kind = args.objective if args.alpha is None else f"{args.objective} at alpha {args.alpha}"
    year = choice.scenario.core.meta.price_base_year
    print(f"Best portfolio within {money(args.budget)} of expected PV cost ({kind}, {args.draws} draws, "
          f"seed {args.seed}; {year} prices):")
    print(_wrapped("selected: ", ", ".join(choice.selected) or "(none)"))
    if choice.context:
        print(_wrapped("context (funded by the file at no cost, kept): ", ", ".join(choice.context)))
    what = "objective" if args.objective != "mean" else "expected PV value"
    print(f"  {what} {money(choice.objective)}; expected PV cost {money(choice.cost)}; "
          f"binding: {', '.join(choice.binding) or 'none'}")
    print()
    shown = table.assign(selected=table["selected"].map({True: "yes", False: ""}),
                         funded=table["funded"].map({True: "yes", False: ""}))
    columns = ["lever", "selected", "funded", "scale", "mean_value", "p5_value", "p95_value", "mean_cost", "bcr"]
    print("Candidate options (selected: in the best portfolio; funded: funded by the input file)")
    print(money_table("PV value and cost", shown[columns], ["mean_value", "p5_value", "p95_value", "mean_cost"],
                      {"bcr": "ratio", "scale": "number"}, year))
    print("bcr: on public sector cost as the headline BCR, (value - others' costs) / (cost - others' costs)")
    if args.out:
        print(f"\nscenario funding the portfolio written to\n  {args.out}")
    return 0


def register(subparsers: Any) -> None:
    """Add ``optimise`` to the ``socval`` command's subparsers."""
    p = subparsers.add_parser("optimise", help="best portfolio of a scenario's options within a budget",
                              description="Simulate every candidate option's value on common random numbers (each at "
                                          "scale 1 from year 0, or --scale) and choose the best portfolio within the "
                                          "budget (exact 0-1 MILP). The answer depends on the pool, scales and "
                                          "budget, not on which options the file funds.")
    p.add_argument("file", help="scenario file (YAML): its options, outcomes and framework")
    p.add_argument("--budget", type=float, required=True, help="budget for the expected PV cost")
    p.add_argument("--objective", choices=("mean", "cvar", "npsv", "weighted_npsv"), default="mean",
                   help="mean: expected value (default); cvar: mean of the worst alpha share of draws; "
                        "npsv: expected value minus cost (the budget need not be spent); weighted_npsv: the "
                        "same with Annex A3 distributional weights (scenarios with people:)")
    p.add_argument("--alpha", type=float, default=None, help="CVaR level in (0, 1), e.g. 0.1")
    p.add_argument("--draws", type=int, default=2000, help="number of Monte Carlo draws (default 2000)")
    p.add_argument("--seed", type=int, default=0, help="seed of the random streams (default 0)")
    p.add_argument("--threads", type=int, default=None, help="worker threads (default: one per core)")
    p.add_argument("--sampler", choices=("lhs", "mc"), default="lhs", help="lhs (default) or mc")
    p.add_argument("--pool", "--candidates", dest="candidates", nargs="+", default=None, metavar="ID",
                   help="option ids to choose from (default: every option but the context options, those the "
                        "file funds at no cost, which stay funded)")
    p.add_argument("--scale", action="append", default=None, metavar="ID=SCALE",
                   help="value a candidate at this scale (repeatable; default 1 for every candidate, from year 0, "
                        "whatever the file funds)")
    p.add_argument("--include", nargs="+", default=None, metavar="ID", help="options that must be chosen")
    p.add_argument("--exclude", nargs="+", default=None, metavar="ID", help="options that must not be chosen")
    p.add_argument("--solver", choices=("glpk", "cbc"), default="glpk", help="MILP solver (default glpk)")
    p.add_argument("--time-limit", type=float, default=60.0,
                   help="seconds allowed for the MILP solves (default 60)")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="simulate the option values on the Dask cluster whose scheduler is at ADDRESS "
                        "(tcp://host:8786); bit-identical to a local run, so the same choice (docs/guide/cluster.md)")
    p.add_argument("--out", default=None, help="write a scenario funding the portfolio (YAML)")
    p.add_argument("--xlsx", default=None, metavar="F.xlsx",
                   help="also write the choice and the options' values as a formatted Excel workbook")
    p.add_argument("--json", action="store_true", help="machine-readable JSON on stdout")
    p.set_defaults(func=cmd_optimise)
