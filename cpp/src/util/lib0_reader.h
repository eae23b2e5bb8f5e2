// lib0_reader.h — bounds-checked lib0 primitive decoders (port of lib0 src/decoding.js).
//
// Every read checks the remaining input and throws DecodeError on truncation, on a
// varUint above 2^53-1, on an unknown `any` tag, on nesting deeper than 512 and on
// length fields larger than what is left, so a hostile length cannot make us
// allocate more than the input size.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "crdtcore/error.h"
#include "crdtcore/value.h"

namespace crdtcore::detail {

class Lib0Reader {
 public:
  Lib0Reader(const uint8_t* data, size_t size) : p_(data), end_(data + size) {}
  explicit Lib0Reader(const std::vector<uint8_t>& v) : Lib0Reader(v.data(), v.size()) {}

  size_t remaining() const { return static_cast<size_t>(end_ - p_); }
  bool at_end() const { return p_ == end_; }
  const uint8_t* position() const { return p_; }

  uint8_t read_u8() {
    if (p_ == end_) fail("unexpected end of data");
    return *p_++;
  }
  // Throws DecodeError above 2^53-1.
  uint64_t read_var_uint() {
    // One and two bytes (values below 2^14: most lengths and clocks) inline.
    if (end_ - p_ >= 2) {
      if (p_[0] < 0x80) return *p_++;
      if (p_[1] < 0x80) {
        const uint64_t v = (p_[0] & 0x7Fu) | (static_cast<uint64_t>(p_[1]) << 7);
        p_ += 2;
        return v;
      }
    } else if (p_ != end_ && *p_ < 0x80) {
      return *p_++;
    }
    return read_var_uint_slow();
  }
  // Returns magnitude; *negative receives the sign flag (true for -0 too).
  uint64_t read_var_int(bool* negative);
  int64_t read_var_int();
  // A varUint used as a count of things that each take at least `min_bytes_each`
  // bytes of the remaining input: throws if the count cannot possibly fit.
  uint64_t read_count(size_t min_bytes_each = 1);
  // Returns a view into the input (valid as long as the input lives).
  std::string_view read_var_bytes_view();
  std::vector<uint8_t> read_var_bytes();
  // UTF-8 string; invalid UTF-8 throws DecodeError (lib0's fatal TextDecoder).
  std::string read_var_string();
  // The same string as UTF-16 code units.
  std::u16string read_var_string_utf16();
  // The same, with its number of code points in *code_points (its UTF-8 length is the
  // byte length read, `*utf8_bytes`): one pass over the bytes.
  std::u16string read_var_string_utf16(size_t* code_points, size_t* utf8_bytes);
  // The same as a view of the reader's own buffer, valid until the next string read.
  std::u16string_view read_var_string_utf16_view(size_t* code_points, size_t* utf8_bytes);
  float read_f32();
  double read_f64();
  int64_t read_i64_be();
  // lib0 readAny. Tag 125 -> Int, 124/123 -> Float, 122 -> BigInt, 118 objects are
  // normalised (Value::object).
  Value read_any();

  [[noreturn]] static void fail(const std::string& what) { throw DecodeError(what); }

 private:
  uint64_t read_var_uint_slow();
  Value read_any_depth(int depth);
  const uint8_t* p_;
  const uint8_t* end_;
  std::u16string scratch_;  // read_var_string_utf16's decoding buffer, reused
};

}  // namespace crdtcore::detail
