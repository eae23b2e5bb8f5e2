// lib0_reader.cpp — bounds-checked lib0 decoders (port of lib0 src/decoding.js:
// readVarUint, readVarInt, readVarString, readFloat32/64, readBigInt64, readAny).
//
// Differences from lib0, all in the direction of rejecting hostile input:
//  * varUint / varInt: lib0 keeps reading continuation bytes while the running value
//    stays below 2^53; we accept at most 10 bytes (leading zero groups included) and
//    reject any value above 2^53-1, also when the final byte pushes it there (lib0
//    only checks after continuation bytes).
//  * readAny: unknown tags and nesting deeper than kMaxDepth throw DecodeError.
//  * Element counts are checked against the remaining input before anything is
//    reserved, and reservations are capped, so nested containers cannot multiply
//    a length field into a large allocation.
// Tag 125 with the -0 encoding ([125, 64]) decodes to Float -0.0, so re-encoding
// reproduces [125, 64]; every other tag-125 value decodes to Int.

#include "util/lib0_reader.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "util/utf.h"

namespace crdtcore::detail {
namespace {

constexpr int kMaxVarIntBytes = 10;
constexpr int kMaxDepth = 512;       // nested arrays / objects
constexpr size_t kMaxReserve = 256;  // elements reserved before growing on demand

// Adds `bits` (7 or fewer) at `shift` to `*v`; false when the result would exceed
// 2^53-1.
inline bool add_bits(uint64_t* v, uint64_t bits, int shift) {
  if (bits == 0) return true;
  if (shift >= 53 || (bits >> (53 - shift)) != 0) return false;
  *v |= bits << shift;
  return true;
}

}  // namespace

uint64_t Lib0Reader::read_var_uint_slow() {
  // Up to 7 bytes (49 bits: always below 2^53, so no range check) without bounds checks
  // when the input has them; client ids (32 bits, 5 bytes) take this path.
  if (remaining() >= 7) {
    uint64_t v = 0;
    for (int i = 0; i < 7; ++i) {
      const uint8_t b = p_[i];
      v |= static_cast<uint64_t>(b & 0x7F) << (7 * i);
      if (b < 0x80) {
        p_ += i + 1;
        return v;
      }
    }
  }
  uint64_t v = 0;
  int shift = 0;
  for (int i = 0; i < kMaxVarIntBytes; ++i) {
    if (p_ == end_) fail("unexpected end of data");
    const uint8_t b = *p_++;
    if (!add_bits(&v, b & 0x7F, shift)) fail("integer out of range");
    if (b < 0x80) return v;
    shift += 7;
  }
  fail("varUint longer than 10 bytes");
}

uint64_t Lib0Reader::read_var_int(bool* negative) {
  const uint8_t first = read_u8();
  *negative = (first & 0x40) != 0;
  uint64_t v = first & 0x3F;
  if ((first & 0x80) == 0) return v;
  int shift = 6;
  for (int i = 1; i < kMaxVarIntBytes; ++i) {
    if (p_ == end_) fail("unexpected end of data");
    const uint8_t b = *p_++;
    if (!add_bits(&v, b & 0x7F, shift)) fail("integer out of range");
    if (b < 0x80) return v;
    shift += 7;
  }
  fail("varInt longer than 10 bytes");
}

int64_t Lib0Reader::read_var_int() {
  bool negative;
  const uint64_t m = read_var_int(&negative);  // m <= 2^53-1
  return negative ? -static_cast<int64_t>(m) : static_cast<int64_t>(m);
}

uint64_t Lib0Reader::read_count(size_t min_bytes_each) {
  const uint64_t n = read_var_uint();
  if (min_bytes_each > 0 && n > remaining() / min_bytes_each) {
    fail("count larger than the remaining input");
  }
  return n;
}

std::string_view Lib0Reader::read_var_bytes_view() {
  const uint64_t n = read_var_uint();
  if (n > remaining()) fail("length larger than the remaining input");
  const auto* start = reinterpret_cast<const char*>(p_);
  p_ += n;
  return std::string_view(start, static_cast<size_t>(n));
}

std::vector<uint8_t> Lib0Reader::read_var_bytes() {
  const std::string_view v = read_var_bytes_view();
  const auto* p = reinterpret_cast<const uint8_t*>(v.data());
  return std::vector<uint8_t>(p, p + v.size());
}

// Invalid UTF-8 is rejected, as yjs 13.6 with lib0 0.2.x does (its TextDecoder is
// fatal): replacing bytes with U+FFFD would change the UTF-16 length of a string,
// and with it the clocks every peer computes.
std::string Lib0Reader::read_var_string() {
  const std::string_view v = read_var_bytes_view();
  if (!utf8_is_valid(v)) fail("invalid UTF-8 in string");
  return std::string(v);
}

std::u16string Lib0Reader::read_var_string_utf16() {
  const std::string_view v = read_var_bytes_view();
  if (!utf8_is_valid(v)) fail("invalid UTF-8 in string");
  return utf8_to_utf16(v);
}

std::u16string Lib0Reader::read_var_string_utf16(size_t* code_points, size_t* utf8_bytes) {
  return std::u16string(read_var_string_utf16_view(code_points, utf8_bytes));
}

std::u16string_view Lib0Reader::read_var_string_utf16_view(size_t* code_points,
                                                           size_t* utf8_bytes) {
  const std::string_view v = read_var_bytes_view();
  if (!utf8_to_utf16_strict(v, scratch_, code_points)) fail("invalid UTF-8 in string");
  *utf8_bytes = v.size();
  return scratch_;
}

float Lib0Reader::read_f32() {
  if (remaining() < 4) fail("unexpected end of data");
  uint32_t bits = 0;
  for (int i = 0; i < 4; ++i) bits = (bits << 8) | *p_++;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

double Lib0Reader::read_f64() {
  if (remaining() < 8) fail("unexpected end of data");
  uint64_t bits = 0;
  for (int i = 0; i < 8; ++i) bits = (bits << 8) | *p_++;
  double d;
  std::memcpy(&d, &bits, 8);
  return d;
}

int64_t Lib0Reader::read_i64_be() {
  if (remaining() < 8) fail("unexpected end of data");
  uint64_t bits = 0;
  for (int i = 0; i < 8; ++i) bits = (bits << 8) | *p_++;
  return static_cast<int64_t>(bits);
}

// JavaScript has one number type: Yjs writes integers above 2^31-1 as float32 or
// float64. An integral value within +-2^53 therefore reads back as Int (so a
// Python int, or a JS timestamp, stays an int on every replica); everything else
// (fractions, -0, NaN, infinities, larger magnitudes) stays Float. Re-encoding gives
// the same bytes, because write_any applies the same JS rule to both kinds.
static Value js_number(double d) {
  constexpr double kLimit = 9007199254740992.0;  // 2^53
  if (d >= -kLimit && d <= kLimit && d == static_cast<double>(static_cast<int64_t>(d)) &&
      !(d == 0.0 && std::signbit(d))) {
    return Value::integer(static_cast<int64_t>(d));
  }
  return Value::floating(d);
}

Value Lib0Reader::read_any() { return read_any_depth(0); }

Value Lib0Reader::read_any_depth(int depth) {
  const uint8_t tag = read_u8();
  switch (tag) {
    case 127: return Value::undefined();
    case 126: return Value::null();
    case 125: {
      bool negative;
      const uint64_t m = read_var_int(&negative);
      if (negative && m == 0) return Value::floating(-0.0);
      return Value::integer(negative ? -static_cast<int64_t>(m) : static_cast<int64_t>(m));
    }
    case 124: return js_number(static_cast<double>(read_f32()));
    case 123: return js_number(read_f64());
    case 122: return Value::bigint(read_i64_be());
    case 121: return Value::boolean(false);
    case 120: return Value::boolean(true);
    case 119: return Value::string(read_var_string());
    case 118: {
      if (depth >= kMaxDepth) fail("any value nested too deeply");
      const uint64_t n = read_count(2);  // each entry: key length + value tag
      Value::ObjectT o;
      o.reserve(std::min<uint64_t>(n, kMaxReserve));
      for (uint64_t i = 0; i < n; ++i) {
        std::string key = read_var_string();
        Value value = read_any_depth(depth + 1);
        o.emplace_back(std::move(key), std::move(value));
      }
      return Value::object(std::move(o));
    }
    case 117: {
      if (depth >= kMaxDepth) fail("any value nested too deeply");
      const uint64_t n = read_count(1);
      Value::ArrayT a;
      a.reserve(std::min<uint64_t>(n, kMaxReserve));
      for (uint64_t i = 0; i < n; ++i) a.push_back(read_any_depth(depth + 1));
      return Value::array(std::move(a));
    }
    case 116: return Value::binary(read_var_bytes());
    default: fail("unknown any tag " + std::to_string(tag));
  }
}

}  // namespace crdtcore::detail
