// transaction_test.cpp — the transaction driver (txn/transaction.h) through the public Doc:
// nesting, origins, what observers are told, and the follow-up transaction of the
// formatting clean-up after a remote update.
#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "api/access.h"
#include "core/doc_state.h"
#include "crdtcore/crdtcore.h"

#include "doc_test_util.h"

namespace crdtcore {
namespace {

using testutil::make_doc;

TEST(TransactionTest, NestedBlocksCommitOnceAtTheOutermost) {
  Doc doc = make_doc(1);
  int commits = 0;
  doc.observe([&](const TransactionResult&) { ++commits; });
  Text t = doc.get_text("t");
  doc.begin_transaction();
  doc.begin_transaction();
  EXPECT_EQ(doc.transaction_depth(), 2);
  t.insert(0, "a");
  doc.commit_transaction();
  EXPECT_EQ(commits, 0);
  EXPECT_TRUE(doc.in_transaction());
  doc.commit_transaction();
  EXPECT_EQ(commits, 1);
  EXPECT_FALSE(doc.in_transaction());
  EXPECT_EQ(doc.transaction_depth(), 0);
  EXPECT_THROW(doc.commit_transaction(), InvalidState);
}

TEST(TransactionTest, ObserversSeeTheOriginOfTheCommittedTransaction) {
  Doc doc = make_doc(1);
  const int me = 0;
  std::vector<Origin> seen;
  std::vector<Origin> during;
  doc.observe([&](const TransactionResult& r) {
    seen.push_back(r.origin);
    during.push_back(doc.transaction_origin());
    EXPECT_FALSE(doc.in_transaction());
  });
  Text t = doc.get_text("t");
  {
    Transaction txn(doc, &me);
    EXPECT_EQ(doc.transaction_origin(), &me);
    t.insert(0, "a");
  }
  t.insert(1, "b");  // an editing call's own transaction has no origin
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0], &me);
  EXPECT_EQ(during[0], &me);
  EXPECT_EQ(seen[1], nullptr);
  EXPECT_EQ(during[1], nullptr);
  EXPECT_EQ(doc.transaction_origin(), nullptr);  // nothing open, nothing committing
}

TEST(TransactionTest, JoiningWithAnotherOriginIsRefused) {
  Doc doc = make_doc(1);
  const int a = 0;
  const int b = 0;
  doc.begin_transaction(&a);
  EXPECT_NO_THROW(doc.begin_transaction(&a));  // the same origin joins
  EXPECT_NO_THROW(doc.begin_transaction());    // no origin joins
  EXPECT_THROW(doc.begin_transaction(&b), InvalidState);
  EXPECT_EQ(doc.transaction_depth(), 3);
  doc.commit_transaction();
  doc.commit_transaction();
  doc.commit_transaction();
  EXPECT_FALSE(doc.in_transaction());
  EXPECT_NO_THROW(doc.begin_transaction(&b));  // once closed, another origin may open
  doc.commit_transaction();
}

TEST(TransactionTest, AnObserverCommittingItsOwnTransactionKeepsTheOuterOrigin) {
  Doc doc = make_doc(1);
  const int outer = 0;
  const int inner = 0;
  std::vector<Origin> after_inner;
  bool reentered = false;
  doc.observe([&](const TransactionResult& r) {
    if (r.origin != &outer || reentered) return;
    reentered = true;
    {
      Transaction txn(doc, &inner);
      doc.get_text("t").insert(0, "x");
    }
    after_inner.push_back(doc.transaction_origin());
  });
  {
    Transaction txn(doc, &outer);
    doc.get_text("t").insert(0, "a");
  }
  ASSERT_EQ(after_inner.size(), 1u);
  EXPECT_EQ(after_inner[0], &outer);
  EXPECT_EQ(doc.get_text("t").to_string(), "xa");
}

TEST(TransactionTest, RemoteUpdatesAndTheirFormattingCleanUpHaveNoOrigin) {
  // Two peers bold overlapping ranges concurrently; applying the other's update makes
  // Yjs's formatting clean-up run as a follow-up transaction of its own.
  Doc a = make_doc(1);
  Doc b = make_doc(2);
  a.get_text("t").insert(0, "hello world");
  testutil::sync_pair(a, b);
  const Attributes bold{{"bold", Value::boolean(true)}};
  a.get_text("t").format(0, 5, bold);
  b.get_text("t").format(2, 6, bold);
  std::vector<Origin> origins;
  std::vector<bool> local;
  const int me = 0;
  b.observe([&](const TransactionResult& r) {
    origins.push_back(r.origin);
    local.push_back(r.local);
  });
  {
    Transaction txn(b, &me);  // a caller's transaction around apply_update keeps its origin
    b.apply_update(a.encode_state_as_update());
  }
  b.apply_update(a.encode_state_as_update());  // nothing new: no announcement
  ASSERT_GE(origins.size(), 1u);
  EXPECT_EQ(origins[0], &me);
  EXPECT_TRUE(local[0]);
  for (size_t i = 1; i < origins.size(); ++i) EXPECT_EQ(origins[i], nullptr);
  Doc c = make_doc(3);
  std::vector<Origin> remote;
  c.observe([&](const TransactionResult& r) { remote.push_back(r.origin); });
  c.apply_update(a.encode_state_as_update());
  ASSERT_EQ(remote.size(), 1u);
  EXPECT_EQ(remote[0], nullptr);
}

TEST(TransactionTest, ApplyUpdateWithAnOriginOpensARemoteTransactionWithIt) {
  Doc a = make_doc(1);
  a.get_text("t").insert(0, "hi");
  Doc b = make_doc(2);
  std::vector<Origin> origins;
  std::vector<bool> local;
  b.observe([&](const TransactionResult& r) {
    origins.push_back(r.origin);
    local.push_back(r.local);
  });
  const int server = 0;
  const int other = 0;
  b.apply_update(a.encode_state_as_update(), &server);
  ASSERT_EQ(origins.size(), 1u);
  EXPECT_EQ(origins[0], &server);
  EXPECT_FALSE(local[0]);
  // Inside an open transaction the update joins it: the same origin or none is fine,
  // another one is refused before anything changes.
  a.get_text("t").insert(2, "!");
  b.begin_transaction(&server);
  EXPECT_THROW(b.apply_update(a.encode_state_as_update(), &other), InvalidState);
  EXPECT_EQ(b.get_text("t").to_string(), "hi");
  EXPECT_EQ(b.transaction_depth(), 1);
  b.apply_update(a.encode_state_as_update(), &server);
  EXPECT_EQ(b.transaction_depth(), 1);
  b.commit_transaction();
  ASSERT_EQ(origins.size(), 2u);
  EXPECT_EQ(origins[1], &server);
  EXPECT_TRUE(local[1]);
  EXPECT_EQ(b.get_text("t").to_string(), "hi!");
}

// A transaction that nobody observes is only cleaned up (commit's quiet path); one with a
// Doc observer or a type observer takes every step. Both must leave the same structs,
// merged the same way (the encodings are compared byte for byte), the same delete sets
// and the same content, after random sessions of inserts and deletes in text, arrays and
// maps (splits, merges, GC, several transactions' worth of tombstones).
TEST(TransactionTest, QuietCommitsCleanUpLikeObservedOnes) {
  for (uint32_t seed = 1; seed <= 12; ++seed) {
    std::mt19937 rng(seed);
    Doc quiet = make_doc(5);
    Doc doc_observed = make_doc(5);
    Doc type_observed = make_doc(5);
    std::vector<Bytes> updates;  // each transaction's update: its structs and delete set
    doc_observed.observe([&](const TransactionResult& r) { updates.push_back(r.update); });
    type_observed.get_text("t").observe([](const Event&) {});
    type_observed.get_array("a").observe([](const Event&) {});
    Doc* docs[] = {&quiet, &doc_observed, &type_observed};
    for (int txn_no = 0; txn_no < 80; ++txn_no) {
      const int edits = 1 + static_cast<int>(rng() % 5);
      std::vector<uint32_t> draws;
      for (int k = 0; k < edits * 4; ++k) draws.push_back(rng());
      for (Doc* d : docs) {
        Transaction txn(*d);
        Text t = d->get_text("t");
        Array a = d->get_array("a");
        Map m = d->get_map("m");
        for (int k = 0; k < edits; ++k) {
          const uint32_t* r = &draws[static_cast<size_t>(k) * 4];
          switch (r[0] % 6) {
            case 0:
            case 1: {  // typing: mostly at the end or where the last edit was
              const uint64_t len = t.length();
              const uint64_t pos = r[1] % 3 == 0 ? r[2] % (len + 1) : len;
              t.insert(pos, std::string(1 + r[3] % 3, static_cast<char>('a' + r[3] % 26)));
              break;
            }
            case 2: {
              const uint64_t len = t.length();
              if (len == 0) break;
              const uint64_t pos = r[1] % len;
              t.remove_range(pos, 1 + r[2] % std::min<uint64_t>(4, len - pos));
              break;
            }
            case 3: {
              const uint64_t len = a.length();
              a.insert(r[1] % (len + 1), {Value::integer(static_cast<int64_t>(r[2] % 100))});
              break;
            }
            case 4: {
              const uint64_t len = a.length();
              if (len == 0) break;
              const uint64_t pos = r[1] % len;
              a.remove_range(pos, 1 + r[2] % std::min<uint64_t>(3, len - pos));
              break;
            }
            default:
              m.set(std::string(1, static_cast<char>('k' + r[1] % 3)),
                    Value::integer(static_cast<int64_t>(r[2] % 10)));
          }
        }
      }
      const Bytes expected = quiet.encode_state_as_update();
      ASSERT_EQ(doc_observed.encode_state_as_update(), expected)
          << "seed " << seed << ", transaction " << txn_no;
      ASSERT_EQ(type_observed.encode_state_as_update(), expected)
          << "seed " << seed << ", transaction " << txn_no;
    }
    EXPECT_GT(updates.size(), 60u) << "seed " << seed;  // (a transaction may change nothing)
    // The announced updates carry every struct and deletion: a peer that applies them one
    // by one ends up with the same document.
    Doc peer = make_doc(9);
    for (const Bytes& u : updates) peer.apply_update(u);
    EXPECT_EQ(peer.encode_state_as_update(), quiet.encode_state_as_update()) << "seed " << seed;
    EXPECT_EQ(quiet.get_text("t").to_string(), doc_observed.get_text("t").to_string());
  }
}

// The committed state is kept for the next transaction only when it is small: loading a
// whole document must not leave its bookkeeping's capacity allocated with the document.
TEST(TransactionTest, OnlyASmallTransactionsStateIsKeptForTheNext) {
  Doc src = make_doc(1);
  Text t = src.get_text("t");
  for (int i = 0; i < 3000; ++i) {
    Transaction txn(src);
    t.insert(0, "ab");
    t.remove_range(1, 1);  // a tombstone per edit: many structs
  }
  const Bytes whole = src.encode_state_as_update();
  Doc small = make_doc(2);
  small.get_text("t").insert(0, "x");
  EXPECT_NE(detail::Access::doc_ptr(small)->spare_txn, nullptr);
  Doc big = make_doc(3);
  big.apply_update(whole);
  EXPECT_EQ(big.get_text("t").to_string(), t.to_string());
  EXPECT_EQ(detail::Access::doc_ptr(big)->spare_txn, nullptr);
  big.get_text("t").insert(0, "y");  // the next transaction starts afresh, and is kept
  EXPECT_NE(detail::Access::doc_ptr(big)->spare_txn, nullptr);
}

}  // namespace
}  // namespace crdtcore
