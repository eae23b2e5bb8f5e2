// utf.cpp — UTF-8 / UTF-16 conversion and counting.
//
// Counterparts: the WHATWG TextEncoder / TextDecoder that lib0 uses for varString
// (lib0 src/encoding.js writeVarString, src/decoding.js readVarString) and JS string
// `.length` semantics for UTF-16 counting (yjs-format.md §1.3, §4).
//
// Decoding follows the WHATWG "UTF-8 decoder" exactly: a lead byte fixes how many
// continuation bytes follow and their allowed range (E0 needs A0..BF next, ED needs
// 80..9F, F0 needs 90..BF, F4 needs 80..8F); a byte outside the range ends the
// sequence with one U+FFFD and is then decoded again as a lead byte ("maximal
// subpart" replacement); input ending inside a sequence yields one U+FFFD.
// Encoding replaces lone surrogates with U+FFFD, as TextEncoder does.
//
// These functions run on every text edit, so each has an ASCII fast path that
// inspects 8 bytes (or 4 UTF-16 units) per step.

#include "util/utf.h"

#include <cstring>

namespace crdtcore::detail {
namespace {

constexpr char32_t kReplacement = 0xFFFD;
constexpr char32_t kInvalid = 0xFFFFFFFF;  // decode_one: an invalid subpart
constexpr uint64_t kHighBits8 = 0x8080808080808080ull;

inline uint64_t load8(const uint8_t* p) {
  uint64_t x;
  std::memcpy(&x, p, 8);
  return x;
}

inline uint64_t load4_units(const char16_t* p) {
  uint64_t x;
  std::memcpy(&x, p, 8);
  return x;
}

// True when none of the four UTF-16 units packed in `x` is a surrogate.
inline bool no_surrogate4(uint64_t x) {
  // A lane is a surrogate iff (unit & 0xF800) == 0xD800, i.e. the xor below is 0.
  const uint64_t v = (x & 0xF800F800F800F800ull) ^ 0xD800D800D800D800ull;
  return ((v - 0x0001000100010001ull) & ~v & 0x8000800080008000ull) == 0;
}

// Decodes one code point at p (REQUIRES p < end) and advances p past the bytes
// consumed. Returns kInvalid for an invalid subpart (the caller emits U+FFFD); a
// byte that breaks a sequence is left unconsumed.
inline char32_t decode_one(const uint8_t*& p, const uint8_t* end) {
  const uint8_t b = *p++;
  if (b < 0x80) return b;
  int need;
  uint8_t lo = 0x80;
  uint8_t hi = 0xBF;
  char32_t cp;
  if (b >= 0xC2 && b <= 0xDF) {
    need = 1;
    cp = b & 0x1F;
  } else if (b >= 0xE0 && b <= 0xEF) {
    need = 2;
    cp = b & 0x0F;
    if (b == 0xE0) lo = 0xA0;
    if (b == 0xED) hi = 0x9F;
  } else if (b >= 0xF0 && b <= 0xF4) {
    need = 3;
    cp = b & 0x07;
    if (b == 0xF0) lo = 0x90;
    if (b == 0xF4) hi = 0x8F;
  } else {
    return kInvalid;
  }
  for (int i = 0; i < need; ++i) {
    if (p == end) return kInvalid;
    const uint8_t c = *p;
    if (c < lo || c > hi) return kInvalid;
    lo = 0x80;
    hi = 0xBF;
    cp = (cp << 6) | (c & 0x3F);
    ++p;
  }
  return cp;
}

// Writes `cp` as UTF-16 at o and returns the position after it.
inline char16_t* put_utf16(char16_t* o, char32_t cp) {
  if (cp < 0x10000) {
    *o++ = static_cast<char16_t>(cp);
  } else {
    cp -= 0x10000;
    *o++ = static_cast<char16_t>(0xD800 + (cp >> 10));
    *o++ = static_cast<char16_t>(0xDC00 + (cp & 0x3FF));
  }
  return o;
}

// Converts `s` into `out` (resized to the units written) and counts the code points written
// as two units in `*pairs`. Invalid input: kStrict returns false (out undefined), otherwise
// each invalid sequence becomes U+FFFD.
template <bool kStrict>
bool convert_utf8(std::string_view s, std::u16string& out, size_t* pairs) {
  out.resize(s.size());  // each byte yields at most one unit (a 4-byte sequence yields 2)
  char16_t* const begin = &out[0];
  char16_t* o = begin;
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const uint8_t* end = p + s.size();
  size_t two_units = 0;
  while (p < end) {
    while (end - p >= 8 && (load8(p) & kHighBits8) == 0) {
      for (int i = 0; i < 8; ++i) o[i] = p[i];
      o += 8;
      p += 8;
    }
    if (p == end) break;
    if (*p < 0x80) {
      *o++ = *p++;
      continue;
    }
    char32_t cp = decode_one(p, end);
    if (cp == kInvalid) {
      if constexpr (kStrict) return false;
      cp = kReplacement;
    }
    if (cp >= 0x10000) ++two_units;
    o = put_utf16(o, cp);
  }
  out.resize(static_cast<size_t>(o - begin));
  *pairs = two_units;
  return true;
}

}  // namespace

std::u16string utf8_to_utf16(std::string_view s) {
  std::u16string out;
  size_t pairs = 0;
  convert_utf8<false>(s, out, &pairs);
  return out;
}

size_t utf8_to_utf16_into(std::string_view s, std::u16string& out) {
  size_t pairs = 0;
  convert_utf8<false>(s, out, &pairs);
  return out.size() - pairs;
}

bool utf8_to_utf16_strict(std::string_view s, std::u16string& out, size_t* code_points) {
  size_t pairs = 0;
  if (!convert_utf8<true>(s, out, &pairs)) return false;
  *code_points = out.size() - pairs;
  return true;
}

void append_utf16_as_utf8(std::string& out, std::u16string_view s) {
  const size_t old = out.size();
  out.resize(old + 3 * s.size());  // every unit takes at most 3 bytes (a pair: 4 for 2)
  char* o = write_utf16_as_utf8(&out[0] + old, s);
  out.resize(static_cast<size_t>(o - out.data()));
}

char* write_utf16_as_utf8(char* o, std::u16string_view s) {
  const char16_t* p = s.data();
  const char16_t* end = p + s.size();
  while (p < end) {
    while (end - p >= 4 && (load4_units(p) & 0xFF80FF80FF80FF80ull) == 0) {
      for (int i = 0; i < 4; ++i) o[i] = static_cast<char>(p[i]);
      o += 4;
      p += 4;
    }
    if (p == end) break;
    const char32_t c = *p++;
    if (c < 0x80) {
      *o++ = static_cast<char>(c);
      continue;
    }
    char32_t cp = c;
    if (c >= 0xD800 && c <= 0xDFFF) {
      if (c <= 0xDBFF && p < end && is_low_surrogate(*p)) {
        cp = 0x10000 + ((c - 0xD800) << 10) + (*p++ - 0xDC00);
      } else {
        cp = kReplacement;
      }
    }
    if (cp < 0x800) {
      *o++ = static_cast<char>(0xC0 | (cp >> 6));
      *o++ = static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      *o++ = static_cast<char>(0xE0 | (cp >> 12));
      *o++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      *o++ = static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      *o++ = static_cast<char>(0xF0 | (cp >> 18));
      *o++ = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      *o++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      *o++ = static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  return o;
}

std::string utf16_to_utf8(std::u16string_view s) {
  std::string out;
  append_utf16_as_utf8(out, s);
  return out;
}

size_t utf16_code_points(std::u16string_view s) {
  const char16_t* p = s.data();
  const char16_t* end = p + s.size();
  size_t pairs = 0;
  while (p < end) {
    if (end - p >= 4 && no_surrogate4(load4_units(p))) {
      p += 4;
      continue;
    }
    if (is_high_surrogate(*p) && end - p >= 2 && is_low_surrogate(p[1])) {
      ++pairs;
      p += 2;
    } else {
      ++p;
    }
  }
  return s.size() - pairs;
}

size_t utf16_offset_of_code_point(std::u16string_view s, size_t cp) {
  const size_t n = s.size();
  size_t i = 0;
  while (cp > 0 && i < n) {
    if (cp >= 4 && n - i >= 4 && no_surrogate4(load4_units(s.data() + i))) {
      i += 4;
      cp -= 4;
      continue;
    }
    if (is_high_surrogate(s[i]) && n - i >= 2 && is_low_surrogate(s[i + 1])) {
      i += 2;
    } else {
      ++i;
    }
    --cp;
  }
  return i;
}

namespace {

// UTF-8 bytes of the character starting at s[i] and the UTF-16 units it takes.
inline size_t utf8_width_at(std::u16string_view s, size_t i, size_t& units) {
  const char16_t c = s[i];
  units = 1;
  if (c < 0x80) return 1;
  if (c < 0x800) return 2;
  if (is_high_surrogate(c) && i + 1 < s.size() && is_low_surrogate(s[i + 1])) {
    units = 2;
    return 4;
  }
  return 3;  // the rest of the BMP, and a lone surrogate as U+FFFD
}

inline bool ascii4(const char16_t* p) { return (load4_units(p) & 0xFF80FF80FF80FF80ull) == 0; }

}  // namespace

size_t utf16_utf8_length(std::u16string_view s) {
  const size_t n = s.size();
  size_t bytes = 0;
  size_t i = 0;
  while (i < n) {
    if (n - i >= 4 && ascii4(s.data() + i)) {
      bytes += 4;
      i += 4;
      continue;
    }
    size_t units;
    bytes += utf8_width_at(s, i, units);
    i += units;
  }
  return bytes;
}

size_t utf16_offset_of_utf8(std::u16string_view s, size_t bytes) {
  const size_t n = s.size();
  size_t i = 0;
  while (bytes > 0 && i < n) {
    if (bytes >= 4 && n - i >= 4 && ascii4(s.data() + i)) {
      i += 4;
      bytes -= 4;
      continue;
    }
    size_t units;
    const size_t w = utf8_width_at(s, i, units);
    if (w > bytes) return kInsideCharacter;
    bytes -= w;
    i += units;
  }
  return bytes == 0 ? i : kInsideCharacter;
}

size_t utf8_code_points(std::string_view s) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const uint8_t* end = p + s.size();
  size_t continuation = 0;
  while (end - p >= 8) {
    const uint64_t x = load8(p);
    // Continuation bytes are 10xxxxxx: bit 7 set and bit 6 clear.
    continuation += static_cast<size_t>(__builtin_popcountll(x & ~(x << 1) & kHighBits8));
    p += 8;
  }
  for (; p < end; ++p) continuation += (*p & 0xC0) == 0x80;
  return s.size() - continuation;
}

bool utf8_is_valid(std::string_view s) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const uint8_t* end = p + s.size();
  while (p < end) {
    if (end - p >= 8 && (load8(p) & kHighBits8) == 0) {
      p += 8;
      continue;
    }
    if (decode_one(p, end) == kInvalid) return false;
  }
  return true;
}

void append_utf8_sanitized(std::string& out, std::string_view s) {
  const auto* begin = reinterpret_cast<const uint8_t*>(s.data());
  const uint8_t* p = begin;
  const uint8_t* end = begin + s.size();
  const uint8_t* run = begin;  // start of the valid bytes not yet appended
  while (p < end) {
    if (end - p >= 8 && (load8(p) & kHighBits8) == 0) {
      p += 8;
      continue;
    }
    const uint8_t* start = p;
    if (decode_one(p, end) == kInvalid) {
      out.append(reinterpret_cast<const char*>(run), static_cast<size_t>(start - run));
      out.append("\xEF\xBF\xBD");
      run = p;
    }
  }
  out.append(reinterpret_cast<const char*>(run), static_cast<size_t>(end - run));
}

size_t utf8_utf16_length(std::string_view s) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const uint8_t* end = p + s.size();
  size_t units = 0;
  while (p < end) {
    if (end - p >= 8 && (load8(p) & kHighBits8) == 0) {
      units += 8;
      p += 8;
      continue;
    }
    const char32_t cp = decode_one(p, end);
    units += (cp != kInvalid && cp >= 0x10000) ? 2 : 1;
  }
  return units;
}

}  // namespace crdtcore::detail
