"""Given values (issue 15; docs/model/simulation.md, "Given values"): the ordinary simulation with chosen
parameters at given values in each draw, the others sampled as usual from their keyed streams."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import socval as sv
from socval import _core

WOE = Path(__file__).resolve().parents[2] / "scenarios" / "west-of-england" / "baseline.yaml"
DRAWS = 300


@pytest.fixture(scope="module")
def baseline():
    return sv.load_scenario(WOE)


@pytest.fixture(scope="module")
def plain(baseline):
    """A plain run with its sampled inputs (parameters x draws) and every per-year summary."""
    return _core.simulation.simulate(baseline.core, baseline.library, DRAWS, seed=7, keep_inputs=True,
                                     year_values=True, keep_full=True)


def _equal(a, b, path="result", skip=()):
    """Every array, number and name of two core result dicts equal bit for bit (timings, threads and ``skip``
    aside)."""
    if isinstance(a, dict):
        assert set(a) == set(b), path
        for k in a:
            if k not in ("timings", "threads") + tuple(skip):
                _equal(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, np.ndarray):
        assert np.array_equal(a, b, equal_nan=True), path
    else:
        assert a == b, path


def _given(baseline, plain, ids):
    rows = [plain["parameter_ids"].index(i) for i in ids]
    return ids, np.ascontiguousarray(plain["inputs"][rows])


def test_given_what_the_sampler_drew_is_bit_identical(baseline, plain):
    # Correlated parameters (a copula block), a library value and an option's yield among them.
    core = baseline.core
    correlated = [core.parameters[int(p)].id for p in core.correlations[0].params]
    ids = correlated + ["options.skills_employment.outputs.programme_job_entries.amount"] + \
        [p for p in plain["parameter_ids"] if p.startswith("value:")][:2]
    ids, values = _given(baseline, plain, ids)
    for threads in (1, 2):
        again = _core.simulation.simulate(core, baseline.library, DRAWS, seed=7, keep_inputs=True, year_values=True,
                                          keep_full=True, threads=threads, given_ids=ids, given_values=values)
        _equal(plain, again)


def test_given_values_are_used_and_the_others_keep_their_draws(baseline, plain):
    pid = "options.skills_employment.outputs.programme_job_entries.amount"
    row = plain["parameter_ids"].index(pid)
    lo, hi = plain["inputs"][row].min(), plain["inputs"][row].max()
    value = np.linspace(lo, hi, DRAWS)[::-1].copy()
    runs = [sv.simulate(baseline, draws=DRAWS, seed=7, threads=t, progress=False, given={pid: value})
            for t in (1, 2)]
    assert np.array_equal(runs[0].draws("npsv"), runs[1].draws("npsv"))  # thread-invariant
    core = _core.simulation.simulate(baseline.core, baseline.library, DRAWS, seed=7, keep_inputs=True,
                                     given_ids=[pid], given_values=value[None, :])
    assert np.array_equal(core["pv_benefits"], runs[0].draws("pv_benefits"))
    assert np.array_equal(core["inputs"][row], value)
    others = [i for i in range(len(plain["parameter_ids"])) if i != row]
    assert np.array_equal(core["inputs"][others], plain["inputs"][others])
    # More job entries in a draw, more value: the PV benefits move with the given yield, draw by draw.
    diff, delta = core["pv_benefits"] - plain["pv_benefits"], value - plain["inputs"][row]
    assert np.array_equal(np.sign(diff), np.sign(delta))


def test_given_values_in_parts_merge_to_the_whole_run(baseline, plain):
    ids, values = _given(baseline, plain, ["options.skills_employment.outputs.programme_job_entries.amount"])
    values = values[:, ::-1].copy()
    opts = dict(draws=DRAWS, seed=7, block_size=64, given_ids=ids, given_values=values)
    whole = _core.simulation.simulate(baseline.core, baseline.library, DRAWS, seed=7, block_size=64, given_ids=ids,
                                      given_values=values)
    merge = _core.simulation.Merge(baseline.core, baseline.library, opts)
    for first, n in ((0, 2), (2, 3)):
        merge.add(_core.simulation.simulate_part(baseline.core, baseline.library, opts, first, n))
    # The merge carries the headline, breakdown and outcome arrays and every summary (not the per-draw place and
    # people arrays, which a merged run leaves at zero whether values are given or not).
    _equal(whole, merge.finish(), skip=("place_value", "place_spend", "quintile_value", "weighted_pv_benefits",
                                        "weighted_npsv", "weighted_bcr", "eta"))


@pytest.mark.parametrize("ids, values, message", [
    (["no.such.parameter"], np.ones((1, DRAWS)), "expected the id of one of the scenario's parameters, found "
                                                 "'no.such.parameter'"),
    (["options.skills_employment.outputs.programme_job_entries.amount"] * 2, np.full((2, DRAWS), 200.0),
     "expected each parameter once"),
    (["options.skills_employment.outputs.programme_job_entries.amount"], np.ones((1, DRAWS - 1)),
     r"expected an array of 1 parameters x 300 draws, found 2-dimensional array of shape \(1, 299\)"),
    (["options.skills_employment.outputs.programme_job_entries.amount"], np.full((1, DRAWS), np.nan),
     r"parameter 'options.skills_employment.outputs.programme_job_entries.amount', draw 0: expected a finite value "
     r"in the support of pert"),
    (["options.skills_employment.outputs.programme_job_entries.amount"], np.full((1, DRAWS), 1e9),
     r"draw 0: expected a finite value in the support of pert\(.*\) \[.*\], found 1000000000"),
])
def test_bad_given_values_are_refused(baseline, ids, values, message):
    with pytest.raises(sv.SamplingError, match=message):
        _core.simulation.simulate(baseline.core, baseline.library, DRAWS, seed=7, given_ids=ids, given_values=values)


def test_bad_given_mapping_is_refused(baseline):
    with pytest.raises(sv.SamplingError, match=r"parameter 'x': expected 300 values \(one per draw\), found an "
                                               r"array of shape \(3,\)"):
        sv.simulate(baseline, draws=DRAWS, given={"x": [1, 2, 3]}, progress=False)
    with pytest.raises(sv.SamplingError, match="expected a mapping of parameter id"):
        sv.simulate(baseline, draws=DRAWS, given=[1.0], progress=False)
