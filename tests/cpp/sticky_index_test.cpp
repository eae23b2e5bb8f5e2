// Tests for crdtcore/sticky_index.h: positions made from indices (start, middle, end,
// both associations), resolution after local and remote edits, deleted content, GC,
// deleted types, code points vs UTF-16, the Yjs byte and JSON forms, and bad input.
// Real-Yjs interop is in tests/interop/test_sticky_interop.py.

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "crdtcore/crdtcore.h"

#include "doc_test_util.h"

namespace crdtcore {
namespace {

using testutil::make_doc;
using testutil::sync_pair;

const char* kEmoji = "\xF0\x9F\x98\x80";  // U+1F600, 2 UTF-16 units

uint64_t at(const Doc& doc, const StickyIndex& s) {
  auto r = s.resolve(doc);
  EXPECT_TRUE(r.has_value());
  return r ? r->index : ~uint64_t{0};
}

TEST(StickyIndex, RoundTripsEveryIndexAndAssoc) {
  Doc doc = make_doc(1);
  Text t = doc.get_text("text");
  t.insert(0, "abc");
  for (Assoc a : {Assoc::After, Assoc::Before}) {
    for (uint64_t i = 0; i <= 3; ++i) {
      StickyIndex s = StickyIndex::from_index(t, i, a);
      EXPECT_EQ(at(doc, s), i);
      EXPECT_EQ(s.resolve_in(t), i);
      EXPECT_EQ(s.assoc(), a);
    }
  }
}

TEST(StickyIndex, PartsFollowYjs) {
  Doc doc = make_doc(7);
  Text t = doc.get_text("text");
  t.insert(0, "abc");
  StickyIndex mid = StickyIndex::from_index(t, 1);
  EXPECT_EQ(mid.item(), (Id{7, 1}));
  EXPECT_EQ(mid.root_name(), std::string("text"));
  EXPECT_FALSE(mid.type_id());
  StickyIndex before = StickyIndex::from_index(t, 1, Assoc::Before);
  EXPECT_EQ(before.item(), (Id{7, 0}));
  EXPECT_EQ(before.assoc_value(), -1);
  StickyIndex end = StickyIndex::from_index(t, 3);
  EXPECT_FALSE(end.item());
  StickyIndex start_before = StickyIndex::from_index(t, 0, Assoc::Before);
  EXPECT_FALSE(start_before.item());
  StickyIndex end_before = StickyIndex::from_index(t, 3, Assoc::Before);
  EXPECT_EQ(end_before.item(), (Id{7, 2}));
}

TEST(StickyIndex, FollowsItsCharacterAcrossEdits) {
  Doc doc = make_doc(1);
  Text t = doc.get_text("text");
  t.insert(0, "hello world");
  StickyIndex after = StickyIndex::from_index(t, 6);                  // before 'w'
  StickyIndex before = StickyIndex::from_index(t, 5, Assoc::Before);  // after 'o'
  StickyIndex end = StickyIndex::from_index(t, 11);
  t.insert(0, ">> ");
  t.insert(8, "!!");  // between "hello" and " world"
  EXPECT_EQ(t.to_string(), ">> hello!! world");
  EXPECT_EQ(at(doc, after), 11u);
  EXPECT_EQ(at(doc, before), 8u);
  EXPECT_EQ(at(doc, end), 16u);
  t.insert(16, "?");
  EXPECT_EQ(at(doc, end), 17u);
}

TEST(StickyIndex, DeletedCharacterResolvesWhereItWas) {
  for (bool gc : {true, false}) {
    Doc doc = make_doc(1, gc);
    Text t = doc.get_text("text");
    t.insert(0, "abcdef");
    StickyIndex s = StickyIndex::from_index(t, 3);  // 'd'
    StickyIndex b = StickyIndex::from_index(t, 4, Assoc::Before);
    t.remove_range(2, 3);  // "ab|f"
    EXPECT_EQ(at(doc, s), 2u) << gc;
    EXPECT_EQ(at(doc, b), 2u) << gc;
    t.insert(0, "xy");
    EXPECT_EQ(at(doc, s), 4u) << gc;
  }
}

TEST(StickyIndex, RemoteConcurrentEdits) {
  Doc a = make_doc(1);
  Doc b = make_doc(2);
  Text ta = a.get_text("t");
  Text tb = b.get_text("t");
  ta.insert(0, "0123456789");
  sync_pair(a, b);
  StickyIndex s = StickyIndex::from_index(ta, 5);
  StickyIndex s_b = StickyIndex::decode(s.encode());
  tb.insert(2, "xx");
  tb.remove_range(7, 1);  // deletes '5' (index 7 after the insert)
  ta.insert(9, "yy");
  sync_pair(a, b);
  EXPECT_EQ(ta.to_string(), tb.to_string());
  EXPECT_EQ(at(a, s), 7u);
  EXPECT_EQ(at(b, s_b), 7u);
}

TEST(StickyIndex, CodePointsAndUtf16) {
  // "a😀b" : code points a=0 😀=1 b=2; UTF-16 a=0 😀=1,2 b=3.
  const std::string s = std::string("a") + kEmoji + "b";
  Doc cp = make_doc(1, true, OffsetKind::CodePoint);
  Text t = cp.get_text("t");
  t.insert(0, s);
  Doc u16 = make_doc(2, true, OffsetKind::Utf16);
  u16.apply_update(cp.encode_state_as_update());
  Text tu = u16.get_text("t");
  // After the emoji, both associations, in both units; the ids must be the ones Yjs
  // makes from the UTF-16 index 3.
  StickyIndex a_cp = StickyIndex::from_index(t, 2);
  StickyIndex a_u = StickyIndex::from_index(tu, 3);
  EXPECT_EQ(a_cp.item(), a_u.item());
  EXPECT_EQ(a_cp.item(), (Id{1, 3}));
  StickyIndex b_cp = StickyIndex::from_index(t, 2, Assoc::Before);
  StickyIndex b_u = StickyIndex::from_index(tu, 3, Assoc::Before);
  EXPECT_EQ(b_cp.item(), b_u.item());
  EXPECT_EQ(b_cp.item(), (Id{1, 2}));  // the low surrogate
  EXPECT_EQ(at(cp, b_cp), 2u);
  EXPECT_EQ(at(u16, b_cp), 3u);
  EXPECT_EQ(at(cp, a_cp), 2u);
  EXPECT_EQ(at(u16, a_cp), 3u);
  StickyIndex emoji = StickyIndex::from_index(t, 1);
  EXPECT_EQ(emoji.item(), (Id{1, 1}));
  t.insert(0, kEmoji);
  EXPECT_EQ(at(cp, emoji), 2u);
  EXPECT_EQ(at(cp, b_cp), 3u);
}

TEST(StickyIndex, ArraysAndNestedTypes) {
  Doc doc = make_doc(3);
  Map root = doc.get_map("root");
  Array arr = root.set_type("list", TypeKind::Array).as_array();
  arr.insert(0, {Value::integer(1), Value::integer(2), Value::integer(3)});
  StickyIndex mid = StickyIndex::from_index(arr, 1);
  StickyIndex end = StickyIndex::from_index(arr, 3);
  ASSERT_TRUE(end.type_id());
  EXPECT_FALSE(end.root_name());
  EXPECT_EQ(end.encode(), (Bytes{2, 3, 0, 0}));  // the map entry's item is (3, 0)
  arr.insert(0, {Value::integer(0)});
  EXPECT_EQ(mid.resolve_in(arr), 2u);
  EXPECT_EQ(end.resolve_in(arr), 4u);
  EXPECT_EQ(StickyIndex::decode(end.encode()).resolve_in(arr), 4u);
  // Another type of the same document does not own it.
  Text other = root.set_type("other", TypeKind::Text).as_text();
  EXPECT_FALSE(mid.resolve_in(other));
  EXPECT_THROW(StickyIndex::from_index(root, 0), TypeMismatch);
  EXPECT_THROW(StickyIndex::from_index(arr, 5), OutOfRange);
  // The type is deleted: nothing resolves, with or without GC of its content.
  root.remove("list");
  EXPECT_FALSE(mid.resolve(doc));
  EXPECT_FALSE(end.resolve(doc));
  EXPECT_FALSE(mid.resolve_in(arr));
  EXPECT_THROW(StickyIndex::from_index(arr, 0), InvalidState);
}

TEST(StickyIndex, DeletedTypeWithoutGc) {
  Doc doc = make_doc(3, false);
  Map root = doc.get_map("root");
  Text t = root.set_type("t", TypeKind::Text).as_text();
  t.insert(0, "abc");
  StickyIndex mid = StickyIndex::from_index(t, 1);
  StickyIndex end = StickyIndex::from_index(t, 3);
  root.remove("t");
  EXPECT_FALSE(mid.resolve(doc));
  EXPECT_FALSE(end.resolve(doc));
}

TEST(StickyIndex, UnknownContentDoesNotResolve) {
  Doc doc = make_doc(1);
  doc.get_text("t").insert(0, "ab");
  EXPECT_FALSE(StickyIndex::from_parts(Id{99, 0}, std::nullopt, std::nullopt, 0).resolve(doc));
  EXPECT_FALSE(StickyIndex::from_parts(Id{1, 2}, std::nullopt, std::nullopt, 0).resolve(doc));
  EXPECT_FALSE(StickyIndex::from_parts(std::nullopt, "nope", std::nullopt, 0).resolve(doc));
  EXPECT_FALSE(StickyIndex::from_parts(std::nullopt, std::nullopt, Id{1, 0}, 0).resolve(doc));
  auto r = StickyIndex::from_parts(std::nullopt, "t", std::nullopt, -1).resolve(doc);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->index, 0u);
  EXPECT_TRUE(r->type.same(doc.get_text("t")));
  EXPECT_THROW(StickyIndex::from_parts(std::nullopt, std::nullopt, std::nullopt, 0), InvalidState);
}

TEST(StickyIndex, EncodingIsYjs) {
  Doc doc = make_doc(300);
  Text t = doc.get_text("text");
  t.insert(0, "abc");
  // item (300, 1): tag 0, varUint 300 = ac 02, clock 1, assoc 0.
  EXPECT_EQ(StickyIndex::from_index(t, 1).encode(), (Bytes{0, 0xac, 0x02, 1, 0}));
  // assoc -1 is varInt 0x41.
  EXPECT_EQ(StickyIndex::from_index(t, 1, Assoc::Before).encode(), (Bytes{0, 0xac, 0x02, 0, 0x41}));
  EXPECT_EQ(StickyIndex::from_index(t, 3).encode(), (Bytes{1, 4, 't', 'e', 'x', 't', 0}));
  for (const Bytes& b : {Bytes{0, 5, 6, 0}, Bytes{1, 1, 'x', 0x41}, Bytes{2, 1, 2, 0}}) {
    EXPECT_EQ(StickyIndex::decode(b).encode(), b);
  }
  // No assoc: 0 (Yjs hasContent check); trailing bytes after it are ignored.
  EXPECT_EQ(StickyIndex::decode(Bytes{0, 5, 6}).assoc_value(), 0);
  EXPECT_EQ(StickyIndex::decode(Bytes{0, 5, 6, 0x41, 9, 9}).assoc(), Assoc::Before);
}

TEST(StickyIndex, BadBytesThrowDecodeError) {
  const std::vector<Bytes> bad = {{},          {0xff},    {3, 0, 0}, {0},          {0, 5},
                                  {1, 5, 'a'}, {0, 0x80}, {2, 1},    {1, 1, 0xff}, {0, 1, 1, 0x80}};
  for (const Bytes& b : bad) EXPECT_THROW(StickyIndex::decode(b), DecodeError);
}

TEST(StickyIndex, JsonIsYjs) {
  Doc doc = make_doc(5);
  Map root = doc.get_map("root");
  Text t = doc.get_text("text");
  t.insert(0, "abc");
  EXPECT_EQ(to_json(StickyIndex::from_index(t, 1).to_json()),
            R"({"tname":"text","item":{"client":5,"clock":1},"assoc":0})");
  EXPECT_EQ(to_json(StickyIndex::from_index(t, 3, Assoc::Before).to_json()),
            R"({"tname":"text","item":{"client":5,"clock":2},"assoc":-1})");
  EXPECT_EQ(to_json(StickyIndex::from_index(t, 3).to_json()), R"({"tname":"text","assoc":0})");
  Array arr = root.set_type("a", TypeKind::Array).as_array();
  EXPECT_EQ(to_json(StickyIndex::from_index(arr, 0).to_json()),
            R"({"type":{"client":5,"clock":3},"assoc":0})");
  EXPECT_EQ(to_json(StickyIndex::decode(Bytes{0, 5, 1, 0}).to_json()),
            R"({"item":{"client":5,"clock":1},"assoc":0})");
  for (const char* j :
       {R"({"tname":"text","item":{"client":5,"clock":1},"assoc":0})",
        R"({"type":{"client":5,"clock":3},"assoc":-1})", R"({"tname":"x","assoc":0})"}) {
    EXPECT_EQ(to_json(StickyIndex::from_json(from_json(j)).to_json()), j);
  }
  StickyIndex s = StickyIndex::from_json(from_json(R"({"item":{"client":5,"clock":1.0}})"));
  EXPECT_EQ(s.assoc_value(), 0);
  EXPECT_EQ(s.resolve_in(t), 1u);
}

TEST(StickyIndex, BadJsonThrowsDecodeError) {
  for (const char* j :
       {"{}", "[]", "1", "null", R"({"item":"x"})", R"({"item":{"client":1}})",
        R"({"item":{"client":-1,"clock":0}})", R"({"item":{"client":1,"clock":0.5}})",
        R"({"item":{"client":1e300,"clock":0}})", R"({"tname":5})", R"({"tname":""})",
        R"({"tname":"t","assoc":"x"})", R"({"tname":"t","assoc":0.5})", R"({"type":[1,2]})"}) {
    EXPECT_THROW(StickyIndex::from_json(from_json(j)), DecodeError) << j;
  }
}

TEST(StickyIndex, GarbageCollectedTypeContent) {
  // The items of a deleted type become GC structs: positions naming them do not resolve.
  Doc a = make_doc(1);
  Map root = a.get_map("root");
  Text t = root.set_type("t", TypeKind::Text).as_text();
  t.insert(0, "abcdef");
  StickyIndex s = StickyIndex::from_index(t, 2);
  Doc b = make_doc(2);
  b.apply_update(a.encode_state_as_update());
  root.remove("t");
  Doc c = make_doc(3);
  c.apply_update(a.encode_state_as_update());  // the text arrives as GC structs
  EXPECT_FALSE(s.resolve(c));
  EXPECT_EQ(s.resolve(b)->index, 2u);
  sync_pair(a, b);
  EXPECT_FALSE(s.resolve(b));
}

}  // namespace
}  // namespace crdtcore
