"""CLI subcommand ``socval track SCENARIO RETURNS... --out report.html``: delivery returns against the projection,
the update that learns from them, and the annual social value report (docs/guide/tracking.md).

    socval track baseline.yaml returns-2025.csv returns-2026.xlsx --out annual.html
    socval track baseline.yaml returns/*.csv --alternative skills-first.yaml --out annual.md --pdf
    socval track baseline.h5 returns-2025.csv --out annual.html      the saved results the decision was taken on

Exit codes: 0 the report is written; 2 a scenario or returns file that does not read (socval.cli.app).
"""
from __future__ import annotations

import argparse

from ..engine.results import load_results
from ..engine.simulation import simulate
from ..model.scenario import load_scenario
from ..report.annual import annual_report
from ..tracking.projection import RAG_RULE
from ..tracking.returns import load_returns
from ..tracking.update import update

__all__ = ["register", "cmd_track"]


def cmd_track(args: argparse.Namespace) -> int:
    """Simulate the scenario (the projection), read the returns, update, print a summary, write the report."""
    returns = load_returns(*args.returns)
    if args.scenario.lower().endswith((".h5", ".hdf5")):  # the results the decision was taken on
        results = load_results(args.scenario)
        scenario = results.scenario()
    else:
        scenario = load_scenario(args.scenario)
        results = simulate(scenario, draws=args.draws, seed=args.seed)
    post = update(results, returns, scenario=scenario, alternatives=args.alternative, threshold=args.threshold)
    a = post.against
    last = int(a["year"].max())
    ay = a[a["year"] == last]
    print(f"{len(returns)} returns, {returns.years[0]}-{returns.years[-1]}; {last}: "
          f"{(ay['rag'] == 'green').sum()} green, {(ay['rag'] == 'amber').sum()} amber, {(ay['rag'] == 'red').sum()} "
          f"red ({RAG_RULE})")
    s = post.summary()
    print(f"update: {post.method}, ESS {post.ess:,.0f} of {results.n_draws:,} draws; mean NPSV "
          f"{s.loc['npsv', ('prior', 'mean')] / 1e6:,.2f}m -> {s.loc['npsv', ('posterior', 'mean')] / 1e6:,.2f}m")
    rv = post.realised
    print(f"value per pound {rv.loc['realised', 'years']}: realised {rv.loc['realised', 'per_pound_mean']:.2f} "
          f"({rv.loc['realised', 'per_pound_p5']:.2f} to {rv.loc['realised', 'per_pound_p95']:.2f}), projected "
          f"{rv.loc['projected', 'per_pound_mean']:.2f}")
    if post.comparison is not None:
        c = post.comparison
        print(f"best on mean NPSV: {c['prior_mean_npsv'].idxmax()} (projection) -> "
              f"{c['posterior_mean_npsv'].idxmax()} (after the returns)")
    if args.out:
        annual_report(post, args.out, pdf=args.pdf)
        print(f"wrote {args.out}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("track", help="delivery returns against the projection, learning from them, the "
                                            "annual social value report",
                              description="Read delivery returns (docs/formats/returns.md), compare them with the "
                                          "scenario's projection (percentile, RAG), update the scenario's uncertain "
                                          "parameters by them (docs/model/tracking.md) and write the annual social "
                                          "value report.")
    p.add_argument("scenario", metavar="SCENARIO",
                   help="the scenario the returns report against (YAML, simulated with --draws and --seed), or the "
                        "results file (.h5) of the simulation the decision was taken on")
    p.add_argument("returns", nargs="+", metavar="RETURNS", help="returns files (.csv, .xlsx)")
    p.add_argument("--out", help="the annual report: .html, .md or .pdf")
    p.add_argument("--pdf", action="store_true", help="also write the PDF beside an HTML report")
    p.add_argument("--alternative", action="append", default=[], metavar="SCENARIO",
                   help="another scenario to compare on the same draws (repeatable)")
    p.add_argument("--draws", type=int, default=2000,
                   help="draws of the projection of a scenario file (default 2000)")
    p.add_argument("--seed", type=int, default=42, help="seed of the projection of a scenario file (default 42)")
    p.add_argument("--threshold", type=float, default=0.5,
                   help="resample-move when the ESS falls below this share of the draws (default 0.5)")
    p.set_defaults(func=cmd_track)
