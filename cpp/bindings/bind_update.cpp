// bind_update.cpp — update operations that need no document (crdtcore/update.h):
// _core.merge_updates, _core.diff_update, _core.encode_state_vector_from_update, and the
// core's decoders as plain Python data (crdtcore/state_vector.h, delete_set.h):
// _core.decode_state_vector, _core.decode_delete_set, _core.validate_update.
// python/crdtcore/_update.py gives them their public (pycrdt) names.
//
// The decoders are the core's own (StateVector::decode, DeleteSet::decode,
// crdtcore::validate_update); this file only converts their results. A
// DecodeError is rethrown with what was being decoded in front of the core's message.
#include <string>
#include <utility>
#include <vector>

#include <pybind11/pybind11.h>

#include "crdtcore/delete_set.h"
#include "crdtcore/error.h"
#include "crdtcore/state_vector.h"
#include "crdtcore/update.h"

#include "convert.h"

namespace crdtcore::bindings {

namespace {

// Runs `decode`, prefixing the message of a DecodeError with `what` ("state vector", ...).
template <typename Fn>
auto decoding(const char* what, Fn&& decode) {
  try {
    return decode();
  } catch (const crdtcore::DecodeError& e) {
    throw crdtcore::DecodeError(std::string("malformed ") + what + ": " + e.what());
  }
}

StateVector state_vector_of(py::handle data) {
  PyObject* p = data.ptr();
  if (PyBytes_Check(p)) {  // the common case, decoded in place
    const auto* bytes = reinterpret_cast<const uint8_t*>(PyBytes_AS_STRING(p));
    const auto size = static_cast<size_t>(PyBytes_GET_SIZE(p));
    return decoding("state vector", [&] { return StateVector::decode(bytes, size); });
  }
  const Bytes bytes = to_bytes(data);
  return decoding("state vector", [&] { return StateVector::decode(bytes); });
}

// A dict in Yjs's wire order: clients descending.
template <typename Map, typename Convert>
py::dict dict_descending(const Map& entries, Convert&& convert) {
  py::dict out;
  for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
    out[py::int_(it->first)] = convert(it->second);
  }
  return out;
}

}  // namespace

void bind_update(py::module_& m) {
  m.def(
      "merge_updates",
      [](py::iterable updates) {
        std::vector<Bytes> inputs;
        for (py::handle u : updates) inputs.push_back(to_bytes(u));
        return as_py_bytes(crdtcore::merge_updates(inputs));
      },
      py::arg("updates"), "Yjs mergeUpdates over an iterable of v1 updates.");
  m.def(
      "diff_update",
      [](py::handle update, py::handle state) {
        return as_py_bytes(crdtcore::diff_update(to_bytes(update), to_bytes(state)));
      },
      py::arg("update"), py::arg("state"), "Yjs diffUpdate (v1).");
  m.def(
      "encode_state_vector_from_update",
      [](py::handle update) {
        return as_py_bytes(crdtcore::encode_state_vector_from_update(to_bytes(update)));
      },
      py::arg("update"), "Yjs encodeStateVectorFromUpdate (v1).");
  m.def(
      "decode_state_vector",
      [](py::handle state) {
        return dict_descending(state_vector_of(state).entries(),
                               [](Clock clock) { return py::int_(clock); });
      },
      py::arg("state"), "StateVector::decode as {client: clock}, clients descending.");
  m.def(
      "decode_delete_set",
      [](py::handle delete_set) {
        const Bytes bytes = to_bytes(delete_set);
        const DeleteSet ds = decoding("delete set", [&] { return DeleteSet::decode(bytes); });
        return dict_descending(ds.clients(), [](const std::vector<DeleteRange>& ranges) {
          py::list runs(ranges.size());
          for (size_t i = 0; i < ranges.size(); ++i) {
            runs[i] = py::make_tuple(ranges[i].clock, ranges[i].len);
          }
          return runs;
        });
      },
      py::arg("delete_set"),
      "DeleteSet::decode as {client: [(clock, length), ...]}, clients descending.");
  m.def(
      "validate_update",
      [](py::handle update) {
        const Bytes bytes = to_bytes(update);
        decoding("update", [&] {
          crdtcore::validate_update(bytes);
          return true;
        });
      },
      py::arg("update"), "Raises DecodeError unless `update` is a well-formed v1 update.");
}

}  // namespace crdtcore::bindings
