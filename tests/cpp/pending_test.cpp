// Tests for out-of-order delivery (encoding/doc_decoder.cpp, yjs-format.md §5.4):
// the verified u0..u3 scenario, pending structs and deletes, duplicates and
// overlapping copies, Skips from merge_updates, and forwarding of pending data
// through encode_state_as_update.

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
  EXPECT_EQ(d.encode_state_as_update(), (Bytes{1, 3, 1,   0, 4, 1, 1,  116, 1, 97, 129, 1,
                                               0, 1, 132, 1, 1, 1, 99, 1,   1, 1,  1,   1}));
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
  EXPECT_EQ(c.get_map("m").to_value(),
            Value::object({{"sub", Value::object({{"k", Value::integer(1)}})}}));
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

Bytes from_hex(const std::string& h) {
  Bytes out;
  for (size_t i = 0; i + 1 < h.size(); i += 2) {
    out.push_back(static_cast<uint8_t>(std::stoi(h.substr(i, 2), nullptr, 16)));
  }
  return out;
}

// Client 1 types "ab", "cd"; client 2 (synced) types "X" after "d"; client 1 types
// "e" after "X" and deletes "bc"; client 2 types "Z" at 0. A fresh doc receives the
// updates in the order u3 u4 u2 u5 u1 u0, then merge(u0, u1, u2). Every step's
// update event, state, state vector, text and pending flag come from Yjs 13.6.
TEST(PendingVectors, ShuffledDeliveryMatchesYjsStepByStep) {
  struct Step {
    const char* input;
    const char* event;  // "": no update event
    const char* state;
    const char* sv;
    const char* text;
    bool pending;
  };
  const Step steps[] = {
      {"01010104840200016500", "", "01010104840200016500", "00", "", true},
      {"000101010102", "", "0101010484020001650101010102", "00", "", true},
      {"01010200840103015800", "", "02010200840103015801010484020001650101010102", "00", "", true},
      {"01010201440100015a00", "", "020202008401030158440100015a01010484020001650101010102", "00",
       "", true},
      {"0101010284010102636400", "",
       "020202008401030158440100015a02010284010102636484020001650101010102", "00", "", true},
      {"010101000401017402616200",
       "020202008401030158440100015a04010004010174016181010002840102016484020001650101010102",
       "020202008401030158440100015a04010004010174016181010002840102016484020001650101010102",
       "0202020105", "ZadXe", false},
      {"0201020084010301580201000401017402616284010102636400", "",
       "020202008401030158440100015a04010004010174016181010002840102016484020001650101010102",
       "0202020105", "ZadXe", false},
  };
  Doc d = make_doc(9);
  Text t = d.get_text("t");
  UpdateLog log(d);
  size_t events = 0;
  for (const Step& st : steps) {
    SCOPED_TRACE(st.input);
    d.apply_update(from_hex(st.input));
    if (*st.event == '\0') {
      EXPECT_EQ(log.size(), events);
    } else {
      ASSERT_EQ(log.size(), events + 1);
      EXPECT_EQ(log.last(), from_hex(st.event));
    }
    events = log.size();
    EXPECT_EQ(d.encode_state_as_update(), from_hex(st.state));
    EXPECT_EQ(d.encode_state_vector(), from_hex(st.sv));
    EXPECT_EQ(t.to_string(), st.text);
    EXPECT_EQ(d.has_pending(), st.pending);
  }
}

// Yjs's addStackToRestSS moves a client's structs from the one taken LAST: here
// (5,0) (a conflicting copy of a known id, waiting for (3,5)) stays on the stack
// while (5,1) integrates, so Yjs buffers (5,1) — already integrated — and drops
// (5,0). The buffer is retried, harmlessly, once client 3 grows. Verified on Yjs 13.6.
TEST(PendingVectors, StackMovedToRestFromLastTakenStruct) {
  Doc d = make_doc(9);
  UpdateLog log(d);
  d.apply_update(Bytes{1, 1, 5, 0, 4, 1, 1, 116, 1, 97, 0});
  d.apply_update(
      Bytes{2, 2, 5, 0, 0x84, 3, 5, 1, 97, 0x84, 5, 0, 1, 99, 1, 3, 0, 0x84, 5, 1, 1, 98, 0});
  EXPECT_EQ(log.last(), (Bytes{2, 1, 5, 1, 132, 5, 0, 1, 99, 1, 3, 0, 132, 5, 1, 1, 98, 0}));
  EXPECT_TRUE(d.has_pending());
  EXPECT_EQ(d.encode_state_vector(), (Bytes{2, 5, 2, 3, 1}));
  EXPECT_EQ(d.encode_state_as_update(),
            (Bytes{2, 1, 5, 0, 4, 1, 1, 116, 2, 97, 99, 1, 3, 0, 132, 5, 1, 1, 98, 0}));
  d.apply_update(Bytes{1, 1, 3, 1, 0x84, 3, 0, 5, 120, 120, 120, 120, 120, 0});
  EXPECT_EQ(log.last(), (Bytes{1, 1, 3, 1, 132, 3, 0, 5, 120, 120, 120, 120, 120, 0}));
  EXPECT_FALSE(d.has_pending());
  EXPECT_EQ(d.encode_state_as_update(), (Bytes{2, 1,   5, 0, 4, 1,  1,   116, 2,   97,  99,  1, 3,
                                               0, 132, 5, 1, 6, 98, 120, 120, 120, 120, 120, 0}));
}

}  // namespace
}  // namespace crdtcore
