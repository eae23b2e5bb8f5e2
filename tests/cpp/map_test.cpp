// Tests for crdtcore/map.h: set/get/overwrite/remove, key order, value kinds,
// nested types (yjs-format.md §3.6 nested-map vector), concurrent writes (higher
// client id wins) and deletion of nested maps.

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "crdtcore/crdtcore.h"

#include "doc_test_util.h"

namespace crdtcore {
namespace {

using testutil::make_doc;
using testutil::str;
using testutil::UpdateLog;

TEST(MapBasics, SetGetOverwriteRemove) {
  Doc d = make_doc(1);
  Map m = d.get_map("m");
  EXPECT_FALSE(m.get("k").has_value());
  m.set("k", Value::integer(1));
  m.set("j", str("x"));
  EXPECT_EQ(m.size(), 2u);
  EXPECT_TRUE(m.contains("k"));
  EXPECT_EQ(m.get("k")->value(), Value::integer(1));
  m.set("k", Value::floating(2.5));
  EXPECT_EQ(m.get("k")->value(), Value::floating(2.5));
  EXPECT_EQ(m.size(), 2u);
  EXPECT_TRUE(m.remove("k"));
  EXPECT_FALSE(m.remove("k"));
  EXPECT_FALSE(m.contains("k"));
  EXPECT_EQ(m.size(), 1u);
  m.set("k", Value::null());
  EXPECT_TRUE(m.contains("k"));
  EXPECT_TRUE(m.get("k")->value().is_null());
}

TEST(MapBasics, KeysAscendingAndEntries) {
  Doc d = make_doc(1);
  Map m = d.get_map("m");
  for (const char* k : {"zeta", "", "alpha", "\xC3\xBC", "10", "9"}) m.set(k, str(k));
  EXPECT_EQ(m.keys(), (std::vector<std::string>{"", "10", "9", "alpha", "zeta", "\xC3\xBC"}));
  auto entries = m.entries();
  ASSERT_EQ(entries.size(), 6u);
  EXPECT_EQ(entries[3].first, "alpha");
  EXPECT_EQ(entries[3].second.value(), str("alpha"));
  m.remove("alpha");
  EXPECT_EQ(m.keys().size(), 5u);
}

TEST(MapValues, EveryKindRoundTrips) {
  Doc d = make_doc(1);
  Map m = d.get_map("m");
  const std::vector<std::pair<std::string, Value>> values = {
      {"undef", Value::undefined()},
      {"null", Value::null()},
      {"bool", Value::boolean(false)},
      {"int", Value::integer(-42)},
      {"float", Value::floating(0.1)},
      {"big", Value::bigint(-5)},
      {"str", str("\xE4\xB8\xAD")},
      {"bin", Value::binary({1, 2, 3})},
      {"arr", Value::array({Value::integer(1), str("a")})},
      {"obj", Value::object({{"b", Value::integer(1)}, {"1", Value::integer(2)}})},
  };
  for (const auto& [k, v] : values) m.set(k, v);
  Doc peer = make_doc(2);
  peer.apply_update(d.encode_state_as_update());
  Map pm = peer.get_map("m");
  for (const auto& [k, v] : values) {
    ASSERT_TRUE(pm.get(k).has_value()) << k;
    EXPECT_EQ(pm.get(k)->value(), v) << k;
  }
  // Integer-like object keys come first, as in JavaScript.
  EXPECT_EQ(pm.get("obj")->value().as_object().front().first, "1");
}

TEST(MapVectors, NestedMapAtClock16) {
  Doc d = make_doc(1);
  d.get_text("pad").insert(0, "0123456789abcdef");  // clocks 0..15
  UpdateLog log(d);
  Map sub = d.get_map("m").set_type("sub", TypeKind::Map).as_map();
  EXPECT_EQ(log.last(), (Bytes{1, 1, 1, 16, 39, 1, 1, 109, 3, 115, 117, 98, 1, 0}));
  sub.set("q", str("r"));
  EXPECT_EQ(log.last(), (Bytes{1, 1, 1, 17, 40, 0, 1, 16, 1, 113, 1, 119, 1, 114, 0}));
  EXPECT_EQ(d.get_map("m").to_value(), Value::object({{"sub", Value::object({{"q", str("r")}})}}));
}

TEST(MapVectors, OverwriteBinaryKeepsBit6) {
  Doc d = make_doc(1);
  Map m = d.get_map("m");
  m.set("k", Value::integer(1));
  UpdateLog log(d);
  m.set("k", Value::binary({9}));
  // info 0xA3 = Binary + origin + BIT6 (key not written); deletes (1,0).
  EXPECT_EQ(log.last(), (Bytes{1, 1, 1, 1, 163, 1, 0, 1, 9, 1, 1, 1, 0, 1}));
}

TEST(MapSync, ConcurrentSetHigherClientWinsBothOrders) {
  for (bool reverse : {false, true}) {
    Doc a = make_doc(10);
    Doc b = make_doc(3);
    a.get_map("m").set("k", str("from10"));
    b.get_map("m").set("k", str("from3"));
    Doc c = make_doc(99);
    if (reverse) {
      c.apply_update(b.encode_state_as_update());
      c.apply_update(a.encode_state_as_update());
    } else {
      c.apply_update(a.encode_state_as_update());
      c.apply_update(b.encode_state_as_update());
    }
    testutil::sync_pair(a, b);
    for (Doc* d : {&a, &b, &c}) EXPECT_EQ(d->get_map("m").get("k")->value(), str("from10"));
    EXPECT_EQ(a.encode_state_as_update(), c.encode_state_as_update());
  }
}

TEST(MapSync, ConcurrentSetAndRemove) {
  Doc a = make_doc(1);
  Doc b = make_doc(2);
  a.get_map("m").set("k", Value::integer(1));
  testutil::sync_pair(a, b);
  a.get_map("m").remove("k");
  b.get_map("m").set("k", Value::integer(2));
  testutil::sync_pair(a, b);
  // The concurrent set is a new item; the remove only deleted the old one.
  EXPECT_EQ(a.get_map("m").get("k")->value(), Value::integer(2));
  EXPECT_EQ(b.get_map("m").get("k")->value(), Value::integer(2));
}

TEST(MapSync, ConcurrentOverwritesHigherClientWins) {
  // c1 sets k=a; c2 (knowing it) sets k=b; c1 concurrently sets k=c with origin k=a.
  Doc a = make_doc(1);
  Doc b = make_doc(2);
  a.get_map("m").set("k", str("a"));
  testutil::sync_pair(a, b);
  b.get_map("m").set("k", str("b"));
  a.get_map("m").set("k", str("c"));
  testutil::sync_pair(a, b);
  EXPECT_EQ(a.get_map("m").get("k")->value(), b.get_map("m").get("k")->value());
  EXPECT_EQ(a.get_map("m").get("k")->value(), str("b"));
  EXPECT_EQ(a.encode_state_as_update(), b.encode_state_as_update());
}

TEST(MapNested, OverwritingNestedTypeDeletesIt) {
  Doc d = make_doc(1);
  Map m = d.get_map("m");
  Map sub = m.set_type("sub", TypeKind::Map).as_map();
  sub.set("x", Value::integer(1));
  Array arr = sub.set_type("arr", TypeKind::Array).as_array();
  arr.insert(0, {Value::integer(1)});
  m.set("sub", Value::integer(0));
  EXPECT_TRUE(sub.is_deleted());
  EXPECT_TRUE(arr.is_deleted());
  EXPECT_THROW(sub.set("y", Value::integer(2)), InvalidState);
  EXPECT_THROW(arr.insert(0, {Value::integer(2)}), InvalidState);
  EXPECT_EQ(m.to_value(), Value::object({{"sub", Value::integer(0)}}));
}

TEST(MapNested, RemoteWriteIntoDeletedMapIsDeleted) {
  Doc a = make_doc(1, /*gc=*/false);
  Doc b = make_doc(2, /*gc=*/false);
  Map sub = a.get_map("m").set_type("sub", TypeKind::Map).as_map();
  testutil::sync_pair(a, b);
  b.get_map("m").remove("sub");
  sub.set("late", Value::integer(1));
  testutil::sync_pair(a, b);
  EXPECT_FALSE(a.get_map("m").contains("sub"));
  EXPECT_EQ(a.encode_state_as_update(), b.encode_state_as_update());
  EXPECT_EQ(a.encode_state_vector(), b.encode_state_vector());
}

TEST(MapNested, RemoteWriteIntoGcdMapBecomesGc) {
  Doc a = make_doc(1);
  Doc b = make_doc(2);
  Map sub = a.get_array("a").insert_type(0, TypeKind::Map).as_map();
  sub.set("x", str("y"));
  testutil::sync_pair(a, b);
  sub.set("z", str("w"));  // (1,2), not yet sent
  b.get_array("a").remove_range(0, 1);
  UpdateLog log(b);
  b.apply_update(a.encode_state_as_update());
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log.last(), (Bytes{1, 1, 1, 2, 0, 1, 0}));  // verified with Yjs: a GC struct
  testutil::sync_pair(a, b);
  EXPECT_EQ(a.encode_state_as_update(), b.encode_state_as_update());
  EXPECT_EQ(a.get_array("a").length(), 0u);
}

// OPEN QUESTION (reported to the lead): a value reads back differently on the
// writing peer and on every other peer when JavaScript cannot represent its kind:
// Int beyond +-(2^31-1) travels as a float (tag 124/123) and integral Floats travel
// as tag 125, so the kinds in to_value() differ between converged peers (== still
// holds: numbers compare numerically).
TEST(MapValues, DISABLED_NumbersReadBackTheSameLocallyAndRemotely) {
  Doc a = make_doc(1);
  a.get_map("m").set("big", Value::integer(1LL << 40));
  a.get_map("m").set("two", Value::floating(2.0));
  Doc b = make_doc(2);
  b.apply_update(a.encode_state_as_update());
  // Value::operator== compares numbers numerically, so compare the kinds too.
  EXPECT_EQ(testutil::dump_value(b.get_map("m").to_value()),
            testutil::dump_value(a.get_map("m").to_value()));
}

TEST(MapErrors, RootTypeMismatch) {
  Doc d = make_doc(1);
  d.get_map("m");
  EXPECT_THROW(d.get_array("m"), TypeMismatch);
  EXPECT_THROW(d.get_map("m").as_text(), TypeMismatch);
}

}  // namespace
}  // namespace crdtcore
