"""How far a comparison's conclusion can be trusted: the switching value of each uncertain input that could change
it, set against the input's range and evidence status; the ranking re-run under structural alternatives; a one-line
verdict. Method: docs/model/review.md."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np
import pandas as pd

from .. import _core
from ..decision.switching import PairModel, default_bounds, search_switching_value
from ..model.scenario import scenario_from_dict
from ..sensitivity.scenario import scenario_sensitivity
from .evidence import Evidence, evidence_status

__all__ = ["Trust", "trust", "NEAR", "alternatives"]

#: A switching value outside an input's range but within this share of the range's width of it is "near".
NEAR = 0.1
#: The search for a switching value reaches this share of the range's width beyond each end (to find "near" ones).
WIDEN = 0.5


@dataclass
class Trust:
    """The trust analysis of a comparison.

    best, runner_up: names by mean NPSV over the draws used; means: mean NPSV per scenario;
    switching: one row per (pair, input) searched: pair, parameter, status (source / illustrative / none),
    switching_value, low, high (the input's range), current, position (inside / near / outside / none);
    alternatives: one row per structural alternative tried: alternative, best, mean NPSV per scenario, note;
    verdict: the one-line verdict.
    """
    best: str
    runner_up: str
    means: Dict[str, float]
    switching: pd.DataFrame
    alternatives: pd.DataFrame
    verdict: str
    draws: int = 0
    notes: List[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"best": self.best, "runner_up": self.runner_up, "means": self.means, "verdict": self.verdict,
                "draws": self.draws, "notes": list(self.notes),
                "switching": self.switching.replace({np.nan: None}).to_dict(orient="records"),
                "alternatives": self.alternatives.replace({np.nan: None}).to_dict(orient="records")}

    def __repr__(self) -> str:
        return self.verdict


# ---- the ranking on keyed draws ----------------------------------------------------------------------------------

def _mean_npsv(scenario: Any, draws: int, seed: int, output: str = "npsv", core: Any = None) -> float:
    """Mean of ``output`` (NPSV, or weighted NPSV) over the keyed draws simulate() makes with ``seed`` (LHS),
    evaluated by the design evaluator; ``core`` replaces the scenario's own (the place perspective)."""
    core, lib = (scenario.core if core is None else core), scenario.library
    an = _core.analysis
    ids = [p.id for p in core.parameters]
    if not ids:
        return float(an.evaluate_design(core, lib, [], np.zeros((1, 0)), input="values", output=output)[0])
    x = np.ascontiguousarray(np.asarray(an.sampled_parameters(core, seed, draws, sampler="lhs")).T)
    return float(np.mean(an.evaluate_design(core, lib, ids, x, input="values", output=output)))


def _ranking(scenarios: Dict[str, Any], draws: int, seed: int, output: str = "npsv",
             cores: Optional[Dict[str, Any]] = None) -> Dict[str, float]:
    return {n: _mean_npsv(s, draws, seed, output, (cores or {}).get(n)) for n, s in scenarios.items()}


# ---- structural alternatives -------------------------------------------------------------------------------------

def _edit(scenario: Any, change: Callable[[dict], bool]) -> Optional[Any]:
    """The scenario with its document changed by ``change`` (None when the change does not apply)."""
    doc = scenario.document
    if not change(doc):
        return None
    return scenario_from_dict(doc, name=f"{scenario.source} (alternative)", base_dir=getattr(scenario, "_base_dir", "."),
                              library=scenario.library, allow_outside=True)


def _value_case(case: str) -> Callable[[dict], bool]:
    def change(doc: dict) -> bool:
        doc.setdefault("metadata", {})["carbon_case"] = case
        for o in doc.get("outcomes") or []:
            v = o.get("value")
            if isinstance(v, dict) and v.get("kind") in ("carbon", "wellby", "qaly", "unit_value"):
                v["case"] = case
        return True
    return change


def _metadata(**changes: Any) -> Callable[[dict], bool]:
    def change(doc: dict) -> bool:
        meta = doc.setdefault("metadata", {})
        if all(meta.get(k) == v for k, v in changes.items()):
            return False
        meta.update(changes)
        return True
    return change


def _no_health_schedule(doc: dict) -> bool:
    hit = False
    for o in doc.get("outcomes") or []:
        if o.get("schedule") == "health":
            del o["schedule"]
            hit = True
    return hit


def _no_mitigation(doc: dict) -> bool:
    hit = False
    for opt in doc.get("options") or []:
        ob = opt.get("optimism_bias")
        if isinstance(ob, dict):
            for part in (ob, ob.get("revenue") if isinstance(ob.get("revenue"), dict) else None):
                if part and part.get("mitigation") not in (None, 0):
                    part["mitigation"] = 0
                    hit = True
    return hit


def alternatives(horizon: int) -> List[Tuple[str, Callable[[dict], bool]]]:
    """The structural alternatives a reviewer asks for (name, change of the document)."""
    return [
        ("low values (carbon, WELLBY, QALY and unit values at their low case)", _value_case("low")),
        ("high values (carbon, WELLBY, QALY and unit values at their high case)", _value_case("high")),
        ("reduced discount schedule (Green Book, catastrophic risk excluded)", _metadata(schedule="reduced")),
        ("wellbeing and health discounted at the standard rate", _no_health_schedule),
        (f"horizon {max(1, horizon - 5)} year{'s' if max(1, horizon - 5) > 1 else ''}",
         _metadata(horizon=max(1, horizon - 5))),
        (f"horizon {horizon + 10} years", _metadata(horizon=horizon + 10)),
        ("optimism bias at its upper bound (no mitigation)", _no_mitigation),
    ]


def _lenses(scenarios: Dict[str, Any], draws: int, seed: int) -> List[Dict[str, Any]]:
    """The ranking seen through the place perspective and through Annex A3 distributional weights, when the
    scenarios declare them (rows as the structural alternatives')."""
    from ..engine.perspectives import place_core

    rows = []
    places = {n: place_core(s.core, s.library) for n, s in scenarios.items()}
    row: Dict[str, Any] = {"alternative": "place perspective (the region: outcomes' place overrides)", "best": None,
                           "note": ""}
    if all(c is None for c in places.values()):
        row["note"] = "does not apply (no outcome declares a place perspective)"
    else:
        m = _ranking(scenarios, draws, seed, cores={n: c for n, c in places.items() if c is not None})
        row.update({f"npsv: {n}": v for n, v in m.items()}, best=max(m, key=m.get))
    rows.append(row)
    row = {"alternative": "distributional weights (Green Book Annex A3: weighted NPSV, eta sampled)", "best": None,
           "note": ""}
    if not any(s.document.get("people") or any(isinstance(o, dict) and o.get("people")
                                               for o in s.document.get("outcomes") or [])
               for s in scenarios.values()):
        row["note"] = "does not apply (no scenario declares people:)"
    else:
        try:
            m = _ranking(scenarios, draws, seed, output="weighted_npsv")
            row.update({f"npsv: {n}": v for n, v in m.items()}, best=max(m, key=m.get))
        except _core.SocvalError as e:  # e.g. one scenario of the comparison without people:
            row["note"] = f"not tried: {str(e).splitlines()[0]}"
    rows.append(row)
    return rows


# ---- switching values against ranges -----------------------------------------------------------------------------

def _position(x: Optional[float], lo: float, hi: float) -> str:
    if x is None:
        return "none"
    if lo <= x <= hi:
        return "inside"
    return "near" if min(abs(x - lo), abs(x - hi)) <= NEAR * (hi - lo) else "outside"


def _pair_rows(label: str, a: Any, b: Optional[Any], names: Sequence[str], status: Dict[str, Evidence], top: int,
               draws: int, seed: int) -> List[dict]:
    try:
        tornado = scenario_sensitivity(a, method="tornado", other=b, output="npsv")
    except _core.SensitivityError:  # neither scenario has an uncertain input: nothing can switch
        return []
    params = list(tornado["input"].head(top))
    model = PairModel(a, b, "npsv", "expected", draws, seed, "lhs", None)
    model.names = list(names)
    rows = []
    for pid in params:
        dist = model.distribution(pid)
        lo, hi = default_bounds(pid, dist)
        w = hi - lo
        slo, shi = lo - WIDEN * w, hi + WIDEN * w
        if lo >= 0:
            slo = max(slo, 0.0)
        if pid.rsplit(".", 1)[-1] in ("deadweight", "displacement", "leakage", "substitution", "attribution",
                                      "drop_off", "mitigation", "benefits_shortfall"):
            slo, shi = max(slo, 0.0), min(shi, 1.0)
        r = search_switching_value(model, pid, (slo, shi), None, 17)
        rows.append({"pair": label, "parameter": pid, "status": status.get(pid, Evidence("none", "")).status,
                     "switching_value": r.switching_value, "low": lo, "high": hi, "current": r.current,
                     "position": _position(r.switching_value, lo, hi), "preferred_now": r.preferred_now,
                     "message": r.message})
    return rows


def _fmt(x: float) -> str:
    a = abs(x)
    if a >= 100:
        return f"{x:,.0f}"
    if a >= 1:
        return f"{x:,.3g}" if a < 10 else f"{x:,.1f}"
    return f"{x:.3g}"


def _hinge_text(rows: pd.DataFrame, runner: str) -> str:
    """``param (switches at X against Y[, just outside its range] and at ...; range lo-hi)`` for one input."""
    bits = []
    for _, r in rows.iterrows():
        other = "doing nothing" if str(r["pair"]).endswith("do nothing") else runner
        near = " (just outside its range)" if r["position"] == "near" else ""
        bits.append(f"at {_fmt(r['switching_value'])} against {other}{near}")
    first = rows.iloc[0]
    return f"{first['parameter']} (switches {' and '.join(bits)}; range {_fmt(first['low'])}-{_fmt(first['high'])})"


def _verdict(best: str, runner: str, sw: pd.DataFrame, alt: pd.DataFrame) -> str:
    tried = int(alt["best"].notna().sum()) if len(alt) else 0
    changed = alt[(alt["best"].notna()) & (alt["best"] != best)] if len(alt) else alt
    hinge = sw[sw["position"].isin(["inside", "near"])] if len(sw) else sw
    if not len(changed) and not len(hinge):
        return (f"robust: {best} is best under every alternative tried ({tried}: structural changes, and the place "
                f"perspective and distributional weights where declared; no input's switching value falls within or "
                f"near its range)")
    parts = []
    if len(hinge):
        # inputs that switch the best-vs-runner-up choice first, then those that switch best-vs-doing-nothing
        hinge = hinge.assign(_vs=hinge["pair"].str.endswith("do nothing"),
                             _in=hinge["position"] != "inside").sort_values(["_vs", "_in"], kind="stable")
        params = list(dict.fromkeys(hinge["parameter"]))
        texts = [_hinge_text(hinge[hinge["parameter"] == p], runner) for p in params]
        kinds = {p: hinge[hinge["parameter"] == p]["status"].iloc[0] for p in params}
        if len(params) == 1:
            kind = {"illustrative": "illustrative", "source": "sourced"}.get(kinds[params[0]], "unsourced")
            parts.append(f"depends on one {kind} input: {texts[0]}")
        else:
            ill = sum(k == "illustrative" for k in kinds.values())
            more = f"; and {len(params) - 3} more" if len(params) > 3 else ""
            parts.append(f"depends on {len(params)} inputs ({ill} illustrative): " + "; ".join(texts[:3]) + more)
    if len(changed):
        alts = "; ".join(f"{r['alternative']} makes {r['best']} best" for _, r in changed.iterrows())
        parts.append(("depends on modelling choices: " if not parts else "and on modelling choices: ") + alts)
    return " ".join(parts) + f" ({best} is best on mean NPSV at the current values)"


def trust(scenarios: Dict[str, Any], *, draws: int = 100, seed: int = 0, top: int = 8,
          status: Optional[Dict[str, Evidence]] = None) -> Trust:
    """Trust analysis of scenarios compared on mean NPSV (``scenarios``: name -> socval.Scenario, two or more).

    ``draws``: keyed draws for the ranking and the switching values ("expected" method, common random numbers);
    ``top``: inputs searched per pair (the largest by tornado swing of the NPSV difference); ``status``:
    parameter id -> Evidence (default: read from the scenarios' files).
    """
    if len(scenarios) < 2:
        raise _core.DecisionError(f"trust: expected at least 2 scenarios, found {len(scenarios)}")
    if status is None:
        status = {}
        for s in scenarios.values():
            status.update({k: v for k, v in evidence_status(s.core).items()
                           if v.status != "none" or k not in status})
    means = _ranking(scenarios, draws, seed)
    order = sorted(means, key=lambda n: -means[n])
    best, runner = order[0], order[1]
    rows = _pair_rows(f"{best} vs {runner}", scenarios[best], scenarios[runner], (best, runner), status, top,
                      draws, seed)
    rows += _pair_rows(f"{best} vs do nothing", scenarios[best], None, (best, "do nothing"), status, top, draws,
                       seed)
    sw = pd.DataFrame(rows, columns=["pair", "parameter", "status", "switching_value", "low", "high", "current",
                                     "position", "preferred_now", "message"])
    rank = {"inside": 0, "near": 1, "outside": 2, "none": 3}
    sw = sw.iloc[np.lexsort([sw["position"].map(rank).to_numpy()])] if len(sw) else sw
    sw = sw.reset_index(drop=True)
    horizon = int(next(iter(scenarios.values())).core.meta.horizon)
    alt_rows = []
    for name, change in alternatives(horizon):
        row: Dict[str, Any] = {"alternative": name, "best": None, "note": ""}
        try:
            edited = {n: _edit(s, change) for n, s in scenarios.items()}
            if all(e is None for e in edited.values()):
                row["note"] = "does not apply (nothing to change)"
            else:
                m = _ranking({n: (e if e is not None else scenarios[n]) for n, e in edited.items()}, draws, seed)
                row.update({f"npsv: {n}": v for n, v in m.items()})
                row["best"] = max(m, key=m.get)
        except _core.SocvalError as e:  # an alternative the scenarios cannot take (e.g. costs beyond the horizon)
            row["note"] = f"not tried: {str(e).splitlines()[0]}"
        alt_rows.append(row)
    alt = pd.DataFrame(alt_rows + _lenses(scenarios, draws, seed))
    return Trust(best, runner, means, sw, alt, _verdict(best, runner, sw, alt), draws)
