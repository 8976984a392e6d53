"""Synthetic delivery returns for the first two years (2025, 2026) of the West of England baseline.

Run from the repository's folder (it rewrites returns-2025.csv and returns-2026.xlsx beside this script; the same
seed gives the same files):

    PYTHONPATH=python python3 scenarios/west-of-england/returns/make_returns.py

What it does, so that a reader can check the tracking against a known truth:

- The "true" yield of every output returned is the scenario's central value times a delivery factor (below): the
  skills programme places fewer people in work than planned (0.6), retrofit is slow (0.7 of homes per pound),
  social value clauses deliver more local hires (1.5) and SME spend (1.3), bus trips are on plan (1.0).
- Spend follows the central cost profile (business growth returns its spend, verified from the body's ledger, and
  the part of it spent with local suppliers and staff, self-reported: the share of spend kept in the region).
  Counts are Poisson draws around truth x exposure; amounts are normal with a 10 % coefficient of variation (the
  tracking's year-to-year variation).
- The skills programme's job entries are returned out of its learners (column out_of: a binomial return, the
  job-entry rate learnt from them).
- Self-reported figures carry a gamma reporting error with a 20 % coefficient of variation; the skills programme
  reports by local authority; bus trips are reported by quarter; some returns are late (submitted more than 90 days
  after the year ends), one is marked missing (home retrofit 2026: the installer's return did not come) and one is
  simply absent (anchor estate 2026).

The numbers are synthetic: they illustrate the format and the method, they are not the region's figures.
"""
from __future__ import annotations

import csv
import datetime as dt
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
SEED = 20260101
#: option -> measure -> delivery factor on the central yield (the "truth" of this example).
FACTORS = {
    "skills_employment": {"learners_trained": 0.95, "programme_job_entries": 0.6, "qualifications_gained": 0.9},
    "green_skills": {"learners_trained": 1.0, "programme_job_entries": 0.9},
    "home_retrofit": {"homes_retrofitted": 0.7},
    "bus_services": {"bus_trips_new": 1.0},
    "active_travel": {"new_active_travellers": 1.1},
    "sv_clauses": {"supplier_local_spend_shift": 1.2, "sme_vcse_spend_shift": 1.3, "contract_local_hires": 1.5,
                   "apprenticeship_starts": 1.2},
    "anchor_estate": {"estate_mwh_saved": 0.9},
    "apprenticeships": {"apprenticeship_starts": 0.8},
    "business_growth": {"spend_round1": 1.0, "spend_round2_local": 1.0},
}
#: Returns made by the supplier and not checked by the body.
SELF_REPORTED = {("sv_clauses", "supplier_local_spend_shift"), ("sv_clauses", "sme_vcse_spend_shift"),
                 ("sv_clauses", "contract_local_hires"), ("sv_clauses", "apprenticeship_starts"),
                 ("active_travel", "new_active_travellers"), ("business_growth", "spend_round2_local")}
PLACES = {"Bristol": 0.45, "South Gloucestershire": 0.22, "North Somerset": 0.17,
          "Bath and North East Somerset": 0.16}
COLUMNS = ["period", "option", "measure", "unit", "gross", "net", "place", "evidence", "source", "contract",
           "submitted", "out_of"]
#: Returns of successes out of another returned measure (binomial): the programme's job entries of its learners.
OUT_OF = {("skills_employment", "programme_job_entries"): "learners_trained"}


def _rows(rng: np.random.Generator):
    sys.path.insert(0, str(ROOT / "python"))
    import socval as sv
    from socval.tracking.projection import Projection
    from socval.tracking.update import measurement_model

    sc = sv.load_scenario(ROOT / "scenarios" / "west-of-england" / "baseline.yaml")
    core = sc.core
    proj = Projection(sc)
    central = np.array([[p.distribution.central()] for p in core.parameters])
    units = {o.id: o.unit for o in core.outcomes}
    rows = {2025: [], 2026: []}
    for year in (2025, 2026):
        t = year - int(core.meta.first_year)
        for option, measures in FACTORS.items():
            if option == "anchor_estate" and year == 2026:
                continue  # absent: never returned
            for measure, factor in measures.items():
                mu = float(proj.gross(option, measure, t, central)[0]) * factor
                unit = units[measure]
                evidence = "self-reported" if (option, measure) in SELF_REPORTED else "verified"
                due = dt.date(year + 1, 3, 31)
                late = option in ("active_travel", "apprenticeships") and year == 2026
                submitted = (due + dt.timedelta(days=75) if late else due - dt.timedelta(days=30)).isoformat()
                base = dict(option=option, measure=measure, unit=unit, evidence=evidence, net="", place="",
                            source="supplier return" if evidence == "self-reported" else "programme records",
                            contract="C-2291" if option == "sv_clauses" else "", submitted=submitted,
                            out_of=OUT_OF.get((option, measure), ""))
                if option == "home_retrofit" and year == 2026:
                    rows[year].append(dict(base, period=str(year), gross="", evidence="missing", source="",
                                           submitted=""))
                    continue

                def value(m: float) -> float:
                    x = (rng.poisson(m) if measurement_model(unit) == "count" else
                         max(0.0, rng.normal(m, 0.1 * m)))
                    if evidence == "self-reported":
                        x = x * rng.gamma(25.0, 1 / 25.0)  # CV 0.2
                    return int(round(x))

                if option == "skills_employment":
                    for place, share in PLACES.items():
                        rows[year].append(dict(base, period=str(year), gross=value(mu * share), place=place))
                elif option == "bus_services":  # quarterly, each return a month after its quarter
                    for q in range(1, 5):
                        quarter_end = dt.date(year + (q == 4), (3 * q) % 12 + 1, 1) - dt.timedelta(days=1)
                        rows[year].append(dict(base, period=f"{year}-Q{q}", gross=value(mu / 4),
                                               submitted=(quarter_end + dt.timedelta(days=30)).isoformat()))
                else:
                    g = value(mu)
                    net = round(g * 0.6) if (option == "sv_clauses" and measure == "contract_local_hires") else ""
                    rows[year].append(dict(base, period=str(year), gross=g, net=net))
    return rows


def _fix_zip_dates(path: Path) -> None:
    """Rewrite the xlsx (a zip) with one fixed date on every entry, so that the same seed gives the same bytes."""
    import io
    import zipfile

    with zipfile.ZipFile(path) as z:
        entries = [(i.filename, z.read(i)) for i in z.infolist()]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            z.writestr(zipfile.ZipInfo(name, date_time=(2027, 4, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    path.write_bytes(buf.getvalue())


def main() -> None:
    rng = np.random.Generator(np.random.PCG64(SEED))
    rows = _rows(rng)
    with open(HERE / "returns-2025.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows[2025])
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "returns"
    ws.append(COLUMNS)
    for r in rows[2026]:
        ws.append([r[c] if r[c] != "" else None for c in COLUMNS])
    wb.properties.created = dt.datetime(2027, 4, 1)  # a fixed date: the same seed gives the same file
    wb.properties.modified = dt.datetime(2027, 4, 1)
    wb.save(HERE / "returns-2026.xlsx")
    _fix_zip_dates(HERE / "returns-2026.xlsx")
    print(f"wrote {len(rows[2025])} returns for 2025 and {len(rows[2026])} for 2026 in {HERE}")


if __name__ == "__main__":
    main()
