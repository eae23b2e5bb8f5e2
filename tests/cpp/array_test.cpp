// Tests for crdtcore/array.h: insert/get/slice/remove, ContentAny packing and
// number tagging (yjs-format.md §3.6 mixed-array vector), nested types, errors,
// and sync between peers.

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

Value ints(std::initializer_list<int64_t> xs) {
  Value::ArrayT a;
  for (int64_t x : xs) a.push_back(Value::integer(x));
  return Value::array(a);
}

TEST(ArrayBasics, InsertGetSliceRemove) {
  Doc d = make_doc(1);
  Array a = d.get_array("a");
  a.insert(0, {Value::integer(1), Value::integer(2), Value::integer(3)});
  a.insert(1, {str("x")});
  EXPECT_EQ(a.length(), 4u);
  EXPECT_EQ(a.get(1).value(), str("x"));
  EXPECT_EQ(a.get(3).value(), Value::integer(3));
  std::vector<Out> s = a.slice(1, 3);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[1].value(), Value::integer(2));
  a.remove_range(0, 2);
  EXPECT_EQ(a.to_value(), ints({2, 3}));
  a.insert(2, {Value::null()});
  EXPECT_EQ(a.length(), 3u);
  EXPECT_TRUE(a.get(2).value().is_null());
}

TEST(ArrayBasics, EmptyInsertAndRemoveAreNoOps) {
  Doc d = make_doc(1);
  Array a = d.get_array("a");
  UpdateLog log(d);
  a.insert(0, {});
  a.remove_range(0, 0);
  EXPECT_EQ(log.size(), 0u);
  EXPECT_EQ(a.length(), 0u);
}

TEST(ArrayBasics, RemoveInsideOneItem) {
  Doc d = make_doc(1);
  Array a = d.get_array("a");
  a.insert(0, {Value::integer(0), Value::integer(1), Value::integer(2), Value::integer(3),
               Value::integer(4)});
  UpdateLog log(d);
  a.remove_range(1, 3);
  EXPECT_EQ(a.to_value(), ints({0, 4}));
  EXPECT_EQ(log.last(), (Bytes{0, 1, 1, 1, 1, 3}));
  // With gc the deleted middle is ContentDeleted(3) between two Any items.
  EXPECT_EQ(d.encode_state_as_update(), (Bytes{1, 3, 1,   0, 8, 1, 1,   97, 1, 125, 0, 129, 1,
                                               0, 3, 136, 1, 3, 1, 125, 4,  1, 1,   1, 1,   3}));
}

TEST(ArrayVectors, MixedValuesPackAndTag) {
  Doc d = make_doc(1);
  d.get_text("pad").insert(0, "xx");  // clocks 0, 1
  UpdateLog log(d);
  d.get_array("a").insert(
      0, {Value::integer(1), Value::floating(2.5), Value::floating(0.1), Value::integer(-3),
          Value::boolean(true), Value::null(), str("hi"), Value::object({{"x", Value::integer(1)}}),
          ints({1}), Value::binary({7, 8}), Value::integer(2147483648LL),
          Value::integer(-2147483648LL), Value::integer(9007199254740992LL)});
  EXPECT_EQ(log.last(), (Bytes{1,   3,   1,   2,   8,   1,   1,   97,  9,   125, 1,   124, 64, 32,
                               0,   0,   123, 63,  185, 153, 153, 153, 153, 153, 154, 125, 67, 120,
                               126, 119, 2,   104, 105, 118, 1,   1,   120, 125, 1,   117, 1,  125,
                               1,   131, 1,   10,  2,   7,   8,   136, 1,   11,  3,   124, 79, 0,
                               0,   0,   124, 207, 0,   0,   0,   124, 90,  0,   0,   0,   0}));
  EXPECT_EQ(d.get_array("a").length(), 13u);
  EXPECT_EQ(d.get_array("a").get(9).value(), Value::binary({7, 8}));
}

TEST(ArrayVectors, SequentialAppendsMerge) {
  Doc d = make_doc(1);
  Array a = d.get_array("a");
  a.insert(0, {Value::integer(1)});
  a.insert(1, {Value::integer(2)});
  EXPECT_EQ(d.encode_state_as_update(), (Bytes{1, 1, 1, 0, 8, 1, 1, 97, 2, 125, 1, 125, 2, 0}));
}

TEST(ArrayErrors, RejectsUndefinedAndBigInt) {
  Doc d = make_doc(1);
  Array a = d.get_array("a");
  EXPECT_THROW(a.insert(0, {Value::undefined()}), TypeMismatch);
  EXPECT_THROW(a.insert(0, {Value::integer(1), Value::bigint(2)}), TypeMismatch);
  EXPECT_EQ(a.length(), 0u);
  EXPECT_EQ(d.encode_state_as_update(), (Bytes{0, 0}));
}

TEST(ArrayErrors, OutOfRange) {
  Doc d = make_doc(1);
  Array a = d.get_array("a");
  a.insert(0, {Value::integer(1)});
  EXPECT_THROW(a.insert(2, {Value::integer(2)}), OutOfRange);
  EXPECT_THROW(a.get(1), OutOfRange);
  EXPECT_THROW(a.remove_range(0, 2), OutOfRange);
  EXPECT_THROW(a.remove_range(2, 0), OutOfRange);
  EXPECT_THROW(a.slice(0, 2), OutOfRange);
  EXPECT_THROW(a.insert_type(3, TypeKind::Map), OutOfRange);
  EXPECT_EQ(a.length(), 1u);
}

TEST(ArrayNested, TypesReadBackAsShared) {
  Doc d = make_doc(1);
  Array a = d.get_array("a");
  Array inner = a.insert_type(0, TypeKind::Array).as_array();
  Map m = a.insert_type(1, TypeKind::Map).as_map();
  Text t = a.insert_type(2, TypeKind::Text).as_text();
  inner.insert(0, {Value::integer(5)});
  m.set("k", str("v"));
  t.insert(0, "txt");
  EXPECT_TRUE(a.get(0).is_shared());
  EXPECT_TRUE(a.get(0).shared().same(inner));
  EXPECT_EQ(a.get(1).shared().kind(), TypeKind::Map);
  EXPECT_EQ(a.to_value(), Value::array({ints({5}), Value::object({{"k", str("v")}}), str("txt")}));

  Doc peer = make_doc(2);
  peer.apply_update(d.encode_state_as_update());
  EXPECT_EQ(peer.get_array("a").to_value(), a.to_value());
  EXPECT_EQ(peer.get_array("a").get(2).shared().as_text().to_string(), "txt");
}

TEST(ArrayNested, DeletedNestedArrayRejectsWrites) {
  Doc d = make_doc(1);
  Array a = d.get_array("a");
  Array inner = a.insert_type(0, TypeKind::Array).as_array();
  inner.insert(0, {Value::integer(1)});
  a.remove_range(0, 1);
  EXPECT_TRUE(inner.is_deleted());
  EXPECT_EQ(inner.length(), 0u);
  EXPECT_THROW(inner.insert(0, {Value::integer(2)}), InvalidState);
  EXPECT_THROW(inner.insert_type(0, TypeKind::Map), InvalidState);
}

TEST(ArrayNested, RemoteDeleteOfParentInvalidatesHandle) {
  Doc a = make_doc(1);
  Doc b = make_doc(2);
  Array inner = a.get_array("a").insert_type(0, TypeKind::Array).as_array();
  inner.insert(0, {Value::integer(1)});
  testutil::sync_pair(a, b);
  b.get_array("a").remove_range(0, 1);
  testutil::sync_pair(a, b);
  EXPECT_TRUE(inner.is_deleted());
  EXPECT_EQ(a.get_array("a").length(), 0u);
  EXPECT_EQ(a.encode_state_as_update(), b.encode_state_as_update());
}

TEST(ArraySync, ConcurrentInsertAndDelete) {
  Doc a = make_doc(1);
  Doc b = make_doc(2);
  a.get_array("a").insert(0, {Value::integer(1), Value::integer(2), Value::integer(3)});
  testutil::sync_pair(a, b);
  a.get_array("a").remove_range(1, 1);
  b.get_array("a").insert(2, {Value::integer(9)});
  b.get_array("a").insert(0, {Value::integer(0)});
  testutil::sync_pair(a, b);
  EXPECT_EQ(a.get_array("a").to_value(), ints({0, 1, 9, 3}));
  EXPECT_EQ(b.get_array("a").to_value(), a.get_array("a").to_value());
  EXPECT_EQ(a.encode_state_as_update(), b.encode_state_as_update());
}

TEST(ArraySync, ManySmallEditsThroughMarkers) {
  // Enough edits to exercise the search-marker cache, checked against a model.
  Doc d = make_doc(1);
  Doc peer = make_doc(2);
  Array a = d.get_array("a");
  std::vector<int64_t> model;
  uint64_t x = 12345;
  for (int i = 0; i < 600; ++i) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    const uint64_t r = x >> 33;
    if (model.empty() || r % 3 != 0) {
      const size_t at = r % (model.size() + 1);
      a.insert(at, {Value::integer(i)});
      model.insert(model.begin() + static_cast<std::ptrdiff_t>(at), i);
    } else {
      const size_t at = r % model.size();
      a.remove_range(at, 1);
      model.erase(model.begin() + static_cast<std::ptrdiff_t>(at));
    }
    if (i % 50 == 0) {
      ASSERT_EQ(a.length(), model.size()) << "step " << i;
    }
  }
  Value::ArrayT expected;
  for (int64_t v : model) expected.push_back(Value::integer(v));
  EXPECT_EQ(a.to_value(), Value::array(expected));
  for (size_t i = 0; i < model.size(); i += 7)
    EXPECT_EQ(a.get(i).value(), Value::integer(model[i]));
  peer.apply_update(d.encode_state_as_update());
  EXPECT_EQ(peer.get_array("a").to_value(), Value::array(expected));
}

}  // namespace
}  // namespace crdtcore
