"""The methodology statement: price base and appraisal period, discounting, optimism bias, additionality and
persistence, valuation and the source of every value, the headline indicators and the simulation."""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, Tuple

from ..indicators import headline
from .content import _Content
from .tables import _Table
from .text import _SAMPLER_NAMES, _list, _num, _sampler, _share
from .. import values as _values


def methodology(content: _Content) -> Dict[str, Any]:
    """The methodology statement: an introduction and one part a topic (id, title, paragraphs, facts, tables)."""
    lib = _values.default_library()
    parts = [_price_base(content, lib), _discounting(content, lib), _optimism_bias(content, lib),
             _additionality(content), _valuation(content, lib), _indicators_part(content), _simulation(content)]
    intro = ["This annex follows HM Treasury's Green Book (2022) and its supplementary guidance: real prices in "
             "one price base year, discounting at the social time preference rate, optimism bias on costs, "
             "additionality adjustments on outcomes, and Monte Carlo analysis of every uncertain input. The "
             "formulas and their sources are in docs/model.md of socval."]
    return {"intro": intro, "parts": [p for p in parts if p]}


def _price_base(content: _Content, lib) -> Dict[str, Any]:
    meta = {n: sc.metadata for n, sc in content.scenarios.items()}
    deflator = lib.provenance("gdp_deflator")
    paragraphs = [f"All money is in real terms, GBP at {content.attr('price_base_year')} prices; amounts entered "
                  f"in other price bases are rebased with the GDP deflator ({deflator.source}, {deflator.vintage})."
                  " Present values are discounted to the first appraisal year."]
    keys = [("price_base_year", "price base year"), ("first_year", "first appraisal year"),
            ("horizon", "horizon (years)"), ("carbon_case", "carbon value case")]
    if _same({n: [m[k] for k, _ in keys] for n, m in meta.items()}):
        m = meta[content.names[0]]
        facts = [(label, str(m[k])) for k, label in keys]
        facts.insert(3, ("last appraisal year", str(int(m["first_year"]) + int(m["horizon"]) - 1)))
        return {"id": "price-base", "title": "Price base and appraisal period", "paragraphs": paragraphs,
                "facts": facts, "tables": []}
    rows = [[content.short[n]] + [str(meta[n][k]) for k, _ in keys] for n in content.names]
    return {"id": "price-base", "title": "Price base and appraisal period", "paragraphs": paragraphs,
            "facts": [], "tables": [_Table(["scenario"] + [label for _, label in keys], rows)]}


def _discounting(content: _Content, lib) -> Dict[str, Any]:
    used: Dict[str, List[str]] = {}
    for n, sc in content.scenarios.items():
        default = sc.metadata["schedule"]
        used.setdefault(default, [])
        for o in sc.core.outcomes:
            if o.schedule and o.schedule != default:
                name = o.name or o.id
                if name not in used.setdefault(o.schedule, []):
                    used[o.schedule].append(name)
    stpr = lib.provenance("stpr")
    defaults = {sc.metadata["schedule"] for sc in content.scenarios.values()}
    paragraphs = [f"Costs and benefits are discounted with the Green Book social time preference rate (STPR) "
                  f"schedules below ({stpr.source}). Year k's rate discounts year k-1 to year k. The "
                  f"scenario{'s use' if len(defaults) > 1 else ' uses'} the {_list(sorted(defaults))} schedule "
                  f"by default."]
    for sched, outs in used.items():
        if outs:
            paragraphs.append(f"Outcomes discounted with the {sched} schedule instead: {_list(outs)}.")
    horizon = max(int(sc.metadata["horizon"]) for sc in content.scenarios.values())
    names = list(used)
    bands = {s: lib.schedule(s).bands for s in names}
    rows = []
    for i, (a, b, _) in enumerate(bands[names[0]]):
        rows.append([f"{a}-{b}" + (" (beyond the horizon)" if a > horizon else "")]
                    + [f"{100 * bands[s][i][2]:.2f}%" for s in names])
    return {"id": "discounting", "title": "Discounting", "paragraphs": paragraphs, "facts": [],
            "tables": [_Table(["years from the start"] + [f"{s} schedule" for s in names], rows,
                              numeric=[False] + [True] * len(names))]}


def _optimism_bias(content: _Content, lib) -> Dict[str, Any]:
    rows: Dict[Tuple, List[str]] = {}
    for n, sc in content.scenarios.items():
        applied = sc.evaluate().by_option
        opts = sc.options
        for oid in sc.funded_ids:
            o = opts.loc[oid]
            cat = o["optimism_bias"]
            if not cat:
                continue
            upper = lib.optimism_bias(cat)
            pid = f"options.{oid}.optimism_bias.mitigation"
            mit = _share(o["mitigation"]) + (" (uncertain)" if pid in _uncertain(content, n) else "")
            bounds = " / ".join(f"{k} {_share(upper[k])}" for k in ("capital", "operating") if upper[k] is not None)
            uplifts = (f"capital {_share(float(applied.at[oid, 'ob_capital_uplift']))} / revenue "
                       f"{_share(float(applied.at[oid, 'ob_revenue_uplift']))}")
            delay = int(applied.at[oid, "delay_years"])
            key = (str(o["name"]), cat, bounds, mit, uplifts + (f"; delay {delay} y" if delay else ""))
            rows.setdefault(key, []).append(n)
    paragraphs = ["Costs are uplifted for optimism bias at the start of the appraisal (HM Treasury, "
                  "Supplementary Green Book Guidance: Optimism Bias): capital costs by the capital-expenditure upper "
                  "bound of their project category, revenue costs by the operating-expenditure bound (outsourcing, "
                  "41%), each x (1 - mitigation). A declared works-duration uplift delays the option's costs and "
                  "outputs; a declared benefits shortfall reduces its outputs (docs/model/appraisal.md). The headline "
                  "BCR divides by the public sector cost after the uplift, costs borne by others counted against "
                  "the benefits; the BCR on all costs divides by all costs to UK society after the uplift (costs to "
                  "others included); the SROI ratio by all inputs before it (the body's investment and others' "
                  "inputs)."]
    if not rows:
        paragraphs.append("No funded option carries an optimism bias category: costs are not uplifted.")
        return {"id": "optimism-bias", "title": "Optimism bias", "paragraphs": paragraphs, "facts": [],
                "tables": []}
    show_used = content.is_comparison and any(len(v) < len(content.names) for v in rows.values())
    cols = ["option", "category", "upper bound", "mitigation", "uplift applied (central)"] + (
        ["scenarios"] if show_used else [])
    body = [list(k) + ([content.used_by(v)] if show_used else []) for k, v in rows.items()]
    return {"id": "optimism-bias", "title": "Optimism bias", "paragraphs": paragraphs, "facts": [],
            "tables": [_Table(cols, body, numeric=[False, False, False, True, False] + ([False] if show_used
                                                                                         else []))]}


def _additionality(content: _Content) -> Dict[str, Any]:
    keys = ("deadweight", "displacement", "leakage", "substitution", "attribution", "drop_off")
    defaults = {"deadweight": 0.0, "displacement": 0.0, "leakage": 0.0, "substitution": 0.0, "attribution": 1.0,
                "drop_off": 0.0}
    rows: Dict[Tuple, List[str]] = {}
    others = 0
    for n, sc in content.scenarios.items():
        unc = _uncertain(content, n)
        table = sc.outcomes
        for oid in table.index:
            o = table.loc[oid]
            adjusted = any(abs(float(o[k]) - defaults[k]) > 1e-12 or f"outcomes.{oid}.{k}" in unc for k in keys)
            if not adjusted and int(o["lag"]) == 0 and int(o["duration"]) == 1:
                others += n == content.names[0]
                continue
            cells = [str(o["name"] or oid)]
            for k in keys:
                cells.append(_share(float(o[k])) + ("*" if f"outcomes.{oid}.{k}" in unc else ""))
            cells += [str(int(o["lag"])), str(int(o["duration"]))]
            rows.setdefault(tuple(cells), []).append(n)
    paragraphs = ["Outcomes are counted net of what would have happened anyway (HCA Additionality Guide, 2014; "
                  "Social Value UK SROI guide, 2012): net = gross x (1 - deadweight) x (1 - displacement) x "
                  "(1 - leakage) x (1 - substitution) x attribution. An outcome starts after its lag, lasts its "
                  "duration and falls by its drop-off each year after the first. Central values (means) are "
                  "shown; * marks an uncertain share, drawn from the distribution in the assumptions table."]
    if others:
        paragraphs.append(f"The other {others} outcomes carry no adjustment: they are conversions of the outcomes "
                          f"below (already net) or indicators.")
    show_used = content.is_comparison and any(len(v) < len(content.names) for v in rows.values())
    cols = ["outcome", "deadweight", "displacement", "leakage", "substitution", "attribution", "drop-off", "lag",
            "duration"] + (["scenarios"] if show_used else [])
    body = [list(k) + ([content.used_by(v)] if show_used else []) for k, v in rows.items()]
    return {"id": "additionality", "title": "Additionality and persistence", "paragraphs": paragraphs,
            "facts": [], "tables": [_Table(cols, body, numeric=[False] + [True] * 8 + ([False] if show_used
                                                                                       else []), css="wide")]}


def _valuation(content: _Content, lib) -> Dict[str, Any]:
    rows: Dict[Tuple, List[str]] = {}
    tables_used = {"stpr": "discounting", "gdp_deflator": "price rebasing"}
    entries: Dict[str, List[str]] = {}
    for n, sc in content.scenarios.items():
        unc = _uncertain(content, n)
        meta = sc.metadata
        if any(sc.options.loc[o, "optimism_bias"] for o in sc.funded_ids):
            tables_used["optimism_bias"] = "optimism bias"
        for o in sc.core.outcomes:
            v = o.valuation
            if v.kind == "none":
                continue
            per = _num(v.per_unit.value) + ("*" if f"outcomes.{o.id}.value.per_unit" in unc else "")
            case = v.library_case or (meta["carbon_case"] if v.kind == "carbon" else "central")
            if v.kind == "money":
                how = f"GBP {per} per unit ({v.price_base_year or meta['price_base_year']} prices)"
            elif v.kind == "carbon":
                how = f"{per} tCO2e per unit at the DESNZ carbon value of each year ({case} case)"
                tables_used["carbon"] = "carbon values"
            elif v.kind == "wellby":
                how = f"{per} WELLBY per unit ({case} WELLBY value)"
                tables_used["wellby"] = "wellbeing values"
            elif v.kind == "qaly":
                how = f"{per} QALY per unit ({case} QALY value)"
                tables_used["qaly"] = "health values"
            else:
                how = f"{per} x unit value {v.library_id} ({case})"
                entries.setdefault(v.library_id, []).append(o.name or o.id)
            key = (str(o.name or o.id), str(o.unit), how, str(o.schedule or meta["schedule"]),
                   str(o.beneficiary))
            rows.setdefault(key, []).append(n)
    show_used = content.is_comparison and any(len(v) < len(content.names) for v in rows.values())
    cols = ["outcome", "unit", "value per unit", "discount schedule", "beneficiary"] + (
        ["scenarios"] if show_used else [])
    body = [list(k) + ([content.used_by(v)] if show_used else []) for k, v in rows.items()]
    src_rows = []
    for t, use in tables_used.items():
        src_rows.append([t, use, _provenance_text(lib.provenance(t))])
    for i, outs in entries.items():
        e = lib.unit_value_entry(i)
        src_rows.append([f"unit_values: {i}", f"{e.description} (for {_list(sorted(set(outs)))})",
                         _provenance_text(e.provenance, e.illustrative)])
    versions = sorted({str(r.attrs.get("value_library_version")) for r in content.results.values()})
    paragraphs = ["Each outcome is valued per unit, in the scenario's price base; * marks an uncertain factor. "
                  "Transfers and indicators are not valued (they are outside the NPSV)."]
    fixed = _values.fixed_values(lib)
    used = [f"value:{t}" for t in tables_used] + [f"value:{i}" for i in entries]
    held = [f"{pid} ({fixed.at[pid, 'value']:,.0f} {fixed.at[pid, 'unit']}, {fixed.at[pid, 'price_base_year']} "
            f"prices: {fixed.at[pid, 'reason']})" for pid in used if pid in fixed.index]
    if held:
        paragraphs.append("Library values drawn in every draw appear in the assumptions table as value:<id>; these "
                          "are held fixed in every draw, as their source gives no range: " + "; ".join(held) + ".")
    sources = [f"Sources of every value used: the socval value library (data/*.yaml), version "
               f"{_list(versions)} (this report read version {lib.version}). Illustrative entries are "
               f"assumptions with their reasoning in the library, to be replaced by published values."]
    return {"id": "valuation", "title": "Valuation and the source of every value", "paragraphs": paragraphs,
            "facts": [], "tables": [
                _Table(cols, body, numeric=[False] * len(cols), css="wide"),
                _Table(["library entry", "used for", "source"], src_rows, caption=" ".join(sources),
                       css="long", widths=[22, 28, 50])]}


def _indicators_part(content: _Content) -> Dict[str, Any]:
    facts: Dict[str, str] = {}
    for n in content.names:
        for k, ind in content.indicators[n].items():
            facts.setdefault(k, ind.definition)
    facts[headline.P_POSITIVE] = "share of the draws in which NPSV > 0 (benefits exceed costs)"
    if content.is_comparison:
        facts[headline.P_BEST] = ("share of the paired draws in which the scenario has the highest NPSV (ties "
                                  "shared); the scenarios' P(best) sum to 1")
    paragraphs = ["The headline NPSV and BCR are the UK perspective, the Green Book's default: displacement at "
                  "national level, transfers excluded, every cost to UK society counted. The headline BCR is on "
                  "public sector cost (the body's costs with optimism bias; costs borne by others counted against "
                  "the benefits); the BCR on all costs divides by every cost to UK society. The SROI ratio is the "
                  "Social Value UK form (value over all inputs), without the guide's materiality test or "
                  "stakeholder involvement."]
    if any("place_npsv" in r.metrics() for r in content.results.values()):
        paragraphs.append(f"Figures marked '{headline.PLACE_LABEL}' are the region's view of the same draws: each "
                          "outcome's place overrides (displacement within the region, local spend retained, leakage "
                          "out of it) in place of the UK figures, simulated on the same seed, so every shared input "
                          "has the same value in both. They are not the headline.")
    if any("outcome_total" not in "".join(r.metrics()) and not any(m.startswith("outcome.") for m in r.metrics())
           for r in content.results.values()):
        paragraphs.append("Jobs, tCO2e and local spend need each outcome's total in every draw, which this run "
                          "did not keep (simulate with keep_outcomes=True): they are left out.")
    return {"id": "indicators", "title": "Headline indicators", "paragraphs": paragraphs,
            "facts": list(facts.items()), "tables": []}


def _simulation(content: _Content) -> Dict[str, Any]:
    a = content.first.attrs
    sampler = _sampler(a)
    facts = [("draws", f"{int(a['draws']):,}"), ("seed", str(a["seed"])),
             ("sampler", f"{_SAMPLER_NAMES.get(sampler, sampler)} ({sampler})"),
             ("random streams", "keyed by parameter id: a parameter shared by several scenarios takes the same "
                                "value in the same draw (common random numbers), and results are identical "
                                "whatever the number of threads"),
             ("intervals", "5th to 95th percentile of the draws (a 90% interval)"),
             ("per-year bands", str(a.get("quantile_method", "histogram quantiles")))]
    paragraphs = []
    if content.is_comparison:
        paragraphs.append(f"The {len(content.names)} scenarios were simulated with the same seed, draws and sampler, "
                          "so their differences are paired draw by draw: the noise of the uncertainty they share "
                          "cancels out of every comparison.")
    return {"id": "simulation", "title": "Uncertainty and simulation", "paragraphs": paragraphs, "facts": facts,
            "tables": []}


def _same(values: Mapping[str, Any]) -> bool:
    """True when every scenario has the same value (compared as text)."""
    return len({repr(v) for v in values.values()}) <= 1


def _uncertain(content: _Content, n: str) -> set:
    """The ids of scenario ``n``'s uncertain parameters (those not fixed)."""
    return {p.id for p in content.scenarios[n].core.parameters if p.distribution.kind != "fixed"}


def _provenance_text(p: Any, illustrative: bool = False) -> str:
    """A value's provenance in one line: source, licence, vintage, price base, reference (as plain text)."""
    parts = [str(p.source).rstrip(".") + "."]
    if illustrative:
        parts.append("ILLUSTRATIVE: an assumption to be replaced by a published value.")
    parts.append(f"Licence: {p.licence}.")
    if p.vintage:
        parts.append(f"Vintage: {p.vintage}.")
    if p.price_base_year:
        parts.append(f"Prices of {p.price_base_year}.")
    if p.url:
        parts.append(f"Reference: {p.url}")
    return " ".join(parts)

