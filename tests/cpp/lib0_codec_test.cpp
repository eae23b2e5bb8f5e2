// Tests for util/lib0_writer.h and lib0_reader.h. Expected bytes come from
// yjs-format.md §1 and from lib0 0.2.120 (encoding.writeAny) run under node 20.

#include <atomic>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "crdtcore/error.h"
#include "crdtcore/value.h"
#include "util/lib0_reader.h"
#include "util/lib0_writer.h"
#include "util/utf.h"

// Under AddressSanitizer, counts the bytes allocated while g_counting is set, so a
// test can check that a hostile length field does not become a large reservation
// (with overcommit an unused reservation would otherwise go unnoticed). Uses the
// sanitizer's malloc hook, so nothing global is replaced in the shared test binary.
#if defined(__SANITIZE_ADDRESS__)
#define CRDTCORE_TEST_ALLOC_HOOK 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CRDTCORE_TEST_ALLOC_HOOK 1
#endif
#endif

namespace {
std::atomic<bool> g_counting{false};
std::atomic<uint64_t> g_allocated_bytes{0};
}  // namespace

#ifdef CRDTCORE_TEST_ALLOC_HOOK
extern "C" int __sanitizer_install_malloc_and_free_hooks(void (*)(const volatile void*, size_t),
                                                         void (*)(const volatile void*));
namespace {
void count_malloc(const volatile void*, size_t n) {
  if (g_counting.load(std::memory_order_relaxed))
    g_allocated_bytes.fetch_add(n, std::memory_order_relaxed);
}
void ignore_free(const volatile void*) {}
// Installs the hook once; returns false when allocation counting is unavailable.
bool allocation_counting_available() {
  static const bool installed =
      __sanitizer_install_malloc_and_free_hooks(count_malloc, ignore_free) != 0;
  return installed;
}
}  // namespace
#else
namespace {
bool allocation_counting_available() { return false; }
}  // namespace
#endif

namespace crdtcore::detail {
namespace {

using B = std::vector<uint8_t>;

B any_bytes(const Value& v) {
  Lib0Writer w;
  w.write_any(v);
  return w.take();
}

Value read_any(const B& b) {
  Lib0Reader r(b);
  Value v = r.read_any();
  EXPECT_TRUE(r.at_end());
  return v;
}

B uint_bytes(uint64_t v) {
  Lib0Writer w;
  w.write_var_uint(v);
  return w.take();
}

uint64_t read_uint(const B& b) {
  Lib0Reader r(b);
  return r.read_var_uint();
}

Value obj(Value::ObjectT o) { return Value::object(std::move(o)); }

// ---- varUint / varInt ------------------------------------------------------

TEST(Lib0VarUint, SpecSamples) {
  const std::vector<std::pair<uint64_t, B>> samples = {
      {0, {0}},
      {127, {127}},
      {128, {128, 1}},
      {300, {172, 2}},
      {16384, {128, 128, 1}},
      {4294967295u, {255, 255, 255, 255, 15}},
      {(uint64_t{1} << 53) - 1, {255, 255, 255, 255, 255, 255, 255, 15}},
  };
  for (const auto& [v, bytes] : samples) {
    EXPECT_EQ(uint_bytes(v), bytes) << v;
    EXPECT_EQ(read_uint(bytes), v) << v;
  }
}

TEST(Lib0VarUint, AboveMaxSafeIntegerThrows) {
  EXPECT_THROW(read_uint({128, 128, 128, 128, 128, 128, 128, 16}), DecodeError);  // 2^53
  EXPECT_THROW(read_uint({255, 255, 255, 255, 255, 255, 255, 255, 1}), DecodeError);
  EXPECT_THROW(read_uint({128, 128, 128, 128, 128, 128, 128, 128, 128, 1}), DecodeError);
}

TEST(Lib0VarUint, LeadingZeroGroupsAcceptedUpToTenBytes) {
  EXPECT_EQ(read_uint({0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}), 1u);
  EXPECT_THROW(read_uint({0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}),
               DecodeError);
}

TEST(Lib0VarUint, TruncatedThrows) {
  EXPECT_THROW(read_uint({}), DecodeError);
  EXPECT_THROW(read_uint({128}), DecodeError);
  EXPECT_THROW(read_uint({255, 255}), DecodeError);
}

// read_var_uint reads one and two bytes inline and up to seven without bounds checks when
// the input has them: every length, at the very end of the input and followed by more.
TEST(Lib0VarUint, EveryLengthAtTheEndAndBeforeMoreInput) {
  for (int bits = 0; bits <= 53; ++bits) {
    for (const uint64_t v : {(uint64_t{1} << bits) - 1, uint64_t{1} << bits}) {
      if (v > (uint64_t{1} << 53) - 1) continue;
      const B bytes = uint_bytes(v);
      EXPECT_EQ(read_uint(bytes), v) << v;
      B more = bytes;
      more.insert(more.end(), {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01});
      Lib0Reader r(more);
      EXPECT_EQ(r.read_var_uint(), v) << v;
      EXPECT_EQ(r.remaining(), 10u) << v;  // exactly the value's bytes were consumed
    }
  }
  // Truncated inside a value that the inline paths would read: 2 and 7 bytes announced.
  EXPECT_THROW(read_uint({0x80}), DecodeError);
  EXPECT_THROW(read_uint({0x80, 0x80, 0x80, 0x80, 0x80, 0x80}), DecodeError);
}

TEST(Lib0VarInt, SpecSamples) {
  const std::vector<std::pair<int64_t, B>> samples = {
      {0, {0}},         {1, {1}},        {-1, {65}},         {63, {63}},
      {64, {128, 1}},   {-64, {192, 1}}, {8191, {191, 127}}, {8192, {128, 128, 1}},
      {-100, {228, 1}},
  };
  for (const auto& [v, bytes] : samples) {
    Lib0Writer w;
    w.write_var_int(v);
    EXPECT_EQ(w.data(), bytes) << v;
    Lib0Reader r(bytes);
    EXPECT_EQ(r.read_var_int(), v);
    EXPECT_TRUE(r.at_end());
  }
}

TEST(Lib0VarInt, NegativeZeroIsDistinct) {
  Lib0Writer w;
  w.write_var_int(0, true);
  EXPECT_EQ(w.data(), B{64});
  Lib0Reader r(w.data());
  bool negative = false;
  EXPECT_EQ(r.read_var_int(&negative), 0u);
  EXPECT_TRUE(negative);
}

TEST(Lib0VarInt, RangeAndTruncation) {
  Lib0Writer w;
  w.write_var_int((uint64_t{1} << 53) - 1, true);
  Lib0Reader ok(w.data());
  EXPECT_EQ(ok.read_var_int(), -((int64_t{1} << 53) - 1));
  Lib0Writer big;
  big.write_var_int(uint64_t{1} << 53, false);
  Lib0Reader bad(big.data());
  EXPECT_THROW(bad.read_var_int(), DecodeError);
  const B truncated_in{0x80};
  Lib0Reader truncated(truncated_in);
  EXPECT_THROW(truncated.read_var_int(), DecodeError);
}

// ---- fixed width, strings, bytes ---------------------------------------------

TEST(Lib0Fixed, BigEndian) {
  Lib0Writer w;
  w.write_f32(1.5f);
  w.write_f64(1.0);
  w.write_i64_be(-2);
  EXPECT_EQ(w.data(),
            (B{63, 192, 0, 0, 63, 240, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 254}));
  Lib0Reader r(w.data());
  EXPECT_EQ(r.read_f32(), 1.5f);
  EXPECT_EQ(r.read_f64(), 1.0);
  EXPECT_EQ(r.read_i64_be(), -2);
  EXPECT_THROW(r.read_f32(), DecodeError);
  EXPECT_THROW(r.read_f64(), DecodeError);
  EXPECT_THROW(r.read_i64_be(), DecodeError);
}

TEST(Lib0String, Utf8LengthPrefix) {
  Lib0Writer w;
  w.write_var_string("h\xC3\xA9");
  EXPECT_EQ(w.data(), (B{3, 104, 195, 169}));
  Lib0Reader r(w.data());
  EXPECT_EQ(r.read_var_string(), "h\xC3\xA9");
}

TEST(Lib0String, Utf16LoneSurrogateBecomesReplacement) {
  Lib0Writer w;
  w.write_var_string_utf16(
      u"a\xD83D"
      u"b");
  EXPECT_EQ(w.data(), (B{5, 97, 239, 191, 189, 98}));
  Lib0Reader r(w.data());
  EXPECT_EQ(r.read_var_string_utf16(),
            u"a\xFFFD"
            u"b");
}

// The UTF-16 writer writes the UTF-8 bytes straight into its buffer: the same bytes as
// converting first (lone surrogates as U+FFFD, pairs as one 4-byte character).
TEST(Lib0String, Utf16WriterMatchesConvertingFirst) {
  const std::vector<std::u16string> samples = {
      u"",       u"abc",          u"h\u00E9\u3053",      u"\U0001F600x",
      u"\xD83D", u"\xDE00\xD83D", u"\xD83D\xDE00\xD83D", std::u16string(300, u'z') + u"\u00E9"};
  for (const std::u16string& s : samples) {
    Lib0Writer direct;
    direct.write_u8(7);  // not at the start of the buffer
    direct.write_var_string_utf16(s);
    Lib0Writer converted;
    converted.write_u8(7);
    converted.write_var_string(utf16_to_utf8(s));
    EXPECT_EQ(direct.data(), converted.data());
  }
}

// The writer leaves room for the length prefix of the bound (3 bytes per unit) and moves the
// bytes down when the real prefix is shorter: the lengths around each prefix width, in ASCII
// (shorter real prefix), 2-byte and 3-byte characters and pairs, after other bytes, agree
// with converting first.
TEST(Lib0String, Utf16WriterPrefixAtEveryWidthBoundary) {
  std::vector<std::u16string> samples;
  for (const size_t n : {size_t{42}, size_t{43}, size_t{63}, size_t{64}, size_t{127}, size_t{128},
                         size_t{5461}, size_t{5462}, size_t{16383}, size_t{16384}}) {
    samples.push_back(std::u16string(n, u'a'));
    samples.push_back(std::u16string(n, u'\u00E9'));
    samples.push_back(std::u16string(n, u'\u3053'));
    std::u16string mixed(n, u'a');
    mixed[n / 2] = 0xD83D;  // a pair in the middle, a lone high surrogate at the end
    mixed[n / 2 + 1] = 0xDE00;
    mixed.back() = 0xD83D;
    samples.push_back(mixed);
  }
  Lib0Writer direct;
  Lib0Writer converted;
  for (const std::u16string& s : samples) {
    direct.write_u8(7);
    direct.write_var_string_utf16(s);
    converted.write_u8(7);
    converted.write_var_string(utf16_to_utf8(s));
  }
  EXPECT_EQ(direct.data(), converted.data());
  Lib0Reader r(direct.data());
  for (const std::u16string& s : samples) {
    EXPECT_EQ(r.read_u8(), 7);
    EXPECT_EQ(r.read_var_string_utf16(), utf8_to_utf16(utf16_to_utf8(s)));
  }
}

TEST(Lib0Writer, VarUintSizeMatchesTheBytesWritten) {
  for (const uint64_t v : {uint64_t{0}, uint64_t{127}, uint64_t{128}, uint64_t{16383},
                           uint64_t{16384}, uint64_t{1} << 53, ~uint64_t{0}}) {
    Lib0Writer w;
    w.write_var_uint(v);
    EXPECT_EQ(var_uint_size(v), w.size()) << v;
  }
}

// reserve(n): writing up to n bytes in all moves nothing (the update encoder's pre-sized
// buffer).
TEST(Lib0Writer, ReservedBufferDoesNotMove) {
  Lib0Writer w;
  w.reserve(4096);
  w.write_u8(1);
  const uint8_t* start = w.data().data();
  while (w.size() + 40 <= 4096) w.write_var_string_utf16(u"twelve units");
  EXPECT_EQ(w.data().data(), start);
}

// The counting reader gives the code points and UTF-8 bytes that a second pass would.
TEST(Lib0String, CountingUtf16ReaderReportsLengths) {
  Lib0Writer w;
  w.write_var_string("a\xC3\xA9\xE3\x81\x93\xF0\x9F\x98\x80");  // 1 + 2 + 3 + 4 bytes
  w.write_var_string("xyz");
  Lib0Reader r(w.data());
  size_t cps = 0;
  size_t bytes = 0;
  EXPECT_EQ(r.read_var_string_utf16(&cps, &bytes), u"a\u00E9\u3053\U0001F600");
  EXPECT_EQ(cps, 4u);
  EXPECT_EQ(bytes, 10u);
  EXPECT_EQ(r.read_var_string_utf16(&cps, &bytes), u"xyz");
  EXPECT_EQ(cps, 3u);
  EXPECT_EQ(bytes, 3u);
  const B bad{5, 97, 0xE0, 0x80, 0xC2, 98};
  EXPECT_THROW(Lib0Reader(bad).read_var_string_utf16(&cps, &bytes), DecodeError);
}

TEST(Lib0String, InvalidUtf8IsRejectedLikeLib0) {
  // yjs 13.6 / lib0 0.2.x decode strings with a fatal TextDecoder.
  const B bad{5, 97, 0xE0, 0x80, 0xC2, 98};
  EXPECT_THROW(Lib0Reader(bad).read_var_string(), DecodeError);
  EXPECT_THROW(Lib0Reader(bad).read_var_string_utf16(), DecodeError);
  const B truncated_seq{3, 0xF0, 0x9F, 0x98};
  EXPECT_THROW(Lib0Reader(truncated_seq).read_var_string(), DecodeError);
}

TEST(Lib0String, ValidUtf8IsByteIdentical) {
  const std::string s = "x\xF0\x9F\x98\x80\xEF\xBF\xBD\xE2\x80\xA8z";
  Lib0Writer w;
  w.write_var_string(s);
  Lib0Reader r(w.data());
  EXPECT_EQ(r.read_var_string(), s);
}

TEST(Lib0Bytes, LengthBeyondInputThrows) {
  const B r_in{4, 1, 2, 3};
  Lib0Reader r(r_in);
  EXPECT_THROW(r.read_var_bytes(), DecodeError);
  const B huge_in{255, 255, 255, 255, 15, 0};
  Lib0Reader huge(huge_in);
  EXPECT_THROW(huge.read_var_string(), DecodeError);
  const B ok_in{2, 7, 8, 9};
  Lib0Reader ok(ok_in);
  EXPECT_EQ(ok.read_var_bytes(), (B{7, 8}));
  EXPECT_EQ(ok.remaining(), 1u);
}

TEST(Lib0Count, CheckedAgainstRemainingInput) {
  const B r_in{3, 0, 0, 0, 0, 0, 0};
  Lib0Reader r(r_in);
  EXPECT_EQ(r.read_count(2), 3u);
  const B r2_in{4, 0, 0, 0, 0, 0, 0};
  Lib0Reader r2(r2_in);
  EXPECT_THROW(r2.read_count(2), DecodeError);
  const B r3_in{2, 0};
  Lib0Reader r3(r3_in);
  EXPECT_THROW(r3.read_count(1), DecodeError);
}

// ---- writeAny ---------------------------------------------------------------

TEST(Lib0Any, SpecNumberSamples) {
  EXPECT_EQ(any_bytes(Value::integer(2147483647)), (B{125, 191, 255, 255, 255, 15}));
  EXPECT_EQ(any_bytes(Value::integer(2147483648)), (B{124, 79, 0, 0, 0}));
  EXPECT_EQ(any_bytes(Value::integer(-2147483648)), (B{124, 207, 0, 0, 0}));
  EXPECT_EQ(any_bytes(Value::integer(int64_t{1} << 53)), (B{124, 90, 0, 0, 0}));
  EXPECT_EQ(any_bytes(Value::floating(9007199254740994.0)), (B{123, 67, 64, 0, 0, 0, 0, 0, 1}));
  EXPECT_EQ(any_bytes(Value::floating(1.5)), (B{124, 63, 192, 0, 0}));
  EXPECT_EQ(any_bytes(Value::floating(0.1)), (B{123, 63, 185, 153, 153, 153, 153, 153, 154}));
  EXPECT_EQ(any_bytes(Value::floating(INFINITY)), (B{124, 127, 128, 0, 0}));
  EXPECT_EQ(any_bytes(Value::floating(NAN)), (B{123, 127, 248, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(any_bytes(Value::floating(-NAN)), (B{123, 127, 248, 0, 0, 0, 0, 0, 0}));
}

TEST(Lib0Any, MoreNumbersMatchLib0) {
  EXPECT_EQ(any_bytes(Value::integer(0)), (B{125, 0}));
  EXPECT_EQ(any_bytes(Value::integer(-1)), (B{125, 65}));
  EXPECT_EQ(any_bytes(Value::integer(64)), (B{125, 128, 1}));
  EXPECT_EQ(any_bytes(Value::integer(-64)), (B{125, 192, 1}));
  EXPECT_EQ(any_bytes(Value::integer(-2147483647)), (B{125, 255, 255, 255, 255, 15}));
  EXPECT_EQ(any_bytes(Value::integer(-(int64_t{1} << 53))), (B{124, 218, 0, 0, 0}));
  EXPECT_EQ(any_bytes(Value::integer((int64_t{1} << 53) - 1)),
            (B{123, 67, 63, 255, 255, 255, 255, 255, 255}));
  EXPECT_EQ(any_bytes(Value::integer((int64_t{1} << 31) + 1)),
            (B{123, 65, 224, 0, 0, 0, 32, 0, 0}));
  EXPECT_EQ(any_bytes(Value::floating(-0.0)), (B{125, 64}));
  EXPECT_EQ(any_bytes(Value::floating(0.0)), (B{125, 0}));
  EXPECT_EQ(any_bytes(Value::floating(7.0)), (B{125, 7}));
  EXPECT_EQ(any_bytes(Value::floating(2147483647.0)), (B{125, 191, 255, 255, 255, 15}));
  EXPECT_EQ(any_bytes(Value::floating(2147483648.0)), (B{124, 79, 0, 0, 0}));
  EXPECT_EQ(any_bytes(Value::floating(-INFINITY)), (B{124, 255, 128, 0, 0}));
  EXPECT_EQ(any_bytes(Value::floating(-2.5)), (B{124, 192, 32, 0, 0}));
  EXPECT_EQ(any_bytes(Value::floating(1e300)), (B{123, 126, 55, 228, 60, 136, 0, 117, 156}));
  EXPECT_EQ(any_bytes(Value::floating(1e39)).front(), 123);  // beyond float32 range
}

TEST(Lib0Any, BigIntsUseTag122) {
  EXPECT_EQ(any_bytes(Value::bigint(int64_t{1} << 60)), (B{122, 16, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(any_bytes(Value::bigint(-1)), (B{122, 255, 255, 255, 255, 255, 255, 255, 255}));
  EXPECT_EQ(any_bytes(Value::integer((int64_t{1} << 53) + 1)), (B{122, 0, 32, 0, 0, 0, 0, 0, 1}));
  EXPECT_EQ(any_bytes(Value::integer((int64_t{1} << 53) + 2)), (B{122, 0, 32, 0, 0, 0, 0, 0, 2}));
  EXPECT_EQ(any_bytes(Value::integer(INT64_MIN)), (B{122, 128, 0, 0, 0, 0, 0, 0, 0}));
}

TEST(Lib0Any, NonNumbersMatchLib0) {
  EXPECT_EQ(any_bytes(Value::undefined()), B{127});
  EXPECT_EQ(any_bytes(Value::null()), B{126});
  EXPECT_EQ(any_bytes(Value::boolean(true)), B{120});
  EXPECT_EQ(any_bytes(Value::boolean(false)), B{121});
  EXPECT_EQ(any_bytes(Value::string("h\xC3\xA9llo\xF0\x9F\x98\x80")),
            (B{119, 10, 104, 195, 169, 108, 108, 111, 240, 159, 152, 128}));
  EXPECT_EQ(any_bytes(Value::string("")), (B{119, 0}));
  EXPECT_EQ(any_bytes(Value::binary({1, 2, 255})), (B{116, 3, 1, 2, 255}));
  EXPECT_EQ(any_bytes(Value::array({Value::undefined(), Value::boolean(true), obj({})})),
            (B{117, 3, 127, 120, 118, 0}));
}

TEST(Lib0Any, ObjectsInJsKeyOrder) {
  // JS: writeAny({b: 1, '1': 2, a: [1, 'x', null]})
  const Value o =
      obj({{"b", Value::integer(1)},
           {"1", Value::integer(2)},
           {"a", Value::array({Value::integer(1), Value::string("x"), Value::null()})}});
  EXPECT_EQ(any_bytes(o),
            (B{118, 3, 1, 49, 125, 2, 1, 98, 125, 1, 1, 97, 117, 3, 125, 1, 119, 1, 120, 126}));
  // JS: writeAny({b:1, '10':2, '2':3, '012':4, '-1':5, '4294967294':6, '4294967295':7})
  const Value keys = obj({{"b", Value::integer(1)},
                          {"10", Value::integer(2)},
                          {"2", Value::integer(3)},
                          {"012", Value::integer(4)},
                          {"-1", Value::integer(5)},
                          {"4294967294", Value::integer(6)},
                          {"4294967295", Value::integer(7)}});
  EXPECT_EQ(any_bytes(keys),
            (B{118, 7,   1,  50, 125, 3,  2,  49, 48,  125, 2,  10, 52, 50, 57,  52, 57, 54,
               55,  50,  57, 52, 125, 6,  1,  98, 125, 1,   3,  48, 49, 50, 125, 4,  2,  45,
               49,  125, 5,  10, 52,  50, 57, 52, 57,  54,  55, 50, 57, 53, 125, 7}));
}

// ---- readAny ----------------------------------------------------------------

TEST(Lib0Any, ReadKinds) {
  EXPECT_TRUE(read_any({127}).is_undefined());
  EXPECT_TRUE(read_any({126}).is_null());
  EXPECT_EQ(read_any({125, 65}), Value::integer(-1));
  EXPECT_EQ(read_any({124, 63, 192, 0, 0}), Value::floating(1.5));
  EXPECT_EQ(read_any({123, 63, 185, 153, 153, 153, 153, 153, 154}), Value::floating(0.1));
  EXPECT_EQ(read_any({122, 255, 255, 255, 255, 255, 255, 255, 254}), Value::bigint(-2));
  EXPECT_EQ(read_any({121}), Value::boolean(false));
  EXPECT_EQ(read_any({120}), Value::boolean(true));
  EXPECT_EQ(read_any({119, 1, 97}), Value::string("a"));
  EXPECT_EQ(read_any({116, 2, 9, 8}), Value::binary({9, 8}));
  EXPECT_EQ(read_any({117, 2, 126, 120}), Value::array({Value::null(), Value::boolean(true)}));
  EXPECT_EQ(read_any({125, 191, 255, 255, 255, 255, 255, 255, 31}),
            Value::integer((int64_t{1} << 53) - 1));  // yrs writes such integers with tag 125
  EXPECT_THROW(read_any({125, 191, 255, 255, 255, 255, 255, 255, 63}), DecodeError);  // 2^54-1
}

TEST(Lib0Any, NegativeZeroReadsAsFloatAndReencodes) {
  const Value v = read_any({125, 64});
  ASSERT_EQ(v.kind(), Value::Kind::Float);
  EXPECT_TRUE(std::signbit(v.as_float()));
  EXPECT_EQ(any_bytes(v), (B{125, 64}));
}

TEST(Lib0Any, ReencodeIsByteIdentical) {
  const std::vector<B> samples = {
      {125, 191, 255, 255, 255, 15},
      {124, 79, 0, 0, 0},
      {124, 207, 0, 0, 0},
      {123, 67, 64, 0, 0, 0, 0, 0, 1},
      {124, 127, 128, 0, 0},
      {123, 127, 248, 0, 0, 0, 0, 0, 0},
      {122, 16, 0, 0, 0, 0, 0, 0, 0},
      {119, 3, 104, 195, 169},
      {118, 3, 1, 49, 125, 2, 1, 98, 125, 1, 1, 97, 117, 3, 125, 1, 119, 1, 120, 126},
      {117, 3, 127, 120, 118, 0},
      {116, 3, 1, 2, 255},
  };
  for (const B& b : samples) EXPECT_EQ(any_bytes(read_any(b)), b);
}

TEST(Lib0Any, WireObjectIsReorderedLikeJs) {
  // wire {"b":1,"1":2} re-encodes as {"1":2,"b":1}
  const Value v = read_any({118, 2, 1, 98, 125, 1, 1, 49, 125, 2});
  EXPECT_EQ(any_bytes(v), (B{118, 2, 1, 49, 125, 2, 1, 98, 125, 1}));
}

TEST(Lib0Any, DuplicateWireKeysLastValueFirstPosition) {
  const Value v = read_any({118, 3, 1, 97, 125, 1, 1, 98, 125, 2, 1, 97, 125, 3});
  ASSERT_EQ(v.as_object().size(), 2u);
  EXPECT_EQ(v.as_object()[0].first, "a");
  EXPECT_EQ(v.as_object()[0].second, Value::integer(3));
  EXPECT_EQ(v.as_object()[1].first, "b");
}

TEST(Lib0Any, UnknownTagsThrow) {
  for (int tag : {0, 1, 100, 115, 128, 200, 255}) {
    EXPECT_THROW(read_any({static_cast<uint8_t>(tag)}), DecodeError) << tag;
  }
}

TEST(Lib0Any, EveryTruncationThrows) {
  const B full = any_bytes(obj({{"k", Value::array({Value::floating(0.1), Value::string("abc"),
                                                    Value::bigint(5), Value::binary({1, 2})})},
                                {"n", Value::integer(300)}}));
  for (size_t n = 0; n < full.size(); ++n) {
    B prefix(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
    Lib0Reader r(prefix);
    EXPECT_THROW(r.read_any(), DecodeError) << n;
  }
}

TEST(Lib0Any, DepthLimit) {
  auto nested = [](size_t depth) {
    B b;
    for (size_t i = 0; i < depth; ++i) b.insert(b.end(), {117, 1});
    b.push_back(126);
    return b;
  };
  EXPECT_NO_THROW(read_any(nested(512)));
  EXPECT_THROW(read_any(nested(513)), DecodeError);
  EXPECT_THROW(read_any(nested(100000)), DecodeError);
  B objects;
  for (int i = 0; i < 600; ++i) objects.insert(objects.end(), {118, 1, 1, 107});
  objects.push_back(126);
  EXPECT_THROW(read_any(objects), DecodeError);
}

TEST(Lib0Any, HugeCountsThrowWithoutAllocating) {
  EXPECT_THROW(read_any({117, 255, 255, 255, 255, 15, 126}), DecodeError);
  EXPECT_THROW(read_any({118, 255, 255, 255, 255, 255, 255, 255, 15}), DecodeError);
  EXPECT_THROW(read_any({118, 2, 1, 97, 126}), DecodeError);  // 2 entries need >= 4 bytes
  EXPECT_THROW(read_any({116, 200, 1, 0}), DecodeError);
}

TEST(Lib0Any, NestedLargeCountsStayBounded) {
  // 500 nested arrays, each claiming as many elements as bytes follow its count,
  // around one million nulls. Reserving every claimed count up front would ask for
  // 500 x 1M Values (~12 GB); the reader must fail without doing so.
  const size_t levels = 500;
  const size_t nulls = 1000000;
  std::vector<B> prefixes;
  size_t tail = nulls;  // bytes after the innermost count
  for (size_t i = 0; i < levels; ++i) {
    Lib0Writer w;
    w.write_u8(117);
    w.write_var_uint(tail);
    tail += w.size();
    prefixes.push_back(w.take());
  }
  B b;
  for (auto it = prefixes.rbegin(); it != prefixes.rend(); ++it)
    b.insert(b.end(), it->begin(), it->end());
  b.insert(b.end(), nulls, 126);
  const bool counting = allocation_counting_available();
  g_allocated_bytes = 0;
  g_counting = true;
  Lib0Reader r(b);
  EXPECT_THROW(r.read_any(), DecodeError);  // the outer arrays run out of elements
  g_counting = false;
  if (!counting) GTEST_SKIP() << "allocation counting needs AddressSanitizer";
  // The innermost array really holds 1M Values (~50 MB while growing); nothing else
  // may be proportional to the claimed counts.
  EXPECT_GT(g_allocated_bytes.load(), uint64_t{1} << 20);
  EXPECT_LT(g_allocated_bytes.load(), uint64_t{200} << 20);
}

TEST(Lib0Any, RandomBytesOnlyThrowDecodeError) {
  std::mt19937 rng(42);
  int decoded = 0;
  for (int i = 0; i < 20000; ++i) {
    B b(rng() % 24);
    for (auto& x : b) x = static_cast<uint8_t>(rng() % 3 == 0 ? 116 + rng() % 12 : rng() % 256);
    try {
      Lib0Reader r(b);
      const Value v = r.read_any();
      ++decoded;
      // Decoding normalises (integral floats -> Int, object key order, U+FFFD), so
      // the second encode must reproduce the first exactly.
      const B first = any_bytes(v);
      Lib0Reader again(first);
      EXPECT_EQ(any_bytes(again.read_any()), first);
    } catch (const DecodeError&) {
    }
  }
  EXPECT_GT(decoded, 100);
}

}  // namespace
}  // namespace crdtcore::detail
