"""Sensitivity and value-of-information charts on the West of England baseline: money axes in GBP m / GBP k with
the unit in the label and no offset text, readable labels for long parameter ids that stay inside the figure,
figures that grow with the number of bars, legends off the bars, and plots.evppi."""
from __future__ import annotations

import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.image as mpimg  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

import socval  # noqa: E402
from socval import plots, sensitivity  # noqa: E402
from socval.plots import sensitivity as sensitivity_plots  # noqa: E402
from socval.sensitivity import voi  # noqa: E402
from socval.sensitivity import scenario as ss  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
WOE = ROOT / "scenarios" / "west-of-england"
LONG_ID = "links.partner_local_spend_shift->spend_job_entries.coefficient"


@pytest.fixture(scope="module")
def baseline():
    return socval.load_scenario(WOE / "baseline.yaml")


@pytest.fixture(scope="module")
def tornado(baseline):
    return baseline.sensitivity(method="tornado")


@pytest.fixture(scope="module")
def sobol_by_option(baseline):
    correlated = {p for block in baseline.document.get("correlations", []) for p in block["params"]}
    independent = [p for p in ss.uncertain_parameters(baseline) if p not in correlated]
    return baseline.sensitivity(method="sobol", n=64, seed=1, groups="option", parameters=independent,
                                n_bootstrap=20)


@pytest.fixture(scope="module")
def ranking():
    """An EVPPI ranking of a two-option choice whose net benefits are in GBP (a few hundred thousand), the inputs
    named by long parameter ids."""
    rng = np.random.default_rng(0)
    th = rng.normal(size=(2000, 2))
    nb = np.c_[np.zeros(2000), 5e4 + 3e5 * th[:, 0] + 1e5 * th[:, 1]]
    return voi.evppi_ranking(nb, {LONG_ID: th[:, 0], "outcomes.inclusive_hires.deadweight": th[:, 1]},
                             se_samples=20)


def drawn(fig: Figure):
    """Lay the figure out and draw it (Agg, the report's 120 dpi); return the renderer."""
    fig.set_dpi(120)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return canvas.get_renderer()


def shown_ticks(ax) -> list:
    """The tick labels matplotlib draws: those within the view limits (the locator returns a few beyond them)."""
    (x0, x1), (y0, y1) = sorted(ax.get_xlim()), sorted(ax.get_ylim())
    return [t for t in ax.get_xticklabels() if x0 - 1e-9 * abs(x1 - x0) <= t.get_position()[0] <= x1 + 1e-9 *
            abs(x1 - x0)] + [t for t in ax.get_yticklabels() if y0 <= t.get_position()[1] <= y1]


def assert_inside(fig: Figure) -> None:
    """Every title, axis label, tick label, legend and annotation lies inside the figure (nothing clipped)."""
    renderer = drawn(fig)
    box = fig.bbox
    for ax in fig.axes:
        texts = [ax.title, ax.xaxis.label, ax.yaxis.label, *shown_ticks(ax), *ax.texts]
        for t in texts:
            if not t.get_visible() or not t.get_text():
                continue
            e = t.get_window_extent(renderer)
            assert box.x0 - 1 <= e.x0 and e.x1 <= box.x1 + 1 and box.y0 - 1 <= e.y0 and e.y1 <= box.y1 + 1, \
                f"{t.get_text()!r} at {e} outside the figure {box}"
        legend = ax.get_legend()
        if legend is not None:
            e = legend.get_window_extent(renderer)
            assert box.x0 - 1 <= e.x0 and e.x1 <= box.x1 + 1 and box.y0 - 1 <= e.y0, f"legend {e} outside {box}"


def assert_legend_off_the_bars(fig: Figure) -> None:
    renderer = drawn(fig)
    ax = fig.axes[0]
    legend = ax.get_legend().get_window_extent(renderer)
    axes = ax.get_window_extent(renderer)
    assert legend.y1 <= axes.y0, f"legend {legend} overlaps the axes {axes}"


def assert_png(fig: Figure) -> None:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=60)
    data = buf.getvalue()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 3000
    pixels = mpimg.imread(io.BytesIO(data), format="png")
    assert pixels.std() > 0.08, "blank image"
    assert (pixels[..., :3].std(axis=2) > 0.1).mean() > 0.003, "no colour drawn"


# ---- parameter labels ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, label", [
    # parameter ids (socval.sensitivity.uncertain_parameters of the West of England scenarios)
    ("outcomes.inclusive_hires.deadweight", "deadweight of inclusive_hires"),
    ("outcomes.employment_years.drop_off", "drop-off of employment_years"),
    ("outcomes.residents_warmer.value.per_unit", "value per unit of residents_warmer"),
    (LONG_ID, "coefficient: partner_local_spend_shift -> spend_job_entries"),
    ("links.lm3_round3.coefficient", "coefficient: lm3_round3"),
    ("options.home_retrofit.outputs.homes_retrofitted.amount", "output homes_retrofitted of home_retrofit"),
    ("options.home_retrofit.costs[1].capital", "capital cost [1] of home_retrofit"),
    ("options.green_skills.optimism_bias.mitigation", "optimism bias mitigation of green_skills"),
    # group names of scenario_sensitivity.group_labels
    ("outcomes.deadweight", "deadweight (all outcomes)"),
    ("outcomes.value.per_unit", "value per unit (all outcomes)"),
    ("options.costs.revenue", "revenue costs (all options)"),
    ("links.coefficient", "coefficient (all links)"),
    ("option:home_retrofit", "option home_retrofit"),
    ("link:a->b", "link a -> b"),
    ("lever:anchor", "lever anchor"),
    # anything else as it is
    ("business support evaluation", "business support evaluation"),
    ("x1", "x1"),
])
def test_parameter_label(name, label):
    assert sensitivity_plots.parameter_label(name) == label


def test_every_west_of_england_id_gets_a_short_label(baseline):
    ids = ss.uncertain_parameters(baseline)
    labels = [sensitivity_plots.parameter_label(i) for i in ids]
    assert len(set(labels)) == len(ids)                       # distinct ids keep distinct labels
    assert all(not lab.startswith(("outcomes.", "options.", "links.")) for lab in labels)
    for rule in ss.GROUP_RULES:
        groups = set(ss.group_labels(ids, rule, [baseline.core]))
        assert len({sensitivity_plots.parameter_label(g) for g in groups}) == len(groups)


# ---- tornado ---------------------------------------------------------------------------------------------------

def test_tornado_money_axis_in_gbp_m(tornado):
    fig = plots.tornado(tornado, top=15, output_label="NPSV")
    drawn(fig)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "NPSV, GBP m"
    assert ax.xaxis.get_offset_text().get_text() == ""
    # The bars are drawn in GBP m: from the central case to the output at each end.
    base = tornado.attrs["base"]
    lows = sorted(p.get_width() for p in ax.patches[:15])
    np.testing.assert_allclose(lows, sorted((tornado["output_low"].head(15) - base) / 1e6))
    assert "central case: {:,.2f} GBP m".format(base / 1e6) in [t.get_text() for t in ax.get_legend().get_texts()]


@pytest.mark.parametrize("label, unit, scale, expected", [
    ("NPSV (GBP, present value)", "GBP", 1.0, "NPSV (GBP m, present value)"),   # the bare GBP takes the scale
    ("NPSV", "GBP", 1e-3, "NPSV, GBP k"),
    ("NPSV (GBP)", "GBP", 1e-6, "NPSV (GBP)"),                                  # small values stay in GBP
    ("baseline NPSV, GBP m", "GBP", 1.0, "baseline NPSV, GBP m"),                # a label stating its scale kept
    ("BCR", "ratio", 1.0, "BCR (ratio)"),
    ("anything", None, 1.0, "anything"),
])
def test_tornado_axis_label_names_the_unit(tornado, label, unit, scale, expected):
    t = tornado.copy()
    t[["output_low", "output_high", "swing"]] *= scale
    t.attrs["base"] = tornado.attrs["base"] * scale
    ax = sensitivity_plots.tornado_plot(t, top=5, output_label=label, unit=unit)
    assert ax.get_xlabel() == expected
    drawn(ax.figure)
    assert ax.xaxis.get_offset_text().get_text() == ""


def test_tornado_long_ids_stay_inside_the_figure(tornado):
    for top in (5, 15, 40):
        fig = plots.tornado(tornado, top=top)
        assert_inside(fig)
        assert_legend_off_the_bars(fig)
    # Tick labels are the short labels, two lines at most; the table keeps the ids.
    ax = plots.tornado(tornado, top=15).axes[0]
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert ticks[0] == sensitivity_plots._wrap(sensitivity_plots.parameter_label(tornado["input"].iloc[0]))
    assert all(t.count("\n") <= 1 and max(len(line) for line in t.split("\n")) <= 40 for t in ticks)


def test_tornado_figure_grows_with_the_bars(tornado):
    heights = [plots.tornado(tornado, top=k).get_figheight() for k in (5, 15, 40)]
    assert heights[0] < heights[1] < heights[2]
    # No two tick labels overlap, even with two-line labels.
    fig = plots.tornado(tornado, top=40)
    renderer = drawn(fig)
    boxes = sorted((t.get_window_extent(renderer) for t in fig.axes[0].get_yticklabels()), key=lambda b: b.y0)
    assert all(a.y1 <= b.y0 + 0.5 for a, b in zip(boxes, boxes[1:]))


def test_tornado_labels_argument(tornado):
    t = tornado.head(3)
    ids = list(t["input"])
    ax = sensitivity_plots.tornado_plot(t, labels=False)
    assert [x.get_text() for x in ax.get_yticklabels()] == [sensitivity_plots._wrap(i) for i in ids]
    ax = sensitivity_plots.tornado_plot(t, labels={ids[0]: "the first"})
    assert [x.get_text() for x in ax.get_yticklabels()][0] == "the first"
    assert [x.get_text() for x in ax.get_yticklabels()][1] == sensitivity_plots._wrap(
        sensitivity_plots.parameter_label(ids[1]))
    ax = sensitivity_plots.tornado_plot(t, labels=str.upper)
    assert [x.get_text() for x in ax.get_yticklabels()][2] == sensitivity_plots._wrap(ids[2].upper())


def test_wrap_keeps_two_lines():
    text = "output " + "very_long_name_" * 8 + " of an option"
    wrapped = sensitivity_plots._wrap(text)
    assert wrapped.count("\n") == 1 and wrapped.endswith("...")
    assert sensitivity_plots._wrap("short") == "short"


# ---- Sobol and convergence -------------------------------------------------------------------------------------

def test_sobol_horizontal_sorted_with_readable_groups(sobol_by_option):
    r = sobol_by_option
    fig = plots.sobol(r, top=12)
    ax = fig.axes[0]
    order = np.argsort(-r.ST, kind="stable")[:12]
    expected = [sensitivity_plots._wrap(sensitivity_plots.parameter_label(r.names[i])) for i in order]
    assert [t.get_text() for t in ax.get_yticklabels()] == expected   # largest total index at the top
    assert "Sobol index" in ax.get_xlabel()
    assert f"the 12 of {len(r.names)} factors" in ax.get_title()
    assert_inside(fig)
    assert_legend_off_the_bars(fig)
    assert plots.sobol(r).get_figheight() > fig.get_figheight()        # every group: a taller figure


def test_convergence_top_and_legend_inside(sobol_by_option):
    ax = sensitivity_plots.convergence_plot(sobol_by_option, index="ST", top=6)
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert len(texts) == 6
    best = sobol_by_option.names[int(np.argmax(sobol_by_option.ST))]
    assert texts[0] == sensitivity_plots._wrap(sensitivity_plots.parameter_label(best))
    assert_inside(ax.figure)
    assert ax.xaxis.get_offset_text().get_text() == ""


# ---- EVPPI -----------------------------------------------------------------------------------------------------

def test_evppi_figure_money_scaled(ranking):
    fig = plots.evppi(ranking)
    assert isinstance(fig, Figure)
    assert_png(fig)
    drawn(fig)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "EVPPI per decision, GBP k"
    assert ax.xaxis.get_offset_text().get_text() == ""
    widths = [p.get_width() for p in ax.patches]
    np.testing.assert_allclose(widths, ranking["evppi"] / 1e3)
    evpi = float(ranking["evpi"].iloc[0])
    assert f"EVPI (all parameters): {evpi / 1e3:,.2f} GBP k" in [t.get_text() for t in ax.get_legend().get_texts()]
    assert [t.get_text() for t in ax.get_yticklabels()][0] == sensitivity_plots._wrap(
        sensitivity_plots.parameter_label(ranking.index[0]))
    assert_inside(fig)
    assert_legend_off_the_bars(fig)


def test_evppi_on_given_axes_and_other_units(ranking):
    fig = Figure(figsize=(12, 4), layout="constrained")
    left, right = fig.subplots(1, 2)
    assert plots.evppi(ranking, ax=left) is fig
    assert plots.evppi(ranking, ax=right, unit="QALYs", top=1) is fig
    assert right.get_xlabel() == "EVPPI per decision (QALYs)"
    assert len(right.get_yticks()) == 1
    np.testing.assert_allclose(right.patches[0].get_width(), ranking["evppi"].iloc[0])  # not scaled


def test_evppi_of_a_scenario_comparison(baseline):
    """scenario_sensitivity.evppi_ranking's table (parameter ids, EVPI also in attrs) draws as it is."""
    procurement = socval.load_scenario(WOE / "procurement-first.yaml")
    r = ss.scenario_evppi([baseline, procurement], draws=256, seed=1, se_samples=5)
    fig = plots.evppi(r, top=10)
    assert len(fig.axes[0].get_yticklabels()) == 10
    assert_inside(fig)


def test_evppi_displays_in_a_notebook(ranking):
    """A cell ending in plots.evppi(...) shows the chart: IPython's inline PNG formatter renders the Figure."""
    from IPython.core.pylabtools import print_figure

    data = print_figure(plots.evppi(ranking), fmt="png")
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 3000


# ---- bad inputs ------------------------------------------------------------------------------------------------

def test_bad_inputs(tornado, ranking, sobol_by_option):
    with pytest.raises(socval.SensitivityError, match=r"evppi_plot: ranking must have an 'evppi' column"):
        plots.evppi(pd.DataFrame({"x": [1.0]}))
    with pytest.raises(socval.SensitivityError, match=r"tornado_plot: top: expected a whole number >= 1 or None, "
                                                      r"found 0"):
        plots.tornado(tornado, top=0)
    with pytest.raises(socval.SensitivityError, match=r"sobol_plot: top: expected a whole number >= 1 or None, "
                                                      r"found 2.5"):
        plots.sobol(sobol_by_option, top=2.5)
    with pytest.raises(socval.SensitivityError, match=r"evppi_plot: labels: expected None, False, a mapping name "
                                                      r"-> label or a function, found int"):
        plots.evppi(ranking, labels=3)


def test_generic_tornado_still_draws():
    """A tornado of any function (socval.sensitivity.tornado) with its own unit label."""
    t = sensitivity.tornado(lambda x: x @ [1.0, -2.0, 3.0], [0, 0, 0], [-1, -1, -1], [1, 1, 1],
                            names=["deadweight", "drop-off", "jobs per GBP m"])
    fig = plots.tornado(t, output_label="NPSV (GBP)")
    assert_png(fig)
    assert fig.axes[0].get_xlabel() == "NPSV (GBP)"
    assert [x.get_text() for x in fig.axes[0].get_yticklabels()] == ["jobs per GBP m", "drop-off", "deadweight"]
