"""Issue 18, item 5 (part): parameter ids read as the outcomes' and options' names in the CLI rankings and the
report's tornado and Sobol charts (ids only with --ids / labels=False)."""
from pathlib import Path

import socval as sv
from socval.cli.app import main
from socval.model.labels import parameter_name, parameter_names

WOE = Path(__file__).resolve().parents[2] / "scenarios" / "west-of-england" / "baseline.yaml"


def test_parameter_name_forms():
    names = {"households_supported": "Households supported", "people_less_lonely": "People less lonely",
             "retrofit": "Home retrofit", "homes": "Homes retrofitted"}
    assert (parameter_name("links.households_supported->people_less_lonely.coefficient", names)
            == "Households supported -> People less lonely: link coefficient")
    assert parameter_name("outcomes.people_less_lonely.value.per_unit", names) == "People less lonely: value per unit"
    assert parameter_name("options.retrofit.outputs.homes.amount", names) == "Home retrofit: output of homes retrofitted"
    assert (parameter_name("options.retrofit.costs[1].capital", names, {"retrofit": [0, 2]})
            == "Home retrofit: capital cost, year 2")
    assert parameter_name("somewhere.else", names) == "somewhere.else"
    assert parameter_name("value:wellby", names) == "Value of a WELLBY (library)"
    assert (parameter_name("value:hs_gp_appointment", names, unit_values={"hs_gp_appointment": "NHS cost of a GP "
                           "appointment slot (GP, nurse or other)"}) == "NHS cost of a GP appointment slot (library unit value)")
    assert parameter_name("value:other_thing", names) == "Unit value other thing (library unit value)"


def test_every_parameter_of_the_baseline_has_a_name_without_ids():
    sc = sv.load_scenario(WOE)
    names = parameter_names(sc)
    assert set(names) == {p.id for p in sc.core.parameters}
    for pid, name in names.items():
        assert "->" not in name or " -> " in name
        assert "_" not in name.split(":")[0], (pid, name)  # the subject is a name, not an id


def test_tornado_cli_names_and_ids(capsys):
    assert main(["sensitivity", str(WOE), "--method", "tornado", "--top", "3"]) == 0
    out = capsys.readouterr().out
    sc = sv.load_scenario(WOE)
    top = sv.sensitivity.scenario_sensitivity(sc, method="tornado")["input"].head(3)
    names = parameter_names(sc)
    assert all(names[p] in out for p in top) and "links." not in out and "e-0" not in out
    assert main(["sensitivity", str(WOE), "--method", "tornado", "--top", "3", "--ids"]) == 0
    out = capsys.readouterr().out
    assert all(p in out for p in top)


def test_priority_chart_labels_are_names():
    from socval.plots import charts
    res = sv.load_scenario(WOE).simulate(draws=100, seed=1, progress=False)
    fig = charts.by_priority(res)
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert "Good jobs and skills\n(economic)" in ticks
    assert not any(t.startswith("good_jobs") for t in ticks)


def test_sankey_labels_are_names():
    from socval.plots import charts
    fig = charts.sankey(sv.load_scenario(WOE))
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert any(t.startswith("Skills and employment") or t.startswith("Skills") for t in texts), texts[:5]
    assert not any(t.startswith("skills_employment") for t in texts)


def test_fan_chart_title_names_the_outcome():
    from socval.plots import charts
    res = sv.load_scenario(WOE).simulate(draws=100, seed=1, progress=False)
    title = charts.fan(res, node="residents_warmer").axes[0].get_title()
    assert title.startswith("Residents living in warmer homes by year")
