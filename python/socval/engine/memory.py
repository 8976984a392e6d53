"""Memory a run will need, estimated before it starts, so that a run that cannot fit is refused with the estimate
in the message instead of failing part-way with a MemoryError (or being killed by the operating system).

The estimate counts the per-draw arrays the engine keeps (8 bytes a value; see docs/guide/limits.md) and the
copy made when they reach Python; summaries of fixed size are small beside them and left out.
"""
from __future__ import annotations

import os
from typing import Optional

__all__ = ["available_bytes", "usable_bytes", "run_bytes", "check_run_fits", "human"]

#: Share of the available memory a run may plan to use (the rest is headroom for Python, numpy and the system).
USABLE_SHARE = 0.8


def available_bytes() -> Optional[int]:
    """Memory the system can give now (Linux MemAvailable; else physical memory); None if unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_AVPHYS_PAGES"))
    except (ValueError, OSError, AttributeError):
        return None


def _limit_from_environment() -> Optional[int]:
    """SOCVAL_MEMORY_LIMIT in bytes (a whole number, or with a suffix k, M, G or T, decimal), None when unset;
    the same rule as the C++ engine (cpp/src/engine/memory.cpp), which plans option tracking with it."""
    text = os.environ.get("SOCVAL_MEMORY_LIMIT", "")
    if not text:
        return None
    scale = {"k": 1e3, "K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12}.get(text[-1], 1.0)
    number = text[:-1] if text[-1] in "kKMGT" else text
    try:
        value = float(number) * scale
    except ValueError:
        value = float("nan")
    if not (0 < value < 1.8e19):
        from .. import _core
        raise _core.AppraisalError(f"SOCVAL_MEMORY_LIMIT: expected a number of bytes > 0, optionally with a suffix "
                                   f"k, M, G or T (e.g. 4G), found {text[:40]!r}")
    return int(value)


def usable_bytes() -> Optional[int]:
    """Bytes a run may plan to use: SOCVAL_MEMORY_LIMIT when set (a service can cap each run), else
    USABLE_SHARE of the available memory; None if unknown."""
    limit = _limit_from_environment()
    if limit is not None:
        return limit
    available = available_bytes()
    return None if available is None else int(USABLE_SHARE * available)


def run_bytes(draws: int, n_priorities: int, n_outcomes: int, n_parameters: int, n_years: int, *,
              keep_outcomes: bool, keep_full: bool, keep_inputs: bool, track_levers: bool,
              keep_breakdowns: bool, keep_derived: bool = False, n_places: int = 0, people: bool = False,
              year_breakdowns: bool = True, n_quantiles: int = 5, deciles: bool = False) -> int:
    """Bytes of the arrays of a run's result: four PVs and priorities (+ unallocated) always; NPSV, BCR, SROI and
    four pillars with keep_derived (socval.simulate derives them instead); beneficiaries (3) and lever costs (3)
    when kept; lever values (3) with lever tracking; two per outcome with keep_outcomes; one per parameter with
    keep_inputs; two per outcome and year with keep_full; value and spend per place; with people six quintile
    rows, the weighted PV benefits, NPSV and BCR and eta; eleven IMD decile rows with deciles; and the per-year
    tables by place, quintile and decile (4 + one per quantile level, per row and year: their size does not grow
    with draws). Twice that: the engine's arrays
    and their copy in Python. Half of it is cpp/src/engine/memory.cpp's simulation_bytes, exactly."""
    per_draw = 4 + (n_priorities + 1) + (3 + 4 if keep_derived else 0)
    per_draw += 3 if keep_breakdowns else 0
    per_draw += (3 + (3 if keep_breakdowns else 0)) if track_levers else 0
    per_draw += 2 * n_outcomes if keep_outcomes else 0
    per_draw += n_parameters if keep_inputs else 0
    per_draw += 2 * n_outcomes * n_years if keep_full else 0
    quintile_rows = 6 if people else 0
    per_draw += 2 * n_places + (quintile_rows + 4 if people else 0) + (11 if deciles else 0)
    decile_rows = 11 if deciles else 0  # d1..d10, unallocated
    year_cells = (n_places + quintile_rows + decile_rows) * n_years * (4 + n_quantiles) if year_breakdowns else 0
    return 2 * 8 * (per_draw * int(draws) + year_cells)


def human(n: float) -> str:
    """Bytes as '1.2 GB' (decimal units)."""
    for unit in ("bytes", "kB", "MB", "GB", "TB"):
        if abs(n) < 1000 or unit == "TB":
            return f"{n:,.0f} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n /= 1000
    return f"{n:,.1f} PB"


def check_run_fits(estimate: int, what: str, error: type) -> None:
    """Raise ``error`` (a socval error type) if ``estimate`` bytes exceed :func:`usable_bytes`."""
    usable = usable_bytes()
    if usable is None or estimate <= usable:
        return
    allowed = (f"{human(usable)} is allowed (SOCVAL_MEMORY_LIMIT)" if os.environ.get("SOCVAL_MEMORY_LIMIT")
               else f"{human(usable / USABLE_SHARE)} is available (a run may use {USABLE_SHARE:.0%} of it)")
    raise error(f"{what} would need about {human(estimate)} of memory, but {allowed}: use fewer draws, or drop "
                f"keep_full / keep_outcomes / keep_inputs / keep_breakdowns (docs/guide/limits.md)")
