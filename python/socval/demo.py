"""`make demo` until the scenario engine lands: a Green Book appraisal of a small documented example.

The example (illustrative figures, stated here): a home retrofit pilot of 200 homes, built in 2025.
- Capital GBP 2.4m in 2025 (2024 prices), standard-buildings optimism bias (24%) with half of it mitigated;
  revenue (advice and monitoring) GBP 100k a year in 2026-2028.
- Carbon: 1.2 tCO2e avoided per home per year for 15 years from 2026, 20% deadweight (homes that would have
  been retrofitted anyway); valued at the DESNZ central value of each year (the table ends in 2050).
- Wellbeing: +0.05 life satisfaction points for 2.3 residents per home for 10 years from 2026 (warmer homes),
  30% deadweight; valued at the HMT WELLBY (GBP 13,000 in 2019 prices) and discounted at the health rate (1.5%),
  as the Wellbeing Guidance asks for wellbeing values.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from . import appraisal, values

PRICE_BASE = 2024
FIRST_YEAR = 2025
YEARS = 16


def appraise_example() -> tuple[pd.DataFrame, dict]:
    """The year-by-year table (2024 prices) and the headline figures of the example."""
    years = np.arange(YEARS)
    calendar = FIRST_YEAR + years
    uplift = appraisal.optimism_bias_uplift("standard_buildings", mitigation=0.5)
    capital = np.where(years == 0, 2.4e6 * (1 + uplift), 0.0)
    revenue = np.where((years >= 1) & (years <= 3), 100e3, 0.0)
    benefiting = (years >= 1) & (years <= 15)
    tonnes = appraisal.net_outcome(np.where(benefiting, 200 * 1.2, 0.0), deadweight=0.2)
    carbon = tonnes * values.carbon_value(calendar, "central", price_base=PRICE_BASE)
    wellbys = appraisal.net_outcome(np.where((years >= 1) & (years <= 10), 200 * 2.3 * 0.05, 0.0), deadweight=0.3)
    wellbeing = wellbys * values.wellby_value("central", price_base=PRICE_BASE)
    table = pd.DataFrame({
        "year": calendar, "capital": capital, "revenue": revenue, "tCO2e avoided": tonnes,
        "carbon value": carbon, "WELLBYs": wellbys, "wellbeing value": wellbeing,
        "DF standard": appraisal.discount_factors(years), "DF health": appraisal.discount_factors(years, "health"),
    }).set_index("year")
    pv_costs = appraisal.npv(capital + revenue)
    pv_benefits = appraisal.npv(carbon) + appraisal.npv(wellbeing, schedule="health")
    headline = {"optimism bias uplift": uplift, "PV costs": pv_costs, "PV benefits": pv_benefits,
                "NPSV": pv_benefits - pv_costs, "BCR": pv_benefits / pv_costs}
    return table, headline


def main() -> None:
    table, headline = appraise_example()
    pd.set_option("display.width", 160)
    print(__doc__)
    print(f"Year by year, GBP in {PRICE_BASE} prices (value library {values.version()}):")
    print(table.to_string(float_format=lambda x: "-" if x == 0 else f"{x:,.3f}" if abs(x) < 100 else f"{x:,.0f}"))
    print()
    for k, v in headline.items():
        print(f"{k:>22}: {v:,.3f}" if k in ("BCR", "optimism bias uplift") else f"{k:>22}: GBP {v:,.0f}")


if __name__ == "__main__":
    main()
