// convert.h — Python objects <-> crdtcore::Value and shared-type handles
// (counterpart of pycrdt's src/type_conversions.rs).
//
// Python -> Value (what can be stored in an Array, a Map, an embed or a format
// attribute; yjs-format.md §1.6):
//   None -> Null; bool -> Bool (checked before int: bool subclasses int);
//   int within int64 -> Int, beyond -> TypeError; float -> Float; str -> String;
//   bytes / bytearray / memoryview -> Binary; list / tuple -> Array;
//   dict with str keys -> Object (any other key type -> TypeError);
//   other int-likes (__index__: numpy.int64, ...) -> as int(); other float-likes
//   (__float__ without __index__: numpy.float32, Decimal, Fraction, ...) -> Float of
//   float(), so a value float() rounds is stored rounded;
//   anything else -> TypeError naming the type. Nesting deeper than kMaxDepth
//   (a cyclic list or dict) -> ValueError.
// Value -> Python:
//   Undefined / Null -> None; Bool -> bool; Int and BigInt -> int; Float -> float;
//   String -> str; Binary -> bytes; Array -> list; Object -> dict (wire order).
//
// Shared types cross as the native handle classes registered in bind_types.cpp
// (_core.Text, _core.Array, _core.Map; _core.Shared for other kinds); the Python
// package wraps those in crdtcore.Text / Array / Map.
//
// Every function REQUIRES the GIL.
#pragma once

#include <cstdint>
#include <string_view>

#include <pybind11/pybind11.h>

#include "crdtcore/bytes.h"
#include "crdtcore/doc.h"
#include "crdtcore/shared.h"
#include "crdtcore/text.h"
#include "crdtcore/value.h"

namespace crdtcore::bindings {

namespace py = pybind11;

// Deepest nesting of lists and dicts accepted from Python.
inline constexpr int kMaxDepth = 512;

// Converts a storable Python object. Throws py::type_error / py::value_error.
Value to_value(py::handle obj);

// Converts a dict of formatting attributes (str keys; None values mean "remove").
// Throws py::type_error for a non-dict or non-str keys.
Attributes to_attributes(py::handle obj);

py::object from_value(const Value& value);

// Attributes as a dict, or None when empty.
py::object from_attributes(const Attributes& attrs);

// A shared type as its most specific native handle class.
py::object from_shared(const Shared& shared);

// An Array element or Map value: a plain Python value or a native handle.
py::object from_out(const Out& out);

// The crdtcore.Transaction a document was given as `origin` (fast_calls.cpp), or None
// (no origin, or one that is not a live Transaction object).
py::object transaction_object(Origin origin);
// The Python origin value of a core origin (bind_undo.cpp): None for no origin, the
// user's origin of a live crdtcore.Transaction, or the Python UndoManager whose
// undo()/redo() made the transaction; None for anything else.
py::object origin_value(Origin origin);
// The core Origin naming `txn`, a crdtcore.Transaction (null for None); TypeError otherwise.
Origin transaction_origin(py::handle txn);

// A Python str from UTF-8 (lone surrogates, as a JS peer may send them, pass through).
py::str utf8_str(std::string_view utf8);

// The whole text as a Python str, built straight from the UTF-16 items (no UTF-8 copy).
// Holds the GIL throughout, however long the text: it walks the document (gil.h).
py::str text_str(const Text& text);

// The UTF-8 bytes of a Python str, without copying (valid while `obj` lives).
// Throws py::type_error for a non-str and UnicodeEncodeError for lone surrogates.
std::string_view str_view(py::handle obj, const char* what);

// The content of a bytes-like object (bytes, bytearray, memoryview, any buffer).
// Throws py::type_error otherwise.
Bytes to_bytes(py::handle obj);

inline py::bytes as_py_bytes(const Bytes& bytes) {
  return py::bytes(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

}  // namespace crdtcore::bindings
