// gil.h — which native work runs without the GIL, so that other Python threads keep running
// meanwhile (pybind11 gil_scoped_release).
//
// Released: decoding update bytes, which is a pure function of the bytes (crdtcore/update.h):
// the decode half of Doc.apply_update (crdtcore::decode_update; the integrating half needs
// the GIL again), validate_update, merge_updates, diff_update (get_update(update, state)),
// encode_state_vector_from_update (get_state(update)), decode_state_vector and
// decode_delete_set (their decoding; building the dict needs the GIL). Only from
// kReleaseGilBytes of input on, and only over memory no other thread can change: a bytes
// object (immutable, kept alive by the caller's reference) is read in place, any other
// buffer is copied first (ReadableBytes) — another thread could mutate or resize a
// bytearray meanwhile.
//
// Never released: anything that reads or changes a document (integrating an update,
// get_update, get_state, str(text), to_py, ...). The GIL is what keeps those consistent:
// with Doc(allow_multithreading=True) only transaction blocks take a lock, a bare editing
// call from another thread takes none, so without the GIL it could change the item lists a
// reader walks (a crash, not just a stale result).
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>

#include <pybind11/pybind11.h>

#include "crdtcore/bytes.h"

namespace crdtcore::bindings {

namespace py = pybind11;

// Inputs smaller than this are decoded with the GIL held. Releasing and retaking it costs
// ~0.1 µs uncontended, but when another thread is running Python code, retaking it can wait
// for that thread's switch interval (5 ms by default): a small update from a sync stream
// (typically 10–100 B, decoded in well under 1 µs) must not pay that. Decoding runs at about
// 5–30 ns per byte, so 16 KiB is 80–450 µs of work: from there on, the release overhead is
// below 0.2 % and the other threads gain real time (measurements: docs/../issue 10 §1 report,
// see the commit message).
inline constexpr size_t kReleaseGilBytes = 16 * 1024;

// Returns fn(), run without the GIL when `input_size` >= kReleaseGilBytes. REQUIRES: the GIL
// is held; fn touches no Python object and no document. Exceptions propagate (after the GIL
// is retaken).
template <typename Fn>
auto without_gil_if_large(size_t input_size, Fn&& fn) {
  if (input_size < kReleaseGilBytes) return std::forward<Fn>(fn)();
  py::gil_scoped_release release;
  return std::forward<Fn>(fn)();
}

// The content of a bytes-like object (bytes, bytearray, memoryview, any buffer), readable
// without the GIL while `obj` lives: a bytes object in place, anything else as a copy.
// Throws py::type_error for other objects. Requires the GIL to construct.
class ReadableBytes {
 public:
  explicit ReadableBytes(py::handle obj);
  ReadableBytes(const ReadableBytes&) = delete;
  ReadableBytes& operator=(const ReadableBytes&) = delete;

  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  Bytes copy_;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace crdtcore::bindings
