// lib0_writer.cpp — lib0 encoders that are not inline (port of lib0 src/encoding.js:
// writeVarInt, writeFloat32/64, writeBigInt64, writeAny).
//
// writeAny's number tagging is Yjs-exact (yjs-format.md §1.5). lib0 sees only JS
// numbers, so a Value is first mapped to the number JS would hold:
//   Int    |n| <= 2^31-1 -> tag 125 varInt;
//          |n| <= 2^53   -> JS Number(n): tag 124 if exact as float32, else 123;
//          larger        -> tag 122 (a JS number could not hold it exactly; bigint).
//   Float  integral and |x| <= 2^31-1 -> tag 125 (-0.0 -> [125, 64]);
//          exact as float32 (also +-Infinity) -> 124; otherwise 123.
//          NaN is always written as the canonical 7F F8 00 00 00 00 00 00.
//   BigInt -> 122 (8 bytes, two's complement, big-endian).

#include "util/lib0_writer.h"

#include <cmath>
#include <cstring>

#include "util/utf.h"

namespace crdtcore::detail {
namespace {

constexpr uint64_t kMaxTag125 = 2147483647;  // 2^31 - 1
constexpr uint64_t kTwoPow53 = uint64_t{1} << 53;

constexpr uint8_t kTagUndefined = 127;
constexpr uint8_t kTagNull = 126;
constexpr uint8_t kTagInteger = 125;
constexpr uint8_t kTagFloat32 = 124;
constexpr uint8_t kTagFloat64 = 123;
constexpr uint8_t kTagBigInt = 122;
constexpr uint8_t kTagFalse = 121;
constexpr uint8_t kTagTrue = 120;
constexpr uint8_t kTagString = 119;
constexpr uint8_t kTagObject = 118;
constexpr uint8_t kTagArray = 117;
constexpr uint8_t kTagBinary = 116;

uint64_t magnitude_of(int64_t v) {
  return v < 0 ? static_cast<uint64_t>(-(v + 1)) + 1 : static_cast<uint64_t>(v);
}

bool exact_in_float32(double d) {
  // A finite double beyond float's range would overflow the conversion (UB).
  if (std::isfinite(d) && std::fabs(d) > 3.4028234663852886e38) return false;
  return static_cast<double>(static_cast<float>(d)) == d;  // false for NaN
}

}  // namespace

void Lib0Writer::write_var_int(uint64_t magnitude, bool negative) {
  uint64_t m = magnitude;
  buf_.push_back(static_cast<uint8_t>((m > 63 ? 0x80 : 0) | (negative ? 0x40 : 0) | (m & 0x3F)));
  m >>= 6;
  while (m > 0) {
    buf_.push_back(static_cast<uint8_t>((m > 127 ? 0x80 : 0) | (m & 0x7F)));
    m >>= 7;
  }
}

void Lib0Writer::write_var_string_utf16(std::u16string_view s) {
  // One pass over `s` (no separate UTF-8 length pass): its UTF-8 bytes go straight into the
  // buffer behind room for the length prefix of their bound (3 bytes per unit; a surrogate
  // pair takes 4 for 2 units), then the real prefix is written in front. When it is shorter
  // (possible from 43 units on, e.g. ASCII), one memmove shifts the bytes down.
  const size_t bound = 3 * s.size();
  const size_t room = var_uint_size(bound);
  const size_t at = buf_.size();
  buf_.resize(at + room + bound);
  uint8_t* const out = buf_.data() + at;
  char* const text = reinterpret_cast<char*>(out + room);
  const size_t bytes = static_cast<size_t>(write_utf16_as_utf8(text, s) - text);
  const size_t prefix = static_cast<size_t>(put_var_uint(out, bytes) - out);
  if (prefix < room) std::memmove(out + prefix, out + room, bytes);
  buf_.resize(at + prefix + bytes);
}

void Lib0Writer::write_f32(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  for (int shift = 24; shift >= 0; shift -= 8) buf_.push_back(static_cast<uint8_t>(bits >> shift));
}

void Lib0Writer::write_f64(double d) {
  uint64_t bits;
  if (std::isnan(d)) {
    bits = 0x7FF8000000000000ull;
  } else {
    std::memcpy(&bits, &d, 8);
  }
  for (int shift = 56; shift >= 0; shift -= 8) buf_.push_back(static_cast<uint8_t>(bits >> shift));
}

void Lib0Writer::write_i64_be(int64_t v) {
  const auto bits = static_cast<uint64_t>(v);
  for (int shift = 56; shift >= 0; shift -= 8) buf_.push_back(static_cast<uint8_t>(bits >> shift));
}

void Lib0Writer::write_any(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::Undefined: write_u8(kTagUndefined); return;
    case Value::Kind::Null: write_u8(kTagNull); return;
    case Value::Kind::Bool: write_u8(v.as_bool() ? kTagTrue : kTagFalse); return;
    case Value::Kind::Int: {
      const int64_t n = v.as_int();
      const uint64_t m = magnitude_of(n);
      if (m <= kMaxTag125) {
        write_u8(kTagInteger);
        write_var_int(m, n < 0);
      } else if (m <= kTwoPow53) {
        const auto d = static_cast<double>(n);  // exact: |n| <= 2^53
        if (exact_in_float32(d)) {
          write_u8(kTagFloat32);
          write_f32(static_cast<float>(d));
        } else {
          write_u8(kTagFloat64);
          write_f64(d);
        }
      } else {
        write_u8(kTagBigInt);
        write_i64_be(n);
      }
      return;
    }
    case Value::Kind::Float: {
      const double d = v.as_float();
      if (std::isfinite(d) && std::trunc(d) == d &&
          std::fabs(d) <= static_cast<double>(kMaxTag125)) {
        write_u8(kTagInteger);
        write_var_int(static_cast<uint64_t>(std::fabs(d)), std::signbit(d));
      } else if (exact_in_float32(d)) {
        write_u8(kTagFloat32);
        write_f32(static_cast<float>(d));
      } else {
        write_u8(kTagFloat64);
        write_f64(d);
      }
      return;
    }
    case Value::Kind::BigInt:
      write_u8(kTagBigInt);
      write_i64_be(v.as_bigint());
      return;
    case Value::Kind::String:
      write_u8(kTagString);
      write_var_string(v.as_string());
      return;
    case Value::Kind::Binary: {
      const auto& b = v.as_binary();
      write_u8(kTagBinary);
      write_var_bytes(b.data(), b.size());
      return;
    }
    case Value::Kind::Array: {
      const auto& a = v.as_array();
      write_u8(kTagArray);
      write_var_uint(a.size());
      for (const Value& e : a) write_any(e);
      return;
    }
    case Value::Kind::Object: {
      const auto& o = v.as_object();
      write_u8(kTagObject);
      write_var_uint(o.size());
      for (const auto& [key, e] : o) {
        write_var_string(key);
        write_any(e);
      }
      return;
    }
  }
}

}  // namespace crdtcore::detail
