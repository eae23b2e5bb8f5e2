// Tests for YATA integration (core/integrate.cpp, yjs-format.md §6): concurrent
// inserts at one position (lower client id goes left), runs that must not
// interleave, inserts relative to split or garbage-collected items, and
// independence from delivery order (every permutation of small update sets).

#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "crdtcore/crdtcore.h"

#include "doc_test_util.h"

namespace crdtcore {
namespace {

using testutil::make_doc;
using testutil::UpdateLog;

// Applies `updates` to a fresh document in the order given by `order`.
Doc apply_in_order(const std::vector<Bytes>& updates, const std::vector<size_t>& order) {
  Doc d = make_doc(1000);
  for (size_t i : order) d.apply_update(updates[i]);
  return d;
}

// Every permutation of `updates` gives the same text and the same state.
void expect_order_independent(const std::vector<Bytes>& updates, const std::string& text) {
  std::vector<size_t> order(updates.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  const Bytes expected = apply_in_order(updates, order).encode_state_as_update();
  do {
    Doc d = apply_in_order(updates, order);
    std::string o;
    for (size_t i : order) o += std::to_string(i) + " ";
    EXPECT_EQ(d.get_text("t").to_string(), text) << "order " << o;
    EXPECT_EQ(d.encode_state_as_update(), expected) << "order " << o;
    EXPECT_FALSE(d.has_pending()) << "order " << o;
  } while (std::next_permutation(order.begin(), order.end()));
}

TEST(Integrate, SamePositionLowerClientLeft) {
  std::vector<Bytes> updates;
  for (ClientId c : {5, 3, 9}) {
    Doc d = make_doc(c);
    d.get_text("t").insert(0, std::to_string(c));
    updates.push_back(d.encode_state_as_update());
  }
  expect_order_independent(updates, "359");
}

TEST(Integrate, SameGapBetweenExistingItems) {
  Doc base = make_doc(1);
  base.get_text("t").insert(0, "ab");
  std::vector<Bytes> updates{base.encode_state_as_update()};
  for (ClientId c : {4, 2, 3}) {
    Doc d = make_doc(c);
    d.apply_update(updates[0]);
    d.get_text("t").insert(1, std::to_string(c));
    const Bytes sv = base.encode_state_vector();
    updates.push_back(d.encode_state_as_update(&sv));
  }
  expect_order_independent(updates, "a234b");
}

TEST(Integrate, ConcurrentRunsDoNotInterleave) {
  Doc a = make_doc(1);
  Doc b = make_doc(2);
  UpdateLog la(a);
  UpdateLog lb(b);
  for (const char* ch : {"a", "b", "c"}) a.get_text("t").insert(a.get_text("t").length(), ch);
  for (const char* ch : {"x", "y", "z"}) b.get_text("t").insert(b.get_text("t").length(), ch);
  std::vector<Bytes> updates = la.all();
  updates.insert(updates.end(), lb.all().begin(), lb.all().end());
  ASSERT_EQ(updates.size(), 6u);
  expect_order_independent(updates, "abcxyz");
}

TEST(Integrate, ConcurrentPrependsDoNotInterleave) {
  Doc a = make_doc(7);
  Doc b = make_doc(2);
  a.get_text("t").insert(0, "!");
  testutil::sync_pair(a, b);
  for (const char* ch : {"c", "b", "a"}) a.get_text("t").insert(0, ch);
  for (const char* ch : {"z", "y", "x"}) b.get_text("t").insert(0, ch);
  testutil::sync_pair(a, b);
  EXPECT_EQ(a.get_text("t").to_string(), "xyzabc!");
  EXPECT_EQ(b.get_text("t").to_string(), "xyzabc!");
  EXPECT_EQ(a.encode_state_as_update(), b.encode_state_as_update());
}

TEST(Integrate, InsertAfterOwnItemBeforeConcurrentOne) {
  // c1: "a" at 0, then "c" after "a"; c2 concurrently "b" at 0.
  Doc a = make_doc(1);
  Doc b = make_doc(2);
  a.get_text("t").insert(0, "a");
  b.get_text("t").insert(0, "b");
  a.get_text("t").insert(1, "c");
  testutil::sync_pair(a, b);
  EXPECT_EQ(a.get_text("t").to_string(), "acb");
  EXPECT_EQ(b.get_text("t").to_string(), "acb");
}

TEST(Integrate, NestedConcurrentInsertsKeepSubtrees) {
  // c2 and c3 insert between "a" and "b"; c3 then extends its own insertion while
  // c1 concurrently inserts after c2's character.
  Doc d1 = make_doc(1);
  Doc d2 = make_doc(2);
  Doc d3 = make_doc(3);
  d1.get_text("t").insert(0, "ab");
  testutil::sync_pair(d1, d2);
  testutil::sync_pair(d1, d3);
  d2.get_text("t").insert(1, "X");
  d3.get_text("t").insert(1, "Y");
  testutil::sync_pair(d1, d2);
  d3.get_text("t").insert(2, "y");  // after its own Y
  d1.get_text("t").insert(2, "x");  // after X (c1 knows X only)
  for (int round = 0; round < 2; ++round) {
    testutil::sync_pair(d1, d2);
    testutil::sync_pair(d2, d3);
    testutil::sync_pair(d1, d3);
  }
  EXPECT_EQ(d1.get_text("t").to_string(), "aXxYyb");
  EXPECT_EQ(d2.get_text("t").to_string(), d1.get_text("t").to_string());
  EXPECT_EQ(d3.get_text("t").to_string(), d1.get_text("t").to_string());
  EXPECT_EQ(d1.encode_state_as_update(), d3.encode_state_as_update());
}

TEST(Integrate, ConflictingSubtreeIsNotSkipped) {
  // Between A and B: C (c4, A..B), o (c3, A..C), p (c5, after o, ..C). x (c2, A..B)
  // must stay left of o's subtree: its scan passes o (same origin, other right
  // origin), must not jump after p (p's origin o is "conflicting"), and stops at C.
  Doc d1 = make_doc(1);
  d1.get_text("t").insert(0, "AB");
  const Bytes base = d1.encode_state_as_update();
  std::vector<Bytes> updates{base};
  auto edit = [&](ClientId c, const std::vector<size_t>& known, uint64_t at, const char* s) {
    Doc d = make_doc(c);
    for (size_t i : known) d.apply_update(updates[i]);
    const Bytes sv = d.encode_state_vector();
    d.get_text("t").insert(at, s);
    updates.push_back(d.encode_state_as_update(&sv));
  };
  edit(4, {0}, 1, "C");        // updates[1]
  edit(3, {0, 1}, 1, "o");     // updates[2]
  edit(5, {0, 1, 2}, 2, "p");  // updates[3]
  edit(2, {0}, 1, "x");        // updates[4]
  expect_order_independent(updates, "AxopCB");
}

TEST(Integrate, RemoteOriginSplitsLocalItem) {
  Doc a = make_doc(1);
  Doc b = make_doc(2);
  a.get_text("t").insert(0, "hello");
  testutil::sync_pair(a, b);
  b.get_text("t").insert(2, "X");
  a.get_text("t").remove_range(1, 3);  // "ho", concurrently
  testutil::sync_pair(a, b);
  EXPECT_EQ(a.get_text("t").to_string(), "hXo");
  EXPECT_EQ(b.get_text("t").to_string(), "hXo");
  EXPECT_EQ(a.encode_state_as_update(), b.encode_state_as_update());
}

TEST(Integrate, SplitPartsMergeBackAfterTransaction) {
  Doc a = make_doc(1);
  a.get_text("t").insert(0, "hello");
  const Bytes before = a.encode_state_as_update();
  a.get_text("t").slice(1, 3);       // reading never splits
  a.get_text("t").format(1, 2, {});  // no-op format: splits, then merges back
  EXPECT_EQ(a.encode_state_as_update(), before);
}

TEST(Integrate, OriginInGcdRegionBecomesGc) {
  Doc a = make_doc(1);
  Doc b = make_doc(2);
  Array inner = a.get_array("a").insert_type(0, TypeKind::Array).as_array();
  inner.insert(0, {Value::integer(1), Value::integer(2)});
  testutil::sync_pair(a, b);
  b.get_array("a").get(0).shared().as_array().insert(1, {Value::integer(9)});  // origin (1,1)
  a.get_array("a").remove_range(0, 1);  // gc: the children become GC structs
  UpdateLog la(a);
  testutil::sync_pair(a, b);
  ASSERT_GE(la.size(), 1u);
  EXPECT_EQ(la.all()[0], (Bytes{1, 1, 2, 0, 0, 1, 0}));  // c2's item arrives as GC
  EXPECT_EQ(a.get_array("a").length(), 0u);
  EXPECT_EQ(b.get_array("a").length(), 0u);
  EXPECT_EQ(a.encode_state_vector(), b.encode_state_vector());
}

TEST(Integrate, RootNamesAndKeysAreArbitrary) {
  Doc a = make_doc(1);
  a.get_map("").set("", Value::integer(1));
  a.get_text("\xE2\x9C\x93").insert(0, "ok");
  Doc b = make_doc(2);
  b.apply_update(a.encode_state_as_update());
  EXPECT_EQ(b.get_map("").get("")->value(), Value::integer(1));
  EXPECT_EQ(b.get_text("\xE2\x9C\x93").to_string(), "ok");
}

TEST(Integrate, LargeClientIdsCompareUnsigned) {
  std::vector<Bytes> updates;
  for (ClientId c : {kMaxSafeInteger, ClientId{0xFFFFFFFF}, ClientId{0x100000000}}) {
    Doc d = make_doc(c);
    d.get_text("t").insert(0, c == kMaxSafeInteger ? "c" : c == 0xFFFFFFFF ? "a" : "b");
    updates.push_back(d.encode_state_as_update());
  }
  expect_order_independent(updates, "abc");
}

}  // namespace
}  // namespace crdtcore
