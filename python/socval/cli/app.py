"""The ``socval`` command line.

Subcommands come from a registry: each entry is a module with ``register(subparsers)`` that adds its parsers and
sets ``func`` (a function of the parsed arguments returning the exit code) with ``set_defaults(func=...)``.
Adding a subcommand is one line in :data:`SUBCOMMAND_MODULES` (modules not installed are skipped).

Errors are handled once, here (:func:`run`): a subcommand raises and never prints its own error. Exit codes: 0
success; 2 a socval error, a missing or unreadable file, an unknown name (``socval <command>: error: <message>`` on
stderr, no traceback) or a usage error; 130 interrupted (nothing is written: files appear only when complete).
"""
from __future__ import annotations

import argparse
import importlib
import sys
from typing import List, Optional, Sequence
from .._core import __version__
from .._core import SocvalError
from .._util.signals import exit_code, quiet_warnings, stop_on_termination
from . import scenario as scenario_commands

__all__ = ["main", "run", "build_parser", "SUBCOMMAND_MODULES"]

#: Modules that add subcommands, in the order they appear in ``socval --help`` after ``validate`` and
#: ``evaluate`` (socval.cli.scenario, always there).
SUBCOMMAND_MODULES: List[str] = [
    "socval.cli.simulation",   # run, summary, compare
    "socval.cli.sensitivity",  # sensitivity
    "socval.cli.discover",     # discover
    "socval.cli.voi",          # voi
    "socval.cli.portfolio",    # optimise
    "socval.cli.values",       # values
    "socval.cli.report",       # report
    "socval.cli.check",        # check
    "socval.cli.bids",         # bids
    "socval.cli.track",        # track
]


def build_parser() -> argparse.ArgumentParser:
    """The argparse parser with every registered subcommand."""
    parser = argparse.ArgumentParser(prog="socval", description="Social value appraisal of investment scenarios "
                                                                "(Green Book, with Monte Carlo uncertainty).")
    parser.add_argument("--version", action="version", version=f"socval {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    scenario_commands.register(subparsers)
    for name in SUBCOMMAND_MODULES:
        try:
            module = importlib.import_module(name)
            module.register(subparsers)
        except ModuleNotFoundError as e:
            if e.name != name:
                _broken(name, e)
            # else: not written yet, skip it
        except Exception as e:  # a broken subcommand must not take down the others: say so, carry on
            _broken(name, e)
    return parser


def _broken(module: str, error: BaseException) -> None:
    print(f"socval: warning: the subcommands of {module} are unavailable ({type(error).__name__}: {error})",
          file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    """Run a parsed subcommand; its errors become a one-line message on stderr and an exit code."""
    try:
        return int(args.func(args) or 0)
    except BrokenPipeError:
        raise  # the reader of our output left: main() ends quietly
    except (SocvalError, OSError, KeyError) as e:  # KeyError: an unknown metric, option or value id
        msg = e.args[0] if isinstance(e, KeyError) and e.args else e
        print(f"socval {args.command}: error: {msg}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"socval {args.command}: interrupted; nothing was written", file=sys.stderr)
        return exit_code()


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the ``socval`` command; returns the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # argparse: --help / --version exit 0, usage errors 2
        return int(e.code or 0)
    if getattr(args, "func", None) is None:
        parser.print_help(sys.stderr)
        return 2
    stop_on_termination()  # SIGTERM and SIGHUP clean up like Ctrl-C: no temporary file is left
    quiet_warnings()       # library warnings (numpy, pandas, matplotlib) are not the user's business
    try:
        return run(args)
    except BrokenPipeError:  # e.g. `socval evaluate F | head`: the reader left, nothing more to say
        import os
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
