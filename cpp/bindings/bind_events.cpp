// bind_events.cpp — type-level events (crdtcore/events.h) for Python: the native Event
// class (_core.Event, wrapped by crdtcore.TextEvent / ArrayEvent / MapEvent), the
// subscription methods on _core.Shared (_observe, _observe_deep, _unobserve), and the
// translation of ObserverErrors into an ExceptionGroup of the callbacks' exceptions.
//
// Deltas and keys are converted on access, in the shape pycrdt and Yjs use:
//   delta: [{"insert": str | [values] | value, "attributes": {...}}, {"delete": n},
//           {"retain": n, "attributes": {...}}] ("attributes" only when non-empty;
//           a Text's embed or nested type is the single inserted value, an Array's
//           insert is a list);
//   keys: {key: {"action": "add"|"update"|"delete", "oldValue": v, "newValue": v}}
//         (oldValue absent for "add", newValue absent for "delete");
//   added, deleted: [(client, clock, length)] item id ranges, in document order.
// Nested types come out as native handles; the Python layer wraps them.
#include <exception>
#include <utility>
#include <vector>

#include <pybind11/functional.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "crdtcore/events.h"
#include "crdtcore/shared.h"

#include "convert.h"

namespace crdtcore::bindings {
namespace {

py::list path_list(const std::vector<PathSegment>& path) {
  py::list out;
  for (const PathSegment& s : path) {
    if (s.is_key) {
      out.append(utf8_str(s.key));
    } else {
      out.append(py::int_(s.index));
    }
  }
  return out;
}

py::list delta_list(const Event& e) {
  const bool text = e.target.kind() == TypeKind::Text || e.target.kind() == TypeKind::XmlText;
  py::list out;
  for (const DeltaOp& op : e.delta()) {
    py::dict d;
    switch (op.kind) {
      case DeltaOp::Kind::Insert:
        if (op.is_text_insert()) {
          d["insert"] = utf8_str(op.text);
        } else if (text && op.values.size() == 1) {
          d["insert"] = from_out(op.values[0]);
        } else {
          py::list values;
          for (const Out& v : op.values) values.append(from_out(v));
          d["insert"] = values;
        }
        break;
      case DeltaOp::Kind::Delete: d["delete"] = py::int_(op.len); break;
      case DeltaOp::Kind::Retain: d["retain"] = py::int_(op.len); break;
    }
    if (!op.attributes.empty()) {
      py::dict attrs;
      for (const auto& [k, v] : op.attributes) attrs[utf8_str(k)] = from_value(v);
      d["attributes"] = attrs;
    }
    out.append(d);
  }
  return out;
}

py::dict keys_dict(const Event& e) {
  py::dict out;
  for (const auto& [key, ch] : e.keys) {
    py::dict d;
    switch (ch.action) {
      case KeyChange::Action::Add:
        d["action"] = "add";
        d["newValue"] = from_out(ch.new_value);
        break;
      case KeyChange::Action::Update:
        d["action"] = "update";
        d["oldValue"] = from_out(ch.old_value);
        d["newValue"] = from_out(ch.new_value);
        break;
      case KeyChange::Action::Delete:
        d["action"] = "delete";
        d["oldValue"] = from_out(ch.old_value);
        break;
    }
    out[utf8_str(key)] = d;
  }
  return out;
}

// The Python exception an observer's exception_ptr holds (C++ errors become
// RuntimeError with their message).
py::object python_exception(const std::exception_ptr& p) {
  try {
    std::rethrow_exception(p);
  } catch (py::error_already_set& e) {
    return e.value();
  } catch (const std::exception& e) {
    return py::module_::import("builtins").attr("RuntimeError")(e.what());
  } catch (...) {
    return py::module_::import("builtins").attr("RuntimeError")("unknown C++ exception");
  }
}

py::list ranges_list(const std::vector<ItemRange>& ranges) {
  py::list out;
  for (const ItemRange& r : ranges) out.append(py::make_tuple(r.id.client, r.id.clock, r.len));
  return out;
}

Shared bound(const Shared& s) {
  if (!s.valid()) throw py::type_error("this shared type is not integrated into a document yet");
  return s;
}

}  // namespace

void bind_events(py::module_& m) {
  py::class_<Event>(m, "Event", "What one transaction changed in one shared type (native).")
      .def_property_readonly(
          "target", [](const Event& e) { return from_shared(e.target); },
          "The shared type that changed (native handle).")
      .def_property_readonly(
          "kind", [](const Event& e) { return e.target.kind(); }, "The target's TypeKind.")
      .def_property_readonly(
          "current_target", [](const Event& e) { return from_shared(e.current_target); },
          "The observed shared type (native handle).")
      .def_property_readonly(
          "path", [](const Event& e) { return path_list(e.path); },
          "Keys and indices from current_target down to target.")
      .def_property_readonly(
          "transaction", [](const Event& e) { return transaction_object(e.origin); },
          "The crdtcore.Transaction that was committed, or None.")
      .def_property_readonly(
          "origin", [](const Event& e) { return origin_value(e.origin); },
          "The origin value (a Transaction's origin, the UndoManager of an undo/redo), or "
          "None.")
      .def_readonly("local", &Event::local, "False when the transaction applied a remote update.")
      .def_property_readonly("delta", &delta_list, "The change as a delta (Text and Array).")
      .def_property_readonly("keys", &keys_dict, "The changed keys (Map).")
      .def_property_readonly(
          "added", [](const Event& e) { return ranges_list(e.added()); },
          "Items inserted and not deleted, as (client, clock, length) (Yjs changes.added).")
      .def_property_readonly(
          "deleted", [](const Event& e) { return ranges_list(e.deleted()); },
          "Items deleted and not inserted, as (client, clock, length) (Yjs changes.deleted).");

  auto shared = py::reinterpret_borrow<py::class_<Shared>>(m.attr("Shared"));
  shared
      .def(
          "_observe",
          [](Shared& s, py::function fn) {
            // The callback gets a copy: it may keep the event after the commit.
            return bound(s).observe(
                [fn = std::move(fn)](const Event& e) { fn(py::cast(Event(e))); });
          },
          py::arg("callback"), "Registers callback(event) for this type's events; returns an id.")
      .def(
          "_observe_deep",
          [](Shared& s, py::function fn) {
            return bound(s).observe_deep([fn = std::move(fn)](const std::vector<Event>& evs) {
              py::list events;
              for (const Event& e : evs) events.append(py::cast(e));
              fn(events);
            });
          },
          py::arg("callback"),
          "Registers callback(events) for events of this type and the types below it.")
      .def(
          "_unobserve", [](Shared& s, SubscriptionId id) { return s.unobserve(id); }, py::arg("id"),
          "Removes a callback; False when the id is not registered here.");

  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const ObserverErrors& e) {
      py::list errors;
      for (const std::exception_ptr& err : e.errors()) errors.append(python_exception(err));
      py::object group = py::module_::import("builtins")
                             .attr("ExceptionGroup")("observer callbacks raised", errors);
      PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(group.ptr())), group.ptr());
    }
  });
}

}  // namespace crdtcore::bindings
