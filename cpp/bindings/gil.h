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

// Inputs smaller than this are decoded with the GIL held. Measured (Release build, 2-core
// VM, CPython 3.11): releasing and retaking the GIL costs ~40 ns uncontended, but while
// another thread runs Python code, retaking it waits for that thread to yield (up to the
// 5 ms switch interval): a validate_update of a small update went from 0.2 µs to ~460 µs per
// call. Small updates from a sync stream (10–100 B, well under 1 µs to decode) must not pay
// that. Decoding runs at 5–30 ns per byte (text-heavy updates ~5–10, maps and arrays of
// values up to ~27), so 16 KiB is 80–450 µs of work: from there on the uncontended overhead
// is < 0.1 % and a contended wait buys other threads as much time as the decoding takes.
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
