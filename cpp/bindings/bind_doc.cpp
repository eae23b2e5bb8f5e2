// bind_doc.cpp — native _core.Doc and _core.TransactionResult.
//
// The Python crdtcore.Doc (python/crdtcore/_doc.py) owns one _core.Doc and adds roots
// as a dict, prelim types and observer fan-out; transactions are the core's, entered
// through _core.TransactionBase (fast_calls.cpp). This layer only forwards to crdtcore::Doc; the
// document counts Text positions in the OffsetKind it is made with (crdtcore.Doc passes code
// points, Python's str indices, unless told otherwise).
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include <pybind11/functional.h>
#include <pybind11/native_enum.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "crdtcore/array.h"
#include "crdtcore/doc.h"
#include "crdtcore/map.h"
#include "crdtcore/text.h"
#include "crdtcore/update.h"

#include "convert.h"

namespace crdtcore::bindings {
namespace {

// What a native observer receives: the core's TransactionResult, shared (the core makes
// each in a shared_ptr); the byte forms are produced on access. crdtcore.Doc observes
// through txn_events.cpp instead.
struct PyTransactionResult {
  std::shared_ptr<const TransactionResult> result;
};

Doc make_doc(std::optional<uint64_t> client_id, bool gc, std::optional<std::string> guid,
             OffsetKind offset_kind) {
  DocOptions options;
  options.client_id = client_id;
  options.gc = gc;
  options.offset_kind = offset_kind;
  if (guid) options.guid = *guid;
  return Doc(options);
}

void bind_transaction_result(py::module_& m) {
  py::class_<PyTransactionResult>(m, "TransactionResult",
                                  "What one committed transaction changed (native).")
      .def_property_readonly(
          "transaction",
          [](const PyTransactionResult& r) { return transaction_object(r.result->origin); },
          "The crdtcore.Transaction that was committed, or None when no transaction object "
          "was opened (a single editing call, apply_update, a clean-up transaction).")
      .def_property_readonly(
          "origin", [](const PyTransactionResult& r) { return origin_value(r.result->origin); },
          "The origin value (a Transaction's origin, the UndoManager of an undo/redo), or "
          "None.")
      .def_property_readonly(
          "local", [](const PyTransactionResult& r) { return r.result->local; },
          "False when the transaction applied a remote update.")
      .def_property_readonly(
          "update", [](const PyTransactionResult& r) { return as_py_bytes(r.result->update); },
          "The v1 update of exactly this transaction.")
      .def_property_readonly(
          "before_state",
          [](const PyTransactionResult& r) { return as_py_bytes(r.result->before_state.encode()); },
          "Encoded state vector before the transaction.")
      .def_property_readonly(
          "after_state",
          [](const PyTransactionResult& r) { return as_py_bytes(r.result->after_state.encode()); },
          "Encoded state vector after the transaction.")
      .def_property_readonly(
          "delete_set",
          [](const PyTransactionResult& r) { return as_py_bytes(r.result->delete_set.encode()); },
          "Encoded (v1) delete set of what the transaction deleted.");
}

}  // namespace

void bind_doc(py::module_& m) {
  bind_transaction_result(m);

  py::native_enum<OffsetKind>(m, "OffsetKind", "enum.IntEnum",
                              "Unit of a document's Text indices (crdtcore/offset_kind.h).")
      .value("Utf16", OffsetKind::Utf16)
      .value("CodePoint", OffsetKind::CodePoint)
      .value("Utf8", OffsetKind::Utf8)
      .finalize();

  py::class_<Doc>(m, "Doc", "Native Yjs document (see crdtcore.Doc).")
      .def(py::init(&make_doc), py::arg("client_id") = py::none(), py::arg("gc") = true,
           py::arg("guid") = py::none(), py::arg("offset_kind") = OffsetKind::CodePoint)
      .def_property_readonly("client_id", &Doc::client_id)
      .def_property_readonly("guid", &Doc::guid)
      .def_property_readonly("gc_enabled", &Doc::gc_enabled)
      .def_property_readonly("offset_kind", &Doc::offset_kind)
      .def(
          "get_text", [](Doc& d, const std::string& name) { return d.get_text(name); },
          py::arg("name"))
      .def(
          "get_array", [](Doc& d, const std::string& name) { return d.get_array(name); },
          py::arg("name"))
      .def(
          "get_map", [](Doc& d, const std::string& name) { return d.get_map(name); },
          py::arg("name"))
      .def(
          "root",
          [](const Doc& d, const std::string& name) -> py::object {
            std::optional<Shared> root = d.root(name);
            if (!root) return py::none();
            return from_shared(*root);
          },
          py::arg("name"),
          "The root named ``name`` as its native handle (Shared when untyped), or None.")
      .def("root_names", &Doc::root_names)
      .def("in_transaction", &Doc::in_transaction)
      // Reading the document (here and in every other method) keeps the GIL: another thread
      // may edit the document meanwhile, and only the GIL keeps it from doing so (gil.h).
      .def("encode_state_vector", [](const Doc& d) { return as_py_bytes(d.encode_state_vector()); })
      .def(
          "encode_state_as_update",
          [](const Doc& d, py::handle state) {
            if (state.is_none()) return as_py_bytes(d.encode_state_as_update());
            Bytes sv = to_bytes(state);
            return as_py_bytes(d.encode_state_as_update(&sv));
          },
          py::arg("state") = py::none())
      // apply_update: fast_calls.cpp (a METH_FASTCALL method, called once per update).
      .def("has_pending", &Doc::has_pending)
      .def(
          "observe",
          [](Doc& d, py::function fn) {
            return d.observe([fn = std::move(fn)](const TransactionResult& r) {
              std::shared_ptr<const TransactionResult> shared = r.weak_from_this().lock();
              if (!shared) shared = std::make_shared<const TransactionResult>(r);
              PyTransactionResult holder{std::move(shared)};
              fn(std::move(holder));
            });
          },
          py::arg("callback"),
          "Calls ``callback(TransactionResult)`` after each committed transaction that "
          "changed something; returns an id for unobserve().")
      .def("unobserve", &Doc::unobserve, py::arg("id"));
}

}  // namespace crdtcore::bindings
