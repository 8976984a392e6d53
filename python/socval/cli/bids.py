"""CLI subcommand ``socval bids TENDER.yaml [--out FILE ...] [--json] [--draws N] [--seed S]``: evaluate the bids of a
tender (:mod:`socval.procurement`): scores by criterion, the social value of each bid with intervals, P(win), SMAA over
the permitted weights, compliance findings and the award recommendation.

``--out`` may be given several times; each file's format follows its suffix (.html, .md, .csv, .xlsx, .pdf, .json).
Errors and exit codes are socval.cli.app's (a malformed tender file: its file:line:column message, exit 2). A
compliance error (e.g. social value weighted below 10 %) is reported, and the command exits 1.
"""
from __future__ import annotations

import argparse
import json

from ..procurement import evaluate_tender, load_tender
from .common import json_ready, text_table

__all__ = ["register", "cmd_bids"]


def cmd_bids(args: argparse.Namespace) -> int:
    ev = evaluate_tender(load_tender(args.tender), draws=args.draws, seed=args.seed)
    written = [str(ev.report(path)) for path in args.out or []]
    if args.json:
        print(json.dumps(json_ready({**ev.to_dict(), "written": written}), indent=2))
    else:
        print(f"Tender {ev.tender.id}: {ev.tender.title} ({len(ev.tender.bids)} bids, {ev.draws} draws, "
              f"seed {ev.seed})\n")
        cols = ["supplier", "price", "quality", "social_value", "total", "rank"]
        print(text_table(ev.scores[cols].join(ev.p_win)))
        print("\nSocial value of the commitments (PV, GBP, net of additionality; 5-95 % over delivery):")
        print(text_table(ev.social_value[["promised_pv", "expected_pv", "p05", "p95"]]))
        print("\nSMAA over the permitted weights:")
        print(text_table(ev.smaa_table()))
        if ev.findings:
            print("\nCompliance findings:")
            for f in ev.findings:
                print(f"  {f.severity}: {f.message}" + (f" ({f.where})" if f.where else ""))
        print(f"\n{ev.recommendation()}")
        for w in written:
            print(f"wrote {w}")
    return 1 if ev.errors else 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("bids", help="evaluate suppliers' bids of a tender under uncertainty",
                              description=__doc__.split("\n\n")[0])
    p.add_argument("tender", metavar="TENDER.yaml", help="a tender file (docs/formats/tender.md)")
    p.add_argument("--out", action="append", metavar="FILE",
                   help="write the evaluation report (.html, .md, .csv, .xlsx, .pdf, .json); may be repeated")
    p.add_argument("--json", action="store_true", help="machine-readable JSON on stdout")
    p.add_argument("--draws", type=int, default=10_000, help="Monte Carlo draws of delivery and scores (default 10000)")
    p.add_argument("--seed", type=int, default=0, help="seed of the keyed random streams (default 0)")
    p.set_defaults(func=cmd_bids)
