"""Argument checks shared by the Python face: one rule each, raised as the caller's typed error."""
from __future__ import annotations

from typing import Optional, Type


def threads(value: Optional[int], error: Type[Exception]) -> int:
    """Worker threads: None -> 0 (the core's choice: every core), else a whole number >= 1."""
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, (int, float)) or int(value) != value or value < 1:
        raise error(f"threads: expected None or a whole number >= 1, found {value!r}")
    return int(value)
