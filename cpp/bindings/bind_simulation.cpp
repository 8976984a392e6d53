/// Python bindings of the Monte Carlo simulation (socval._core.simulation). Thin: the run happens with the GIL
/// released; the progress and cancellation callbacks take it back briefly (a tqdm update, PyErr_CheckSignals so
/// that Ctrl-C or a notebook interrupt stops the run: socval::Interrupted, mapped to KeyboardInterrupt).
/// Arrays are handed to numpy without copies. The user-facing API is python/socval/simulate.py.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <socval/common/huge_pages.hpp>
#include <socval/engine/plan.hpp>
#include <socval/engine/simulation.hpp>
#include <socval/errors.hpp>

#include "bindings.hpp"

namespace py = pybind11;
using namespace pybind11::literals;

namespace socval::bindings {

namespace {

/// A (rows, draws) array, or None when the table was not kept. Each row is freed as soon as it is copied, so
/// the conversion needs one row of extra memory, not a second table.
py::object rows(std::vector<std::vector<double>>&& table) {
    if (table.empty()) return py::none();
    const std::size_t n = table.front().size();
    py::array_t<double> out({static_cast<py::ssize_t>(table.size()), static_cast<py::ssize_t>(n)});
    double* dst = out.mutable_data();
    advise_huge_pages(dst, table.size() * n * sizeof(double));  // before the copy first touches its pages
    for (auto& r : table) {
        std::copy(r.begin(), r.end(), dst);
        dst += n;
        std::vector<double>().swap(r);
    }
    table.clear();
    return std::move(out);
}

py::dict year_summary(engine::YearSummary&& y, std::size_t levels) {
    const auto S = static_cast<py::ssize_t>(y.series), H = static_cast<py::ssize_t>(y.years);
    return py::dict("mean"_a = owned(std::move(y.mean), {S, H}), "sd"_a = owned(std::move(y.sd), {S, H}),
                    "min"_a = owned(std::move(y.min), {S, H}), "max"_a = owned(std::move(y.max), {S, H}),
                    "quantiles"_a = owned(std::move(y.quantiles), {S, H, static_cast<py::ssize_t>(levels)}));
}

py::dict draw_summary(engine::DrawSummary&& d, std::size_t levels) {
    const auto S = static_cast<py::ssize_t>(d.mean.size());
    return py::dict("mean"_a = owned(std::move(d.mean)), "sd"_a = owned(std::move(d.sd)),
                    "min"_a = owned(std::move(d.min)), "max"_a = owned(std::move(d.max)),
                    "p_positive"_a = owned(std::move(d.p_positive)),
                    "quantiles"_a = owned(std::move(d.quantiles), {S, static_cast<py::ssize_t>(levels)}));
}

/// The result as a dict of numpy arrays and lists of names (documented in socval/simulate.py).
py::dict to_dict(engine::SimulationResult&& r) {
    const std::size_t L = r.quantile_levels.size();
    const auto N = static_cast<py::ssize_t>(r.draws), H = static_cast<py::ssize_t>(r.years.size()),
               O = static_cast<py::ssize_t>(r.outcome_ids.size()),
               P = static_cast<py::ssize_t>(r.parameter_ids.size());
    py::dict d;
    d["draws"] = r.draws;
    d["seed"] = r.seed;
    d["sampler"] = sampler_name(r.sampler);
    d["block_size"] = r.block_size;
    d["threads"] = r.threads;
    d["parameter_ids"] = r.parameter_ids;
    d["priority_ids"] = r.priority_ids;
    d["priority_pillars"] = r.priority_pillars;
    d["outcome_ids"] = r.outcome_ids;
    d["outcome_units"] = r.outcome_units;
    d["years"] = r.years;
    d["quantile_levels"] = r.quantile_levels;
    d["quantile_draws"] = r.quantile_draws;
    d["warnings"] = r.warnings;
    d["timings"] = py::dict("sample"_a = r.timings.sample, "evaluate"_a = r.timings.evaluate,
                            "store"_a = r.timings.store, "summarise"_a = r.timings.summarise,
                            "wall"_a = r.timings.wall);
    d["pv_costs"] = owned(std::move(r.pv_costs));
    d["pv_investment"] = owned(std::move(r.pv_investment));
    d["pv_benefits"] = owned(std::move(r.pv_benefits));
    d["pv_others"] = owned(std::move(r.pv_others));
    auto maybe = [](std::vector<double>&& v) { return v.empty() ? py::object(py::none()) : py::object(owned(std::move(v))); };
    d["npsv"] = maybe(std::move(r.npsv));
    d["bcr"] = maybe(std::move(r.bcr));
    d["sroi"] = maybe(std::move(r.sroi));
    d["priority_value"] = rows(std::move(r.priority_value));
    d["pillar_value"] = rows(std::move(r.pillar_value));
    d["beneficiary_value"] = rows(std::move(r.beneficiary_value));
    d["lever_value"] = rows(std::move(r.lever_value));
    d["lever_cost"] = rows(std::move(r.lever_cost));
    d["place_ids"] = r.place_ids;
    d["place_value"] = rows(std::move(r.place_value));
    d["place_spend"] = rows(std::move(r.place_spend));
    d["quintile_value"] = rows(std::move(r.quintile_value));
    d["decile_value"] = rows(std::move(r.decile_value));
    d["weighted_pv_benefits"] = maybe(std::move(r.weighted_pv_benefits));
    d["weighted_npsv"] = maybe(std::move(r.weighted_npsv));
    d["weighted_bcr"] = maybe(std::move(r.weighted_bcr));
    d["eta"] = maybe(std::move(r.eta));
    d["log_income_ratio"] = r.log_income_ratio;
    d["outcome_total"] = rows(std::move(r.outcome_total));
    d["outcome_pv"] = rows(std::move(r.outcome_pv));
    d["outcome_total_summary"] = draw_summary(std::move(r.outcome_total_summary), L);
    d["outcome_pv_summary"] = draw_summary(std::move(r.outcome_pv_summary), L);
    d["beneficiary_summary"] =
        r.beneficiary_summary.mean.empty() ? py::object(py::none()) : py::object(draw_summary(std::move(r.beneficiary_summary), L));
    d["lever_cost_summary"] =
        r.lever_cost_summary.mean.empty() ? py::object(py::none()) : py::object(draw_summary(std::move(r.lever_cost_summary), L));
    d["headline_summary"] =
        r.headline_summary.mean.empty() ? py::object(py::none()) : py::object(draw_summary(std::move(r.headline_summary), L));
    d["level"] = year_summary(std::move(r.level), L);
    d["value"] = r.value.series ? py::object(year_summary(std::move(r.value), L)) : py::none();
    d["cost"] = year_summary(std::move(r.cost), L);
    d["benefits"] = year_summary(std::move(r.benefits), L);
    d["net"] = year_summary(std::move(r.net), L);
    d["place_year"] = r.place_year.series ? py::object(year_summary(std::move(r.place_year), L)) : py::none();
    d["quintile_year"] = r.quintile_year.series ? py::object(year_summary(std::move(r.quintile_year), L)) : py::none();
    d["decile_year"] = r.decile_year.series ? py::object(year_summary(std::move(r.decile_year), L)) : py::none();
    d["inputs"] = r.inputs.empty() ? py::object(py::none()) : py::object(owned(std::move(r.inputs), {P, N}));
    d["full_level"] =
        r.full_level.empty() ? py::object(py::none()) : py::object(owned(std::move(r.full_level), {N, H, O}));
    d["full_value"] =
        r.full_value.empty() ? py::object(py::none()) : py::object(owned(std::move(r.full_value), {N, H, O}));
    return d;
}

/// Given values as the core takes them: a (len(ids), draws) array of float64, copied row after row. SamplingError
/// on another shape.
std::vector<double> given_matrix(const std::vector<std::string>& ids, const py::object& values, std::uint64_t draws) {
    if (values.is_none()) {
        if (!ids.empty()) throw SamplingError("simulation: given values: expected a parameters x draws array for the ids given, found None");
        return {};
    }
    const auto a = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(values);
    if (!a || a.ndim() != 2 || static_cast<std::size_t>(a.shape(0)) != ids.size() ||
        static_cast<std::uint64_t>(a.shape(1)) != draws)
        throw SamplingError("simulation: given values: expected an array of " + std::to_string(ids.size()) +
                            " parameters x " + std::to_string(draws) + " draws, found " +
                            (a ? std::to_string(a.ndim()) + "-dimensional array of shape (" +
                                     std::to_string(a.ndim() > 0 ? a.shape(0) : 0) +
                                     (a.ndim() > 1 ? ", " + std::to_string(a.shape(1)) : std::string()) + ")"
                               : std::string("no array of numbers")));
    return std::vector<double>(a.data(), a.data() + a.size());
}

/// SimulationOptions from a dict of simulate()'s keyword names (parts and merges); SamplingError on an unknown key.
engine::SimulationOptions options_from(const py::dict& d) {
    engine::SimulationOptions o;
    for (auto item : d) {
        const auto key = item.first.cast<std::string>();
        const py::handle v = item.second;
        if (key == "draws") o.draws = v.cast<std::uint64_t>();
        else if (key == "seed") o.seed = v.cast<std::uint64_t>();
        else if (key == "sampler") o.sampler = parse_sampler(v.cast<std::string>());
        else if (key == "threads") o.threads = v.cast<int>();
        else if (key == "block_size") o.block_size = v.cast<int>();
        else if (key == "keep_outcomes") o.keep_outcomes = v.cast<bool>();
        else if (key == "keep_full") o.keep_full = v.cast<bool>();
        else if (key == "keep_inputs") o.keep_inputs = v.cast<bool>();
        else if (key == "track_levers") o.track_levers = v.cast<bool>();
        else if (key == "year_values") o.year_values = v.cast<bool>();
        else if (key == "year_breakdowns") o.year_breakdowns = v.cast<bool>();
        else if (key == "keep_derived") o.keep_derived = v.cast<bool>();
        else if (key == "keep_draws") o.keep_draws = v.cast<bool>();
        else if (key == "quantiles") o.quantiles = v.cast<std::vector<double>>();
        else if (key == "histogram_bins") o.histogram_bins = v.cast<int>();
        else if (key == "quantile_draws") o.quantile_draws = v.cast<std::uint64_t>();
        else if (key == "keep_breakdowns") o.keep_breakdowns = v.is_none() ? std::nullopt : std::optional<bool>(v.cast<bool>());
        else if (key == "given_ids") o.given_ids = v.cast<std::vector<std::string>>();
        else if (key == "given_values") continue;  // after the loop: its shape needs draws and the ids
        else throw SamplingError("simulation options: unknown key '" + key + "'");
    }
    if (d.contains("given_values")) o.given_values = given_matrix(o.given_ids, d["given_values"], o.draws);
    o.cancelled = check_signals;
    return o;
}

py::bytes as_bytes(const std::vector<std::uint8_t>& b) {
    return py::bytes(reinterpret_cast<const char*>(b.data()), b.size());
}

}  // namespace

void bind_simulation(py::module_& m) {
    m.doc() = "socval core: Monte Carlo simulation (use socval.simulate / Scenario.simulate)";
    m.attr("DEFAULT_BLOCK_SIZE") = engine::SimulationOptions{}.block_size;
    m.def(
        "simulate",
        [](const model::Scenario& scenario, const values::Library& library, std::uint64_t draws, std::uint64_t seed,
           const std::string& sampler, int threads, int block_size, bool keep_outcomes, bool keep_full,
           bool keep_inputs, bool track_levers, bool year_values, bool keep_derived, std::vector<double> quantiles,
           int histogram_bins,
           std::uint64_t quantile_draws, py::object progress, double report_interval, std::optional<bool> keep_breakdowns,
           std::vector<std::string> given_ids, py::object given_values, bool keep_draws, bool year_breakdowns) {
            engine::SimulationOptions o;
            o.given_values = given_matrix(given_ids, given_values, draws);
            o.given_ids = std::move(given_ids);
            o.draws = draws;
            o.seed = seed;
            o.sampler = parse_sampler(sampler);
            o.threads = threads;
            o.block_size = block_size;
            o.keep_outcomes = keep_outcomes;
            o.keep_full = keep_full;
            o.keep_inputs = keep_inputs;
            o.track_levers = track_levers;
            o.year_values = year_values;
            o.year_breakdowns = year_breakdowns;
            o.keep_derived = keep_derived;
            o.keep_breakdowns = keep_breakdowns;
            o.keep_draws = keep_draws;
            o.quantiles = std::move(quantiles);
            o.histogram_bins = histogram_bins;
            o.quantile_draws = quantile_draws;
            o.report_interval = report_interval;
            o.cancelled = check_signals;
            if (!progress.is_none())
                o.progress = [&progress](std::uint64_t done, std::uint64_t total) {
                    py::gil_scoped_acquire gil;
                    progress(done, total);
                };
            engine::SimulationResult r;
            {
                py::gil_scoped_release release;
                const engine::Plan plan = engine::compile(scenario, library);
                r = engine::simulate(plan, scenario, o);
            }
            return to_dict(std::move(r));
        },
        "scenario"_a, "library"_a, "draws"_a, "seed"_a = 0, "sampler"_a = "lhs", "threads"_a = 0,
        "block_size"_a = engine::SimulationOptions{}.block_size, "keep_outcomes"_a = true, "keep_full"_a = false,
        "keep_inputs"_a = false, "track_levers"_a = true, "year_values"_a = false, "keep_derived"_a = true,
        "quantiles"_a = engine::SimulationOptions{}.quantiles, "histogram_bins"_a = 512,
        "quantile_draws"_a = engine::SimulationOptions{}.quantile_draws, "progress"_a = py::none(),
        "report_interval"_a = 0.1, "keep_breakdowns"_a = py::none(), "given_ids"_a = std::vector<std::string>{},
        "given_values"_a = py::none(), "keep_draws"_a = true, "year_breakdowns"_a = true,
        "Monte Carlo simulation of a scenario (socval._core.model.Scenario) with a value library; returns a dict of "
        "numpy arrays. progress(done, total) is called about every report_interval seconds. Ctrl-C raises "
        "KeyboardInterrupt within about a block. keep_breakdowns: value by beneficiary and cost by lever draw by "
        "draw (None: while draws <= 250,000; otherwise streaming summaries). given_ids / given_values (a "
        "len(given_ids) x draws array): these parameters take the given value in each draw, the others are "
        "sampled as usual. keep_draws=False (streaming): no per-draw arrays (empty), headline_summary of "
        "pv_costs, pv_investment, pv_benefits, pv_others, npsv. year_breakdowns: per-year summaries of value by "
        "place, by income quintile and by IMD decile (when declared). Raises socval.SamplingError, ScenarioError, "
        "AppraisalError.");

    m.def(
        "result_bytes",
        [](const model::Scenario& scenario, const values::Library& library, const py::dict& options) {
            const engine::SimulationOptions o = options_from(options);
            return engine::simulation_bytes(engine::compile(scenario, library), o);
        },
        "scenario"_a, "library"_a, "options"_a,
        "Bytes of the arrays a simulation of `scenario` with `options` (simulate()'s keyword names) allocates for "
        "its result: per-draw arrays and the per-year tables by place and by quintile (docs/guide/limits.md).");

    m.def(
        "simulate_part",
        [](const model::Scenario& scenario, const values::Library& library, const py::dict& options,
           std::uint64_t first_block, std::uint64_t blocks) {
            const engine::SimulationOptions o = options_from(options);
            std::vector<std::uint8_t> bytes;
            {
                py::gil_scoped_release release;
                const engine::Plan plan = engine::compile(scenario, library);
                bytes = engine::encode_part(engine::simulate_part(plan, scenario, o, first_block, blocks));
            }
            return as_bytes(bytes);
        },
        "scenario"_a, "library"_a, "options"_a, "first_block"_a, "blocks"_a,
        "Blocks [first_block, first_block + blocks) of the run `options` defines (a dict of simulate()'s keyword "
        "names; draws is the whole run's), as bytes for Merge.add. Bit-identical to the same draws of a whole run.");
    m.def(
        "part_values",
        [](const py::bytes& part) {
            const std::string_view b = part;
            engine::SimulationPart p = engine::decode_part(reinterpret_cast<const std::uint8_t*>(b.data()), b.size());
            py::dict d = to_dict(std::move(p.values));
            d["first_block"] = p.first_block;
            d["blocks"] = p.blocks;
            d["first_draw"] = p.first_draw;
            return d;
        },
        "part"_a, "The per-draw arrays of a part (simulate_part's bytes) as simulate()'s dict gives them, with its "
        "first_block, blocks and first_draw.");
    py::class_<engine::SimulationMerge>(m, "Merge",
                                         "Merges parts (simulate_part's bytes) of one run in block order into its "
                                         "result dict, bit-identical to simulate() with the same options.")
        .def(py::init([](const model::Scenario& scenario, const values::Library& library, const py::dict& options) {
                 const engine::SimulationOptions o = options_from(options);
                 const engine::Plan plan = engine::compile(scenario, library);
                 return std::make_unique<engine::SimulationMerge>(plan, scenario, o);
             }),
             "scenario"_a, "library"_a, "options"_a)
        .def(
            "add",
            [](engine::SimulationMerge& self, const py::bytes& part) {
                const std::string_view b = part;
                py::gil_scoped_release release;
                self.add(engine::decode_part(reinterpret_cast<const std::uint8_t*>(b.data()), b.size()));
            },
            "part"_a, "Add the next part (its first block must be next_block); SamplingError otherwise.")
        .def_property_readonly("next_block", &engine::SimulationMerge::next_block)
        .def_property_readonly("blocks", &engine::SimulationMerge::blocks)
        .def_property_readonly("block_size", &engine::SimulationMerge::block_size)
        .def("state", [](const engine::SimulationMerge& self) { return as_bytes(self.state()); },
             "The merged summaries and next block, as bytes (a checkpoint).")
        .def(
            "restore",
            [](engine::SimulationMerge& self, const py::bytes& state) {
                const std::string_view b = state;
                self.restore(reinterpret_cast<const std::uint8_t*>(b.data()), b.size());
            },
            "state"_a, "Continue from a state(); the per-draw arrays of the blocks before it stay zero.")
        .def("finish", [](engine::SimulationMerge& self) { return to_dict(self.finish()); },
             "The merged result dict (every block added), as simulate() returns it.");
}

}  // namespace socval::bindings
