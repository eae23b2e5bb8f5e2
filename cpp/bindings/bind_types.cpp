// bind_types.cpp — native handle classes _core.Shared, _core.Text, _core.Array, _core.Map.
//
// crdtcore.Text / Array / Map (python/crdtcore/_text.py, ...) subclass these, so editing
// calls dispatch straight into C++ with no Python frame in between. The methods users call
// directly (Text.insert, del t[...], len(), t[i], key in m) are added by fast_calls.cpp
// without pybind11's dispatcher, which also keeps pybind11's internals out of their
// __qualname__ (pybind11 issues 2059, 5774); Text.format and Text.insert_embed are Python
// methods over the private _format and _insert_embed here. A default-constructed handle is a
// prelim (not integrated): every call on it raises RuntimeError, and _bind() attaches it to a
// shared type once the Python layer has inserted it somewhere. Methods whose name starts with
// "_" are private helpers of the Python layer. Text indices are in the document's offset unit
// (code points unless the Doc was made with another OffsetKind) and elements for Array; no
// CRDT logic lives here.
#include <string>
#include <utility>
#include <vector>

#include <pybind11/native_enum.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "crdtcore/array.h"
#include "crdtcore/error.h"
#include "crdtcore/map.h"
#include "crdtcore/shared.h"
#include "crdtcore/text.h"

#include "args.h"
#include "convert.h"

namespace crdtcore::bindings {
namespace {

const char* kind_name(const Shared& s) {
  switch (s.kind()) {
    case TypeKind::Text: return "Text";
    case TypeKind::Array: return "Array";
    case TypeKind::Map: return "Map";
    default: return "shared type";
  }
}

Value embed_value(py::handle value) {
  if (py::isinstance<Shared>(value)) {
    throw py::type_error("shared types cannot be embedded in a Text; embed a dict instead");
  }
  return to_value(value);
}

void bind_shared(py::module_& m) {
  py::native_enum<TypeKind>(m, "TypeKind", "enum.IntEnum",
                            "Kind of a shared type (Yjs type ref numbers).")
      .value("Array", TypeKind::Array)
      .value("Map", TypeKind::Map)
      .value("Text", TypeKind::Text)
      .value("XmlElement", TypeKind::XmlElement)
      .value("XmlFragment", TypeKind::XmlFragment)
      .value("XmlHook", TypeKind::XmlHook)
      .value("XmlText", TypeKind::XmlText)
      .value("Undefined", TypeKind::Undefined)
      .finalize();

  py::class_<Shared>(m, "Shared", "Native handle to a shared type (base of Text, Array, Map).")
      .def(py::init<>())
      .def(py::init<const Shared&>(), py::arg("other"))
      .def_property_readonly(
          "_kind", [](const Shared& s) { return s.valid() ? s.kind() : TypeKind::Undefined; })
      .def_property_readonly("_valid", &Shared::valid)
      .def_property_readonly("_is_deleted",
                             [](const Shared& s) { return s.valid() && s.is_deleted(); })
      .def(
          "_same", [](const Shared& a, const Shared& b) { return a.valid() && a.same(b); },
          py::arg("other"))
      .def("_identity", &Shared::identity)
      .def("_to_value",
           [](const Shared& s) { return from_value(integrated(s, kind_name(s)).to_value()); })
      .def(
          "_handle", [](const Shared& s) { return from_shared(s); },
          "The most specific native handle for this shared type.")
      .def(
          "_guess_kind",
          [](const Shared& s) {
            // An untyped root's to_value() already follows the guess (map entries only ->
            // Object, any string -> String, else Array); an empty Array is no evidence.
            if (!s.valid()) return TypeKind::Undefined;
            if (s.kind() != TypeKind::Undefined) return s.kind();
            Value v = s.to_value();
            switch (v.kind()) {
              case Value::Kind::Object: return TypeKind::Map;
              case Value::Kind::String: return TypeKind::Text;
              case Value::Kind::Array:
                return v.as_array().empty() ? TypeKind::Undefined : TypeKind::Array;
              default: return TypeKind::Undefined;
            }
          },
          "For an untyped root: the kind its content suggests (Undefined when empty).");
}

void bind_text(py::module_& m) {
  py::class_<Text, Shared>(m, "Text", "Native handle to a Yjs YText (see crdtcore.Text).")
      .def(py::init<>())
      .def(py::init<const Text&>(), py::arg("other"))
      .def(
          "_bind", [](Text& self, const Shared& other) { self = other.as_text(); },
          py::arg("other"))
      .def("_str", [](const Text& t) { return text_str(integrated(t, "Text")); })
      .def(
          "_insert_embed",
          [](Text& t, int64_t index, py::handle value, py::handle attrs) {
            Value embed = embed_value(value);
            integrated(t, "Text");
            t.insert_embed(insert_index(index, "Text"), embed, to_attributes(attrs));
          },
          py::arg("index"), py::arg("value"), py::arg("attrs") = py::none(),
          "Inserts an embed; see crdtcore.Text.insert_embed (internal).")
      .def(
          "_format",
          [](Text& t, int64_t start, int64_t stop, py::handle attrs) {
            Attributes a = to_attributes(attrs);
            integrated(t, "Text");
            if (start < 0 || stop < 0) {
              throw py::index_error("Text format range must not be negative");
            }
            if (stop <= start) return;
            // Yjs's formatText pads a range past the end with newlines; refuse it instead.
            if (static_cast<uint64_t>(stop) > t.length()) {
              throw py::index_error("Text format range out of range");
            }
            t.format(static_cast<uint64_t>(start), static_cast<uint64_t>(stop - start), a);
          },
          py::arg("start"), py::arg("stop"), py::arg("attrs"),
          "Formats [start, stop); see crdtcore.Text.format (internal).")
      .def("_diff", [](const Text& t) {
        std::vector<TextChunk> chunks = integrated(t, "Text").to_delta();
        py::list out;
        for (const TextChunk& c : chunks) {
          py::object content;
          switch (c.kind) {
            case TextChunk::Kind::String: content = utf8_str(c.text); break;
            case TextChunk::Kind::Embed: content = from_value(c.embed); break;
            case TextChunk::Kind::Shared: content = from_shared(c.shared); break;
          }
          out.append(py::make_tuple(content, from_attributes(c.attributes)));
        }
        return out;
      });
}

void bind_array(py::module_& m) {
  py::class_<Array, Shared>(m, "Array", "Native handle to a Yjs YArray (see crdtcore.Array).")
      .def(py::init<>())
      .def(py::init<const Array&>(), py::arg("other"))
      .def(
          "_bind", [](Array& self, const Shared& other) { self = other.as_array(); },
          py::arg("other"))
      .def(
          "_get",
          [](const Array& a, py::handle key) -> py::object {
            integrated(a, "Array");
            if (PySlice_Check(key.ptr())) {
              py::list out;
              SliceRange r = slice_range(key, a.length());
              if (r.step == 1) {
                for (const Out& o : a.slice(r.start, r.stop)) out.append(from_out(o));
                return std::move(out);
              }
              // Extended slices (negative steps too): element by element, as Python lists do.
              Py_ssize_t start = 0, stop = 0, step = 0;
              if (PySlice_Unpack(key.ptr(), &start, &stop, &step) < 0)
                throw py::error_already_set();
              Py_ssize_t n =
                  PySlice_AdjustIndices(static_cast<Py_ssize_t>(a.length()), &start, &stop, step);
              for (Py_ssize_t k = 0, i = start; k < n; ++k, i += step) {
                out.append(from_out(a.get(static_cast<uint64_t>(i))));
              }
              return std::move(out);
            }
            return from_out(a.get(element_index(int_key(key, "Array"), a.length(), "Array")));
          },
          py::arg("key"))
      .def(
          "_insert",
          [](Array& a, int64_t index, py::handle values) {
            std::vector<Value> vs;
            for (py::handle v : values) vs.push_back(to_value(v));
            integrated(a, "Array");
            if (!vs.empty()) a.insert(insert_index(index, "Array"), vs);
          },
          py::arg("index"), py::arg("values"))
      .def(
          "_insert_type",
          [](Array& a, int64_t index, TypeKind kind) {
            integrated(a, "Array");
            return from_shared(a.insert_type(insert_index(index, "Array"), kind));
          },
          py::arg("index"), py::arg("kind"))
      .def(
          "_remove",
          [](Array& a, uint64_t index, uint64_t len) {
            integrated(a, "Array");
            if (len > 0) a.remove_range(index, len);
          },
          py::arg("index"), py::arg("length"));
}

void bind_map(py::module_& m) {
  py::class_<Map, Shared>(m, "Map", "Native handle to a Yjs YMap (see crdtcore.Map).")
      .def(py::init<>())
      .def(py::init<const Map&>(), py::arg("other"))
      .def(
          "_bind", [](Map& self, const Shared& other) { self = other.as_map(); }, py::arg("other"))
      .def(
          "_get",
          [](const Map& mp, py::handle key) -> py::object {
            std::string k(str_view(key, "Map key"));
            std::optional<Out> out = integrated(mp, "Map").get(k);
            if (!out) {
              PyErr_SetObject(PyExc_KeyError, key.ptr());  // KeyError(key), as a dict
              throw py::error_already_set();
            }
            return from_out(*out);
          },
          py::arg("key"))
      .def(
          "_set",
          [](Map& mp, py::handle key, py::handle value) {
            std::string k(str_view(key, "Map key"));
            Value v = to_value(value);
            integrated(mp, "Map").set(k, v);
          },
          py::arg("key"), py::arg("value"))
      .def(
          "_set_type",
          [](Map& mp, py::handle key, TypeKind kind) {
            std::string k(str_view(key, "Map key"));
            return from_shared(integrated(mp, "Map").set_type(k, kind));
          },
          py::arg("key"), py::arg("kind"))
      .def(
          "_remove",
          [](Map& mp, py::handle key) {
            std::string k(str_view(key, "Map key"));
            return integrated(mp, "Map").remove(k);
          },
          py::arg("key"))
      .def("_keys",
           [](const Map& mp) {
             py::list out;
             for (const std::string& k : integrated(mp, "Map").keys()) out.append(utf8_str(k));
             return out;
           })
      .def("_entries", [](const Map& mp) {
        py::list out;
        for (const auto& [k, v] : integrated(mp, "Map").entries()) {
          out.append(py::make_tuple(utf8_str(k), from_out(v)));
        }
        return out;
      });
}

}  // namespace

void bind_types(py::module_& m) {
  m.def(
      "_check_value", [](py::handle value) { to_value(value); }, py::arg("value"),
      "Raises TypeError (or ValueError) when ``value`` cannot be stored (internal).");
  bind_shared(m);
  bind_text(m);
  bind_array(m);
  bind_map(m);
}

}  // namespace crdtcore::bindings
