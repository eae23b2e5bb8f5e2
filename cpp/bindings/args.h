// args.h — argument helpers shared by the binding files: index and slice
// normalisation (Python semantics), and the "not integrated yet" check.
//
// Every function REQUIRES the GIL and reports errors by throwing (pybind11 exceptions
// or crdtcore::InvalidState), to be translated by pybind11's exception translators.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <pybind11/pybind11.h>

#include "crdtcore/error.h"
#include "crdtcore/text.h"

#include "convert.h"

namespace crdtcore::bindings {

// Throws InvalidState (RuntimeError) for a prelim (default-constructed) handle.
template <class T>
T& integrated(T& s, const char* what) {
  if (!s.valid()) {
    throw InvalidState(std::string(what) +
                       " is not integrated into a document yet (insert it into a Doc, "
                       "an Array or a Map first)");
  }
  return s;
}

// An element index Python-style: negative counts from the end; IndexError outside.
inline uint64_t element_index(int64_t i, uint64_t len, const char* what) {
  auto n = static_cast<int64_t>(len);
  if (i < 0) i += n;
  if (i < 0 || i >= n) throw py::index_error(std::string(what) + " index out of range");
  return static_cast<uint64_t>(i);
}

// An insertion position: 0 <= i (the core checks i <= length and throws OutOfRange).
inline uint64_t insert_index(int64_t i, const char* what) {
  if (i < 0) throw py::index_error(std::string(what) + " index must not be negative");
  return static_cast<uint64_t>(i);
}

// A Python int as int64 (TypeError for other types, OverflowError when too large).
inline int64_t int_arg(py::handle obj, const char* what) {
  if (!PyLong_Check(obj.ptr())) {
    throw py::type_error(std::string(what) + " must be int, not '" + Py_TYPE(obj.ptr())->tp_name +
                         "'");
  }
  long long v = PyLong_AsLongLong(obj.ptr());
  if (v == -1 && PyErr_Occurred()) throw py::error_already_set();
  return static_cast<int64_t>(v);
}

struct SliceRange {
  uint64_t start = 0;
  uint64_t stop = 0;  // >= start
  Py_ssize_t step = 1;
};

// A slice clamped to [0, len) as Python sequences do (PySlice_AdjustIndices).
inline SliceRange slice_range(py::handle key, uint64_t len) {
  Py_ssize_t start = 0, stop = 0, step = 0;
  if (PySlice_Unpack(key.ptr(), &start, &stop, &step) < 0) throw py::error_already_set();
  PySlice_AdjustIndices(static_cast<Py_ssize_t>(len), &start, &stop, step);
  SliceRange r;
  r.start = static_cast<uint64_t>(start);
  r.stop = static_cast<uint64_t>(stop < start ? start : stop);
  r.step = step;
  return r;
}

// An int key of a container (TypeError naming the container otherwise).
inline int64_t int_key(py::handle key, const char* what) {
  if (!PyLong_Check(key.ptr())) {
    throw py::type_error(std::string(what) + " indices must be int or slice, not '" +
                         Py_TYPE(key.ptr())->tp_name + "'");
  }
  return int_arg(key, what);
}

inline std::optional<Attributes> optional_attrs(py::handle attrs) {
  if (!attrs || attrs.is_none()) return std::nullopt;
  return to_attributes(attrs);
}

}  // namespace crdtcore::bindings
