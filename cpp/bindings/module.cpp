// module.cpp — the native extension crdtcore._core (pybind11). Each bind_*.cpp registers
// one concern; the Python package (python/crdtcore) is the public surface.
#include <pybind11/pybind11.h>

namespace crdtcore::bindings {

namespace py = pybind11;

void bind_errors(py::module_& m);
void bind_types(py::module_& m);
void bind_doc(py::module_& m);
void bind_update(py::module_& m);
void bind_sticky_index(py::module_& m);
void bind_events(py::module_& m);
void bind_undo(py::module_& m);
void bind_fast_calls(py::module_& m);
void bind_txn_events(py::module_& m);

}  // namespace crdtcore::bindings

PYBIND11_MODULE(_core, m) {
  m.doc() = "Native core of crdtcore (a Yjs-compatible CRDT engine); use the crdtcore package.";
  m.attr("__version__") = CRDTCORE_VERSION;  // pyproject.toml's version (cpp/CMakeLists.txt)
  crdtcore::bindings::bind_errors(m);
  crdtcore::bindings::bind_types(m);  // before bind_doc: Doc's signatures name these classes
  crdtcore::bindings::bind_doc(m);
  crdtcore::bindings::bind_update(m);
  crdtcore::bindings::bind_sticky_index(m);
  crdtcore::bindings::bind_events(m);  // after bind_types: extends _core.Shared
  crdtcore::bindings::bind_undo(m);
  crdtcore::bindings::bind_fast_calls(m);  // extends the Text and Doc classes above
  crdtcore::bindings::bind_txn_events(m);  // extends Doc
}
