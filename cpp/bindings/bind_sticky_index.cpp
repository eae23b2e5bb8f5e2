// bind_sticky_index.cpp — native _core.StickyIndex (crdtcore/sticky_index.h).
//
// The Python crdtcore.StickyIndex (python/crdtcore/_sticky_index.py) wraps one of these
// and adds the sequence it belongs to. Indices are the document's offset unit (code points
// unless the Doc was made with another OffsetKind). No CRDT logic lives here.
#include <cstdint>
#include <optional>

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "crdtcore/doc.h"
#include "crdtcore/shared.h"
#include "crdtcore/sticky_index.h"

#include "convert.h"

namespace crdtcore::bindings {

void bind_sticky_index(py::module_& m) {
  py::class_<StickyIndex>(m, "StickyIndex",
                          "Native Yjs RelativePosition (see crdtcore.StickyIndex).")
      .def_static(
          "from_index",
          [](const Shared& sequence, uint64_t index, int assoc) {
            return StickyIndex::from_index(sequence, index,
                                           assoc < 0 ? Assoc::Before : Assoc::After);
          },
          py::arg("sequence"), py::arg("index"), py::arg("assoc"))
      .def_property_readonly("assoc", &StickyIndex::assoc_value)
      .def(
          "resolve",
          [](const StickyIndex& s, const Doc& doc) -> py::object {
            std::optional<StickyIndex::Resolved> r = s.resolve(doc);
            if (!r) return py::none();
            return py::make_tuple(from_shared(r->type), r->index);
          },
          py::arg("doc"), "(native handle, index) in `doc`, or None.")
      .def("resolve_in", &StickyIndex::resolve_in, py::arg("sequence"),
           "The index in `sequence`, or None.")
      .def("encode", [](const StickyIndex& s) { return as_py_bytes(s.encode()); })
      .def_static(
          "decode", [](py::handle data) { return StickyIndex::decode(to_bytes(data)); },
          py::arg("data"))
      .def("to_json", [](const StickyIndex& s) { return from_value(s.to_json()); })
      .def_static(
          "from_json", [](py::handle data) { return StickyIndex::from_json(to_value(data)); },
          py::arg("data"))
      .def(
          "__eq__", [](const StickyIndex& a, const StickyIndex& b) { return a == b; },
          py::arg("other"));
}

}  // namespace crdtcore::bindings
