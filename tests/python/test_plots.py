"""socval.plots: every chart renders to a non-blank PNG, with labelled axes and units, for Results and Comparison;
the Sankey flows add up to the deterministic attribution; bad inputs raise typed errors."""
from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.image as mpimg  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

import socval  # noqa: E402
from socval import plots, sensitivity  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
WOE = ROOT / "scenarios" / "west-of-england"
COMPLETE = ROOT / "tests" / "data" / "scenarios" / "complete.yaml"
HOSTILE = "<script>alert(1)</script> $1m & $x$"


@pytest.fixture(scope="module")
def scenario(woe_scenarios):
    return woe_scenarios["baseline"]  # loaded once per session (conftest.py)


@pytest.fixture(scope="module")
def results(scenario):
    return scenario.simulate(draws=500, seed=3, progress=False)


@pytest.fixture(scope="module")
def comparison():
    return socval.compare([WOE / "baseline.yaml", WOE / "green-first.yaml", WOE / "skills-first.yaml"],
                          draws=500, seed=3, progress=False)


@pytest.fixture(scope="module")
def hostile():
    """The complete example with a hostile scenario and option name (HTML and mathtext) and a link with a negative
    coefficient (so one option -> priority flow is negative)."""
    doc = socval.load_scenario(COMPLETE).document
    doc["metadata"]["name"] = HOSTILE
    doc["options"][0]["name"] = HOSTILE
    doc["links"].append({"from": "co2e_avoided", "to": "wellbeing", "coefficient": -0.5})
    return socval.scenario_from_dict(doc)


def png_image(fig: Figure) -> np.ndarray:
    """Render to PNG in memory; check the magic number and size; return the decoded pixels."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=50)
    data = buf.getvalue()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 3000
    return mpimg.imread(io.BytesIO(data), format="png")


def assert_drawn(fig: Figure) -> None:
    assert isinstance(fig, Figure)
    pixels = png_image(fig)
    assert pixels.std() > 0.08, "blank image"  # empty axes with a title and labels: sd 0.062
    assert (pixels[..., :3].std(axis=2) > 0.1).mean() > 0.003, "no colour drawn"  # empty axes: 0


def labels(fig: Figure) -> str:
    ax = fig.axes[0]
    return " | ".join([ax.get_xlabel(), ax.get_ylabel(), ax.get_title()])


# ---- every chart -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("chart", ["distribution", "exceedance", "by_priority", "by_pillar", "by_lever"])
@pytest.mark.parametrize("which", ["results", "comparison"])
def test_charts_render_with_money_units(chart, which, request):
    obj = request.getfixturevalue(which)
    fig = getattr(plots, chart)(obj)
    assert_drawn(fig)
    text = labels(fig)
    assert "GBP m (2024 prices, present value)" in text, text
    accessor = getattr(obj.plot, chart)()
    assert isinstance(accessor, Figure) and labels(accessor) == text


def test_distribution_legend_has_probabilities(results, comparison):
    legend = [t.get_text() for t in plots.distribution(results).axes[0].get_legend().get_texts()]
    p = float(np.mean(results.draws("npsv") > 0))
    assert f"P(NPSV > 0) = {p:.2f}" in legend[0]
    legend = [t.get_text() for t in plots.distribution(comparison).axes[0].get_legend().get_texts()]
    p_best = comparison.p_best("npsv")
    for name, text in zip(comparison.names, legend):
        assert name in text and f"P(best) = {p_best[name]:.2f}" in text
    # A ratio breaks even at 1, not 0.
    legend = [t.get_text() for t in plots.distribution(results, "bcr").axes[0].get_legend().get_texts()]
    assert f"P(BCR > 1) = {np.mean(results.draws('bcr') > 1):.2f}" in legend[0]
    assert "(ratio)" in plots.distribution(results, "bcr").axes[0].get_xlabel()


def test_physical_metric_unit(results):
    fig = plots.distribution(results, "outcome.jobs_for_local_people")
    unit = results.summary().loc["outcome.jobs_for_local_people", "unit"]
    assert f"({unit})" in fig.axes[0].get_xlabel()


@pytest.mark.parametrize("node", ["net", "benefits", "cost"])
def test_fan_money(results, node):
    fig = plots.fan(results, node)
    assert_drawn(fig)
    assert "GBP m (2024 prices, undiscounted)" in fig.axes[0].get_ylabel()
    assert fig.axes[0].get_xlabel() == "year"
    df = results.by_year(node)
    median = [line for line in fig.axes[0].get_lines() if line.get_label() == "median"][0]
    np.testing.assert_allclose(median.get_ydata(), df["p50"] / 1e6)
    np.testing.assert_array_equal(median.get_xdata(), results.years)


def test_fan_outcome_in_its_unit(results):
    fig = results.plot.fan("jobs_for_local_people")
    assert_drawn(fig)
    unit = results.summary().loc["outcome.jobs_for_local_people", "unit"]
    assert f"{unit} per year" in fig.axes[0].get_ylabel()


def test_comparison_charts(comparison):
    for fig in (plots.p_better(comparison), comparison.plot.p_better("bcr"), plots.differences(comparison),
                comparison.plot.differences(baseline=comparison.names[1], metric="pv_benefits")):
        assert_drawn(fig)
    fig = plots.differences(comparison)
    assert "GBP m (2024 prices, present value)" in fig.axes[0].get_xlabel()
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == comparison.names[1:]
    # The heatmap shows P(A better than B) in every off-diagonal cell.
    m = comparison.p_better("npsv")
    texts = {t.get_text() for t in plots.p_better(comparison).axes[0].texts}
    for a in m.index:
        for b in m.columns:
            if a != b:
                assert f"{m.loc[a, b]:.2f}" in texts
    assert "P(A better than B)" in plots.p_better(comparison).axes[1].get_ylabel()  # colour bar


def test_draws_on_given_axes(results):
    fig = Figure(figsize=(10, 4))
    left, right = fig.subplots(1, 2)
    assert plots.distribution(results, ax=left) is fig
    assert plots.by_pillar(results, ax=right) is fig
    assert left.get_xlabel() and right.get_xlabel()
    assert_drawn(fig)


def test_sensitivity_wrappers_return_figures():
    table = sensitivity.tornado(lambda x: x @ [1.0, -2.0, 3.0], [0, 0, 0], [-1, -1, -1], [1, 1, 1],
                                names=["a", "b", "c"])
    fig = plots.tornado(table, output_label="NPSV (GBP)")
    assert_drawn(fig)
    assert fig.axes[0].get_xlabel() == "NPSV (GBP)"
    result = sensitivity.sobol(lambda x: x[:, 0] + 2 * x[:, 1], [(0, 1), (0, 1)], n=256, seed=1,
                               names=["x1", "x2"])
    fig = plots.sobol(result)
    assert_drawn(fig)
    assert "Sobol index" in fig.axes[0].get_xlabel()                    # horizontal bars, names on the y axis
    rng = np.random.default_rng(0)
    th = rng.normal(size=(1000, 2))
    ranking = socval.sensitivity.evppi_ranking(np.c_[np.zeros(1000), 2e6 + 5e6 * th[:, 0]], {"a": th[:, 0], "b": th[:, 1]},
                                       se_samples=10)
    fig = plots.evppi(ranking)
    assert_drawn(fig)
    assert fig.axes[0].get_xlabel() == "EVPPI per decision, GBP m"


# ---- layout: units, offset text, nothing clipped, round-off categories ------------------------------------------

def _drawn(fig: Figure):
    """Lay out and draw the figure at the report's dpi (socval.report.CHART_DPI = 120); return the renderer."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig.set_dpi(120)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return canvas.get_renderer()


def _inside(fig: Figure) -> None:
    """Titles, axis labels, the tick labels drawn, annotations and legends all lie inside the figure."""
    renderer = _drawn(fig)
    box = fig.bbox
    for ax in fig.axes:
        (x0, x1), (y0, y1) = sorted(ax.get_xlim()), sorted(ax.get_ylim())
        ticks = [t for t in ax.get_xticklabels() if x0 <= t.get_position()[0] <= x1] + \
            [t for t in ax.get_yticklabels() if y0 <= t.get_position()[1] <= y1] if ax.axison else []
        for t in [ax.title, ax.xaxis.label, ax.yaxis.label, *ticks, *ax.texts]:
            if t.get_visible() and t.get_text():
                e = t.get_window_extent(renderer)
                assert e.x0 >= -1 and e.x1 <= box.x1 + 1 and e.y0 >= -1 and e.y1 <= box.y1 + 1, \
                    f"{t.get_text()!r} at {e} outside the figure {box}"
        if ax.get_legend() is not None:
            e = ax.get_legend().get_window_extent(renderer)
            assert e.x0 >= -1 and e.x1 <= box.x1 + 1 and e.y0 >= -1, f"legend {e} outside the figure {box}"


@pytest.mark.parametrize("chart, axis", [("distribution", "x"), ("exceedance", "x"), ("by_priority", "x"),
                                         ("by_pillar", "x"), ("by_lever", "x"), ("differences", "x")])
def test_money_axes_have_no_offset_text_and_nothing_clipped(comparison, chart, axis):
    fig = getattr(plots, chart)(comparison)
    _inside(fig)
    ax = fig.axes[0]
    assert getattr(ax, f"{axis}axis").get_offset_text().get_text() == ""
    assert "GBP m" in getattr(ax, f"get_{axis}label")()


def test_every_chart_fits_its_figure(results, comparison, scenario):
    """The charts the report embeds (socval.report) and the notebooks show, at their default sizes."""
    for fig in (plots.distribution(results), plots.fan(results), plots.fan(results, "jobs_for_local_people"),
                plots.sankey(scenario), plots.sankey(scenario, top=6, levers=True), plots.p_better(comparison),
                plots.by_priority(results), plots.by_pillar(results), plots.by_lever(results)):
        _inside(fig)
    fig = plots.fan(results)
    _drawn(fig)
    assert fig.axes[0].yaxis.get_offset_text().get_text() == ""


def test_comparison_legends_below_the_bars(comparison):
    for chart in ("by_priority", "by_pillar", "by_lever", "differences", "exceedance", "distribution"):
        fig = getattr(plots, chart)(comparison)
        renderer = _drawn(fig)
        ax = fig.axes[0]
        legend, axes = ax.get_legend().get_window_extent(renderer), ax.get_window_extent(renderer)
        assert legend.y1 <= axes.y0, f"{chart}: the legend {legend} overlaps the axes {axes}"


def test_round_off_category_is_dropped(results):
    """West of England allocates every outcome to a priority: the 'unallocated' pillar's draws are floating-point
    round-off (|x| < 1e-8 GBP against pillars of tens of GBP m), so it is left out and named in the note."""
    table = results.by_pillar()
    largest = table[["mean", "p5", "p95"]].abs().to_numpy().max()
    tiny = table.loc["unallocated", ["mean", "sd", "p5", "p95"]].abs().to_numpy().max()
    assert tiny < 1e-12 * largest
    for fig in (plots.by_pillar(results), plots.by_priority(results)):
        ax = fig.axes[0]
        ticks = [t.get_text() for t in ax.get_yticklabels()]
        assert "unallocated" not in ticks and len(ticks) >= 3
        assert "unallocated" in ax.get_legend().get_title().get_text()
        assert "up to round-off" in ax.get_legend().get_title().get_text()


def test_zero_tolerance_is_relative_to_the_largest_category():
    cols = ["mean", "sd", "p5", "p95"]
    t = pd.DataFrame([[4e7, 1e7, 2e7, 6e7], [3e-5, 1e-5, 0.0, 5e-5], [5e-9, 4e-10, -5e-9, 5e-9], [0.0] * 4],
                     index=["big", "small but real", "round-off", "zero"], columns=cols)
    # 1e-12 x 6e7 = 6e-5: round-off (5e-9) and exact zeros are dropped; 5e-5 is below too, 1e-3 is kept.
    assert plots.charts._zero_categories(list(t.index), [t]) == ["small but real", "round-off", "zero"]
    t.loc["small but real", "p95"] = 1e-3
    assert plots.charts._zero_categories(list(t.index), [t]) == ["round-off", "zero"]
    # A category non-zero in one scenario of a comparison is kept.
    u = t.copy()
    u.loc["zero", "mean"] = 1e6
    assert plots.charts._zero_categories(list(t.index), [t, u]) == ["round-off"]
    assert plots.ZERO_TOLERANCE == 1e-12


def test_palette_is_okabe_ito():
    okabe_ito = {"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000"}
    assert set(plots.PALETTE) == okabe_ito and len(plots.PALETTE) == 8
    assert set(plots.PILLAR_COLOURS) == {"social", "economic", "environmental", "unallocated"}
    assert len(set(plots.PILLAR_COLOURS.values())) == 4


def test_no_pyplot_imported():
    """Charts are plain Figures: neither importing socval nor drawing imports pyplot (Agg-safe, no global state)."""
    code = ("import sys, socval\nfrom socval import plots\n"
            "sc = socval.load_scenario(sys.argv[1])\nr = sc.simulate(draws=64, seed=1, progress=False)\n"
            "plots.distribution(r); plots.sankey(sc); plots.fan(r)\n"
            "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot imported'\nprint('ok')\n")
    out = subprocess.run([sys.executable, "-c", code, str(COMPLETE)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


# ---- Sankey ------------------------------------------------------------------------------------------------------

def test_sankey_flows_add_up_to_the_attribution(scenario, results):
    attribution = scenario.evaluate().attribution
    flows = plots.sankey_flows(scenario)
    assert list(flows.columns) == ["option", "lever", "priority", "pillar", "value"]
    expected = attribution.groupby("priority")["value"].sum()
    got = flows.groupby("priority")["value"].sum().reindex(expected.index, fill_value=0.0)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-6)
    by_option = attribution.groupby("option")["value"].sum()
    np.testing.assert_allclose(flows.groupby("option")["value"].sum().reindex(by_option.index), by_option,
                               rtol=1e-12, atol=1e-6)
    # From the Results: the scenario is rebuilt from its text, same flows.
    pd.testing.assert_frame_equal(plots.sankey_flows(results), flows)
    pd.testing.assert_frame_equal(plots.sankey_flows(scenario.evaluate()), flows)


def test_sankey_top_keeps_totals(scenario):
    full = plots.sankey_flows(scenario)
    top = plots.sankey_flows(scenario, top=3)
    options = top["option"].unique()
    assert len(options) == 4 and options[-1].startswith("other options (")
    n_other = full["option"].nunique() - 3
    assert options[-1] == f"other options ({n_other})"
    np.testing.assert_allclose(top.groupby("priority")["value"].sum().sort_index(),
                               full.groupby("priority")["value"].sum().sort_index(), rtol=1e-12)
    largest = full[full["value"] > 0].groupby("option")["value"].sum().nlargest(3).index
    assert set(options[:3]) == set(largest)


@pytest.mark.parametrize("levers", [False, True])
def test_sankey_renders(scenario, results, levers):
    for fig in (plots.sankey(scenario, levers=levers), results.plot.sankey(top=5, levers=levers),
                scenario.plot.sankey()):
        assert_drawn(fig)
        assert "GBP m (2024 prices, present value)" in fig.axes[0].get_title()
    # Node labels carry the values: the priorities' positive inflows in GBP m.
    fig = plots.sankey(scenario, levers=levers)
    flows = plots.sankey_flows(scenario)
    inflow = flows[flows["value"] > 0].groupby("priority")["value"].sum()
    texts = {t.get_text() for t in fig.axes[0].texts}
    # nodes are labelled by name (issue 18), wrapped at 30 characters on two lines at most
    import textwrap
    names = {pr.id: pr.name or pr.id for pr in scenario.core.priorities}
    for p, v in inflow.items():
        name = "\n".join(textwrap.wrap(names.get(p, p), 30, max_lines=2, placeholder="..."))
        assert f"{name}  {v / 1e6:,.2f}" in texts


def test_sankey_states_negative_flows(hostile):
    flows = plots.sankey_flows(hostile)
    negative = flows[flows["value"] < 0]
    assert len(negative) == 1
    fig = plots.sankey(hostile)
    assert_drawn(fig)
    assert f"1 negative flow (GBP {negative['value'].sum():,.0f} in total) not drawn" in fig.axes[0].get_title()


def test_hostile_names_render(hostile):
    """'$' in user text would start matplotlib mathtext: it is escaped, the name shows as typed."""
    results = hostile.simulate(draws=200, seed=1, progress=False)
    for fig in (plots.sankey(hostile), plots.distribution(results), plots.fan(results)):
        assert_drawn(fig)
    assert HOSTILE.replace("$", r"\$") in plots.sankey(hostile).axes[0].get_title()
    assert HOSTILE.replace("$", r"\$") in plots.distribution(results).axes[0].get_title()


# ---- bad inputs ------------------------------------------------------------------------------------------------

def test_bad_inputs(results, comparison, scenario):
    with pytest.raises(socval.DecisionError, match=r"baseline: expected one of .*, found 'nope'"):
        plots.differences(comparison, baseline="nope")
    with pytest.raises(TypeError, match="expected a socval.Comparison"):
        plots.p_better(results)
    with pytest.raises(TypeError, match="expected one socval.Results"):
        plots.fan(comparison)
    with pytest.raises(TypeError, match="expected a socval.Results or socval.Comparison, found int"):
        plots.distribution(3)
    with pytest.raises(KeyError, match="unknown metric 'nope'"):
        plots.distribution(results, "nope")
    with pytest.raises(KeyError, match="unknown node 'nope'"):
        plots.fan(results, "nope")
    with pytest.raises(socval.DecisionError, match=r"top: expected a whole number >= 1 or None, found 0"):
        plots.sankey(scenario, top=0)
    with pytest.raises(TypeError, match="sankey: expected a socval.Scenario, Evaluation or Results, found str"):
        plots.sankey("scenario.yaml")


def test_loaded_results(results, tmp_path):
    """Charts of results read back from their HDF5 file: same units, the Sankey rebuilt from the stored text."""
    path = tmp_path / "run.h5"
    results.save(path)
    loaded = socval.load_results(path)
    assert labels(plots.distribution(loaded)) == labels(plots.distribution(results))
    pd.testing.assert_frame_equal(plots.sankey_flows(loaded), plots.sankey_flows(results))
    assert_drawn(loaded.plot.fan())
    assert f"{loaded.n_draws:,} draws" in loaded._repr_html_()
