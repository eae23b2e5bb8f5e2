// Tests for out-of-order delivery (encoding/doc_decoder.cpp, yjs-format.md §5.4):
// the verified u0..u3 scenario, pending structs and deletes, duplicates and
// overlapping copies, Skips from merge_updates, and forwarding of pending data
// through encode_state_as_update.

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "crdtcore/crdtcore.h"
#include "doc_test_util.h"

namespace crdtcore {
namespace {

using testutil::make_doc;
using testutil::UpdateLog;

// Client 1 types "a", "b", "c" into root "t" (one transaction each), then deletes "b".
const Bytes kU0 = {1, 1, 1, 0, 4, 1, 1, 116, 1, 97, 0};
const Bytes kU1 = {1, 1, 1, 1, 132, 1, 0, 1, 98, 0};
const Bytes kU2 = {1, 1, 1, 2, 132, 1, 1, 1, 99, 0};
const Bytes kU3 = {0, 1, 1, 1, 1, 1};

TEST(PendingVectors, SourceUpdatesMatchYjs) {
  Doc d = make_doc(1);
  UpdateLog log(d);
  Text t = d.get_text("t");
  t.insert(0, "a");
  t.insert(1, "b");
  t.insert(2, "c");
  t.remove_range(1, 1);
  EXPECT_EQ(log.all(), (std::vector<Bytes>{kU0, kU1, kU2, kU3}));
}

TEST(PendingVectors, VerifiedScenario) {
  Doc d = make_doc(9);
  Text t = d.get_text("t");
  d.apply_update(kU2);
  EXPECT_EQ(t.to_string(), "");
  EXPECT_TRUE(d.has_pending());
  EXPECT_EQ(d.encode_state_vector(), (Bytes{0}));
  EXPECT_EQ(d.encode_state_as_update(), kU2);  // pending structs are forwarded

  d.apply_update(kU3);
  EXPECT_TRUE(d.has_pending());
  EXPECT_EQ(d.encode_state_as_update(), (Bytes{1, 1, 1, 2, 132, 1, 1, 1, 99, 1, 1, 1, 1, 1}));

  d.apply_update(kU0);
  EXPECT_EQ(t.to_string(), "a");
  EXPECT_TRUE(d.has_pending());
  EXPECT_EQ(d.encode_state_vector(), (Bytes{1, 1, 1}));

  d.apply_update(kU1);
  EXPECT_EQ(t.to_string(), "ac");
  EXPECT_FALSE(d.has_pending());
  EXPECT_EQ(d.encode_state_vector(), (Bytes{1, 1, 3}));
  EXPECT_EQ(d.encode_state_as_update(),
            (Bytes{1, 3, 1, 0, 4, 1, 1, 116, 1, 97, 129, 1, 0, 1, 132, 1, 1, 1, 99, 1, 1, 1, 1, 1}));
}

TEST(Pending, EveryOrderOfTheScenarioConverges) {
  std::vector<Bytes> us = {kU0, kU1, kU2, kU3};
  std::vector<size_t> order = {0, 1, 2, 3};
  Bytes expected;
  do {
    Doc d = make_doc(9);
    for (size_t i : order) d.apply_update(us[i]);
    EXPECT_EQ(d.get_text("t").to_string(), "ac");
    EXPECT_FALSE(d.has_pending());
    if (expected.empty()) expected = d.encode_state_as_update();
    EXPECT_EQ(d.encode_state_as_update(), expected);
  } while (std::next_permutation(order.begin(), order.end()));
}

TEST(Pending, ReversedWithDuplicates) {
  Doc a = make_doc(1);
  Doc b = make_doc(2);
  UpdateLog la(a);
  UpdateLog lb(b);
  for (int i = 0; i < 6; ++i) {
    a.get_text("t").insert(0, std::string(1, static_cast<char>('a' + i)));
    b.apply_update(la.last());
    b.get_text("t").insert(b.get_text("t").length(), std::string(1, static_cast<char>('A' + i)));
    a.apply_update(lb.last());
  }
  std::vector<Bytes> local;
  for (size_t i = 0; i < la.size(); ++i) local.push_back(la.all()[i]);
  for (size_t i = 0; i < lb.size(); ++i) local.push_back(lb.all()[i]);
  Doc c = make_doc(3);
  for (auto it = local.rbegin(); it != local.rend(); ++it) {
    c.apply_update(*it);
    c.apply_update(*it);
  }
  EXPECT_FALSE(c.has_pending());
  EXPECT_EQ(c.get_text("t").to_string(), a.get_text("t").to_string());
  EXPECT_EQ(c.encode_state_as_update(), a.encode_state_as_update());
  EXPECT_EQ(b.encode_state_as_update(), a.encode_state_as_update());
}

TEST(Pending, WaitsForOriginOfAnotherClient) {
  Doc a = make_doc(1);
  Doc b = make_doc(2);
  a.get_text("t").insert(0, "ab");
  testutil::sync_pair(a, b);
  UpdateLog lb(b);
  b.get_text("t").insert(2, "X");  // origin (1,1)
  Doc c = make_doc(3);
  c.apply_update(lb.last());
  EXPECT_TRUE(c.has_pending());
  EXPECT_EQ(c.encode_state_vector(), (Bytes{0}));
  c.apply_update(a.encode_state_as_update());
  EXPECT_FALSE(c.has_pending());
  EXPECT_EQ(c.get_text("t").to_string(), "abX");
}

TEST(Pending, WaitsForParentOfAnotherClient) {
  Doc a = make_doc(1);
  Doc b = make_doc(2);
  a.get_map("m").set_type("sub", TypeKind::Map);
  testutil::sync_pair(a, b);
  UpdateLog lb(b);
  b.get_map("m").get("sub")->shared().as_map().set("k", Value::integer(1));  // parent id (1,0)
  Doc c = make_doc(3);
  c.apply_update(lb.last());
  EXPECT_TRUE(c.has_pending());
  EXPECT_FALSE(c.get_map("m").contains("sub"));
  c.apply_update(a.encode_state_as_update());
  EXPECT_FALSE(c.has_pending());
  EXPECT_EQ(c.get_map("m").to_value(), Value::object({{"sub", Value::object({{"k", Value::integer(1)}})}}));
}

TEST(Pending, DeleteOfUnknownRangeWaits) {
  Doc a = make_doc(1);
  UpdateLog la(a);
  a.get_array("x").insert(0, {Value::integer(1), Value::integer(2), Value::integer(3)});
  a.get_array("x").remove_range(0, 2);
  Doc c = make_doc(3);
  c.apply_update(la.last());  // delete set only
  EXPECT_TRUE(c.has_pending());
  EXPECT_EQ(c.encode_state_as_update(), la.last());
  c.apply_update(la.all()[0]);
  EXPECT_FALSE(c.has_pending());
  EXPECT_EQ(c.get_array("x").to_value(), Value::array({Value::integer(3)}));
  EXPECT_EQ(c.encode_state_as_update(), a.encode_state_as_update());
}

TEST(Pending, PartlyKnownDeleteRangeAppliesKnownPart) {
  Doc a = make_doc(1);
  UpdateLog la(a);
  a.get_text("t").insert(0, "ab");
  a.get_text("t").insert(2, "cd");
  a.get_text("t").remove_range(1, 2);  // deletes (1,1) and (1,2)
  Doc c = make_doc(3);
  c.apply_update(la.all()[0]);
  c.apply_update(la.all()[2]);
  EXPECT_EQ(c.get_text("t").to_string(), "a");
  EXPECT_TRUE(c.has_pending());  // (1,2) is not known yet
  c.apply_update(la.all()[1]);
  EXPECT_FALSE(c.has_pending());
  EXPECT_EQ(c.get_text("t").to_string(), "ad");
}

TEST(Pending, OverlappingCopiesAreTrimmed) {
  Doc a = make_doc(1);
  UpdateLog la(a);
  a.get_text("t").insert(0, "hello");
  a.get_text("t").insert(5, "world");  // merges into one item (1,0..9)
  StateVector sv;
  sv.set(1, 3);
  const Bytes svb = sv.encode();
  const Bytes tail = a.encode_state_as_update(&svb);  // from clock 3, written with offset
  Doc c = make_doc(3);
  c.apply_update(tail);
  EXPECT_TRUE(c.has_pending());
  c.apply_update(la.all()[0]);  // clocks 0..4 overlap the pending 3..9
  EXPECT_FALSE(c.has_pending());
  EXPECT_EQ(c.get_text("t").to_string(), "helloworld");
  c.apply_update(tail);
  c.apply_update(a.encode_state_as_update());
  EXPECT_EQ(c.get_text("t").to_string(), "helloworld");
  EXPECT_EQ(c.encode_state_as_update(), a.encode_state_as_update());
}

TEST(Pending, MergedUpdateWithSkip) {
  const Bytes merged = merge_updates({kU0, kU2});
  Doc c = make_doc(3);
  c.apply_update(merged);
  EXPECT_EQ(c.get_text("t").to_string(), "a");
  EXPECT_TRUE(c.has_pending());
  EXPECT_EQ(c.encode_state_vector(), (Bytes{1, 1, 1}));
  c.apply_update(kU1);
  EXPECT_EQ(c.get_text("t").to_string(), "abc");
  EXPECT_FALSE(c.has_pending());
}

TEST(Pending, ForwardedThroughStateUpdate) {
  Doc a = make_doc(1);
  UpdateLog la(a);
  for (const char* s : {"x", "y", "z"}) a.get_text("t").insert(a.get_text("t").length(), s);
  Doc relay = make_doc(2);
  relay.apply_update(la.all()[2]);
  relay.apply_update(la.all()[1]);
  EXPECT_TRUE(relay.has_pending());
  Doc c = make_doc(3);
  c.apply_update(relay.encode_state_as_update());
  EXPECT_TRUE(c.has_pending());
  c.apply_update(la.all()[0]);
  EXPECT_FALSE(c.has_pending());
  EXPECT_EQ(c.get_text("t").to_string(), "xyz");
  // A state-vector diff forwards only what the receiver lacks, pending included.
  const Bytes sv = c.encode_state_vector();
  Doc d = make_doc(4);
  d.apply_update(la.all()[0]);
  d.apply_update(relay.encode_state_as_update(&sv));
  EXPECT_EQ(d.get_text("t").to_string(), "x");  // relay diffed against c's state: nothing new
  const Bytes dsv = d.encode_state_vector();
  d.apply_update(relay.encode_state_as_update(&dsv));
  EXPECT_EQ(d.get_text("t").to_string(), "xyz");
  EXPECT_FALSE(d.has_pending());
}

TEST(Pending, PendingUpdateEmitsWhatWasIntegrated) {
  Doc c = make_doc(3);
  UpdateLog lc(c);
  c.apply_update(kU2);
  EXPECT_EQ(lc.size(), 0u);  // nothing integrated, nothing deleted
  c.apply_update(kU0);
  ASSERT_EQ(lc.size(), 1u);
  EXPECT_EQ(lc.last(), kU0);
  c.apply_update(kU1);
  ASSERT_EQ(lc.size(), 2u);
  // b and c integrate in this transaction and merge with "a": written with offset 1.
  EXPECT_EQ(lc.last(), (Bytes{1, 1, 1, 1, 132, 1, 0, 2, 98, 99, 0}));
}

}  // namespace
}  // namespace crdtcore
