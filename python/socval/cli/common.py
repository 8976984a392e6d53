"""What every subcommand prints with: JSON-ready values and plain-text tables."""
from __future__ import annotations

from typing import Any

import pandas as pd

from .._util.jsonio import json_ready

__all__ = ["json_ready", "text_table"]


def text_table(df: Any) -> str:
    """A DataFrame as plain text for the terminal (wide, every row, 6 significant digits)."""
    with pd.option_context("display.width", 200, "display.max_columns", 30, "display.max_rows", 500,
                           "display.float_format", lambda v: f"{v:,.6g}"):
        return df.to_string()
