// bind_undo.cpp — native _core.UndoManager (crdtcore/undo_manager.h).
//
// The Python crdtcore.UndoManager (python/crdtcore/_undo.py) owns one of these and
// keeps the Python side: tracked origins (matched by equality and by class, as Yjs
// does), stack-item metadata and wrappers. Origins cross as Python objects: None for
// the null origin, the user's origin of a crdtcore.Transaction, or the Python
// UndoManager that owns a native manager (for transactions made by its undo()/redo()).
// No CRDT logic lives here.
#include <cstdint>
#include <memory>
#include <optional>
#include <unordered_map>
#include <utility>

#include <pybind11/functional.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "crdtcore/doc.h"
#include "crdtcore/shared.h"
#include "crdtcore/undo_manager.h"

#include "convert.h"

namespace crdtcore::bindings {

namespace {

struct PyUndoManager;

// Live native managers by their core origin (to name a manager's own transactions).
std::unordered_map<Origin, PyUndoManager*>& registry() {
  static auto* r = new std::unordered_map<Origin, PyUndoManager*>();
  return *r;
}

struct PyUndoManager {
  std::unique_ptr<UndoManager> um;
  py::object owner;  // a weakref to the Python UndoManager (None until set)

  ~PyUndoManager() {
    if (um) registry().erase(um->origin());
  }
};

py::tuple stack_tuple(const std::vector<StackItem>& items) {
  py::tuple out(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    out[i] = py::make_tuple(items[i].id, as_py_bytes(items[i].insertions.encode()),
                            as_py_bytes(items[i].deletions.encode()));
  }
  return out;
}

}  // namespace

py::object origin_value(Origin o) {
  if (o == nullptr) return py::none();
  auto it = registry().find(o);
  if (it != registry().end()) {
    py::object owner = it->second->owner;
    return owner.is_none() ? py::none() : owner();
  }
  py::object txn = transaction_object(o);
  return txn.is_none() ? py::none() : py::object(txn.attr("origin"));
}

void bind_undo(py::module_& m) {
  py::class_<PyUndoManager>(m, "UndoManager", "Native UndoManager (see crdtcore.UndoManager).")
      .def(py::init([](Doc& doc, uint64_t capture_timeout_ms, py::object clock,
                       py::object delete_filter, py::object origin_filter,
                       bool ignore_remote_map_changes) {
             UndoOptions o;
             o.capture_timeout_ms = capture_timeout_ms;
             o.ignore_remote_map_changes = ignore_remote_map_changes;
             o.track_null_origin = false;  // the Python side decides about None
             if (!clock.is_none()) {
               o.clock = [clock]() -> uint64_t {
                 py::object v = clock();
                 const int64_t ms = v.cast<int64_t>();
                 return ms < 0 ? 0 : static_cast<uint64_t>(ms);
               };
             }
             if (!delete_filter.is_none()) {
               o.delete_filter = [delete_filter](const UndoItem& item) {
                 py::object key = item.key ? py::object(py::str(*item.key)) : py::none();
                 py::object type = item.type ? from_shared(*item.type) : py::none();
                 return py::bool_(delete_filter(py::make_tuple(item.id.client, item.id.clock),
                                                item.length, from_shared(item.parent), key, type))
                     .cast<bool>();
               };
             }
             if (!origin_filter.is_none()) {
               o.origin_filter = [origin_filter](Origin origin) {
                 return py::bool_(origin_filter(origin_value(origin))).cast<bool>();
               };
             }
             auto self = std::make_unique<PyUndoManager>();
             self->um = std::make_unique<UndoManager>(doc, std::move(o));
             registry()[self->um->origin()] = self.get();
             return self;
           }),
           py::arg("doc"), py::arg("capture_timeout_ms"), py::arg("clock"),
           py::arg("delete_filter"), py::arg("origin_filter"), py::arg("ignore_remote_map_changes"))
      .def(
          "set_owner",
          [](PyUndoManager& self, py::object owner_ref) { self.owner = std::move(owner_ref); },
          py::arg("owner_ref"))
      .def(
          "expand_scope", [](PyUndoManager& self, const Shared& t) { self.um->expand_scope(t); },
          py::arg("scope"))
      .def("undo", [](PyUndoManager& self) { return self.um->undo(); })
      .def("redo", [](PyUndoManager& self) { return self.um->redo(); })
      .def("can_undo", [](const PyUndoManager& self) { return self.um->can_undo(); })
      .def("can_redo", [](const PyUndoManager& self) { return self.um->can_redo(); })
      .def("stop_capturing", [](PyUndoManager& self) { self.um->stop_capturing(); })
      .def(
          "clear",
          [](PyUndoManager& self, bool undo_stack, bool redo_stack) {
            self.um->clear(undo_stack, redo_stack);
          },
          py::arg("undo_stack"), py::arg("redo_stack"))
      .def(
          "undo_stack",
          [](const PyUndoManager& self) { return stack_tuple(self.um->undo_stack()); },
          "((id, insertions, deletions), ...) bottom to top; delete sets as v1 bytes.")
      .def("redo_stack",
           [](const PyUndoManager& self) { return stack_tuple(self.um->redo_stack()); })
      .def("undo_stack_size", [](const PyUndoManager& self) { return self.um->undo_stack_size(); })
      .def("redo_stack_size", [](const PyUndoManager& self) { return self.um->redo_stack_size(); })
      .def(
          "on",
          [](PyUndoManager& self, int kind, py::function fn) {
            if (kind < 0 || kind > 2) throw py::value_error("unknown UndoManager event kind");
            return self.um->on(static_cast<UndoManager::EventKind>(kind),
                               [fn](const StackItemEvent& e) {
                                 fn(e.stack_item, e.stack == UndoStack::Undo ? "undo" : "redo",
                                    origin_value(e.origin));
                               });
          },
          py::arg("kind"), py::arg("callback"),
          "kind: 0 added, 1 updated, 2 popped; fn(stack_item_id, 'undo'|'redo', origin).")
      .def(
          "off", [](PyUndoManager& self, uint64_t id) { return self.um->off(id); }, py::arg("id"));
}

}  // namespace crdtcore::bindings
