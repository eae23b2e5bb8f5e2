// The direct writer of a transaction's update (encoding/txn_update_direct.cpp) against the
// general encoder: random sessions of several documents (typing of ASCII, non-ASCII and
// long strings, deletions across clients, nested types, map values, formatting, GC on and
// off, updates applied out of order and merged) with TxnUpdateCheck on, which writes every
// direct update with the general encoder too and counts the differences.

#include <algorithm>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "crdtcore/crdtcore.h"
#include "encoding/doc_codec.h"

#include "doc_test_util.h"
#include "random_test_util.h"

namespace crdtcore {
namespace {

const std::vector<std::string> kTexts = {
    "a",
    "bc",
    "\xC3\xA9",
    "\xF0\x9F\x98\x80",
    "xyz\n",
    std::string(42, 'k'),                                // the longest short ASCII string
    std::string(43, 'l'),                                // the shortest long one
    std::string(200, 'm') + "\xE4\xB8\xAD",              // long, prefix shorter than its room
    "\xE4\xB8\xAD\xE6\x96\x87\xE4\xB8\xAD\xE6\x96\x87",  // CJK
    std::string(1500, 'n'),  // an update bound past the stack buffer (written in its own)
};

// Random edits drawn from a seeded generator (below, chance, engine: random_test_util.h).
class Session : public testutil::Rng {
 public:
  using Rng::Rng;

  // One random edit of `d`.
  void edit(Doc& d) {
    Text t = d.get_text("text");
    Map m = d.get_map("map");
    const uint64_t op = below(100);
    const uint64_t len = t.length();
    if (op < 40 || len == 0) {
      t.insert(safe_index(t, below(len + 1)), kTexts[below(kTexts.size())]);
    } else if (op < 60) {
      const uint64_t at = safe_index(t, below(len));
      const uint64_t n = std::min<uint64_t>(len - at, 1 + below(8));
      const uint64_t end = safe_index(t, at + n);
      if (end > at) t.remove_range(at, end - at);
    } else if (op < 70) {
      if (chance(25)) {
        m.remove("nested");  // with GC on, the nested text's items become GC runs
      } else {
        m.set("k" + std::to_string(below(3)), Value::string(kTexts[below(kTexts.size())]));
      }
    } else if (op < 80) {
      const std::optional<Out> got = m.get("nested");
      const Shared s =
          got && got->is_shared() ? got->shared() : m.set_type("nested", TypeKind::Text);
      if (s.kind() == TypeKind::Text) {
        Text nt = s.as_text();
        nt.insert(safe_index(nt, below(nt.length() + 1)), kTexts[below(kTexts.size())]);
      }
    } else if (op < 85) {
      const uint64_t at = safe_index(t, below(len));
      const uint64_t end = safe_index(t, std::min<uint64_t>(len, at + 1 + below(4)));
      if (end > at) t.format(at, end - at, {{"bold", Value::boolean(chance(50))}});
    } else {
      // Several edits in one transaction: insertions and deletions of several clients.
      Transaction txn(d);
      for (int i = 0; i < 3; ++i) {
        const uint64_t l = t.length();
        if (l > 0 && chance(50)) {
          const uint64_t at = safe_index(t, below(l));
          const uint64_t end = safe_index(t, std::min<uint64_t>(l, at + 1 + below(5)));
          if (end > at) t.remove_range(at, end - at);
        } else {
          t.insert(safe_index(t, below(l + 1)), kTexts[below(kTexts.size())]);
        }
      }
    }
  }

 private:
  // `index` moved off the middle of a surrogate pair (so that no edit splits one).
  static uint64_t safe_index(const Text& t, uint64_t index) {
    if (index == 0 || index >= t.length()) return index;
    const std::string before = t.slice(index - 1, index + 1);
    // A lone high surrogate in the slice comes back as U+FFFD (EF BF BD).
    return before.find("\xEF\xBF\xBD") != std::string::npos ? index + 1 : index;
  }
};

class TxnUpdateDirect : public ::testing::TestWithParam<int> {};

TEST_P(TxnUpdateDirect, RandomSessionsMatchTheGeneralEncoder) {
  const auto seed = static_cast<uint64_t>(GetParam());
  SCOPED_TRACE("seed=" + std::to_string(seed));
  Session s(seed * 0x9E3779B97F4A7C15ull + 99);
  const detail::TxnUpdateCheck check;

  const size_t n = 3 + s.below(4);  // up to 6 clients: some remote updates hold > 4
  std::vector<Doc> docs;
  std::vector<std::vector<Bytes>> outbox(n);  // each document's local updates
  for (size_t i = 0; i < n; ++i) {
    ClientId id = 1 + i + 1000 * s.below(3);
    if (s.chance(25)) id = kMaxSafeInteger - i;
    docs.push_back(testutil::make_doc(id, /*gc=*/i != 0));
    docs.back().observe([&outbox, i](const TransactionResult& r) {
      if (r.local) outbox[i].push_back(r.update);
    });
  }
  for (int step = 0; step < 120; ++step) {
    const size_t a = s.below(n);
    s.edit(docs[a]);
    if (s.chance(30)) {
      // Deliver some of another document's updates, maybe shuffled (pending) or merged.
      const size_t from = s.below(n);
      if (from == a || outbox[from].empty()) continue;
      std::vector<Bytes> batch = outbox[from];
      if (s.chance(30)) std::shuffle(batch.begin(), batch.end(), s.engine());
      if (s.chance(40)) {
        docs[a].apply_update(merge_updates(batch));
      } else {
        for (const Bytes& u : batch) docs[a].apply_update(u);
      }
    }
  }
  // Full sync: every document's state into every other (remote transactions of many
  // clients at once, partly already known).
  for (size_t a = 0; a < n; ++a) {
    for (size_t b = 0; b < n; ++b) {
      const Bytes sv = docs[b].encode_state_vector();
      if (a != b) docs[b].apply_update(docs[a].encode_state_as_update(&sv));
    }
  }
  for (size_t a = 1; a < n; ++a) {
    EXPECT_EQ(docs[a].get_text("text").to_string(), docs[0].get_text("text").to_string());
  }
  const detail::TxnUpdateCheck::Counts c = check.counts();
  EXPECT_EQ(c.mismatches, 0u);
  EXPECT_GT(c.direct, 0u);   // the direct writer ran ...
  EXPECT_GT(c.general, 0u);  // ... and left formatting and map values to the general one
}

INSTANTIATE_TEST_SUITE_P(Seeds, TxnUpdateDirect, ::testing::Range(0, 40));

// A keystroke's update, byte for byte (Yjs writes the same: tests/interop compares).
TEST(TxnUpdateDirectBytes, Keystroke) {
  const detail::TxnUpdateCheck check;
  Doc d = testutil::make_doc(7);
  std::vector<Bytes> updates;
  d.observe([&updates](const TransactionResult& r) { updates.push_back(r.update); });
  d.get_text("t").insert(0, "h");
  d.get_text("t").insert(1, "\xC3\xA9");
  d.get_text("t").remove_range(0, 1);
  ASSERT_EQ(updates.size(), 3u);
  // 1 client; 1 struct of client 7 from clock 0: String, parent root "t", "h"; no deletes.
  EXPECT_EQ(updates[0], (Bytes{1, 1, 7, 0, 4, 1, 1, 't', 1, 'h', 0}));
  // Origin (7, 0); "é" in UTF-8.
  EXPECT_EQ(updates[1], (Bytes{1, 1, 7, 1, 0x84, 7, 0, 2, 0xC3, 0xA9, 0}));
  // No structs; deletes: 1 client (7), 1 range (0, 1).
  EXPECT_EQ(updates[2], (Bytes{0, 1, 7, 1, 0, 1}));
  EXPECT_EQ(check.counts().direct, 3u);
  EXPECT_EQ(check.counts().mismatches, 0u);
}

// An update of GC runs and deleted content: a document that has another's nested text
// (but none of its content) receives the rest of its state, where the nested text was
// removed (its items GC runs) and the root text lost characters (deleted content). Its
// transaction's update, written by the direct writer, has the structs of the other's diff.
TEST(TxnUpdateDirectBytes, GcRunsAndDeletedContent) {
  const detail::TxnUpdateCheck check;
  Doc a = testutil::make_doc(3);
  Text nested = a.get_map("m").set_type("n", TypeKind::Text).as_text();
  Doc b = testutil::make_doc(4);
  b.apply_update(a.encode_state_as_update());
  nested.insert(0, "nested text");
  a.get_text("t").insert(0, "hello world");
  a.get_map("m").remove("n");
  a.get_text("t").remove_range(2, 5);
  std::vector<Bytes> updates;
  b.observe([&updates](const TransactionResult& r) { updates.push_back(r.update); });
  const Bytes sv = b.encode_state_vector();
  const uint64_t direct_before = check.counts().direct;
  b.apply_update(a.encode_state_as_update(&sv));
  ASSERT_EQ(updates.size(), 1u);
  EXPECT_EQ(check.counts().direct, direct_before + 1);
  EXPECT_EQ(check.counts().mismatches, 0u);
  // The structs are the diff's; the delete sets differ as in Yjs, whose GC.integrate adds
  // no range to the transaction's delete set: a's state deletes (3, 0..12) (the map entry
  // and the GC run), b's transaction only (3, 0) (the map entry); both (3, 14..19).
  const Bytes diff = a.encode_state_as_update(&sv);
  const Bytes structs(diff.begin(), diff.end() - 7);
  ASSERT_EQ(diff.size(), updates[0].size());
  EXPECT_EQ(Bytes(updates[0].begin(), updates[0].end() - 7), structs);
  EXPECT_EQ(Bytes(updates[0].end() - 7, updates[0].end()), (Bytes{1, 3, 2, 0, 1, 14, 5}));
  EXPECT_EQ(Bytes(diff.end() - 7, diff.end()), (Bytes{1, 3, 2, 0, 12, 14, 5}));
  EXPECT_EQ(b.get_text("t").to_string(), "heorld");
}

// Pastes whose bound passes the stack buffer (1 KiB) are written in their own buffer.
TEST(TxnUpdateDirectBytes, BigPastes) {
  const detail::TxnUpdateCheck check;
  Doc d = testutil::make_doc(kMaxSafeInteger);
  std::vector<Bytes> updates;
  d.observe([&updates](const TransactionResult& r) { updates.push_back(r.update); });
  std::string cjk;
  for (int i = 0; i < 3000; ++i) cjk += "\xE4\xB8\xAD";
  d.get_text("t").insert(0, std::string(5000, 'x'));
  d.get_text("t").insert(100, cjk);
  d.get_text("t").insert(7, "small");
  {
    // Deletes behind a big buffer's structs.
    Transaction txn(d);
    d.get_text("t").remove_range(50, 4000);
    d.get_text("t").insert(20, std::string(2000, 'y'));
  }
  ASSERT_EQ(updates.size(), 4u);
  EXPECT_EQ(check.counts().direct, 4u);
  EXPECT_EQ(check.counts().mismatches, 0u);
  Doc copy = testutil::make_doc(5);
  for (const Bytes& u : updates) copy.apply_update(u);
  EXPECT_EQ(copy.get_text("t").to_string(), d.get_text("t").to_string());
}

}  // namespace
}  // namespace crdtcore
