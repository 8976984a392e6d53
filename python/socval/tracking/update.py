"""Learning from delivery: the scenario's uncertain parameters updated by the returns (docs/model/tracking.md).

The prior is the simulation's own sample: the keyed draws of every parameter (``sampled_parameters``: same seed,
draws and sampler as the ``Results``). Each year's return is an observation of what its option delivered, with a
measurement model that its evidence status sets:

- counts (people, homes, starts ...): verified -> Poisson(mu); self-reported or estimated -> negative binomial with
  mean mu and size 1/cv^2 (a Poisson count reported with a gamma multiplicative error of coefficient of variation
  cv);
- amounts (GBP, tCO2e, MWh ...): Normal(mu, (c mu)^2) with c^2 = cv_year^2 + cv^2 (year-to-year variation of the
  amount around its yield, and the reporting error);

mu is the projection of the draw (socval.tracking.projection) times the share of the year the return covers.
Importance weights w_i = L(y | theta_i) give the effective sample size ESS = (sum w)^2 / sum w^2. If ESS >= threshold
x draws the posterior is the weighted prior sample (resampled to equal weights); otherwise a resample-move sequential
Monte Carlo sampler (likelihood tempering, Metropolis moves of the parameters the returns inform, in the Gaussian
copula's normal space) draws fresh values from the posterior. The posterior is then simulated with the posterior
draws as given values and the delivered years replaced by the actuals (a full Results: actual to date plus the
re-forecast of the rest); alternative scenarios are evaluated natively (``_core.analysis.evaluate_design``) on the
same draws.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

import numpy as np
import pandas as pd
from scipy.special import betainc, betaincinv, gammaln, ndtr, ndtri

from .. import _core
from ..engine.results import Results
from ..engine.simulation import core_scenario, scenario_library
from ..model.scenario import Scenario, load_scenario
from ..model.words import PILLARS
from . import conjugate
from .projection import Projection, against_projection, observations, prior_parameters
from .returns import Returns, ReturnsError, normal_unit

__all__ = ["update", "Posterior", "EVIDENCE_CV", "AMOUNT_CV", "AMOUNT_UNITS", "loglikelihood",
           "ess",
           "measurement_model", "systematic_resample", "posterior_results", "delivered_scenario", "learnt_from",
           "realised_value"]

#: Coefficient of variation of the reporting error by evidence status (illustrative, docs/model/tracking.md).
EVIDENCE_CV: Dict[str, float] = {"verified": 0.0, "self-reported": 0.2, "estimated": 0.5}
#: Year-to-year variation of an amount around its yield (an amount has no counting noise of its own).
AMOUNT_CV = 0.1
#: Units measured as amounts (the rest are counts), compared by socval.tracking.returns.normal_unit.
AMOUNT_UNITS = ("gbp", "tco2e", "mwh", "kwh", "gwh", "car-km", "km", "tonne", "tonne nox", "litre", "m2", "hour")


def _binomial_loglik(y: float, n: float, p: np.ndarray, cv: float) -> np.ndarray:
    """log p(y | n, p): binomial for cv = 0, else beta-binomial with mean p and concentration 1/cv^2."""
    p = np.clip(p, 0.0, 1.0)
    const = gammaln(n + 1.0) - gammaln(y + 1.0) - gammaln(n - y + 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        if cv <= 0:
            ll = const + (y * np.log(p) if y > 0 else 0.0) + ((n - y) * np.log1p(-p) if n > y else 0.0)
            return np.where(np.isnan(ll), -np.inf, ll)
        phi = 1.0 / cv ** 2
        a, b = np.maximum(p * phi, 1e-300), np.maximum((1.0 - p) * phi, 1e-300)
        ll = const + gammaln(y + a) + gammaln(n - y + b) - gammaln(n + phi) - gammaln(a) - gammaln(b) + gammaln(phi)
        return np.where(np.isnan(ll), -np.inf, ll)


def measurement_model(unit: str) -> str:
    """``"amount"`` for a unit of :data:`AMOUNT_UNITS` (or starting with GBP), else ``"count"``."""
    u = normal_unit(unit)
    return "amount" if u in AMOUNT_UNITS or u.startswith("gbp") else "count"


def ess(logw: np.ndarray) -> float:
    """Effective sample size (sum w)^2 / sum w^2 of log weights (Kong, Liu and Wong 1994)."""
    w = np.exp(logw - np.max(logw))
    return float(w.sum() ** 2 / np.sum(w * w))


def systematic_resample(logw: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Ancestor indices by systematic resampling (Kitagawa 1996): one uniform, N evenly spaced points."""
    n = logw.size
    w = np.exp(logw - np.max(logw))
    c = np.cumsum(w / w.sum())
    c[-1] = 1.0
    return np.searchsorted(c, (rng.random() + np.arange(n)) / n, side="right").clip(0, n - 1)


def _obs_loglik(y: float, mu: np.ndarray, model: str, cv: float) -> np.ndarray:
    """log p(y | mu) per draw for one observation."""
    mu = np.maximum(mu, 0.0)
    if model == "count":
        with np.errstate(divide="ignore", invalid="ignore"):
            if cv <= 0:
                ll = y * np.log(mu) - mu - gammaln(y + 1.0)
                ll = np.where(mu > 0, ll, 0.0 if y == 0 else -np.inf)
            else:
                r = 1.0 / cv ** 2
                ll = (gammaln(y + r) - gammaln(r) - gammaln(y + 1.0) + r * np.log(r / (r + mu))
                      + (y * np.log(mu / (r + mu)) if y > 0 else 0.0))
                ll = np.where(mu > 0, ll, 0.0 if y == 0 else -np.inf)
        return ll
    c = np.sqrt(AMOUNT_CV ** 2 + cv ** 2)
    sd = c * mu + 1e-9 * max(abs(y), 1.0)
    return -0.5 * ((y - mu) / sd) ** 2 - np.log(sd) - 0.5 * np.log(2 * np.pi)


@dataclass
class _Data:
    """The observations of a returns set and their measurement models."""

    obs: pd.DataFrame
    models: List[str]
    cvs: List[float]


def _data(resolved: pd.DataFrame, evidence_cv: Mapping[str, float]) -> _Data:
    obs = observations(resolved)
    models, cvs = [], []
    for r in obs.to_dict("records"):
        models.append("binomial" if r["base"] else measurement_model(r["unit"]))
        by = r["gross_by_evidence"]
        total = sum(by.values())
        if total > 0:  # the reporting error of a sum: the root of the summed squared errors
            cvs.append(float(np.sqrt(sum((evidence_cv[e] * g) ** 2 for e, g in by.items())) / total))
        else:
            cvs.append(max(evidence_cv[e] for e in by))
    return _Data(obs, models, cvs)


def _check_possible(projection: Projection, data: _Data, P: np.ndarray) -> None:
    """Refuse a return of a delivery the scenario projects as impossible in every draw (e.g. a year the option is
    not funded), naming it: it would give every draw a likelihood of zero."""
    for r in data.obs.to_dict("records"):
        mu = projection.gross(r["option"], r["outcome"], r["t"], P)
        if r["gross"] > 0 and not np.any(mu > 0):
            raise ReturnsError(f"update: option {r['option']!r}, measure {r['outcome']!r}, {r['year']}: the returns "
                               f"report {r['gross']:g} but the scenario projects no delivery that year in any draw "
                               f"(is the option funded then?); correct the return or the scenario")


def loglikelihood(projection: Projection, data: _Data, P: np.ndarray) -> np.ndarray:
    """Total log-likelihood of the observations in every draw (column of P)."""
    ll = np.zeros(P.shape[1])
    for r, model, cv in zip(data.obs.to_dict("records"), data.models, data.cvs):
        mu = projection.gross(r["option"], r["outcome"], r["t"], P) * r["share"]
        if model == "binomial":  # the rate: projected successes per projected trial, in each draw
            base = projection.gross(r["option"], r["base"], r["t"], P) * r["share"]
            with np.errstate(divide="ignore", invalid="ignore"):
                p = np.where(base > 0, mu / base, np.nan)
            ll = ll + _binomial_loglik(float(r["gross"]), float(r["trials"]), p, cv)
        else:
            ll = ll + _obs_loglik(float(r["gross"]), mu, model, cv)
    return ll


class _NormalSpace:
    """The moved parameters in the Gaussian copula's normal space: z = Phi^-1(F(x)), prior N(0, R) with R the
    copula's correlation for a correlated block (socval._core.sampling.GaussianCopula.pearson), 1 elsewhere."""

    def __init__(self, core: Any, idx: List[int]):
        self.idx = list(idx)
        self.dists = [core.parameters[i].distribution for i in self.idx]
        k = len(self.idx)
        R = np.eye(k)
        pos = {p: j for j, p in enumerate(self.idx)}
        ids = [p.id for p in core.parameters]
        for block in core.correlations:
            members = [int(p) for p in block.params]
            if any(m in pos for m in members):
                cop = _core.sampling.GaussianCopula([ids[m] for m in members], np.asarray(block.matrix, dtype=float))
                pear = np.asarray(cop.pearson() if callable(cop.pearson) else cop.pearson)
                for a, ma in enumerate(members):
                    for b, mb in enumerate(members):
                        R[pos[ma], pos[mb]] = pear[a, b]
        self.precision = np.linalg.inv(R)

    def to_z(self, X: np.ndarray) -> np.ndarray:
        u = np.vstack([d.cdf(np.ascontiguousarray(x)) for d, x in zip(self.dists, X)])
        return ndtri(np.clip(u, 1e-12, 1 - 1e-12))

    def to_x(self, Z: np.ndarray) -> np.ndarray:
        u = np.clip(ndtr(Z), 1e-12, 1 - 1e-12)
        return np.vstack([d.quantile(np.ascontiguousarray(v)) for d, v in zip(self.dists, u)])

    def log_prior(self, Z: np.ndarray) -> np.ndarray:
        return -0.5 * np.einsum("in,ij,jn->n", Z, self.precision, Z)


def _movable(core: Any, i: int) -> bool:
    return core.parameters[i].distribution.kind not in ("fixed", "discrete")


def _informed(core: Any, projection: Projection, data: _Data) -> List[int]:
    """Uncertain parameters the returns inform, with every member of their correlation blocks."""
    idx = set()
    for r in data.obs.to_dict("records"):
        idx.update(projection.parameters(r["option"], r["outcome"]))
        if r["base"]:
            idx.update(projection.parameters(r["option"], r["base"]))
    for block in core.correlations:
        members = [int(p) for p in block.params]
        if idx.intersection(members):
            idx.update(members)
    return sorted(i for i in idx if core.parameters[i].distribution.kind != "fixed")


def _smc(projection: Projection, data: _Data, P: np.ndarray, threshold: float, rng: np.random.Generator,
         moves: int) -> Tuple[np.ndarray, pd.DataFrame, str]:
    """(posterior parameters, stages table, method). Only the parameters the returns inform (and their correlation
    blocks) are resampled and moved; the others keep each draw's prior value: under the prior they are independent
    of the informed ones and the likelihood does not depend on them, so their posterior is their prior, and draw i
    of the posterior shares them with draw i of the prior (paired comparisons, no degeneracy from resampling)."""
    n = P.shape[1]
    _check_possible(projection, data, P)
    ll = loglikelihood(projection, data, P)
    if not np.any(np.isfinite(ll)):
        raise ReturnsError("update: the returns are impossible under every prior draw (a count delivered where "
                           "the scenario projects none); check the option and year of the returns")
    informed = _informed(projection.core, projection, data)
    out = P.copy()
    ess1 = ess(ll)
    stages = [dict(stage=0, temperature=1.0, ess=ess1, ess_share=ess1 / n, acceptance=np.nan, step=np.nan)]
    if ess1 >= threshold * n:
        anc = systematic_resample(ll, rng)
        out[informed] = P[informed][:, anc]
        return out, pd.DataFrame(stages), "importance sampling"
    space = _NormalSpace(projection.core, [i for i in informed if _movable(projection.core, i)])
    Z = space.to_z(P[space.idx])
    phi, stage = 0.0, 0
    scale = 2.38 / np.sqrt(max(len(space.idx), 1))
    while phi < 1.0 and stage < 200:
        stage += 1
        if ess((1.0 - phi) * ll) >= threshold * n:
            new = 1.0
        else:  # bisection for the temperature whose incremental weights have ESS = threshold x N
            lo, hi = phi, 1.0
            for _ in range(60):
                mid = 0.5 * (lo + hi)
                if ess((mid - phi) * ll) >= threshold * n:
                    lo = mid
                else:
                    hi = mid
            new = max(lo, phi + 1e-12)
        logw = (new - phi) * ll
        step_ess = ess(logw)
        idx = systematic_resample(logw, rng)
        P, Z, ll = P[:, idx], Z[:, idx], ll[idx]
        phi = new
        # Metropolis moves of the informed parameters, target prior x L^phi, proposal from the particles' spread.
        chol = np.linalg.cholesky(np.cov(Z) + 1e-10 * np.eye(Z.shape[0])) if Z.shape[0] > 1 else \
            np.sqrt(np.atleast_2d(np.var(Z) + 1e-10))
        accepted = 0.0
        for _ in range(moves):
            Zp = Z + scale * chol @ rng.standard_normal(Z.shape)
            Pp = P.copy()
            Pp[space.idx] = space.to_x(Zp)
            llp = loglikelihood(projection, data, Pp)
            with np.errstate(invalid="ignore"):
                log_a = phi * (llp - ll) + space.log_prior(Zp) - space.log_prior(Z)
            ok = np.log(rng.random(n)) < np.nan_to_num(log_a, nan=-np.inf)
            P[:, ok], Z[:, ok], ll[ok] = Pp[:, ok], Zp[:, ok], llp[ok]
            rate = float(ok.mean())
            accepted += rate / moves
            scale *= 1.3 if rate > 0.4 else (0.7 if rate < 0.15 else 1.0)
        stages.append(dict(stage=stage, temperature=phi, ess=step_ess, ess_share=step_ess / n, acceptance=accepted,
                           step=scale))
    out[informed] = P[informed]
    return out, pd.DataFrame(stages), "resample-move SMC"


def _delivered(projection: Projection, data: _Data, P: np.ndarray, upto: Optional[int] = None) -> List[Dict[str, Any]]:
    """The delivered years of every return (up to year ``upto``): per (option, measure, year), the change of the
    engine's gross delivery of the measure that puts the delivered net quantity in place of the projected one,

        delta_i(t) = (y - share x g(t)) x e(t),    e = engine gross / projected gross of the draw

    (e = 1 on a direct output, c_km A_k on a link k -> m), so that after the measure's additionality A_m the
    engine's net delivery of the option in year t is y x (net / gross) of the draw: the actual, net of the
    scenario's additionality, in place of the projection (docs/model/tracking.md section 6)."""
    out = []
    for r in data.obs.to_dict("records"):
        if upto is not None and r["year"] > upto:
            continue
        option, outcome, t = r["option"], r["outcome"], int(r["t"])
        g = projection.gross(option, outcome, t, P)
        e_g = projection.engine_gross(option, outcome, t, P)
        with np.errstate(divide="ignore", invalid="ignore"):
            e = np.where(g > 0, e_g / g, np.nan)
        if np.any(np.isnan(e)):  # a draw that projects nothing that year: the factor of the option's first path
            e = np.where(np.isnan(e), projection.path_factor(option, outcome, P), e)
        out.append(dict(option=option, outcome=outcome, t=t, year=int(r["year"]),
                        delta=(float(r["gross"]) - r["share"] * g) * e))
    return out


def delivered_scenario(scenario: Any, delivered: Sequence[Mapping[str, Any]], horizon: Optional[int] = None):
    """(core scenario, given values): ``scenario`` with one more funded option per delivered (option, measure,
    year), of no cost, the same lever and places as the option, delivering delta_i(t) of the measure in that year
    only (an uncertain per-year output whose value the simulation is given draw by draw); ``horizon`` shortens the
    appraisal. The engine then propagates the delivered quantities like any delivery: links, additionality, lag,
    duration, drop-off, values and discounting."""
    import os

    from ..model.yamltext import dump_yaml, load_yaml

    core = getattr(scenario, "core", scenario)
    doc = load_yaml(core.source_text)
    own = {o["id"]: o for o in doc.get("options", [])}
    given: Dict[str, np.ndarray] = {}
    for d in delivered:
        oid = f"delivered__{d['option']}__{d['outcome']}__{d['year']}"
        bound = float(10.0 ** np.ceil(np.log10(2.0 * np.max(np.abs(d["delta"])) + 1.0)))
        opt = {"id": oid, "name": f"Delivered: {d['option']} {d['outcome']} {d['year']} (actual - projection)",
               "lever": own.get(d["option"], {}).get("lever", "commissioning"), "costs": [{"year": 0, "revenue": 0}],
               "outputs": {d["outcome"]: {"dist": "uniform", "min": -bound, "max": bound}}}
        if "places" in own.get(d["option"], {}):
            opt["places"] = own[d["option"]]["places"]
        doc.setdefault("options", []).append(opt)
        doc.setdefault("scenario", {}).setdefault("funded", []).append({"option": oid, "start": d["t"]})
        given[f"options.{oid}.outputs.{d['outcome']}.amount"] = d["delta"]
    if horizon is not None:  # the years first_year .. first_year + horizon - 1: later cost entries are left out
        doc.setdefault("metadata", {})["horizon"] = int(horizon)
        funded = doc.get("scenario", {}).get("funded", [])
        start = {f["option"]: int(f.get("start", 0)) for f in funded if isinstance(f, dict)}
        for o in doc.get("options", []):
            last = int(horizon) - 1 - start.get(o["id"], 0)
            for key in ("costs", "costs_to_others"):
                if key in o:
                    o[key] = [c for c in o[key] if int(c.get("year", 0)) <= last]
        doc["scenario"]["funded"] = [f for f in funded
                                     if start.get(f["option"] if isinstance(f, dict) else f, 0) < int(horizon)]
    base = os.path.dirname(core.source_file) if core.source_file else os.getcwd()
    name = core.source_file or core.meta.name or "scenario"
    out = _core.model.read_scenario_text(dump_yaml(doc), name, base, scenario_library(scenario))
    return out, given


def posterior_results(scenario: Any, P: np.ndarray, attrs: Mapping[str, Any], threads: int = 0,
                      library: Any = None, delivered: Sequence[Mapping[str, Any]] = (), horizon: Optional[int] = None,
                      **options: Any) -> Results:
    """The simulation of ``scenario`` with its parameters at the values P (parameters x draws, the scenario's
    order) and its delivered years replaced by the actuals (:func:`delivered_scenario`): a full
    :class:`socval.Results` (per year, per outcome, by lever, report), simulated with the given values of the
    parameters whose row of P differs from the keyed draws of ``attrs``' seed, draws and sampler; every other
    parameter is sampled as usual, so it keeps its prior draw."""
    from ..engine.simulation import simulate

    core = core_scenario(scenario)
    seed, n, sampler = int(attrs["seed"]), int(P.shape[1]), str(attrs.get("sampler", "lhs"))
    prior = prior_parameters(core, seed, n, sampler)
    sim_core, given = delivered_scenario(scenario, delivered, horizon) if (delivered or horizon) else (core, {})
    ids = {p.id for p in sim_core.parameters}
    for i, p in enumerate(core.parameters):
        if p.id in ids and not np.array_equal(P[i], prior[i]):
            given[p.id] = P[i]
    res = simulate(sim_core, draws=n, seed=seed, sampler=sampler, threads=threads or None, progress=False,
                   library=library if library is not None else scenario_library(scenario), given=given or None,
                   **options)
    res.attrs.update({k: v for k, v in attrs.items() if k.startswith("tracking_")})
    return res


def learnt_from(core: Any, projection: Projection, data: _Data) -> pd.DataFrame:
    """What each returned (option, measure) is learnt from: its measurement model and the uncertain parameters its
    projection depends on (through which the likelihood moves them). A measure whose projection has no uncertain
    input (every yield, spend and link coefficient on its path fixed) informs no parameter: it is compared with the
    projection but cannot move anything, and ``note`` says so (e.g. a spend return of an option whose spend and
    per-pound share are fixed numbers)."""
    rows = []
    for (option, outcome), g in data.obs.groupby(["option", "outcome"], sort=True):
        k = int(g.index[0])
        idx = set(projection.parameters(option, outcome))
        if data.obs.loc[k, "base"]:
            idx |= set(projection.parameters(option, data.obs.loc[k, "base"]))
        ids = [core.parameters[i].id for i in sorted(idx) if core.parameters[i].distribution.kind != "fixed"]
        unit = str(g["unit"].iloc[0])
        spend = normal_unit(unit).startswith("gbp")
        note = ("" if ids else
                f"informs no parameter: every input of its projection (the option's "
                f"{'spend and per-pound share' if spend else 'yield'}) is a fixed number in the scenario, so the "
                f"return is compared with the projection and replaces it in the delivered years, but there is "
                f"nothing uncertain for it to update; declare a distribution to learn from it")
        rows.append(dict(option=option, measure=outcome, unit=unit, spend=spend, model=data.models[k],
                         years=", ".join(str(int(y)) for y in sorted(g["year"])), parameters=ids, note=note))
    return pd.DataFrame(rows, columns=["option", "measure", "unit", "spend", "model", "years", "parameters", "note"])


def realised_value(scenario: Any, projection: Projection, data: _Data, P: np.ndarray, attrs: Mapping[str, Any],
                   upto: int, threads: int = 0) -> pd.DataFrame:
    """Realised value per pound to year ``upto`` against the projection's for the same years.

    Both are simulations of the scenario on the appraisal shortened to the years first_year..upto, at the prior
    draws P (the scenario's own parameter values and unit values, value uncertainty included): the projection as
    it stands, and the actuals, the delivered quantities of every return to ``upto`` in place of the projected ones
    (:func:`delivered_scenario`). Per draw, value per pound = PV of the value in those years / PV of the body's
    spend in those years (before optimism bias); the table gives mean, p5 and p95 over the draws
    (docs/model/tracking.md section 7)."""
    first = int(projection.first_year)
    h = int(upto) - first + 1
    opts = dict(track_levers=False, keep_outcomes=False, keep_breakdowns=False, place=False)
    runs = {"projected": posterior_results(scenario, P, attrs, threads, horizon=h, **opts),
            "realised": posterior_results(scenario, P, attrs, threads,
                                          delivered=_delivered(projection, data, P, upto=upto), horizon=h, **opts)}
    rows = []
    for name, r in runs.items():
        v, c = r.draws("pv_benefits"), r.draws("pv_investment")
        with np.errstate(divide="ignore", invalid="ignore"):
            vpp = np.where(c > 0, v / c, np.nan)
        rows.append(dict(case=name, years=f"{first}-{upto}", value_mean=float(v.mean()),
                         value_p5=float(np.quantile(v, 0.05)), value_p95=float(np.quantile(v, 0.95)),
                         spend_mean=float(c.mean()), per_pound_mean=float(np.nanmean(vpp)),
                         per_pound_p5=float(np.nanquantile(vpp, 0.05)), per_pound_p95=float(np.nanquantile(vpp, 0.95))))
    return pd.DataFrame(rows).set_index("case")


def _param_table(core: Any, idx: List[int], prior: np.ndarray, post: np.ndarray, data: _Data,
                 projection: Projection, exact: Optional[Mapping[int, Tuple[float, float, float, float]]] = None
                 ) -> pd.DataFrame:
    exact = exact or {}
    rows = []
    for i in idx:
        p = core.parameters[i]
        x0, x1 = prior[i], post[i]
        row = dict(parameter=p.id, prior_mean=float(x0.mean()), prior_sd=float(x0.std(ddof=1)),
                   posterior_mean=float(x1.mean()), posterior_sd=float(x1.std(ddof=1)),
                   prior_p10=float(np.quantile(x0, 0.1)), prior_p90=float(np.quantile(x0, 0.9)),
                   posterior_p10=float(np.quantile(x1, 0.1)), posterior_p90=float(np.quantile(x1, 0.9)),
                   conjugate_mean=np.nan, conjugate_sd=np.nan)
        # Conjugate check: theta alone in a set of verified counts, linear (mu = theta x, x fixed): Poisson-gamma
        # with the gamma prior of the same mean and sd.
        ys, xs, linear = [], [], True
        for r, model, cv in zip(data.obs.to_dict("records"), data.models, data.cvs):
            deps = projection.parameters(r["option"], r["outcome"])
            if r["base"]:  # a binomial return informs the parameters of its trials' measure too
                deps = sorted(set(deps) | set(projection.parameters(r["option"], r["base"])))
            if i not in deps:
                continue
            if deps != [i] or model != "count" or cv > 0:
                linear = False
                break
            probe = np.repeat(np.array([[q.distribution.central()] for q in core.parameters]), 2, axis=1)
            probe[i] = [0.0, 1.0]
            g = projection.gross(r["option"], r["outcome"], r["t"], probe) * r["share"]
            ys.append(float(r["gross"]))
            xs.append(float(g[1] - g[0]))
        if i in exact:  # the exact beta-binomial posterior its draws were taken from
            a1, b1 = exact[i][2:]
            row["conjugate_mean"] = a1 / (a1 + b1)
            row["conjugate_sd"] = float(np.sqrt(a1 * b1 / ((a1 + b1) ** 2 * (a1 + b1 + 1))))
        elif linear and ys:
            a, b = conjugate.gamma_from_moments(row["prior_mean"], row["prior_sd"])
            a1, b1 = conjugate.poisson_gamma(a, b, ys, xs)
            row["conjugate_mean"], row["conjugate_sd"] = a1 / b1, float(np.sqrt(a1) / b1)
        rows.append(row)
    return pd.DataFrame(rows)


@dataclass
class Posterior:
    """What the returns taught: prior and posterior side by side.

    Attributes
    ----------
    prior, posterior : socval.Results
        The simulation the returns report against, and the posterior: the scenario simulated at the posterior
        draws with its delivered years replaced by the actuals (:func:`posterior_results`), a full Results (per
        year, per outcome, by lever; ``report()`` writes its decision-paper annex).
    parameters : pandas.DataFrame
        Every parameter the returns inform: prior and posterior mean, sd, p10, p90, and the conjugate
        (Poisson-gamma) posterior where a yield alone enters verified counts linearly.
    stages : pandas.DataFrame
        The importance-sampling ESS (stage 0) and each SMC stage: temperature, ESS, Metropolis acceptance.
    method : str
        ``"importance sampling"``, ``"resample-move SMC"``, or ``"exact conjugate (beta-binomial)"`` (with " and "
        the SMC method when other parameters are learnt too: docs/model/tracking.md section 5).
    against : pandas.DataFrame
        :func:`socval.tracking.against_projection` of the returns.
    reforecast : pandas.DataFrame
        Every (option, measure) returned, every year the option delivers: prior and posterior mean, p10, p90 of
        gross delivery, the actual where reported; ``remaining`` flags years after the last return.
    comparison : pandas.DataFrame or None
        With alternatives: each scenario's mean NPSV and P(best) under the prior and the posterior, on the same draws.
    learnt : pandas.DataFrame
        :func:`learnt_from`: every returned (option, measure), its measurement model and the parameters it informs
        (``note`` says why when it informs none).
    realised : pandas.DataFrame
        :func:`realised_value`: value to date, spend to date and value per pound, projected and realised.
    """

    prior: Results
    posterior: Results
    parameters: pd.DataFrame
    stages: pd.DataFrame
    method: str
    threshold: float
    against: pd.DataFrame
    reforecast: pd.DataFrame
    comparison: Optional[pd.DataFrame]
    returns: Returns
    scenario: Any
    posterior_parameters: np.ndarray = field(repr=False, default=None)
    learnt: pd.DataFrame = field(repr=False, default=None)
    realised: pd.DataFrame = field(repr=False, default=None)

    @property
    def ess(self) -> float:
        """Effective sample size of the importance weights of the prior draws."""
        return float(self.stages["ess"].iloc[0])

    def summary(self) -> pd.DataFrame:
        """Headline metrics, prior and posterior side by side (mean, p5, p50, p95, P(>0))."""
        a, b = self.prior.summary(), self.posterior.summary()
        keep = [m for m in b.index if m in a.index]
        return pd.concat({"prior": a.loc[keep, ["mean", "p5", "p50", "p95", "P(>0)"]],
                          "posterior": b.loc[keep, ["mean", "p5", "p50", "p95", "P(>0)"]]}, axis=1)

    def draws(self, metric: str) -> np.ndarray:
        """Posterior draws of a metric (``npsv``, ``bcr``, ``priority.<id>``, ``pillar.<name>`` ...)."""
        return self.posterior.draws(metric)

    def compare(self) -> Optional[pd.DataFrame]:
        """The comparison with the alternatives given to :func:`update` (None without alternatives)."""
        return self.comparison

    def decision_holds(self) -> Optional[bool]:
        """Whether the scenario with the highest prior mean NPSV of the comparison still has the highest posterior
        mean NPSV (None without alternatives)."""
        if self.comparison is None:
            return None
        c = self.comparison
        return bool(c["posterior_mean_npsv"].idxmax() == c["prior_mean_npsv"].idxmax())

    def report(self, path: Any = None, **options: Any):
        """The annual social value report of these returns (socval.report.annual.annual_report)."""
        from ..report.annual import annual_report  # facade: the report is built on the posterior

        return annual_report(self, path, **options)


def _reforecast(projection: Projection, data: _Data, P0: np.ndarray, P1: np.ndarray) -> pd.DataFrame:
    rows = []
    last = int(data.obs["year"].max())
    for (option, outcome), g in data.obs.groupby(["option", "outcome"], sort=True):
        actual = {int(r.year): r.gross / r.share for r in g.itertuples(index=False)}
        for t in range(projection.horizon):
            g0 = projection.gross(option, outcome, t, P0)
            if not np.any(g0):
                continue
            g1 = projection.gross(option, outcome, t, P1)
            y = projection.first_year + t
            rows.append(dict(option=option, measure=outcome, year=y, remaining=y > last,
                             actual=actual.get(y, np.nan), prior_mean=float(g0.mean()),
                             prior_p10=float(np.quantile(g0, 0.1)), prior_p90=float(np.quantile(g0, 0.9)),
                             posterior_mean=float(g1.mean()), posterior_p10=float(np.quantile(g1, 0.1)),
                             posterior_p90=float(np.quantile(g1, 0.9))))
    return pd.DataFrame(rows)


def _as_scenario(s: Any) -> Any:
    return s if isinstance(s, Scenario) else load_scenario(s)


def _comparison(scenario: Any, alternatives: Sequence[Any], P1: np.ndarray, informed: Sequence[int],
                attrs: Mapping[str, Any], threads: int) -> pd.DataFrame:
    """Mean NPSV and P(best) of the tracked scenario and its alternatives on the same draws: the prior draws, and
    the posterior draws (the informed parameters a scenario shares with the tracked one take their posterior
    values, every other parameter its prior value in the same draw)."""
    core = scenario.core
    post = {core.parameters[i].id: P1[i] for i in informed}
    seed, n, sampler = int(attrs["seed"]), P1.shape[1], str(attrs.get("sampler", "lhs"))
    names, prior, posterior = [], [], []
    for s in [scenario] + [_as_scenario(a) for a in alternatives]:
        c = s.core
        Pa = prior_parameters(c, seed, n, sampler)
        Pb = Pa.copy()
        for j, p in enumerate(c.parameters):
            if p.id in post:
                Pb[j] = post[p.id]
        unc = [j for j, p in enumerate(c.parameters) if p.distribution.kind != "fixed"]
        dm = _core.analysis.DesignModel(c, scenario_library(s))
        cols = [c.parameters[j].id for j in unc]
        ev = [np.asarray(_core.analysis.evaluate_design(dm, cols, np.ascontiguousarray(X[unc].T), input="values",
                                                        output="npsv", threads=threads)) for X in (Pa, Pb)]
        names.append(s.name)
        prior.append(ev[0])
        posterior.append(ev[1])
    A, B = np.vstack(prior), np.vstack(posterior)
    best_a = np.bincount(np.argmax(A, axis=0), minlength=len(names)) / n
    best_b = np.bincount(np.argmax(B, axis=0), minlength=len(names)) / n
    return pd.DataFrame({"prior_mean_npsv": A.mean(axis=1), "posterior_mean_npsv": B.mean(axis=1),
                         "prior_p_best": best_a, "posterior_p_best": best_b},
                        index=pd.Index(names, name="scenario"))


def _exact_rates(core: Any, projection: Projection, data: _Data) -> Tuple[Dict[int, Tuple[float, float, float, float]],
                                                                        List[int]]:
    """The conjugate part of the returns: ({parameter: (alpha, beta, alpha', beta')}, rows it explains).

    A parameter p with a Beta(alpha, beta) prior on [0, 1] is updated exactly (BDA3 section 2.4) when it is the
    rate of verified binomial returns (y of n trials, the projected rate equal to p in every draw: successes =
    p x trials, the trials' measure fixed) and informs no other return and no correlation block: its posterior is
    Beta(alpha + sum y, beta + sum (n - y)), independent of the other parameters'. Everything else goes to SMC."""
    rows = data.obs.to_dict("records")
    deps = []
    for r in rows:
        d = set(projection.parameters(r["option"], r["outcome"]))
        if r["base"]:
            d |= set(projection.parameters(r["option"], r["base"]))
        deps.append(d)
    correlated = {int(m) for block in core.correlations for m in block.params}
    central = np.array([[q.distribution.central()] for q in core.parameters])
    exact: Dict[int, Tuple[float, float, float, float]] = {}
    explained: List[int] = []
    for i, q in enumerate(core.parameters):
        dist = q.distribution
        if dist.kind != "beta" or dist.support != (0.0, 1.0) or i in correlated:
            continue
        mine = [k for k, d in enumerate(deps) if i in d]
        if not mine or any(deps[k] != {i} or data.models[k] != "binomial" or data.cvs[k] > 0 for k in mine):
            continue
        probe = np.repeat(central, 2, axis=1)
        probe[i] = [0.25, 0.75]
        linear = True
        for k in mine:
            r = rows[k]
            with np.errstate(divide="ignore", invalid="ignore"):
                rate = projection.gross(r["option"], r["outcome"], r["t"], probe) / \
                    projection.gross(r["option"], r["base"], r["t"], probe)
            linear = linear and bool(np.allclose(rate, [0.25, 0.75], rtol=1e-12, atol=0.0))
        if not linear:
            continue
        a0, b0 = float(dist.params["alpha"]), float(dist.params["beta"])
        ys = [float(rows[k]["gross"]) for k in mine]
        ns = [float(rows[k]["trials"]) for k in mine]
        a1, b1 = conjugate.beta_binomial(a0, b0, ys, ns)
        exact[i] = (a0, b0, a1, b1)
        explained += mine
    return exact, sorted(explained)


def _subset(data: _Data, drop: Sequence[int]) -> _Data:
    keep = [k for k in range(len(data.models)) if k not in set(drop)]
    return _Data(data.obs.iloc[keep].reset_index(drop=True), [data.models[k] for k in keep],
                 [data.cvs[k] for k in keep])


def _posterior_parameters(projection: Projection, data: _Data, P0: np.ndarray, threshold: float,
                          rng: np.random.Generator, moves: int
                          ) -> Tuple[np.ndarray, pd.DataFrame, str, Dict[int, Tuple[float, float, float, float]]]:
    """Exact conjugate updates where they apply (:func:`_exact_rates`), SMC for the rest. A conjugate parameter's
    posterior draw is the posterior quantile of its prior draw's rank, F1^-1(F0(x)): exact in distribution,
    stratified like the prior's draws and paired with them."""
    core = projection.core
    exact, explained = _exact_rates(core, projection, data)
    rest = _subset(data, explained)
    if len(rest.models) and _informed(core, projection, rest):
        P1, stages, method = _smc(projection, rest, P0.copy(), threshold, rng, moves)
    else:
        n = P0.shape[1]
        P1, stages, method = P0.copy(), pd.DataFrame([dict(stage=0, temperature=1.0, ess=float(n), ess_share=1.0,
                                                           acceptance=np.nan, step=np.nan)]), None
    for i, (a0, b0, a1, b1) in exact.items():
        u = np.clip(betainc(a0, b0, P0[i]), 1e-300, 1.0 - 1e-16)
        P1[i] = betaincinv(a1, b1, u)
    if exact:
        method = "exact conjugate (beta-binomial)" + (f" and {method}" if method else "")
    return P1, stages, method or "importance sampling", exact


def update(results: Results, returns: Returns, scenario: Any = None, alternatives: Sequence[Any] = (),
           threshold: float = 0.5, seed: Optional[int] = None, moves: int = 10,
           evidence_cv: Optional[Mapping[str, float]] = None, threads: int = 0) -> Posterior:
    """Update the scenario by its delivery returns and re-forecast the programme.

    Parameters
    ----------
    results
        The ``socval.Results`` the decision was taken on: its seed, draws and sampler give the prior draws.
    returns
        :class:`~socval.tracking.Returns` (``socval.load_returns``).
    scenario
        The scenario simulated (default: the one stored in ``results``).
    alternatives
        Other scenarios (objects or paths) to compare on the same prior and posterior draws: is the decision still
        the best?
    threshold
        Share of the draws: resample-move when the importance weights' ESS falls below ``threshold x draws``
        (default 0.5).
    seed
        Seed of resampling and moves (default the results' seed); the same seed gives the same posterior.
    moves
        Metropolis steps per SMC stage.
    evidence_cv
        Reporting error by evidence status (default :data:`EVIDENCE_CV`).

    Raises
    ------
    ReturnsError
        Returns that do not fit the scenario, or that no prior draw can produce.
    """
    if not 0.0 < float(threshold) <= 1.0:
        raise ReturnsError(f"update: threshold: expected a share in (0, 1], found {threshold!r}")
    if int(moves) < 1:
        raise ReturnsError(f"update: moves: expected a whole number >= 1, found {moves!r}")
    cv = dict(EVIDENCE_CV)
    cv.update(evidence_cv or {})
    scenario = _as_scenario(scenario) if scenario is not None else results.scenario()
    a = results.attrs
    P0 = prior_parameters(scenario.core, a["seed"], a["draws"], a.get("sampler", "lhs"))
    projection = Projection(scenario)
    data = _data(returns.resolve(scenario), cv)
    if not len(data.obs):
        raise ReturnsError("update: expected at least one return with a gross value, found only missing returns")
    rng = np.random.Generator(np.random.PCG64([int(a["seed"] if seed is None else seed), 0x50C1A1]))
    P1, stages, method, exact = _posterior_parameters(projection, data, P0, float(threshold), rng, int(moves))
    attrs = dict(a)
    attrs.update(tracking_method=method, tracking_returns=len(returns),
                 tracking_years=",".join(str(y) for y in returns.years))
    post = posterior_results(scenario, P1, attrs, threads, delivered=_delivered(projection, data, P1))
    idx = _informed(scenario.core, projection, data)
    comparison = _comparison(scenario, alternatives, P1, idx, a, threads) if alternatives else None
    realised = realised_value(scenario, projection, data, P0, a, int(data.obs["year"].max()), threads)
    return Posterior(prior=results, posterior=post, learnt=learnt_from(scenario.core, projection, data),
                     realised=realised,
                     parameters=_param_table(scenario.core, idx, P0, P1, data, projection, exact),
                     stages=stages, method=method, threshold=float(threshold),
                     against=against_projection((scenario, P0), returns),
                     reforecast=_reforecast(projection, data, P0, P1), comparison=comparison, returns=returns,
                     scenario=scenario, posterior_parameters=P1)
