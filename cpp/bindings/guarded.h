// guarded.h — the error boundary of a CPython-API entry point (fast_calls.cpp,
// txn_events.cpp): runs the body and turns a C++ exception into the Python error
// pybind11's registered translators give it (bind_errors.cpp), so these entry points raise
// what the pybind11 methods raise.
#pragma once

#include <Python.h>

#include <pybind11/pybind11.h>

namespace crdtcore::bindings {

// Runs `f` (returning a new reference, or nullptr with a Python error set); a C++
// exception becomes a Python error and nullptr. Requires the GIL.
template <class F>
PyObject* guarded(F&& f) noexcept {
  try {
    return f();
  } catch (...) {
    pybind11::detail::try_translate_exceptions();
    return nullptr;
  }
}

}  // namespace crdtcore::bindings
