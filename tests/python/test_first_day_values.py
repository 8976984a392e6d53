"""Issue 18, item 10 (the CLI part): `socval values` lists every table with source and licence within 100
columns, and `--id` shows a table (optimism_bias, wellby, ...) as well as a unit value."""
import json

from socval.cli.app import main

TABLES = ("carbon", "gdp_deflator", "optimism_bias", "qaly", "stpr", "unit_values", "wellby")


def test_listing_names_every_table_and_fits(capsys):
    assert main(["values"]) == 0
    out = capsys.readouterr().out
    for t in TABLES:
        assert any(line.startswith(t + " ") for line in out.splitlines()), t
    assert "OGL v3.0" in out
    assert max(len(line) for line in out.splitlines()) <= 100


def test_id_shows_a_table(capsys):
    assert main(["values", "--id", "optimism_bias"]) == 0
    out = capsys.readouterr().out
    assert "Optimism Bias" in out and "standard_buildings" in out and "capital: 0.24" in out
    assert main(["values", "--id", "wellby", "--json"]) == 0
    entry = json.loads(capsys.readouterr().out)
    assert entry["table"] == "wellby" and entry["licence"].startswith("Open Government Licence")
    assert "provenance" not in entry["contents"]


def test_unknown_id_lists_tables_and_values(capsys):
    assert main(["values", "--id", "nope"]) == 2
    err = capsys.readouterr().err
    assert "optimism_bias" in err and "hw_wb_volunteering" in err


# ---- issue 18, item 10: unit values a trust or council needs (library 2.1.0) ------------------------------------

import pytest

import socval

#: id -> (central GBP per unit as published, price base year, unit) of the unit values added in library 2.1.0.
NEW_UNIT_VALUES = {
    "hs_ae_attendance_admitted": (138, 2013, "GBP per attendance"),
    "hs_ae_attendance_discharged": (114, 2013, "GBP per attendance"),
    "hs_urgent_care_centre_visit": (67, 2013, "GBP per visit"),
    "hs_walk_in_centre_visit": (46, 2013, "GBP per visit"),
    "hs_gp_appointment": (30, 2018, "GBP per appointment"),
    "crm_ho_homicide": (3_200_000, 2015, "GBP per offence"),
    "crm_ho_rape": (39_360, 2015, "GBP per offence"),
    "crm_ho_theft_of_vehicle": (10_290, 2015, "GBP per offence"),
    "crm_ho_arson": (8_420, 2015, "GBP per offence"),
    "crm_ho_other_sexual": (6_520, 2015, "GBP per offence"),
    "crm_ho_criminal_damage": (1_350, 2015, "GBP per offence"),
    "crm_ho_theft_from_vehicle": (870, 2015, "GBP per offence"),
    "crm_ho_cyber": (550, 2015, "GBP per offence"),
    "env_aq_pm25_road": (130_884, 2022, "GBP per tonne PM2.5"),
    "emp_neet_18_24": (4_257, 2010, "GBP per person per year"),
    "emp_neet_lifetime": (64_483, 2010, "GBP per person (lifetime)"),
    "hw_culture_arts_engagement": (1_084, 2011, "GBP per person per year"),
    "hw_culture_library": (1_359, 2011, "GBP per person per year"),
    "hw_sport_participation": (1_127, 2011, "GBP per person per year"),
}

#: HM Treasury GDP deflator at market prices, 2024 = 100 (December 2025 Quarterly National Accounts; data/
#: gdp_deflator.yaml): the known answers of the rebasing below.
HMT_DEFLATOR = {2010: 69.1217, 2011: 70.834, 2013: 73.4795, 2015: 75.1536, 2018: 79.1606, 2022: 90.5005, 2024: 100.0}


@pytest.mark.parametrize("uid", sorted(NEW_UNIT_VALUES))
def test_new_unit_value_loads_with_its_provenance(uid):
    central, year, unit = NEW_UNIT_VALUES[uid]
    lib = socval.values.default_library()
    u = lib.unit_value_entry(uid)
    p = u.provenance
    assert (u.low, u.central, u.high) == (central, central, central)  # no range published: the notes say so
    assert "No range published" in p.notes
    assert u.unit == unit and p.price_base_year == year
    assert u.description and p.source and p.vintage and p.url.startswith("https://")
    # an open licence (OGL, CC BY); one not verified first-hand makes the value illustrative
    assert "OGL v3.0" in p.licence or "CC BY 4.0" in p.licence
    if "NOT VERIFIED" in p.licence or "not seen" in p.licence:
        assert u.illustrative and p.notes.startswith("ILLUSTRATIVE")


@pytest.mark.parametrize("uid", ["hs_ae_attendance_admitted", "hs_gp_appointment", "crm_ho_homicide",
                                 "env_aq_pm25_road", "emp_neet_18_24", "hw_sport_participation"])
def test_new_unit_value_is_rebased_with_the_gdp_deflator(uid):
    central, year, _ = NEW_UNIT_VALUES[uid]
    expected = central * HMT_DEFLATOR[2024] / HMT_DEFLATOR[year]  # value x deflator[to] / deflator[from]
    assert socval.values.unit_value(uid, "central", price_base=2024) == pytest.approx(expected, rel=1e-12)
    assert socval.values.unit_value(uid, "high", price_base=year) == pytest.approx(central, rel=1e-12)
    assert socval.values.unit_value(uid, "low", price_base=2022) == \
        pytest.approx(central * HMT_DEFLATOR[2022] / HMT_DEFLATOR[year], rel=1e-12)


def test_new_unit_values_are_listed_and_shown(capsys):
    assert main(["values"]) == 0
    out = capsys.readouterr().out
    for uid in NEW_UNIT_VALUES:
        assert uid in out, uid
    assert max(len(line) for line in out.splitlines()) <= 100
    assert main(["values", "--id", "hs_ae_attendance_admitted"]) == 0
    out = capsys.readouterr().out
    assert "NHS Reference Costs 2013 to 2014" in out and "OGL v3.0" in out and "2013" in out
    assert main(["values", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["version"] == "2.1.0"
    assert data["unit_values"]["hs_gp_appointment"]["illustrative"] is True
    assert data["unit_values"]["hs_ae_attendance_admitted"]["vintage"].startswith("2013-14 reference costs")
