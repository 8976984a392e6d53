"""Numbers, words and paths as a report writes them: GBP amounts, percentages, shares, lists of words, the sampler,
a path as a user would type it and the report's timestamp."""
from __future__ import annotations

import datetime as _dt
import os
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np

from ..engine.results import SAMPLER_FLAGS

_SAMPLER_NAMES = {"lhs": "Latin hypercube", "mc": "plain Monte Carlo"}


def _sampler(attrs: Mapping[str, Any]) -> str:
    """The sampler of a run (its results' attributes) as the command-line flag: lhs or mc."""
    s = str(attrs.get("sampler", ""))
    return SAMPLER_FLAGS.get(s, s)


def _display_path(p: Any) -> str:
    """A scenario or results path as a user would type it: relative to the working folder when inside it; '' for
    scenarios that came from no file (``<dict>``, ``<text>``)."""
    if not p or str(p).startswith("<"):
        return ""
    p = Path(str(p))
    try:
        return os.path.relpath(p) if p.is_absolute() and Path.cwd() in p.parents else str(p)
    except ValueError:
        return str(p)


def _gbp(x: float, digits: int = 1) -> str:
    """GBP amount in words-friendly units: GBP 1.2bn, GBP 11.3m, GBP 250k, GBP 40; minus sign in front."""
    if not np.isfinite(x):
        return "n/a"
    sign, a = ("-" if x < 0 else ""), abs(float(x))
    if a >= 1e9:
        return f"{sign}GBP {a / 1e9:,.2f}bn"
    if a >= 1e6:
        return f"{sign}GBP {a / 1e6:,.{digits}f}m"
    if a >= 1e3:
        return f"{sign}GBP {a / 1e3:,.0f}k"
    return f"{sign}GBP {a:,.0f}"


def _pct(p: float, digits: int = 0) -> str:
    return "n/a" if not np.isfinite(p) else f"{100 * p:.{digits}f}%"


def _num(x: Any) -> str:
    """A number with 4 significant digits and thousands separators (integers as they are)."""
    if x is None or (isinstance(x, float) and not np.isfinite(x)):
        return "n/a"
    x = float(x)
    if x == int(x) and abs(x) < 1e15:
        return f"{int(x):,}"
    return f"{x:,.4g}" if abs(x) < 1e4 else f"{x:,.0f}"


def _share(x: float) -> str:
    """A share in [0, 1] as a percentage with up to one decimal."""
    v = 100 * float(x)
    return f"{v:.0f}%" if abs(v - round(v)) < 1e-9 else f"{v:.1f}%"


def _list(words: Sequence[str]) -> str:
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")

