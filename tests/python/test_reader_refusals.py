"""The scenario reader refuses what it cannot read exactly (issue 22 item 2, issue 18 item 1), and the engine's
numbers are finite or refused (issue 22 item 1): one located-error test per refusal. Each refusal is documented in
docs/formats/scenario.md ("What the reader refuses").
"""
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

import socval
from socval._core import model

SCENARIOS = Path(__file__).resolve().parents[1] / "data" / "scenarios"
REFUSED = SCENARIOS / "refused"
LIB = socval.values.default_library()

META = "metadata: {name: m, price_base_year: 2023, horizon: 5}\n"
FRAME = (
    META
    + "priorities:\n  - {id: p1, pillar: social}\n"
    + "outcomes:\n  - {id: a, unit: u, value: 10, priorities: {p1: 1}}\n  - {id: b, unit: u}\n"
)  # 6 lines: the options section starts on line 7


def read(text: str, **kw):
    return model.read_scenario_text(text, "t.yaml", str(SCENARIOS), LIB, **kw)


def error(text, **kw) -> str:
    with pytest.raises(socval.ScenarioError) as info:
        if isinstance(text, bytes):
            text = text.decode("utf-8", "surrogateescape")
        read(text, **kw)
    return str(info.value)


def option(body: str, funded: str = "[o1]") -> str:
    """FRAME plus one option written on line 8 and the funded list on line 9."""
    return FRAME + "options:\n  - " + body + "\nscenario: {funded: " + funded + "}\n"


def file_error(path, **kw) -> str:
    with pytest.raises(socval.ScenarioError) as info:
        model.read_scenario(str(path), LIB, **kw)
    return str(info.value)


def test_the_frame_reads():
    sc = read(option("{id: o1, lever: anchor, costs: [{year: 0, capital: 100}], outputs: {a: 1}}"))
    assert sc.options[0].id == "o1"


# -- numbers with thousands separators --------------------------------------------------------------------------

def test_thousands_separator_in_a_flow_map():
    msg = error(option("{id: o1, lever: anchor, costs: [{year: 0, revenue: 200,000}]}"))
    assert "t.yaml:8:56" in msg
    assert "'200,000' is written with thousands separators" in msg and "200000" in msg


def test_thousands_separators_twice_in_a_flow_map_are_not_a_duplicate_key():
    msg = error(option("{id: o1, lever: anchor, costs: [{year: 0, capital: 1,000,000}]}"))
    assert "t.yaml:8:56" in msg and "'1,000,000'" in msg and "1000000" in msg
    assert "twice" not in msg


def test_thousands_separator_in_a_flow_list():
    text = option("{id: o1, lever: anchor, costs: [{year: 0, capital: {dist: discrete, values: [1,000,000, 2], "
                  "probs: [0.5, 0.5]}}]}")
    msg = error(text)
    assert "t.yaml:8:82" in msg and "'1,000,000'" in msg and "1000000" in msg


def test_thousands_separator_in_block_style():
    text = FRAME + "options:\n  - id: o1\n    lever: anchor\n    costs:\n      - year: 0\n        capital: 1,500,000\n"
    msg = error(text)
    assert "t.yaml:12:18: options.o1.costs[0].capital" in msg
    assert "thousands separators" in msg and "1500000" in msg


# -- unknown keys whatever their value --------------------------------------------------------------------------

def test_misspelt_empty_key_is_unknown():
    text = FRAME + "options:\n  - id: o1\n    lever: anchor\n    descripton:\n"
    msg = error(text)
    assert "t.yaml:10:5: options.o1.descripton: unknown key 'descripton'" in msg
    assert "did you mean 'description'" in msg


def test_misspelt_empty_key_in_metadata_is_unknown():
    msg = error("metadata:\n  name: m\n  price_base_year: 2023\n  horizon: 5\n  horzion:\n")
    assert "t.yaml:5:3: metadata.horzion: unknown key 'horzion'" in msg


def test_output_without_an_amount():
    msg = error(option("{id: o1, lever: anchor, outputs: {a: }}"))
    assert "t.yaml:8:39: options.o1.outputs.a" in msg and "found nothing" in msg


# -- years: horizon and calendar years --------------------------------------------------------------------------

def test_cost_year_outside_the_horizon():
    msg = error(option("{id: o1, lever: anchor, costs: [{year: 5, capital: 100}]}"))
    assert "t.yaml:8:44: options.o1.costs[0].year" in msg
    assert "outside the appraisal horizon of 5 years" in msg and "to 4" in msg


def test_start_pushes_a_cost_year_outside_the_horizon():
    msg = error(option("{id: o1, lever: anchor, costs: [{year: 3, capital: 100}]}",
                       funded="[{option: o1, start: 2}]"))
    assert "t.yaml:9:21: scenario.funded.o1" in msg
    assert "falls in appraisal year 5, outside the horizon of 5 years" in msg


def test_calendar_year_for_a_cost_year():
    msg = error(option("{id: o1, lever: anchor, costs: [{year: 2029, capital: 100}]}"))
    assert "t.yaml:8:44: options.o1.costs[0].year" in msg
    assert "looks like a calendar year" in msg and "(year 0) is 2023" in msg and "2029 is year 6" in msg


def test_calendar_year_with_a_declared_first_year():
    text = option("{id: o1, lever: anchor, costs: [{year: 2026, capital: 100}]}").replace(
        "horizon: 5}", "first_year: 2025, horizon: 5}")
    msg = error(text)
    assert "(year 0) is 2025, so 2026 is year 1" in msg


def test_calendar_year_for_a_start():
    msg = error(option("{id: o1, lever: anchor}", funded="[{option: o1, start: 2025}]"))
    assert "t.yaml:9:41: scenario.funded.o1.start" in msg and "calendar year" in msg


# -- the document: one mapping, read exactly ---------------------------------------------------------------------

def test_indented_first_key():
    msg = file_error(REFUSED / "indented_first_key.yaml")
    assert "indented_first_key.yaml:1:3" in msg and "first key is indented by 2 spaces" in msg


def test_second_document():
    msg = error(option("{id: o1, lever: anchor}") + "---\nmetadata: {name: other}\n")
    assert "t.yaml:10:1" in msg and "second YAML document" in msg


def test_duplicate_key():
    msg = error(option("{id: o1, lever: anchor, lever: employer}"))
    assert "t.yaml:8:29" in msg and "given twice" in msg


def test_merge_key():
    text = FRAME + "options:\n  - &base {id: o1, lever: anchor}\n  - {<<: *base, id: o2}\n"
    msg = error(text)
    assert "t.yaml:9:6" in msg and "merge keys (<<) are not read" in msg


def test_anchor_defined_twice():
    text = FRAME + "options:\n  - {id: o1, lever: &l anchor}\n  - {id: o2, lever: &l employer}\n  - {id: o3, lever: *l}\n"
    msg = error(text)
    assert "t.yaml:9:21" in msg and "anchor '&l' is defined a second time (first at line 8)" in msg


def test_str_tag_on_a_number():
    msg = error(option("{id: o1, lever: anchor, costs: [{year: 0, capital: !!str 9500}]}"))
    assert "t.yaml:8:56" in msg and "found the tag '!!str'" in msg and 'quote it: "9500"' in msg


def test_unknown_tag():
    msg = error(option("{id: o1, lever: !custom anchor}"))
    assert "t.yaml:8:21" in msg and "found the tag '!custom'" in msg


@pytest.mark.parametrize("char, what", [("\x01", "control character 0x01"), ("\x7f", "control character 0x7F"),
                                        ("\x00", "control character 0x00")])
def test_control_characters(char, what):
    msg = error(option("{id: o1, name: ab" + char + "c, lever: anchor}"))
    assert "t.yaml:8:22" in msg and what in msg


def test_invalid_utf8_in_a_file(tmp_path):
    f = tmp_path / "s.yaml"
    f.write_bytes(option("{id: o1, name: ab\xffc, lever: anchor}").encode("latin-1"))
    msg = file_error(f)
    assert "s.yaml:8:22" in msg and "not valid UTF-8" in msg


@pytest.mark.parametrize("char, what", [("\u0085", "U+0085 (NEL"), ("\u2028", "line separator U+2028"),
                                        ("\u2029", "paragraph separator U+2029")])
def test_unicode_line_breaks_in_names(char, what):
    msg = error(option("{id: o1, name: ab" + char + "c, lever: anchor}"))
    assert "t.yaml:8:22" in msg and what in msg


# -- files -------------------------------------------------------------------------------------------------------

@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_fifo_as_scenario_file(tmp_path):
    fifo = tmp_path / "s.yaml"
    os.mkfifo(fifo)
    msg = file_error(fifo)
    assert str(fifo) in msg and "not a regular file" in msg


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_fifo_as_included_file(tmp_path):
    os.mkfifo(tmp_path / "part.yaml")
    top = tmp_path / "top.yaml"
    top.write_text("include: [part.yaml]\n" + META)
    msg = file_error(top)
    assert "top.yaml:1:11: include[0]" in msg and "part.yaml" in msg and "not a regular file" in msg


def test_directory_as_scenario_file(tmp_path):
    msg = file_error(tmp_path)
    assert str(tmp_path) in msg and "it is a folder" in msg


def test_device_as_extended_file(tmp_path):
    top = tmp_path / "top.yaml"
    top.write_text("allow_outside: true\nextends: /dev/zero\n")
    msg = file_error(top)
    assert "top.yaml:2:10: extends" in msg and "/dev/zero" in msg and "not a regular file" in msg


def test_symlink_loop(tmp_path):
    (tmp_path / "loop.yaml").symlink_to(tmp_path / "loop.yaml")
    top = tmp_path / "top.yaml"
    top.write_text("include: loop.yaml\n" + META)
    msg = file_error(top)
    assert "top.yaml:1:10: include" in msg and "loop.yaml" in msg


def test_over_long_path(tmp_path):
    top = tmp_path / "top.yaml"
    top.write_text("include: " + "x" * 5000 + ".yaml\n" + META)
    msg = file_error(top)
    assert "top.yaml:1:10: include" in msg and len(msg) < 1000


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file(tmp_path):
    f = tmp_path / "s.yaml"
    f.write_text(META)
    f.chmod(0)
    msg = file_error(f)
    assert str(f) in msg and "not readable" in msg


def chain(folder: Path, n: int) -> Path:
    """f0 includes f1 includes ... f(n-1), which holds the metadata; returns f0."""
    for i in range(n - 1):
        (folder / f"f{i}.yaml").write_text(f"include: f{i + 1}.yaml\n")
    (folder / f"f{n - 1}.yaml").write_text(META)
    return folder / "f0.yaml"


def test_include_chain_of_5000_files_is_refused_not_a_crash(tmp_path):
    msg = file_error(chain(tmp_path, 5000))
    assert "f63.yaml:1:10: include" in msg and "more than 64 files deep" in msg


def test_include_chain_within_the_limit_reads(tmp_path):
    sc = model.read_scenario(str(chain(tmp_path, 64)), LIB)
    assert sc.meta.name == "m"


# -- library exceptions become typed errors; messages are cut ----------------------------------------------------

@pytest.mark.parametrize("dist", ["{dist: pert, min: 0, mode: 1e-300, max: 1e15, lambda: 1e15}",
                                  "{dist: beta, alpha: 1e15, beta: 1e-300}",
                                  "{dist: beta, alpha: 1e-300, beta: 1e-300}"])
def test_extreme_distribution_parameters_are_scenario_errors(dist):
    text = FRAME + "links:\n  - {from: a, to: b, coefficient: " + dist + "}\n"
    try:
        read(text)
    except socval.ScenarioError as e:
        assert "t.yaml:8:" in str(e) and "links.a->b.coefficient" in str(e)


def test_found_value_is_cut(tmp_path):
    big = tmp_path / "outside" / "big.txt"
    big.parent.mkdir()
    big.write_text("secret " * 20000)
    top = tmp_path / "in" / "top.yaml"
    top.parent.mkdir()
    top.write_text("allow_outside: true\ninclude: ../outside/big.txt\n")
    msg = file_error(top)
    assert "big.txt:1:1" in msg and "bytes)" in msg
    assert msg.count("secret") <= 12 and len(msg) < 600


def test_long_unknown_key_is_cut():
    msg = error(META + "k" * 1000 + ": 1\n")
    assert "unknown key" in msg and len(msg) < 600


# -- confined reading --------------------------------------------------------------------------------------------

def test_confined_refuses_a_file_that_allows_outside():
    msg = file_error(SCENARIOS / "nested" / "escape_allowed.yaml", confined=True)
    assert "escape_allowed.yaml:" in msg and "allow_outside" in msg and "read confined" in msg


def test_confined_wins_over_the_callers_allow_outside():
    msg = file_error(SCENARIOS / "nested" / "escape.yaml", allow_outside=True, confined=True)
    assert "escape.yaml:" in msg and "read confined" in msg


def test_confined_from_python_and_cli():
    with pytest.raises(socval.ScenarioError, match="read confined"):
        socval.load_scenario(SCENARIOS / "nested" / "escape_allowed.yaml", confined=True)
    socval.load_scenario(SCENARIOS / "nested" / "escape_allowed.yaml")  # the file's own allow_outside counts
    run = subprocess.run([sys.executable, "-m", "socval", "validate", "--confined",
                          str(SCENARIOS / "nested" / "escape_allowed.yaml")], capture_output=True, text=True)
    assert run.returncode == 2 and "read confined" in run.stderr


# -- numbers that could overflow ---------------------------------------------------------------------------------

def test_cost_above_the_magnitude_bound():
    msg = error(option("{id: o1, lever: anchor, costs: [{year: 0, capital: 1e16}]}"))
    assert "t.yaml:8:56: options.o1.costs[0].capital" in msg and "at most 1e+15" in msg


def test_scale_above_the_magnitude_bound():
    msg = error(option("{id: o1, lever: anchor}", funded="[{option: o1, scale: 1e300}]"))
    assert "t.yaml:9:41: scenario.funded.o1.scale" in msg and "at most 1e+15" in msg


def test_coefficient_above_the_magnitude_bound():
    msg = error(FRAME + "links:\n  - {from: a, to: b, coefficient: {dist: uniform, min: 0, max: 2e15}}\n")
    assert "t.yaml:8:" in msg and "links.a->b.coefficient.max" in msg and "at most 1e+15" in msg


# -- finite or refused -------------------------------------------------------------------------------------------

SATURATING = (
    META
    + "outcomes:\n  - {id: a, unit: u}\n  - {id: b, unit: u, value: 1}\n"
    + "options:\n  - {id: o1, lever: anchor, costs: [{year: 0, capital: 1}], outputs: {a: -1000}}\n"
    + "links:\n  - {from: a, to: b, coefficient: 2, form: saturating, cap: 10}\n"
    + "scenario: {funded: [o1]}\n"
)


def level(text: str, outcome: int, year: int = 0) -> float:
    from socval._core import engine
    return engine.evaluate(read(text), LIB).level[outcome][year]


def test_negative_input_to_a_saturating_link_is_bounded_by_the_cap():
    # f(x) = -f(-x) for coefficient x < 0 (docs/model/engine.md): -10 (1 - exp(-2000 / 10)) = -10 to 1e-80;
    # before, -10 expm1(200) = -7e87 per year and an NPSV of -inf with larger inputs.
    assert level(SATURATING, 0) == -1000.0
    assert level(SATURATING, 1) == pytest.approx(-10.0, rel=1e-14)
    assert math.isfinite(socval.scenario_from_yaml(SATURATING).evaluate().npsv)


def test_saturating_link_is_odd():
    plus = level(SATURATING.replace("a: -1000", "a: 3"), 1)
    minus = level(SATURATING.replace("a: -1000", "a: -3"), 1)
    assert plus == pytest.approx(10 * (1 - math.exp(-0.6)), rel=1e-14)  # cap (1 - exp(-coefficient x / cap))
    assert minus == -plus


def overflow_chain(links: int = 22) -> str:
    """Outcomes c0 -> c1 -> ... each link multiplying by 1e15: finite inputs, an infinite result."""
    text = META + "outcomes:\n" + "".join(f"  - {{id: c{i}, unit: u, value: 1}}\n" for i in range(links + 1))
    text += "options:\n  - {id: o1, lever: anchor, costs: [{year: 0, capital: 1}], outputs: {c0: 1e15}}\n"
    text += "links:\n" + "".join(f"  - {{from: c{i}, to: c{i + 1}, coefficient: 1e15}}\n" for i in range(links))
    return text + "scenario: {funded: [o1]}\n"


def test_evaluate_refuses_an_infinite_result():
    sc = socval.scenario_from_yaml(overflow_chain())
    with pytest.raises(socval.ScenarioError) as info:
        sc.evaluate()
    msg = str(info.value)
    assert "not finite at the central values" in msg
    assert "outcome 'c20' reaches" in msg and "c19 -> c20" in msg


def test_simulate_refuses_an_infinite_result_naming_the_draw_and_seed():
    text = overflow_chain().replace("coefficient: 1e15}\n", "coefficient: {dist: uniform, min: 9e14, max: 1e15}}\n", 1)
    sc = socval.scenario_from_yaml(text)
    with pytest.raises(socval.ScenarioError) as info:
        sc.simulate(draws=200, seed=7)
    msg = str(info.value)
    assert "not finite at draw 0 of 200" in msg and "seed 7, sampler lhs" in msg
    assert "outcome 'c20' reaches" in msg and "c0->c1.coefficient" in msg


# -- one parse: the document comes from the core -----------------------------------------------------------------

def test_document_is_typed_as_the_reader_types_it():
    text = option("{id: o1, name: '9500', lever: anchor, costs: [{year: 0, capital: 9500, revenue: 2.5e3}]}")
    doc = read(text).document()
    o = doc["options"][0]
    assert o["name"] == "9500" and o["costs"][0]["capital"] == 9500 and isinstance(o["costs"][0]["capital"], int)
    assert o["costs"][0]["revenue"] == 2500.0 and isinstance(o["costs"][0]["revenue"], float)
    assert socval.scenario_from_yaml(text).document == doc
