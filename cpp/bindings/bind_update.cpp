// bind_update.cpp — update operations that need no document (crdtcore/update.h):
// _core.merge_updates, _core.diff_update, _core.encode_state_vector_from_update.
// python/crdtcore/_update.py gives them their public (pycrdt) names.
#include <vector>

#include <pybind11/pybind11.h>

#include "crdtcore/update.h"

#include "convert.h"

namespace crdtcore::bindings {

void bind_update(py::module_& m) {
  m.def(
      "merge_updates",
      [](py::iterable updates) {
        std::vector<Bytes> inputs;
        for (py::handle u : updates) inputs.push_back(to_bytes(u));
        return as_py_bytes(crdtcore::merge_updates(inputs));
      },
      py::arg("updates"), "Yjs mergeUpdates over an iterable of v1 updates.");
  m.def(
      "diff_update",
      [](py::handle update, py::handle state) {
        return as_py_bytes(crdtcore::diff_update(to_bytes(update), to_bytes(state)));
      },
      py::arg("update"), py::arg("state"), "Yjs diffUpdate (v1).");
  m.def(
      "encode_state_vector_from_update",
      [](py::handle update) {
        return as_py_bytes(crdtcore::encode_state_vector_from_update(to_bytes(update)));
      },
      py::arg("update"), "Yjs encodeStateVectorFromUpdate (v1).");
}

}  // namespace crdtcore::bindings
