"""The BCR's two denominators (issue 13, item 5; docs/model/appraisal.md, "Headline metrics"), on the hand-computed
scenario tests/data/bcr/denominators.yaml (the arithmetic is in the file).

Sources: the headline BCR is on public sector cost with costs borne by others counted as negative benefits (HM
Treasury, The Green Book 2026, Table 10, return on public sector cost: (PVB - PVC non-public) / PVC public);
``bcr_all_costs`` divides by every cost to UK society (the Green Book's BCR, PVB / PVC); discounting at
3.5% (HM Treasury, The Green Book 2022, Annex A6).
"""
import copy
from pathlib import Path

import numpy as np
import pytest

import socval
from socval.indicators.headline import BCR_ALL_COSTS, indicators

SCENARIO = Path(__file__).resolve().parents[1] / "data" / "bcr" / "denominators.yaml"


@pytest.fixture(scope="module")
def run():
    return socval.simulate(socval.load_scenario(SCENARIO), draws=3, seed=0, progress=False)


def test_known_answer_in_the_deterministic_evaluation():
    h = socval.load_scenario(SCENARIO).evaluate().headline
    assert h.pv_benefits == pytest.approx(200_000, rel=1e-12)
    assert h.pv_others == pytest.approx(10_000, rel=1e-12)
    assert h.pv_costs == pytest.approx(110_000, rel=1e-12)
    assert h.npsv == pytest.approx(90_000, rel=1e-12)
    assert h.bcr == pytest.approx(1.9, rel=1e-12)                      # public sector cost: the headline
    assert h.bcr_all_costs == pytest.approx(200_000 / 110_000, rel=1e-12)
    assert h.sroi == pytest.approx(200_000 / 110_000, rel=1e-12)
    # NPSV is the public BCR's numerator minus its denominator: third parties' costs are not dropped
    assert (h.pv_benefits - h.pv_others) - (h.pv_costs - h.pv_others) == pytest.approx(h.npsv, rel=1e-12)


def test_known_answer_per_draw_in_results_and_headline_table(run):
    np.testing.assert_allclose(run.draws("bcr"), 1.9, rtol=1e-12)
    np.testing.assert_allclose(run.draws("bcr_all_costs"), 200_000 / 110_000, rtol=1e-12)
    s = run.summary()
    assert s.loc["bcr", "mean"] == pytest.approx(1.9, rel=1e-12)
    assert "bcr_all_costs" in s.index
    ind = indicators(run)
    assert "public sector cost" in ind["BCR"].definition and "all costs" in ind[BCR_ALL_COSTS].definition
    np.testing.assert_allclose(ind[BCR_ALL_COSTS].draws, 200_000 / 110_000, rtol=1e-12)
    text = run.summary_text()
    assert "bcr on public sector cost, the headline" in text


def test_without_costs_to_others_the_two_are_equal():
    doc = copy.deepcopy(socval.load_scenario(SCENARIO).document)
    doc["options"][0].pop("costs_to_others")
    from socval.model.scenario import scenario_from_dict
    h = scenario_from_dict(doc).evaluate().headline
    assert h.bcr == h.bcr_all_costs == pytest.approx(2.0, rel=1e-12)


def test_a_file_written_before_format_1_2_keeps_its_all_costs_bcr(run, tmp_path):
    """Files before 1.2 stored the BCR on all costs as ``bcr``: it is read as ``bcr_all_costs`` and ``bcr`` is
    derived from the file's PVs (docs/formats/results.md, "Versioning")."""
    h5py = pytest.importorskip("h5py")
    path = tmp_path / "old.h5"
    run.save(path)
    with h5py.File(path, "a") as f:  # make it a format 1.0 file (no checksums) holding the old bcr
        f["bcr"][...] = np.asarray(f["bcr_all_costs"])
        del f["bcr_all_costs"]
        f.attrs["format_version"] = np.array([1, 0], dtype=np.int64)
        del f.attrs["_socval_sha256"]
    data = bytearray(path.read_bytes())
    data[:512] = bytes(512)
    path.write_bytes(bytes(data))
    old = socval.load_results(path)
    np.testing.assert_allclose(old.draws("bcr_all_costs"), 200_000 / 110_000, rtol=1e-12)
    np.testing.assert_allclose(old.draws("bcr"), 1.9, rtol=1e-12)
