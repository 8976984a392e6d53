"""The `make demo` example: its headline figures against a hand calculation."""
import pytest
import yaml

from socval import demo, values


def test_demo_example_headline_by_hand():
    table, h = demo.appraise_example()
    # Capital 2.4m x (1 + 0.24 x 0.5) in year 0; revenue 100k in years 1-3 at 3.5%.
    pv_costs = 2.4e6 * 1.12 + sum(100e3 / 1.035 ** t for t in (1, 2, 3))
    assert h["PV costs"] == pytest.approx(pv_costs, rel=1e-12)
    # Wellbeing: 200 x 2.3 x 0.05 x 0.7 = 16.1 WELLBYs a year in years 1-10 at 16,027.91 (2024 prices), at 1.5%.
    pv_wellbeing = sum(16.1 * 13000 * 100 / 81.1085 / 1.015 ** t for t in range(1, 11))
    # Carbon: 200 x 1.2 x 0.8 = 192 t a year in years 1-15 (2026-2040) at DESNZ central values rebased 2022->2024.
    # The DESNZ table is read here with PyYAML, independently of the C++ loader.
    desnz = yaml.safe_load((values.DATA_DIR / "carbon.yaml").read_text())["values"]
    pv_carbon = sum(192 * desnz[y][1] * 100 / 90.5005 / 1.035 ** (y - 2025) for y in range(2026, 2041))
    assert table["tCO2e avoided"].sum() == pytest.approx(192 * 15)
    assert h["PV benefits"] == pytest.approx(pv_wellbeing + pv_carbon, rel=1e-12)
    assert h["NPSV"] == pytest.approx(h["PV benefits"] - h["PV costs"])


def test_demo_prints_the_table(capsys):
    demo.main()
    out = capsys.readouterr().out
    assert "NPSV" in out and "BCR" in out and "2040" in out
