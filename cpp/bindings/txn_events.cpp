// txn_events.cpp — document-level observers without a Python frame per commit:
//
//   _core.TransactionEventBase   the native part of crdtcore.TransactionEvent: shares the
//                                core's TransactionResult, makes the byte forms on access
//                                and the Transaction only when asked for
//   _core.Doc.observe_events     registers the one native observer of a crdtcore.Doc that
//                                calls every callback in the Doc's ``_observers`` dict
//
// Why: a sync provider observes every transaction of its document and forwards
// ``event.update``. Done in Python (a dispatch closure, Doc._dispatch, a TransactionEvent
// and a Transaction made per commit, a pybind11 TransactionResult copied from the core's)
// that cost about 1.3 µs per transaction, more than the edit itself (bench/README.md,
// replay_sync). Here one commit calls each callback once with one event object, which
// is reused by the next commit when no callback kept it (release_event).
//
// Lifetimes: the native observer holds the crdtcore.Doc and its ``_observers`` dict (a
// dict subclass that takes weak references) weakly: the Doc owns the native document,
// which owns the observer, so no reference cycle hides behind C++. An event holds the Doc, its
// Transaction (or, for a transaction no Transaction object opened, the origin value to make one
// with) and the shared TransactionResult; it stays valid after the commit. A reused event is one no
// callback kept: its reference count was back to 1 after the fan-out.
//
// Errors: every callback runs; the first Exception is raised once all ran (the core then
// re-raises it after the commit completes, txn/transaction.h). A BaseException that is not
// an Exception (KeyboardInterrupt, SystemExit) stops the fan-out at once, as the Python
// loop it replaces did.
#include <Python.h>

#include <memory>
#include <new>
#include <utility>

#include <pybind11/pybind11.h>

#include "crdtcore/doc.h"

#include "convert.h"
#include "guarded.h"

namespace crdtcore::bindings {
namespace {

struct EventObject {
  PyObject_HEAD std::shared_ptr<const TransactionResult> result;  // placement-new'd
  PyObject* doc;                                                  // the crdtcore.Doc
  PyObject* txn;       // its Transaction, or nullptr until `transaction` is first read
  PyObject* origin;    // the origin value to make that Transaction with (when txn is null)
  PyObject* txn_type;  // crdtcore.Transaction
};

PyTypeObject* g_event_type = nullptr;

const TransactionResult& result_of(PyObject* obj) {
  return *reinterpret_cast<EventObject*>(obj)->result;
}

// The result with its states (the native observer asks for them on read: an observer
// that reads only `update`, as a sync provider does, saves computing them).
const TransactionResult& filled_result_of(PyObject* obj) {
  const TransactionResult& r = result_of(obj);
  r.fill_states();
  return r;
}

int event_traverse(PyObject* obj, visitproc visit, void* arg) {
  auto* self = reinterpret_cast<EventObject*>(obj);
  Py_VISIT(Py_TYPE(obj));
  Py_VISIT(self->doc);
  Py_VISIT(self->txn);
  Py_VISIT(self->origin);
  Py_VISIT(self->txn_type);
  return 0;
}

int event_clear(PyObject* obj) {
  auto* self = reinterpret_cast<EventObject*>(obj);
  Py_CLEAR(self->doc);
  Py_CLEAR(self->txn);
  Py_CLEAR(self->origin);
  Py_CLEAR(self->txn_type);
  return 0;
}

void event_dealloc(PyObject* obj) {
  PyTypeObject* type = Py_TYPE(obj);
  PyObject_GC_UnTrack(obj);
  event_clear(obj);
  reinterpret_cast<EventObject*>(obj)->result.~shared_ptr();
  type->tp_free(obj);
  Py_DECREF(type);
}

PyObject* event_new(PyTypeObject* /*type*/, PyObject* /*args*/, PyObject* /*kwds*/) {
  PyErr_SetString(PyExc_TypeError,
                  "TransactionEvent objects are made by the document for its observers");
  return nullptr;
}

PyObject* event_transaction(PyObject* obj, void* /*closure*/) {
  auto* self = reinterpret_cast<EventObject*>(obj);
  if (self->txn == nullptr) {
    // A transaction no Transaction object opened (one editing call, apply_update, a
    // clean-up, an undo/redo): a fresh Transaction with its origin, made once.
    self->txn = self->origin == Py_None ? PyObject_CallOneArg(self->txn_type, self->doc)
                                        : PyObject_CallFunctionObjArgs(self->txn_type, self->doc,
                                                                       self->origin, nullptr);
    if (self->txn == nullptr) return nullptr;
  }
  return Py_NewRef(self->txn);
}

PyObject* event_local(PyObject* obj, void* /*closure*/) {
  return PyBool_FromLong(result_of(obj).local ? 1 : 0);
}

PyObject* event_update(PyObject* obj, void* /*closure*/) {
  return guarded([&] { return as_py_bytes(result_of(obj).update).release().ptr(); });
}

PyObject* event_before_state(PyObject* obj, void* /*closure*/) {
  return guarded([&] {
    const TransactionResult& r = filled_result_of(obj);
    return as_py_bytes(r.before_state.encode()).release().ptr();
  });
}

PyObject* event_after_state(PyObject* obj, void* /*closure*/) {
  return guarded([&] {
    const TransactionResult& r = filled_result_of(obj);
    return as_py_bytes(r.after_state.encode()).release().ptr();
  });
}

PyObject* event_delete_set(PyObject* obj, void* /*closure*/) {
  return guarded([&] {
    const TransactionResult& r = filled_result_of(obj);
    return as_py_bytes(r.delete_set.encode()).release().ptr();
  });
}

PyGetSetDef kEventGetSet[] = {
    {"transaction", event_transaction, nullptr,
     "The committed Transaction (its ``origin`` tells who made it).\n\n"
     "Example:\n"
     "    >>> doc, seen = Doc(), []\n"
     "    >>> sub = doc.observe(lambda event: seen.append(event.transaction.origin))\n"
     "    >>> with doc.transaction(origin=\"me\"):\n"
     "    ...     doc[\"t\"] = Text(\"hi\")\n"
     "    >>> seen\n"
     "    ['me']\n",
     nullptr},
    {"local", event_local, nullptr,
     "False when the transaction was opened by ``apply_update`` (a remote change).\n\n"
     "Example:\n"
     "    >>> doc, seen = Doc(), []\n"
     "    >>> sub = doc.observe(lambda event: seen.append(event.local))\n"
     "    >>> doc[\"t\"] = Text(\"x\")\n"
     "    >>> doc.apply_update(Doc({\"u\": Text(\"y\")}).get_update())\n"
     "    >>> seen\n"
     "    [True, False]\n",
     nullptr},
    {"update", event_update, nullptr,
     "The v1 update holding exactly this transaction's changes (Yjs 'update').\n\n"
     "Example:\n"
     "    >>> doc, events = Doc(), []\n"
     "    >>> sub = doc.observe(events.append)\n"
     "    >>> doc[\"t\"] = Text(\"x\")\n"
     "    >>> replica = Doc()\n"
     "    >>> replica.apply_update(events[0].update)\n"
     "    >>> str(replica[\"t\"])\n"
     "    'x'\n",
     nullptr},
    {"before_state", event_before_state, nullptr,
     "The encoded state vector before the transaction.\n\n"
     "Example:\n"
     "    >>> doc, events = Doc(client_id=1), []\n"
     "    >>> sub = doc.observe(events.append)\n"
     "    >>> doc[\"t\"] = Text(\"x\")\n"
     "    >>> events[0].before_state\n"
     "    b'\\x00'\n",
     nullptr},
    {"after_state", event_after_state, nullptr,
     "The encoded state vector after the transaction.\n\n"
     "Example:\n"
     "    >>> doc, events = Doc(client_id=1), []\n"
     "    >>> sub = doc.observe(events.append)\n"
     "    >>> doc[\"t\"] = Text(\"x\")\n"
     "    >>> events[0].after_state == doc.get_state()\n"
     "    True\n",
     nullptr},
    {"delete_set", event_delete_set, nullptr,
     "The encoded (v1) delete set of what the transaction deleted.\n\n"
     "Example:\n"
     "    >>> doc = Doc({\"t\": Text(\"ab\")}, client_id=1)\n"
     "    >>> events = []\n"
     "    >>> sub = doc.observe(events.append)\n"
     "    >>> del doc[\"t\"][0]\n"
     "    >>> events[0].delete_set  # client 1: one range at clock 0, length 1\n"
     "    b'\\x01\\x01\\x01\\x00\\x01'\n",
     nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr}};

PyType_Slot kEventSlots[] = {
    {Py_tp_new, reinterpret_cast<void*>(event_new)},
    {Py_tp_dealloc, reinterpret_cast<void*>(event_dealloc)},
    {Py_tp_traverse, reinterpret_cast<void*>(event_traverse)},
    {Py_tp_clear, reinterpret_cast<void*>(event_clear)},
    {Py_tp_getset, kEventGetSet},
    {Py_tp_doc, const_cast<char*>("The native part of crdtcore.TransactionEvent.")},
    {0, nullptr}};

PyType_Spec kEventSpec = {"crdtcore._core.TransactionEventBase", sizeof(EventObject), 0,
                          Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC,
                          kEventSlots};

// One native observer (one per crdtcore.Doc with callbacks): what it needs per commit,
// and its spare event. Destroyed with the GIL held (Doc.unobserve, or the native
// document's deallocation).
struct Observer {
  py::object doc_ref;         // weakref to the crdtcore.Doc
  py::object observers_ref;   // weakref to its `_observers` dict (an Observers)
  py::object event_type_obj;  // TransactionEventBase or a subclass without a __dict__
  py::object txn_type;        // crdtcore.Transaction
  PyTypeObject* event_type;
  bool reusable;  // events of event_type can be reused (no weak references to them)
  // The last event, when no callback kept it (its reference count was 1 after the
  // fan-out): the next commit reuses it instead of allocating one. Parked untracked by
  // the GC, with only txn_type set (no reference to the Doc, so no hidden cycle).
  PyObject* spare = nullptr;

  Observer(py::object ref, py::object obs_ref, py::object et, py::object tt)
      : doc_ref(std::move(ref)),
        observers_ref(std::move(obs_ref)),
        event_type_obj(std::move(et)),
        txn_type(std::move(tt)),
        event_type(reinterpret_cast<PyTypeObject*>(event_type_obj.ptr())),
        reusable(event_type->tp_weaklistoffset == 0) {}
  ~Observer() { Py_XDECREF(spare); }
  Observer(const Observer&) = delete;
  Observer& operator=(const Observer&) = delete;
};

// An event for result `r`: the observer's spare one refilled, or a new one.
PyObject* make_event(Observer& o, PyObject* doc, const TransactionResult& r) {
  PyObject* txn = transaction_object(r.origin).release().ptr();  // None when not live
  PyObject* origin = Py_NewRef(Py_None);
  if (txn == Py_None) {
    Py_SETREF(txn, nullptr);
    Py_SETREF(origin, origin_value(r.origin).release().ptr());
  }
  // The core builds each result in a shared_ptr (txn/transaction.cpp); a result from
  // elsewhere is copied.
  std::shared_ptr<const TransactionResult> shared = r.weak_from_this().lock();
  if (!shared) shared = std::make_shared<const TransactionResult>(r);
  PyObject* obj = std::exchange(o.spare, nullptr);
  if (obj != nullptr) {
    auto* self = reinterpret_cast<EventObject*>(obj);
    self->result = std::move(shared);
    self->doc = Py_NewRef(doc);
    self->txn = txn;
    self->origin = origin;
    PyObject_GC_Track(obj);
    return obj;
  }
  obj = o.event_type->tp_alloc(o.event_type, 0);
  if (obj == nullptr) {
    Py_XDECREF(txn);
    Py_DECREF(origin);
    return nullptr;
  }
  auto* self = reinterpret_cast<EventObject*>(obj);
  new (&self->result) std::shared_ptr<const TransactionResult>(std::move(shared));
  self->doc = Py_NewRef(doc);
  self->txn = txn;
  self->origin = origin;
  self->txn_type = Py_NewRef(o.txn_type.ptr());
  return obj;
}

// Drops the fan-out's reference to `event`: parks it as the observer's spare when nobody
// else holds it (and no spare is parked: a callback that commits a transaction of the same
// document runs a nested fan-out), else releases it. A parked event shares no result, so
// the core refills its result in place (txn/transaction.cpp).
void release_event(Observer& o, PyObject* event) {
  if (!o.reusable || o.spare != nullptr || Py_REFCNT(event) != 1) {
    Py_DECREF(event);
    return;
  }
  auto* self = reinterpret_cast<EventObject*>(event);
  PyObject_GC_UnTrack(event);
  self->result.reset();
  Py_CLEAR(self->doc);
  Py_CLEAR(self->txn);
  Py_CLEAR(self->origin);
  o.spare = event;
}

// Calls `callback(event)`; records the first error (see the top). False when the fan-out
// must stop (a BaseException that is not an Exception).
bool call_one(PyObject* callback, PyObject* event, PyObject*& type, PyObject*& value,
              PyObject*& trace) {
  PyObject* out = PyObject_CallOneArg(callback, event);
  if (out != nullptr) {
    Py_DECREF(out);
    return true;
  }
  if (!PyErr_ExceptionMatches(PyExc_Exception)) {
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(trace);
    PyErr_Fetch(&type, &value, &trace);
    return false;
  }
  if (type == nullptr) {
    PyErr_Fetch(&type, &value, &trace);
  } else {
    PyErr_Clear();
  }
  return true;
}

// Calls every callback of the Doc's `_observers` dict with one event (see the top).
// Plain CPython references here: this runs once per commit.
void dispatch(Observer& o, const TransactionResult& r) {
  PyObject* doc = PyWeakref_GetObject(o.doc_ref.ptr());  // borrowed
  if (doc == nullptr) throw py::error_already_set();
  if (doc == Py_None) return;
  PyObject* observers = PyWeakref_GetObject(o.observers_ref.ptr());  // borrowed
  if (observers == nullptr) throw py::error_already_set();
  if (!PyDict_Check(observers)) return;  // gone (the Doc is being torn down)
  if (PyDict_GET_SIZE(observers) == 0) return;
  // Callbacks may (un)subscribe while running: call the ones registered now (the usual
  // single callback needs no list of them, only its own reference).
  const bool many = PyDict_GET_SIZE(observers) > 1;
  PyObject* callbacks = nullptr;  // the list of them, or the one callback
  if (!many) {
    Py_ssize_t pos = 0;
    PyObject *key = nullptr, *value = nullptr;
    PyDict_Next(observers, &pos, &key, &value);
    callbacks = Py_NewRef(value);
  } else {
    callbacks = PyDict_Values(observers);
  }
  if (callbacks == nullptr) throw py::error_already_set();
  PyObject* event = make_event(o, doc, r);
  if (event == nullptr) {
    Py_DECREF(callbacks);
    throw py::error_already_set();
  }
  PyObject *type = nullptr, *value = nullptr, *trace = nullptr;  // the first error
  if (many) {
    const Py_ssize_t n = PyList_GET_SIZE(callbacks);
    for (Py_ssize_t i = 0; i < n; ++i) {
      if (!call_one(PyList_GET_ITEM(callbacks, i), event, type, value, trace)) break;
    }
  } else {
    call_one(callbacks, event, type, value, trace);
  }
  Py_DECREF(callbacks);
  release_event(o, event);
  if (type != nullptr) {
    PyErr_Restore(type, value, trace);
    throw py::error_already_set();
  }
}

}  // namespace

void bind_txn_events(py::module_& m) {
  PyObject* type = PyType_FromSpec(&kEventSpec);
  if (type == nullptr) throw py::error_already_set();
  g_event_type = reinterpret_cast<PyTypeObject*>(type);
  Py_INCREF(type);  // g_event_type: a strong reference for the interpreter's lifetime
  m.add_object("TransactionEventBase", py::reinterpret_steal<py::object>(type));

  py::class_<Doc> doc_cls = py::reinterpret_borrow<py::class_<Doc>>(m.attr("Doc"));
  doc_cls.def(
      "observe_events",
      [](Doc& d, py::object doc_ref, py::object observers_ref, py::type event_type,
         py::object txn_type) {
        if (!PyWeakref_CheckRef(doc_ref.ptr())) throw py::type_error("doc_ref must be a weakref");
        if (!PyWeakref_CheckRef(observers_ref.ptr()) ||
            !PyDict_Check(PyWeakref_GetObject(observers_ref.ptr()))) {
          throw py::type_error("observers_ref must be a weakref to a dict");
        }
        if (!PyType_IsSubtype(reinterpret_cast<PyTypeObject*>(event_type.ptr()), g_event_type) ||
            reinterpret_cast<PyTypeObject*>(event_type.ptr())->tp_dictoffset != 0) {
          throw py::type_error(
              "event_type must be a TransactionEventBase subclass with __slots__ = ()");
        }
        auto o = std::make_shared<Observer>(std::move(doc_ref), std::move(observers_ref),
                                            std::move(event_type), std::move(txn_type));
        return d.observe([o = std::move(o)](const TransactionResult& r) { dispatch(*o, r); },
                         ResultStates::OnRead);
      },
      py::arg("doc_ref"), py::arg("observers_ref"), py::arg("event_type"),
      py::arg("transaction_type"),
      "Calls each callback of the crdtcore.Doc's ``_observers`` dict (``doc_ref`` and "
      "``observers_ref`` are weakrefs to the Doc and to that dict) with an ``event_type`` "
      "event after each committed transaction that changed something; ``transaction_type`` "
      "makes the event's Transaction when the "
      "transaction had no Transaction object. Returns an id for unobserve().");
}

}  // namespace crdtcore::bindings
