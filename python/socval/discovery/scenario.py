"""Scenario discovery on simulation results: under which combinations of the sampled inputs does a condition hold?

``discover(results_or_comparison, condition)`` takes the per-draw values the engine computed and the parameter
values it sampled for those draws (``_core.analysis.sampled_parameters``: the same keyed streams, Latin hypercube
and copula as the simulation), evaluates the condition in every draw, and runs PRIM (and CART) on them.

Conditions (strings, or a boolean array with one value per draw):

- on one result: ``"npsv < 0"``, ``"pillar.social < 2e6"``, ``"bcr <= 1"`` (metric, one of < <= > >=, number);
- on a comparison: ``"skills first loses to baseline"`` (NPSV of the first below the second's; ``... on <metric>``
  for another metric, lower-is-better metrics flipped), or ``"<scenario>: <metric> < <number>"``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Dict, Optional, Sequence, Tuple, Union

import numpy as np
import pandas as pd

from .._core import SensitivityError
from ..engine.comparison import LOWER_IS_BETTER
from ..engine.simulation import core_scenario
from ..model.labels import parameter_names
from ..sensitivity.scenario import sampled_columns
from .cart import CartResult, cart
from .prim import Box, PrimResult, prim

__all__ = ["Discovery", "discover", "condition_draws", "sampled_inputs"]

_THRESHOLD = re.compile(r"^\s*([A-Za-z_][\w.:\-]*)\s*(<=|>=|<|>)\s*([-+]?[0-9][0-9_,]*\.?[0-9]*(?:[eE][-+]?\d+)?)\s*$")
_OPS = {"<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal}


def _threshold(res: Any, text: str, where: str) -> Tuple[np.ndarray, str]:
    m = _THRESHOLD.match(text)
    if not m:
        raise SensitivityError(f"discover: condition {text!r}: expected '<metric> <op> <number>' (op one of < <= > >=)"
                               f", e.g. 'npsv < 0' or 'pillar.social < 2e6'{where}")
    metric, op, number = m.group(1), m.group(2), float(m.group(3).replace("_", "").replace(",", ""))
    try:
        values = np.asarray(res.draws(metric), dtype=float)
    except KeyError as e:
        raise SensitivityError(f"discover: condition {text!r}: {e.args[0]}") from None
    return _OPS[op](values, number) & ~np.isnan(values), f"{metric} {op} {m.group(3)}"


def condition_draws(obj: Any, condition: Union[str, Sequence[bool], np.ndarray]) -> Tuple[np.ndarray, str]:
    """(boolean per draw, the condition in words) for a Results or a Comparison."""
    n = _draws(obj)
    if not isinstance(condition, str):
        y = np.asarray(condition)
        if y.dtype != bool or y.shape != (n,):
            raise SensitivityError(f"discover: condition: expected a string or {n} booleans (one per draw), found "
                                   f"dtype {y.dtype}, shape {y.shape}")
        return y, "the given condition"
    if not hasattr(obj, "results"):
        return _threshold(obj, condition, "")
    names = list(obj.names)
    text = condition.strip()
    loses = re.match(r"^(.+?)\s+loses\s+to\s+(.+?)(?:\s+on\s+([\w.:\-]+))?\s*$", text)
    if loses:
        a, b, metric = loses.group(1).strip(), loses.group(2).strip(), loses.group(3) or "npsv"
        for s in (a, b):
            if s not in names:
                raise SensitivityError(f"discover: condition {condition!r}: unknown scenario {s!r}; the scenarios "
                                       f"are {names}")
        try:
            va = np.asarray(obj.results[a].draws(metric), dtype=float)
            vb = np.asarray(obj.results[b].draws(metric), dtype=float)
        except KeyError as e:
            raise SensitivityError(f"discover: condition {condition!r}: {e.args[0]}") from None
        y = va > vb if metric in LOWER_IS_BETTER else va < vb
        return y, f"{a} loses to {b} on {metric}"
    one = re.match(r"^(.+?)\s*:\s*(.+)$", text)
    if one and one.group(1).strip() in names:
        y, words = _threshold(obj.results[one.group(1).strip()], one.group(2), "")
        return y, f"{one.group(1).strip()}: {words}"
    raise SensitivityError(f"discover: condition {condition!r}: expected '<scenario> loses to <scenario> [on "
                           f"<metric>]' or '<scenario>: <metric> <op> <number>' with scenarios among {names}")


def _draws(obj: Any) -> int:
    if hasattr(obj, "results"):
        return obj.results[obj.names[0]].n_draws
    return obj.n_draws


def sampled_inputs(obj: Any, parameters: Optional[Sequence[str]] = None) -> pd.DataFrame:
    """The uncertain parameters' values in every draw (draws x parameters), as the simulation sampled them. For a
    comparison, a parameter shared by several scenarios is taken from the first that has it (common random numbers
    give it the same uniforms in each)."""
    runs = [obj.results[n] for n in obj.names] if hasattr(obj, "results") else [obj]
    columns = sampled_columns([(core_scenario(r.scenario()), r.attrs["seed"], r.attrs["draws"], r.sampler)
                               for r in runs], parameters, "discover")
    return pd.DataFrame(columns)


@dataclass
class Discovery:
    """Scenario discovery of one condition: the inputs and condition per draw, PRIM's trajectory and chosen box,
    and CART's leaves. ``summary()`` says it in plain words."""

    condition: str
    inputs: pd.DataFrame
    y: np.ndarray
    prim: PrimResult
    box: Box
    box_index: int
    cart: Optional[CartResult]
    labels: Dict[str, str]

    @property
    def share(self) -> float:
        """Share of draws where the condition holds."""
        return float(self.y.mean())

    def limits(self) -> pd.DataFrame:
        """The chosen box's restricted inputs with their names, ranges and quasi-p-values."""
        frame = self.box.limits()
        frame.insert(0, "name", [self.labels.get(i, i) for i in frame.index])
        return frame

    def summary(self) -> str:
        """The finding in plain words."""
        b = self.box
        lines = [f"The condition '{self.condition}' holds in {self.share:.0%} of {self.y.size:,} draws."]
        limits = self.limits()
        if limits.empty:
            lines.append("PRIM found no box that concentrates it: it is spread over the inputs' ranges.")
            return "\n".join(lines)
        parts = [f"{r['name']} between {r['low']:.4g} and {r['high']:.4g} (range {r['min']:.4g} to {r['max']:.4g})"
                 for _, r in limits.iterrows()]
        lines.append(f"It is most likely when {'; and '.join(parts)}.")
        lines.append(f"In that box it holds in {b.density:.0%} of draws (against {self.share:.0%} overall), and the "
                     f"box holds {b.coverage:.0%} of the draws where it holds ({b.mass:.0%} of all draws).")
        weak = limits[limits["qp"] > 0.05]  # only when max_qp is None or above 0.05
        if not weak.empty:
            lines.append("Restrictions with quasi-p-value above 0.05 (may be chance): " +
                         ", ".join(weak["name"]) + ".")
        return "\n".join(lines)

    def _repr_html_(self) -> str:  # pragma: no cover - notebook display
        return "<pre>" + self.summary().replace("&", "&amp;").replace("<", "&lt;") + "</pre>"


def discover(obj: Any, condition: Union[str, Sequence[bool], np.ndarray], parameters: Optional[Sequence[str]] = None,
             alpha: float = 0.05, mass_min: float = 0.05, paste_alpha: float = 0.01, objective: str = "lenient1",
             min_coverage: Optional[float] = None, min_density: Optional[float] = None, box: Optional[int] = None,
             max_qp: Optional[float] = 0.05, with_cart: bool = True, max_depth: int = 3) -> Discovery:
    """Scenario discovery: where in the sampled inputs does ``condition`` hold?

    Parameters
    ----------
    obj
        ``socval.Results`` (one scenario) or ``socval.Comparison`` (scenarios on common random numbers).
    condition
        See the module docstring: ``"npsv < 0"``, ``"pillar.social < 2e6"``, ``"A loses to B"``,
        ``"A: bcr < 1"``, or one boolean per draw.
    parameters
        Inputs to search (default every uncertain parameter).
    alpha, mass_min, paste_alpha, objective
        PRIM's settings (:func:`socval.discovery.prim`).
    min_coverage, min_density, box
        How to choose the box on the trajectory (:meth:`PrimResult.choose`), or its index.
    max_qp
        Drop the chosen box's restrictions whose quasi-p-value exceeds this, least significant first (default 0.05;
        None keeps them all): with many inputs peeling also restricts inputs by chance.
    with_cart, max_depth
        Also fit a CART tree of that depth.
    """
    y, words = condition_draws(obj, condition)
    x = sampled_inputs(obj, parameters)
    if y.shape[0] != x.shape[0]:
        raise SensitivityError(f"discover: {y.shape[0]} condition values for {x.shape[0]} draws")
    result = prim(x, y, alpha=alpha, mass_min=mass_min, paste_alpha=paste_alpha, objective=objective)
    index = result.choose(min_coverage, min_density) if box is None else int(box)
    chosen = result.box(index, max_qp=max_qp)
    runs = [obj.results[n] for n in obj.names] if hasattr(obj, "results") else [obj]
    labels: Dict[str, str] = {}
    for res in runs:
        for k, v in parameter_names(res.scenario()).items():
            labels.setdefault(k, v)
    tree = cart(x, y, max_depth=max_depth) if with_cart else None
    return Discovery(condition=words, inputs=x, y=y, prim=result, box=chosen, box_index=index, cart=tree,
                     labels=labels)
