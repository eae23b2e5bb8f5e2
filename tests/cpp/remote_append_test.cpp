// Tests for appending another peer's typed text to its newest item while applying its update
// (core/local_append.h, try_remote_append): the appends happen (no item made and merged per
// keystroke), and the structs, encodings and announced updates are the ordinary path's, which
// a type observer forces (while some type is observed nothing is appended). Random peers type
// mostly at the end of their own text, delete across seams, and their updates arrive one by
// one, merged, out of order, twice, and inside the receiver's own transactions.

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "api/access.h"
#include "core/doc_state.h"
#include "crdtcore/crdtcore.h"

#include "doc_test_util.h"
#include "store_test_util.h"

namespace crdtcore {
namespace {

using testutil::make_doc;
using testutil::struct_count;

// Updates of a peer typing "abc" one character per transaction, after "x".
std::vector<Bytes> typing_updates() {
  Doc peer = make_doc(3);
  testutil::UpdateLog log(peer, /*local_only=*/true);
  Text t = peer.get_text("t");
  t.insert(0, "x");
  for (const char* c : {"a", "b", "c"}) t.insert(t.length(), c);
  return log.all();
}

TEST(RemoteAppend, RemoteTypingIsAppendedToTheNewestItem) {
  const std::vector<Bytes> updates = typing_updates();
  Doc d = make_doc(1);
  d.apply_update(updates[0]);
  {
    // Inside an open transaction the ordinary path would hold one item per insertion.
    Transaction txn(d);
    for (size_t k = 1; k < updates.size(); ++k) d.apply_update(updates[k]);
    EXPECT_EQ(struct_count(d, 3), 1u);
  }
  EXPECT_EQ(struct_count(d, 3), 1u);
  EXPECT_EQ(d.get_text("t").to_string(), "xabc");
}

TEST(RemoteAppend, ObservedTypesGetTheOrdinaryPath) {
  const std::vector<Bytes> updates = typing_updates();
  Doc d = make_doc(1);
  int calls = 0;
  d.get_text("t").observe([&](const Event&) { ++calls; });
  d.apply_update(updates[0]);
  {
    Transaction txn(d);
    for (size_t k = 1; k < updates.size(); ++k) d.apply_update(updates[k]);
    EXPECT_EQ(struct_count(d, 3), 4u);  // items, merged at commit
  }
  EXPECT_EQ(struct_count(d, 3), 1u);
  EXPECT_EQ(calls, 2);
}

// Yjs merges an item into its left neighbour only with the same right origin: text typed
// after the peer's newest item but before another peer's text that arrived there meanwhile
// stays an item of its own.
TEST(RemoteAppend, TypingBeforeArrivedTextKeepsItsOwnItem) {
  Doc a = make_doc(3);
  Doc b = make_doc(4);
  testutil::UpdateLog log_a(a, /*local_only=*/true);
  testutil::UpdateLog log_b(b, /*local_only=*/true);
  a.get_text("t").insert(0, "ab");
  testutil::send(a, b);
  b.get_text("t").insert(2, "Y");  // right after a's newest item
  b.get_text("t").insert(0, "Q");  // and elsewhere: b's item gets a right origin
  testutil::send(b, a);
  a.get_text("t").insert(3, "c");  // "Qab|Y": after "ab", before "Y"
  a.get_text("t").insert(4, "d");  // appended to "c" (same right origin "Y")
  Doc fast = make_doc(1);
  Doc plain = make_doc(1);
  plain.get_text("t").observe([](const Event&) {});
  for (Doc* d : {&fast, &plain}) {
    d->apply_update(log_a.all()[0]);
    for (const Bytes& u : log_b.all()) d->apply_update(u);
    for (size_t k = 1; k < log_a.all().size(); ++k) d->apply_update(log_a.all()[k]);
  }
  EXPECT_EQ(fast.get_text("t").to_string(), "QabcdY");
  EXPECT_EQ(struct_count(fast, 3), 2u);  // "ab", "cd"
  EXPECT_EQ(fast.encode_state_as_update(), plain.encode_state_as_update());
}

// A peer's random edit: mostly typing at its cursor (after its own last insertion, where
// appends happen, also when another peer's text has arrived right after it), now and then a
// long run (past the bound on a transaction's appended run), an insertion elsewhere or a
// deletion.
void random_edit(std::mt19937& rng, Text t, uint64_t& cursor) {
  static const std::vector<std::string> pieces = {"a", "bc", "\xF0\x9F\x98\x80", "d\xC3\xA9", "x"};
  const uint64_t length = t.length();
  cursor = std::min(cursor, length);
  try {
    if (length > 0 && rng() % 5 == 0) {
      const uint64_t pos = rng() % length;
      t.remove_range(pos, 1 + rng() % std::min<uint64_t>(4, length - pos));
      if (pos < cursor) cursor = pos;
      return;
    }
    const uint64_t pos = rng() % 5 == 0 ? rng() % (length + 1) : cursor;
    const std::string text = rng() % 16 == 0 ? std::string(70, 'r') : pieces[rng() % pieces.size()];
    t.insert(pos, text);
    cursor = pos + (t.length() - length);
  } catch (const OutOfRange&) {  // a UTF-8 index inside a character: type at the end
    t.insert(t.length(), "z");
    cursor = t.length();
  }
}

// Receivers `fast` and `plain` (a type observer: no appends) share a client id and get the
// same updates of three random peers in the same way; their encodings, texts and announced
// updates must be equal after every delivery.
void expect_same_as_ordinary_path(OffsetKind kind, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<Doc> peers;
  peers.reserve(3);
  std::vector<uint64_t> cursors(3, 0);
  std::vector<Bytes> sent;
  for (ClientId c = 10; c < 13; ++c) {
    peers.push_back(make_doc(c, true, kind));
    peers.back().observe([&sent](const TransactionResult& r) {
      if (r.local) sent.push_back(r.update);
    });
  }
  Doc fast = make_doc(5, true, kind);
  Doc plain = make_doc(5, true, kind);
  plain.get_text("t").observe([](const Event&) {});
  std::vector<Bytes> announced_fast;
  std::vector<Bytes> announced_plain;
  fast.observe([&](const TransactionResult& r) { announced_fast.push_back(r.update); });
  plain.observe([&](const TransactionResult& r) { announced_plain.push_back(r.update); });

  size_t delivered = 0;  // updates of `sent` before this one reached the receivers
  for (int round = 0; round < 80; ++round) {
    const size_t p = rng() % peers.size();
    Doc& peer = peers[p];
    {
      Transaction txn(peer);
      const int edits = 1 + static_cast<int>(rng() % 4);
      for (int k = 0; k < edits; ++k) random_edit(rng, peer.get_text("t"), cursors[p]);
    }
    if (rng() % 2 == 0) {  // a peer catches up with another one
      Doc& other = peers[rng() % peers.size()];
      if (&other != &peer) testutil::send(other, peer);
    }
    if (rng() % 2 == 0 || round == 79) {
      std::vector<Bytes> batch(sent.begin() + static_cast<std::ptrdiff_t>(delivered), sent.end());
      delivered = sent.size();
      const uint32_t how = rng() % 4;
      if (how == 1 && batch.size() > 1) {
        batch = {merge_updates(batch)};
      } else if (how == 2) {
        std::reverse(batch.begin(), batch.end());  // pending structs
      }
      if (how == 3) {
        // Inside the receivers' own transaction, after a local edit, twice.
        Transaction a(fast);
        Transaction b(plain);
        fast.get_text("t").insert(0, "L");
        plain.get_text("t").insert(0, "L");
        for (const Bytes& u : batch) fast.apply_update(u);
        for (const Bytes& u : batch) plain.apply_update(u);
        ASSERT_EQ(fast.encode_state_as_update(), plain.encode_state_as_update())
            << "inside a transaction, round " << round << ", seed " << seed;
        for (const Bytes& u : batch) fast.apply_update(u);
        for (const Bytes& u : batch) plain.apply_update(u);
      } else {
        for (const Bytes& u : batch) {
          fast.apply_update(u);
          plain.apply_update(u);
        }
      }
      ASSERT_EQ(fast.encode_state_as_update(), plain.encode_state_as_update())
          << "round " << round << ", seed " << seed;
      ASSERT_EQ(fast.get_text("t").to_string(), plain.get_text("t").to_string());
      ASSERT_EQ(announced_fast, announced_plain) << "round " << round << ", seed " << seed;
    }
  }
  EXPECT_FALSE(fast.has_pending());
  for (Doc& peer : peers) testutil::send(fast, peer);
  for (Doc& peer : peers) {
    testutil::send(peer, fast);
    EXPECT_EQ(peer.get_text("t").to_string(), fast.get_text("t").to_string());
  }
}

TEST(RemoteAppend, SameStructsAsTheOrdinaryPathUtf16) {
  for (uint32_t seed = 1; seed <= 25; ++seed) expect_same_as_ordinary_path(OffsetKind::Utf16, seed);
}

TEST(RemoteAppend, SameStructsAsTheOrdinaryPathCodePoints) {
  for (uint32_t seed = 1; seed <= 15; ++seed) {
    expect_same_as_ordinary_path(OffsetKind::CodePoint, seed);
  }
}

TEST(RemoteAppend, SameStructsAsTheOrdinaryPathUtf8) {
  for (uint32_t seed = 1; seed <= 15; ++seed) expect_same_as_ordinary_path(OffsetKind::Utf8, seed);
}

}  // namespace
}  // namespace crdtcore
