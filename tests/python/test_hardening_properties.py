"""Properties of socval's Python face under hostile input (issue 22, item 4): any text either loads or raises a
socval.SocvalError, never another exception; evaluating a scenario gives finite numbers or raises."""
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import socval

ROOT = Path(__file__).resolve().parents[2]
COMPLETE = (ROOT / "tests" / "data" / "scenarios" / "complete.yaml").read_text(encoding="utf-8")
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def load(text: str):
    return socval.scenario_from_yaml(text, name="fuzz.yaml", base_dir="/nonexistent-hypothesis-dir")


def mutate(text: str, data) -> str:
    """complete.yaml with a few lines deleted, duplicated, cut or replaced by arbitrary text."""
    lines = text.splitlines(keepends=True)
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(lines) - 1))
        op = data.draw(st.sampled_from(["delete", "duplicate", "cut", "replace", "insert"]))
        if op == "delete" and len(lines) > 1:
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "cut":
            lines[i] = lines[i][: data.draw(st.integers(0, len(lines[i])))]
        else:
            junk = data.draw(st.text(max_size=40))
            if op == "replace":
                lines[i] = junk + "\n"
            else:
                lines.insert(i, junk)
    return "".join(lines)


@SETTINGS
@given(st.text(max_size=300))
def test_any_text_loads_or_raises_a_socval_error(text):
    try:
        load(text)
    except socval.SocvalError:
        pass


@SETTINGS
@given(st.data())
def test_any_mutation_of_a_scenario_loads_or_raises_a_socval_error(data):
    try:
        load(mutate(COMPLETE, data))
    except socval.SocvalError:
        pass


NUMBER = re.compile(r"(?<=: )-?\d+(\.\d+)?(?=\s|,|}|$)", re.M)
MAGNITUDES = st.one_of(st.floats(allow_nan=False, allow_infinity=False),
                       st.sampled_from([0.0, -1.0, 1e300, -1e300, 1e-300, 5e15, 1e9]))


RATIOS = ("bcr", "sroi")


def finite_everywhere(appraisal) -> bool:
    """Every number of the deterministic appraisal (headline and tables) is finite; a ratio (BCR, SROI) may be
    NaN ("not defined") only where its denominator, a cost, is zero."""
    h = appraisal.headline
    for key, v in h.items():
        if not math.isfinite(float(v)) and not (key in RATIOS and (h["pv_costs"] == 0 or h["pv_investment"] == 0)):
            return False
    for table in (appraisal.by_priority, appraisal.by_beneficiary, appraisal.by_option, appraisal.totals):
        numeric = table.select_dtypes(include=[np.number])
        for column in numeric.columns:
            bad = ~np.isfinite(numeric[column].to_numpy(dtype=float))
            if column in RATIOS and "pv_costs" in numeric.columns:
                bad &= numeric["pv_costs"].to_numpy(dtype=float) != 0
            if bad.any():
                return False
    return True


# The Boost.Math overflow on extreme PERT / beta parameters found by fuzzing
# (tests/data/fuzz-crashes/scenario_reader/pert-overflow-boost-math.yaml) is now a located ScenarioError.
@SETTINGS
@given(st.data())
def test_evaluate_gives_finite_numbers_or_raises(data):
    """Numbers of complete.yaml replaced by arbitrary finite ones (tiny, huge, negative): the appraisal is finite
    everywhere, or a SocvalError refuses the scenario."""
    matches = list(NUMBER.finditer(COMPLETE))
    text = COMPLETE
    for m in sorted(data.draw(st.lists(st.sampled_from(matches), min_size=1, max_size=3, unique_by=lambda m: m.start())),
                    key=lambda m: -m.start()):
        text = text[:m.start()] + repr(data.draw(MAGNITUDES)) + text[m.end():]
    try:
        appraisal = load(text).evaluate()
    except socval.SocvalError:
        return
    assert finite_everywhere(appraisal), text


def test_fuzz_crashes_of_the_scenario_reader_are_located_errors():
    """Every crash the scenario-reader fuzzer found is a regression test: it now raises a located ScenarioError."""
    crashes = sorted((Path(__file__).resolve().parents[1] / "data" / "fuzz-crashes" / "scenario_reader").glob("*"))
    assert crashes
    for path in crashes:
        with pytest.raises(socval.ScenarioError, match=r":\d+:\d+: "):
            socval.load_scenario(path).evaluate()
