"""CLI subcommand ``socval sensitivity FILE --method sobol|morris|tornado --output npsv --n N [--seed S] [--json]``.

``register(subparsers)`` adds it to the ``socval`` command's argparse subparsers (as ``socval.cli.simulation``
does); errors and exit codes are socval.cli.app's.
"""
from __future__ import annotations

import argparse
import json
from typing import Any

import pandas as pd

from .common import add_top, json_ready
from .._util.numbers import RATIO_METRICS, money, money_heading, money_scale, ranking_text, ratio, top
from ..model.labels import parameter_names
from ..model.scenario import load_scenario
from ..sensitivity.scenario import scenario_sensitivity as sensitivity

__all__ = ["register", "cmd_sensitivity"]


def _payload(result: Any, args: argparse.Namespace) -> dict:
    """JSON-ready dict of a sensitivity result."""
    head = {"scenario": args.file, "other": args.other, "method": args.method, "output": args.output,
            "seed": args.seed}
    if isinstance(result, pd.DataFrame):  # tornado
        head["base"] = result.attrs.get("base")
        head["parameters"] = result.to_dict(orient="records")
        return head
    head["n"] = args.n
    if args.method in ("sobol", "shapley"):
        head.update(estimator=result.method, evaluations=result.evaluations, conf_level=result.conf_level,
                    variance=result.variance, groups=result.groups)
    else:
        head.update(trajectories=result.trajectories, levels=result.levels)
    head["factors"] = [{"name": k, **row} for k, row in result.to_frame().to_dict(orient="index").items()]
    return head


def cmd_sensitivity(args: argparse.Namespace) -> int:
    """socval sensitivity FILE [--other FILE2] --method M --output O --n N [--seed S] [--groups RULE] [--json]"""
    result = sensitivity(args.file, method=args.method, output=args.output, n=args.n, seed=args.seed,
                         groups=args.groups, other=args.other, threads=args.threads)
    if args.json:
        print(json.dumps(json_ready(_payload(result, args)), indent=2))
        return 0
    what = args.output if args.other is None else f"{args.output} ({args.file} - {args.other})"
    print(f"{args.method} sensitivity of {what}, seed {args.seed}")
    output_kind = "ratio" if args.output in RATIO_METRICS else "money"
    names = {} if args.ids else parameter_names(load_scenario(args.file))
    if isinstance(result, pd.DataFrame):
        base = result.attrs.get("base")
        shown, note = top(result, args.top)
        kinds = {"low": "number", "high": "number", "output_low": output_kind, "output_high": output_kind,
                 "swing": output_kind}
        scale = money_scale(shown[["output_low", "output_high", "swing"]].to_numpy().ravel())
        unit = "ratio" if output_kind == "ratio" else f"{money_heading(scale, present_value=True)}"
        base_text = ratio(base) if output_kind == "ratio" else money(base, scale)
        print(f"base (all parameters at central values): {base_text}\nranked by swing; outputs in {unit}")
        print(ranking_text(shown[["swing", "output_low", "output_high", "low", "high"]],
                           [names.get(i, i) for i in shown["input"]], kinds))
    else:
        frame = result.to_frame()
        if args.method in ("sobol", "shapley"):
            print(f"method: {result.method}")
            print(f"{result.evaluations} evaluations, intervals at {result.conf_level:.0%}")
            if args.method == "sobol" and hasattr(result, "S_full"):  # dependent inputs: the four indices
                frame = frame[["S_full", "S_full_conf", "ST_full", "ST_ind", "S_ind", "ST_ind_conf"]]
                print("S_full, ST_full: with what moves with the parameter; S_ind, ST_ind: its own part "
                      "(docs/model/sensitivity_dependent.md)")
            key = "shapley" if args.method == "shapley" else ("ST_ind" if "ST_ind" in frame else "ST")
            frame = frame.sort_values(key, ascending=False, kind="stable")
            kinds = {c: "probability" for c in frame.columns}
        else:
            frame = frame.sort_values("mu_star", ascending=False, kind="stable")
            kinds = {c: output_kind for c in frame.columns}
            if output_kind == "money":
                scale = money_scale(frame.to_numpy().ravel())
                print(f"elementary effects in {money_heading(scale)}")
        shown, note = top(frame, args.top)
        print(ranking_text(shown, [names.get(i, i) for i in shown.index], kinds, name_header="parameter"))
    if note:
        print(note)
    return 0


def register(subparsers: Any) -> None:
    """Add ``sensitivity`` to the ``socval`` command's subparsers."""
    p = subparsers.add_parser("sensitivity", help="sensitivity of a scenario's output to its uncertain parameters",
                              description="Sobol indices (for dependent inputs where FILE declares correlations), "
                                          "Shapley effects, Morris effects or a one-way tornado over the uncertain "
                                          "parameters of FILE, evaluated natively.")
    p.add_argument("file", help="scenario file (YAML)")
    p.add_argument("--method", choices=("sobol", "shapley", "morris", "tornado"), default="sobol",
                   help="default sobol (for dependent inputs where the scenario declares correlations); shapley: "
                        "Shapley effects")
    p.add_argument("--output", default="npsv",
                   help="npsv (default), bcr, pv_benefits, pv_costs, weighted_npsv, weighted_bcr, priority:<id> or "
                        "pillar:<name>")
    p.add_argument("--n", type=int, default=None,
                   help="Sobol: base sample, a power of 2 (default 1024); Shapley: random permutations (default "
                        "200; outer draws, default 256, with 6 factors or fewer); Morris: trajectories (default 20)")
    p.add_argument("--seed", type=int, default=0, help="seed of the design (default 0)")
    p.add_argument("--groups", choices=("kind", "option", "lever"), default=None,
                   help="Sobol / Shapley group indices by a rule (docs/model/scenario_sensitivity.md)")
    p.add_argument("--other", default=None, metavar="FILE2",
                   help="a second scenario: analyse output(FILE) - output(FILE2)")
    p.add_argument("--threads", type=int, default=None, help="worker threads (default: one per core)")
    add_top(p)
    p.add_argument("--ids", action="store_true", help="show parameter ids instead of names")
    p.add_argument("--json", action="store_true", help="machine-readable JSON on stdout")
    p.set_defaults(func=cmd_sensitivity)
