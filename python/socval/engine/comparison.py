"""Scenario comparison on common random numbers: ``socval.compare([a, b, ...], draws=..., seed=...)``.

Every scenario is simulated with the same seed, sampler and number of draws. Random streams are keyed by parameter
id, so a parameter two scenarios share takes the same value in draw d of both: differences between scenarios are
computed draw by draw (paired), which removes the noise of the shared uncertainty. The gain is reported as the
variance of the paired difference against var(A) + var(B), the variance of the difference of two independent
runs (docs/model/simulation.md, "Comparison"). With ``keep_draws=False`` every run is streaming: the comparison
has each scenario's means (``scenarios()``) and refuses what needs the paired draws (P(best), P(better), the paired
differences) with a SamplingError (docs/guide/cluster.md, "Streaming sweeps and comparisons").
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from itertools import permutations
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import numpy as np
import pandas as pd

from .. import _core
from .results import HEADLINE, PLACE_HEADLINE, PLACE_PREFIX, STREAMED_HEADLINE, Results
from .._util.labels import PLACE_LABEL
from .simulation import core_scenario, scenario_library, simulate
from .._util import html as _html
from .._util.numbers import RATIO_METRICS

__all__ = ["Comparison", "compare", "LOWER_IS_BETTER"]

#: Metrics for which a lower value is better (every other metric: higher is better).
LOWER_IS_BETTER = frozenset({"pv_costs", "pv_investment", "pv_others", "place_pv_costs", "place_pv_investment",
                             "place_pv_others"})
#: Default metrics: kept per draw, or (keep_draws=False) those a streaming run summarises (BCR is a ratio per draw).
DEFAULT_METRICS = ("npsv", "bcr", "pv_benefits", "pv_costs")
STREAMED_METRICS = ("npsv", "pv_benefits", "pv_costs")
_Z95 = 1.959963984540054  # standard normal 97.5% quantile (scipy.stats.norm.ppf(0.975))


def _p_best_and_greater(x: np.ndarray):
    """P(best) per column (ties shared equally) and P(column a > column b) over rows of paired draws."""
    r = _core.decision.compare_draws(np.ascontiguousarray(x, dtype=float), [0.05], 1e-9)
    return np.asarray(r["p_best"]), np.asarray(r["p_greater"])


@dataclass
class Comparison:
    """Scenarios simulated on common random numbers.

    Attributes
    ----------
    names : list of str
        One name per scenario (its metadata name, made unique).
    results : dict
        name -> :class:`socval.Results` of that scenario.
    metrics : tuple of str
        The metrics compared.
    """

    names: List[str]
    results: Dict[str, Results]
    metrics: tuple

    @property
    def streaming(self) -> bool:
        """True when the scenarios were simulated streaming (``keep_draws=False``): means, no paired draws."""
        return any(self.results[n].streaming for n in self.names)

    def _paired(self, what: str) -> None:
        """SamplingError naming ``what`` for a streaming comparison: it needs each draw of every scenario."""
        if self.streaming:
            raise _core.SamplingError(
                f"compare: {what}: needs every scenario's value in each draw (paired draws), but this comparison "
                f"is streaming (keep_draws=False) and keeps no value per draw; its means are in scenarios(). "
                f"Run compare with keep_draws=True (the default) for it")

    def _matrix(self, metric: str) -> np.ndarray:
        """(draws, scenarios) paired draws of a metric, sign-flipped where lower is better, NaN rows dropped."""
        self._paired(f"P(best) and P(better) on {metric}")
        x = np.column_stack([self.results[n].draws(metric) for n in self.names]).astype(float)
        x = x[~np.isnan(x).any(axis=1)]
        return -x if metric in LOWER_IS_BETTER else x

    def p_best(self, metric: str = "npsv") -> pd.Series:
        """P(scenario is the best) for a metric, over the draws (ties shared equally; sums to 1)."""
        p, _ = _p_best_and_greater(self._matrix(metric))
        return pd.Series(p, index=pd.Index(self.names, name="scenario"), name=f"P(best {metric})")

    def p_better(self, metric: str = "npsv") -> pd.DataFrame:
        """[a, b]: P(a better than b), draw by draw (strictly; a lower value is better for costs)."""
        _, g = _p_best_and_greater(self._matrix(metric))
        return pd.DataFrame(g, index=pd.Index(self.names, name="A"), columns=pd.Index(self.names, name="B"))

    def has_place(self) -> bool:
        """Whether every scenario carries the place perspective (``place_npsv``, ...: docs/model/appraisal.md)."""
        if self.streaming:
            return all("place_npsv" in self.results[n].summary().index for n in self.names)
        return all("place_npsv" in self.results[n].metrics() for n in self.names)

    def scenarios(self) -> pd.DataFrame:
        """Scenario x (mean of each metric, P(best) for each metric); when every scenario carries the place
        perspective, its mean NPSV and P(best NPSV) too, labelled "[place perspective (the region)]".

        A streaming comparison (``keep_draws=False``) has the means only (from the streaming summaries, exact):
        P(best) needs each draw's best scenario, which no summary gives."""
        out = pd.DataFrame(index=pd.Index(self.names, name="scenario"))
        if self.streaming:
            metrics = list(self.metrics)
            if self.has_place() and "place_npsv" not in metrics:
                metrics.append("place_npsv")
            for m in metrics:
                label = f"mean npsv [{PLACE_LABEL}]" if m == "place_npsv" and m not in self.metrics else f"mean {m}"
                out[label] = [float(self.results[n].summary().loc[m, "mean"]) for n in self.names]
            return out
        for m in self.metrics:
            out[f"mean {m}"] = [float(np.nanmean(self.results[n].draws(m))) for n in self.names]
        for m in self.metrics:
            out[f"P(best {m})"] = self.p_best(m).to_numpy()
        if self.has_place() and "place_npsv" not in self.metrics:
            out[f"mean npsv [{PLACE_LABEL}]"] = [float(np.nanmean(self.results[n].draws("place_npsv")))
                                                 for n in self.names]
            out[f"P(best npsv) [{PLACE_LABEL}]"] = self.p_best("place_npsv").to_numpy()
        return out

    def fairness(self) -> pd.DataFrame:
        """Which scenario is fairest as well as which has the highest NPSV (docs/model/distribution.md): per scenario
        the mean and P(best) of NPSV, of the weighted NPSV (Green Book Annex A3 weights) and of the share of value
        reaching the two lowest income quintiles, each P(best) over the paired draws. The attribute ``fairest``
        of the returned frame (``df.attrs``) names the scenario with the highest mean share to q1 + q2, and
        ``highest_npsv`` / ``highest_weighted_npsv`` the scenarios with the highest means.

        Raises
        ------
        KeyError
            If a scenario declares no ``people:`` (no breakdown by income quintile).
        """
        self._paired("fairness (P(best) of NPSV, weighted NPSV and the lowest quintiles' share)")
        missing = [n for n in self.names if "share_lowest_two" not in self.results[n].metrics()]
        if missing:
            raise KeyError(f"fairness: scenario(s) {', '.join(missing)} declare no `people:` "
                           "(docs/formats/scenario.md)")
        out = pd.DataFrame(index=pd.Index(self.names, name="scenario"))
        for m in ("npsv", "weighted_npsv", "share_lowest_two"):
            out[f"mean {m}"] = [float(np.nanmean(self.results[n].draws(m))) for n in self.names]
            out[f"P(best {m})"] = self.p_best(m).to_numpy()
        out.attrs["fairest"] = str(out["mean share_lowest_two"].idxmax())
        out.attrs["highest_npsv"] = str(out["mean npsv"].idxmax())
        out.attrs["highest_weighted_npsv"] = str(out["mean weighted_npsv"].idxmax())
        return out

    def summary(self) -> pd.DataFrame:
        """Every ordered pair (A, B) and metric: paired difference A - B (mean, sd, p5, p95 over draws; 95%
        interval of the mean difference), P(A better than B), and the variance reduction from pairing:
        var(A - B) paired against var(A) + var(B) (independent runs) and their ratio.

        Index (metric, A, B). A ratio of 10 means independent runs would need 10 times the draws for the same
        precision of the mean difference. SamplingError for a streaming comparison (no paired draws).
        """
        self._paired("summary() (the paired differences A - B and P(A better))")
        rows = []
        for m in self.metrics:
            data = {n: np.asarray(self.results[n].draws(m), dtype=float) for n in self.names}
            _, greater = _p_best_and_greater(self._matrix(m))
            for i, j in permutations(range(len(self.names)), 2):
                a, b = data[self.names[i]], data[self.names[j]]
                keep = ~(np.isnan(a) | np.isnan(b))
                a, b = a[keep], b[keep]
                d = a - b
                n = d.size
                var_paired = float(d.var(ddof=1)) if n > 1 else float("nan")
                var_indep = float(a.var(ddof=1) + b.var(ddof=1)) if n > 1 else float("nan")
                se = np.sqrt(var_paired / n) if n > 1 else float("nan")
                p5, p95 = np.quantile(d, [0.05, 0.95]) if n else (np.nan, np.nan)
                rows.append({
                    "metric": m, "A": self.names[i], "B": self.names[j],
                    "mean A": float(a.mean()), "mean B": float(b.mean()),
                    "difference": float(d.mean()), "sd": float(np.sqrt(var_paired)),
                    "p5": float(p5), "p95": float(p95),
                    "mean low (95%)": float(d.mean() - _Z95 * se), "mean high (95%)": float(d.mean() + _Z95 * se),
                    "P(A better)": float(greater[i, j]),
                    "var paired": var_paired, "var independent": var_indep,
                    "variance reduction": var_indep / var_paired if var_paired > 0 else float("inf"),
                })
        return pd.DataFrame(rows).set_index(["metric", "A", "B"])

    def switching_value(self, parameter: str, a: Optional[str] = None, b: Optional[str] = None,
                        metric: str = "npsv", **options: Any):
        """The value of ``parameter`` at which the preference between two compared scenarios changes: see
        :func:`socval.decision.switching_value` (``method``, ``bounds``, ``xtol``, ``grid``, ``draws``, ``seed``,
        ``sampler``, ``threads``; draws, seed and sampler default to the comparison's own, so the "expected"
        method averages over the same common random numbers).

        ``a``, ``b``: scenario names; default the best scenario on the metric (highest mean; lowest for costs)
        against the runner-up. Returns a :class:`socval.decision.SwitchingValue`.
        """
        from ..decision.switching import comparison_switching_value

        self._paired("switching_value()")
        return comparison_switching_value(self, parameter, a, b, metric, options)

    def check(self, **options: Any):
        """The checklist on the compared scenarios and how far the comparison's conclusion can be trusted: see
        :func:`socval.review.check_comparison` (``draws``, ``seed``, ``top``, ``share_draws``). Returns a
        :class:`socval.review.ComparisonFindings` (``.verdict``, ``.trust``, ``.to_frame()``, ``.to_json()``)."""
        from ..review.check import check_comparison

        return check_comparison(self, **options)

    # ---- notebooks: charts, HTML summary, report ----------------------------------------------------------------

    @property
    def plot(self):
        """Charts of the comparison (:class:`socval.plots.ComparisonPlots`): ``comparison.plot.distribution()``,
        ``.by_priority()``, ``.by_pillar()``, ``.by_lever()``, ``.p_better()``, ``.differences()``,
        ``.exceedance()``; each returns a matplotlib Figure."""
        from ..plots.facades import ComparisonPlots

        self._paired("the comparison's charts (plot)")
        return ComparisonPlots(self)

    def discover(self, condition, **options: Any):
        """Scenario discovery (:func:`socval.discovery.discover`) over the comparison's draws, e.g.
        ``comparison.discover("skills first loses to baseline")`` or ``"baseline: npsv < 0"``."""
        from ..discovery import discover

        self._paired("discover()")
        return discover(self, condition, **options)

    def report(self, path=None, **options: Any):
        """A decision-paper report of the comparison (HTML, Markdown, PDF): see :func:`socval.report.report` for
        the options (``format``, ``pdf``, ``title``, ``sensitivity``, ``command``).

        Returns the report text when ``path`` is None, else writes the files and returns the Path.
        """
        from ..report import report

        self._paired("report()")
        return report(self, path, **options)

    def _repr_html_(self) -> str:
        """Notebook summary: the scenarios() table (means and P(best)) and how the draws are paired (every text
        escaped)."""
        table = self.scenarios()
        header = ["scenario"] + [str(c) for c in table.columns]
        rows = []
        for name, r in table.iterrows():
            cells = [name]
            for col, v in r.items():
                metric = str(col).split(" ", 1)[1].rstrip(")")
                cells.append(_html.prob(v) if str(col).startswith("P(best") else
                             _html.ratio(v) if metric.split(" ")[0] in RATIO_METRICS else _html.money(v))
            rows.append(cells)
        first = self.results[self.names[0]] if self.names else None
        a = first.attrs if first is not None else {}
        lines = [f"{len(self.names)} scenarios, {first.n_draws if first else 0:,} paired draws, seed {a.get('seed')}, "
                 f"sampler {a.get('sampler')}; GBP in {a.get('price_base_year')} prices, present values"]
        note = ("Paired draws: every scenario is simulated with the same seed, sampler and number of draws, and a "
                "parameter two scenarios share takes the same value in the same draw (common random numbers), so "
                "differences and P(best) are computed draw by draw. P(best) is the share of draws in which the "
                "scenario is best on that metric (lower is better for costs).")
        return _html.block("Comparison", ", ".join(self.names), lines, [_html.table(header, rows, 1)], note=note)

    def __repr__(self) -> str:
        n = self.results[self.names[0]].n_draws if self.names else 0
        return f"<socval.Comparison of {len(self.names)} scenarios ({', '.join(self.names)}), {n} paired draws>"


def unique_names(names: Sequence[str]) -> List[str]:
    """The names made unique in order: a repeated name gets " (2)", " (3)", ..."""
    out: List[str] = []
    for base in names:
        name, k = base, 2
        while name in out:
            name, k = f"{base} ({k})", k + 1
        out.append(name)
    return out


def _name(scenario: Any, core) -> str:
    if isinstance(scenario, (str, Path, os.PathLike)):
        return core.meta.name or Path(scenario).stem
    return core.meta.name or "scenario"


def compare(scenarios: Sequence[Any], draws: int = 10_000, seed: int = 0, sampler: str = "lhs",
            threads: Optional[int] = None, metrics: Optional[Sequence[str]] = None,
            names: Optional[Sequence[str]] = None, progress: Optional[bool] = None, keep_draws: bool = True,
            **simulate_kwargs: Any) -> Comparison:
    """Simulate several scenarios on common random numbers and compare them draw by draw.

    Parameters
    ----------
    scenarios
        Two or more ``socval.Scenario`` objects or scenario file paths.
    draws, seed, sampler, threads, progress
        As in :func:`socval.simulate`; the same for every scenario (that is what pairs the draws).
    metrics
        Headline metrics to compare (``npsv``, ``bcr``, ``bcr_all_costs``, ``sroi``, ``pv_benefits``, ``pv_costs``,
        ...; ``place_npsv``, ... for the place perspective, when the scenarios declare it). None: npsv, bcr,
        pv_benefits, pv_costs (streaming: npsv, pv_benefits, pv_costs).
    names
        A name per scenario; default their metadata names (made unique).
    **simulate_kwargs
        Passed to :func:`socval.simulate` (e.g. ``keep_outcomes=False``, or ``client=`` a ``distributed.Client``
        to simulate each scenario in parts on a Dask cluster: bit-identical to a local comparison).
    keep_draws
        False: every scenario's run is streaming (``simulate(..., keep_draws=False)``), so memory does not grow
        with the draws; ``scenarios()`` has each scenario's means and what needs paired draws (P(best),
        ``p_better``, ``summary``, ``fairness``) raises SamplingError. Metrics must be headline PVs or NPSV.

    Returns
    -------
    Comparison

    Raises
    ------
    socval.DecisionError
        Fewer than two scenarios, names of the wrong length or duplicated, an unknown metric; with
        keep_draws=False, a metric streaming runs do not summarise (e.g. bcr).
    """
    if not isinstance(keep_draws, bool):
        raise _core.DecisionError(f"compare: keep_draws: expected True or False, found {keep_draws!r}")
    metrics = tuple(metrics) if metrics is not None else DEFAULT_METRICS if keep_draws else STREAMED_METRICS
    scenarios = list(scenarios)
    if len(scenarios) < 2:
        raise _core.DecisionError(f"compare: expected at least 2 scenarios, found {len(scenarios)}")
    for m in metrics:
        if m not in HEADLINE + PLACE_HEADLINE:
            raise _core.DecisionError(f"compare: metrics: expected headline metrics ({', '.join(HEADLINE)}, or "
                                      f"place_<metric> for the place perspective), found {m!r}")
        if not keep_draws and m.removeprefix(PLACE_PREFIX) not in STREAMED_HEADLINE:
            raise _core.DecisionError(f"compare: metrics: {m!r} has no streaming summary: a streaming comparison "
                                      f"(keep_draws=False) keeps no value per draw, so it can compare only "
                                      f"{', '.join(STREAMED_HEADLINE)} (and place_ of each); ratios such as bcr "
                                      f"need each draw's PVs: use keep_draws=True")
    cores = [core_scenario(s) for s in scenarios]
    if names is None:
        names = unique_names([_name(s, c) for s, c in zip(scenarios, cores)])
    names = [str(n) for n in names]
    if len(names) != len(scenarios):
        raise _core.DecisionError(f"compare: names: expected one per scenario ({len(scenarios)}), found {len(names)}")
    if len(set(names)) != len(names):
        raise _core.DecisionError(f"compare: names: expected distinct names, found {names}")
    results = {}
    for s, c, n in zip(scenarios, cores, names):
        results[n] = simulate(c, draws=draws, seed=seed, threads=threads, sampler=sampler, progress=progress,
                              library=scenario_library(s), keep_draws=keep_draws, **simulate_kwargs)
    kept = (lambda n: results[n].summary().index) if not keep_draws else (lambda n: results[n].metrics())
    missing = [m for m in metrics if m in PLACE_HEADLINE for n in names if m not in kept(n)]
    if missing:
        raise _core.DecisionError(f"compare: metrics: {missing[0]!r} needs the place perspective in every scenario "
                                  f"(outcomes with 'place' overrides), found scenarios without it")
    return Comparison(names=names, results=results, metrics=tuple(metrics))
