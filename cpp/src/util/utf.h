// utf.h — UTF-8 / UTF-16 conversions and counting.
//
// Text is stored as UTF-16 inside items (Yjs clocks count UTF-16 units). The API
// speaks UTF-8 strings and indices in code points, UTF-16 units or UTF-8 bytes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace crdtcore::detail {

// Invalid UTF-8 input sequences become U+FFFD.
std::u16string utf8_to_utf16(std::string_view s);
// The same into `out` (replacing its contents; it keeps its capacity); returns the number
// of code points written (every U+FFFD counts one).
size_t utf8_to_utf16_into(std::string_view s, std::u16string& out);
// Strict decoding in one pass (validation, conversion and counting): writes `s` as UTF-16
// into `out` and its number of code points into `*code_points`; returns false, with `out`
// unspecified, when `s` is not valid UTF-8 (what utf8_is_valid rejects). `out` keeps its
// capacity (a reused buffer allocates only to grow). For valid input,
// the UTF-8 length of `out` is s.size() (valid UTF-8 holds no surrogates).
bool utf8_to_utf16_strict(std::string_view s, std::u16string& out, size_t* code_points);
// Lone surrogates become U+FFFD (as TextEncoder does).
std::string utf16_to_utf8(std::u16string_view s);
void append_utf16_as_utf8(std::string& out, std::u16string_view s);
// The same into raw memory: writes utf16_utf8_length(s) bytes at `o` and returns the
// position after them.
char* write_utf16_as_utf8(char* o, std::u16string_view s);
// Number of code points in UTF-16 text (a valid surrogate pair counts once, a
// lone surrogate counts once).
size_t utf16_code_points(std::u16string_view s);
// UTF-16 offset of the code point with index `cp` (cp may equal the count: end).
size_t utf16_offset_of_code_point(std::u16string_view s, size_t cp);
// Number of UTF-8 bytes of UTF-16 text as utf16_to_utf8 writes it (a lone surrogate
// becomes U+FFFD: 3 bytes).
size_t utf16_utf8_length(std::u16string_view s);
// UTF-16 offset at which the first `bytes` UTF-8 bytes of `s` (counted as by
// utf16_utf8_length) end; kInsideCharacter when `bytes` falls inside a character.
// REQUIRES: bytes <= utf16_utf8_length(s).
inline constexpr size_t kInsideCharacter = static_cast<size_t>(-1);
size_t utf16_offset_of_utf8(std::u16string_view s, size_t bytes);
// Number of code points in UTF-8 text. For invalid input this counts the bytes
// that are not continuation bytes (exact for valid UTF-8).
size_t utf8_code_points(std::string_view s);

// True when `s` is well-formed UTF-8 (no overlongs, surrogates or values above
// U+10FFFF).
bool utf8_is_valid(std::string_view s);
// Appends `s` to `out`, replacing each maximal invalid subpart with U+FFFD exactly
// as the WHATWG TextDecoder does; valid input is appended byte for byte.
void append_utf8_sanitized(std::string& out, std::string_view s);
// Number of UTF-16 code units of UTF-8 text (JS `.length` of the decoded string;
// invalid sequences count as one unit per U+FFFD the TextDecoder would produce).
size_t utf8_utf16_length(std::string_view s);

inline bool is_high_surrogate(char16_t c) { return c >= 0xD800 && c <= 0xDBFF; }
inline bool is_low_surrogate(char16_t c) { return c >= 0xDC00 && c <= 0xDFFF; }

}  // namespace crdtcore::detail
