"""Evidence status of a scenario's inputs, and the share of NPSV that rests on illustrative inputs.

An input's status comes from the comment block just above the line where it is written (the convention of the
West of England files, docs/west-of-england.md): a block with a line starting ``source:`` is *sourced*, one starting
``illustrative:`` is *illustrative*, anything else (or no comment) is *none* (no source given). The search looks up
through the lines of the same item (sibling list items of a cost profile, ``kind:`` keys, parent keys) but not past a
blank line or another distribution's line. Method of the share: docs/model/review.md.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional

import numpy as np

from .. import _core

__all__ = ["Evidence", "evidence_status", "comment_block", "illustrative_share", "IllustrativeShare",
           "VALUE_CARRYING"]

_TAG = re.compile(r"^(source|illustrative):\s*", re.I)


@dataclass(frozen=True)
class Evidence:
    """The evidence status of one input: ``source``, ``illustrative`` or ``none``, and its reasoning."""
    status: str
    reasoning: str


def comment_block(lines: List[str], lineno: int) -> Optional[List[str]]:
    """The comment lines documenting the input written on line ``lineno`` (1-based), or None."""
    if not 0 < lineno <= len(lines):
        return None
    line = lines[lineno - 1]
    cur = len(line) - len(line.lstrip())
    j = lineno - 2
    while j >= 0:
        st = lines[j].strip()
        if st.startswith("#"):
            block = []
            while j >= 0 and lines[j].strip().startswith("#"):
                block.insert(0, lines[j].strip().lstrip("#").strip())
                j -= 1
            return block
        if not st:
            return None
        ind = len(lines[j]) - len(lines[j].lstrip())
        if ind < cur:
            if ind == 0:
                return None
            cur = ind
        elif "dist:" in st and not (st.startswith("- ") and ind == cur):
            return None
        j -= 1
    return None


def status_of_comment(block: Optional[List[str]]) -> Evidence:
    block = [b for b in (block or []) if not re.match(r"-{2,}|={2,}", b)]
    tags = [_TAG.match(b) for b in block]
    status = next((m.group(1).lower() for m in tags if m), "none")
    return Evidence(status, " ".join(_TAG.sub("", b) for b in block) if status != "none" else "")


def evidence_status(core: Any) -> Dict[str, Evidence]:
    """Parameter id -> Evidence, for every uncertain parameter of a core scenario (files that cannot be read give
    ``none``)."""
    cache: Dict[str, Optional[List[str]]] = {}
    out = {}
    for p in core.parameters:
        if p.id.startswith("value:"):  # a library value drawn in every draw: its source is the library's entry
            out[p.id] = Evidence("source", f"value library entry {p.id[len('value:'):]!r} (data/, with its source)")
            continue
        f = p.where.file
        if f not in cache:
            try:
                cache[f] = Path(f).read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                cache[f] = None
        lines = cache[f]
        out[p.id] = status_of_comment(comment_block(lines, int(p.where.line)) if lines else None)
    return out


#: Parameter id endings that carry value (units or GBP per unit): set to 0, the value resting on them goes.
VALUE_CARRYING = (re.compile(r"^outcomes\.[^.]+\.value(\.per_unit)?$"),
                  re.compile(r"^options\.[^.]+\.outputs\.[^.]+(\.amount)?$"),
                  re.compile(r"^links\.[^.]+\.coefficient$"))


def carries_value(pid: str) -> bool:
    return any(r.match(pid) for r in VALUE_CARRYING)


@dataclass(frozen=True)
class IllustrativeShare:
    """The NPSV resting on illustrative value-carrying inputs (docs/model/review.md).

    mean_share: mean over draws of R / PV benefits; p5, p95: its 5th and 95th percentiles; resting_mean: mean R
    (GBP); npsv_mean: mean NPSV; largest: (parameter id, GBP of mean NPSV resting on it alone) for the largest
    ones; inputs: how many illustrative value-carrying inputs there are; draws: draws used.
    """
    mean_share: float
    p5: float
    p95: float
    resting_mean: float
    npsv_mean: float
    largest: tuple
    inputs: int
    draws: int

    @staticmethod
    def _gbp(x: float) -> str:
        return f"GBP {x / 1e6:,.1f}m" if abs(x) >= 1e5 else f"GBP {x:,.0f}"

    def sentence(self) -> str:
        if not self.inputs:
            return "no value-carrying input is marked illustrative"
        names = ", ".join(f"{p} ({self._gbp(v)})" for p, v in self.largest[:3])
        return (f"{100 * self.mean_share:.0f}% of PV benefits (p5-p95 {100 * self.p5:.0f}-{100 * self.p95:.0f}%; "
                f"{self._gbp(self.resting_mean)} of a mean NPSV of {self._gbp(self.npsv_mean)}) rests on "
                f"{self.inputs} illustrative inputs; largest: {names}")


def illustrative_share(scenario: Any, status: Dict[str, Evidence], draws: int = 200, seed: int = 0,
                       top: int = 5) -> IllustrativeShare:
    """Share of the scenario's value resting on its illustrative value-carrying inputs, over ``draws`` keyed
    draws (the draws ``simulate`` makes with ``seed``, Latin hypercube), evaluated by the engine's design
    evaluator: R_d = B(x_d) - B(x_d with every illustrative value-carrying input at 0)."""
    core, lib = scenario.core, scenario.library
    ids = [p.id for p in core.parameters]
    ill = [i for i in ids if status.get(i) and status[i].status == "illustrative" and carries_value(i)]
    an = _core.analysis
    x = np.ascontiguousarray(np.asarray(an.sampled_parameters(core, seed, draws, sampler="lhs")).T)

    def pv(design, output="pv_benefits"):
        return np.asarray(an.evaluate_design(core, lib, ids, design, input="values", output=output), dtype=float)

    b = pv(x)
    npsv = pv(x, "npsv")
    if not ill:
        return IllustrativeShare(0.0, 0.0, 0.0, 0.0, float(npsv.mean()), (), 0, draws)
    cols = [ids.index(i) for i in ill]
    x0 = x.copy()
    x0[:, cols] = 0.0
    resting = b - pv(x0)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(b != 0, resting / b, 0.0)
    # each input alone at 0, every other input at its central value: one design row per input
    central = np.array([p.central for p in core.parameters], dtype=float)
    rows = np.repeat(central[None, :], len(cols) + 1, axis=0)
    for r, c in enumerate(cols, start=1):
        rows[r, c] = 0.0
    v = pv(np.ascontiguousarray(rows))
    singles = [(i, float(v[0] - v[r])) for r, i in enumerate(ill, start=1)]
    singles.sort(key=lambda t: -abs(t[1]))
    return IllustrativeShare(float(np.mean(share)), float(np.quantile(share, 0.05)), float(np.quantile(share, 0.95)),
                             float(resting.mean()), float(npsv.mean()), tuple(singles[:top]), len(ill), draws)
