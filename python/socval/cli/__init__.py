"""The ``socval`` command line: one module per family of subcommands, wired in :mod:`socval.cli.app`."""
from .app import build_parser, main, run

__all__ = ["main", "run", "build_parser"]
