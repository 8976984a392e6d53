"""What a scenario projected each option to deliver, year by year and draw by draw, and where the delivery returns
fall in it (docs/model/tracking.md).

The projection of a measure m for option i in year t is the engine's gross delivery (docs/model/engine.md,
sections 2-4) written as a function of the parameter values of each draw, vectorised over draws::

    direct output:   g_m(t) = s_i (1 - b_i) amount           if year t - a_i - d_i is in i's cost profile
                     g_m(t) = (1 - b_i) amount x s_i (K + R)(t - a_i - d_i)   per pound (pre-optimism-bias spend)
    one link k -> m: g_m(t) = c_km g_k(t)       (a lag-0 linear link from an output k that lasts one year)
    net:             n_m(t) = sum over paths of c_km A_k g_k(t) x A_m

with A_o = (1 - deadweight)(1 - displacement)(1 - leakage)(1 - substitution) x attribution of outcome o and d_i the
option's works-duration delay (0 without ``optimism_bias.works_duration``; the engine's own, AppraisalResult
``option_delay``). The
parameter values come from the keyed streams (``socval._core.analysis.sampled_parameters``): the same numbers the
simulation used, draw by draw.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np
import pandas as pd

from .. import _core
from .returns import Returns, ReturnsError

__all__ = ["Projection", "measure_paths", "against_projection", "cumulative", "rag", "observations",
           "RAG_RULE", "prior_parameters"]

#: The RAG rule on the percentile p of the actual in the projected distribution (docs/model/tracking.md).
RAG_RULE = "red: p < 10; amber: 10 <= p < 25; green: p >= 25 (above 90: green, ahead of the projection)"


def rag(percentile: np.ndarray) -> np.ndarray:
    """Red / amber / green of percentiles (0-100) by :data:`RAG_RULE`; NaN (no return) gives ``grey``."""
    p = np.asarray(percentile, dtype=float)
    out = np.where(p < 10, "red", np.where(p < 25, "amber", "green")).astype(object)
    out[np.isnan(p)] = "grey"
    return out


@dataclass(frozen=True)
class _Path:
    output: Any            # the option's Output (outcome index, amount, basis)
    link: Any = None       # the lag-0 linear link from the output's outcome to the measure, or None


def _option(core: Any, oid: str) -> Any:
    for o in core.options:
        if o.id == oid:
            return o
    raise ReturnsError(f"unknown option {oid!r}")


def _outcome_index(core: Any, oid: str) -> int:
    for k, o in enumerate(core.outcomes):
        if o.id == oid:
            return k
    raise ReturnsError(f"unknown outcome {oid!r}")


def measure_paths(core: Any, option: str, outcome: str) -> List[_Path]:
    """How option ``option`` delivers outcome ``outcome``: its outputs into it, and its outputs k with a lag-0
    linear link k -> outcome where k lasts one year with no lag (so k's level in a year is that year's delivery).
    Empty when the option does not deliver it that way."""
    core = getattr(core, "core", core)
    m = _outcome_index(core, outcome)
    out: List[_Path] = []
    for o in _option(core, option).outputs:
        if o.outcome == m:
            out.append(_Path(o))
            continue
        src = core.outcomes[o.outcome]
        if src.lag != 0 or src.duration != 1:
            continue
        for link in core.links:
            if (link.source_kind == "outcome" and link.source == o.outcome and link.target == m and link.lag == 0
                    and link.form == "linear"):
                out.append(_Path(o, link))
    return out


def _value(q: Any, P: np.ndarray) -> np.ndarray:
    """A Quantity's value in every draw (a row of P when it is an uncertain parameter)."""
    if q.uncertain and q.param >= 0:
        return P[q.param]
    return np.full(P.shape[1], float(q.value))


def _params_of(q: Any) -> List[int]:
    return [int(q.param)] if q.uncertain and q.param >= 0 else []


def _additionality(outcome: Any, P: np.ndarray) -> np.ndarray:
    a = np.ones(P.shape[1])
    for key in ("deadweight", "displacement", "leakage", "substitution"):
        a = a * (1.0 - _value(getattr(outcome, key), P))
    return a * _value(outcome.attribution, P)


def prior_parameters(core: Any, seed: int, draws: int, sampler: str = "lhs") -> np.ndarray:
    """The parameter values (parameters x draws) the simulation with this seed, draw count and sampler used."""
    return np.asarray(_core.analysis.sampled_parameters(core, int(seed), int(draws), str(sampler)))


class Projection:
    """The scenario's projected gross and net delivery of (option, measure, year), draw by draw."""

    def __init__(self, scenario: Any):
        self.core = getattr(scenario, "core", scenario)
        self.scenario = scenario
        self._funding = {self.core.options[f.option].id: f for f in self.core.funded}
        # The works-duration delay of each funded option, whole years: the engine's own (m_i at its central value,
        # docs/model/engine.md section 1), so that the projection delays delivery exactly as the engine does.
        self._delay: Dict[str, int] = {}
        if any(o.optimism_bias_works_duration for o in self.core.options):
            from ..engine.simulation import scenario_library  # layer 4: the scenario's value library

            r = _core.engine.evaluate(self.core, scenario_library(scenario))
            self._delay = {oid: int(d) for oid, d in zip(r.option_ids, r.option_delay)}
        self.first_year = int(self.core.meta.first_year)
        self.horizon = int(self.core.meta.horizon)
        self._paths: Dict[Tuple[str, str], List[_Path]] = {}

    def paths(self, option: str, outcome: str) -> List[_Path]:
        """:func:`measure_paths`, kept: the likelihood asks for them at every step of the sampler."""
        key = (option, outcome)
        if key not in self._paths:
            self._paths[key] = measure_paths(self.core, option, outcome)
        return self._paths[key]

    def _check(self, option: str) -> Any:
        if option not in self._funding:
            raise ReturnsError(f"option {option!r} is not funded by the scenario")
        return _option(self.core, option)

    def delay(self, option: str) -> int:
        """The option's works-duration delay d_i in whole years (0 without ``works_duration``)."""
        return self._delay.get(option, 0)

    def _exposure(self, opt: Any, output: Any, t: int, P: np.ndarray) -> np.ndarray:
        """s_i (1 - b_i) x (1 if funded in year t, per year; the pre-uplift spend of year t, per pound)."""
        f = self._funding[opt.id]
        year = t - int(f.start) - self.delay(opt.id)
        scale = float(f.scale) * (1.0 - _value(opt.benefits_shortfall, P))
        if output.basis == "per_pound":
            spend = np.zeros(P.shape[1])
            for c in opt.costs:
                if int(c.year) == year:
                    spend = spend + _value(c.capital, P) + _value(c.revenue, P)
            return scale * spend
        funded = any(int(c.year) == year for c in opt.costs)
        return scale * (1.0 if funded else 0.0)

    def gross(self, option: str, outcome: str, t: int, P: np.ndarray) -> np.ndarray:
        """Projected gross delivery of ``outcome`` by ``option`` in appraisal year ``t``, per draw (columns of
        P)."""
        opt = self._check(option)
        out = np.zeros(P.shape[1])
        for path in self.paths(option, outcome):
            g = _value(path.output.amount, P) * self._exposure(opt, path.output, t, P)
            if path.link is not None:
                g = g * _value(path.link.coefficient, P)
            out = out + g
        return out

    def net(self, option: str, outcome: str, t: int, P: np.ndarray) -> np.ndarray:
        """Projected net delivery (the scenario's additionality) of ``outcome`` by ``option`` in year ``t``: the
        engine's gross times the outcome's own additionality."""
        m = _outcome_index(self.core, outcome)
        return self.engine_gross(option, outcome, t, P) * _additionality(self.core.outcomes[m], P)

    def engine_gross(self, option: str, outcome: str, t: int, P: np.ndarray) -> np.ndarray:
        """The engine's gross delivery of ``outcome`` by ``option`` in year ``t`` (docs/model/engine.md sections
        2-3): :meth:`gross` on a direct output; on a link k -> m, c_km A_k g_k (the link reads k's level, which is
        net of k's additionality)."""
        opt = self._check(option)
        out = np.zeros(P.shape[1])
        for path in self.paths(option, outcome):
            g = _value(path.output.amount, P) * self._exposure(opt, path.output, t, P)
            if path.link is not None:
                g = g * _value(path.link.coefficient, P) * _additionality(self.core.outcomes[path.output.outcome], P)
            out = out + g
        return out

    def path_factor(self, option: str, outcome: str, P: np.ndarray) -> np.ndarray:
        """Engine gross per projected gross on the option's first path to ``outcome``: 1 on a direct output,
        c_km A_k on a link k -> m (0 when the option does not deliver it)."""
        paths = self.paths(option, outcome)
        if not paths:
            return np.zeros(P.shape[1])
        link = paths[0].link
        if link is None:
            return np.ones(P.shape[1])
        return _value(link.coefficient, P) * _additionality(self.core.outcomes[paths[0].output.outcome], P)

    def additionality(self, outcome: str, P: np.ndarray) -> np.ndarray:
        """A_m of ``outcome`` in every draw."""
        return _additionality(self.core.outcomes[_outcome_index(self.core, outcome)], P)

    def net_factor(self, option: str, outcome: str, t: int, P: np.ndarray) -> np.ndarray:
        """net / gross of the projection in each draw: the scenario's additionality applied to a gross return."""
        g, n = self.gross(option, outcome, t, P), self.net(option, outcome, t, P)
        with np.errstate(divide="ignore", invalid="ignore"):
            f = np.where(g > 0, n / g, np.nan)
        if np.all(np.isnan(f)):  # nothing projected this year: the factor of a unit of delivery
            m = _outcome_index(self.core, outcome)
            f = _additionality(self.core.outcomes[m], P)
        return f

    def parameters(self, option: str, outcome: str) -> List[int]:
        """Indices of the parameters the projection of (option, outcome) depends on (gross delivery only)."""
        opt = _option(self.core, option)
        idx = _params_of(opt.benefits_shortfall)
        for path in self.paths(option, outcome):
            idx += _params_of(path.output.amount)
            if path.output.basis == "per_pound":
                for c in opt.costs:
                    idx += _params_of(c.capital) + _params_of(c.revenue)
            if path.link is not None:
                idx += _params_of(path.link.coefficient)
        return sorted(set(idx))


def observations(resolved: pd.DataFrame) -> pd.DataFrame:
    """One observation per (year, option, outcome): the returns of its places and quarters added up.

    Columns: year, t, option, outcome, base and trials (a binomial return: the measure it is out of and the
    returned number of trials, added up), measure, unit, gross, net (NaN unless every row reports one), share (of the
    year covered: quarters / 4, or 1), rows, evidence (the weakest: estimated < self-reported < verified),
    gross_by_evidence (dict), places, late (rows submitted after the due date, when known). Returns marked
    ``missing`` are left out here (they are counted by :func:`socval.tracking.returns` data quality)."""
    rank = {"estimated": 0, "self-reported": 1, "verified": 2}
    df = resolved[resolved["evidence"] != "missing"]
    rows = []
    for (year, option, outcome), g in df.groupby(["year", "option", "outcome"], sort=True):
        quarters = sorted(set(int(q) for q in g["quarter"]))
        share = 1.0 if quarters == [0] else len(quarters) / 4.0
        weakest = min(g["evidence"], key=lambda e: rank[e])
        by_ev: Dict[str, float] = {}
        for e, x in zip(g["evidence"], g["gross"]):
            by_ev[e] = by_ev.get(e, 0.0) + float(x)
        base = str(g["base"].iloc[0]) if "base" in g else ""
        rows.append(dict(year=int(year), t=int(g["t"].iloc[0]), option=option, outcome=outcome,
                         base=base, trials=float(g["trials"].sum()) if base else np.nan,
                         measure=g["measure"].iloc[0], unit=g["unit"].iloc[0], gross=float(g["gross"].sum()),
                         net=float(g["net"].sum()) if g["net"].notna().all() else np.nan, share=share,
                         rows=len(g), evidence=weakest, gross_by_evidence=by_ev,
                         places=sorted(p for p in set(g["place"]) if p)))
    return pd.DataFrame(rows, columns=["year", "t", "option", "outcome", "base", "trials", "measure", "unit", "gross",
                                       "net", "share", "rows", "evidence", "gross_by_evidence", "places"])


def _percentile(x: np.ndarray, actual: float, weights: Optional[np.ndarray] = None) -> float:
    """Mid-rank percentile of ``actual`` in the draws ``x``: 100 (P(X < a) + P(X = a) / 2)."""
    w = np.full(x.shape, 1.0 / x.size) if weights is None else weights / weights.sum()
    return float(100.0 * (w[x < actual].sum() + 0.5 * w[x == actual].sum()))


def _source(source: Any) -> Tuple[Any, np.ndarray]:
    """(scenario, parameters x draws) of a simulated Results, or of (scenario, P)."""
    if isinstance(source, tuple):
        return source
    a = source.attrs
    scenario = source.scenario()
    return scenario, prior_parameters(scenario.core, a["seed"], a["draws"], a.get("sampler", "lhs"))


def against_projection(source: Any, returns: Returns, quantiles: Sequence[float] = (0.1, 0.5, 0.9)) -> pd.DataFrame:
    """Where each year's actual delivery falls in the projected distribution, per option and measure.

    Parameters
    ----------
    source
        The simulated ``socval.Results`` of the scenario the returns report against (its seed, draws and sampler
        give the projected draws), or a tuple (scenario, parameter values parameters x draws).
    returns
        :class:`~socval.tracking.Returns` (``socval.load_returns``).

    Returns
    -------
    pandas.DataFrame
        One row per (year, option, measure): ``actual`` (gross), ``net_reported`` (the supplier's net, NaN when not
        reported), ``net_scenario`` (the actual gross x the scenario's additionality, mean over draws),
        ``projected_mean`` and the projected quantiles of gross delivery (``p10``, ``p50``, ``p90``), the projected
        net mean, ``percentile`` of the actual (mid-rank, 0-100), ``rag`` (:data:`RAG_RULE`), ``share`` of the
        year covered, ``evidence`` (the weakest), ``rows``. A part-year (some quarters) is compared with the same
        share of the year's projection.
    """
    scenario, P = _source(source)
    proj = Projection(scenario)
    obs = observations(returns.resolve(scenario))
    rows = []
    for r in obs.to_dict("records"):
        g = proj.gross(r["option"], r["outcome"], r["t"], P) * r["share"]
        n = proj.net(r["option"], r["outcome"], r["t"], P) * r["share"]
        f = proj.net_factor(r["option"], r["outcome"], r["t"], P)
        pct = _percentile(g, r["gross"])
        qs = np.quantile(g, quantiles)
        rows.append(dict(year=r["year"], option=r["option"], measure=r["outcome"], unit=r["unit"],
                         actual=r["gross"], net_reported=r["net"], net_scenario=float(np.nanmean(r["gross"] * f)),
                         projected_mean=float(g.mean()),
                         **{f"p{round(q * 100):g}": float(v) for q, v in zip(quantiles, qs)},
                         projected_net_mean=float(n.mean()), percentile=pct, share=r["share"],
                         evidence=r["evidence"], rows=r["rows"]))
    df = pd.DataFrame(rows)
    if len(df):
        df["rag"] = rag(df["percentile"].to_numpy())
    return df


def cumulative(source: Any, returns: Returns) -> pd.DataFrame:
    """Cumulative actual gross delivery against the projected path, per option and measure, over the years
    from the first year with a return to the last: ``actual_to_date`` (NaN from a year with no return on: the
    path is broken), projected cumulative mean, p10, p50, p90, and the percentile of the cumulative actual."""
    scenario, P = _source(source)
    proj = Projection(scenario)
    obs = observations(returns.resolve(scenario))
    rows = []
    for (option, outcome), g in obs.groupby(["option", "outcome"], sort=True):
        by_year = {int(r.year): r for r in g.itertuples(index=False)}
        years = range(min(by_year), max(by_year) + 1)
        acc_proj = np.zeros(P.shape[1])
        acc = 0.0
        for y in years:
            r = by_year.get(y)
            t = y - proj.first_year
            share = r.share if r is not None else 1.0
            acc_proj = acc_proj + proj.gross(option, outcome, t, P) * share
            acc = acc + r.gross if (r is not None and not np.isnan(acc)) else np.nan
            q10, q50, q90 = np.quantile(acc_proj, [0.1, 0.5, 0.9])
            rows.append(dict(option=option, measure=outcome, year=y, actual_to_date=acc,
                             projected_mean=float(acc_proj.mean()), p10=float(q10), p50=float(q50), p90=float(q90),
                             percentile=_percentile(acc_proj, acc) if not np.isnan(acc) else np.nan))
    return pd.DataFrame(rows)
