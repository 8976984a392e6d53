"""CLI subcommand ``socval discover FILE... --condition "npsv < 0" [--draws N] [--seed S] [--json]``: scenario
discovery (PRIM boxes and a CART tree) of a condition over the draws of one run or a comparison.

``register(subparsers)`` adds it to the ``socval`` command's argparse subparsers; errors and exit codes are
socval.cli.app's.
"""
from __future__ import annotations

import argparse
import json
from typing import Any

from .common import json_ready
from .report import load_inputs
from ..discovery import discover

__all__ = ["register", "cmd_discover"]


def _payload(d: Any) -> dict:
    """JSON-ready dict of a Discovery."""
    limits = d.limits().reset_index().to_dict(orient="records")
    return {"condition": d.condition, "share": d.share, "draws": int(d.y.size),
            "box": {"index": d.box_index, "coverage": d.box.coverage, "density": d.box.density, "mass": d.box.mass,
                    "limits": limits},
            "trajectory": d.prim.trajectory.reset_index().to_dict(orient="records"),
            "cart": None if d.cart is None else d.cart.leaves.to_dict(orient="records")}


def cmd_discover(args: argparse.Namespace) -> int:
    """socval discover FILE... --condition C [--min-coverage X] [--json]"""
    obj = load_inputs(args.files, args)
    d = discover(obj, args.condition, min_coverage=args.min_coverage, with_cart=not args.no_cart)
    if args.json:
        print(json.dumps(json_ready(_payload(d)), indent=2))
        return 0
    print(d.summary())
    print("\nPRIM box limits (qp: quasi-p-value of each restriction):")
    print(d.limits().to_string(float_format=lambda v: f"{v:.4g}"))
    t = d.prim.trajectory
    print(f"\nPeeling trajectory: {len(t)} boxes, coverage {t['coverage'].iloc[0]:.0%} -> {t['coverage'].iloc[-1]:.0%}, "
          f"density {t['density'].iloc[0]:.0%} -> {t['density'].iloc[-1]:.0%}; chosen box {d.box_index}")
    if d.cart is not None:
        print("\nCART leaves (densest first):")
        print(d.cart.leaves.head(5).to_string(index=False, float_format=lambda v: f"{v:.2f}"))
    return 0


def register(subparsers: Any) -> None:
    """Add ``discover`` to the ``socval`` command's subparsers."""
    p = subparsers.add_parser("discover", help="scenario discovery: where in the inputs a condition holds (PRIM, CART)",
                              description="PRIM boxes (Friedman and Fisher 1999) and a CART tree of a condition over "
                                          "the draws of one run or of a comparison on common random numbers.")
    p.add_argument("files", nargs="+", metavar="FILE", help="results files (.h5) or scenario files (.yaml)")
    p.add_argument("--condition", required=True,
                   help="'npsv < 0', 'pillar.social < 2e6' (one scenario); 'A loses to B [on METRIC]' or "
                        "'A: METRIC < NUMBER' (a comparison; scenario names as in socval compare)")
    p.add_argument("--min-coverage", type=float, default=None,
                   help="choose the densest box on the peeling trajectory with at least this coverage (default 0.5)")
    p.add_argument("--no-cart", action="store_true", help="skip the CART tree")
    p.add_argument("--draws", type=int, default=None, help="draws for scenario files (default 10000)")
    p.add_argument("--seed", type=int, default=None, help="seed for scenario files (default 0)")
    p.add_argument("--sampler", choices=("lhs", "mc"), default=None, help="sampler for scenario files (default lhs)")
    p.add_argument("--threads", type=int, default=None, help="worker threads (default: one per core)")
    p.add_argument("--progress", dest="progress", action="store_true", default=None,
                   help="show a progress bar (default: when the terminal is interactive)")
    p.add_argument("--no-progress", dest="progress", action="store_false", help="never show a progress bar")
    p.add_argument("--json", action="store_true", help="machine-readable JSON on stdout")
    p.set_defaults(func=cmd_discover)
