/// Python bindings of the sampling area (socval._core.sampling): distributions, keyed streams, LHS, copula.
/// Thin: every computation is in cpp/src/sampling; long fills release the GIL.
#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "socval/sampling.hpp"

namespace py = pybind11;

namespace socval::bindings {

namespace {

using Array = py::array_t<double, py::array::c_style | py::array::forcecast>;

/// Apply a per-element function of a Distribution to an array (any shape), GIL released.
template <class F>
Array map_array(const Array& in, F f) {
    Array out(in.request().shape);
    const double* src = in.data();
    double* dst = out.mutable_data();
    const auto n = static_cast<std::size_t>(in.size());
    {
        py::gil_scoped_release release;
        f(src, dst, n);
    }
    return out;
}

std::uint64_t total_or(std::uint64_t n_total, std::uint64_t d0, std::size_t n) {
    return n_total ? n_total : d0 + n;
}

}  // namespace

void bind_sampling(py::module_& m) {
    m.doc() = "socval core: sampling (distributions, keyed random streams, Latin hypercube, Gaussian copula)";

    py::class_<Distribution>(m, "Distribution", "A validated distribution of one uncertain parameter.")
        .def(py::init([](const std::string& kind, const std::map<std::string, double>& numbers,
                         const std::vector<double>& values, const std::vector<double>& probabilities) {
                 return Distribution::from_parameters(kind, numbers, values, probabilities);
             }),
             py::arg("kind"), py::arg("params") = std::map<std::string, double>{},
             py::arg("values") = std::vector<double>{}, py::arg("probabilities") = std::vector<double>{},
             "Build from a family name and named numbers, e.g. Distribution('pert', {'min': 1, 'mode': 2, 'max': 4}).")
        .def_property_readonly("kind", [](const Distribution& d) { return kind_name(d.kind()); })
        .def_property_readonly("params",
                               [](const Distribution& d) {
                                   std::map<std::string, double> p;
                                   for (const auto& x : d.params()) p[x.name] = x.value;
                                   return p;
                               })
        .def_property_readonly("values", &Distribution::discrete_values)
        .def_property_readonly("probabilities", &Distribution::discrete_probabilities)
        .def("describe", &Distribution::describe)
        .def("__repr__", &Distribution::describe)
        .def("mean", &Distribution::mean)
        .def("sd", &Distribution::sd)
        .def("central", &Distribution::central, "Value used by deterministic evaluation: the mean.")
        .def_property_readonly("support", [](const Distribution& d) {
            return std::make_pair(d.support_min(), d.support_max());
        })
        .def("quantile", [](const Distribution& d, double u) { return d.quantile(u); }, py::arg("u"))
        .def("quantile", [](const Distribution& d, const Array& u) {
                 return map_array(u, [&d](const double* a, double* b, std::size_t n) { d.quantile_block(a, b, n); });
             }, py::arg("u"))
        .def("cdf", [](const Distribution& d, double x) { return d.cdf(x); }, py::arg("x"))
        .def("cdf", [](const Distribution& d, const Array& x) {
                 return map_array(x, [&d](const double* a, double* b, std::size_t n) {
                     for (std::size_t i = 0; i < n; ++i) b[i] = d.cdf(a[i]);
                 });
             }, py::arg("x"));

    m.def("normal_quantile", &normal_quantile, py::arg("p"), "Standard normal inverse CDF (AS241).");
    m.def("stable_hash", [](const std::string& id) { return stable_hash(id); }, py::arg("id"),
          "FNV-1a 64-bit hash of a parameter id.");
    m.def("philox4x64", &philox4x64, py::arg("counter"), py::arg("key"), "Philox4x64-10 block function.");
    m.def("stream_uniform", [](std::uint64_t seed, const std::string& id, std::uint64_t draw, std::uint32_t sub) {
              return stream_uniform(StreamKey::of(seed, id), draw, sub);
          }, py::arg("seed"), py::arg("id"), py::arg("draw"), py::arg("sub") = 0);
    m.def("uniforms",
          [](std::uint64_t seed, const std::string& id, std::size_t n, std::uint64_t start, const std::string& sampler,
             std::uint64_t n_total) {
              const Sampler s = parse_sampler(sampler);
              Array out(static_cast<py::ssize_t>(n));
              double* p = out.mutable_data();
              {
                  py::gil_scoped_release release;
                  uniform_block(StreamKey::of(seed, id), start, n, s, total_or(n_total, start, n), p);
              }
              return out;
          },
          py::arg("seed"), py::arg("id"), py::arg("n"), py::arg("start") = 0, py::arg("sampler") = "mc",
          py::arg("n_total") = 0,
          "Uniforms of draws [start, start + n) of parameter `id` (LHS over n_total draws; 0 means start + n).");
    m.def("sample",
          [](const Distribution& d, std::uint64_t seed, const std::string& id, std::size_t n, std::uint64_t start,
             const std::string& sampler, std::uint64_t n_total) {
              const Sampler s = parse_sampler(sampler);
              Array out(static_cast<py::ssize_t>(n));
              double* p = out.mutable_data();
              {
                  py::gil_scoped_release release;
                  sample_block(d, StreamKey::of(seed, id), start, n, s, total_or(n_total, start, n), p);
              }
              return out;
          },
          py::arg("distribution"), py::arg("seed"), py::arg("id"), py::arg("n"), py::arg("start") = 0,
          py::arg("sampler") = "mc", py::arg("n_total") = 0, "Draws [start, start + n) of a parameter.");
    m.def("lhs_permutation",
          [](std::uint64_t seed, const std::string& id, std::uint64_t n) {
              const KeyedPermutation pi(StreamKey::of(seed, id), n);
              py::array_t<std::uint64_t> out(static_cast<py::ssize_t>(n));
              auto* p = out.mutable_data();
              for (std::uint64_t i = 0; i < n; ++i) p[i] = pi(i);
              return out;
          },
          py::arg("seed"), py::arg("id"), py::arg("n"), "The keyed LHS stratum permutation of [0, n).");

    py::class_<GaussianCopula>(m, "GaussianCopula", "Gaussian copula for target Spearman rank correlations.")
        .def(py::init<std::vector<std::string>, const Eigen::MatrixXd&>(), py::arg("parameters"), py::arg("spearman"))
        .def_property_readonly("parameters", &GaussianCopula::parameters)
        .def_property_readonly("spearman", &GaussianCopula::spearman)
        .def_property_readonly("pearson", &GaussianCopula::pearson)
        .def_property_readonly("factor", &GaussianCopula::factor)
        .def("correlate",
             [](const GaussianCopula& c, const Array& u) {
                 if (u.ndim() != 2 || static_cast<std::size_t>(u.shape(1)) != c.size())
                     throw SamplingError("GaussianCopula.correlate: expected an array of shape (draws, " +
                                         std::to_string(c.size()) + ")");
                 Array out(u.request().shape);
                 const auto n = static_cast<std::size_t>(u.shape(0));
                 const double* src = u.data();
                 double* dst = out.mutable_data();
                 {
                     py::gil_scoped_release release;
                     std::copy(src, src + n * c.size(), dst);
                     for (std::size_t d = 0; d < n; ++d) c.correlate(dst + d * c.size());
                 }
                 return out;
             },
             py::arg("u"), "Correlate independent uniforms, one row per draw, one column per parameter.");
}

}  // namespace socval::bindings
