// Tests for core/content.h: lengths, Yjs's splitting and merging rules, and the v1
// payloads of every content kind (byte vectors checked against yjs 13.6.33).

#include "core/content.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "crdtcore/error.h"
#include "util/lib0_reader.h"
#include "util/lib0_writer.h"

namespace crdtcore::detail {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes write(const Content& c, uint64_t offset = 0) {
  Lib0Writer w;
  write_content_v1(w, c, offset);
  return w.take();
}

Content read(const Bytes& b, uint8_t ref) {
  Lib0Reader r(b);
  Content c = read_content_v1(r, ref, OffsetKind::CodePoint);
  EXPECT_TRUE(r.at_end());
  return c;
}

// Reads `b` as content `ref` and checks that writing it back gives `b` again.
void expect_round_trip(const Bytes& b, uint8_t ref) {
  const Content c = read(b, ref);
  EXPECT_EQ(content_ref(c), ref);
  EXPECT_EQ(write(c), b) << "ref " << int(ref);
}

const std::u16string kTwoEmoji = u"\U0001F600\U0001F600";

TEST(Content, RefsMatchWireConstants) {
  EXPECT_EQ(content_ref(ContentDeleted{1}), kRefDeleted);
  EXPECT_EQ(content_ref(ContentJson{}), kRefJson);
  EXPECT_EQ(content_ref(ContentBinary{}), kRefBinary);
  EXPECT_EQ(content_ref(ContentString{}), kRefString);
  EXPECT_EQ(content_ref(ContentEmbed{}), kRefEmbed);
  EXPECT_EQ(content_ref(ContentFormat{}), kRefFormat);
  EXPECT_EQ(content_ref(ContentType{}), kRefType);
  EXPECT_EQ(content_ref(ContentAny{}), kRefAny);
  EXPECT_EQ(content_ref(ContentDoc{}), kRefDoc);
}

TEST(Content, LengthsCountYjsUnits) {
  EXPECT_EQ(content_length(make_content_string(kTwoEmoji, OffsetKind::CodePoint)), 4u);
  EXPECT_EQ(make_content_string(kTwoEmoji, OffsetKind::CodePoint).offset_len, 2u);
  EXPECT_EQ(content_length(ContentDeleted{7}), 7u);
  EXPECT_EQ(content_length(ContentAny{{Value::integer(1), Value::null()}}), 2u);
  EXPECT_EQ(content_length(ContentBinary{{1, 2, 3}}), 1u);
  EXPECT_EQ(content_length(ContentFormat{"bold", Value::boolean(true)}), 1u);
}

TEST(Content, CountableAndSplittableKinds) {
  EXPECT_FALSE(content_countable(ContentDeleted{1}));
  EXPECT_FALSE(content_countable(ContentFormat{}));
  EXPECT_TRUE(content_countable(ContentEmbed{}));
  EXPECT_TRUE(content_splittable(ContentJson{}));
  EXPECT_TRUE(content_splittable(ContentAny{}));
  EXPECT_FALSE(content_splittable(ContentBinary{}));
  EXPECT_FALSE(content_splittable(ContentType{}));
}

TEST(ContentSplice, StringOnCodePointBoundary) {
  Content c = make_content_string(u"a\U0001F600b", OffsetKind::CodePoint);
  Content right = content_splice(c, 3, OffsetKind::CodePoint);
  EXPECT_EQ(content_get<ContentString>(c).str, u"a\U0001F600");
  EXPECT_EQ(content_get<ContentString>(c).offset_len, 2u);
  EXPECT_EQ(content_get<ContentString>(right).str, u"b");
}

TEST(ContentSplice, StringInsideSurrogatePairReplacesBothHalves) {
  Content c = make_content_string(u"a\U0001F600b", OffsetKind::CodePoint);
  Content right = content_splice(c, 2, OffsetKind::CodePoint);
  EXPECT_EQ(content_get<ContentString>(c).str, u"a\uFFFD");
  EXPECT_EQ(content_get<ContentString>(right).str, u"\uFFFDb");
  EXPECT_EQ(content_get<ContentString>(right).offset_len, 2u);
  EXPECT_EQ(write(c), (Bytes{4, 97, 239, 191, 189}));
}

TEST(ContentSplice, DeletedAnyAndJson) {
  Content d = ContentDeleted{5};
  EXPECT_EQ(content_get<ContentDeleted>(content_splice(d, 2, OffsetKind::CodePoint)).len, 3u);
  EXPECT_EQ(content_get<ContentDeleted>(d).len, 2u);

  Content a = ContentAny{{Value::integer(1), Value::integer(2), Value::integer(3)}};
  const Content ra = content_splice(a, 1, OffsetKind::CodePoint);
  EXPECT_EQ(content_get<ContentAny>(a).values, (std::vector<Value>{Value::integer(1)}));
  EXPECT_EQ(content_get<ContentAny>(ra).values,
            (std::vector<Value>{Value::integer(2), Value::integer(3)}));

  Content j = ContentJson{{Value::undefined(), Value::null()}};
  const Content rj = content_splice(j, 1, OffsetKind::CodePoint);
  EXPECT_TRUE(content_get<ContentJson>(j).values[0].is_undefined());
  EXPECT_TRUE(content_get<ContentJson>(rj).values[0].is_null());
}

TEST(ContentMerge, SameMergeableKindAppends) {
  Content s = make_content_string(u"ab", OffsetKind::CodePoint);
  EXPECT_TRUE(content_try_merge(s, make_content_string(u"\U0001F600", OffsetKind::CodePoint),
                                OffsetKind::CodePoint));
  EXPECT_EQ(content_get<ContentString>(s).str, u"ab\U0001F600");
  EXPECT_EQ(content_get<ContentString>(s).offset_len, 3u);

  Content d = ContentDeleted{2};
  EXPECT_TRUE(content_try_merge(d, ContentDeleted{3}, OffsetKind::CodePoint));
  EXPECT_EQ(content_get<ContentDeleted>(d).len, 5u);
}

TEST(ContentMerge, LoneSurrogatesJoinIntoOneCodePoint) {
  Content s = make_content_string(u"a\xD83D", OffsetKind::CodePoint);
  EXPECT_TRUE(content_try_merge(s, make_content_string(u"\xDE00", OffsetKind::CodePoint),
                                OffsetKind::CodePoint));
  EXPECT_EQ(content_get<ContentString>(s).offset_len, 2u);
}

TEST(ContentMerge, DifferentOrUnmergeableKindsRefuse) {
  Content s = make_content_string(u"ab", OffsetKind::CodePoint);
  EXPECT_FALSE(content_try_merge(s, ContentDeleted{1}, OffsetKind::CodePoint));
  Content b = ContentBinary{{1}};
  EXPECT_FALSE(content_try_merge(b, ContentBinary{{2}}, OffsetKind::CodePoint));
  EXPECT_EQ(content_get<ContentBinary>(b).data, (Bytes{1}));
}

TEST(ContentV1, RoundTripsEveryKind) {
  expect_round_trip({3}, kRefDeleted);
  expect_round_trip(
      {2, 9, 123, 34, 97, 34, 58, 91, 49, 93, 125, 9, 117, 110, 100, 101, 102, 105, 110, 101, 100},
      kRefJson);  // ['{"a":[1]}', 'undefined']
  expect_round_trip({2, 7, 8}, kRefBinary);
  expect_round_trip({6, 97, 240, 159, 152, 128, 98}, kRefString);  // "a😀b"
  expect_round_trip(
      {17, 123, 34, 105, 109, 97, 103, 101, 34, 58, 34, 97, 46, 112, 110, 103, 34, 125},
      kRefEmbed);  // {"image":"a.png"}
  expect_round_trip({4, 98, 111, 108, 100, 4, 116, 114, 117, 101}, kRefFormat);  // bold: true
  expect_round_trip({4, 98, 111, 108, 100, 4, 110, 117, 108, 108}, kRefFormat);  // bold: null
  expect_round_trip({1}, kRefType);                                              // YMap
  expect_round_trip({3, 1, 112}, kRefType);                                      // YXmlElement "p"
  expect_round_trip({5, 1, 104}, kRefType);                                      // YXmlHook "h"
  expect_round_trip({2, 125, 1, 119, 2, 104, 105}, kRefAny);                     // [1, "hi"]
  expect_round_trip({1, 103, 118, 0}, kRefDoc);                                  // guid "g", {}
}

TEST(ContentV1, JsonTextIsNormalisedLikeJsonStringify) {
  const Content c = read({1, 13, 32, 123, 32, 34, 97, 34, 58, 32, 49, 46, 53, 48, 125}, kRefJson);
  EXPECT_EQ(write(c), (Bytes{1, 9, 123, 34, 97, 34, 58, 49, 46, 53, 125}));  // ' { "a": 1.50}'
}

TEST(ContentV1, WriteWithOffsetSkipsUnits) {
  EXPECT_EQ(write(make_content_string(kTwoEmoji, OffsetKind::CodePoint), 1),
            (Bytes{7, 239, 191, 189, 240, 159, 152, 128}));
  EXPECT_EQ(write(ContentDeleted{5}, 2), (Bytes{3}));
  EXPECT_EQ(write(ContentAny{{Value::integer(1), Value::boolean(true)}}, 1), (Bytes{1, 120}));
  EXPECT_EQ(write(ContentJson{{Value::null(), Value::undefined()}}, 1),
            (Bytes{1, 9, 117, 110, 100, 101, 102, 105, 110, 101, 100}));
}

TEST(ContentV1, DocOptionsAreRecomputedAsYjsDoes) {
  // {gc: false, autoLoad: 1, meta: null, x: 5} -> {gc: false, autoLoad: true}
  const Content c = read({1,  103, 118, 4, 2, 103, 99,  121, 8,  97,  117, 116, 111, 76, 111,
                          97, 100, 125, 1, 4, 109, 101, 116, 97, 126, 1,   120, 125, 5},
                         kRefDoc);
  EXPECT_EQ(write(c),
            (Bytes{1, 103, 118, 2, 2, 103, 99, 121, 8, 97, 117, 116, 111, 76, 111, 97, 100, 120}));
  // meta survives; a string "guid" option replaces the guid (Yjs spreads opts over {guid}).
  const Content m = read(
      {1, 103, 118, 2, 4, 109, 101, 116, 97, 125, 7, 4, 103, 117, 105, 100, 119, 1, 122}, kRefDoc);
  EXPECT_EQ(content_get<ContentDoc>(m).guid, "z");
  EXPECT_EQ(write(m), (Bytes{1, 122, 118, 1, 4, 109, 101, 116, 97, 125, 7}));
}

// The reader counts a string's length in the document's unit while decoding it: the same
// offset_len as string_offset_len, in every unit (a pair: 2 UTF-16 units, 1 code point,
// 4 UTF-8 bytes).
TEST(ContentV1, StringsReadWithTheirLengthInEveryUnit) {
  for (const std::u16string& text :
       {std::u16string(u"plain"), std::u16string(u"a\u00E9\u3053\U0001F600z"),
        std::u16string(u"\U0001F600\U0001F601")}) {
    for (const OffsetKind kind : {OffsetKind::Utf16, OffsetKind::CodePoint, OffsetKind::Utf8}) {
      Lib0Writer w;
      write_content_v1(w, make_content_string(text, kind), 0);
      Lib0Reader r(w.data());
      const Content c = read_content_v1(r, kRefString, kind);
      const auto& str = content_get<ContentString>(c);
      EXPECT_EQ(str.str, text);
      EXPECT_EQ(str.offset_len, string_offset_len(text, kind)) << static_cast<int>(kind);
    }
  }
}

TEST(ContentV1, RejectsZeroLengthContent) {
  for (const auto& [bytes, ref] : std::vector<std::pair<Bytes, uint8_t>>{
           {{0}, kRefDeleted}, {{0}, kRefJson}, {{0}, kRefString}, {{0}, kRefAny}}) {
    Lib0Reader r(bytes);
    EXPECT_THROW(read_content_v1(r, ref, OffsetKind::CodePoint), DecodeError) << int(ref);
  }
}

TEST(ContentV1, RejectsMalformedPayloads) {
  const std::vector<std::pair<Bytes, uint8_t>> bad = {
      {{7}, kRefType},                // type ref 7 (yrs WeakLink) is unknown to Yjs
      {{3}, kRefType},                // XmlElement without a name
      {{2, 97, 98}, kRefEmbed},       // not JSON
      {{1, 98, 1, 125}, kRefFormat},  // value "}" is not JSON
      {{1, 103, 126}, kRefDoc},       // null options
      {{200, 1}, kRefAny},            // count larger than the input
      {{5, 97}, kRefString},          // truncated
      {{1}, kRefSkip},                // not a content ref
      {{1}, 0},                       // GC is not content either
  };
  for (const auto& [bytes, ref] : bad) {
    Lib0Reader r(bytes);
    EXPECT_THROW(read_content_v1(r, ref, OffsetKind::CodePoint), DecodeError) << int(ref);
  }
}

// --- The representation: a tagged union with a spare byte (content.h) ---

// One Content of every kind, each with a distinctive value.
std::vector<Content> one_of_each() {
  std::vector<Content> all;
  all.emplace_back(ContentDeleted{7});
  all.emplace_back(ContentJson{{Value::integer(1), Value::undefined()}});
  all.emplace_back(ContentBinary{{1, 2, 3}});
  all.emplace_back(make_content_string(u"hello world", OffsetKind::Utf16));
  all.emplace_back(ContentEmbed{Value::string("e")});
  all.emplace_back(ContentFormat{"bold", Value::boolean(true)});
  all.emplace_back(ContentType{kTypeXmlElement, "p", nullptr});
  all.emplace_back(ContentAny{{Value::integer(1), Value::integer(2), Value::integer(3)}});
  all.emplace_back(ContentDoc{"guid", Value::object({})});
  return all;
}

Bytes payload(const Content& c) { return write(c); }

TEST(ContentRepr, CopiesAreDeepAndEqualInEveryKind) {
  for (const Content& c : one_of_each()) {
    Content copy = c;
    EXPECT_EQ(copy.ref(), c.ref());
    EXPECT_EQ(copy.length(), c.length());
    EXPECT_EQ(payload(copy), payload(c));
    Content assigned = ContentDeleted{1};
    assigned = c;
    EXPECT_EQ(payload(assigned), payload(c));
  }
  Content a = ContentFormat{"bold", Value::boolean(true)};
  Content b = a;
  content_get<ContentFormat>(b).key = "italic";
  EXPECT_EQ(content_get<ContentFormat>(a).key, "bold");
  Content s = make_content_string(u"abcdefgh", OffsetKind::Utf16);
  Content t = s;
  content_get<ContentString>(t).str.truncate(2);
  EXPECT_EQ(content_get<ContentString>(s).str, u"abcdefgh");
}

TEST(ContentRepr, MovesLeaveAnEmptyDeletedBehind) {
  for (Content& c : one_of_each()) {
    const Bytes before = payload(c);
    const uint8_t ref = c.ref();
    Content moved = std::move(c);
    EXPECT_EQ(moved.ref(), ref);
    EXPECT_EQ(payload(moved), before);
    EXPECT_TRUE(content_is<ContentDeleted>(c));  // NOLINT(bugprone-use-after-move)
    EXPECT_EQ(c.length(), 0u);                   // NOLINT(bugprone-use-after-move)
    Content target = make_content_string(u"replaced text", OffsetKind::Utf16);
    target = std::move(moved);
    EXPECT_EQ(payload(target), before);
  }
}

TEST(ContentRepr, SelfAssignmentKeepsTheValue) {
  for (Content& c : one_of_each()) {
    const Bytes before = payload(c);
    Content& alias = c;
    c = alias;
    EXPECT_EQ(payload(c), before);
    c = std::move(alias);
    EXPECT_EQ(payload(c), before);
  }
}

TEST(ContentRepr, LengthFollowsTheValue) {
  Content s = make_content_string(u"ab", OffsetKind::Utf16);
  content_get<ContentString>(s).str += u"cde";
  EXPECT_EQ(s.length(), 5u);
  Content d = ContentDeleted{3};
  content_get<ContentDeleted>(d).len = (uint64_t{1} << 53) - 1;  // a safe integer's worth
  EXPECT_EQ(d.length(), (uint64_t{1} << 53) - 1);
  Content any = ContentAny{{Value::integer(1)}};
  content_get<ContentAny>(any).values.push_back(Value::integer(2));
  EXPECT_EQ(any.length(), 2u);
  EXPECT_EQ(Content(ContentBinary{{1, 2, 3, 4}}).length(), 1u);
}

// The spare byte belongs to whoever holds the Content (an Item keeps its flags there):
// it is zero after construction and survives assignments of other values.
TEST(ContentRepr, TheSpareByteIsNotPartOfTheValue) {
  for (const Content& value : one_of_each()) {
    Content held = ContentDeleted{2};
    EXPECT_EQ(held.spare(), 0);
    held.set_spare(0xA5);
    held = value;
    EXPECT_EQ(held.spare(), 0xA5);
    Content source = value;
    source.set_spare(0x11);
    held = std::move(source);
    EXPECT_EQ(held.spare(), 0xA5);
    EXPECT_EQ(source.spare(), 0x11);  // NOLINT(bugprone-use-after-move)
    Content copy = held;              // a new Content: its own spare byte
    EXPECT_EQ(copy.spare(), 0);
    held.emplace<ContentString>();
    EXPECT_EQ(held.spare(), 0xA5);
    EXPECT_EQ(held.length(), 0u);
  }
}

TEST(ContentRepr, EmplaceReplacesAnyKindInPlace) {
  for (const Content& value : one_of_each()) {
    Content c = value;
    c.set_spare(0x5A);
    c.emplace<ContentAny>().values.push_back(Value::integer(9));
    EXPECT_EQ(c.ref(), kRefAny);
    EXPECT_EQ(c.length(), 1u);
    EXPECT_EQ(c.spare(), 0x5A);
    c.emplace<ContentDeleted>().len = 4;
    EXPECT_EQ(c.length(), 4u);
    c.emplace<ContentString>().str.assign(u"xy");
    EXPECT_EQ(c.length(), 2u);
    EXPECT_EQ(c.spare(), 0x5A);
  }
}

TEST(ContentRepr, Is24Bytes) { EXPECT_EQ(sizeof(Content), 24u); }

}  // namespace
}  // namespace crdtcore::detail
