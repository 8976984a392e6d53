/// Python bindings of per-option values on common random numbers (socval._core.analysis), for portfolio choice.
#include "bindings.hpp"

namespace py = pybind11;

namespace socval::bindings {

void bind_option_values(py::module_&) {}

}  // namespace socval::bindings
