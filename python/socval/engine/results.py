"""Results of a Monte Carlo simulation: per-draw headline metrics, streaming per-year summaries, provenance.

A :class:`Results` holds named arrays with named dimensions (the same layout as its HDF5 file and its
``xarray.Dataset``; see ``docs/model/simulation.md``, "Variables of a results file"):

- per draw: ``npsv``, ``bcr``, ``bcr_all_costs``, ``sroi``, ``pv_benefits``, ``pv_costs``, ``pv_investment``,
  ``pv_others`` over ``draw`` (UK perspective, the headline); ``place_<metric>`` the same metrics in the place
  perspective (the region), from the same draws, when the scenario declares ``place`` overrides;
  ``priority_value`` (priority x draw), ``pillar_value``, ``lever_value``; ``beneficiary_value`` and
  ``lever_cost`` up to 250,000 draws (beyond, streaming ``beneficiary_value_*`` / ``lever_cost_*`` like the
  outcomes'); ``outcome_total`` and ``outcome_pv`` (outcome x draw) when kept;
- streaming: ``level_*`` (outcome x year), ``cost_*`` / ``benefits_*`` / ``net_*`` (year), ``value_*`` when asked,
  and ``outcome_total_*`` / ``outcome_pv_*`` (outcome), each ``mean``, ``sd``, ``min``, ``max`` and
  ``quantile`` (with a trailing ``quantile`` dimension);
- on request: ``inputs`` (parameter x draw), ``full_level`` / ``full_value`` (draw x year x outcome);
- with ``places:`` / ``people:`` (docs/model/distribution.md): ``place_value``, ``place_spend`` (place x draw),
  ``quintile_value`` (quintile x draw), ``weighted_pv_benefits``, ``weighted_npsv``, ``weighted_bcr``, ``eta``;
  ``decile_value`` (decile x draw: English IMD deciles, when an outcome gives ``people: {imd_decile: ..}``);
  streaming per-year ``place_year_*`` (place x year), ``quintile_year_*`` (quintile x year) and ``decile_year_*``
  (decile x year): value by place, by quintile and by IMD decile in each year (undiscounted), ``mean``, ``sd``,
  ``min``, ``max`` and ``quantile``.

Metric names used by :meth:`Results.draws`, :meth:`Results.summary` and :meth:`Results.exceedance`: the headline
names above, ``priority.<id>``, ``pillar.<name>``, ``beneficiary.<name>``, ``lever.<name>`` (value),
``lever_cost.<name>``, ``outcome.<id>`` (physical total over the horizon; a bare outcome id works too),
``outcome_pv.<id>``, ``place.<id>``, ``place_spend.<id>``, ``quintile.<q>`` and the distributional metrics
``weighted_pv_benefits``, ``weighted_npsv``, ``weighted_bcr``, ``share_lowest_two``; ``decile.<d>`` and
``share_most_deprived_20`` (IMD d1 + d2, the proportionate-universalism share).
"""
from __future__ import annotations

import functools
import os
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

import numpy as np
import pandas as pd

from .._util.labels import PLACE_LABEL, PLACE_PREFIX, metric_label, quantile_label
from .._util.numbers import RATIO_METRICS, summary_text
from ..io import results_file
from ..model.words import BENEFICIARIES, LEVERS, PILLARS
from .._core import ResultsFileError
from .._util import html as _html
from ..model.scenario import scenario_from_yaml

__all__ = ["Results", "load_results", "HEADLINE", "PLACE_HEADLINE", "PLACE_LABEL", "PLACE_PREFIX", "DISTRIBUTION",
           "QUINTILES", "DECILES"]

#: Headline metrics (UK perspective), in the order summary() lists them. ``bcr`` is the headline BCR, on public sector
#: cost; ``bcr_all_costs`` the BCR on all costs to UK society (docs/model/appraisal.md, "Headline metrics").
HEADLINE: Tuple[str, ...] = ("npsv", "bcr", "bcr_all_costs", "sroi", "pv_benefits", "pv_costs", "pv_investment",
                             "pv_others")
#: The place perspective's metric names: ``place_<headline metric>`` (docs/model/appraisal.md, "Perspectives").
PLACE_HEADLINE: Tuple[str, ...] = tuple(PLACE_PREFIX + m for m in HEADLINE)
#: Distributional metrics of a scenario with ``people:`` (docs/model/distribution.md): Annex A3 weighted PV benefits,
#: NPSV and BCR (beside the unweighted ones, never instead), and the share of value reaching q1 and q2.
DISTRIBUTION: Tuple[str, ...] = ("weighted_pv_benefits", "weighted_npsv", "weighted_bcr", "share_lowest_two",
                                 "share_most_deprived_20")
#: A streaming run's headline metrics (``keep_draws=False``), summarised without per-draw values.
STREAMED_HEADLINE: Tuple[str, ...] = ("pv_costs", "pv_investment", "pv_benefits", "pv_others", "npsv")
#: Income quintiles (q1 lowest), then value no quintile claims.
QUINTILES: Tuple[str, ...] = ("q1", "q2", "q3", "q4", "q5", "unallocated")
#: English IMD deciles (d1 the most deprived tenth of neighbourhoods), then value no decile claims.
DECILES: Tuple[str, ...] = tuple(f"d{j}" for j in range(1, 11)) + ("unallocated",)
#: The sampler a results file names -> its command-line flag.
SAMPLER_FLAGS: Dict[str, str] = {"lhs": "lhs", "latin_hypercube": "lhs", "mc": "mc", "monte_carlo": "mc"}
#: Per-draw tables: variable -> (dimension of its rows, metric prefix).
_TABLES: Dict[str, Tuple[str, str]] = {
    "priority_value": ("priority", "priority"),
    "pillar_value": ("pillar", "pillar"),
    "beneficiary_value": ("beneficiary", "beneficiary"),
    "lever_value": ("lever", "lever"),
    "lever_cost": ("lever", "lever_cost"),
    "outcome_total": ("outcome", "outcome"),
    "outcome_pv": ("outcome", "outcome_pv"),
    "place_value": ("place", "place"),
    "place_spend": ("place", "place_spend"),
    "quintile_value": ("quintile", "quintile"),
    "decile_value": ("decile", "decile"),
}
_STATS = ("mean", "sd", "min", "max")
_LONG_NAMES = {
    "npsv": "net present social value (PV benefits - PV costs)",
    "bcr": "benefit-cost ratio on public sector cost, the headline BCR ((PV benefits - PV costs to others) / PV of "
           "the body's costs with optimism bias: costs borne by others count as negative benefits)",
    "bcr_all_costs": "benefit-cost ratio on all costs (PV benefits / PV of all costs to UK society: the body's with "
                     "optimism bias and costs to others)",
    "sroi": "SROI ratio, Social Value UK form (PV of net value / PV of all inputs: the body's investment before "
            "optimism bias and the inputs of others)",
    "pv_benefits": "present value of benefits",
    "pv_costs": "present value of costs with optimism bias",
    "pv_investment": "present value of the body's costs before optimism bias",
    "pv_others": "present value of costs to others (suppliers, partners, participants), part of pv_costs",
    "priority_value": "present value serving each priority",
    "pillar_value": "present value by pillar",
    "beneficiary_value": "present value by beneficiary",
    "lever_value": "present value attributed to each lever",
    "lever_cost": "present value of costs with optimism bias by lever",
    "outcome_total": "physical total of each outcome over the horizon (undiscounted)",
    "outcome_pv": "present value of each outcome",
    "place_value": "present value landing in each place (the outcomes' shares by place)",
    "place_spend": "present value of the funded options' spend before optimism bias, by place",
    "quintile_value": "present value reaching each income quintile (q1 lowest; unallocated: no quintile shares)",
    "weighted_pv_benefits": "PV benefits with Green Book Annex A3 distributional weights",
    "weighted_npsv": "net present social value with distributional weights (weighted PV benefits - PV costs)",
    "weighted_bcr": "benefit-cost ratio with distributional weights (weighted PV benefits / PV costs)",
    "share_lowest_two": "share of PV benefits reaching the two lowest income quintiles (q1 + q2)",
    "decile_value": "present value reaching residents of each English IMD decile (d1 most deprived; unallocated: no "
                    "decile shares)",
    "share_most_deprived_20": "share of PV benefits reaching the most deprived 20% of neighbourhoods (IMD d1 + d2)",
    "eta": "elasticity of the marginal utility of income, per draw",
    "quintile_log_income_ratio": "ln(median income / income of the quintile); 0 for unallocated",
    "level": "outcome level by year",
    "value": "outcome value by year (undiscounted)",
    "cost": "costs with optimism bias by year (undiscounted)",
    "benefits": "benefits by year (undiscounted)",
    "net": "benefits - costs by year (undiscounted)",
    "place_year": "value landing in each place by year (undiscounted)",
    "quintile_year": "value reaching each income quintile by year (undiscounted)",
    "decile_year": "value reaching residents of each English IMD decile by year (undiscounted)",
}

Variables = Dict[str, Tuple[Tuple[str, ...], np.ndarray, Dict[str, Any]]]


def _stats(x: np.ndarray) -> Dict[str, float]:
    """mean, sd (n - 1), p5, p50, p95 (numpy's linear interpolation, Hyndman & Fan type 7) and P(> 0);
    NaN draws (e.g. a BCR with zero costs) are left out."""
    x = np.asarray(x, dtype=float)
    x = x[~np.isnan(x)]
    if x.size == 0:
        return dict(mean=np.nan, sd=np.nan, p5=np.nan, p50=np.nan, p95=np.nan, **{"P(>0)": np.nan})
    p5, p50, p95 = np.quantile(x, [0.05, 0.5, 0.95])
    return {"mean": float(x.mean()), "sd": float(x.std(ddof=1)) if x.size > 1 else 0.0,
            "p5": float(p5), "p50": float(p50), "p95": float(p95), "P(>0)": float(np.mean(x > 0))}


class Results:
    """Distributions of a scenario's appraisal from a Monte Carlo run (``socval.simulate`` / ``Scenario.simulate``).

    Money is in GBP in the scenario's price base year; present values use the Green Book schedules of the
    scenario. Per-draw metrics are exact; per-year quantiles come from histograms (``docs/model/simulation.md``).

    Attributes
    ----------
    attrs : dict
        Provenance: seed, draws, sampler, scenario_name, scenario_text, value_library_version, price_base_year,
        socval_version, git_revision, ... (the root attributes of the results file).
    """

    def __init__(self, variables: Variables, coords: Mapping[str, Tuple[np.ndarray, Dict[str, Any]]],
                 attrs: Mapping[str, Any]):
        self._vars: Variables = dict(variables)
        self._coords: Dict[str, Tuple[np.ndarray, Dict[str, Any]]] = dict(coords)
        self.attrs: Dict[str, Any] = dict(attrs)
        #: Seconds spent sampling, evaluating, storing and summarising (summed over threads) and wall time, for
        #: benchmarks; empty for loaded results (not saved: timings differ from run to run).
        self.timings: Dict[str, float] = {}

    # ---- variables, stored or derived ----------------------------------------------------------------------------

    def _derivable(self, name: str) -> bool:
        base = name[len(PLACE_PREFIX):] if name.startswith(PLACE_PREFIX) else name
        pre = name[:len(name) - len(base)]
        need = {"npsv": ("pv_benefits", "pv_costs"), "bcr": ("pv_benefits", "pv_costs"),
                "bcr_all_costs": ("pv_benefits", "pv_costs"),
                "sroi": ("pv_benefits", "pv_investment"), "pillar_value": ("priority_value", "priority_pillar"),
                "share_lowest_two": ("quintile_value", "pv_benefits"),
                "share_most_deprived_20": ("decile_value", "pv_benefits")}
        if pre and base in ("pillar_value", "share_lowest_two", "share_most_deprived_20"):
            return False
        return base in need and all(pre + n in self._vars for n in need[base])

    def _has(self, name: str) -> bool:
        return name in self._vars or self._derivable(name)

    def _var(self, name: str) -> Tuple[Tuple[str, ...], np.ndarray, Dict[str, Any]]:
        """A stored variable, or one the engine left out because it is an exact function of others (NPSV, BCR,
        SROI, value by pillar): recomputed here with the engine's floating-point operations, in its order, so the
        values are bit-identical to what the engine would have stored (docs/model/simulation.md, "Memory")."""
        if name in self._vars:
            return self._vars[name]
        if not self._derivable(name):
            if self.streaming:
                raise KeyError(f"{name}: not kept in this streaming run (keep_draws=False keeps no value per draw); "
                               f"its streaming summary, where there is one, is in summary()")
            raise KeyError(name)
        base = name[len(PLACE_PREFIX):] if name.startswith(PLACE_PREFIX) else name
        pre = name[:len(name) - len(base)]
        long_name = _LONG_NAMES[base] + (f" ({PLACE_LABEL})" if pre else "")
        pvb = self._vars[pre + "pv_benefits"]
        pvo = self._vars[pre + "pv_others"][1] if pre + "pv_others" in self._vars else None
        money_units = pvb[2].get("units", "")
        if base in ("share_lowest_two", "share_most_deprived_20"):
            table = self._vars["quintile_value" if base == "share_lowest_two" else "decile_value"][1]
            low = table[0] + table[1]
            with np.errstate(divide="ignore", invalid="ignore"):
                share = np.where(pvb[1] != 0.0, low / pvb[1], np.nan)
            return ("draw",), share, {"units": "1", "long_name": long_name}
        if base == "npsv":
            npsv = pvb[1] - self._vars[pre + "pv_costs"][1]
            return ("draw",), npsv, {"units": money_units, "long_name": long_name}
        if base in ("bcr", "bcr_all_costs", "sroi"):
            num = pvb[1]
            den = self._vars[pre + ("pv_investment" if base == "sroi" else "pv_costs")][1]
            if pvo is not None and base == "sroi":  # all inputs, as the engine adds them
                den = den + pvo
            elif pvo is not None and base == "bcr":  # public sector cost; others' costs are negative benefits
                num, den = num - pvo, den - pvo
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = np.where(den != 0.0, num / den, np.nan)
            return ("draw",), ratio, {"units": "1", "long_name": long_name}
        prio = self._vars["priority_value"][1]
        pillar_of = [str(p) for p in self._vars["priority_pillar"][1]]
        out = np.zeros((len(PILLARS), prio.shape[1]))
        for k, pillar in enumerate(pillar_of):  # the engine adds priority rows into pillar rows in this order
            out[PILLARS.index(pillar)] += prio[k]
        return ("pillar", "draw"), out, {"units": money_units, "long_name": _LONG_NAMES[name]}

    def _all_vars(self) -> Variables:
        """Every variable, derived ones included (in the stored order, derived headline metrics first)."""
        out: Variables = {}
        for name in HEADLINE + PLACE_HEADLINE + ("priority_value", "pillar_value"):
            if self._has(name):
                out[name] = self._var(name)
        for name, v in self._vars.items():
            out.setdefault(name, v)
        return out

    # ---- construction -------------------------------------------------------------------------------------------

    @classmethod
    def _from_core(cls, raw: Mapping[str, Any], attrs: Mapping[str, Any]) -> "Results":
        """From the dict returned by ``socval._core.simulation.simulate`` and the provenance attributes."""
        money = f"GBP ({attrs.get('price_base_year', 'price base')} prices)"
        pv = money + ", present value"
        v: Variables = {}
        streaming = raw.get("headline_summary") is not None  # keep_draws=False: no per-draw arrays at all

        def put(name: str, dims: Sequence[str], data: Any, units: str, long_name: Optional[str] = None) -> None:
            a = {"units": units, "long_name": long_name or _LONG_NAMES.get(name, name)}
            v[name] = (tuple(dims), np.asarray(data), a)

        for name in () if streaming else HEADLINE + DISTRIBUTION:
            if raw.get(name) is not None:  # npsv, bcr, sroi: None when derived on demand (keep_derived=False)
                put(name, ("draw",), raw[name], "1" if name in ("bcr", "sroi", "weighted_bcr") else pv)
        for name, data in (raw.get("place") or {}).items():  # the place perspective's PVs, from the same draws
            if name == "headline_summary":  # a streaming run's: its streaming summaries below
                continue
            put(PLACE_PREFIX + name, ("draw",), data, pv, f"{_LONG_NAMES[name]} ({PLACE_LABEL})")
        if raw.get("eta") is not None:
            put("eta", ("draw",), raw["eta"], "1")
            put("quintile_log_income_ratio", ("quintile",), list(raw["log_income_ratio"]) + [0.0], "1")
        for name, (dim, _) in _TABLES.items():
            rows = raw.get(name)
            if rows is None:
                continue
            units = pv
            if name == "outcome_total":
                units = "outcome units (see outcome_unit)"
            put(name, (dim, "draw"), rows, units)
        units_of = {"level": "outcome units (see outcome_unit)", "value": money, "cost": money, "benefits": money,
                    "net": money, "place_year": money, "quintile_year": money, "decile_year": money}
        row_dim = {"level": "outcome", "value": "outcome", "place_year": "place", "quintile_year": "quintile",
                   "decile_year": "decile"}
        for name in ("level", "value", "cost", "benefits", "net", "place_year", "quintile_year", "decile_year"):
            table = raw.get(name)
            if table is None:
                continue
            dims: Tuple[str, ...] = (row_dim[name], "year") if name in row_dim else ("year",)
            for stat in _STATS:
                data = table[stat] if len(dims) == 2 else table[stat][0]
                put(f"{name}_{stat}", dims, data, units_of[name], f"{_LONG_NAMES[name]}: {stat}")
            q = table["quantiles"] if len(dims) == 2 else table["quantiles"][0]
            put(f"{name}_quantile", dims + ("quantile",), q, units_of[name], f"{_LONG_NAMES[name]}: quantiles")
        for name in ("outcome_total", "outcome_pv"):
            s = raw[f"{name}_summary"]
            units = "outcome units (see outcome_unit)" if name == "outcome_total" else pv
            for stat in _STATS + ("p_positive",):
                put(f"{name}_{stat}", ("outcome",), s[stat], "1" if stat == "p_positive" else units,
                    f"{_LONG_NAMES[name]}: {stat} (streaming)")
            put(f"{name}_quantile", ("outcome", "quantile"), s["quantiles"], units,
                f"{_LONG_NAMES[name]}: quantiles (streaming)")
        # Streaming runs (keep_draws=False): the headline PVs' streaming summaries, UK and place perspectives.
        for pre, s in (("", raw.get("headline_summary")), (PLACE_PREFIX, (raw.get("place") or {}).get("headline_summary"))):
            if s is None:
                continue
            for stat in _STATS + ("p_positive",):
                put(f"{pre}headline_{stat}", ("headline",), s[stat], "1" if stat == "p_positive" else pv,
                    f"headline PVs{f' ({PLACE_LABEL})' if pre else ''}: {stat} (streaming)")
            put(f"{pre}headline_quantile", ("headline", "quantile"), s["quantiles"], pv,
                f"headline PVs{f' ({PLACE_LABEL})' if pre else ''}: quantiles (streaming)")
        # Value by beneficiary and cost by lever of large runs: streaming summaries instead of per-draw values.
        for name, key in (("beneficiary_value", "beneficiary_summary"), ("lever_cost", "lever_cost_summary")):
            s = raw.get(key)
            if s is None:
                continue
            dim = _TABLES[name][0]
            for stat in _STATS + ("p_positive",):
                put(f"{name}_{stat}", (dim,), s[stat], "1" if stat == "p_positive" else pv,
                    f"{_LONG_NAMES[name]}: {stat} (streaming)")
            put(f"{name}_quantile", (dim, "quantile"), s["quantiles"], pv, f"{_LONG_NAMES[name]}: quantiles (streaming)")
        if raw["inputs"] is not None:
            put("inputs", ("parameter", "draw"), raw["inputs"], "parameter units", "sampled parameter values")
        if raw["full_level"] is not None:
            put("full_level", ("draw", "year", "outcome"), raw["full_level"], units_of["level"], _LONG_NAMES["level"])
            put("full_value", ("draw", "year", "outcome"), raw["full_value"], money, _LONG_NAMES["value"])
        v["priority_pillar"] = (("priority",), np.asarray(raw["priority_pillars"], dtype=str),
                                {"long_name": "pillar of each priority"})
        v["outcome_unit"] = (("outcome",), np.asarray(raw["outcome_units"], dtype=str),
                             {"long_name": "unit of each outcome"})
        coords = {
            "priority": (np.asarray(raw["priority_ids"], dtype=str), {"long_name": "priority id"}),
            "pillar": (np.asarray(PILLARS, dtype=str), {}),
            "beneficiary": (np.asarray(BENEFICIARIES, dtype=str), {}),
            "lever": (np.asarray(LEVERS, dtype=str), {}),
            "outcome": (np.asarray(raw["outcome_ids"], dtype=str), {"long_name": "outcome id"}),
            **({"place": (np.asarray(raw["place_ids"], dtype=str), {"long_name": "place id"})}
               if raw.get("place_ids") else {}),
            **({"quintile": (np.asarray(QUINTILES, dtype=str), {"long_name": "income quintile (q1 lowest)"})}
               if raw.get("quintile_value") is not None else {}),
            **({"decile": (np.asarray(DECILES, dtype=str), {"long_name": "English IMD decile (d1 most deprived)"})}
               if raw.get("decile_value") is not None or raw.get("decile_year") is not None else {}),
            "year": (np.asarray(raw["years"], dtype=np.int64), {"long_name": "calendar year"}),
            "quantile": (np.asarray(raw["quantile_levels"], dtype=float), {"long_name": "quantile level"}),
        }
        if streaming:
            coords["headline"] = (np.asarray(STREAMED_HEADLINE, dtype=str), {"long_name": "headline metric"})
        if raw["inputs"] is not None:
            coords["parameter"] = (np.asarray(raw["parameter_ids"], dtype=str), {"long_name": "parameter id"})
        a = dict(attrs)
        a.update(draws=int(raw["draws"]), seed=int(raw["seed"]), sampler=str(raw["sampler"]),
                 block_size=int(raw["block_size"]), quantile_draws=int(raw["quantile_draws"]),
                 quantile_method="fixed-bin histogram over the pilot block's range (docs/model/simulation.md)")
        if raw["warnings"]:
            a["warnings"] = list(raw["warnings"])
        if streaming:
            a["streaming"] = 1
        out = cls(v, coords, a)
        out.timings = dict(raw.get("timings", {}))
        return out

    # ---- basic access -------------------------------------------------------------------------------------------

    @property
    def n_draws(self) -> int:
        """Number of Monte Carlo draws."""
        return int(self.attrs["draws"])

    @property
    def streaming(self) -> bool:
        """True for a streaming run (``simulate(..., keep_draws=False)``): summaries only, no value per draw."""
        return bool(int(self.attrs.get("streaming", 0)))

    @property
    def sampler(self) -> str:
        """The sampler of this run as its command-line flag: ``"lhs"`` or ``"mc"``."""
        s = str(self.attrs.get("sampler", ""))
        return SAMPLER_FLAGS.get(s, s)

    def _coord(self, name: str) -> List[str]:
        return [str(x) for x in self._coords[name][0]] if name in self._coords else []

    @property
    def priorities(self) -> List[str]:
        """Priority ids, then ``"unallocated"``."""
        return self._coord("priority")

    @property
    def outcomes(self) -> List[str]:
        """Outcome ids."""
        return self._coord("outcome")

    @property
    def years(self) -> np.ndarray:
        """Calendar years of the horizon."""
        return np.asarray(self._coords["year"][0])

    @property
    def quantile_levels(self) -> np.ndarray:
        """Levels of the per-year quantiles."""
        return np.asarray(self._coords["quantile"][0], dtype=float)

    def metrics(self) -> List[str]:
        """Every metric name :meth:`draws` accepts (those kept draw by draw)."""
        names = [m for m in HEADLINE + PLACE_HEADLINE + DISTRIBUTION if self._has(m)]
        for table, (dim, prefix) in _TABLES.items():
            if self._has(table):
                names += [f"{prefix}.{label}" for label in self._coord(dim)]
        return names

    def _resolve(self, metric: str) -> Tuple[str, int]:
        """metric -> (variable, row or -1)."""
        if metric in HEADLINE + PLACE_HEADLINE + DISTRIBUTION and self._has(metric):
            return metric, -1
        prefix, _, label = metric.partition(".")
        for table, (dim, pre) in _TABLES.items():
            if pre == prefix and label:
                labels = self._coord(dim)
                if label in labels:
                    if not self._has(table):
                        how = ("simulate with keep_outcomes=True" if table.startswith("outcome") else
                               "kept draw by draw up to 250,000 draws")
                        raise KeyError(f"metric {metric!r}: per-draw values of {table} were not kept in this run "
                                       f"({how}); its streaming summary is in summary()")
                    return table, labels.index(label)
        if metric in self.outcomes:
            return self._resolve(f"outcome.{metric}")
        if self.streaming:
            raise KeyError(f"metric {metric!r}: this is a streaming run (keep_draws=False): no value per draw is "
                           f"kept; its streaming summary, where there is one, is in summary()")
        shown = ", ".join(self.metrics()[:20])
        raise KeyError(f"unknown metric {metric!r}: expected one of {shown}{', ...' if len(self.metrics()) > 20 else ''}")

    def draws(self, metric: str) -> np.ndarray:
        """The value of ``metric`` in every draw, in draw order (a read-only view).

        Parameters
        ----------
        metric
            ``"npsv"``, ``"bcr"``, ``"sroi"``, ``"pv_benefits"``, ``"pv_costs"``, ``"pv_investment"``,
            ``"priority.<id>"``, ``"pillar.<name>"``, ``"beneficiary.<name>"``, ``"lever.<name>"``,
            ``"lever_cost.<name>"``, ``"outcome.<id>"`` (or the bare outcome id), ``"outcome_pv.<id>"``,
            ``"place.<id>"``, ``"place_spend.<id>"``, ``"quintile.<q>"``, ``"weighted_npsv"``, ``"weighted_bcr"``,
            ``"weighted_pv_benefits"``, ``"share_lowest_two"``.

        Raises
        ------
        KeyError
            For an unknown metric (the message lists known ones) or one not kept draw by draw.
        """
        name, row = self._resolve(metric)
        data = self._var(name)[1]
        out = data if row < 0 else data[row]
        out = out.view()
        out.flags.writeable = False
        return out

    # ---- tables ---------------------------------------------------------------------------------------------------

    def _streamed_row(self, table: str, i: int) -> Dict[str, float]:
        """summary() row of a streamed outcome table (per-draw values not kept)."""
        levels = list(np.round(self.quantile_levels, 12))
        q = self._vars[f"{table}_quantile"][1][i]

        def at(level: float) -> float:
            return float(q[levels.index(level)]) if level in levels else float("nan")

        return {"mean": float(self._vars[f"{table}_mean"][1][i]), "sd": float(self._vars[f"{table}_sd"][1][i]),
                "p5": at(0.05), "p50": at(0.5), "p95": at(0.95),
                "P(>0)": float(self._vars[f"{table}_p_positive"][1][i])}

    def summary(self) -> pd.DataFrame:
        """Metrics x (unit, mean, sd, p5, p50, p95, P(>0)): headline metrics, value by priority, pillar,
        beneficiary and lever, lever costs, then each outcome's physical total and PV.

        Per-draw metrics are summarised exactly (sd with n - 1; quantiles by linear interpolation, numpy's
        default); outcomes not kept draw by draw come from the streaming summaries (exact mean, sd, P(>0);
        histogram quantiles, NaN for a level the run did not track).
        """
        rows: Dict[str, Dict[str, Any]] = {}
        for pre in ("", PLACE_PREFIX):  # a streaming run's headline PVs and NPSV
            if f"{pre}headline_mean" in self._vars:
                unit = self._vars[f"{pre}headline_mean"][2].get("units", "") + (f"; {PLACE_LABEL}" if pre else "")
                for i, m in enumerate(self._coord("headline")):
                    rows[pre + m] = {"unit": unit, **self._streamed_row(f"{pre}headline", i)}
        for m in self.metrics():
            name, _ = self._resolve(m)
            unit = self._var(name)[2].get("units", "")
            if m in PLACE_HEADLINE:  # labelled wherever it appears
                unit = f"{unit}; {PLACE_LABEL}"
            rows[m] = {"unit": unit, **_stats(self.draws(m))}
        for table in ("outcome_total", "outcome_pv", "beneficiary_value", "lever_cost"):
            if table in self._vars or f"{table}_mean" not in self._vars:
                continue
            dim, prefix = _TABLES[table]
            labels = self._coord(dim)
            units = self._unit_labels(table) if table.startswith("outcome") else \
                [self._vars[f"{table}_mean"][2].get("units", "")] * len(labels)
            for i, label in enumerate(labels):
                rows[f"{prefix}.{label}"] = {"unit": units[i], **self._streamed_row(table, i)}
        if "outcome_total" in self._vars:  # physical units of each outcome
            units = self._unit_labels("outcome_total")
            for i, o in enumerate(self.outcomes):
                rows[f"outcome.{o}"]["unit"] = units[i]
        df = pd.DataFrame.from_dict(rows, orient="index")
        df.index.name = "metric"
        return df

    def summary_text(self) -> str:
        """:meth:`summary` for a person (what ``socval summary`` prints): money in GBP m or k with the price base
        and P(>0), BCR and SROI to two decimals with P(>1), physical outcomes with thousands separators."""
        return summary_text(self.summary(), self.draws, self.attrs.get("price_base_year"))

    def _unit_labels(self, table: str) -> List[str]:
        if table == "outcome_total":
            return [str(u) for u in self._vars["outcome_unit"][1]]
        units = self._vars[f"{table}_mean"][2].get("units", "")
        return [units] * len(self.outcomes)

    def _table(self, table: str, labels: Sequence[str]) -> pd.DataFrame:
        if not self._has(table) and f"{table}_mean" in self._vars:  # streaming summaries of a large run
            return pd.DataFrame([self._streamed_row(table, i) for i in range(len(labels))], index=pd.Index(labels))
        data = self._var(table)[1]
        df = pd.DataFrame([_stats(data[i]) for i in range(len(labels))], index=pd.Index(labels))
        return df

    def by_priority(self) -> pd.DataFrame:
        """Value by priority (PV, GBP) with intervals: index priority (``"unallocated"`` last), columns pillar,
        mean, sd, p5, p50, p95, P(>0) and share (mean value / mean PV benefits)."""
        df = self._table("priority_value", self.priorities)
        df.insert(0, "pillar", [str(p) for p in self._vars["priority_pillar"][1]])
        total = float(np.mean(self._vars["pv_benefits"][1]))
        df["share"] = df["mean"] / total if total else np.nan
        df.index.name = "priority"
        return df

    def by_pillar(self) -> pd.DataFrame:
        """Value by pillar (social, economic, environmental, unallocated) with intervals."""
        df = self._table("pillar_value", list(PILLARS))
        df.index.name = "pillar"
        return df

    def by_beneficiary(self) -> pd.DataFrame:
        """Value by beneficiary (fiscal, economic, social) with intervals."""
        df = self._table("beneficiary_value", list(BENEFICIARIES))
        df.index.name = "beneficiary"
        return df

    def by_lever(self) -> pd.DataFrame:
        """Value attributed to each lever (commissioning, anchor, employer) with intervals, its PV costs (mean) and
        the mean of value - costs per draw (``net``).

        Raises
        ------
        KeyError
            If the run did not track levers (``track_levers=False``).
        """
        if "lever_value" not in self._vars:
            raise KeyError("by_lever: this run did not track levers (simulate with track_levers=True)")
        df = self._table("lever_value", list(LEVERS))
        value = self._vars["lever_value"][1]
        if "lever_cost" in self._vars:
            cost = self._vars["lever_cost"][1]
            df["cost"] = cost.mean(axis=1)
            df["net"] = (value - cost).mean(axis=1)
        else:  # costs by lever of a large run: streaming means (the mean of a difference is the difference of means)
            df["cost"] = np.asarray(self._vars["lever_cost_mean"][1], dtype=float)
            df["net"] = value.mean(axis=1) - df["cost"].to_numpy()
        df.index.name = "lever"
        return df

    def _per_year(self, name: str, dim: str, method: str) -> pd.DataFrame:
        """The per-year breakdown ``<name>_*`` (streaming summaries by ``dim`` and year) as a table indexed by
        (dim, year): mean, sd, min, max, one column per quantile level, share (mean / mean benefits that year)."""
        if f"{name}_mean" not in self._vars:
            raise KeyError(f"{method}(year=True): these results have no value by {dim} and year (a results file "
                           f"before format 1.3, or a run with year_breakdowns=False: simulate again)")
        labels, years = self._coord(dim), self.years
        index = pd.MultiIndex.from_product([labels, years], names=[dim, "year"])
        df = pd.DataFrame({stat: np.asarray(self._vars[f"{name}_{stat}"][1], dtype=float).ravel() for stat in _STATS},
                          index=index)
        q = np.asarray(self._vars[f"{name}_quantile"][1], dtype=float)
        for j, level in enumerate(self.quantile_levels):
            df[quantile_label(level)] = q[:, :, j].ravel()
        benefits = np.tile(np.asarray(self._vars["benefits_mean"][1], dtype=float), len(labels))
        with np.errstate(divide="ignore", invalid="ignore"):
            df["share"] = np.where(benefits != 0.0, df["mean"].to_numpy() / benefits, np.nan)
        return df

    def by_place(self, year: bool = False) -> pd.DataFrame:
        """Value by place (PV, GBP) with intervals (docs/model/distribution.md): index place (the scenario's
        ``places:``), columns mean, sd, p5, p50, p95, P(>0), share (mean value / mean PV benefits), spend (mean PV of
        the funded options' spend before optimism bias in the place) and spend_share. The places add up to PV
        benefits draw by draw.

        With ``year=True``: value by place in each year (GBP, undiscounted, as ``by_year("benefits")``), indexed by
        (place, year), columns mean, sd, min, max, one per quantile level (``p5``, ...) and share (of that year's
        mean benefits); from streaming summaries over every draw (quantiles from histograms).

        Raises
        ------
        KeyError
            If the scenario declares no places.
        """
        if "place_value" not in self._vars:
            raise KeyError("by_place: the scenario declares no places (add a `places:` section, "
                           "docs/formats/scenario.md)")
        if year:
            return self._per_year("place_year", "place", "by_place")
        df = self._table("place_value", self._coord("place"))
        total = float(np.mean(self._vars["pv_benefits"][1]))
        df["share"] = df["mean"] / total if total else np.nan
        spend = self._vars["place_spend"][1].mean(axis=1)
        df["spend"] = spend
        df["spend_share"] = spend / spend.sum() if spend.sum() else np.nan
        df.index.name = "place"
        return df

    def by_quintile(self, year: bool = False) -> pd.DataFrame:
        """Value by income quintile (PV, GBP) with intervals (docs/model/distribution.md): index q1 (lowest) .. q5
        and ``unallocated`` (outcomes without quintile shares), columns mean, sd, p5, p50, p95, P(>0), share of PV
        benefits, weight (mean Green Book Annex A3 weight, (median / income)^eta over the draws of eta; 1 for
        unallocated) and weighted (mean weighted value). The rows add up to PV benefits draw by draw.

        With ``year=True``: value by quintile in each year, indexed by (quintile, year), as ``by_place(year=True)``.

        Raises
        ------
        KeyError
            If the scenario declares no ``people:``.
        """
        if "quintile_value" not in self._vars:
            raise KeyError("by_quintile: the scenario declares no `people:` (docs/formats/scenario.md)")
        if year:
            return self._per_year("quintile_year", "quintile", "by_quintile")
        df = self._table("quintile_value", self._coord("quintile"))
        total = float(np.mean(self._vars["pv_benefits"][1]))
        df["share"] = df["mean"] / total if total else np.nan
        w = self.weights()
        df["weight"] = w.mean(axis=1)
        df["weighted"] = (w * self._vars["quintile_value"][1]).mean(axis=1)
        df.index.name = "quintile"
        return df

    @property
    def log_income_ratios(self) -> np.ndarray:
        """ln(median income / income of quintile q) for q1..q5, from the scenario's income table (Annex A3)."""
        if "quintile_log_income_ratio" not in self._vars:
            raise KeyError("log_income_ratios: the scenario declares no `people:` (docs/formats/scenario.md)")
        return np.asarray(self._vars["quintile_log_income_ratio"][1][:5], dtype=float)

    def weights(self) -> np.ndarray:
        """Distributional weights per quintile and draw, (6, draws): exp(eta x ln(median / income_q)), the last row
        (unallocated) 1 (Green Book Annex A3; docs/model/distribution.md)."""
        if "eta" not in self._vars:
            raise KeyError("weights: the scenario declares no `people:` (docs/formats/scenario.md)")
        lr = np.asarray(self._vars["quintile_log_income_ratio"][1], dtype=float)
        return np.exp(np.outer(lr, self._vars["eta"][1]))

    def by_decile(self, year: bool = False) -> pd.DataFrame:
        """Value by English IMD decile (PV, GBP) with intervals (docs/model/distribution.md): index d1 (the most
        deprived tenth of neighbourhoods) .. d10 and ``unallocated`` (outcomes without decile shares), columns mean,
        sd, p5, p50, p95, P(>0) and share of PV benefits. No distributional weights: those are by income quintile
        (Green Book Annex A3). The rows add up to PV benefits draw by draw.

        With ``year=True``: value by decile in each year, indexed by (decile, year), as ``by_place(year=True)``.

        Raises
        ------
        KeyError
            If no outcome gives shares by decile (``people: {imd_decile: ...}``).
        """
        if "decile_value" not in self._vars:
            raise KeyError("by_decile: no outcome gives shares by IMD decile (`people: {imd_decile: {d1: ..}}`, "
                           "docs/formats/scenario.md)")
        if year:
            return self._per_year("decile_year", "decile", "by_decile")
        df = self._table("decile_value", self._coord("decile"))
        total = float(np.mean(self._vars["pv_benefits"][1]))
        df["share"] = df["mean"] / total if total else np.nan
        df.index.name = "decile"
        return df

    def by(self, dimension: str, per: Optional[str] = None) -> pd.DataFrame:
        """The breakdown by one dimension: ``"place"``, ``"quintile"``, ``"priority"``, ``"pillar"``,
        ``"beneficiary"``, ``"lever"`` or ``"decile"`` (the same tables as ``by_<dimension>()``); ``per="year"`` (place,
        quintile and decile) gives it for every year of the horizon, as ``by_place(year=True)``."""
        tables = {"place": self.by_place, "quintile": self.by_quintile, "priority": self.by_priority,
                  "pillar": self.by_pillar, "beneficiary": self.by_beneficiary, "lever": self.by_lever,
                  "decile": self.by_decile}
        if dimension not in tables:
            raise KeyError(f"by: expected one of {', '.join(tables)}, found {dimension!r}")
        if per is None:
            return tables[dimension]()
        if per != "year" or dimension not in ("place", "quintile", "decile"):
            raise KeyError(f"by({dimension!r}, per={per!r}): expected per=None, or per='year' with 'place', "
                           f"'quintile' or 'decile'")
        return tables[dimension](year=True)

    def fairness(self) -> pd.DataFrame:
        """Who benefits, in one table (docs/model/distribution.md): NPSV and BCR unweighted and with Annex A3
        weights side by side, and the share of value reaching the two lowest income quintiles (and, with shares by
        IMD decile, the most deprived 20% of neighbourhoods); rows metric,
        columns mean, sd, p5, p50, p95, P(>0).

        Raises
        ------
        KeyError
            If the scenario declares no ``people:``.
        """
        if "weighted_npsv" not in self._vars:
            raise KeyError("fairness: the scenario declares no `people:` (docs/formats/scenario.md)")
        names = ("npsv", "weighted_npsv", "bcr", "weighted_bcr", "pv_benefits", "weighted_pv_benefits",
                 "share_lowest_two") + (("share_most_deprived_20",) if self._has("share_most_deprived_20") else ())
        rows = {m: _stats(self.draws(m)) for m in names}
        df = pd.DataFrame.from_dict(rows, orient="index")
        df.index.name = "metric"
        return df

    def by_year(self, node: str, kind: str = "level") -> pd.DataFrame:
        """Fan-chart table of one node by year: index year, columns mean, sd, min, max and one per quantile
        level (``p5``, ``p25``, ``p50``, ...).

        Parameters
        ----------
        node
            An outcome id (its level in physical units, or with ``kind="value"`` its value in GBP, available when the
            run kept per-year values), or ``"cost"`` / ``"costs"``, ``"benefits"``, ``"net"`` (GBP, undiscounted).
        kind
            ``"level"`` or ``"value"`` for an outcome.

        Raises
        ------
        KeyError
            For an unknown node (the message lists the outcomes), or values not kept.
        """
        aliases = {"cost": "cost", "costs": "cost", "benefits": "benefits", "benefit": "benefits", "net": "net"}
        if node in aliases:
            name, row = aliases[node], None
        elif node in self.outcomes:
            if kind not in ("level", "value"):
                raise KeyError(f"by_year: kind must be 'level' or 'value', found {kind!r}")
            name, row = kind, self.outcomes.index(node)
            if f"{name}_mean" not in self._vars:
                raise KeyError(f"by_year({node!r}, kind='value'): per-year values were not kept in this run "
                               "(simulate with year_values=True)")
        else:
            raise KeyError(f"by_year: unknown node {node!r}: expected 'cost', 'benefits', 'net' or an outcome id "
                           f"({', '.join(self.outcomes)})")

        def get(stat: str) -> np.ndarray:
            x = self._vars[f"{name}_{stat}"][1]
            return x if row is None else x[row]

        df = pd.DataFrame({stat: get(stat) for stat in _STATS}, index=pd.Index(self.years, name="year"))
        q = get("quantile")
        for j, level in enumerate(self.quantile_levels):
            df[quantile_label(level)] = q[:, j]
        return df

    def exceedance(self, metric: str, threshold: Union[float, Sequence[float], np.ndarray]):
        """P(metric > threshold) over the draws (NaN draws left out): a float for one threshold, an array for many.

        Raises
        ------
        KeyError
            For an unknown metric or one not kept draw by draw.
        """
        x = np.asarray(self.draws(metric), dtype=float)
        x = np.sort(x[~np.isnan(x)])
        t = np.asarray(threshold, dtype=float)
        p = 1.0 - np.searchsorted(x, t, side="right") / x.size if x.size else np.full(t.shape, np.nan)
        return float(p) if np.ndim(p) == 0 else p

    # ---- xarray and files ---------------------------------------------------------------------------------------

    def to_xarray(self):
        """An ``xarray.Dataset`` with named dimensions (draw, priority, pillar, beneficiary, lever, outcome, year,
        quantile, parameter), units as attributes and the provenance as dataset attributes."""
        import xarray as xr

        data_vars = {name: (dims, data, dict(a)) for name, (dims, data, a) in self._all_vars().items()
                     if name not in ("priority_pillar", "outcome_unit")}
        coords: Dict[str, Any] = {name: (name, values, dict(a)) for name, (values, a) in self._coords.items()}
        coords["priority_pillar"] = ("priority", self._vars["priority_pillar"][1])
        coords["outcome_unit"] = ("outcome", self._vars["outcome_unit"][1])
        return xr.Dataset(data_vars, coords=coords, attrs=dict(self.attrs))

    def save(self, path: Union[str, "os.PathLike[str]"]) -> None:
        """Write a self-describing HDF5 file (``docs/formats/results.md``) atomically: a temporary file renamed to
        ``path`` only when complete. Raises socval.ResultsFileError."""
        variables = self._all_vars()
        coords = {name: (values, a) for name, (values, a) in self._coords.items()}
        attrs = {k: v for k, v in self.attrs.items() if k not in results_file.COMPUTED_ATTRS}
        results_file.write(path, variables, coords, attrs)

    def scenario(self):
        """The scenario this run simulated, rebuilt from its ``scenario_text`` (the merged scenario file, includes
        and extends resolved) and validated again; the same text gives the same (cached) Scenario.

        Raises
        ------
        socval.ResultsFileError
            Results without ``scenario_text``.
        socval.ScenarioError, socval.ValueLibraryError
            A scenario the current value library cannot validate.
        """
        text = self.attrs.get("scenario_text")
        if not text:
            raise ResultsFileError(f"results {self.attrs.get('scenario_name', '')!r}: expected the scenario text "
                                   f"(attribute scenario_text) to rebuild the scenario, found none")
        name = str(self.attrs.get("scenario_file") or self.attrs.get("scenario_name") or "<results>")
        return _scenario_from_text(str(text), name)

    # ---- notebooks: charts, HTML summary, report ------------------------------------------------------------------

    @property
    def plot(self):
        """Charts of these results (:class:`socval.plots.ResultsPlots`): ``results.plot.distribution()``,
        ``.fan(node)``, ``.by_priority()``, ``.by_pillar()``, ``.by_lever()``, ``.exceedance()``, ``.sankey()``;
        each returns a matplotlib Figure."""
        from ..plots.facades import ResultsPlots

        return ResultsPlots(self)

    def update(self, returns: Any, **options: Any):
        """Learn from delivery returns: the scenario's uncertain parameters updated by the returns and the programme
        re-forecast (:func:`socval.tracking.update`; ``returns`` a :class:`socval.tracking.Returns` or paths of
        returns files). Returns a :class:`socval.tracking.Posterior` with prior and posterior side by side."""
        from ..tracking.returns import Returns, load_returns
        from ..tracking.update import update

        if not isinstance(returns, Returns):
            returns = load_returns(*(returns if isinstance(returns, (list, tuple)) else [returns]))
        return update(self, returns, **options)

    def discover(self, condition, **options: Any):
        """Scenario discovery (:func:`socval.discovery.discover`): where in the sampled inputs ``condition`` holds,
        e.g. ``results.discover("npsv < 0")`` or ``"pillar.social < 2e6"``; PRIM boxes and a CART tree."""
        from ..discovery import discover

        return discover(self, condition, **options)

    def report(self, path=None, **options: Any):
        """A decision-paper report of these results (HTML, Markdown, PDF): see :func:`socval.report.report` for the
        options (``format``, ``pdf``, ``title``, ``sensitivity``, ``command``).

        Returns the report text when ``path`` is None, else writes the files and returns the Path.
        """
        from ..report import report

        return report(self, path, **options)

    def _repr_html_(self) -> str:
        """Notebook summary: scenario, draws, seed, sampler, price base and the headline table (every text
        escaped)."""
        a = self.attrs
        table = self.summary()
        rows = []
        for m in [m for m in table.index if m in HEADLINE + PLACE_HEADLINE or m.startswith("pillar.")]:
            r = table.loc[m]
            is_ratio = m in RATIO_METRICS
            fmt = _html.ratio if is_ratio else _html.money
            rows.append([metric_label(m), "ratio" if is_ratio else "GBP", fmt(r["mean"]), fmt(r["sd"]), fmt(r["p5"]),
                         fmt(r["p50"]), fmt(r["p95"]), _html.prob(r["P(>0)"])])
        lines = [f"{self.n_draws:,} draws, seed {a.get('seed')}, sampler {a.get('sampler')}",
                 f"GBP in {a.get('price_base_year')} prices, present values "
                 f"({a.get('discount_schedule', 'standard')} discount schedule, first year {a.get('first_year')}, "
                 f"horizon {a.get('horizon')} years)"]
        return _html.block("Results", str(a.get("scenario_name", "")), lines,
                           [_html.table(["metric", "unit", "mean", "sd", "p5", "p50", "p95", "P(>0)"], rows, 2)],
                           warnings=list(a.get("warnings", []) or []))

    def __repr__(self) -> str:
        name = self.attrs.get("scenario_name", "")
        npsv = self._var("npsv") if self._has("npsv") else None
        head = ""
        if self.streaming:
            head = f"; NPSV mean {self.summary().loc['npsv', 'mean']:,.0f} (streaming run)"
        if npsv is not None and npsv[1].size:
            p5, p95 = np.quantile(npsv[1], [0.05, 0.95])
            head = f"; NPSV mean {npsv[1].mean():,.0f} (90% interval {p5:,.0f} to {p95:,.0f})"
        return (f"<socval.Results {name!r}: {self.n_draws} draws, seed {self.attrs.get('seed')}, "
                f"sampler {self.attrs.get('sampler')}{head}>")


@functools.lru_cache(maxsize=32)
def _scenario_from_text(text: str, name: str):
    return scenario_from_yaml(text, name=name)


def load_results(path: Union[str, "os.PathLike[str]"]) -> Results:
    """Read a results file written by :meth:`Results.save`.

    Raises
    ------
    socval.ResultsFileError
        If the file is missing, not a socval results file, truncated, of a newer major format version, or not a
        simulation run (the message says what to do).
    """
    variables, coords, attrs = results_file.read(path)
    streamed = "headline_mean" in variables  # a streaming run (keep_draws=False): summaries only
    if not streamed and ("npsv" not in variables or "draw" not in variables["npsv"].dims):
        raise results_file.ResultsFileError(
            f"results file '{os.fspath(path)}': expected the results of a simulation run (a variable 'npsv' over "
            f"'draw'), found variables {', '.join(sorted(variables)) or 'none'}; was it written by Results.save?")
    v: Variables = {name: (tuple(var.dims), np.asarray(var.data), dict(var.attrs)) for name, var in variables.items()}
    c = {name: (np.asarray(co.data), dict(co.attrs)) for name, co in coords.items()}
    for name in ("priority", "pillar", "beneficiary", "lever", "outcome", "parameter", "place", "quintile", "decile",
                 "headline"):
        if name in c:
            c[name] = (np.asarray(c[name][0], dtype=str), c[name][1])
    a = dict(attrs)
    if "format_version" in a:
        a["format_version"] = tuple(int(x) for x in np.asarray(a["format_version"]).ravel())
        if a["format_version"] < (1, 2) and "bcr" in v and "bcr_all_costs" not in v:
            # Before 1.2 the stored BCR was on all costs: kept as bcr_all_costs, and bcr (on public sector cost)
            # is derived from the stored PVs (docs/formats/results.md, "Versioning").
            dims, data, at = v.pop("bcr")
            v["bcr_all_costs"] = (dims, data, {**at, "long_name": _LONG_NAMES["bcr_all_costs"]})
    return Results(v, c, a)
