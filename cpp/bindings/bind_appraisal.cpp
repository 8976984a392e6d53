/// Python bindings of the appraisal area (socval._core.appraisal).
#include "bindings.hpp"

namespace py = pybind11;

namespace socval::bindings {

void bind_appraisal(py::module_& m) {
    m.doc() = "socval core: appraisal";
}

}  // namespace socval::bindings
