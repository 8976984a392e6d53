"""Issue 18, item 7: `socval voi` (EVPI, EVPPI ranking for one scenario or a comparison), saying why every EVPPI
is zero, ranked by EVPPI then name."""
import json
from pathlib import Path

import numpy as np
import pytest

from socval.cli.app import main
from socval.sensitivity import voi
from socval.sensitivity.scenario import DO_NOTHING, scenario_evppi

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "portfolio"
WOE = ROOT / "scenarios" / "west-of-england"


def test_ranking_ties_by_name():
    rng = np.random.default_rng(1)
    nb = np.column_stack([np.ones(300), np.zeros(300)])  # option 0 best in every draw: EVPI 0
    table = voi.evppi_ranking(nb, {"b": rng.normal(size=300), "a": rng.normal(size=300), "c": rng.normal(size=300)})
    assert list(table.index) == ["a", "b", "c"]
    assert (table["evppi"] == 0).all()


def test_why_zero_names_the_winner_when_no_decision_uncertainty():
    nb = np.column_stack([np.full(50, 2.0), np.ones(50)])
    note = voi.why_zero(nb, ["clinic", "jobs"], [0.0, 0.0])
    assert "no decision uncertainty" in note and "clinic" in note and "50 draws" in note
    assert voi.why_zero(nb, ["clinic", "jobs"], [0.0, 1.0]) == ""
    mixed = np.column_stack([np.tile([2.0, 0.0], 25), np.ones(50)])
    assert "best option changes between draws" in voi.why_zero(mixed, ["a", "b"], [0.0])


def test_one_scenario_is_fund_or_do_nothing():
    table = scenario_evppi([str(WOE / "baseline.yaml")], draws=400, seed=2)
    assert table.attrs["scenarios"][1] == DO_NOTHING
    assert table.attrs["evpi"] > 0
    # the baseline's decision uncertainty is shared by many inputs (docs/west-of-england.md): either one input's
    # EVPPI is positive and no note is needed, or every EVPPI is zero and the note says why
    if table["evppi"].iloc[0] > 0:
        assert table.attrs["note"] == ""
    else:
        assert "no single parameter learnt on its own" in table.attrs["note"]
    ev = table["evppi"].to_numpy()
    assert np.all(ev[:-1] >= ev[1:])


def test_cli_voi_explains_all_zero(capsys):
    files = [str(DATA / "clinic_only.yaml"), str(DATA / "jobs_only.yaml")]
    assert main(["voi", *files, "--draws", "200"]) == 0
    out = capsys.readouterr().out
    assert "Every EVPPI is zero because there is no decision uncertainty" in out
    assert max(len(line) for line in out.splitlines()) <= 100
    assert main(["voi", *files, "--draws", "200", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["evpi"] == 0 and "no decision uncertainty" in payload["note"]


def test_cli_voi_top(capsys):
    assert main(["voi", str(WOE / "baseline.yaml"), "--draws", "300", "--top", "3"]) == 0
    out = capsys.readouterr().out
    assert [line.split()[0] for line in out.splitlines() if line[:1].isdigit()] == ["1", "2", "3"]
    assert "more not shown" in out
