"""The deterministic result of a scenario: ``Scenario.evaluate()`` -> :class:`Evaluation` (every parameter at its
central value)."""
from __future__ import annotations

import json
from typing import Any, Dict, Iterable, List

import numpy as np
import pandas as pd

from .._util.jsonio import json_ready
from .._util.numbers import money, money_heading, money_scale, ratio
from ..model.words import BENEFICIARIES, LEVERS, PILLARS

__all__ = ["Evaluation"]


class Evaluation:
    """The deterministic appraisal of a scenario (every parameter at its central value).

    Money is in GBP at the scenario's price base; PV with the scenario's discount schedule (an outcome may use its
    own). Tables are pandas DataFrames.
    """

    def __init__(self, result: Any, warnings: Iterable[str] = ()) -> None:
        self._r = result
        seen = list(warnings)
        self._warnings = seen + [w for w in result.warnings if w not in seen]

    @property
    def scenario(self) -> str:
        """Name of the appraised scenario."""
        return self._r.scenario

    @property
    def price_base_year(self) -> int:
        return self._r.price_base_year

    @property
    def warnings(self) -> List[str]:
        """Warnings of the reader and of the evaluation (e.g. carbon values held beyond the published table)."""
        return list(self._warnings)

    @property
    def headline(self) -> pd.Series:
        """PV costs (with optimism bias; costs to others included), PV investment (before it), PV costs to others,
        PV benefits, NPSV, BCR on public sector cost (the headline: (PV benefits - PV others) / (PV costs - PV
        others)), BCR on all costs (PV benefits / PV costs) and SROI ratio."""
        r = self._r
        all_costs = r.pv_benefits / r.pv_costs if r.pv_costs != 0 else float("nan")
        return pd.Series({"pv_costs": r.pv_costs, "pv_investment": r.pv_investment, "pv_others": r.pv_others,
                          "pv_benefits": r.pv_benefits,
                          "npsv": r.npsv, "bcr": r.bcr, "bcr_all_costs": all_costs, "sroi": r.sroi},
                         name=r.scenario)

    @property
    def npsv(self) -> float:
        return self._r.npsv

    @property
    def bcr(self) -> float:
        return self._r.bcr

    @property
    def by_priority(self) -> pd.DataFrame:
        """PV value serving each priority (outcome value x the outcome's share), and "unallocated"."""
        r = self._r
        df = pd.DataFrame({"priority": r.priority_ids, "pillar": r.priority_pillars, "value": r.priority_value})
        return df.set_index("priority")

    @property
    def by_pillar(self) -> pd.DataFrame:
        """PV value by pillar (social, economic, environmental) and unallocated."""
        return pd.DataFrame({"value": list(self._r.pillar_value)}, index=pd.Index(PILLARS, name="pillar"))

    @property
    def by_lever(self) -> pd.DataFrame:
        """PV value attributed to each lever's options, their PV costs, and the lever's NPSV."""
        r = self._r
        df = pd.DataFrame({"value": list(r.lever_value), "pv_costs": list(r.lever_cost)},
                          index=pd.Index(LEVERS, name="lever"))
        df["npsv"] = df["value"] - df["pv_costs"]
        return df

    @property
    def by_beneficiary(self) -> pd.DataFrame:
        """PV value by who gains it: fiscal, economic, social."""
        return pd.DataFrame({"value": list(self._r.beneficiary_value)},
                            index=pd.Index(BENEFICIARIES, name="beneficiary"))

    @property
    def by_option(self) -> pd.DataFrame:
        """Per funded option: lever, PV value attributed to it, PV costs, NPSV, BCR, optimism bias applied."""
        r = self._r
        df = pd.DataFrame({"lever": r.option_levers, "value": r.option_value, "pv_costs": r.option_cost,
                           "ob_capital_uplift": r.option_ob_capital, "ob_duration_uplift": r.option_ob_duration,
                           "ob_revenue_uplift": r.option_ob_revenue, "delay_years": r.option_delay},
                          index=pd.Index(r.option_ids, name="option"))
        df["npsv"] = df["value"] - df["pv_costs"]
        df["bcr"] = np.where(df["pv_costs"] != 0, df["value"] / df["pv_costs"].where(df["pv_costs"] != 0), np.nan)
        return df[["lever", "value", "pv_costs", "npsv", "bcr", "ob_capital_uplift", "ob_revenue_uplift",
                   "ob_duration_uplift", "delay_years"]]

    @property
    def totals(self) -> pd.DataFrame:
        """Per outcome: unit, beneficiary, physical total (undiscounted sum of levels over the horizon), PV value."""
        r = self._r
        return pd.DataFrame({"unit": r.outcome_units, "beneficiary": r.outcome_beneficiaries,
                             "total": r.outcome_total, "pv": r.outcome_pv},
                            index=pd.Index(r.outcome_ids, name="outcome"))

    @property
    def by_year(self) -> pd.DataFrame:
        """Per calendar year: costs (with optimism bias), investment (before it), benefits, discount factor,
        discounted costs and benefits."""
        r = self._r
        return pd.DataFrame({"cost": r.cost, "investment": r.investment, "benefits": r.benefits,
                             "discount_factor": r.discount_factor, "pv_cost": r.pv_cost, "pv_benefit": r.pv_benefit},
                            index=pd.Index(r.years, name="year"))

    @property
    def levels(self) -> pd.DataFrame:
        """Physical level of each outcome by year (net of additionality, with persistence): years x outcomes."""
        r = self._r
        return pd.DataFrame(np.array(r.level).T.reshape(len(r.years), len(r.outcome_ids)),
                            index=pd.Index(r.years, name="year"), columns=pd.Index(r.outcome_ids, name="outcome"))

    @property
    def values(self) -> pd.DataFrame:
        """Undiscounted GBP value of each outcome by year: years x outcomes."""
        r = self._r
        return pd.DataFrame(np.array(r.value).T.reshape(len(r.years), len(r.outcome_ids)),
                            index=pd.Index(r.years, name="year"), columns=pd.Index(r.outcome_ids, name="outcome"))

    @property
    def attribution(self) -> pd.DataFrame:
        """Option -> priority flows of PV value (a Sankey chart's links): option, lever, priority, pillar, value.
        Exact for linear links; saturating links share their output in proportion to each option's share of
        their input (docs/model/engine.md)."""
        rows = [{"option": a.option, "lever": a.lever, "priority": a.priority, "pillar": a.pillar, "value": a.value}
                for a in self._r.attribution]
        return pd.DataFrame(rows, columns=["option", "lever", "priority", "pillar", "value"])

    def to_dict(self) -> Dict[str, Any]:
        """Everything as plain Python values, ready for ``json.dumps`` (NaN -> None)."""
        r = self._r

        def records(df: pd.DataFrame) -> List[Dict[str, Any]]:
            return df.reset_index().to_dict(orient="records")

        return json_ready({
            "scenario": r.scenario, "price_base_year": r.price_base_year, "first_year": r.first_year,
            "horizon": r.horizon, "schedule": r.schedule,
            "headline": self.headline.to_dict(),
            "by_priority": records(self.by_priority), "by_pillar": records(self.by_pillar),
            "by_lever": records(self.by_lever), "by_beneficiary": records(self.by_beneficiary),
            "by_option": records(self.by_option), "totals": records(self.totals),
            "by_year": records(self.by_year),
            "levels": {o: list(v) for o, v in zip(r.outcome_ids, r.level)},
            "values": {o: list(v) for o, v in zip(r.outcome_ids, r.value)},
            "attribution": self.attribution.to_dict(orient="records"),
            "warnings": self.warnings,
        })

    def to_json(self, **kwargs: Any) -> str:
        """:meth:`to_dict` as JSON text."""
        return json.dumps(self.to_dict(), **kwargs)

    def summary(self) -> str:
        """A short text report in socval's number style (money in GBP m or k with the price base, ratios to two
        decimals): headline, value by pillar and lever, warnings."""
        h = self.headline
        scale = money_scale([h.pv_costs, h.pv_benefits, h.npsv, h.pv_investment])

        def gbp(x: float) -> str:
            return money(x, scale, unit=False)

        lines = [f"{self.scenario} ({money_heading(scale, self.price_base_year)})",
                 f"  PV costs      {gbp(h.pv_costs):>12}   (before optimism bias {gbp(h.pv_investment)}; "
                 f"costs to others {gbp(h.pv_others)})",
                 f"  PV benefits   {gbp(h.pv_benefits):>12}",
                 f"  NPSV          {gbp(h.npsv):>12}",
                 f"  BCR           {ratio(h.bcr):>12}   (public sector cost; on all costs {ratio(h.bcr_all_costs)})",
                 f"  SROI ratio    {ratio(h.sroi):>12}",
                 "  by pillar:   " + ", ".join(f"{k} {gbp(v)}" for k, v in self.by_pillar["value"].items()),
                 "  by lever:    " + ", ".join(f"{k} {gbp(v)}" for k, v in self.by_lever["value"].items())]
        lines += [f"  warning: {w}" for w in self.warnings]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<socval.Evaluation '{self.scenario}': NPSV {money(self.npsv)}, BCR {ratio(self.bcr)}>"
