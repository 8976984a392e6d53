/// Python bindings of the values area (socval._core.values).
#include "bindings.hpp"

namespace py = pybind11;

namespace socval::bindings {

void bind_values(py::module_& m) {
    m.doc() = "socval core: values";
}

}  // namespace socval::bindings
