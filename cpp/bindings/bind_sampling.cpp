/// Python bindings of the sampling area (socval._core.sampling).
#include "bindings.hpp"

namespace py = pybind11;

namespace socval::bindings {

void bind_sampling(py::module_& m) {
    m.doc() = "socval core: sampling";
}

}  // namespace socval::bindings
