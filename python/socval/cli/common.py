"""What every subcommand prints with: JSON-ready values and tables in socval's one number style
(socval._util.numbers: money in GBP m or k with the price base, counts with separators, ratios to two decimals,
round-off as 0, at most 100 columns wide)."""
from __future__ import annotations

import argparse
from typing import Any

from .._util.jsonio import json_ready
from .._util.numbers import (WIDTH, format_table, frame_to_text, money, money_heading, money_scale, money_table,
                             ratio, text_table, top)

__all__ = ["json_ready", "text_table", "format_table", "frame_to_text", "money", "money_heading", "money_scale",
           "money_table", "ratio", "top", "add_top", "WIDTH"]


def _positive(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, found {text!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, found {text!r}")
    return n


def add_top(p: argparse.ArgumentParser, default: Any = 20) -> None:
    """The ``--top N`` option every ranking takes."""
    p.add_argument("--top", type=_positive, default=default, metavar="N",
                   help=f"show the first N rows of the ranking (default {default}; the JSON output has them all)")

