"""Issue 18, item 10 (spreadsheets in): the workbook template converts to and from scenario YAML (round trip),
and its errors cite Sheet!Cell."""
import pytest

openpyxl = pytest.importorskip("openpyxl")

import socval as sv
from socval.cli.app import main
from socval.model.workbook import SHEETS, document_from_workbook, workbook_from_document


@pytest.fixture()
def template(tmp_path):
    assert main(["init", str(tmp_path / "t")]) == 0
    return tmp_path / "t"


def test_round_trip_gives_the_same_appraisal(template, tmp_path):
    for name in ("scenario-a.yaml", "scenario-b.yaml"):
        sc = sv.load_scenario(template / name)
        book = workbook_from_document(sc.document, tmp_path / f"{name}.xlsx")
        assert openpyxl.load_workbook(book).sheetnames == list(SHEETS)
        back = sv.scenario_from_dict(document_from_workbook(book))
        a, b = sc.evaluate(), back.evaluate()
        assert (a.npsv, a.headline.pv_costs, a.headline.pv_benefits) == (b.npsv, b.headline.pv_costs, b.headline.pv_benefits)
        # and back to a workbook: the same cells
        again = workbook_from_document(back.document, tmp_path / f"{name}-2.xlsx")
        for sheet in SHEETS:
            rows1 = list(openpyxl.load_workbook(book)[sheet].iter_rows(values_only=True))
            rows2 = list(openpyxl.load_workbook(again)[sheet].iter_rows(values_only=True))
            assert rows1 == rows2, sheet


def test_cli_convert_both_ways(template, tmp_path, capsys):
    assert main(["convert", str(template / "scenario-a.yaml"), str(tmp_path / "a.xlsx")]) == 0
    assert main(["convert", str(tmp_path / "a.xlsx"), str(tmp_path / "a.yaml")]) == 0
    assert main(["validate", str(tmp_path / "a.yaml")]) == 0


def test_errors_cite_sheet_and_cell(template, tmp_path, capsys):
    book = workbook_from_document(sv.load_scenario(template / "scenario-a.yaml").document, tmp_path / "a.xlsx")
    wb = openpyxl.load_workbook(book)
    wb["Costs"]["C2"] = "1,000,000"          # a thousands separator in text
    wb["Outputs"]["A3"] = "employment_suport"  # a misspelt option
    wb.save(book)
    with pytest.raises(sv.ScenarioError, match=r"Costs!C2: capital: expected a number \(without thousands "
                                               r"separators\)"):
        document_from_workbook(book)
    wb["Costs"]["C2"] = None
    wb["Costs"]["D2"] = 500000
    wb.save(book)
    with pytest.raises(sv.ScenarioError, match=r"Outputs!A3: option: expected an id of the Options sheet"):
        document_from_workbook(book)
    assert main(["convert", str(book), str(tmp_path / "x.yaml")]) == 2
    assert "Outputs!A3" in capsys.readouterr().err
    assert not (tmp_path / "x.yaml").exists()
