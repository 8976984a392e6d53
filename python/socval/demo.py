"""`make demo`: the West of England reference scenarios, validated, simulated on common random numbers and compared.

Five scenarios with the same GBP 100m budget (scenarios/west-of-england/README.md): baseline, procurement first,
green first, skills first and balanced. The demo
1. validates each scenario file (socval.ScenarioError with file:line:column on a bad file) and checks the budget;
2. simulates all five with the same seed and 10,000 Latin-hypercube draws (socval.compare: a parameter shared by
   two scenarios takes the same value in the same draw, so their differences are paired);
3. prints the comparison table (socval.indicators.headline): NPSV, BCR, SROI, value by pillar, jobs for local people, tCO2e
   avoided, local spend retained, the share of spend kept in the regional economy and LM3, each as
   mean [5th, 95th percentile], then P(NPSV > 0) and P(best) on NPSV;
4. writes to out/: one self-describing HDF5 results file per scenario, the table as CSV, a PNG chart, and the
   decision-paper annex (socval.report: summary, charts, methodology, assumptions) as one HTML page;
5. evaluates the worked tender (scenarios/west-of-england/procurement/facilities.yaml, socval.procurement): three
   suppliers' bids for a facilities contract, P(win) over delivery and evaluators' spread, and writes its report;
6. tracks the baseline's synthetic delivery returns for 2025-2026 (scenarios/west-of-england/returns/,
   socval.tracking): against the projection, the update (on at most TRACK_DRAWS draws of the baseline), the other
   four scenarios compared on the same draws, and writes the annual social value report.

The issue-2 example (a documented Green Book appraisal of a retrofit pilot) stays available as
:func:`appraise_example`.
"""
from __future__ import annotations

import argparse
import sys
import textwrap
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import pandas as pd

from . import _core, appraisal, values
from .engine.comparison import compare
from .indicators import headline
from .model.words import PILLARS
from .procurement import evaluate_tender
from .plots import PALETTE, PILLAR_COLOURS
from .report import report
from .report.annual import annual_report
from .engine.simulation import simulate
from .model.scenario import load_scenario
from .tracking import load_returns, update
from ._util.numbers import WIDTH, frame_to_text
from ._util.safe_text import neutralise_frame

__all__ = ["SCENARIO_DIR", "SCENARIOS", "DRAWS", "SEED", "BUDGET", "scenario_paths", "validate", "budget",
           "compare_scenarios", "comparison_table", "format_table", "plot_comparison", "run", "appraise_example",
           "main"]

#: The West of England reference scenarios.
SCENARIO_DIR = Path(__file__).resolve().parents[2] / "scenarios" / "west-of-england"
#: Scenario files in the order of the table (baseline first).
SCENARIOS: Tuple[str, ...] = ("baseline", "procurement-first", "green-first", "skills-first", "balanced")
DRAWS = 10_000
#: Fixed seed of the demo (the date of the LEP Board paper, 18 January).
SEED = 20240118
#: The total budget of every West of England scenario, GBP (2024 prices, before optimism bias).
BUDGET = 100e6
#: Draws of the baseline's projection that the tracking example learns on (the update re-evaluates every draw).
TRACK_DRAWS = 2000
#: Interval reported beside each mean: the 5th and 95th percentiles of the draws (a 90% interval).
INTERVAL = (0.05, 0.95)


def scenario_paths(directory: Path = SCENARIO_DIR) -> List[Path]:
    """The five scenario files, baseline first."""
    return [directory / f"{name}.yaml" for name in SCENARIOS]


def budget(scenario) -> float:
    """Total budget of a scenario: sum over funded options of scale x the central (mean) cost of every cost year,
    capital and revenue, before optimism bias (GBP, the scenario's price base)."""
    total = 0.0
    for f in scenario.funded:
        option = scenario.options[f.option]
        total += f.scale * sum(c.capital.value + c.revenue.value for c in option.costs)
    return total


def validate(paths: Sequence[Path]) -> Dict[str, object]:
    """Read and validate each scenario file; returns name -> the validated ``_core.model.Scenario``.

    Raises
    ------
    socval.ScenarioError
        A file that does not validate (the message gives file:line:column and the key).
    """
    from .values import default_library
    return {Path(p).stem: _core.model.read_scenario(str(p), default_library()) for p in paths}


def compare_scenarios(paths: Sequence[Path], draws: int = DRAWS, seed: int = SEED, progress: Optional[bool] = False):
    """Simulate the scenarios on common random numbers (socval.compare), keeping per-draw outcome totals."""

    return compare([str(p) for p in paths], draws=draws, seed=seed, progress=progress, keep_outcomes=True,
                   metrics=("npsv", "bcr", "pv_benefits", "pv_costs"))


def comparison_table(cmp) -> pd.DataFrame:
    """Scenario x (indicator, statistic): mean, p5 and p95 of each headline indicator over the paired draws,
    P(NPSV > 0) and P(best) on NPSV (socval.indicators.headline.headline_table)."""
    return headline.headline_table(cmp, interval=INTERVAL)


def format_table(table: pd.DataFrame) -> pd.DataFrame:
    """The comparison table as text cells "mean [p5, p95]", one column per indicator (for printing)."""
    return headline.format_table(table)


def plot_comparison(table: pd.DataFrame, path: Path) -> Path:
    """A 2 x 3 PNG chart: NPSV, BCR, value by pillar (stacked means), jobs for local people, share of spend kept
    locally and tCO2e avoided, each with its 90% interval; P(best NPSV) under the NPSV bars."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = headline.short_names(list(table.index))
    x = np.arange(len(names))

    colours = list(PALETTE)  # Okabe-Ito, colour-blind safe
    fig, axes = plt.subplots(2, 3, figsize=(15, 8.5), constrained_layout=True)

    def bars(ax, key, title, fmt="{:,.1f}"):
        m, lo, hi = (table[(key, s)].to_numpy() for s in ("mean", "p5", "p95"))
        ax.bar(x, m, color=colours[: len(x)], yerr=[m - lo, hi - m], capsize=4, ecolor="#333333")
        ax.set_title(title)
        ax.set_xticks(x, names, rotation=20, ha="right")
        ax.axhline(0, color="#333333", lw=0.8)
        for xi, v in zip(x, m):
            ax.annotate(fmt.format(v), (xi, v), textcoords="offset points", xytext=(0, 3), ha="center", fontsize=8)

    bars(axes[0, 0], "NPSV (GBP m)", "NPSV, GBP m (90% interval), P(best NPSV)")
    axes[0, 0].set_xticks(x, [f"{n}\nP(best) {p:.2f}" for n, p in zip(names, table[("P(best NPSV)", "")])],
                          rotation=0, ha="center", fontsize=8)
    bars(axes[0, 1], "BCR", "Benefit-cost ratio on public sector cost (90% interval)", "{:.2f}")
    ax = axes[0, 2]
    bottom = np.zeros(len(x))
    for key, c in zip(("social value (GBP m)", "economic value (GBP m)", "environmental value (GBP m)"),
                      [PILLAR_COLOURS[p] for p in PILLARS[:3]]):
        m = table[(key, "mean")].to_numpy()
        ax.bar(x, m, bottom=bottom, color=c, label=key.split(" ")[0])
        bottom += m
    ax.set_title("PV value by pillar, GBP m (means)")
    ax.set_xticks(x, names, rotation=20, ha="right")
    ax.set_ylim(0, bottom.max() * 1.18)
    ax.legend(fontsize=8, ncol=3, loc="upper center")
    bars(axes[1, 0], "jobs for local people", "Jobs for local people (net job entries)", "{:,.0f}")
    bars(axes[1, 1], "share of spend kept locally (%)", "Share of spend kept in the region, %")
    bars(axes[1, 2], "tCO2e avoided", "tCO2e avoided over the horizon", "{:,.0f}")
    fig.suptitle("West of England reference scenarios: GBP 100m each, compared on common random numbers")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


#: Keyed draws of the trust analysis (switching values and structural alternatives): enough for a stable ranking
#: of means, small enough to keep `make demo` quick.
REVIEW_DRAWS = 100


def run(out_dir: Path = Path("out"), draws: int = DRAWS, seed: int = SEED, progress: Optional[bool] = False,
        directory: Path = SCENARIO_DIR) -> Dict[str, object]:
    """Validate, simulate, compare and write the outputs; returns what main() prints.

    Returns
    -------
    dict
        ``scenarios`` (name -> validated scenario), ``budgets`` (name -> GBP), ``comparison`` (socval
        Comparison), ``table`` (comparison_table), ``files`` (paths written), ``review`` (the checklist's
        findings and the trust verdict, socval.review.ComparisonFindings), ``seconds``.
    """
    t0 = time.perf_counter()
    paths = scenario_paths(directory)
    scenarios = validate(paths)
    budgets = {name: budget(s) for name, s in scenarios.items()}
    cmp = compare_scenarios(paths, draws=draws, seed=seed, progress=progress)
    table = comparison_table(cmp)
    out_dir = Path(out_dir)
    results_dir = out_dir / "west-of-england"
    results_dir.mkdir(parents=True, exist_ok=True)
    files = []
    for stem, name in zip(scenarios, cmp.names):
        f = results_dir / f"{stem}.h5"
        cmp.results[name].save(f)
        files.append(f)
    csv = out_dir / "west-of-england-comparison.csv"
    neutralise_frame(table).to_csv(csv)  # names cannot run as spreadsheet formulas
    files.append(csv)
    files.append(plot_comparison(table, out_dir / "west-of-england-comparison.png"))

    # the checklist and how far the ranking can be trusted (switching values on REVIEW_DRAWS keyed draws)
    review = cmp.check(draws=REVIEW_DRAWS, seed=seed)
    files.append(report(cmp, out_dir / "west-of-england-report.html",
                        command=f"python -m socval.demo --draws {draws} --seed {seed}", review=review))
    tender = evaluate_tender(directory / "procurement" / "facilities.yaml", draws=draws, seed=seed)
    files.append(tender.report(out_dir / "west-of-england-tender-evaluation.html"))
    # after commissioning: two years of delivery returns of the baseline, and the annual report
    returns_dir = directory / "returns"
    base = load_scenario(directory / "baseline.yaml")
    tracked = update(simulate(base, draws=min(draws, TRACK_DRAWS), seed=seed),
                     load_returns(sorted(returns_dir.glob("returns-*.csv")) + sorted(returns_dir.glob("returns-*.xlsx"))),
                     scenario=base, alternatives=[p for p in paths if p.stem != "baseline"])
    annual = out_dir / "west-of-england-annual-report.html"
    annual_report(tracked, annual)
    files.append(annual)
    return {"scenarios": scenarios, "budgets": budgets, "comparison": cmp, "table": table, "files": files,
            "review": review, "tender": tender, "tracking": tracked, "seconds": time.perf_counter() - t0}


# ---- the issue-2 example: a Green Book appraisal of a retrofit pilot, by hand --------------------------------------

PRICE_BASE = 2024
FIRST_YEAR = 2025
YEARS = 16


def appraise_example() -> tuple[pd.DataFrame, dict]:
    """The year-by-year table (2024 prices) and the headline figures of the issue-2 example.

    The example (illustrative figures): a home retrofit pilot of 200 homes, built in 2025. Capital GBP 2.4m in
    2025 (2024 prices), standard-buildings optimism bias (24%) with half of it mitigated; revenue GBP 100k a year
    in 2026-2028. Carbon: 1.2 tCO2e avoided per home per year for 15 years from 2026, 20% deadweight, at the DESNZ
    central value of each year. Wellbeing: +0.05 life satisfaction for 2.3 residents per home for 10 years from
    2026, 30% deadweight, at the HMT WELLBY, discounted at the health rate (1.5%).
    """
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


def _fill(text: str) -> str:
    """Prose wrapped to the terminal's 100 columns, ids and paths kept whole."""
    return textwrap.fill(text, width=WIDTH, break_long_words=False, break_on_hyphens=False)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """``python -m socval.demo [--draws N] [--seed S] [--out DIR]``: the West of England comparison."""
    parser = argparse.ArgumentParser(prog="python -m socval.demo", description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=DRAWS, help=f"Monte Carlo draws (default {DRAWS})")
    parser.add_argument("--seed", type=int, default=SEED, help=f"seed (default {SEED})")
    parser.add_argument("--out", default="out", help="output folder (default out/)")
    args = parser.parse_args(argv)
    print(_fill("socval demo: the West of England reference scenarios "
                f"(value library {values.version()}, {args.draws:,} draws, seed {args.seed}, Latin hypercube)") + "\n")
    try:
        r = run(Path(args.out), draws=args.draws, seed=args.seed)
    except _core.SocvalError as e:
        print(f"socval demo: error: {e}", file=sys.stderr)
        return 2
    print("Validated scenarios (budget = sum of mean costs x scale, before optimism bias, 2024 prices):")
    for name, s in r["scenarios"].items():
        warn = "; ".join(s.warnings) if s.warnings else "no warnings"
        print(f"  {name + '.yaml':<22} {len(s.funded):>2} options funded, budget GBP {r['budgets'][name] / 1e6:,.1f}m, "
              f"{len(s.parameters)} uncertain parameters, {warn}")
    print("\n" + _fill("Comparison: mean [5th, 95th percentile] over paired draws; money in GBP m, PV, 2024 prices; "
                       "jobs, spend and tCO2e are totals over 2025-2044"))
    print(frame_to_text(format_table(r["table"]).T))
    fair = r["comparison"].fairness()  # who benefits (docs/model/distribution.md)
    shown = pd.DataFrame({
        "NPSV (GBP m)": (fair["mean npsv"] / 1e6).map("{:,.1f}".format),
        "P(best NPSV)": fair["P(best npsv)"].map("{:.0%}".format),
        "weighted NPSV (GBP m)": (fair["mean weighted_npsv"] / 1e6).map("{:,.1f}".format),
        "P(best weighted)": fair["P(best weighted_npsv)"].map("{:.0%}".format),
        "share to q1 + q2": fair["mean share_lowest_two"].map("{:.0%}".format),
        "P(fairest)": fair["P(best share_lowest_two)"].map("{:.0%}".format)})
    print("\n" + _fill(f"Who benefits: the fairest scenario (share of value to the two lowest income quintiles) is "
                       f"{fair.attrs['fairest']}; the highest NPSV {fair.attrs['highest_npsv']}; with Green Book "
                       f"Annex A3 weights {fair.attrs['highest_weighted_npsv']}"))
    print(frame_to_text(shown))
    review = r["review"]
    c = review.counts()
    print("\n" + _fill(f"How far to trust these results: {review.verdict}"))
    print(_fill(f"Checklist: {c['error']} errors, {c['warning']} warnings, {c['advice']} advice "
                f"(socval check scenarios/west-of-england/*.yaml; answered in scenarios/west-of-england/README.md)"))
    t = r["tender"]
    print(f"\nTender {t.tender.id} ({len(t.tender.bids)} bids; scores 0-100, P(win) over delivery and evaluators' "
          f"spread):")
    with pd.option_context("display.width", 250, "display.float_format", "{:,.3f}".format):
        print(t.scores[["supplier", "price", "quality", "social_value", "total", "rank"]].join(t.p_win).to_string())
    print(_fill(t.recommendation()))
    print("\nWritten:")
    for f in r["files"]:
        print(f"  {f}")
    print("\n" + _fill(f"Done in {r['seconds']:.1f} s. Scenarios and assumptions: "
                       "scenarios/west-of-england/README.md, docs/west-of-england.md."))
    return 0


if __name__ == "__main__":
    sys.exit(main())
