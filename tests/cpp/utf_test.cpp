// Tests for util/utf.h. The invalid-UTF-8 vectors were produced with node 20's
// TextDecoder / TextEncoder (WHATWG), which lib0 uses.

#include "util/utf.h"

#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace crdtcore::detail {
namespace {

struct DecoderCase {
  std::vector<uint8_t> input;
  std::vector<uint8_t> expected_utf8;  // TextEncoder(TextDecoder(input))
  size_t utf16_length;                 // .length of the decoded JS string
};

const std::vector<DecoderCase>& decoder_cases() {
  static const std::vector<DecoderCase> cases = {
      {{97, 128, 98}, {97, 239, 191, 189, 98}, 3},
      {{192, 128}, {239, 191, 189, 239, 191, 189}, 2},
      {{193, 191}, {239, 191, 189, 239, 191, 189}, 2},
      {{194}, {239, 191, 189}, 1},
      {{194, 65}, {239, 191, 189, 65}, 2},
      {{224, 128, 128}, {239, 191, 189, 239, 191, 189, 239, 191, 189}, 3},
      {{224, 160}, {239, 191, 189}, 1},
      {{224, 160, 65}, {239, 191, 189, 65}, 2},
      {{237, 160, 128}, {239, 191, 189, 239, 191, 189, 239, 191, 189}, 3},
      {{237, 159, 191}, {237, 159, 191}, 1},
      {{239, 191, 189}, {239, 191, 189}, 1},
      {{240, 128, 128, 128}, {239, 191, 189, 239, 191, 189, 239, 191, 189, 239, 191, 189}, 4},
      {{240, 144, 128}, {239, 191, 189}, 1},
      {{240, 144, 128, 128}, {240, 144, 128, 128}, 2},
      {{244, 144, 128, 128}, {239, 191, 189, 239, 191, 189, 239, 191, 189, 239, 191, 189}, 4},
      {{244, 143, 191, 191}, {244, 143, 191, 191}, 2},
      {{245, 128}, {239, 191, 189, 239, 191, 189}, 2},
      {{255, 254}, {239, 191, 189, 239, 191, 189}, 2},
      {{225, 128, 225, 128, 128}, {239, 191, 189, 225, 128, 128}, 2},
      {{241, 128, 128, 194, 128}, {239, 191, 189, 194, 128}, 2},
      {{65, 66, 67, 68, 69, 70, 71, 72, 128, 73},
       {65, 66, 67, 68, 69, 70, 71, 72, 239, 191, 189, 73},
       10},
      {{240, 159, 152, 128, 240, 159, 152}, {240, 159, 152, 128, 239, 191, 189}, 3},
  };
  return cases;
}

std::string str(const std::vector<uint8_t>& b) { return std::string(b.begin(), b.end()); }

// Independent reference encoder for a code point.
void ref_encode(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Random UTF-16 text mixing ASCII, BMP, astral pairs and (optionally) lone surrogates.
std::u16string random_utf16(std::mt19937& rng, size_t n, bool lone) {
  std::u16string s;
  while (s.size() < n) {
    switch (rng() % (lone ? 6 : 5)) {
      case 0:
      case 1:
      case 2: s += static_cast<char16_t>('a' + rng() % 26); break;
      case 3: s += static_cast<char16_t>(0x100 + rng() % 0xD000); break;
      case 4: s += u"\U0001F600"; break;
      default: s += static_cast<char16_t>(0xD800 + rng() % 0x800); break;
    }
  }
  return s;
}

size_t naive_code_points(std::u16string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++i, ++n) {
    if (is_high_surrogate(s[i]) && i + 1 < s.size() && is_low_surrogate(s[i + 1])) ++i;
  }
  return n;
}

TEST(Utf, DecoderVectorsMatchTextDecoder) {
  for (const auto& c : decoder_cases()) {
    const std::string in = str(c.input);
    std::string out;
    append_utf8_sanitized(out, in);
    EXPECT_EQ(out, str(c.expected_utf8)) << "case of size " << in.size();
    EXPECT_EQ(utf16_to_utf8(utf8_to_utf16(in)), str(c.expected_utf8));
    EXPECT_EQ(utf8_to_utf16(in).size(), c.utf16_length);
    EXPECT_EQ(utf8_utf16_length(in), c.utf16_length);
    EXPECT_EQ(utf8_is_valid(in), c.input == c.expected_utf8);
  }
}

TEST(Utf, SanitizeAppendsToExistingText) {
  std::string out = "x";
  append_utf8_sanitized(out, "a\x80");
  EXPECT_EQ(out, "xa\xEF\xBF\xBD");
}

TEST(Utf, InvalidByteAtEveryPositionOfAsciiRun) {
  for (size_t pos = 0; pos < 20; ++pos) {
    std::string in(20, 'a');
    in[pos] = '\xFF';
    std::string expected = in.substr(0, pos) + "\xEF\xBF\xBD" + in.substr(pos + 1);
    std::string out;
    append_utf8_sanitized(out, in);
    EXPECT_EQ(out, expected) << pos;
    EXPECT_FALSE(utf8_is_valid(in));
    EXPECT_EQ(utf8_utf16_length(in), 20u);
    EXPECT_EQ(utf16_to_utf8(utf8_to_utf16(in)), expected);
  }
}

TEST(Utf, AllScalarValuesRoundTrip) {
  std::string utf8;
  std::u16string utf16;
  size_t cps = 0;
  for (char32_t cp = 0; cp <= 0x10FFFF; cp += (cp < 0x800 ? 1 : 37)) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;
    ref_encode(utf8, cp);
    if (cp < 0x10000) {
      utf16 += static_cast<char16_t>(cp);
    } else {
      utf16 += static_cast<char16_t>(0xD800 + ((cp - 0x10000) >> 10));
      utf16 += static_cast<char16_t>(0xDC00 + ((cp - 0x10000) & 0x3FF));
    }
    ++cps;
  }
  ref_encode(utf8, 0x10FFFF);
  utf16 += u"\U0010FFFF";
  ++cps;
  EXPECT_TRUE(utf8_is_valid(utf8));
  EXPECT_EQ(utf8_to_utf16(utf8), utf16);
  EXPECT_EQ(utf16_to_utf8(utf16), utf8);
  EXPECT_EQ(utf8_code_points(utf8), cps);
  EXPECT_EQ(utf16_code_points(utf16), cps);
  EXPECT_EQ(utf8_utf16_length(utf8), utf16.size());
  std::string copy;
  append_utf8_sanitized(copy, utf8);
  EXPECT_EQ(copy, utf8);
}

TEST(Utf, LoneSurrogatesEncodeAsReplacement) {
  EXPECT_EQ(utf16_to_utf8(u"a\xD83D"
                          u"b"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(utf16_to_utf8(u"\xDE00"), "\xEF\xBF\xBD");
  EXPECT_EQ(utf16_to_utf8(u"x\xD83D"), "x\xEF\xBF\xBD");
  EXPECT_EQ(utf16_to_utf8(u"\xDE00\xD83D"), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(utf16_to_utf8(u"\xD83D\xDE00"), "\xF0\x9F\x98\x80");
  std::string out = "p";
  append_utf16_as_utf8(out, u"\x00E9");
  EXPECT_EQ(out, "p\xC3\xA9");
  EXPECT_EQ(utf16_to_utf8(u""), "");
}

TEST(Utf, SurrogateUtf8IsInvalid) {
  EXPECT_FALSE(utf8_is_valid("\xED\xA0\x80"));
  EXPECT_FALSE(utf8_is_valid("\xC0\xAF"));          // overlong
  EXPECT_FALSE(utf8_is_valid("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_TRUE(utf8_is_valid(""));
  EXPECT_TRUE(utf8_is_valid("h\xC3\xA9llo \xF0\x9F\x98\x80"));
}

TEST(Utf, CodePointCounts) {
  EXPECT_EQ(utf16_code_points(u"a\U0001F600b"), 3u);
  EXPECT_EQ(utf16_code_points(u"\xD83D"
                              u"a\xDE00"),
            3u);  // lone surrogates count once
  EXPECT_EQ(utf16_code_points(u""), 0u);
  EXPECT_EQ(utf8_code_points("a\xF0\x9F\x98\x80"
                             "b\xC3\xA9"),
            4u);
  EXPECT_EQ(utf8_code_points(std::string(1000, 'z')), 1000u);
}

TEST(Utf, OffsetOfCodePoint) {
  const std::u16string s = u"a\U0001F600b";
  EXPECT_EQ(utf16_offset_of_code_point(s, 0), 0u);
  EXPECT_EQ(utf16_offset_of_code_point(s, 1), 1u);
  EXPECT_EQ(utf16_offset_of_code_point(s, 2), 3u);
  EXPECT_EQ(utf16_offset_of_code_point(s, 3), 4u);
  EXPECT_EQ(utf16_offset_of_code_point(s, 99), 4u);  // clamped to the end
}

TEST(Utf, RandomTextAgreesWithNaiveCounting) {
  std::mt19937 rng(7);
  for (int round = 0; round < 300; ++round) {
    const bool lone = round % 2 == 1;
    const std::u16string s = random_utf16(rng, rng() % 70, lone);
    const size_t cps = naive_code_points(s);
    ASSERT_EQ(utf16_code_points(s), cps);
    size_t offset = 0;
    for (size_t cp = 0; cp <= cps; ++cp) {
      ASSERT_EQ(utf16_offset_of_code_point(s, cp), offset) << round << " " << cp;
      if (offset < s.size()) {
        offset += (is_high_surrogate(s[offset]) && offset + 1 < s.size() &&
                   is_low_surrogate(s[offset + 1]))
                      ? 2
                      : 1;
      }
    }
    const std::string utf8 = utf16_to_utf8(s);
    ASSERT_TRUE(utf8_is_valid(utf8));
    ASSERT_EQ(utf8_code_points(utf8), cps);
    ASSERT_EQ(utf8_utf16_length(utf8), s.size());
    if (!lone) {
      ASSERT_EQ(utf8_to_utf16(utf8), s);
    }
  }
}

// utf8_to_utf16_strict replaces three passes of the loader (utf8_is_valid, utf8_to_utf16,
// a code point count): it must agree with each of them.
void expect_strict_agrees(const std::string& in, std::u16string& buf) {
  size_t cps = 12345;
  const bool ok = utf8_to_utf16_strict(in, buf, &cps);
  ASSERT_EQ(ok, utf8_is_valid(in)) << "input of size " << in.size();
  if (!ok) return;
  ASSERT_EQ(buf, utf8_to_utf16(in));
  ASSERT_EQ(cps, utf16_code_points(buf));
  ASSERT_EQ(utf16_utf8_length(buf), in.size());
}

TEST(Utf, StrictDecodingAgreesWithThePassesItReplaces) {
  std::u16string buf;
  for (const auto& c : decoder_cases()) expect_strict_agrees(str(c.input), buf);
  for (size_t pos = 0; pos < 20; ++pos) {
    std::string in(20, 'a');
    in[pos] = '\xFF';
    expect_strict_agrees(in, buf);
    in[pos] = '\xC3';  // a lead byte followed by ASCII, or cut off at the end
    expect_strict_agrees(in, buf);
  }
  expect_strict_agrees("\xED\xA0\x80", buf);  // a surrogate in UTF-8 is invalid
  expect_strict_agrees("", buf);
  std::mt19937 rng(11);
  for (int round = 0; round < 300; ++round) {
    // Long texts then short ones through the same buffer: nothing of a longer one remains.
    const std::u16string s = random_utf16(rng, rng() % (round % 3 == 0 ? 200 : 9), false);
    expect_strict_agrees(utf16_to_utf8(s), buf);
  }
}

TEST(Utf, WriteUtf16AsUtf8WritesExactlyTheUtf8Length) {
  std::mt19937 rng(5);
  for (int round = 0; round < 300; ++round) {
    const std::u16string s = random_utf16(rng, rng() % 40, round % 2 == 1);
    std::string out(utf16_utf8_length(s) + 4, '#');
    char* end = write_utf16_as_utf8(&out[0], s);
    ASSERT_EQ(static_cast<size_t>(end - out.data()), utf16_utf8_length(s));
    ASSERT_EQ(out.substr(0, utf16_utf8_length(s)), utf16_to_utf8(s));
    ASSERT_EQ(out.substr(utf16_utf8_length(s)), "####");  // nothing written past the end
  }
}

TEST(Utf, Utf8LengthAndOffsets) {
  const std::u16string s = u"a\u00E9\u3053\U0001F600";  // 1 + 2 + 3 + 4 bytes
  EXPECT_EQ(utf16_utf8_length(s), 10u);
  EXPECT_EQ(utf16_offset_of_utf8(s, 0), 0u);
  EXPECT_EQ(utf16_offset_of_utf8(s, 1), 1u);
  EXPECT_EQ(utf16_offset_of_utf8(s, 2), kInsideCharacter);
  EXPECT_EQ(utf16_offset_of_utf8(s, 3), 2u);
  EXPECT_EQ(utf16_offset_of_utf8(s, 4), kInsideCharacter);
  EXPECT_EQ(utf16_offset_of_utf8(s, 5), kInsideCharacter);
  EXPECT_EQ(utf16_offset_of_utf8(s, 6), 3u);
  for (size_t b = 7; b < 10; ++b) EXPECT_EQ(utf16_offset_of_utf8(s, b), kInsideCharacter) << b;
  EXPECT_EQ(utf16_offset_of_utf8(s, 10), 5u);
  // A lone surrogate is the U+FFFD of utf16_to_utf8: 3 bytes, one unit.
  const std::u16string lone = u"x\xD83Dy";
  EXPECT_EQ(utf16_utf8_length(lone), 5u);
  EXPECT_EQ(utf16_offset_of_utf8(lone, 4), 2u);
  EXPECT_EQ(utf16_offset_of_utf8(lone, 2), kInsideCharacter);
}

TEST(Utf, RandomUtf8OffsetsAgreeWithEncoding) {
  std::mt19937 rng(11);
  for (int round = 0; round < 300; ++round) {
    const std::u16string s = random_utf16(rng, rng() % 70, round % 2 == 1);
    ASSERT_EQ(utf16_utf8_length(s), utf16_to_utf8(s).size());
    // Every prefix that ends between characters maps to its UTF-8 size; every other byte
    // count is inside a character.
    std::vector<size_t> boundary_of_byte(utf16_to_utf8(s).size() + 1, kInsideCharacter);
    for (size_t i = 0; i <= s.size(); ++i) {
      if (i > 0 && i < s.size() && is_high_surrogate(s[i - 1]) && is_low_surrogate(s[i])) continue;
      boundary_of_byte[utf16_to_utf8(s.substr(0, i)).size()] = i;
    }
    for (size_t b = 0; b < boundary_of_byte.size(); ++b) {
      ASSERT_EQ(utf16_offset_of_utf8(s, b), boundary_of_byte[b]) << round << " " << b;
    }
  }
}

}  // namespace
}  // namespace crdtcore::detail
