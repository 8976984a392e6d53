"""The C++ engine against the plainly written reference evaluator (tests/python/reference/evaluator.py) on many
generated random scenarios: options, outcomes and links with lags, saturating links, lagged cycles, money / carbon /
WELLBY / QALY valuations, additionality, drop-off, durations, optimism bias, per-pound outputs, scale and start,
outcome discount schedules, distributions at their central values. Agreement to 1e-9 relative.

Also hand-computed scenarios, with the arithmetic in comments.
"""
import math
import random

import pytest

import socval
from socval.model.scenario import scenario_from_dict

from reference.evaluator import Library, evaluate as reference_evaluate

LIB = Library()
REL = 1e-9


def close(a, b, scale=1.0):
    """|a - b| <= 1e-9 max(|a|, |b|), or within 1e-9 of the magnitude of the figures it belongs to."""
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    return abs(a - b) <= REL * max(abs(a), abs(b)) or abs(a - b) <= REL * scale


def maybe_distribution(rng, value, lo, hi):
    """A number, or (one time in three) a distribution whose mean is some value in [lo, hi]."""
    r = rng.random()
    if r < 0.67:
        return value
    a, b = sorted((rng.uniform(lo, hi), rng.uniform(lo, hi)))
    if b - a < 1e-3 * (hi - lo) + 1e-12:
        return value
    if r < 0.78:
        return {"dist": "uniform", "min": a, "max": b}
    m = rng.uniform(a, b)
    if r < 0.89:
        return {"dist": "triangular", "min": a, "mode": m, "max": b}
    return {"dist": "pert", "min": a, "mode": m, "max": b}


def random_scenario(seed):
    rng = random.Random(seed)
    horizon = rng.randint(1, 35)
    price_base = rng.randint(2015, 2024)
    meta = {"name": f"random {seed}", "price_base_year": price_base, "first_year": rng.randint(2020, 2045),
            "horizon": horizon, "schedule": rng.choice(["standard", "standard", "reduced", "health"]),
            "carbon_case": rng.choice(["low", "central", "high"])}
    priorities = [{"id": f"p{k}", "pillar": rng.choice(["social", "economic", "environmental"])}
                  for k in range(rng.randint(1, 4))]
    outcomes = []
    n_out = rng.randint(1, 8)
    for k in range(n_out):
        o = {"id": f"o{k}", "unit": "units"}
        kind = rng.choice(["money", "money", "short", "carbon", "wellby", "qaly", "none"])
        if kind == "short":
            o["value"] = maybe_distribution(rng, round(rng.uniform(1, 500), 2), 1, 500)
        elif kind == "money":
            o["value"] = {"kind": "money", "per_unit": maybe_distribution(rng, rng.uniform(1, 500), 1, 500),
                          "price_base_year": rng.randint(2000, 2024)}
        elif kind in ("carbon", "wellby", "qaly"):
            o["value"] = {"kind": kind, "per_unit": maybe_distribution(rng, rng.uniform(0.01, 2), 0.01, 2)}
        else:
            o["value"] = "none"
        for key in ("deadweight", "displacement", "leakage", "substitution"):
            if rng.random() < 0.5:
                o[key] = maybe_distribution(rng, round(rng.uniform(0, 0.6), 3), 0, 0.6)
        if rng.random() < 0.4:
            o["attribution"] = maybe_distribution(rng, round(rng.uniform(0.3, 1), 3), 0.3, 1)
        o["lag"] = rng.choice([0, 0, 0, 1, 2, 3])
        o["duration"] = rng.choice([1, 1, 2, 3, 5, 8, 50])
        if rng.random() < 0.6:
            o["drop_off"] = maybe_distribution(rng, round(rng.uniform(0, 1), 3), 0, 1)
        o["beneficiary"] = rng.choice(["fiscal", "economic", "social"])
        shares = {}
        left = 1.0
        for p in rng.sample([p["id"] for p in priorities], rng.randint(0, len(priorities))):
            s = round(rng.uniform(0, left), 3)
            shares[p] = s
            left -= s
        if shares:
            o["priorities"] = shares
        if rng.random() < 0.2:
            o["schedule"] = rng.choice(["health", "reduced", "standard"])
        outcomes.append(o)
    options = []
    for i in range(rng.randint(1, 5)):
        # cost years inside the horizon (the reader refuses the others)
        span = min(8, horizon)
        years = sorted(rng.sample(range(0, span), rng.randint(1, min(4, span))))
        costs = []
        for y in years:
            c = {"year": y}
            if rng.random() < 0.7:
                c["capital"] = maybe_distribution(rng, round(rng.uniform(0, 1e5), 2), 0, 1e5)
            if rng.random() < 0.7:
                c["revenue"] = maybe_distribution(rng, round(rng.uniform(0, 5e4), 2), 0, 5e4)
            costs.append(c)
        opt = {"id": f"a{i}", "lever": rng.choice(["commissioning", "anchor", "employer"]), "costs": costs}
        if rng.random() < 0.5:
            has_capital = any("capital" in c for c in costs)
            # outsourcing's bound is on operating costs only: refused for an option with capital costs
            cats = ["standard_buildings", "non_standard_civil_engineering"] + ([] if has_capital else ["outsourcing"])
            ob = {"category": rng.choice(cats),
                  "mitigation": maybe_distribution(rng, round(rng.uniform(0, 1), 3), 0, 1)}
            if ob["category"] != "outsourcing" and rng.random() < 0.4:
                ob["revenue"] = {"category": "outsourcing",
                                 "mitigation": maybe_distribution(rng, round(rng.uniform(0, 1), 3), 0, 1)}
            if ob["category"] != "outsourcing" and has_capital and rng.random() < 0.4:
                ob["works_duration"] = True
            opt["optimism_bias"] = ob
        if rng.random() < 0.3:
            opt["benefits_shortfall"] = maybe_distribution(rng, round(rng.uniform(0, 0.5), 3), 0, 0.5)
        outs = {}
        for o in rng.sample(outcomes, rng.randint(0, min(3, len(outcomes)))):
            if rng.random() < 0.3:
                outs[o["id"]] = {"amount": rng.uniform(1e-5, 1e-3), "per": "pound"}
            else:
                outs[o["id"]] = maybe_distribution(rng, round(rng.uniform(0, 20), 3), 0, 20)
        if outs:
            opt["outputs"] = outs
        options.append(opt)
    links = []
    seen = set()
    for _ in range(rng.randint(0, 12)):
        to = rng.randrange(n_out)
        if rng.random() < 0.25:
            src = rng.choice(options)["id"]
            coefficient = rng.uniform(1e-5, 2e-4)
            lag = rng.choice([0, 1, 2])
        else:
            frm = rng.randrange(n_out)
            lag = rng.choice([0, 1, 2]) if frm < to else rng.choice([1, 2, 3])  # lag-0 links go forward only
            src = f"o{frm}"
            coefficient = rng.uniform(0.05, 0.9)
        key = (src, f"o{to}")
        if key in seen:
            continue
        seen.add(key)
        link = {"from": src, "to": f"o{to}", "coefficient": maybe_distribution(rng, coefficient, coefficient / 2,
                                                                               coefficient * 1.5), "lag": lag}
        if rng.random() < 0.3:
            link["form"] = "saturating"
            link["cap"] = maybe_distribution(rng, rng.uniform(1, 30), 1, 30)
        links.append(link)
    funded = []
    for opt in rng.sample(options, rng.randint(1, len(options))):
        entry = {"option": opt["id"]}
        if rng.random() < 0.5:
            entry["scale"] = round(rng.uniform(0.2, 3), 3)
        if rng.random() < 0.5:  # a start that keeps every cost year inside the horizon
            entry["start"] = rng.randint(0, min(5, horizon - 1 - max(c["year"] for c in opt["costs"])))
        funded.append(entry)
    return {"metadata": meta, "priorities": priorities, "outcomes": outcomes, "options": options, "links": links,
            "scenario": {"funded": funded}}


def compare(doc):
    appraisal = scenario_from_dict(doc).evaluate()
    ref = reference_evaluate(doc, LIB)
    h = appraisal.headline
    scale = max(abs(ref["pv_benefits"]), abs(ref["pv_costs"]), 1.0)
    for key in ("pv_costs", "pv_investment", "pv_benefits", "npsv"):
        assert close(h[key], ref[key], scale), (key, h[key], ref[key])
    for key in ("bcr", "sroi"):
        assert close(h[key], ref[key], max(abs(ref[key]) if not math.isnan(ref[key]) else 1.0, 1.0)), key
    for p, v in ref["by_priority"].items():
        assert close(appraisal.by_priority.loc[p, "value"], v, scale), (p, appraisal.by_priority.loc[p, "value"], v)
    totals = appraisal.totals
    levels = appraisal.levels
    for o, v in ref["totals"].items():
        mag = max(max((abs(x) for x in ref["levels"][o]), default=0.0), 1e-300) * len(ref["levels"][o])
        assert close(totals.loc[o, "total"], v, mag), (o, totals.loc[o, "total"], v)
        assert close(totals.loc[o, "pv"], ref["outcome_pv"][o], scale), o
        for t, x in enumerate(ref["levels"][o]):
            assert close(levels[o].iloc[t], x, mag), (o, t, levels[o].iloc[t], x)
    got = {(r.option, r.priority): r.value for r in appraisal.attribution.itertuples()}
    for key, v in ref["attribution"].items():
        assert close(got.get(key, 0.0), v, scale), (key, got.get(key, 0.0), v)
    for oid, v in ref["option_cost"].items():
        assert close(appraisal.by_option.loc[oid, "pv_costs"], v, scale), oid


@pytest.mark.parametrize("seed", range(300))
def test_engine_matches_reference_on_random_scenarios(seed):
    compare(random_scenario(seed))


def test_generator_covers_the_features():
    """The random scenarios exercise every feature the comparison is meant to check."""
    docs = [random_scenario(s) for s in range(300)]
    links = [l for d in docs for l in d["links"]]
    outcomes = [o for d in docs for o in d["outcomes"]]
    options = [o for d in docs for o in d["options"]]
    assert sum(l.get("form") == "saturating" for l in links) > 50
    assert sum(l["lag"] > 0 for l in links) > 100
    assert sum(l["from"].startswith("a") for l in links) > 50
    # a lagged cycle: a link from a later (or the same) outcome back to an earlier one
    assert sum(not l["from"].startswith("a") and int(l["from"][1:]) >= int(l["to"][1:]) for l in links) > 50
    kinds = [o["value"]["kind"] if isinstance(o["value"], dict) and "kind" in o["value"] else "short" for o in outcomes]
    for kind in ("money", "carbon", "wellby", "qaly", "short"):
        assert kinds.count(kind) > 20, kind
    assert sum("optimism_bias" in o for o in options) > 100
    assert sum(any(isinstance(v, dict) and v.get("per") == "pound" for v in (o.get("outputs") or {}).values())
               for o in options) > 30
    assert sum(d["metadata"]["first_year"] + d["metadata"]["horizon"] > 2051 for d in docs) > 30  # carbon held


# ---------------------------------------------------------------------------------------------------------------
# Hand-computed scenarios

def base_doc(horizon=3):
    return {"metadata": {"name": "hand", "price_base_year": 2024, "first_year": 2025, "horizon": horizon},
            "priorities": [{"id": "jobs", "pillar": "economic"}, {"id": "climate", "pillar": "environmental"}],
            "outcomes": [], "options": [], "links": [], "scenario": {"funded": []}}


def test_hand_computed_jobs_and_carbon():
    # Option "works": capital 1000 in year 0 (standard_buildings: upper bound 0.24, mitigation 0.5 -> uplift 0.12,
    # cost 1120), revenue 100 in year 1; 10 jobs per year funded, deadweight 0.2 -> 8 net jobs in years 0 and 1,
    # each worth GBP 500 (2024 prices), 60% to the jobs priority.
    # PV benefits = 8 x 500 (1 + 1/1.035) = 4000 + 3864.7343 = 7864.7343
    # PV costs = 1120 + 100/1.035 = 1216.6184; NPSV = 6648.1159; BCR = 6.4644; SROI = 7864.7343 / 1096.6184
    doc = base_doc()
    doc["outcomes"] = [{"id": "job", "unit": "job", "value": 500, "deadweight": 0.2, "priorities": {"jobs": 0.6}}]
    doc["options"] = [{"id": "works", "lever": "commissioning",
                       "costs": [{"year": 0, "capital": 1000}, {"year": 1, "revenue": 100}],
                       "optimism_bias": {"category": "standard_buildings", "mitigation": 0.5},
                       "outputs": {"job": 10}}]
    doc["scenario"]["funded"] = ["works"]
    a = scenario_from_dict(doc).evaluate()
    pvb = 4000 + 4000 / 1.035
    pvc = 1120 + 100 / 1.035
    assert a.headline.pv_benefits == pytest.approx(pvb, rel=1e-12)
    assert a.headline.pv_costs == pytest.approx(pvc, rel=1e-12)
    assert a.headline.npsv == pytest.approx(pvb - pvc, rel=1e-12)
    assert a.headline.bcr == pytest.approx(pvb / pvc, rel=1e-12)
    assert a.headline.sroi == pytest.approx(pvb / (1000 + 100 / 1.035), rel=1e-12)
    assert a.by_priority.loc["jobs", "value"] == pytest.approx(0.6 * pvb, rel=1e-12)
    assert a.by_priority.loc["unallocated", "value"] == pytest.approx(0.4 * pvb, rel=1e-12)
    assert a.by_pillar.loc["economic", "value"] == pytest.approx(0.6 * pvb, rel=1e-12)
    assert a.totals.loc["job", "total"] == pytest.approx(16, rel=1e-12)
    assert list(a.by_year["cost"]) == pytest.approx([1120, 100, 0])


def test_hand_computed_persistence_and_lagged_link():
    # "skills": 10 trainees in year 0; a link trainees -> jobs with coefficient 0.5 and lag 1 gives 5 gross jobs in
    # year 1; jobs last 3 years with drop-off 0.2 (weights 1, 0.8, 0.64): levels 0, 5, 4, 3.2, 0.
    # At GBP 1000 per job-year: PV = 1000 (5/1.035 + 4/1.035^2 + 3.2/1.035^3).
    doc = base_doc(horizon=5)
    doc["outcomes"] = [{"id": "trainees", "unit": "person"},
                       {"id": "job", "unit": "job-year", "value": 1000, "duration": 3, "drop_off": 0.2,
                        "priorities": {"jobs": 1}}]
    doc["options"] = [{"id": "skills", "lever": "employer", "costs": [{"year": 0, "revenue": 5000}],
                       "outputs": {"trainees": 10}}]
    doc["links"] = [{"from": "trainees", "to": "job", "coefficient": 0.5, "lag": 1}]
    doc["scenario"]["funded"] = ["skills"]
    a = scenario_from_dict(doc).evaluate()
    assert list(a.levels["job"]) == pytest.approx([0, 5, 4, 3.2, 0], abs=1e-12)
    assert a.headline.pv_benefits == pytest.approx(1000 * (5 / 1.035 + 4 / 1.035 ** 2 + 3.2 / 1.035 ** 3), rel=1e-12)
    assert a.by_lever.loc["employer", "value"] == pytest.approx(a.headline.pv_benefits, rel=1e-12)


def test_hand_computed_saturating_attribution():
    # Two options deliver 1 and 3 units of x; y = 4 (1 - exp(-x / 4)) = 4 (1 - e^-1) = 2.528482;
    # the attribution shares y's value 1 : 3 between them (proportional = Aumann-Shapley for f(x_a + x_b)).
    doc = base_doc(horizon=1)
    doc["outcomes"] = [{"id": "x", "unit": "u"}, {"id": "y", "unit": "u", "value": 1, "priorities": {"climate": 1}}]
    doc["options"] = [{"id": "a", "lever": "anchor", "costs": [{"year": 0, "revenue": 1}], "outputs": {"x": 1}},
                      {"id": "b", "lever": "employer", "costs": [{"year": 0, "revenue": 1}], "outputs": {"x": 3}}]
    doc["links"] = [{"from": "x", "to": "y", "coefficient": 1, "form": "saturating", "cap": 4}]
    doc["scenario"]["funded"] = ["a", "b"]
    a = scenario_from_dict(doc).evaluate()
    y = 4 * (1 - math.exp(-1))
    att = a.attribution.set_index(["option", "priority"])["value"]
    assert att[("a", "climate")] == pytest.approx(y / 4, rel=1e-14)
    assert att[("b", "climate")] == pytest.approx(3 * y / 4, rel=1e-14)
    compare(doc)
