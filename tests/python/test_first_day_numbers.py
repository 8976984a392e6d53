"""Issue 18, item 6: one number style for the terminal (socval._util.numbers) and the CLI tables that use it."""
import math

import numpy as np
import pandas as pd
import pytest

import socval as sv
from socval._util import numbers as nb
from socval.cli.app import main

BASELINE = "scenarios/west-of-england/baseline.yaml"


def test_money_scales_and_round_off():
    assert nb.money(9.00268e6) == "GBP 9.00m"
    assert nb.money(602363) == "GBP 602.4k"
    assert nb.money(412.4) == "GBP 412"
    assert nb.money(-1.14087e-09) == "GBP 0"          # round-off is 0, never -1.14e-09
    assert nb.money(-1.14087e-09, "m") == "GBP 0m"
    assert nb.money(-2000, "m") == "GBP 0.00m"       # small, not zero: no sign, not '0'
    assert nb.money(float("nan")) == "n/a"


def test_ratio_count_probability():
    assert nb.ratio(0.32099999999999995) == "0.32"  # the README's round-off
    assert nb.ratio(1.0245) == "1.02"
    assert nb.ratio(math.inf) == "n/a"
    assert nb.count(404166666.7) == "404,166,667"
    assert nb.count(4.48356) == "4.5"
    assert nb.count(5750.0) == "5,750"
    assert nb.probability(0.9815) == "0.98"


def test_table_has_one_money_scale_and_fits_width():
    df = pd.DataFrame({"value": [1.2e7, 3.4e5, 0.0], "bcr": [1.5, 0.25, np.nan], "P(>0)": [1.0, 0.5, 0.0]},
                      index=pd.Index(["a" * 60, "b", "c"], name="option"))
    text, scale = nb.format_table(df, {"bcr": "ratio"}, ["value"])
    assert scale == "m"
    assert list(text["value"]) == ["12.00", "0.34", "0"]
    assert list(text["bcr"]) == ["1.50", "0.25", "n/a"]
    wide = pd.DataFrame(np.arange(60.0).reshape(2, 30) * 1e6, columns=[f"column_{i}" for i in range(30)])
    out = nb.text_table(wide)
    assert max(len(line) for line in out.splitlines()) <= nb.WIDTH


def test_ranking_top_note():
    df = pd.DataFrame({"swing": np.arange(10.0, 0, -1)})
    shown, note = nb.top(df, 3)
    assert len(shown) == 3 and "7 more not shown" in note
    assert nb.top(df, 30) == (df, "") or nb.top(df, 30)[1] == ""


def _lines(capsys):
    out = capsys.readouterr().out
    return out, out.splitlines()


def test_evaluate_prints_one_style_within_100_columns(capsys):
    assert main(["evaluate", BASELINE]) == 0
    out, lines = _lines(capsys)
    assert max(len(line) for line in lines) <= 100
    assert "GBP m, 2024 prices, present values" in out
    assert "e+0" not in out and "e-0" not in out         # no scientific notation
    bcr = sv.load_scenario(BASELINE).evaluate().bcr
    assert f"  BCR           {bcr:>12.2f}" in out


def test_summary_p_gt_1_for_ratios(tmp_path, capsys):
    out_file = tmp_path / "r.h5"
    assert main(["run", BASELINE, "--draws", "200", "--out", str(out_file), "--no-progress"]) == 0
    capsys.readouterr()
    assert main(["summary", str(out_file)]) == 0
    out, lines = _lines(capsys)
    assert max(len(line) for line in lines) <= 100
    assert "P(>1)" in out and "e+0" not in out
    import socval as sv
    res = sv.load_results(out_file)
    bcr = res.draws("bcr")
    ratios = out[out.index("Ratios"):].splitlines()
    row = next(line for line in ratios if line.startswith("bcr"))
    assert row.split()[-1] == f"{np.mean(bcr > 1):.2f}"


def test_tornado_top(capsys):
    assert main(["sensitivity", BASELINE, "--method", "tornado", "--top", "5"]) == 0
    out, lines = _lines(capsys)
    assert max(len(line) for line in lines) <= 100
    ranks = [line.split()[0] for line in lines if line[:1].isdigit()]
    assert ranks == ["1", "2", "3", "4", "5"]
    assert "more not shown" in out


def test_checklist_table_wraps_to_100_columns():
    """`socval check` prints findings within 100 columns: prose wrapped under its label, a long key on its own
    line, ids never split."""
    from socval.review.findings import Finding, Findings

    key = "links.apprenticeship_starts->apprentice_qualifications.coefficient"
    found = ("100% of PV benefits rests on 67 illustrative inputs; largest: "
             "options.business_growth.outputs.businesses_supported.amount (GBP 16.4m), " * 3)
    f = Finding("EV004", "warning", "scenarios/west-of-england/outcomes.yaml", 487, 18, key, found,
                "Green Book 2022 Annex A5", "source the largest illustrative inputs first")
    text = Findings([f], subject="x.yaml").table(width=100)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 100
    assert f"         key:    {key}" in lines
    assert text.count("options.business_growth.outputs.businesses_supported.amount") == 3
    start = next(i for i, line in enumerate(lines) if line.startswith("         found:  "))
    end = next(i for i, line in enumerate(lines) if line.startswith("         basis:  "))
    assert " ".join(line[17:] for line in lines[start:end]) == " ".join(found.split())  # the words, in order
    assert Findings([f]).table().splitlines()[1].endswith(key)  # no width: one line per field, as before
