// lib0_writer.h — lib0 primitive encoders (port of lib0 src/encoding.js).
//
// Variable-length integers are little-endian base-128; fixed-width numbers are
// big-endian. Strings are UTF-8 with a UTF-8 byte-length prefix.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crdtcore/value.h"

namespace crdtcore::detail {

// Bytes write_var_uint(v) writes: 1 for v < 2^7, 2 for v < 2^14, ...
inline size_t var_uint_size(uint64_t v) {
  size_t n = 1;
  for (; v > 127; v >>= 7) ++n;
  return n;
}
// Writes v as a varUint at `out` (var_uint_size(v) bytes); returns the end.
inline uint8_t* put_var_uint(uint8_t* out, uint64_t v) {
  for (; v > 127; v >>= 7) *out++ = static_cast<uint8_t>(0x80 | (v & 0x7F));
  *out++ = static_cast<uint8_t>(v);
  return out;
}

class Lib0Writer {
 public:
  Lib0Writer() { buf_.reserve(64); }
  // Writes into `reuse`'s storage (emptied; its capacity kept).
  explicit Lib0Writer(std::vector<uint8_t>&& reuse) : buf_(std::move(reuse)) {
    buf_.clear();
    buf_.reserve(64);
  }
  // Appends to `buf` (its bytes kept): Lib0Writer(std::move(buf), Lib0Writer::kAppend).
  enum AppendTag { kAppend };
  Lib0Writer(std::vector<uint8_t>&& buf, AppendTag) : buf_(std::move(buf)) {}
  // At least `bytes` bytes of capacity in all, so that writing up to that many reallocates
  // nothing (the encoders pass an estimate of the whole update).
  void reserve(size_t bytes) { buf_.reserve(bytes); }

  void write_u8(uint8_t b) { buf_.push_back(b); }
  void write_var_uint(uint64_t v) {
    while (v > 127) {
      buf_.push_back(static_cast<uint8_t>(0x80 | (v & 0x7F)));
      v >>= 7;
    }
    buf_.push_back(static_cast<uint8_t>(v));
  }
  // Signed varInt: sign in bit 6 of the first byte. `negative` with magnitude 0
  // writes -0 ([0x40]), which lib0 distinguishes from 0.
  void write_var_int(uint64_t magnitude, bool negative);
  void write_var_int(int64_t v) {
    write_var_int(v < 0 ? static_cast<uint64_t>(-(v + 1)) + 1 : static_cast<uint64_t>(v), v < 0);
  }
  void write_bytes(const uint8_t* p, size_t n) { buf_.insert(buf_.end(), p, p + n); }
  void write_var_bytes(const uint8_t* p, size_t n) {
    write_var_uint(n);
    write_bytes(p, n);
  }
  // REQUIRES: s is valid UTF-8.
  void write_var_string(std::string_view s) {
    write_var_uint(s.size());
    write_bytes(reinterpret_cast<const uint8_t*>(s.data()), s.size());
  }
  // UTF-16 input; lone surrogates are written as U+FFFD (as TextEncoder does).
  void write_var_string_utf16(std::u16string_view s);
  void write_f32(float f);
  void write_f64(double d);
  void write_i64_be(int64_t v);
  // lib0 writeAny with Yjs's number tagging (value.h; yjs-format.md §1.5).
  void write_any(const Value& v);

  const std::vector<uint8_t>& data() const { return buf_; }
  std::vector<uint8_t> take() { return std::move(buf_); }
  size_t size() const { return buf_.size(); }

 private:
  std::vector<uint8_t> buf_;
};

}  // namespace crdtcore::detail
