"""CLI subcommands of the Monte Carlo engine: ``socval run``, ``socval summary``, ``socval compare``.

``register(subparsers)`` adds them to the ``socval`` command's argparse subparsers; each sets ``func`` to a
function of the parsed arguments returning the exit code; errors and exit codes are socval.cli.app's.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import numpy as np

import pandas as pd

from .common import frame_to_text, json_ready, text_table
from .._util.numbers import money, format_column, format_table, money_heading, money_scale
from .._util.numbers import RATIO_METRICS
from ..engine.simulation import simulate
from ..engine.results import load_results
from ..engine.comparison import compare
from .._core import SamplingError
from ..engine.distributed import scheduler_client
from ..decision.acceptability import scenario_smaa as smaa
from ..report.xlsx import write_xlsx

__all__ = ["register", "cmd_run", "cmd_summary", "cmd_compare"]


def _provenance(attrs: dict) -> dict:
    keys = ("scenario_name", "scenario_file", "scenario_hash", "seed", "draws", "sampler", "socval_version",
            "git_revision", "created", "value_library_version", "price_base_year", "format_version")
    return {k: attrs[k] for k in keys if k in attrs}


def cmd_run(args: argparse.Namespace) -> int:
    """socval run FILE --draws N --seed S [--threads T] [--sampler lhs|mc] --out F.h5"""
    progress = None if args.progress is None else args.progress
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)  # the command line makes its output folder
    checkpoint = args.out if (args.checkpoint or args.resume) else None
    with scheduler_client(args.scheduler) as client:
        res = simulate(args.file, draws=args.draws, seed=args.seed, threads=args.threads, sampler=args.sampler,
                       progress=progress, keep_full=args.keep_full, year_values=args.year_values, client=client,
                       checkpoint=checkpoint, resume=args.resume, keep_draws=not args.streaming)
    if checkpoint is None:
        res.save(args.out)
    if res.streaming:  # streaming summaries (quantiles from histograms)
        mean, p5, p95 = res.summary().loc["npsv", ["mean", "p5", "p95"]]
    else:
        x = res.draws("npsv")
        mean, (p5, p95) = np.mean(x), np.quantile(x, [0.05, 0.95])
    print(f"{res.attrs.get('scenario_name', args.file)}: {res.n_draws} draws (seed {args.seed}, {res.attrs['sampler']}); "
          f"NPSV mean {money(mean)}, 90% interval {money(p5)} to {money(p95)} "
          f"({res.attrs.get('price_base_year')} prices, present values); written to {args.out}")
    return 0


def cmd_summary(args: argparse.Namespace) -> int:
    """socval summary F.h5 [--json]"""
    res = load_results(args.file)
    table = res.summary()
    if args.xlsx:
        write_xlsx(res, args.xlsx)
    if args.json:
        out = {"provenance": _provenance(res.attrs),
               "summary": {m: row for m, row in table.to_dict(orient="index").items()}}
        print(json.dumps(json_ready(out), indent=2))
    else:
        prov = _provenance(res.attrs)
        print("\n".join(f"{k}: {v}" for k, v in prov.items()))
        print()
        print(res.summary_text())
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    """socval compare A.yaml B.yaml ... --draws N --seed S [--json]"""
    if args.streaming and (args.smaa or args.switching):
        raise SamplingError(f"socval compare: --streaming keeps no value per draw, so "
                            f"{'--smaa' if args.smaa else '--switching'} (which needs the paired draws) cannot run "
                            f"with it: drop --streaming")
    with scheduler_client(args.scheduler) as client:
        cmp = compare(args.files, draws=args.draws, seed=args.seed, sampler=args.sampler, threads=args.threads,
                      progress=args.progress, client=client, keep_draws=not args.streaming)
    pairs = None if cmp.streaming else cmp.summary()  # paired differences need the draws
    scen = cmp.scenarios()
    if args.xlsx:
        write_xlsx(cmp, args.xlsx)
    sm = None
    if args.smaa:
        sm = smaa(cmp, criteria=args.smaa_criteria, n_weights=args.smaa_weights, seed=args.seed,
                  threads=args.threads)
    switching = None
    if args.switching:
        switching = [cmp.switching_value(p, threads=args.threads) for p in args.switching]
    if args.json:
        out = {
            "draws": args.draws, "seed": args.seed, "sampler": args.sampler, "scenarios": list(cmp.names),
            "files": list(args.files),
            "per_scenario": scen.to_dict(orient="index"),
        }
        if pairs is not None:
            out["pairs"] = [dict(metric=m, A=a, B=b, **row) for (m, a, b), row in pairs.to_dict(orient="index").items()]
        else:
            out["streaming"] = True
        if sm is not None:
            out["smaa"] = {"criteria": sm.criteria, "n_weights": args.smaa_weights,
                           "rank_acceptability": sm.rank_acceptability.to_dict(orient="index"),
                           "central_weights": sm.central_weights.to_dict(orient="index"),
                           "confidence": sm.confidence.to_dict()}
        if switching is not None:
            out["switching"] = [sv.to_dict() for sv in switching]
        print(json.dumps(json_ready(out), indent=2))
    else:
        print(f"{len(cmp.names)} scenarios on common random numbers: {args.draws} draws, seed {args.seed}, "
              f"{args.sampler}\n")
        print(scenarios_text(scen, cmp.names))
        print()
        if pairs is not None:
            print(pairs_text(pairs, cmp.names))
        else:
            print("Streaming (--streaming): means from each run's streaming summaries; no P(best) or paired "
                  "differences, which need each draw of every scenario")
        if sm is not None:
            print(f"\nSMAA-2 over {args.smaa_criteria} weights ({args.smaa_weights} weight draws): rank "
                  f"acceptability and confidence factor")
            print(text_table(sm.rank_acceptability.assign(confidence=sm.confidence)))
            print("\nCentral weights (mean weights making each scenario rank first)")
            print(text_table(sm.central_weights, {c: "probability" for c in sm.central_weights.columns}))
        if switching is not None:
            print(f"\nSwitching values: {switching[0].a} against {switching[0].b} on npsv (expected over the "
                  f"same draws)")
            for sv in switching:
                print(f"  {sv.message}")
    return 0


def _legend(names: Any) -> str:
    return "\n".join(f"  [{i}] {n}" for i, n in enumerate(names, 1))


def scenarios_text(scen: Any, names: Any) -> str:
    """Comparison.scenarios() for the terminal, pivoted (metrics x scenarios [1], [2], ... with a legend) so that
    it fits 100 columns: money in one scale, ratios to two decimals, P(best) the share of draws ranking first."""
    number = {n: f"[{i}]" for i, n in enumerate(names, 1)}
    table = scen.T.rename(columns=number)
    money_rows = [c for c in scen.columns if c.startswith("mean ") and c[5:] not in RATIO_METRICS]
    scale = money_scale(scen[money_rows].to_numpy().ravel()) if money_rows else ""
    text = table.astype(object)
    for row in table.index:
        kind = "money" if row in money_rows else "ratio" if row.startswith("mean ") else "probability"
        text.loc[row] = format_column(table.loc[row].to_numpy(), kind, scale)
    text.index.name, text.columns.name = "scenario", None
    best = any(c.startswith("P(best") for c in scen.columns)
    return (f"Scenarios\n{_legend(names)}\n\nPer scenario (money in {money_heading(scale)}" +
            (";\nP(best): share of draws in which the scenario ranks first)\n" if best else ")\n") +
            frame_to_text(text))


def pairs_text(pairs: Any, names: Any) -> str:
    """Comparison.summary() for the terminal: each pair once ([1] - [2], in the order given; the reverse is the
    negative), one table per metric, money in one scale, ratios to two decimals."""
    order = {n: i for i, n in enumerate(names, 1)}
    keep = [order[a] < order[b] for _, a, b in pairs.index]
    pairs = pairs[keep]
    columns = ["mean A", "mean B", "difference", "p5", "p95", "P(A better)", "variance reduction"]
    parts = []
    for metric in dict.fromkeys(pairs.index.get_level_values(0)):
        block = pairs.loc[metric][columns].copy()
        block.index = pd.Index([f"[{order[a]}] - [{order[b]}]" for a, b in block.index], name="A - B")
        kinds = {c: ("ratio" if metric in RATIO_METRICS else "money") for c in columns[:5]}
        kinds["variance reduction"] = "ratio"
        text, scale = format_table(block, kinds)
        unit = "ratio" if metric in RATIO_METRICS else money_heading(scale)
        parts.append(f"{metric}, A - B on common random numbers ({unit}; difference p5 / p95)\n" +
                     frame_to_text(text))
    return "\n\n".join(parts)


def _add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--draws", type=int, default=10_000, help="number of Monte Carlo draws (default 10000)")
    p.add_argument("--seed", type=int, default=0, help="seed of the random streams (default 0)")
    p.add_argument("--threads", type=int, default=None, help="worker threads (default: one per core)")
    p.add_argument("--sampler", choices=("lhs", "mc"), default="lhs",
                   help="lhs: Latin hypercube (default); mc: plain Monte Carlo")
    p.add_argument("--progress", dest="progress", action="store_true", default=None,
                   help="always show a progress bar (default: only for runs over a second)")
    p.add_argument("--no-progress", dest="progress", action="store_false", help="never show a progress bar")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="run on the Dask cluster whose scheduler is at ADDRESS (tcp://host:8786); results are "
                        "bit-identical to a local run (docs/guide/cluster.md)")


def register(subparsers: Any) -> None:
    """Add ``run``, ``summary`` and ``compare`` to the ``socval`` command's subparsers."""
    p = subparsers.add_parser("run", help="Monte Carlo simulation of a scenario, written to an HDF5 results file",
                              description="Simulate FILE and write a self-describing HDF5 results file.")
    p.add_argument("file", help="scenario file (YAML)")
    _add_common(p)
    p.add_argument("--out", required=True, help="results file to write (HDF5; written atomically)")
    p.add_argument("--keep-full", action="store_true", help="keep the draws x years x outcomes tensors")
    p.add_argument("--year-values", action="store_true", help="per-year summaries of each outcome's value")
    p.add_argument("--streaming", action="store_true",
                   help="keep no value per draw, only streaming summaries (mean, sd, P(>0), histogram quantiles): "
                        "memory does not grow with --draws, locally or with --scheduler (docs/guide/cluster.md)")
    p.add_argument("--checkpoint", action="store_true",
                   help="record completed blocks in OUT.partial as the run goes, so that an interrupted run can be "
                        "finished with --resume")
    p.add_argument("--resume", action="store_true",
                   help="finish the interrupted run whose OUT.partial is there (same scenario and options); the "
                        "result is bit-identical to an uninterrupted run")
    p.set_defaults(func=cmd_run)

    p = subparsers.add_parser("summary", help="summary table of a results file",
                              description="Print the summary of a results file written by `socval run`.")
    p.add_argument("file", help="results file (HDF5)")
    p.add_argument("--json", action="store_true", help="machine-readable JSON on stdout")
    p.add_argument("--xlsx", default=None, metavar="F.xlsx",
                   help="also write the tables as a formatted Excel workbook (one sheet per table)")
    p.set_defaults(func=cmd_summary)

    p = subparsers.add_parser("compare", help="compare scenarios on common random numbers",
                              description="Simulate each scenario with the same seed and compare them draw by draw.")
    p.add_argument("files", nargs="+", metavar="FILE", help="two or more scenario files (YAML)")
    _add_common(p)
    p.add_argument("--json", action="store_true", help="machine-readable JSON on stdout")
    p.add_argument("--xlsx", default=None, metavar="F.xlsx",
                   help="also write the per-scenario and pair tables as a formatted Excel workbook")
    p.add_argument("--smaa", action="store_true",
                   help="SMAA-2 across the scenarios: which wins under which weights on the criteria")
    p.add_argument("--smaa-criteria", choices=("pillars", "priorities"), default="pillars",
                   help="SMAA criteria (default pillars)")
    p.add_argument("--smaa-weights", type=int, default=10_000, help="SMAA weight draws (default 10000)")
    p.add_argument("--streaming", action="store_true",
                   help="keep no value per draw: each scenario's means from streaming summaries (memory does not "
                        "grow with --draws); no P(best) or paired differences, which need the draws")
    p.add_argument("--switching", nargs="+", default=None, metavar="PARAM",
                   help="switching value of each parameter id: where the best scenario (on mean NPSV) and the "
                        "runner-up swap")
    p.set_defaults(func=cmd_compare)
