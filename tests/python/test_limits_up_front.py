"""Limits refused up front with the reason and the estimate in the message (issue 22 items 2, 5 and 7;
docs/guide/limits.md): the memory of option-by-option attribution is planned before it is allocated, a scenario
text is refused above its stated size before parsing, YAML aliases are counted in bytes as well as values, and a
Boost.Math failure while sampling becomes a SamplingError naming the parameter, the draw and the seed.
Every file is generated in tmp_path; nothing large is allocated.
"""
import math
import time

import numpy as np
import pytest

import socval
from socval._core import engine, model, sampling

LIB = socval.values.default_library()


def chain(options: int, outcomes: int, years: int) -> str:
    """Every option feeds outcome o0 and the outcomes form a chain of links, so every option reaches every
    outcome (and shares it with the others): option tracking propagates options x outcomes x years steps."""
    out = ["metadata: {name: chain, price_base_year: 2024, horizon: %d}" % years,
           "priorities: [{id: p, pillar: social}]", "outcomes:"]
    out += [f"  - {{id: o{k}, unit: u, value: 1, priorities: {{p: 1}}}}" for k in range(outcomes)]
    out.append("options:")
    out += [f"  - {{id: a{i}, lever: commissioning, costs: [{{year: 0, capital: 1}}], outputs: {{o0: 1}}}}"
            for i in range(options)]
    out.append("links:")
    out += [f"  - {{from: o{k - 1}, to: o{k}, coefficient: 0.5}}" for k in range(1, outcomes)]
    out.append("scenario: {funded: [" + ", ".join(f"a{i}" for i in range(options)) + "]}")
    return "\n".join(out) + "\n"


def read(text: str, name: str = "t.yaml"):
    return model.read_scenario_text(text, name, ".", LIB)


# --- memory of the deterministic appraisal (option tracking) ----------------------------------------------------

def test_evaluate_refuses_an_attribution_that_cannot_fit_with_the_estimate():
    # 1,000 options x 1,000 outcomes x 1,000 years: about 300 GB of propagation, refused before any of it exists.
    sc = read(chain(1000, 1000, 1000))
    t = time.perf_counter()
    with pytest.raises(socval.AppraisalError, match=r"attributing value to each of the 1000 funded options \(999 "
                                                    r"propagated through 1000 outcomes over 1000 years\) would need "
                                                    r"about [\d.]+ (GB|TB) of memory, but [\d.]+ \w+ may be used"):
        engine.evaluate(sc, LIB)
    assert time.perf_counter() - t < 5


def test_memory_limit_from_the_environment(monkeypatch):
    big, small = read(chain(200, 50, 50)), read(chain(3, 50, 50))
    monkeypatch.setenv("SOCVAL_MEMORY_LIMIT", "50M")
    # Estimate 149 MB (measured peak 162 MB): refused under a 50 MB limit, as is simulate over its own estimate.
    with pytest.raises(socval.AppraisalError, match=r"would need about 1[45]\d\.\d MB of memory, but 50\.0 MB is "
                                                    r"allowed \(SOCVAL_MEMORY_LIMIT\)"):
        engine.evaluate(big, LIB)
    assert math.isfinite(engine.evaluate(small, LIB).npsv)  # 3 options: well under the limit
    with pytest.raises(socval.SamplingError, match=r"would need about [\d.]+ GB of memory, but 50\.0 MB is allowed"):
        socval.simulate(small, draws=10**9, progress=False)
    monkeypatch.setenv("SOCVAL_MEMORY_LIMIT", "lots")
    with pytest.raises(socval.AppraisalError, match="SOCVAL_MEMORY_LIMIT: expected a number of bytes > 0"):
        engine.evaluate(big, LIB)


# --- scenario size: bytes before parsing, values and alias expansion in the event pass -------------------------

def test_a_file_over_the_size_limit_is_refused_before_parsing(tmp_path):
    path = tmp_path / "huge.yaml"
    with open(path, "wb") as f:  # sparse: 17 MB of NULs that are never read
        f.truncate(17 * 2**20)
    with pytest.raises(socval.ScenarioError, match=r"cannot read the scenario file: it has 17825792 bytes, more "
                                                   r"than the 16 MB a scenario file may have"):
        model.read_scenario(str(path), LIB)
    with pytest.raises(socval.ScenarioError, match=r"the scenario text has 16777217 bytes, more than the 16 MB"):
        read("#" * (16 * 2**20 + 1))


def test_alias_expansion_is_counted_in_bytes(tmp_path):
    # A 600 kB text and 30 aliases of it: 31 values, but 18.6 MB of text once expanded.
    text = "metadata:\n  name: &n " + "x" * 600_000 + "\n  description: [" + ", ".join(["*n"] * 30) + "]\n"
    path = tmp_path / "alias.yaml"
    path.write_text(text)
    with pytest.raises(socval.ScenarioError) as info:
        model.read_scenario(str(path), LIB)
    msg = str(info.value)
    assert msg.startswith(f"{path}:3:")
    assert "more than 16 MB of text once its YAML aliases (*name) are expanded" in msg and "from aliases" in msg
    assert len(msg) < 400  # the text itself is not echoed


def test_too_many_values_without_aliases_do_not_blame_aliases():
    msg = ""
    with pytest.raises(socval.ScenarioError) as info:
        read("metadata:\n  name: [" + ",".join(["0"] * 1_000_001) + "]\n")
    msg = str(info.value)
    assert "the document has more than 1,000,000 values" in msg and "alias" not in msg


def test_an_alias_inside_its_own_anchor_is_refused():
    with pytest.raises(socval.ScenarioError, match=r"t\.yaml:2:10: the alias '\*m' is inside the value its anchor "
                                                   r"'&m' names"):
        read("metadata: &m\n  name: [*m]\n")


# --- Boost.Math at the sampling boundary --------------------------------------------------------------------------

@pytest.mark.parametrize("alpha, beta", [(1e-20, 0.5), (0.5, 1e300), (1e-300, 1.0)])
def test_beta_quantile_failures_are_sampling_errors(alpha, beta):
    d = sampling.Distribution("beta", {"alpha": alpha, "beta": beta, "min": 0, "max": 1})
    with pytest.raises(socval.SamplingError, match=r"beta\(.*\): the quantile at u = [\d.e-]+ cannot be computed "
                                                   r"in double precision \(.*ibeta"):
        d.quantile(np.array([0.25, 0.7]))
    with pytest.raises(socval.SamplingError, match=r"draw \d+: beta.*; seed 3, sampler mc, 100 draws reproduce it"):
        sampling.sample(d, 3, "x", 100)


def test_pert_shape_beyond_double_precision_is_refused_at_construction():
    with pytest.raises(socval.SamplingError, match=r"pert\(min, mode, max, lambda\): expected a shape whose "
                                                   r"quantiles can be computed in double precision, found "
                                                   r"alpha=1, beta=1e\+300"):
        sampling.Distribution("pert", {"min": 0, "mode": 0, "max": 1, "lambda": 1e300})


SIM = """metadata: {name: extreme beta, price_base_year: 2024, horizon: 3}
priorities: [{id: p, pillar: social}]
outcomes:
  - {id: o, unit: u, value: 1, priorities: {p: 1}}
options:
  - id: a
    lever: commissioning
    costs: [{year: 0, capital: 1}]
    outputs:
      o: {dist: beta, alpha: 1.0e-20, beta: 0.5, min: 0, max: 10}
scenario: {funded: [a]}
"""


def test_simulation_names_the_parameter_draw_and_seed():
    sc = socval.scenario_from_yaml(SIM)
    with pytest.raises(socval.SamplingError) as info:
        socval.simulate(sc, draws=64, seed=11, progress=False)
    msg = str(info.value)
    assert "parameter 'options.a.outputs.o.amount', draw " in msg
    assert "cannot be computed in double precision" in msg and "seed 11, sampler lhs, 64 draws reproduce it" in msg


def test_a_report_of_a_scenario_without_flows_has_an_empty_sankey():
    # example.yaml funds its option from year 10 of a 10-year horizon: no value flows ("socval report" said
    # "error: value" when pandas dropped the column of the empty table).
    from pathlib import Path
    from socval.plots.charts import sankey_flows
    flows = sankey_flows(socval.load_scenario(Path(__file__).resolve().parents[2] / "example.yaml"))
    assert flows.empty and list(flows.columns) == ["option", "lever", "priority", "pillar", "value"]
