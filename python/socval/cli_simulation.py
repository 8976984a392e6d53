"""CLI subcommands of the Monte Carlo engine: ``socval run``, ``socval summary``, ``socval compare``.

``register(subparsers)`` adds them to the ``socval`` command's argparse subparsers; each sets ``func`` to a
function of the parsed arguments returning the exit code. ``python -m socval.cli_simulation ...`` runs them alone.
Exit codes: 0 success; 2 a socval error (message on stderr, no traceback); 130 interrupted (Ctrl-C).
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Any, Callable, List, Optional

import numpy as np
import pandas as pd

__all__ = ["register", "main", "cmd_run", "cmd_summary", "cmd_compare"]


def _clean(x: Any) -> Any:
    """JSON-ready: NaN / inf -> None, numpy scalars and arrays -> Python values."""
    if isinstance(x, dict):
        return {str(k): _clean(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_clean(v) for v in x]
    if isinstance(x, np.ndarray):
        return _clean(x.tolist())
    if isinstance(x, np.generic):
        x = x.item()
    if isinstance(x, float) and not math.isfinite(x):
        return None
    return x


def _table(df: pd.DataFrame) -> str:
    with pd.option_context("display.width", 200, "display.max_columns", 30, "display.max_rows", 500,
                           "display.float_format", lambda v: f"{v:,.6g}"):
        return df.to_string()


def _provenance(attrs: dict) -> dict:
    keys = ("scenario_name", "scenario_file", "scenario_hash", "seed", "draws", "sampler", "socval_version",
            "git_revision", "created", "value_library_version", "price_base_year", "format_version")
    return {k: attrs[k] for k in keys if k in attrs}


def cmd_run(args: argparse.Namespace) -> int:
    """socval run FILE --draws N --seed S [--threads T] [--sampler lhs|mc] --out F.h5"""
    from .simulate import simulate

    progress = None if args.progress is None else args.progress
    res = simulate(args.file, draws=args.draws, seed=args.seed, threads=args.threads, sampler=args.sampler,
                   progress=progress, keep_full=args.keep_full, year_values=args.year_values)
    res.save(args.out)
    x = res.draws("npsv")
    p5, p95 = np.quantile(x, [0.05, 0.95])
    print(f"{res.attrs.get('scenario_name', args.file)}: {res.n_draws} draws (seed {args.seed}, {res.attrs['sampler']}); "
          f"NPSV mean {np.mean(x):,.0f}, 90% interval {p5:,.0f} to {p95:,.0f}; written to {args.out}")
    return 0


def cmd_summary(args: argparse.Namespace) -> int:
    """socval summary F.h5 [--json]"""
    from .results import load_results

    res = load_results(args.file)
    table = res.summary()
    if args.json:
        out = {"provenance": _provenance(res.attrs),
               "summary": {m: row for m, row in table.to_dict(orient="index").items()}}
        print(json.dumps(_clean(out), indent=2))
    else:
        prov = _provenance(res.attrs)
        print("\n".join(f"{k}: {v}" for k, v in prov.items()))
        print()
        print(_table(table))
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    """socval compare A.yaml B.yaml ... --draws N --seed S [--json]"""
    from .compare import compare

    cmp = compare(args.files, draws=args.draws, seed=args.seed, sampler=args.sampler, threads=args.threads,
                  progress=args.progress)
    pairs = cmp.summary()
    scen = cmp.scenarios()
    sm = None
    if args.smaa:
        from .portfolio import smaa
        sm = smaa(cmp, criteria=args.smaa_criteria, n_weights=args.smaa_weights, seed=args.seed,
                  threads=args.threads)
    if args.json:
        out = {
            "draws": args.draws, "seed": args.seed, "sampler": args.sampler, "scenarios": list(cmp.names),
            "files": list(args.files),
            "per_scenario": scen.to_dict(orient="index"),
            "pairs": [dict(metric=m, A=a, B=b, **row) for (m, a, b), row in pairs.to_dict(orient="index").items()],
        }
        if sm is not None:
            out["smaa"] = {"criteria": sm.criteria, "n_weights": args.smaa_weights,
                           "rank_acceptability": sm.rank_acceptability.to_dict(orient="index"),
                           "central_weights": sm.central_weights.to_dict(orient="index"),
                           "confidence": sm.confidence.to_dict()}
        print(json.dumps(_clean(out), indent=2))
    else:
        print(f"{len(cmp.names)} scenarios on common random numbers: {args.draws} draws, seed {args.seed}, "
              f"{args.sampler}\n")
        print(_table(scen))
        print()
        print(_table(pairs))
        if sm is not None:
            print(f"\nSMAA-2 over {args.smaa_criteria} weights ({args.smaa_weights} weight draws): rank "
                  f"acceptability and confidence factor")
            print(_table(sm.rank_acceptability.assign(confidence=sm.confidence)))
            print("\nCentral weights (mean weights making each scenario rank first)")
            print(_table(sm.central_weights))
    return 0


def _add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--draws", type=int, default=10_000, help="number of Monte Carlo draws (default 10000)")
    p.add_argument("--seed", type=int, default=0, help="seed of the random streams (default 0)")
    p.add_argument("--threads", type=int, default=None, help="worker threads (default: one per core)")
    p.add_argument("--sampler", choices=("lhs", "mc"), default="lhs",
                   help="lhs: Latin hypercube (default); mc: plain Monte Carlo")
    p.add_argument("--progress", dest="progress", action="store_true", default=None,
                   help="always show a progress bar (default: only for runs over a second)")
    p.add_argument("--no-progress", dest="progress", action="store_false", help="never show a progress bar")


def register(subparsers: Any) -> None:
    """Add ``run``, ``summary`` and ``compare`` to the ``socval`` command's subparsers."""
    p = subparsers.add_parser("run", help="Monte Carlo simulation of a scenario, written to an HDF5 results file",
                              description="Simulate FILE and write a self-describing HDF5 results file.")
    p.add_argument("file", help="scenario file (YAML)")
    _add_common(p)
    p.add_argument("--out", required=True, help="results file to write (HDF5; written atomically)")
    p.add_argument("--keep-full", action="store_true", help="keep the draws x years x outcomes tensors")
    p.add_argument("--year-values", action="store_true", help="per-year summaries of each outcome's value")
    p.set_defaults(func=_guarded(cmd_run))

    p = subparsers.add_parser("summary", help="summary table of a results file",
                              description="Print the summary of a results file written by `socval run`.")
    p.add_argument("file", help="results file (HDF5)")
    p.add_argument("--json", action="store_true", help="machine-readable JSON on stdout")
    p.set_defaults(func=_guarded(cmd_summary))

    p = subparsers.add_parser("compare", help="compare scenarios on common random numbers",
                              description="Simulate each scenario with the same seed and compare them draw by draw.")
    p.add_argument("files", nargs="+", metavar="FILE", help="two or more scenario files (YAML)")
    _add_common(p)
    p.add_argument("--json", action="store_true", help="machine-readable JSON on stdout")
    p.add_argument("--smaa", action="store_true",
                   help="SMAA-2 across the scenarios: which wins under which weights on the criteria")
    p.add_argument("--smaa-criteria", choices=("pillars", "priorities"), default="pillars",
                   help="SMAA criteria (default pillars)")
    p.add_argument("--smaa-weights", type=int, default=10_000, help="SMAA weight draws (default 10000)")
    p.set_defaults(func=_guarded(cmd_compare))


def _guarded(func: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """The subcommand with its errors turned into exit codes: a socval error, a missing file or an unknown metric
    -> its message on stderr, exit 2; Ctrl-C -> exit 130 (nothing is written: files appear only when complete)."""

    def run(args: argparse.Namespace) -> int:
        from ._core import SocvalError

        try:
            return func(args)
        except KeyboardInterrupt:
            print("socval: interrupted; nothing was written", file=sys.stderr)
            return 130
        except SocvalError as e:
            print(str(e), file=sys.stderr)
            return 2
        except (OSError, KeyError, TypeError) as e:
            msg = e.args[0] if isinstance(e, KeyError) and e.args else e
            print(f"socval {args.command}: error: {msg}", file=sys.stderr)
            return 2

    run.__doc__ = func.__doc__
    return run


def main(argv: Optional[List[str]] = None) -> int:
    """Standalone entry point (``python -m socval.cli_simulation``)."""
    parser = argparse.ArgumentParser(prog="socval", description="socval Monte Carlo commands")
    sub = parser.add_subparsers(dest="command", required=True)
    register(sub)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
