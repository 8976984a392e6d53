/// Python bindings of the Monte Carlo simulation (socval._core.simulation).
#include "bindings.hpp"

namespace py = pybind11;

namespace socval::bindings {

void bind_simulation(py::module_& m) {
    m.doc() = "socval core: Monte Carlo simulation";
}

}  // namespace socval::bindings
