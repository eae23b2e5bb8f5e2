// bind_update.cpp — update operations that need no document (crdtcore/update.h):
// _core.merge_updates, _core.diff_update, _core.encode_state_vector_from_update, and the
// core's decoders as plain Python data (crdtcore/state_vector.h, delete_set.h):
// _core.decode_state_vector, _core.decode_delete_set, _core.validate_update.
// python/crdtcore/_update.py gives them their public (pycrdt) names.
//
// The decoders are the core's own (StateVector::decode, DeleteSet::decode,
// crdtcore::validate_update); this file only converts their results. A
// DecodeError is rethrown with what was being decoded in front of the core's message.
//
// All of these are pure functions of their input bytes: from kReleaseGilBytes of input on
// they run without the GIL (gil.h); the inputs are read (bytes) or copied (other buffers)
// with the GIL held, and the results become Python objects after it is taken back.
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include <pybind11/pybind11.h>

#include "crdtcore/delete_set.h"
#include "crdtcore/error.h"
#include "crdtcore/state_vector.h"
#include "crdtcore/update.h"

#include "convert.h"
#include "gil.h"

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
  const ReadableBytes bytes(data);  // a bytes object (the common case) is decoded in place
  return without_gil_if_large(bytes.size(), [&] {
    return decoding("state vector",
                    [&] { return StateVector::decode(bytes.data(), bytes.size()); });
  });
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
  m.attr("RELEASE_GIL_BYTES") = py::int_(kReleaseGilBytes);
  m.def(
      "merge_updates",
      [](py::iterable updates) {
        std::vector<Bytes> inputs;
        size_t total = 0;
        for (py::handle u : updates) {
          inputs.push_back(to_bytes(u));
          total += inputs.back().size();
        }
        const Bytes merged =
            without_gil_if_large(total, [&] { return crdtcore::merge_updates(inputs); });
        return as_py_bytes(merged);
      },
      py::arg("updates"), "Yjs mergeUpdates over an iterable of v1 updates.");
  m.def(
      "diff_update",
      [](py::handle update, py::handle state) {
        const Bytes u = to_bytes(update);
        const Bytes sv = to_bytes(state);
        const Bytes diff = without_gil_if_large(u.size() + sv.size(),
                                                [&] { return crdtcore::diff_update(u, sv); });
        return as_py_bytes(diff);
      },
      py::arg("update"), py::arg("state"), "Yjs diffUpdate (v1).");
  m.def(
      "encode_state_vector_from_update",
      [](py::handle update) {
        const Bytes u = to_bytes(update);
        const Bytes sv = without_gil_if_large(
            u.size(), [&] { return crdtcore::encode_state_vector_from_update(u); });
        return as_py_bytes(sv);
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
        const DeleteSet ds = without_gil_if_large(bytes.size(), [&] {
          return decoding("delete set", [&] { return DeleteSet::decode(bytes); });
        });
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
        const ReadableBytes bytes(update);
        without_gil_if_large(bytes.size(), [&] {
          return decoding("update", [&] {
            crdtcore::validate_update(bytes.data(), bytes.size());
            return true;
          });
        });
      },
      py::arg("update"), "Raises DecodeError unless `update` is a well-formed v1 update.");
}

}  // namespace crdtcore::bindings
