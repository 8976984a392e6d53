"""CLI subcommand ``socval voi FILE... [--draws N] [--seed S] [--top N] [--json]``: expected value of perfect
information (EVPI) and the EVPPI ranking of the uncertain parameters, for one scenario (fund it or do nothing) or
a comparison of scenarios (docs/model/voi.md).

``register(subparsers)`` adds it to the ``socval`` command's argparse subparsers; errors and exit codes are
socval.cli.app's.
"""
from __future__ import annotations

import argparse
import json
import textwrap
from typing import Any

from .common import WIDTH, add_top, json_ready, money, top
from .._util.numbers import money_heading, money_scale, ranking_text
from ..model.labels import parameter_names
from ..model.scenario import load_scenario
from ..sensitivity.scenario import scenario_evppi

__all__ = ["register", "cmd_voi"]


def cmd_voi(args: argparse.Namespace) -> int:
    """socval voi FILE... [--draws N] [--seed S] [--sampler lhs|mc] [--top N] [--json]"""
    table = scenario_evppi(args.files, draws=args.draws, seed=args.seed, sampler=args.sampler,
                           threads=args.threads)
    evpi = table.attrs["evpi"]
    names = table.attrs["scenarios"]
    note = table.attrs.get("note", "")
    if args.json:
        out = {"files": list(args.files), "draws": args.draws, "seed": args.seed, "sampler": args.sampler,
               "alternatives": names, "p_best": table.attrs["p_best"], "evpi": evpi, "note": note or None,
               "parameters": [{"parameter": k, **row} for k, row in table.to_dict(orient="index").items()]}
        print(json.dumps(json_ready(out), indent=2))
        return 0
    decision = ("fund it or do nothing" if len(args.files) == 1 else f"{len(names)} scenarios")
    print(f"Value of information on NPSV ({decision}; {args.draws:,} draws, seed {args.seed}, {args.sampler})")
    for name in names:
        print(f"  {name}: best in {table.attrs['p_best'][name]:.0%} of draws")
    print(f"EVPI (expected value of perfect information on every parameter): {money(evpi)}")
    if note:
        print(textwrap.fill(note[0].upper() + note[1:] + ".", width=WIDTH))
    shown, more = top(table, args.top)
    scale = money_scale(shown[["evppi", "se"]].to_numpy().ravel())
    print(f"\nEVPPI by parameter, ranked by EVPPI then name ({money_heading(scale)}; share of the EVPI)")
    names = {}
    if not args.ids:
        for f in args.files:  # a parameter shared by several scenarios has the first one's name
            names = {**parameter_names(load_scenario(f)), **names}
    print(ranking_text(shown[["evppi", "se", "share_of_evpi"]], [names.get(i, i) for i in shown.index],
                       {"evppi": "money", "se": "money", "share_of_evpi": "probability"}, name_header="parameter"))
    if more:
        print(more)
    return 0


def register(subparsers: Any) -> None:
    """Add ``voi`` to the ``socval`` command's subparsers."""
    p = subparsers.add_parser("voi", help="value of information: EVPI and the EVPPI ranking of the parameters",
                              description="Expected value of perfect information (EVPI) and of partial perfect "
                                          "information on each uncertain parameter (EVPPI), on NPSV: for one "
                                          "scenario the decision is to fund it or do nothing; for several, which "
                                          "to choose. Says why when every EVPPI is zero.")
    p.add_argument("files", nargs="+", metavar="FILE", help="one scenario file, or two or more to compare (YAML)")
    p.add_argument("--draws", type=int, default=5_000, help="Monte Carlo draws (default 5000)")
    p.add_argument("--seed", type=int, default=0, help="seed of the random streams (default 0)")
    p.add_argument("--sampler", choices=("lhs", "mc"), default="lhs", help="lhs (default) or mc")
    p.add_argument("--threads", type=int, default=None, help="worker threads (default: one per core)")
    add_top(p)
    p.add_argument("--ids", action="store_true", help="show parameter ids instead of names")
    p.add_argument("--json", action="store_true", help="machine-readable JSON on stdout (every parameter)")
    p.set_defaults(func=cmd_voi)
