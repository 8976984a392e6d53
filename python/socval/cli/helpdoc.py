"""The ``--help`` text of every subcommand, written into docs/guide/cli.md so the page reads well on GitHub and in
an editor without a docs build (no placeholders): ``python -m socval.cli.helpdoc docs/guide/cli.md`` rewrites
each block that follows a ``<!-- socval-help: COMMAND -->`` marker; tests/python/test_docs_guide.py checks the
page is current.
"""
from __future__ import annotations

import argparse
import os
import re
import sys
from typing import Optional

from .app import build_parser

__all__ = ["command_help", "rewrite", "MARKER"]

#: A help block: the marker line, then a ```text fence holding the help.
MARKER = re.compile(r"^<!-- socval-help: (?P<command>[\w-]+) -->\n```text\n(?P<body>.*?)^```[ \t]*$", re.S | re.M)


def command_help(command: Optional[str], width: int = 100) -> str:
    """The ``--help`` text of ``socval`` (command None) or of ``socval COMMAND``, formatted at ``width`` columns."""
    parser = build_parser()
    if command == "socval":  # the marker of the top-level help
        command = None
    if command is not None:
        subparsers = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        choices = subparsers[0].choices if subparsers else {}
        if command not in choices:
            raise ValueError(f"socval has no subcommand {command!r}; it has: {', '.join(choices)}")
        parser = choices[command]
    saved = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = str(width)  # argparse sizes its help from the terminal width
    try:
        return parser.format_help().rstrip() + "\n"
    finally:
        if saved is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = saved


def rewrite(text: str) -> str:
    """``text`` with every marked help block replaced by the current help of its command."""
    return MARKER.sub(lambda m: f"<!-- socval-help: {m['command']} -->\n```text\n{command_help(m['command'])}```",
                      text)


def main(argv: Optional[list] = None) -> int:
    for path in (argv if argv is not None else sys.argv[1:]):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        with open(path, "w", encoding="utf-8") as f:
            f.write(rewrite(text))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
