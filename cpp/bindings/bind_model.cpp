/// Python bindings of the model area (socval._core.model): the scenario reader and read-only views of a validated
/// Scenario (enums as the scenario file's words), for socval.Scenario's tables. No logic here.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include <socval/graph.hpp>
#include <socval/model.hpp>

#include "bindings.hpp"

namespace py = pybind11;

namespace socval::bindings {

namespace {

/// A value of the merged scenario document as Python sees it, typed as the C++ reader types it: quoted text is
/// str; plain text is None (empty, ~, null), bool (true / false), int (digits), float (a finite number in
/// strtod's syntax, the reader's rule) or str. The document is the one yaml-cpp read: no second parser.
py::object document_value(const YAML::Node& y) {
    switch (y.Type()) {
        case YAML::NodeType::Sequence: {
            py::list out;
            for (const auto& item : y) out.append(document_value(item));
            return std::move(out);
        }
        case YAML::NodeType::Map: {
            py::dict out;
            for (const auto& kv : y) out[py::str(kv.first.Scalar())] = document_value(kv.second);
            return std::move(out);
        }
        case YAML::NodeType::Scalar: {
            const std::string& t = y.Scalar();
            if (y.Tag() == "!") return py::str(t);
            if (t.empty() || t == "~" || t == "null" || t == "Null" || t == "NULL") return py::none();
            if (t == "true" || t == "True" || t == "TRUE") return py::bool_(true);
            if (t == "false" || t == "False" || t == "FALSE") return py::bool_(false);
            std::size_t i = (t[0] == '-' || t[0] == '+') ? 1 : 0;
            bool digits = i < t.size();
            for (std::size_t k = i; k < t.size(); ++k) digits = digits && t[k] >= '0' && t[k] <= '9';
            if (digits) return py::int_(py::str(t));
            char* end = nullptr;
            errno = 0;
            const double x = std::strtod(t.c_str(), &end);
            if (end == t.c_str() + t.size() && errno == 0 && std::isfinite(x) &&
                !std::isspace(static_cast<unsigned char>(t[0])))
                return py::float_(x);
            return py::str(t);
        }
        default:
            return py::none();
    }
}

}  // namespace

namespace {

using namespace socval::model;

/// A tuple of str from the core's word list.
py::tuple words(const std::vector<std::string>& w) {
    py::tuple t(w.size());
    for (std::size_t i = 0; i < w.size(); ++i) t[i] = py::str(w[i]);
    return t;
}

template <class T>
std::string str_of(T v) {
    return to_string(v);
}

}  // namespace

void bind_model(py::module_& m) {
    m.doc() = "socval core: scenario model, YAML reader and decision graph";
    // The word lists, from the one C++ definition (cpp/src/model/names.cpp), in the engine's result order.
    m.attr("PILLARS") = words(result_pillars());
    m.attr("LEVERS") = words(lever_words());
    m.attr("BENEFICIARIES") = words(beneficiary_words());

    py::class_<Location>(m, "Location", "Where in the input something was written.")
        .def_readonly("file", &Location::file)
        .def_readonly("line", &Location::line)
        .def_readonly("column", &Location::column)
        .def_readonly("key", &Location::key)
        .def("__str__", &Location::str)
        .def("__repr__", [](const Location& l) { return "<Location " + l.str() + ">"; });

    py::class_<Quantity>(m, "Quantity", "A number: fixed, or the central value of parameter `param`.")
        .def_readonly("value", &Quantity::value)
        .def_readonly("param", &Quantity::param)
        .def_property_readonly("uncertain", &Quantity::uncertain)
        .def("__repr__", [](const Quantity& q) {
            return "<Quantity " + std::to_string(q.value) + (q.uncertain() ? " param " + std::to_string(q.param) : "") +
                   ">";
        });

    py::class_<Parameter>(m, "Parameter", "An uncertain input with a stable id (its key path).")
        .def_readonly("id", &Parameter::id)
        .def_readonly("distribution", &Parameter::distribution)
        .def_readonly("where", &Parameter::where)
        .def("describe", [](const Parameter& p) { return p.distribution.describe(); })
        .def_property_readonly("central", [](const Parameter& p) { return p.distribution.central(); });

    py::class_<Priority>(m, "Priority")
        .def_readonly("id", &Priority::id)
        .def_readonly("name", &Priority::name)
        .def_readonly("description", &Priority::description)
        .def_property_readonly("pillar", [](const Priority& p) { return str_of(p.pillar); })
        .def_readonly("tags", &Priority::tags)
        .def_readonly("where", &Priority::where);

    py::class_<Valuation>(m, "Valuation")
        .def_property_readonly("kind", [](const Valuation& v) { return str_of(v.kind); })
        .def_readonly("per_unit", &Valuation::per_unit)
        .def_readonly("price_base_year", &Valuation::price_base_year)
        .def_readonly("library_id", &Valuation::library_id)
        .def_property_readonly("library_case", [](const Valuation& v) { return values::to_string(v.library_case); })
        .def_readonly("library_value", &Valuation::library_value)
        .def_readonly("library_central", &Valuation::library_central);

    py::class_<PriorityShare>(m, "PriorityShare")
        .def_readonly("priority", &PriorityShare::priority)
        .def_readonly("share", &PriorityShare::share);

    py::class_<Outcome>(m, "Outcome")
        .def_readonly("id", &Outcome::id)
        .def_readonly("name", &Outcome::name)
        .def_readonly("description", &Outcome::description)
        .def_readonly("unit", &Outcome::unit)
        .def_readonly("valuation", &Outcome::valuation)
        .def_property_readonly("beneficiary", [](const Outcome& o) { return str_of(o.beneficiary); })
        .def_readonly("deadweight", &Outcome::deadweight)
        .def_readonly("displacement", &Outcome::displacement)
        .def_readonly("leakage", &Outcome::leakage)
        .def_readonly("substitution", &Outcome::substitution)
        .def_readonly("attribution", &Outcome::attribution)
        .def_readonly("lag", &Outcome::lag)
        .def_readonly("duration", &Outcome::duration)
        .def_readonly("drop_off", &Outcome::drop_off)
        .def_readonly("priorities", &Outcome::priorities)
        .def_readonly("schedule", &Outcome::schedule)
        .def_readonly("place_shares", &Outcome::place_shares)
        .def_readonly("decile_shares", &Outcome::decile_shares)
        .def_readonly("where", &Outcome::where);

    py::class_<CostYear>(m, "CostYear")
        .def_readonly("year", &CostYear::year)
        .def_readonly("capital", &CostYear::capital)
        .def_readonly("revenue", &CostYear::revenue);

    py::class_<Output>(m, "Output")
        .def_readonly("outcome", &Output::outcome)
        .def_readonly("amount", &Output::amount)
        .def_property_readonly("basis", [](const Output& o) { return str_of(o.basis); })
        .def_readonly("where", &Output::where);

    py::class_<Option>(m, "Option")
        .def_readonly("id", &Option::id)
        .def_readonly("name", &Option::name)
        .def_readonly("description", &Option::description)
        .def_property_readonly("lever", [](const Option& o) { return str_of(o.lever); })
        .def_readonly("costs", &Option::costs)
        .def_readonly("optimism_bias_category", &Option::optimism_bias_category)
        .def_readonly("optimism_bias_mitigation", &Option::optimism_bias_mitigation)
        .def_readonly("optimism_bias_revenue_category", &Option::optimism_bias_revenue_category)
        .def_readonly("optimism_bias_revenue_mitigation", &Option::optimism_bias_revenue_mitigation)
        .def_readonly("optimism_bias_works_duration", &Option::optimism_bias_works_duration)
        .def_readonly("benefits_shortfall", &Option::benefits_shortfall)
        .def_readonly("outputs", &Option::outputs)
        .def_readonly("where", &Option::where);

    py::class_<Link>(m, "Link", "An edge into an outcome; `source` indexes options or outcomes (`source_kind`).")
        .def_readonly("id", &Link::id)
        .def_property_readonly("source_kind", [](const Link& l) { return str_of(l.from_kind); })
        .def_readonly("source", &Link::from)
        .def_readonly("target", &Link::to)
        .def_readonly("coefficient", &Link::coefficient)
        .def_readonly("lag", &Link::lag)
        .def_property_readonly("form", [](const Link& l) { return str_of(l.form); })
        .def_readonly("cap", &Link::cap)
        .def_readonly("where", &Link::where);

    py::class_<Funding>(m, "Funding")
        .def_readonly("option", &Funding::option)
        .def_readonly("scale", &Funding::scale)
        .def_readonly("start", &Funding::start)
        .def_readonly("where", &Funding::where);

    py::class_<Correlation>(m, "Correlation")
        .def_readonly("params", &Correlation::params)
        .def_property_readonly("matrix",
                               [](const Correlation& c) {
                                   const auto n = static_cast<py::ssize_t>(c.params.size());
                                   py::array_t<double> a({n, n});
                                   std::copy(c.matrix.begin(), c.matrix.end(), a.mutable_data());
                                   return a;
                               })
        .def_readonly("where", &Correlation::where);

    py::class_<Metadata>(m, "Metadata")
        .def_readonly("name", &Metadata::name)
        .def_readonly("description", &Metadata::description)
        .def_readonly("price_base_year", &Metadata::price_base_year)
        .def_readonly("first_year", &Metadata::first_year)
        .def_readonly("horizon", &Metadata::horizon)
        .def_readonly("schedule", &Metadata::schedule)
        .def_property_readonly("carbon_case", [](const Metadata& md) { return values::to_string(md.carbon_case); })
        .def_readonly("values", &Metadata::values);

    py::class_<Scenario>(m, "Scenario", "A validated scenario (read-only); build tables with socval.Scenario.")
        .def_readonly("meta", &Scenario::meta)
        .def_readonly("priorities", &Scenario::priorities)
        .def_readonly("outcomes", &Scenario::outcomes)
        .def_readonly("options", &Scenario::options)
        .def_readonly("links", &Scenario::links)
        .def_readonly("funded", &Scenario::funded)
        .def_readonly("parameters", &Scenario::parameters)
        .def_readonly("correlations", &Scenario::correlations)
        .def_readonly("source_file", &Scenario::source_file)
        .def_readonly("source_text", &Scenario::source_text)
        .def_readonly("warnings", &Scenario::warnings)
        .def_property_readonly(
            "place_ids",
            [](const Scenario& s) {
                std::vector<std::string> ids;
                for (const auto& p : s.places) ids.push_back(p.id);
                return ids;
            },
            "Ids of the scenario's places (`places:`; empty: no breakdown by place).")
        .def_property_readonly(
            "place_populations",
            [](const Scenario& s) {
                std::vector<double> pop;
                for (const auto& p : s.places) pop.push_back(p.population);
                return pop;
            },
            "Residents of each place (the default shares of value and spend), in place_ids order.")
        .def_property_readonly(
            "has_people", [](const Scenario& s) { return s.people.declared; },
            "Whether the scenario declares `people:` (breakdown by income quintile and distributional weights).")
        .def_property_readonly(
            "has_deciles",
            [](const Scenario& s) {
                for (const auto& o : s.outcomes)
                    if (!o.decile_shares.empty()) return true;
                return false;
            },
            "Whether some outcome gives shares by IMD decile (`people.imd_decile`): the breakdown by decile.")
        .def(
            "document",
            [](const Scenario& s) {
                const YAML::Node y = YAML::Load(s.source_text);
                py::object d = document_value(y);
                return d.is_none() ? py::object(py::dict()) : d;
            },
            "The merged document (after include / extends) as nested dict / list / str / int / float / bool / None, "
            "typed as the C++ reader reads it (the Python layer parses no YAML of its own).")
        .def(
            "edge_table",
            [](const Scenario& s) {
                py::dict cols;
                py::list from, to, kind, coefficient, lag, form;
                for (const auto& r : edge_table(s)) {
                    from.append(r.from);
                    to.append(r.to);
                    kind.append(r.kind);
                    coefficient.append(r.coefficient);
                    lag.append(r.lag);
                    form.append(r.form);
                }
                cols["from"] = from;
                cols["to"] = to;
                cols["kind"] = kind;
                cols["coefficient"] = coefficient;
                cols["lag"] = lag;
                cols["form"] = form;
                return cols;
            },
            "Edges as columns {from, to, kind, coefficient, lag, form} (outputs, links, shares).")
        .def(
            "outcome_order", [](const Scenario& s) { return build_graph(s).outcome_order; },
            "Outcome indices in the within-year (lag-0) evaluation order.")
        .def("__repr__", [](const Scenario& s) {
            return "<socval._core.model.Scenario '" + s.meta.name + "': " + std::to_string(s.options.size()) +
                   " options, " + std::to_string(s.outcomes.size()) + " outcomes, " +
                   std::to_string(s.priorities.size()) + " priorities>";
        });

    m.def(
        "read_scenario",
        [](const std::string& path, const values::Library& library, bool allow_outside, bool confined) {
            ReadOptions o;
            o.allow_outside = allow_outside;
            o.confined = confined;
            py::gil_scoped_release release;
            return read_scenario(path, library, o);
        },
        py::arg("path"), py::arg("library"), py::arg("allow_outside") = false, py::arg("confined") = false,
        "Read, merge and validate a scenario file (docs/formats/scenario.md) against a value library "
        "(socval.values.default_library() for the default); confined: refuse any path outside the file's "
        "folder whatever allow_outside says. Raises socval.ScenarioError.");
    m.def(
        "read_scenario_text",
        [](const std::string& yaml, const std::string& name, const std::string& base_dir,
           const values::Library& library, bool allow_outside, bool confined) {
            ReadOptions o;
            o.allow_outside = allow_outside;
            o.confined = confined;
            py::gil_scoped_release release;
            return read_scenario_text(yaml, name, base_dir, library, o);
        },
        py::arg("yaml"), py::arg("name"), py::arg("base_dir"), py::arg("library"), py::arg("allow_outside") = false,
        py::arg("confined") = false,
        "Read a scenario from YAML text; `name` stands for the file in messages, `base_dir` resolves include / "
        "extends paths. Raises socval.ScenarioError.");
}

}  // namespace socval::bindings
