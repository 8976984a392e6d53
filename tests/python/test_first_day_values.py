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
