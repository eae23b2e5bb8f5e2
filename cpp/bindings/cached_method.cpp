// cached_method.cpp — see cached_method.h.
#include "cached_method.h"

#include <structmember.h>

#include <cstddef>
#include <cstring>

#include <pybind11/pybind11.h>

namespace py = pybind11;

namespace crdtcore::bindings {
namespace {

// The descriptor, stored in the class dict. `owner` is borrowed: the owning types live for
// the interpreter's lifetime (the bindings keep a strong reference to them).
struct DescrObject {
  PyObject_HEAD vectorcallfunc vectorcall;
  const CachedMethodDef* def;
  PyTypeObject* owner;
};

// The bound method, cached in the instance's slot. It owns one reference to `self` per
// hand-out not yet followed by a call (see the header).
struct BoundObject {
  PyObject_HEAD vectorcallfunc vectorcall;
  PyObject* self;         // nullptr once the instance is gone
  Py_ssize_t handed_out;  // references to `self` this object owns
  DescrObject* descr;     // owned
};

PyTypeObject* g_descr_type = nullptr;
PyObject* bound_vectorcall(PyObject* callable, PyObject* const* args, size_t nargsf,
                           PyObject* kwnames);
PyTypeObject* g_bound_type = nullptr;

bool refuse_keywords(const CachedMethodDef* def, PyObject* kwnames) {
  if (kwnames == nullptr || PyTuple_GET_SIZE(kwnames) == 0) return false;
  PyErr_Format(PyExc_TypeError, "%s() takes no keyword arguments", def->name);
  return true;
}

// "TransactionBase.__enter__" (tp_name is "crdtcore._core.TransactionBase").
PyObject* qualname(const DescrObject* d) {
  const char* type_name = d->owner->tp_name;
  const char* dot = std::strrchr(type_name, '.');
  return PyUnicode_FromFormat("%s.%s", dot == nullptr ? type_name : dot + 1, d->def->name);
}

// -- descriptor ----------------------------------------------------------------------

// Unbound call through the class: Cls.__enter__(obj, *args).
PyObject* descr_vectorcall(PyObject* callable, PyObject* const* args, size_t nargsf,
                           PyObject* kwnames) {
  auto* d = reinterpret_cast<DescrObject*>(callable);
  Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
  if (refuse_keywords(d->def, kwnames)) return nullptr;
  if (nargs < 1 || !PyObject_TypeCheck(args[0], d->owner)) {
    PyErr_Format(PyExc_TypeError, "descriptor '%s' for '%s' objects needs a '%s' argument",
                 d->def->name, d->owner->tp_name, d->owner->tp_name);
    return nullptr;
  }
  return d->def->call(args[0], args + 1, nargs - 1);
}

PyObject* descr_get(PyObject* descr, PyObject* obj, PyObject* /*type*/) {
  auto* d = reinterpret_cast<DescrObject*>(descr);
  if (obj == nullptr) return Py_NewRef(descr);
  if (!PyObject_TypeCheck(obj, d->owner)) {
    PyErr_Format(PyExc_TypeError, "descriptor '%s' for '%s' objects doesn't apply to a '%s' object",
                 d->def->name, d->owner->tp_name, Py_TYPE(obj)->tp_name);
    return nullptr;
  }
  auto** slot = reinterpret_cast<PyObject**>(reinterpret_cast<char*>(obj) + d->def->slot_offset);
  if (*slot == nullptr) {
    BoundObject* b = PyObject_GC_New(BoundObject, g_bound_type);
    if (b == nullptr) return nullptr;
    b->vectorcall = bound_vectorcall;
    b->self = obj;
    b->handed_out = 0;
    b->descr = reinterpret_cast<DescrObject*>(Py_NewRef(descr));
    PyObject_GC_Track(b);
    *slot = reinterpret_cast<PyObject*>(b);
  }
  auto* b = reinterpret_cast<BoundObject*>(*slot);
  // The caller may drop its reference to `obj` before calling (`with` does): keep it alive.
  ++b->handed_out;
  Py_INCREF(obj);
  return Py_NewRef(*slot);
}

void descr_dealloc(PyObject* obj) {
  PyTypeObject* type = Py_TYPE(obj);
  type->tp_free(obj);
  Py_DECREF(type);
}

PyObject* descr_name(PyObject* obj, void*) {
  return PyUnicode_FromString(reinterpret_cast<DescrObject*>(obj)->def->name);
}
PyObject* descr_qualname(PyObject* obj, void*) {
  return qualname(reinterpret_cast<DescrObject*>(obj));
}
PyObject* descr_doc(PyObject* obj, void*) {
  return PyUnicode_FromString(reinterpret_cast<DescrObject*>(obj)->def->doc);
}
PyObject* descr_signature(PyObject* obj, void*) {
  return PyUnicode_FromString(reinterpret_cast<DescrObject*>(obj)->def->signature);
}
PyObject* descr_objclass(PyObject* obj, void*) {
  return Py_NewRef(reinterpret_cast<PyObject*>(reinterpret_cast<DescrObject*>(obj)->owner));
}
PyObject* descr_repr(PyObject* obj) {
  auto* d = reinterpret_cast<DescrObject*>(obj);
  return PyUnicode_FromFormat("<method '%s' of '%s' objects>", d->def->name, d->owner->tp_name);
}

PyGetSetDef kDescrGetSet[] = {{"__name__", descr_name, nullptr, nullptr, nullptr},
                              {"__qualname__", descr_qualname, nullptr, nullptr, nullptr},
                              {"__doc__", descr_doc, nullptr, nullptr, nullptr},
                              {"__text_signature__", descr_signature, nullptr, nullptr, nullptr},
                              {"__objclass__", descr_objclass, nullptr, nullptr, nullptr},
                              {nullptr, nullptr, nullptr, nullptr, nullptr}};

PyMemberDef kDescrMembers[] = {
    {"__vectorcalloffset__", T_PYSSIZET, offsetof(DescrObject, vectorcall), READONLY, nullptr},
    {nullptr, 0, 0, 0, nullptr}};

PyType_Slot kDescrSlots[] = {{Py_tp_dealloc, reinterpret_cast<void*>(descr_dealloc)},
                             {Py_tp_descr_get, reinterpret_cast<void*>(descr_get)},
                             {Py_tp_call, reinterpret_cast<void*>(PyVectorcall_Call)},
                             {Py_tp_repr, reinterpret_cast<void*>(descr_repr)},
                             {Py_tp_getset, kDescrGetSet},
                             {Py_tp_members, kDescrMembers},
                             {0, nullptr}};

PyType_Spec kDescrSpec = {"crdtcore._core.cached_method_descriptor", sizeof(DescrObject), 0,
                          Py_TPFLAGS_DEFAULT | Py_TPFLAGS_METHOD_DESCRIPTOR |
                              Py_TPFLAGS_HAVE_VECTORCALL | Py_TPFLAGS_DISALLOW_INSTANTIATION,
                          kDescrSlots};

// -- bound method --------------------------------------------------------------------

// Drops the references to `self` the bound method owns (`self` itself stays set).
void drop_handed_out(BoundObject* b) {
  Py_ssize_t n = b->handed_out;
  PyObject* self = b->self;
  b->handed_out = 0;
  while (n-- > 0) Py_DECREF(self);
}

int bound_traverse(PyObject* obj, visitproc visit, void* arg) {
  auto* b = reinterpret_cast<BoundObject*>(obj);
  Py_VISIT(Py_TYPE(obj));
  for (Py_ssize_t i = 0; i < b->handed_out; ++i) Py_VISIT(b->self);
  return 0;
}

int bound_clear(PyObject* obj) {
  drop_handed_out(reinterpret_cast<BoundObject*>(obj));
  return 0;
}

void bound_dealloc(PyObject* obj) {
  PyTypeObject* type = Py_TYPE(obj);
  PyObject_GC_UnTrack(obj);
  auto* b = reinterpret_cast<BoundObject*>(obj);
  drop_handed_out(b);  // zero unless the GC never cleared a cycle through it
  Py_XDECREF(b->descr);
  type->tp_free(obj);
  Py_DECREF(type);
}

const DescrObject* bound_descr(PyObject* obj) { return reinterpret_cast<BoundObject*>(obj)->descr; }
PyObject* bound_name(PyObject* obj, void*) {
  return PyUnicode_FromString(bound_descr(obj)->def->name);
}
PyObject* bound_qualname(PyObject* obj, void*) { return qualname(bound_descr(obj)); }
PyObject* bound_doc(PyObject* obj, void*) {
  return PyUnicode_FromString(bound_descr(obj)->def->doc);
}
PyObject* bound_self(PyObject* obj, void*) {
  PyObject* self = reinterpret_cast<BoundObject*>(obj)->self;
  return Py_NewRef(self == nullptr ? Py_None : self);
}
PyObject* bound_repr(PyObject* obj) {
  const DescrObject* d = bound_descr(obj);
  PyObject* self = reinterpret_cast<BoundObject*>(obj)->self;
  if (self == nullptr) {
    return PyUnicode_FromFormat("<built-in method %s of released object>", d->def->name);
  }
  return PyUnicode_FromFormat("<built-in method %s of %s object at %p>", d->def->name,
                              Py_TYPE(self)->tp_name, self);
}

PyGetSetDef kBoundGetSet[] = {{"__name__", bound_name, nullptr, nullptr, nullptr},
                              {"__qualname__", bound_qualname, nullptr, nullptr, nullptr},
                              {"__doc__", bound_doc, nullptr, nullptr, nullptr},
                              {"__self__", bound_self, nullptr, nullptr, nullptr},
                              {nullptr, nullptr, nullptr, nullptr, nullptr}};

PyMemberDef kBoundMembers[] = {
    {"__vectorcalloffset__", T_PYSSIZET, offsetof(BoundObject, vectorcall), READONLY, nullptr},
    {nullptr, 0, 0, 0, nullptr}};

PyType_Slot kBoundSlots[] = {{Py_tp_dealloc, reinterpret_cast<void*>(bound_dealloc)},
                             {Py_tp_traverse, reinterpret_cast<void*>(bound_traverse)},
                             {Py_tp_clear, reinterpret_cast<void*>(bound_clear)},
                             {Py_tp_call, reinterpret_cast<void*>(PyVectorcall_Call)},
                             {Py_tp_repr, reinterpret_cast<void*>(bound_repr)},
                             {Py_tp_getset, kBoundGetSet},
                             {Py_tp_members, kBoundMembers},
                             {0, nullptr}};

PyType_Spec kBoundSpec = {"crdtcore._core.cached_bound_method", sizeof(BoundObject), 0,
                          Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_VECTORCALL |
                              Py_TPFLAGS_DISALLOW_INSTANTIATION | Py_TPFLAGS_HAVE_GC,
                          kBoundSlots};

PyObject* bound_vectorcall(PyObject* callable, PyObject* const* args, size_t nargsf,
                           PyObject* kwnames) {
  auto* b = reinterpret_cast<BoundObject*>(callable);
  const CachedMethodDef* def = b->descr->def;
  if (refuse_keywords(def, kwnames)) return nullptr;
  PyObject* self = b->self;
  if (self == nullptr) {
    PyErr_Format(PyExc_RuntimeError, "%s() called after its %s object was released", def->name,
                 b->descr->owner->tp_name);
    return nullptr;
  }
  Py_INCREF(self);  // the call may drop the last other reference (a commit, say)
  PyObject* result = def->call(self, args, PyVectorcall_NARGS(nargsf));
  if (b->handed_out > 0) {  // the hand-out this call ends
    --b->handed_out;
    Py_DECREF(self);
  }
  Py_DECREF(self);
  return result;
}

PyTypeObject* make_type(PyType_Spec* spec) {
  PyObject* type = PyType_FromSpec(spec);
  if (type == nullptr) return nullptr;
  return reinterpret_cast<PyTypeObject*>(type);  // kept for the interpreter's lifetime
}

}  // namespace

void add_cached_method(PyTypeObject* owner, const CachedMethodDef* def) {
  if (g_descr_type == nullptr) {
    g_descr_type = make_type(&kDescrSpec);
    if (g_descr_type == nullptr) throw py::error_already_set();
    g_bound_type = make_type(&kBoundSpec);
    if (g_bound_type == nullptr) throw py::error_already_set();
  }
  DescrObject* d = PyObject_New(DescrObject, g_descr_type);
  if (d == nullptr) throw py::error_already_set();
  d->vectorcall = descr_vectorcall;
  d->def = def;
  d->owner = owner;
  int rc = PyObject_SetAttrString(reinterpret_cast<PyObject*>(owner), def->name,
                                  reinterpret_cast<PyObject*>(d));
  Py_DECREF(d);
  if (rc < 0) throw py::error_already_set();
}

void release_cached_method(PyObject** slot) {
  auto* b = reinterpret_cast<BoundObject*>(*slot);
  if (b == nullptr) return;
  *slot = nullptr;
  drop_handed_out(b);  // (a GC clear of a cycle; zero when the instance is deallocated)
  b->self = nullptr;
  Py_DECREF(b);
}

}  // namespace crdtcore::bindings
