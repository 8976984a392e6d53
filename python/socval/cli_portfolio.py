"""CLI subcommand of portfolio choice: ``socval optimise FILE --budget B``.

``register(subparsers)`` adds it to the ``socval`` command's argparse subparsers (as ``socval.cli_simulation``
does); ``python -m socval.cli_portfolio ...`` runs it alone. Exit codes: 0 success; 2 a socval error (message on
stderr, no traceback; e.g. no feasible portfolio); 130 interrupted.
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any, Callable, List, Optional


from .cli_simulation import _clean, _table

__all__ = ["register", "main", "cmd_optimise"]


def _guarded(func: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """The subcommand with its errors turned into exit codes: a socval error or a missing file -> its message on
    stderr, exit 2; Ctrl-C -> exit 130 (the --out file is written only at the end)."""

    def run(args: argparse.Namespace) -> int:
        from ._core import SocvalError

        try:
            return func(args)
        except KeyboardInterrupt:
            print("socval: interrupted; nothing was written", file=sys.stderr)
            return 130
        except (SocvalError, OSError, TypeError) as e:
            print(f"socval {args.command}: error: {e}", file=sys.stderr)
            return 2

    run.__doc__ = func.__doc__
    return run


def cmd_optimise(args: argparse.Namespace) -> int:
    """socval optimise FILE --budget B [--objective mean|cvar --alpha A] [--draws N] [--seed S] [--out F] [--json]"""
    from .portfolio import optimise

    choice = optimise(args.file, args.budget, candidates=args.candidates, objective=args.objective,
                      alpha=args.alpha, draws=args.draws, seed=args.seed, include=args.include,
                      exclude=args.exclude, sampler=args.sampler, threads=args.threads)
    if args.out:
        choice.save(args.out)
    if args.json:
        out = choice.to_dict()
        out["file"] = args.file
        out["out"] = args.out
        out["options"] = choice.values.summary().reset_index().to_dict(orient="records")
        print(json.dumps(_clean(out), indent=2))
    else:
        kind = args.objective if args.alpha is None else f"{args.objective} at alpha {args.alpha}"
        print(f"Best portfolio within {args.budget:,.0f} ({kind}, {args.draws} draws, seed {args.seed}): "
              f"{', '.join(choice.selected) or '(none)'}")
        print(f"objective {choice.objective:,.0f}; expected PV cost {choice.cost:,.0f}; "
              f"binding: {', '.join(choice.binding) or 'none'}")
        print()
        print(_table(choice.values.summary()))
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
    p.add_argument("--objective", choices=("mean", "cvar"), default="mean",
                   help="mean: expected value (default); cvar: mean of the worst alpha share of draws")
    p.add_argument("--alpha", type=float, default=None, help="CVaR level in (0, 1), e.g. 0.1")
    p.add_argument("--draws", type=int, default=2000, help="number of Monte Carlo draws (default 2000)")
    p.add_argument("--seed", type=int, default=0, help="seed of the random streams (default 0)")
    p.add_argument("--threads", type=int, default=None, help="worker threads (default: one per core)")
    p.add_argument("--sampler", choices=("lhs", "mc"), default="lhs", help="lhs (default) or mc")
    p.add_argument("--candidates", nargs="+", default=None, metavar="ID", help="option ids to choose from")
    p.add_argument("--include", nargs="+", default=None, metavar="ID", help="options that must be chosen")
    p.add_argument("--exclude", nargs="+", default=None, metavar="ID", help="options that must not be chosen")
    p.add_argument("--out", default=None, help="write a scenario funding the portfolio (YAML)")
    p.add_argument("--json", action="store_true", help="machine-readable JSON on stdout")
    p.set_defaults(func=_guarded(cmd_optimise))


def main(argv: Optional[List[str]] = None) -> int:
    """Standalone entry point (``python -m socval.cli_portfolio``)."""
    parser = argparse.ArgumentParser(prog="socval", description="socval portfolio commands")
    sub = parser.add_subparsers(dest="command", required=True)
    register(sub)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
