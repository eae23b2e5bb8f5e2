// cached_method.h — method descriptors whose bound methods are made once per instance.
//
// `with obj:` looks __enter__ and __exit__ up with _PyObject_LookupSpecial, which calls
// the descriptor's __get__: for an ordinary method that allocates a bound method object
// (a GC-tracked PyCFunction) twice per `with` block and frees both afterwards, about 800
// machine instructions per block — more than the native work of opening and committing
// an empty transaction. A CachedMethod descriptor instead keeps the bound method in a
// slot of the instance (created on first use) and hands out a new reference to it.
//
// The instance owns its bound methods. A bound method owns a reference to the instance
// for each time it was handed out and not yet called: `with` drops its reference to the
// context manager before calling __enter__, so the hand-out must keep it alive; after the
// call the reference is dropped, so between `with` blocks there is no reference cycle and
// refcounting frees both. A bound method fetched and never called leaves a cycle, which
// the cyclic GC collects (both types are GC types). The owner calls
// release_cached_method() from its tp_clear/tp_dealloc (and visits the slots in its
// tp_traverse); a bound method kept beyond its instance then raises RuntimeError when
// called.
//
// Both objects behave like builtin methods: vectorcall, `__name__`, `__qualname__`,
// `__doc__`, `__text_signature__` (inspect.signature), `__self__`, `__objclass__`, and an
// unbound call through the class (`Cls.__enter__(obj)`).
#pragma once

#include <Python.h>

namespace crdtcore::bindings {

// Called with the instance and the positional arguments (keywords are refused); returns a
// new reference, or nullptr with a Python error set.
using CachedMethodFn = PyObject* (*)(PyObject* self, PyObject* const* args, Py_ssize_t nargs);

struct CachedMethodDef {
  const char* name;       // "__enter__"
  const char* signature;  // "($self, /)": the __text_signature__
  const char* doc;        // the docstring
  CachedMethodFn call;
  Py_ssize_t slot_offset;  // offsetof(InstanceStruct, PyObject* slot): the bound method cache
};

// Adds the descriptor for `def` (static storage) to the class `owner` (a native type whose
// instances have the slot at def->slot_offset, nullptr-initialised).
void add_cached_method(PyTypeObject* owner, const CachedMethodDef* def);

// Detaches the bound method in *slot from its instance and drops it (*slot = nullptr).
void release_cached_method(PyObject** slot);

}  // namespace crdtcore::bindings
