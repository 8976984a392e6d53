/// Python bindings of the sensitivity area (socval._core.sensitivity, and value of information in
/// socval._core.sensitivity.voi). Thin: argument conversion only; the GIL is released around computations.
#include <pybind11/eigen.h>
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "socval/sensitivity.hpp"
#include "socval/sensitivity/dependent.hpp"
#include "socval/voi.hpp"

namespace py = pybind11;

namespace socval::bindings {

namespace {

using RefVec = Eigen::Ref<const Eigen::VectorXd>;
using RefMat = Eigen::Ref<const Eigen::MatrixXd>;
using Release = py::call_guard<py::gil_scoped_release>;

sensitivity::SobolOptions sobol_options(int n_bootstrap, double conf_level, std::uint64_t seed, int threads) {
    sensitivity::SobolOptions o;
    o.n_bootstrap = n_bootstrap;
    o.conf_level = conf_level;
    o.seed = seed;
    o.threads = threads;
    return o;
}

void bind_voi(py::module_& m) {
    m.doc() = "socval core: value of information (EVPI, EVPPI)";
    py::class_<voi::EvppiResult>(m, "EvppiResult")
        .def_readonly("evppi", &voi::EvppiResult::evppi)
        .def_readonly("raw", &voi::EvppiResult::raw)
        .def_readonly("se", &voi::EvppiResult::se)
        .def_readonly("evpi", &voi::EvppiResult::evpi)
        .def_readonly("clipped", &voi::EvppiResult::clipped)
        .def_readonly("method", &voi::EvppiResult::method)
        .def_readonly("smoothing", &voi::EvppiResult::lambda)
        .def_readonly("edf", &voi::EvppiResult::edf)
        .def_readonly("fitted", &voi::EvppiResult::fitted);
    m.def("evpi", &voi::evpi, py::arg("net_benefit"), Release(),
          "EVPI from net benefits (draws x options).");
    m.def(
        "evppi",
        [](const RefMat& nb, const RefMat& inputs, const std::string& method, int segments, int se_samples,
           std::uint64_t seed) {
            voi::EvppiOptions o;
            o.method = method;
            o.segments = segments;
            o.se_samples = se_samples;
            o.seed = seed;
            return voi::evppi(nb, inputs, o);
        },
        py::arg("net_benefit"), py::arg("inputs"), py::arg("method") = "auto", py::arg("segments") = 0,
        py::arg("se_samples") = 200, py::arg("seed") = 0, Release(),
        "EVPPI of the inputs (draws x p) by penalised-spline regression with GCV.");
}

void bind_dependent(py::module_& m) {
    using sensitivity::DependentIndices;
    using sensitivity::DependentLayout;
    using sensitivity::ShapleyEffects;
    using sensitivity::ShapleyLayout;
    py::class_<ShapleyLayout>(m, "ShapleyLayout")
        .def_readonly("inputs", &ShapleyLayout::inputs)
        .def_readonly("group_of", &ShapleyLayout::group_of)
        .def_readonly("factors", &ShapleyLayout::factors)
        .def_readonly("n_variance", &ShapleyLayout::n_variance)
        .def_readonly("outer", &ShapleyLayout::outer)
        .def_readonly("inner", &ShapleyLayout::inner)
        .def_readonly("exact", &ShapleyLayout::exact)
        .def_readonly("permutations", &ShapleyLayout::permutations)
        .def_property_readonly("rows", &ShapleyLayout::rows);
    m.def("shapley_layout", &sensitivity::shapley_layout, py::arg("correlation"), py::arg("group_of"),
          py::arg("n_variance"), py::arg("outer"), py::arg("inner"), py::arg("permutations"), py::arg("seed"),
          Release(), "Shapley design shape: exact (permutations=0) or random permutations.");
    m.def("shapley_design", &sensitivity::shapley_design, py::arg("layout"), py::arg("seed"), py::arg("threads") = 0,
          Release(), "Shapley design in the unit hypercube by conditional sampling from the Gaussian copula.");
    py::class_<ShapleyEffects>(m, "ShapleyEffects")
        .def_readonly("variance", &ShapleyEffects::variance)
        .def_readonly("shapley", &ShapleyEffects::shapley)
        .def_readonly("conf", &ShapleyEffects::conf);
    m.def(
        "shapley_effects",
        [](const RefVec& y, const ShapleyLayout& l, int n_bootstrap, double conf_level, std::uint64_t seed,
           int threads) {
            return sensitivity::shapley_effects(y, l, sobol_options(n_bootstrap, conf_level, seed, threads));
        },
        py::arg("outputs"), py::arg("layout"), py::arg("n_bootstrap") = 1000, py::arg("conf_level") = 0.95,
        py::arg("seed") = 0, py::arg("threads") = 0, Release());

    py::class_<DependentLayout>(m, "DependentLayout")
        .def_readonly("n", &DependentLayout::n)
        .def_readonly("inputs", &DependentLayout::inputs)
        .def_readonly("group_of", &DependentLayout::group_of)
        .def_readonly("factors", &DependentLayout::factors)
        .def_property_readonly("blocks", &DependentLayout::blocks)
        .def_property_readonly("rows", &DependentLayout::rows);
    m.def("dependent_layout", &sensitivity::dependent_layout, py::arg("n"), py::arg("correlation"),
          py::arg("group_of") = std::vector<int>{}, Release());
    m.def("dependent_design", &sensitivity::dependent_design, py::arg("layout"), py::arg("seed"), Release(),
          "Design for full / independent Sobol indices (A, B, per factor 'first' then 'last' blocks).");
    py::class_<DependentIndices>(m, "DependentIndices")
        .def_readonly("n", &DependentIndices::n)
        .def_readonly("variance", &DependentIndices::variance)
        .def_readonly("S_full", &DependentIndices::S_full)
        .def_readonly("ST_full", &DependentIndices::ST_full)
        .def_readonly("S_ind", &DependentIndices::S_ind)
        .def_readonly("ST_ind", &DependentIndices::ST_ind)
        .def_readonly("S_full_conf", &DependentIndices::S_full_conf)
        .def_readonly("ST_full_conf", &DependentIndices::ST_full_conf)
        .def_readonly("S_ind_conf", &DependentIndices::S_ind_conf)
        .def_readonly("ST_ind_conf", &DependentIndices::ST_ind_conf);
    m.def(
        "dependent_indices",
        [](const RefVec& y, const DependentLayout& l, int n_bootstrap, double conf_level, std::uint64_t seed,
           int threads) {
            return sensitivity::dependent_indices(y, l, sobol_options(n_bootstrap, conf_level, seed, threads));
        },
        py::arg("outputs"), py::arg("layout"), py::arg("n_bootstrap") = 1000, py::arg("conf_level") = 0.95,
        py::arg("seed") = 0, py::arg("threads") = 0, Release());
}

}  // namespace

void bind_sensitivity(py::module_& m) {
    m.doc() = "socval core: sensitivity (Sobol, Morris, tornado) and value of information";
    m.def("sobol_max_dimensions", &sensitivity::sobol_max_dimensions);
    m.def("sobol_points", &sensitivity::sobol_points, py::arg("n"), py::arg("dimensions"), py::arg("seed"),
          py::arg("scramble") = true, py::arg("first") = 0, Release(),
          "Points first..first+n-1 of the scrambled Sobol sequence, n x dimensions in (0, 1).");

    py::class_<sensitivity::SaltelliLayout>(m, "SaltelliLayout")
        .def_readonly("n", &sensitivity::SaltelliLayout::n)
        .def_readonly("inputs", &sensitivity::SaltelliLayout::inputs)
        .def_readonly("group_of", &sensitivity::SaltelliLayout::group_of)
        .def_readonly("factors", &sensitivity::SaltelliLayout::factors)
        .def_readonly("second_order", &sensitivity::SaltelliLayout::second_order)
        .def_property_readonly("blocks", &sensitivity::SaltelliLayout::blocks)
        .def_property_readonly("rows", &sensitivity::SaltelliLayout::rows);
    m.def("saltelli_layout", &sensitivity::saltelli_layout, py::arg("n"), py::arg("inputs"),
          py::arg("group_of") = std::vector<int>{}, py::arg("second_order") = false);
    m.def("saltelli_design", &sensitivity::saltelli_design, py::arg("layout"), py::arg("seed"), Release(),
          "Saltelli design in the unit hypercube, block-major (A, B, AB_g..., BA_g...).");

    py::class_<sensitivity::SobolIndices>(m, "SobolIndices")
        .def_readonly("n", &sensitivity::SobolIndices::n)
        .def_readonly("variance", &sensitivity::SobolIndices::variance)
        .def_readonly("S1", &sensitivity::SobolIndices::S1)
        .def_readonly("ST", &sensitivity::SobolIndices::ST)
        .def_readonly("S1_conf", &sensitivity::SobolIndices::S1_conf)
        .def_readonly("ST_conf", &sensitivity::SobolIndices::ST_conf)
        .def_readonly("S2", &sensitivity::SobolIndices::S2)
        .def_readonly("S2_conf", &sensitivity::SobolIndices::S2_conf);
    m.def(
        "sobol_indices",
        [](const RefVec& y, const sensitivity::SaltelliLayout& l, int n_bootstrap, double conf_level,
           std::uint64_t seed, int threads, std::int64_t n_used) {
            return sensitivity::sobol_indices(y, l, sobol_options(n_bootstrap, conf_level, seed, threads), n_used);
        },
        py::arg("outputs"), py::arg("layout"), py::arg("n_bootstrap") = 1000, py::arg("conf_level") = 0.95,
        py::arg("seed") = 0, py::arg("threads") = 0, py::arg("n_used") = 0, Release());
    m.def(
        "sobol_convergence",
        [](const RefVec& y, const sensitivity::SaltelliLayout& l, int n_bootstrap, double conf_level,
           std::uint64_t seed, int threads) {
            return sensitivity::sobol_convergence(y, l, sobol_options(n_bootstrap, conf_level, seed, threads));
        },
        py::arg("outputs"), py::arg("layout"), py::arg("n_bootstrap") = 1000, py::arg("conf_level") = 0.95,
        py::arg("seed") = 0, py::arg("threads") = 0, Release());

    py::class_<sensitivity::MorrisResult>(m, "MorrisResult")
        .def_readonly("effects", &sensitivity::MorrisResult::effects)
        .def_readonly("mu", &sensitivity::MorrisResult::mu)
        .def_readonly("mu_star", &sensitivity::MorrisResult::mu_star)
        .def_readonly("sigma", &sensitivity::MorrisResult::sigma);
    m.def("morris_design", &sensitivity::morris_design, py::arg("inputs"), py::arg("trajectories"),
          py::arg("levels"), py::arg("seed"), Release());
    m.def("morris_effects", &sensitivity::morris_effects, py::arg("design"), py::arg("outputs"),
          py::arg("trajectories"), Release());

    py::class_<sensitivity::TornadoResult>(m, "TornadoResult")
        .def_readonly("base", &sensitivity::TornadoResult::base)
        .def_readonly("output_low", &sensitivity::TornadoResult::output_low)
        .def_readonly("output_high", &sensitivity::TornadoResult::output_high)
        .def_readonly("swing", &sensitivity::TornadoResult::swing)
        .def_readonly("order", &sensitivity::TornadoResult::order);
    m.def("tornado_design", &sensitivity::tornado_design, py::arg("central"), py::arg("low"), py::arg("high"));
    m.def("tornado_swings", &sensitivity::tornado_swings, py::arg("outputs"));

    bind_dependent(m);

    auto v = m.def_submodule("voi");
    bind_voi(v);
}

}  // namespace socval::bindings
