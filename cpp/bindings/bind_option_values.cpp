/// Python bindings of per-option values on common random numbers (socval._core.analysis), for portfolio choice.
/// Thin: the simulation runs with the GIL released; tables come back as numpy arrays (draws x options, stacked
/// by pillar / lever / priority). The user-facing API is python/socval/portfolio.py.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <utility>
#include <vector>

#include <socval/analysis/option_values.hpp>

#include "bindings.hpp"

namespace py = pybind11;
using namespace pybind11::literals;

namespace socval::bindings {

void bind_option_values(py::module_& m) {
    m.def(
        "option_values",
        [](const model::Scenario& scenario, const values::Library& library, std::uint64_t draws, std::uint64_t seed,
           const std::string& sampler, int threads, int block_size, std::vector<std::string> candidates,
           std::uint64_t first_draw, std::uint64_t count) {
            analysis::OptionValuesOptions o;
            o.draws = draws;
            o.seed = seed;
            o.sampler = parse_sampler(sampler);
            o.threads = threads;
            o.block_size = block_size;
            o.candidates = std::move(candidates);
            o.first_draw = first_draw;
            o.count = count;
            o.cancelled = check_signals;
            analysis::OptionValues r;
            {
                py::gil_scoped_release release;
                r = analysis::option_values(scenario, library, o);
            }
            const auto N = static_cast<py::ssize_t>(r.draws), I = static_cast<py::ssize_t>(r.option_ids.size()),
                       K = static_cast<py::ssize_t>(r.priority_ids.size());
            py::dict d;
            d["draws"] = r.draws;
            d["seed"] = r.seed;
            d["sampler"] = sampler_name(r.sampler);
            d["option_ids"] = r.option_ids;
            d["option_levers"] = r.option_levers;
            d["funded"] = std::vector<bool>(r.funded.begin(), r.funded.end());
            d["scale"] = r.scale;
            d["start"] = r.start;
            d["priority_ids"] = r.priority_ids;
            d["priority_pillars"] = r.priority_pillars;
            d["value"] = owned(std::move(r.value), {N, I});
            d["cost"] = owned(std::move(r.cost), {N, I});
            d["others"] = owned(std::move(r.others), {N, I});
            d["pillar_value"] = owned(std::move(r.pillar_value), {4, N, I});
            d["lever_value"] = owned(std::move(r.lever_value), {3, N, I});
            d["priority_value"] = owned(std::move(r.priority_value), {K, N, I});
            d["weighted_value"] = r.weighted_value.empty() ? py::object(py::none())
                                                           : py::object(owned(std::move(r.weighted_value), {N, I}));
            return d;
        },
        "scenario"_a, "library"_a, "draws"_a = 2000, "seed"_a = 0, "sampler"_a = "lhs", "threads"_a = 0,
        "block_size"_a = 256, "candidates"_a = std::vector<std::string>{},
        "first_draw"_a = 0, "count"_a = 0,
        "Per-draw PV value and cost of every candidate option, the pool funded together on the keyed streams of "
        "simulate() (common random numbers). Returns a dict: value, cost (draws x options; costs to others "
        "included), others (PV costs to others, draws x options), pillar_value "
        "(4 x draws x options: social, economic, environmental, unallocated), lever_value (3 x ...), "
        "priority_value (priorities + unallocated x ...), weighted_value (draws x options, Annex A3 weights; None "
        "without people:), option_ids, option_levers, funded, scale, start. "
        "first_draw, count: only draws [first_draw, first_draw + count) of the run (0 = to the end), the same "
        "values as those rows of the whole run (one task of a run on a cluster). "
        "Ctrl-C raises KeyboardInterrupt within about a block. Raises socval.ScenarioError, SamplingError, "
        "AppraisalError.");
}

}  // namespace socval::bindings
