/// Python bindings of the decision area (socval._core.decision). Thin: conversions only; the GIL is released
/// around every computation. The user-facing API is python/socval/decision.py.
#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "socval/decision.hpp"
#include "socval/errors.hpp"

namespace py = pybind11;

namespace socval::bindings {

namespace {

using namespace socval::decision;

WeightConstraints weights(const Eigen::VectorXd& lower, const Eigen::VectorXd& upper,
                          const std::vector<std::pair<int, int>>& order) {
    WeightConstraints c;
    c.lower = lower;
    c.upper = upper;
    c.order = order;
    return c;
}

py::dict portfolio_dict(const PortfolioResult& r) {
    py::dict d;
    d["selected"] = r.selected;
    d["objective"] = r.objective;
    d["cost"] = r.cost;
    d["binding"] = r.binding;
    d["constraints"] = r.constraints;
    return d;
}

MilpLimits limits(double time_limit) {
    MilpLimits l;
    l.time_limit = time_limit;
    l.cancelled = check_signals;
    return l;
}

py::dict pareto_dict(const ParetoSet& s) {
    py::dict d;
    d["portfolios"] = s.portfolios;
    d["objectives"] = s.objectives;
    d["cost"] = s.cost;
    return d;
}

}  // namespace

void bind_decision(py::module_& m) {
    m.doc() = "socval core: decision (SMAA-2, draw comparison, portfolio selection, RPM)";

    m.def(
        "smaa",
        [](py::array_t<double, py::array::c_style | py::array::forcecast> performance, std::int64_t n_weights,
           std::uint64_t seed, int threads, const Eigen::VectorXd& lower, const Eigen::VectorXd& upper,
           const std::vector<std::pair<int, int>>& order, double min_acceptance) {
            if (performance.ndim() != 3)
                throw DecisionError("performance: expected a 3-d array (draws, alternatives, criteria), found " +
                                    std::to_string(performance.ndim()) + " dimension(s)");
            Performance p{performance.data(), static_cast<int>(performance.shape(0)),
                          static_cast<int>(performance.shape(1)), static_cast<int>(performance.shape(2))};
            SmaaOptions o;
            o.n_weights = n_weights;
            o.seed = seed;
            o.threads = threads;
            o.constraints = weights(lower, upper, order);
            o.min_acceptance = min_acceptance;
            SmaaResult r;
            {
                py::gil_scoped_release release;
                r = smaa(p, o);
            }
            py::dict d;
            d["rank_acceptability"] = r.rank_acceptability;
            d["central_weights"] = r.central_weights;
            d["confidence"] = r.confidence;
            d["acceptance_rate"] = r.acceptance_rate;
            return d;
        },
        py::arg("performance"), py::arg("n_weights"), py::arg("seed"), py::arg("threads"), py::arg("lower"),
        py::arg("upper"), py::arg("order"), py::arg("min_acceptance"));

    m.def(
        "compare_draws",
        [](const MatrixRef& draws, const std::vector<double>& levels, double rtol) {
            DrawComparison r;
            {
                py::gil_scoped_release release;
                r = compare_draws(draws, levels, rtol);
            }
            py::dict d;
            d["mean"] = r.mean;
            d["p_best"] = r.p_best;
            d["p_greater"] = r.p_greater;
            d["fsd"] = Eigen::MatrixXi(r.fsd);
            d["ssd"] = Eigen::MatrixXi(r.ssd);
            d["expected_regret"] = r.expected_regret;
            d["cvar"] = r.cvar;
            return d;
        },
        py::arg("draws"), py::arg("levels"), py::arg("rtol"));

    py::class_<PortfolioProblem>(m, "PortfolioProblem")
        .def(py::init<>())
        .def_readwrite("values", &PortfolioProblem::values)
        .def_readwrite("costs", &PortfolioProblem::costs)
        .def_readwrite("budget", &PortfolioProblem::budget)
        .def_readwrite("exclusive", &PortfolioProblem::exclusive)
        .def_readwrite("requires", &PortfolioProblem::requires_pairs)
        .def_readwrite("include", &PortfolioProblem::include)
        .def_readwrite("exclude", &PortfolioProblem::exclude)
        .def_readwrite("min_contribution", &PortfolioProblem::min_contribution)
        .def_readwrite("min_value", &PortfolioProblem::min_value)
        .def_readwrite("min_value_names", &PortfolioProblem::min_value_names)
        .def_readwrite("objective", &PortfolioProblem::objective)
        .def_readwrite("alpha", &PortfolioProblem::alpha);

    m.def(
        "select_portfolio",
        [](const PortfolioProblem& p, const std::string& solver, bool explain, double time_limit) {
            const MilpSolver s = parse_milp_solver(solver);
            const MilpLimits l = limits(time_limit);
            PortfolioResult r;
            {
                py::gil_scoped_release release;
                r = select_portfolio(p, s, explain, l);
            }
            return portfolio_dict(r);
        },
        py::arg("problem"), py::arg("solver") = "glpk", py::arg("explain") = true, py::arg("time_limit") = 60.0);

    m.def(
        "efficient_frontier",
        [](const PortfolioProblem& p, const std::vector<double>& budgets, bool steps, const std::string& solver,
           double time_limit) {
            const MilpSolver s = parse_milp_solver(solver);
            const MilpLimits l = limits(time_limit);
            std::vector<PortfolioResult> r;
            {
                py::gil_scoped_release release;
                r = steps ? efficient_frontier_steps(p, s, 1000, l) : efficient_frontier(p, budgets, s, l);
            }
            py::list out;
            for (const auto& x : r) out.append(portfolio_dict(x));
            return out;
        },
        py::arg("problem"), py::arg("budgets"), py::arg("steps"), py::arg("solver") = "glpk",
        py::arg("time_limit") = 60.0);

    m.def(
        "nondominated_portfolios",
        [](const MatrixRef& scores, const VectorRef& costs, double budget, double rtol) {
            ParetoSet s;
            {
                py::gil_scoped_release release;
                s = nondominated_portfolios(scores, costs, budget, rtol);
            }
            return pareto_dict(s);
        },
        py::arg("scores"), py::arg("costs"), py::arg("budget"), py::arg("rtol"));

    m.def(
        "robust_portfolios",
        [](const MatrixRef& scores, const VectorRef& costs, double budget, const Eigen::VectorXd& lower,
           const Eigen::VectorXd& upper, const std::vector<std::pair<int, int>>& order, double rtol) {
            RpmResult r;
            {
                py::gil_scoped_release release;
                r = robust_portfolios(scores, costs, budget, weights(lower, upper, order), rtol);
            }
            py::dict d = pareto_dict(r.nondominated);
            d["core_index"] = r.core_index;
            d["extreme_weights"] = r.extreme_weights;
            return d;
        },
        py::arg("scores"), py::arg("costs"), py::arg("budget"), py::arg("lower"), py::arg("upper"), py::arg("order"),
        py::arg("rtol"));

    m.def(
        "weight_extreme_points",
        [](int criteria, const Eigen::VectorXd& lower, const Eigen::VectorXd& upper,
           const std::vector<std::pair<int, int>>& order) {
            return weight_extreme_points(weights(lower, upper, order), criteria);
        },
        py::arg("criteria"), py::arg("lower"), py::arg("upper"), py::arg("order"));
}

}  // namespace socval::bindings
