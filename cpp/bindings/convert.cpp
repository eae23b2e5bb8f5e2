// convert.cpp — Python objects <-> crdtcore::Value (see convert.h for the mapping).
#include "convert.h"

#include <string>
#include <utility>
#include <vector>

#include "crdtcore/array.h"
#include "crdtcore/map.h"

#include "gil.h"

namespace crdtcore::bindings {
namespace {

[[noreturn]] void throw_unstorable(py::handle obj) {
  std::string name = Py_TYPE(obj.ptr())->tp_name;
  // Shared types are only storable directly in an Array, a Map or a Doc root.
  if (py::isinstance<Shared>(obj)) {
    throw py::type_error("a shared type (" + name +
                         ") cannot be stored inside a plain list, dict, embed or attribute; "
                         "insert it into an Array or a Map directly");
  }
  throw py::type_error("cannot store a value of type '" + name +
                       "' (storable: None, bool, int, float, str, bytes, list, tuple, "
                       "dict with str keys, and Text/Array/Map in an Array or a Map)");
}

Value to_value_at(py::handle obj, int depth);

Value::ObjectT dict_entries(py::handle obj, int depth) {
  Value::ObjectT entries;
  entries.reserve(static_cast<size_t>(PyDict_Size(obj.ptr())));
  PyObject* key = nullptr;
  PyObject* item = nullptr;
  Py_ssize_t pos = 0;
  while (PyDict_Next(obj.ptr(), &pos, &key, &item)) {
    if (!PyUnicode_Check(key)) {
      throw py::type_error(std::string("dict keys must be str, not '") + Py_TYPE(key)->tp_name +
                           "'");
    }
    std::string_view k = str_view(key, "dict key");
    entries.emplace_back(std::string(k), to_value_at(item, depth + 1));
  }
  return entries;
}

Value to_value_at(py::handle obj, int depth) {
  if (depth > kMaxDepth) {
    throw py::value_error("value nests deeper than " + std::to_string(kMaxDepth) +
                          " levels (is it a cyclic list or dict?)");
  }
  PyObject* p = obj.ptr();
  if (p == Py_None) return Value::null();
  if (PyBool_Check(p)) return Value::boolean(p == Py_True);
  if (PyLong_Check(p)) {
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(p, &overflow);
    if (overflow != 0) {
      throw py::type_error("int " + py::str(obj).cast<std::string>() +
                           " does not fit in 64 bits and cannot be stored");
    }
    if (v == -1 && PyErr_Occurred()) throw py::error_already_set();
    return Value::integer(static_cast<int64_t>(v));
  }
  if (PyFloat_Check(p)) return Value::floating(PyFloat_AS_DOUBLE(p));
  if (PyUnicode_Check(p)) return Value::string(std::string(str_view(p, "str")));
  if (PyBytes_Check(p) || PyByteArray_Check(p) || PyMemoryView_Check(p)) {
    return Value::binary(to_bytes(p));
  }
  if (PyList_Check(p) || PyTuple_Check(p)) {
    py::sequence seq = py::reinterpret_borrow<py::sequence>(obj);
    Value::ArrayT items;
    items.reserve(seq.size());
    for (py::handle item : seq) items.push_back(to_value_at(item, depth + 1));
    return Value::array(std::move(items));
  }
  if (PyDict_Check(p)) return Value::object(dict_entries(obj, depth));
  // Integers of other libraries (numpy.int64, ...): what operator.index() gives.
  if (PyIndex_Check(p)) {
    py::object as_int = py::reinterpret_steal<py::object>(PyNumber_Index(p));
    if (!as_int) throw py::error_already_set();
    return to_value_at(as_int, depth);
  }
  // Floats of other libraries (numpy.float32, ...): what float() gives.
  const PyNumberMethods* number = Py_TYPE(p)->tp_as_number;
  if (number != nullptr && number->nb_float != nullptr) {
    const double v = PyFloat_AsDouble(p);  // calls __float__
    if (v == -1.0 && PyErr_Occurred()) throw py::error_already_set();
    return Value::floating(v);
  }
  throw_unstorable(obj);
}

}  // namespace

Value to_value(py::handle obj) { return to_value_at(obj, 0); }

Attributes to_attributes(py::handle obj) {
  if (obj.is_none()) return {};
  if (!PyDict_Check(obj.ptr())) {
    throw py::type_error(std::string("attributes must be a dict, not '") +
                         Py_TYPE(obj.ptr())->tp_name + "'");
  }
  return dict_entries(obj, 0);
}

py::object from_value(const Value& value) {
  switch (value.kind()) {
    case Value::Kind::Undefined:
    case Value::Kind::Null: return py::none();
    case Value::Kind::Bool: return py::bool_(value.as_bool());
    case Value::Kind::Int: return py::int_(value.as_int());
    case Value::Kind::Float: return py::float_(value.as_float());
    case Value::Kind::BigInt: return py::int_(value.as_bigint());
    case Value::Kind::String: return utf8_str(value.as_string());
    case Value::Kind::Binary: {
      const Value::BinaryT& b = value.as_binary();
      return py::bytes(reinterpret_cast<const char*>(b.data()), b.size());
    }
    case Value::Kind::Array: {
      const Value::ArrayT& items = value.as_array();
      py::list out(items.size());
      for (size_t i = 0; i < items.size(); ++i) out[i] = from_value(items[i]);
      return std::move(out);
    }
    case Value::Kind::Object: {
      py::dict out;
      for (const auto& [k, v] : value.as_object()) out[utf8_str(k)] = from_value(v);
      return std::move(out);
    }
  }
  return py::none();
}

py::object from_attributes(const Attributes& attrs) {
  if (attrs.empty()) return py::none();
  py::dict out;
  for (const auto& [k, v] : attrs) out[utf8_str(k)] = from_value(v);
  return std::move(out);
}

py::object from_shared(const Shared& shared) {
  switch (shared.kind()) {
    case TypeKind::Text: return py::cast(shared.as_text());
    case TypeKind::Array: return py::cast(shared.as_array());
    case TypeKind::Map: return py::cast(shared.as_map());
    default: return py::cast(shared);
  }
}

py::object from_out(const Out& out) {
  if (out.is_shared()) return from_shared(out.shared());
  return from_value(out.value());
}

py::str utf8_str(std::string_view utf8) {
  PyObject* o =
      PyUnicode_DecodeUTF8(utf8.data(), static_cast<Py_ssize_t>(utf8.size()), "surrogatepass");
  if (o == nullptr) throw py::error_already_set();
  return py::reinterpret_steal<py::str>(o);
}

namespace {

bool is_high(char16_t c) { return c >= 0xD800 && c <= 0xDBFF; }
bool is_low(char16_t c) { return c >= 0xDC00 && c <= 0xDFFF; }

// Calls put(code point) for each character of one item's string, as to_string() reads it:
// a surrogate pair is one character, a lone half is U+FFFD (an item's pairs never span items).
template <class Put>
void decode_utf16(std::u16string_view s, Put put) {
  for (size_t i = 0; i < s.size(); ++i) {
    const char16_t c = s[i];
    if (c < 0xD800 || c > 0xDFFF) {
      put(c);
    } else if (is_high(c) && i + 1 < s.size() && is_low(s[i + 1])) {
      put(0x10000 + ((static_cast<Py_UCS4>(c) - 0xD800) << 10) + (s[i + 1] - 0xDC00));
      ++i;
    } else {
      put(0xFFFD);
    }
  }
}

}  // namespace

py::str text_str(const Text& text) {
  // Pass 1: the number of characters and the largest one, which fix the str's length and
  // kind (1, 2 or 4 bytes per character). Units below U+D800 are characters of their own.
  size_t chars = 0;
  Py_UCS4 max_char = 0;
  text.for_each_utf16_chunk([&](std::u16string_view s) {
    char16_t acc = 0;
    for (char16_t c : s) acc |= c;
    if (acc < 0xD800) {
      chars += s.size();
      if (acc > max_char) max_char = acc;
      return;
    }
    decode_utf16(s, [&](Py_UCS4 cp) {
      ++chars;
      if (cp > max_char) max_char = cp;
    });
  });
  PyObject* o = PyUnicode_New(static_cast<Py_ssize_t>(chars), max_char);
  if (o == nullptr) throw py::error_already_set();
  py::str out = py::reinterpret_steal<py::str>(o);
  // Pass 2: the characters, written in the str's own width.
  const int kind = PyUnicode_KIND(o);
  void* data = PyUnicode_DATA(o);
  size_t at = 0;
  text.for_each_utf16_chunk([&](std::u16string_view s) {
    if (kind == PyUnicode_1BYTE_KIND) {
      auto* dst = static_cast<Py_UCS1*>(data) + at;
      for (size_t i = 0; i < s.size(); ++i) dst[i] = static_cast<Py_UCS1>(s[i]);
      at += s.size();
    } else if (kind == PyUnicode_2BYTE_KIND) {
      auto* dst = static_cast<Py_UCS2*>(data);
      decode_utf16(s, [&](Py_UCS4 cp) { dst[at++] = static_cast<Py_UCS2>(cp); });
    } else {
      auto* dst = static_cast<Py_UCS4*>(data);
      decode_utf16(s, [&](Py_UCS4 cp) { dst[at++] = cp; });
    }
  });
  return out;
}

std::string_view str_view(py::handle obj, const char* what) {
  if (!PyUnicode_Check(obj.ptr())) {
    throw py::type_error(std::string(what) + " must be str, not '" + Py_TYPE(obj.ptr())->tp_name +
                         "'");
  }
  Py_ssize_t size = 0;
  const char* data = PyUnicode_AsUTF8AndSize(obj.ptr(), &size);
  if (data == nullptr) throw py::error_already_set();
  return std::string_view(data, static_cast<size_t>(size));
}

Bytes to_bytes(py::handle obj) {
  PyObject* p = obj.ptr();
  if (PyBytes_Check(p)) {
    const auto* data = reinterpret_cast<const uint8_t*>(PyBytes_AS_STRING(p));
    return Bytes(data, data + PyBytes_GET_SIZE(p));
  }
  if (!PyObject_CheckBuffer(p)) {
    throw py::type_error(std::string("expected bytes, bytearray or memoryview, not '") +
                         Py_TYPE(p)->tp_name + "'");
  }
  Py_buffer view;
  if (PyObject_GetBuffer(p, &view, PyBUF_C_CONTIGUOUS) != 0) throw py::error_already_set();
  const auto* data = static_cast<const uint8_t*>(view.buf);
  Bytes out(data, data + view.len);
  PyBuffer_Release(&view);
  return out;
}

ReadableBytes::ReadableBytes(py::handle obj) {
  PyObject* p = obj.ptr();
  if (PyBytes_Check(p)) {  // immutable: read in place
    data_ = reinterpret_cast<const uint8_t*>(PyBytes_AS_STRING(p));
    size_ = static_cast<size_t>(PyBytes_GET_SIZE(p));
    return;
  }
  copy_ = to_bytes(obj);
  data_ = copy_.data();
  size_ = copy_.size();
}

}  // namespace crdtcore::bindings
