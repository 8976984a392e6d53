/// Python bindings of the io area (socval._core.io).
#include "bindings.hpp"

namespace py = pybind11;

namespace socval::bindings {

void bind_io(py::module_& m) {
    m.doc() = "socval core: io";
}

}  // namespace socval::bindings
