"""socval.decision: known answers, properties and plain brute-force references (enumeration of every portfolio)."""
from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.optimize import linprog

import socval
from socval import decision as d


# ------------------------------------------------------------------------------------------------------------
# Plain references
# ------------------------------------------------------------------------------------------------------------

def all_masks(n):
    """Every subset of n options as a (2**n, n) boolean matrix."""
    return ((np.arange(2 ** n)[:, None] >> np.arange(n)) & 1).astype(bool)


def lower_cvar(x, alpha):
    """Mean of the worst alpha share of equally likely values (fractional boundary draw), row by row."""
    x = np.sort(np.atleast_2d(x), axis=1)
    s = x.shape[1]
    mass = alpha * s
    whole = int(np.floor(mass))
    total = x[:, :whole].sum(axis=1)
    if mass > whole:
        total = total + (mass - whole) * x[:, whole]
    return total / mass


def brute_portfolio(values, costs, budget, exclusive=(), requires=(), include=(), exclude=(), contrib=None,
                    minimum=None, objective="mean", alpha=None):
    """Feasibility mask and objective of every portfolio, by enumeration."""
    values = np.atleast_2d(values)
    costs = costs[:, None] if costs.ndim == 1 else costs
    n = values.shape[1]
    m = all_masks(n)
    ok = np.all(m @ costs <= np.atleast_1d(budget) + 1e-9, axis=1)
    for g in exclusive:
        ok &= m[:, list(g)].sum(axis=1) <= 1
    for i, j in requires:
        ok &= ~m[:, i] | m[:, j]
    for i in include:
        ok &= m[:, i]
    for i in exclude:
        ok &= ~m[:, i]
    if contrib is not None:
        ok &= np.all(m @ contrib.T >= minimum - 1e-9, axis=1)
    port = m.astype(float) @ values.T  # portfolios x draws
    obj = port.mean(axis=1) if objective == "mean" else lower_cvar(port, alpha)
    return m, ok, obj


def random_instance(rng, n, kind):
    draws = 1 if kind == "mean" else 20
    values = rng.normal(1.0, 1.0, size=(draws, n))
    years = 1 if rng.random() < 0.5 else 3
    costs = rng.uniform(0.1, 2.0, size=(n, years))
    budget = costs.sum(axis=0) * rng.uniform(0.2, 0.6)
    perm = rng.permutation(n)
    exclusive = [list(perm[:3]), list(perm[3:5])] if n >= 6 else []
    requires = [(int(perm[5]), int(perm[6]))] if n >= 8 else []
    include = [int(perm[7])] if n >= 10 and rng.random() < 0.5 else []
    exclude = [int(perm[-1])] if rng.random() < 0.5 else []
    contrib = rng.uniform(0, 1, size=(2, n)) * (rng.random((2, n)) < 0.5)
    minimum = contrib.sum(axis=1) * rng.uniform(0.0, 0.4, size=2)
    return dict(values=values if kind != "mean" else values[0], costs=costs if years > 1 else costs[:, 0],
                budget=budget if years > 1 else float(budget[0]), exclusive=exclusive, requires=requires,
                include=include, exclude=exclude, contrib=contrib, minimum=minimum)


# ------------------------------------------------------------------------------------------------------------
# SMAA-2
# ------------------------------------------------------------------------------------------------------------

def binomial_se(p: float, n: int) -> float:
    """Standard error of a share estimated from n independent draws."""
    return float(np.sqrt(p * (1 - p) / n))


def test_smaa_issue_case():
    # Weights (w, 1 - w), w ~ U[0, 1]; A1 = (1, 0) scores w, A2 = (0.6, 0.6) scores 0.6. A1 is first iff
    # w > 0.6: 0.4 and 0.6. Central weights E[w | w > 0.6] = 0.8 and E[w | w < 0.6] = 0.3. With its central
    # weights each alternative wins (0.8 > 0.6, 0.3 < 0.6): confidence 1 and 1. (Issue 6.)
    n = 200_000
    r = d.smaa(np.array([[[1.0, 0.0], [0.6, 0.6]]]), n_weights=n, seed=1)
    # Monte Carlo over the weights: within 4 standard errors (binomial for a share, sd / sqrt(count) for a
    # conditional mean of a uniform weight: sd = width / sqrt(12)).
    np.testing.assert_allclose(r.rank_acceptability[:, 0], [0.4, 0.6], atol=4 * binomial_se(0.4, n))
    np.testing.assert_allclose(r.central_weights[0], [0.8, 0.2], atol=4 * 0.4 / np.sqrt(12 * 0.4 * n))
    np.testing.assert_allclose(r.central_weights[1], [0.3, 0.7], atol=4 * 0.6 / np.sqrt(12 * 0.6 * n))
    np.testing.assert_array_equal(r.confidence, [1.0, 1.0])


def test_smaa_order_and_interval_cases():
    # w1 >= w2 makes w uniform on [0.5, 1]: A1 first with probability 0.4 / 0.5 = 0.8 (derivation as above).
    perf = np.array([[1.0, 0.0], [0.6, 0.6]])
    n = 100_000
    r = d.smaa(perf, n_weights=n, weight_constraints={"order": [(0, 1)]})
    assert r.rank_acceptability[0, 0] == pytest.approx(0.8, abs=4 * binomial_se(0.8, n))  # 4 standard errors
    # 0.2 <= w1 <= 0.7: w uniform on [0.2, 0.7]; A1 first with probability 0.1 / 0.5 = 0.2, central w 0.65.
    r = d.smaa(perf, n_weights=n, weight_constraints=d.WeightConstraints(lower=[0.2, 0], upper=[0.7, 1]))
    assert r.rank_acceptability[0, 0] == pytest.approx(0.2, abs=4 * binomial_se(0.2, n))
    assert r.central_weights[0, 0] == pytest.approx(0.65, abs=4 * 0.1 / np.sqrt(12 * 0.2 * n))
    assert r.acceptance_rate == pytest.approx(0.5, abs=0.02)


def test_smaa_properties_and_reproducibility():
    rng = np.random.default_rng(5)
    perf = rng.normal(size=(300, 5, 4))
    a = d.smaa(perf, n_weights=6000, seed=9, threads=1)
    b = d.smaa(perf, n_weights=6000, seed=9, threads=3)
    np.testing.assert_array_equal(a.rank_acceptability, b.rank_acceptability)
    np.testing.assert_array_equal(a.central_weights, b.central_weights)
    np.testing.assert_array_equal(a.confidence, b.confidence)
    np.testing.assert_allclose(a.rank_acceptability.sum(axis=1), 1.0)
    np.testing.assert_allclose(a.rank_acceptability.sum(axis=0), 1.0)
    ok = ~np.isnan(a.confidence)
    assert np.all((a.confidence[ok] >= 0) & (a.confidence[ok] <= 1))
    np.testing.assert_allclose(a.central_weights[ok].sum(axis=1), 1.0)
    assert not np.array_equal(d.smaa(perf, n_weights=6000, seed=10).rank_acceptability, a.rank_acceptability)
    # Ranking constraint: every central weight vector respects it.
    c = d.smaa(perf, n_weights=3000, weight_constraints={"ranking": [3, 1, 0, 2]})
    w = c.central_weights[~np.isnan(c.confidence)]
    assert np.all(w[:, 3] >= w[:, 1]) and np.all(w[:, 1] >= w[:, 0]) and np.all(w[:, 0] >= w[:, 2])
    assert "rank 1" in a.to_frame().columns


def test_smaa_errors():
    with pytest.raises(socval.DecisionError, match="performance: expected"):
        d.smaa(np.zeros(3))
    with pytest.raises(socval.DecisionError, match="n_weights"):
        d.smaa(np.ones((2, 2)), n_weights=0)
    with pytest.raises(socval.DecisionError, match="unknown key"):
        d.smaa(np.ones((2, 2)), weight_constraints={"lowr": [0, 0]})
    with pytest.raises(socval.DecisionError, match="lower bounds sum to 1.2"):
        d.smaa(np.ones((2, 2)), weight_constraints={"lower": [0.6, 0.6]})
    with pytest.raises(socval.DecisionError, match="of uniform weight proposals"):
        d.smaa(np.ones((2, 2)), weight_constraints={"lower": [0.5, 0.49995]})
    with pytest.raises(socval.DecisionError, match="order pair"):
        d.smaa(np.ones((2, 2)), weight_constraints={"order": [(0, 0)]})
    with pytest.raises(socval.DecisionError, match="finite"):
        d.smaa(np.array([[np.nan, 1.0]]))


# ------------------------------------------------------------------------------------------------------------
# Comparison of draws
# ------------------------------------------------------------------------------------------------------------

def test_compare_shifted_normals_and_spread():
    rng = np.random.default_rng(0)
    a = rng.normal(size=5000)
    e = np.abs(rng.normal(size=5000))
    base = np.concatenate([a, a])
    shifted = base + 0.3                           # FSD over base (common random numbers)
    spread = np.concatenate([a + e, a - e])        # E[spread | base] = base: a mean-preserving spread
    c = d.compare_draws(np.column_stack([base, shifted, spread]), names=["base", "shifted", "spread"])
    assert c.fsd.loc["shifted", "base"] and not c.fsd.loc["base", "shifted"]
    assert c.ssd.loc["shifted", "base"]
    assert not c.fsd.loc["base", "spread"] and not c.fsd.loc["spread", "base"]
    assert c.ssd.loc["base", "spread"] and not c.ssd.loc["spread", "base"]
    assert c.p_greater.loc["shifted", "base"] == 1.0
    assert c.p_best.sum() == pytest.approx(1.0)
    np.testing.assert_array_equal(np.diag(c.p_greater), 0.0)


def test_compare_known_values_against_plain_numpy():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(997, 4))
    c = d.compare_draws(x, cvar_levels=(0.05, 0.1))
    best = x.max(axis=1, keepdims=True)
    np.testing.assert_allclose(c.expected_regret, (best - x).mean(axis=0))
    np.testing.assert_allclose(c.p_best, (x == best).mean(axis=0))
    np.testing.assert_allclose(c.p_greater, (x[:, :, None] > x[:, None, :]).mean(axis=0))
    for k, alpha in enumerate((0.05, 0.1)):
        np.testing.assert_allclose(c.cvar.iloc[:, k], lower_cvar(x.T, alpha))
    assert list(c.cvar.columns) == ["cvar_5%", "cvar_10%"]
    assert list(c.summary().columns) == ["mean", "p_best", "expected_regret", "cvar_5%", "cvar_10%"]


def test_compare_errors():
    with pytest.raises(socval.DecisionError, match="draws: expected an array"):
        d.compare_draws(np.zeros(5))
    with pytest.raises(socval.DecisionError, match="names"):
        d.compare_draws(np.zeros((5, 2)), names=["a"])
    with pytest.raises(socval.DecisionError, match=r"cvar_levels: expected levels in \(0, 1\)"):
        d.compare_draws(np.zeros((5, 2)), cvar_levels=(0.0,))


# ------------------------------------------------------------------------------------------------------------
# Portfolio selection against enumeration
# ------------------------------------------------------------------------------------------------------------

CASES = [(seed, n, kind) for seed, (n, kind) in enumerate(
    [(n, k) for n in (3, 5, 8, 10, 12) for k in ("mean", "draws_mean", "cvar")] +
    [(n, k) for n in (14, 16, 18) for k in ("mean", "cvar")])]


@pytest.mark.parametrize("solver", ["glpk", "cbc"])
@pytest.mark.parametrize("seed,n,kind", CASES)
def test_select_portfolio_matches_enumeration(seed, n, kind, solver):
    rng = np.random.default_rng(1000 + seed)
    inst = random_instance(rng, n, kind)
    objective = "cvar" if kind == "cvar" else "mean"
    alpha = 0.25 if kind == "cvar" else None
    min_value = {"social": (inst["contrib"][0], inst["minimum"][0]), "lever 2": (inst["contrib"][1],
                                                                                  inst["minimum"][1])}
    costs = np.asarray(inst["costs"])
    m, ok, obj = brute_portfolio(np.asarray(inst["values"]), costs, inst["budget"], inst["exclusive"],
                                 inst["requires"], inst["include"], inst["exclude"], inst["contrib"],
                                 inst["minimum"], objective, alpha)
    kwargs = dict(exclusive=inst["exclusive"], requires=inst["requires"], include=inst["include"],
                  exclude=inst["exclude"], min_value=min_value, objective=objective, alpha=alpha, solver=solver)
    if not ok.any():
        with pytest.raises(socval.DecisionError, match="conflict"):
            d.select_portfolio(inst["values"], inst["costs"], inst["budget"], **kwargs)
        return
    r = d.select_portfolio(inst["values"], inst["costs"], inst["budget"], **kwargs)
    best = obj[ok].max()
    assert r.objective == pytest.approx(best, rel=1e-7, abs=1e-7)
    mask = np.zeros(n, dtype=bool)
    mask[r.selected] = True
    row = int((mask * (1 << np.arange(n))).sum())
    assert ok[row], "the chosen portfolio must satisfy every constraint"
    assert obj[row] == pytest.approx(r.objective, rel=1e-9, abs=1e-9)
    np.testing.assert_allclose(r.cost, costs[r.selected].sum(axis=0))


def test_binding_and_conflicts_against_enumeration():
    rng = np.random.default_rng(77)
    checked_binding = checked_conflict = 0
    for trial in range(40):
        n = 7
        inst = random_instance(rng, n, "mean")
        if np.ndim(inst["budget"]):  # one budget here, so that relaxing "budget" is one constraint
            inst["costs"], inst["budget"] = inst["costs"][:, 0], float(inst["budget"][0])
        cons = {"exclusive": inst["exclusive"], "requires": inst["requires"],
                "include": [int(rng.integers(n))] if trial % 2 else [], "exclude": inst["exclude"]}
        contrib, minimum = inst["contrib"], inst["minimum"] * (3 if trial % 3 == 0 else 1)
        values, costs, budget = np.asarray(inst["values"]), np.asarray(inst["costs"]), inst["budget"]

        def brute(drop=None):
            c = {k: list(v) for k, v in cons.items()}
            b, mv, ct = budget, minimum, contrib
            if drop is not None:
                kind, idx = drop
                if kind == "budget":
                    b = 1e18
                elif kind == "min_value":
                    mv = np.where(np.arange(len(minimum)) == idx, -1e18, minimum)
                else:
                    c[kind] = [x for k, x in enumerate(c[kind]) if k != idx]
            m, ok, obj = brute_portfolio(values, costs, b, c["exclusive"], c["requires"], c["include"],
                                         c["exclude"], ct, mv)
            return ok, obj

        names, labelled = ["budget"], [("budget", None)]
        label = {"exclusive": lambda k, x: f"exclusive[{k}]", "requires": lambda k, x: f"requires[{x[0]}->{x[1]}]",
                 "include": lambda k, x: f"include[{x}]", "exclude": lambda k, x: f"exclude[{x}]"}
        for kind in ("exclusive", "requires", "include", "exclude"):
            for k, x in enumerate(cons[kind]):
                names.append(label[kind](k, x))
                labelled.append((kind, k))
        for g in range(2):
            names.append(f"min_value[{g}]")
            labelled.append(("min_value", g))
        ok, obj = brute()
        kwargs = dict(exclusive=cons["exclusive"], requires=cons["requires"], include=cons["include"],
                      exclude=cons["exclude"], min_value=(contrib, minimum))
        if not ok.any():
            with pytest.raises(socval.DecisionError) as err:
                d.select_portfolio(values, costs, budget, **kwargs)
            listed = str(err.value).split(": ")[-1].split(", ")
            assert listed, "the conflict must name constraints"
            checked_conflict += 1
            continue
        r = d.select_portfolio(values, costs, budget, **kwargs)
        assert r.objective == pytest.approx(obj[ok].max(), abs=1e-9)
        expected = []
        for name, drop in zip(names, labelled):
            ok2, obj2 = brute(drop)
            if ok2.any() and obj2[ok2].max() > r.objective + 1e-9 * (1 + abs(r.objective)):
                expected.append(name)
        assert sorted(r.binding) == sorted(expected)
        checked_binding += 1
    assert checked_binding >= 5 and checked_conflict >= 1


def test_conflict_message_is_an_irreducible_set():
    # Option 0 (cost 5) and option 1 (cost 4) must both be in, budget 8: budget, include[0], include[1] conflict;
    # exclude[3] and exclusive {2, 3} are not part of it.
    with pytest.raises(socval.DecisionError) as err:
        d.select_portfolio([10, 7, 6, 3], [5, 4, 3, 1], 8, include=[0, 1], exclude=[3], exclusive=[[2, 3]])
    assert str(err.value).endswith("these conflict (the problem becomes feasible if any one of them is removed): "
                                   "budget, include[0], include[1]")
    with pytest.raises(socval.DecisionError, match=r"include\[2\], exclude\[2\]"):
        d.select_portfolio([1, 2, 3], [1, 1, 1], 3, include=[2], exclude=[2])


def test_cvar_objective_prefers_safe_option():
    # Draws (10, -10) vs (1, 1): mean 0 vs 1; CVaR_0.5 is the worst draw: -10 vs 1. One of them fits.
    values = np.array([[10.0, 1.0], [-10.0, 1.0]])
    r = d.select_portfolio(values, [1, 1], 1, objective="cvar", alpha=0.5)
    assert list(r.selected) == [1] and r.objective == pytest.approx(1.0)
    assert d.select_portfolio(values, [1, 1], 1, objective="cvar", alpha=0.5, explain=False).binding == []
    # Risky option 0 pays (30, -10): mean 10 beats 1, CVaR still prefers option 1.
    values = np.array([[30.0, 1.0], [-10.0, 1.0]])
    assert list(d.select_portfolio(values, [1, 1], 1).selected) == [0]
    assert list(d.select_portfolio(values, [1, 1], 1, objective="cvar", alpha=0.5).selected) == [1]


def test_portfolio_errors():
    v, c = [1.0, 2.0], [1.0, 1.0]
    with pytest.raises(socval.DecisionError, match="budget: expected a finite budget >= 0, found -1"):
        d.select_portfolio(v, c, -1)
    with pytest.raises(socval.DecisionError, match=r"alpha: expected a CVaR level in \(0, 1\)"):
        d.select_portfolio(v, c, 1, objective="cvar", alpha=1.5)
    with pytest.raises(socval.DecisionError, match="alpha: objective 'cvar' needs a level"):
        d.select_portfolio(v, c, 1, objective="cvar")
    with pytest.raises(socval.DecisionError, match="alpha: only used with objective 'cvar'"):
        d.select_portfolio(v, c, 1, alpha=0.1)
    with pytest.raises(socval.DecisionError, match="objective: expected 'mean' or 'cvar', found 'median'"):
        d.select_portfolio(v, c, 1, objective="median")
    with pytest.raises(socval.DecisionError, match=r"costs: expected one cost per option \(2\)"):
        d.select_portfolio(v, [1.0, 1.0, 1.0], 1)
    with pytest.raises(socval.DecisionError, match="budget: expected one budget per year of costs"):
        d.select_portfolio(v, np.ones((2, 3)), [1, 1])
    with pytest.raises(socval.DecisionError, match="costs: expected finite costs >= 0"):
        d.select_portfolio(v, [1.0, -1.0], 1)
    with pytest.raises(socval.DecisionError, match=r"include: expected an option index in \[0, 2\), found 5"):
        d.select_portfolio(v, c, 1, include=[5])
    with pytest.raises(socval.DecisionError, match="requires: option 1 cannot require itself"):
        d.select_portfolio(v, c, 1, requires=[(1, 1)])
    with pytest.raises(socval.DecisionError, match=r"exclusive\[0\]: option 1 appears twice"):
        d.select_portfolio(v, c, 1, exclusive=[[1, 1]])
    with pytest.raises(socval.DecisionError, match=r"min_value: expected a contribution matrix of shape"):
        d.select_portfolio(v, c, 1, min_value=(np.ones((1, 3)), [1.0]))
    with pytest.raises(socval.DecisionError, match="solver: expected 'cbc' or 'glpk', found 'gurobi'"):
        d.select_portfolio(v, c, 1, solver="gurobi")


def test_efficient_frontier_matches_enumeration():
    rng = np.random.default_rng(4)
    n = 9
    values, costs = rng.uniform(0, 5, n), rng.uniform(0.5, 3, n)
    m, _, obj = brute_portfolio(values, costs, costs.sum())
    cost = m @ costs
    budgets = np.linspace(0, costs.sum(), 13)
    f = d.efficient_frontier(values, costs, budgets=budgets)
    for b, got in zip(budgets, f["objective"]):
        assert got == pytest.approx(obj[cost <= b + 1e-9].max(), abs=1e-9)
    steps = d.efficient_frontier(values, costs)
    assert np.all(np.diff(steps["objective"]) < 0) and np.all(np.diff(steps["cost"]) < 0)
    # Every step is the best value at its own cost, and nothing better exists strictly below it.
    for (_, row), nxt in zip(steps.iterrows(), list(steps["objective"][1:]) + [None]):
        assert row["objective"] == pytest.approx(obj[cost <= row["cost"] + 1e-9].max(), abs=1e-9)
        below = cost < row["cost"] - 1e-6
        if below.any():
            assert obj[below].max() == pytest.approx(nxt, abs=1e-9)
    with pytest.raises(socval.DecisionError, match="unknown argument"):
        d.efficient_frontier(values, costs, budgets=[1.0], budget=3)


# ------------------------------------------------------------------------------------------------------------
# Pareto portfolios and RPM against enumeration
# ------------------------------------------------------------------------------------------------------------

def brute_nondominated(scores, costs, budget):
    m = all_masks(scores.shape[0])
    ok = m @ costs <= budget
    vals = (m.astype(float) @ scores)[ok]
    keep = []
    for a in range(len(vals)):
        dominated = np.any(np.all(vals >= vals[a], axis=1) & np.any(vals > vals[a], axis=1))
        if not dominated:
            keep.append(tuple(np.flatnonzero(m[ok][a])))
    return sorted(keep)


@pytest.mark.parametrize("seed", range(6))
def test_pareto_portfolios_match_enumeration(seed):
    rng = np.random.default_rng(seed)
    n = 6 + 2 * (seed % 4)
    scores, costs = rng.uniform(0, 1, (n, 3)), rng.uniform(0.2, 1, n)
    budget = costs.sum() * 0.4
    p = d.pareto_portfolios(scores, costs, budget, pillars=["social", "economic", "environmental"])
    assert sorted(tuple(x) for x in p.portfolios) == brute_nondominated(scores, costs, budget)
    assert list(p.values.columns) == ["social", "economic", "environmental"]


def test_weight_extreme_points_agree_with_linear_programming():
    # For any direction c, min over the weight polytope of c.w (scipy linprog) equals the min over our vertices.
    rng = np.random.default_rng(2)
    cons = [dict(), dict(ranking=[0, 1, 2, 3]), dict(lower=[0.1, 0.05, 0, 0], upper=[0.5, 0.6, 0.4, 1]),
            dict(order=[(0, 2), (1, 2)], upper=[0.6, 0.6, 1, 0.3])]
    for c in cons:
        v = d.weight_extreme_points(4, c)
        wc = d.WeightConstraints(**c)
        lo = np.zeros(4) if wc.lower is None else np.asarray(wc.lower)
        hi = np.ones(4) if wc.upper is None else np.asarray(wc.upper)
        pairs = list(wc.order) + (list(zip(wc.ranking[:-1], wc.ranking[1:])) if wc.ranking else [])
        a_ub = [np.eye(4)[j] - np.eye(4)[i] for i, j in pairs] or None  # w_j - w_i <= 0
        for _ in range(20):
            direction = rng.normal(size=4)
            lp = linprog(direction, A_ub=a_ub, b_ub=[0.0] * len(pairs) if pairs else None,
                         A_eq=np.ones((1, 4)), b_eq=[1.0], bounds=list(zip(lo, hi)))
            assert lp.status == 0
            assert (v @ direction).min() == pytest.approx(lp.fun, abs=1e-9)


@pytest.mark.parametrize("seed", range(5))
def test_rpm_matches_enumeration(seed):
    # Reference: a portfolio is dominated if another is >= at every extreme weight and > at one (Liesiö et al.
    # 2007, Theorem 1: dominance over a polytope reduces to its extreme points); extreme points checked above.
    rng = np.random.default_rng(50 + seed)
    n = 7
    scores, costs = rng.uniform(0, 1, (n, 3)), rng.uniform(0.2, 1, n)
    budget = costs.sum() * 0.45
    wc = [dict(), dict(ranking=[0, 1, 2]), dict(lower=[0.2, 0.2, 0.1], upper=[0.6, 0.5, 0.5])][seed % 3]
    r = d.robust_portfolios(scores, costs, budget, wc)
    ext = d.weight_extreme_points(3, wc)
    expected = brute_nondominated(scores @ ext.T, costs, budget)
    assert sorted(tuple(x) for x in r.portfolios) == expected
    ci = np.array([np.mean([i in p for p in expected]) for i in range(n)])
    np.testing.assert_allclose(r.core_index, ci)
    assert set(r.labels[ci == 1]) <= {"core"} and set(r.labels[ci == 0]) <= {"exterior"}
    # More information never adds non-dominated portfolios (Liesiö et al. 2007): exact weights (1/3 each, inside
    # every weight set used here) give a subset.
    exact = d.robust_portfolios(scores, costs, budget, dict(lower=[1 / 3] * 3, upper=[1 / 3] * 3))
    assert set(map(tuple, exact.portfolios)) <= set(expected)


def test_rpm_known_case_and_errors():
    # Scores (1, 0), (0, 1), (0.6, 0.6), one option affordable. No weight information: {0}, {1}, {2} are all
    # non-dominated (each is best for some weights, or {2} is never beaten at both extreme points e1 and e2):
    # core index 1/3 each. With w1 >= 0.9 only {0} remains (value 0.9 vs 0.1 and 0.6).
    scores = np.array([[1.0, 0.0], [0.0, 1.0], [0.6, 0.6]])
    r = d.robust_portfolios(scores, np.ones(3), 1.0)
    np.testing.assert_allclose(r.core_index, [1 / 3] * 3)
    assert list(r.labels) == ["borderline"] * 3
    r = d.robust_portfolios(scores, np.ones(3), 1.0, {"lower": [0.9, 0.0]})
    assert r.portfolios == [[0]] and list(r.labels) == ["core", "exterior", "exterior"]
    with pytest.raises(socval.DecisionError, match="no weights satisfy"):
        d.robust_portfolios(scores, np.ones(3), 1.0, {"order": [(0, 1)], "upper": [0.3, 1.0]})
    with pytest.raises(socval.DecisionError, match="limited to 64 options"):
        d.pareto_portfolios(np.ones((65, 3)), np.ones(65), 1.0)
    with pytest.raises(socval.DecisionError, match="budget: expected a finite budget >= 0"):
        d.pareto_portfolios(np.ones((3, 3)), np.ones(3), -1.0)
    with pytest.raises(socval.DecisionError, match="exact vertex enumeration would solve"):
        d.weight_extreme_points(30, {"order": [(i, j) for i, j in itertools.combinations(range(30), 2)]})
