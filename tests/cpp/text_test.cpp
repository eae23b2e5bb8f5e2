// Tests for crdtcore/text.h: rich-text formatting (the verified vectors of
// yjs-format.md Appendix A and §7), to_delta, attribute inheritance, embeds,
// code-point offsets and formatting past the end.

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "crdtcore/crdtcore.h"
#include "encoding/struct_codec.h"

#include "doc_test_util.h"

namespace crdtcore {
namespace {

using testutil::make_doc;
using testutil::str;
using testutil::UpdateLog;

const char* kEmoji = "\xF0\x9F\x98\x80";  // U+1F600, 2 UTF-16 units
const Value kTrue = Value::boolean(true);

Attributes bold() { return {{"bold", kTrue}}; }

// Compact delta rendering: text@{attrs}|...
std::string delta(const Text& t) {
  std::string out;
  for (const TextChunk& c : t.to_delta()) {
    if (c.kind == TextChunk::Kind::String) {
      out += c.text;
    } else if (c.kind == TextChunk::Kind::Embed) {
      out += "<" + to_json(c.embed) + ">";
    } else {
      out += "<type>";
    }
    if (!c.attributes.empty()) out += "@" + to_json(Value::object(c.attributes));
    out += "|";
  }
  return out;
}

// Content refs of the structs in an update (first client block).
std::vector<uint8_t> refs_of(const Bytes& update) {
  detail::DecodedUpdate u = detail::read_update_v1(update, OffsetKind::Utf16);
  std::vector<uint8_t> out;
  for (const auto& [client, structs] : u.clients) {
    for (const auto& s : structs) out.push_back(detail::content_ref(s.content));
  }
  return out;
}

Doc bold_hello_at_clock_18(Text* out) {
  Doc d = make_doc(1);
  d.get_text("pad").insert(0, "0123456789abcdefgh");  // clocks 0..17
  *out = d.get_text("t");
  return d;
}

TEST(TextVectors, InsertBoldHello) {
  Text t;
  Doc d = bold_hello_at_clock_18(&t);
  UpdateLog log(d);
  t.insert(0, "hello", bold());
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log.last(), (Bytes{1,   3,   1,   18,  6,   1,   1,   116, 4,   98,  111, 108, 100, 4,
                               116, 114, 117, 101, 132, 1,   18,  5,   104, 101, 108, 108, 111, 134,
                               1,   23,  4,   98,  111, 108, 100, 4,   110, 117, 108, 108, 0}));
  EXPECT_EQ(delta(t), "hello@{\"bold\":true}|");
}

TEST(TextVectors, FormatItalicInsideBold) {
  Text t;
  Doc d = bold_hello_at_clock_18(&t);
  t.insert(0, "hello", bold());
  UpdateLog log(d);
  t.format(1, 2, {{"italic", kTrue}});
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log.last(), (Bytes{1,   2,   1,   25, 198, 1,   19,  1,   20,  6,   105, 116, 97,
                               108, 105, 99,  4,  116, 114, 117, 101, 198, 1,   21,  1,   22,
                               6,   105, 116, 97, 108, 105, 99,  4,   110, 117, 108, 108, 0}));
  EXPECT_EQ(delta(t), "h@{\"bold\":true}|el@{\"bold\":true,\"italic\":true}|lo@{\"bold\":true}|");
  EXPECT_EQ(t.to_string(), "hello");
  EXPECT_EQ(t.length(), 5u);
}

TEST(TextFormat, RemoveBoldThenEditWithoutInheritance) {
  Doc d = make_doc(1);
  Text t = d.get_text("t");
  t.insert(0, "hello", bold());
  t.format(1, 2, {{"italic", kTrue}});
  t.format(0, 5, {{"bold", Value::null()}});
  EXPECT_EQ(delta(t), "h|el@{\"italic\":true}|lo|");
  {
    Transaction txn(d);
    t.insert(5, "!");
    t.remove_range(0, 1);
  }
  EXPECT_EQ(delta(t), "el@{\"italic\":true}|lo!|");
}

TEST(TextFormat, InsertInheritsAttributes) {
  Doc d = make_doc(1);
  Text t = d.get_text("t");
  t.insert(0, "hello", bold());
  t.insert(2, "X");
  t.insert(6, "!");  // at the end, before the closing bold=null
  EXPECT_EQ(delta(t), "heXllo!@{\"bold\":true}|");
  t.insert(0, ">");  // before the opening format: nothing to inherit
  EXPECT_EQ(delta(t), ">|heXllo!@{\"bold\":true}|");
}

TEST(TextFormat, ExplicitEmptyAttributesTurnFormattingOff) {
  Doc d = make_doc(1);
  Text t = d.get_text("t");
  t.insert(0, "hello", bold());
  UpdateLog log(d);
  t.insert(2, "X", Attributes{});
  EXPECT_EQ(delta(t), "he@{\"bold\":true}|X|llo@{\"bold\":true}|");
  // [bold=null]["X"][bold=true]
  EXPECT_EQ(refs_of(log.last()), (std::vector<uint8_t>{6, 4, 6}));
}

TEST(TextFormat, GivenAttributesReplaceInherited) {
  Doc d = make_doc(1);
  Text t = d.get_text("t");
  t.insert(0, "ab", bold());
  t.insert(1, "X", Attributes{{"italic", kTrue}});
  EXPECT_EQ(delta(t), "a@{\"bold\":true}|X@{\"italic\":true}|b@{\"bold\":true}|");
}

TEST(TextEmbed, WrappedInNegatedFormats) {
  Doc d = make_doc(1);
  Text t = d.get_text("t");
  t.insert(0, "hello", bold());
  UpdateLog log(d);
  t.insert_embed(2, Value::object({{"img", Value::integer(1)}}));
  EXPECT_EQ(delta(t), "he@{\"bold\":true}|<{\"img\":1}>|llo@{\"bold\":true}|");
  EXPECT_EQ(refs_of(log.last()), (std::vector<uint8_t>{6, 5, 6}));  // [bold=null][embed][bold=true]
  EXPECT_EQ(t.length(), 6u);
  EXPECT_EQ(t.to_string(), "hello");
}

TEST(TextEmbed, WithAttributes) {
  Doc d = make_doc(1);
  Text t = d.get_text("t");
  t.insert(0, "hello");
  t.insert_embed(2, Value::object({{"img", Value::integer(1)}}), {{"a", Value::integer(1)}});
  EXPECT_EQ(delta(t), "he|<{\"img\":1}>@{\"a\":1}|llo|");
  t.remove_range(2, 1);
  EXPECT_EQ(delta(t), "hello|");
}

TEST(TextFormat, PastTheEndInsertsNewlines) {
  Doc d = make_doc(1);
  Text t = d.get_text("t");
  t.insert(0, "ab");
  t.format(1, 5, bold());
  EXPECT_EQ(t.to_string(), "ab\n\n\n\n");
  EXPECT_EQ(t.length(), 6u);
  EXPECT_EQ(delta(t), "a|b\n\n\n\n@{\"bold\":true}|");
}

TEST(TextFormat, AtTheEndIsNoOp) {
  Doc d = make_doc(1);
  Text t = d.get_text("t");
  t.insert(0, "ab");
  UpdateLog log(d);
  t.format(2, 3, bold());
  t.format(0, 0, bold());
  EXPECT_EQ(log.size(), 0u);
  EXPECT_EQ(delta(t), "ab|");
  EXPECT_THROW(t.format(3, 1, bold()), OutOfRange);
}

TEST(TextFormat, SameValueIsNoOp) {
  Doc d = make_doc(1);
  Text t = d.get_text("t");
  t.insert(0, "hello", bold());
  UpdateLog log(d);
  t.format(1, 3, bold());
  EXPECT_EQ(delta(t), "hello@{\"bold\":true}|");
  EXPECT_EQ(log.size(), 0u);
}

TEST(TextFormat, ObjectValuedAttribute) {
  Doc d = make_doc(1);
  Text t = d.get_text("t");
  t.insert(0, "abc");
  const Value link = Value::object({{"href", str("x")}});
  t.format(0, 2, {{"link", link}});
  t.format(1, 2, {{"link", Value::object({{"href", str("x")}})}});  // flat-equal: extends
  EXPECT_EQ(delta(t), "abc@{\"link\":{\"href\":\"x\"}}|");
}

TEST(TextDelete, CleansUpRedundantFormats) {
  Doc d = make_doc(1);
  Text t = d.get_text("t");
  t.insert(0, "hello", bold());         // clocks 0 (bold), 1..5, 6 (bold=null)
  t.insert(5, " world", Attributes{});  // clocks 7..12, after bold=null
  EXPECT_EQ(delta(t), "hello@{\"bold\":true}| world|");
  UpdateLog log(d);
  t.remove_range(0, 5);
  // Both format items became redundant and are deleted with the text.
  EXPECT_EQ(log.last(), (Bytes{0, 1, 1, 1, 0, 7}));
  EXPECT_EQ(delta(t), " world|");
  t.insert(0, "X");
  EXPECT_EQ(delta(t), "X world|");
}

TEST(TextDelete, AcrossFormattedRuns) {
  Doc d = make_doc(1);
  Text t = d.get_text("t");
  t.insert(0, "aaa", bold());
  t.insert(3, "bbb", Attributes{{"italic", kTrue}});
  t.insert(6, "ccc", Attributes{});
  t.remove_range(2, 5);
  EXPECT_EQ(t.to_string(), "aacc");
  EXPECT_EQ(delta(t), "aa@{\"bold\":true}|cc|");
}

TEST(TextCodePoints, EmojiCountsAsOne) {
  Doc d = make_doc(1, true, OffsetKind::CodePoint);
  Text t = d.get_text("t");
  t.insert(0, std::string("a") + kEmoji + "b");
  EXPECT_EQ(t.length(), 3u);
  t.insert(2, "X");
  EXPECT_EQ(t.to_string(), std::string("a") + kEmoji + "Xb");
  EXPECT_EQ(t.slice(1, 2), kEmoji);
  EXPECT_EQ(t.slice(2, 4), "Xb");
  t.remove_range(1, 1);
  EXPECT_EQ(t.to_string(), "aXb");
  EXPECT_EQ(t.length(), 3u);
}

TEST(TextCodePoints, FormatAndDeleteNeverSplitPairs) {
  Doc d = make_doc(1, true, OffsetKind::CodePoint);
  Text t = d.get_text("t");
  const std::string three = std::string(kEmoji) + kEmoji + kEmoji;
  t.insert(0, three);
  t.format(1, 1, bold());
  EXPECT_EQ(delta(t), std::string(kEmoji) + "|" + kEmoji + "@{\"bold\":true}|" + kEmoji + "|");
  t.insert(1, "\xC3\xA9");  // é
  t.remove_range(3, 1);
  EXPECT_EQ(t.to_string(), std::string(kEmoji) + "\xC3\xA9" + kEmoji);
  EXPECT_EQ(t.length(), 3u);
}

TEST(TextCodePoints, PeersWithDifferentUnitsAgree) {
  Doc cp = make_doc(1, true, OffsetKind::CodePoint);
  Doc u16 = make_doc(2);
  cp.get_text("t").insert(0, std::string(kEmoji) + "ab" + kEmoji);
  testutil::sync_pair(cp, u16);
  EXPECT_EQ(cp.get_text("t").length(), 4u);
  EXPECT_EQ(u16.get_text("t").length(), 6u);
  u16.get_text("t").insert(4, "Z");  // after "ab" in UTF-16 units
  testutil::sync_pair(cp, u16);
  EXPECT_EQ(cp.get_text("t").to_string(), std::string(kEmoji) + "abZ" + kEmoji);
  EXPECT_EQ(cp.get_text("t").slice(3, 5), std::string("Z") + kEmoji);
}

TEST(TextCodePoints, RemoteSurrogateSplitCountsReplacementChars) {
  Doc cp = make_doc(1, true, OffsetKind::CodePoint);
  Doc u16 = make_doc(2);
  u16.get_text("t").insert(0, std::string(kEmoji) + "b");
  testutil::sync_pair(cp, u16);
  EXPECT_EQ(cp.get_text("t").length(), 2u);
  u16.get_text("t").insert(1, "X");  // splits the pair: U+FFFD X U+FFFD
  testutil::sync_pair(cp, u16);
  EXPECT_EQ(cp.get_text("t").to_string(),
            "\xEF\xBF\xBDX\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(cp.get_text("t").length(), 4u);
  cp.get_text("t").remove_range(3, 1);
  testutil::sync_pair(cp, u16);
  EXPECT_EQ(u16.get_text("t").to_string(), "\xEF\xBF\xBDX\xEF\xBF\xBD");
}

TEST(TextUtf16, DeleteHalfOfPairLeavesReplacementChar) {
  Doc d = make_doc(1);
  Text t = d.get_text("t");
  t.insert(0, kEmoji);
  t.remove_range(0, 1);
  EXPECT_EQ(t.to_string(), "\xEF\xBF\xBD");
  EXPECT_EQ(t.length(), 1u);
}

TEST(TextErrors, OutOfRange) {
  Doc d = make_doc(1);
  Text t = d.get_text("t");
  t.insert(0, "ab");
  EXPECT_THROW(t.insert(3, "x"), OutOfRange);
  EXPECT_THROW(t.remove_range(1, 2), OutOfRange);
  EXPECT_THROW(t.insert_embed(5, Value::object({})), OutOfRange);
  EXPECT_THROW(t.slice(1, 3), OutOfRange);
  EXPECT_THROW(t.slice(2, 1), OutOfRange);
  EXPECT_EQ(t.to_string(), "ab");
}

TEST(TextErrors, DeletedNestedTextThrows) {
  Doc d = make_doc(1);
  Text nested = d.get_map("m").set_type("t", TypeKind::Text).as_text();
  nested.insert(0, "abc");
  d.get_map("m").remove("t");
  EXPECT_TRUE(nested.is_deleted());
  EXPECT_EQ(nested.to_string(), "");
  EXPECT_THROW(nested.insert(0, "x"), InvalidState);
}

TEST(TextSync, ConcurrentFormattingConverges) {
  Doc a = make_doc(1);
  Doc b = make_doc(2);
  a.get_text("t").insert(0, "abcdef");
  testutil::sync_pair(a, b);
  a.get_text("t").format(0, 4, bold());
  b.get_text("t").format(2, 4, {{"bold", Value::null()}, {"italic", kTrue}});
  b.get_text("t").insert(3, "Z");
  testutil::sync_pair(a, b);
  EXPECT_EQ(delta(a.get_text("t")), delta(b.get_text("t")));
  EXPECT_EQ(a.encode_state_as_update(), b.encode_state_as_update());
  EXPECT_EQ(a.get_text("t").to_string(), "abcZdef");
}

TEST(TextSync, DeltaSurvivesRoundTrip) {
  Doc a = make_doc(1);
  Text t = a.get_text("t");
  t.insert(0, "hello world", bold());
  t.format(6, 5, {{"color", str("red")}});
  t.insert_embed(5, Value::object({{"img", str("x.png")}}), {{"width", Value::integer(10)}});
  Doc b = make_doc(2);
  b.apply_update(a.encode_state_as_update());
  EXPECT_EQ(delta(b.get_text("t")), delta(t));
  EXPECT_EQ(delta(t),
            "hello@{\"bold\":true}|<{\"img\":\"x.png\"}>@{\"width\":10}| @{\"bold\":true}|"
            "world@{\"bold\":true,\"color\":\"red\"}|");
}

// KNOWN DIVERGENCE (inherited from Yjs, reported to the lead): a format that
// inserts no item still splits the string at a boundary inside a surrogate pair,
// which rewrites both halves to U+FFFD locally; no update is emitted, so peers keep
// the emoji. Only reachable with UTF-16 offsets. Enable once decided/fixed.
TEST(TextQuirks, DISABLED_NoOpFormatInsidePairConverges) {
  Doc a = make_doc(1);
  Doc b = make_doc(2);
  a.get_text("t").insert(0, std::string("x") + "\xF0\x9F\x8E\x89" + "y", bold());
  testutil::sync_pair(a, b);
  a.get_text("t").format(2, 2, bold());  // already bold: creates no item
  testutil::sync_pair(a, b);
  EXPECT_EQ(a.get_text("t").to_string(), b.get_text("t").to_string());
}

}  // namespace
}  // namespace crdtcore
