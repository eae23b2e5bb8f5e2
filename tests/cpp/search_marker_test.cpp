// Tests for the search markers (core/search_marker.h): they survive remote transactions and
// stay right. Markers are invisible through the API (a wrong one only shows as an edit in
// the wrong place, and only when that marker is used), so the invariant is checked directly:
// every marker points at an item of its list, that item carries kMarker, and a marker on a
// visible item holds the visible units before it, counted from the list's start. The random
// sessions interleave local edits (text in UTF-16, code points and UTF-8 documents at once,
// formatting, embeds, arrays, undo/redo) with updates delivered out of order, and check the
// invariant after every step.
//
// Seeds: 30 per offset-kind arrangement; CRDTCORE_SEEDS=<n> for more.

#include "core/search_marker.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "api/access.h"
#include "core/branch.h"
#include "core/item.h"
#include "crdtcore/crdtcore.h"

#include "doc_test_util.h"
#include "random_test_util.h"

namespace crdtcore {
namespace {

using detail::Access;
using detail::Branch;
using detail::Item;
using detail::SearchMarker;
using testutil::make_doc;

const Branch& branch_of(const Shared& s) { return *Access::branch(s); }

// The invariant of core/search_marker.h for `s`'s list.
::testing::AssertionResult markers_valid(const Shared& s) {
  const Branch& b = branch_of(s);
  std::map<const Item*, uint64_t> index_of;  // every item of the list -> visible units before it
  uint64_t pos = 0;
  for (const Item* it = b.start; it != nullptr; it = it->right) {
    index_of[it] = pos;
    if (it->visible()) pos += it->offset_length();
  }
  if (pos != b.offset_length) {
    return ::testing::AssertionFailure() << "list length " << pos << " != " << b.offset_length;
  }
  for (size_t i = 0; i < b.markers.size(); ++i) {
    const SearchMarker& m = b.markers[i];
    auto found = index_of.find(m.item);
    if (found == index_of.end()) {
      return ::testing::AssertionFailure() << "marker " << i << " points outside its list";
    }
    if ((m.item->flags() & Item::kMarker) == 0) {
      return ::testing::AssertionFailure() << "marker " << i << "'s item lacks kMarker";
    }
    if (m.item->visible() && m.index != found->second) {
      return ::testing::AssertionFailure()
             << "marker " << i << " says " << m.index << ", its item starts at " << found->second;
    }
  }
  return ::testing::AssertionSuccess();
}

size_t live_markers(const Shared& s) {
  size_t n = 0;
  for (const SearchMarker& m : branch_of(s).markers) n += m.item->visible() ? 1 : 0;
  return n;
}

// A text of `n` one-character items: typed backwards, so no two can merge.
void type_backwards(Text& t, size_t n) {
  for (size_t i = 0; i < n; ++i) t.insert(0, std::string(1, static_cast<char>('a' + i % 26)));
}

// ---- fixed scenarios ----------------------------------------------------------------

TEST(SearchMarker, SurviveARemoteInsertLeftOfThem) {
  Doc a = make_doc(1);
  Doc b = make_doc(2);
  Text ta = a.get_text("t");
  type_backwards(ta, 100);
  testutil::sync_pair(a, b);
  ta.insert(30, "W");  // a marker near 30
  ta.insert(90, "X");  // and one near 90
  ASSERT_EQ(live_markers(ta), 2u);
  b.get_text("t").insert(80, "yy");  // 50 items right of the first: the second moves
  testutil::send(b, a);
  EXPECT_GE(live_markers(ta), 2u);
  EXPECT_TRUE(markers_valid(ta));
  ta.insert(93, "Z");  // through the moved marker
  EXPECT_EQ(ta.slice(92, 94), "XZ");
  EXPECT_EQ(ta.slice(81, 83), "yy");  // b's 80 is after a's "W"
  EXPECT_TRUE(markers_valid(ta));
}

TEST(SearchMarker, RemoteDeletesMoveThem) {
  Doc a = make_doc(1);
  Doc b = make_doc(2);
  Text ta = a.get_text("t");
  type_backwards(ta, 100);
  testutil::sync_pair(a, b);
  ta.insert(60, "X");
  b.get_text("t").remove_range(40, 10);  // left of the marker: it moves back by 10
  b.get_text("t").remove_range(70, 5);   // right of it: it stays
  testutil::send(b, a);
  EXPECT_GT(live_markers(ta), 0u);
  EXPECT_TRUE(markers_valid(ta));
  EXPECT_EQ(ta.slice(50, 51), "X");
}

// The first remote change may walk kRemoteWalkCredit items.
TEST(SearchMarker, AFarRemoteChangeDropsThem) {
  Doc a = make_doc(1);
  Doc b = make_doc(2);
  Text ta = a.get_text("t");
  type_backwards(ta, 3 * detail::kRemoteWalkCredit);
  testutil::sync_pair(a, b);
  ta.insert(1, "X");  // the only marker, near the start
  ASSERT_EQ(live_markers(ta), 1u);
  Text tb = b.get_text("t");
  tb.insert(tb.length(), "far");  // more than kRemoteWalkCredit items right of it
  testutil::send(b, a);
  EXPECT_EQ(branch_of(ta).markers.size(), 0u);
  ta.insert(2, "Y");
  EXPECT_EQ(ta.slice(0, 3).substr(1), "XY");
}

// Remote changes near a marker leave credit for a long walk later.
TEST(SearchMarker, ShortWalksPayForALongOne) {
  Doc a = make_doc(1);
  Doc b = make_doc(2);
  Text ta = a.get_text("t");
  type_backwards(ta, 400);
  testutil::sync_pair(a, b);
  ta.insert(1, "X");
  Text tb = b.get_text("t");
  for (int k = 0; k < 10; ++k) {
    tb.insert(3, "n");  // a few items right of the marker, one update each
    testutil::send(b, a);
  }
  tb.insert(300, "far");  // 300 items right of it
  testutil::send(b, a);
  EXPECT_GE(live_markers(ta), 1u);
  EXPECT_TRUE(markers_valid(ta));
}

TEST(SearchMarker, ALongWalkLeavesAMarkerNearTheChange) {
  Doc a = make_doc(1);
  Doc b = make_doc(2);
  Text ta = a.get_text("t");
  type_backwards(ta, 100);
  testutil::sync_pair(a, b);
  ta.insert(1, "X");
  ASSERT_EQ(live_markers(ta), 1u);
  b.get_text("t").insert(1 + detail::kNewMarkerDistance + 10, "r");
  testutil::send(b, a);
  EXPECT_EQ(live_markers(ta), 2u);
  EXPECT_TRUE(markers_valid(ta));
}

// A marker a remote change placed moves with that peer's later changes.
TEST(SearchMarker, ARemoteMarkerFollowsItsPeer) {
  Doc a = make_doc(1);
  Doc b = make_doc(2);
  Text ta = a.get_text("t");
  type_backwards(ta, 200);
  testutil::sync_pair(a, b);
  ta.insert(1, "X");  // a's local marker
  Text tb = b.get_text("t");
  tb.insert(41, "r");  // 41 items right of it: a marker is placed left of "r"
  testutil::send(b, a);
  tb.insert(61, "s");  // 20 further: that marker moves left of "s"
  testutil::send(b, a);
  std::vector<uint64_t> remote;
  for (const SearchMarker& m : branch_of(ta).markers) {
    if (m.remote) remote.push_back(m.index);
  }
  EXPECT_EQ(remote, std::vector<uint64_t>{61});  // a's index of the unit before "s"
  EXPECT_EQ(live_markers(ta), 2u);
  EXPECT_TRUE(markers_valid(ta));
  EXPECT_EQ(ta.slice(62, 63), "s");
}

// A remote cut between the halves of a surrogate pair makes one code point two.
TEST(SearchMarker, ASplitSurrogatePairInACodePointDocument) {
  Doc a = make_doc(1, true, OffsetKind::CodePoint);
  Doc b = make_doc(2, true, OffsetKind::Utf16);
  Text ta = a.get_text("t");
  const std::string grin = "\xF0\x9F\x98\x80";  // U+1F600: one code point, two UTF-16 units
  ta.insert(0, "ab" + grin + "cd");
  testutil::sync_pair(a, b);
  ta.insert(4, "X");               // a marker right of the pair
  b.get_text("t").insert(3, "y");  // between the halves
  testutil::send(b, a);
  EXPECT_EQ(ta.length(), 8u);
  EXPECT_TRUE(markers_valid(ta));
  ta.insert(7, "Z");
  EXPECT_EQ(ta.slice(6, 8), "XZ");
}

TEST(SearchMarker, UndoAndRedoKeepThemRight) {
  Doc a = make_doc(1);
  Doc b = make_doc(2);
  Text ta = a.get_text("t");
  UndoManager um(ta);
  type_backwards(ta, 50);
  testutil::sync_pair(a, b);
  um.stop_capturing();
  ta.insert(30, "XYZ");
  b.get_text("t").insert(5, "r");
  testutil::send(b, a);
  EXPECT_TRUE(markers_valid(ta));
  ASSERT_EQ(ta.slice(31, 34), "XYZ");
  EXPECT_TRUE(um.undo());
  EXPECT_TRUE(markers_valid(ta));
  EXPECT_TRUE(um.redo());
  EXPECT_TRUE(markers_valid(ta));
  b.get_text("t").insert(0, "s");
  testutil::send(b, a);
  EXPECT_TRUE(markers_valid(ta));
  EXPECT_EQ(ta.slice(32, 35), "XYZ");
  ta.insert(33, "-");
  EXPECT_EQ(ta.slice(32, 36), "X-YZ");
  EXPECT_TRUE(markers_valid(ta));
}

// ---- random sessions ----------------------------------------------------------------

using testutil::env_int;
using testutil::Rng;

const char* const kPieces[] = {"a",     "bc",           "\xF0\x9F\x98\x80",  "\xC3\xA9",
                               "xyz\n", "\xE4\xB8\xAD", "\xF0\x9F\x8E\x89q", "hello "};

struct Peer {
  std::unique_ptr<Doc> doc;
  Text text;
  Array array;
  std::unique_ptr<UndoManager> undo;
  std::vector<Bytes> inbox;  // updates of the others not applied yet
};

// One random local operation; edits the document rejects (an index inside a character)
// change nothing. No undo/redo inside a transaction (`in_txn`).
void local_op(Rng& r, Peer& p, bool in_txn = false) {
  Text& t = p.text;
  const uint64_t len = t.length();
  try {
    switch (r.below(10)) {
      case 0:
      case 1:
      case 2: {
        std::string s;
        for (uint64_t k = 0, n = 1 + r.below(3); k < n; ++k) s += kPieces[r.below(8)];
        t.insert(r.below(len + 1), s);
        break;
      }
      case 3:
      case 4: {
        if (len == 0) break;
        const uint64_t at = r.below(len);
        t.remove_range(at, 1 + r.below(std::min<uint64_t>(len - at, 8)));
        break;
      }
      case 5: {
        if (len == 0) break;
        const uint64_t at = r.below(len);
        t.format(at, 1 + r.below(len - at),
                 {{"bold", r.chance(70) ? Value::boolean(true) : Value::null()}});
        break;
      }
      case 6: {
        if (len > 0) t.slice(r.below(len), len);  // a search from a marker
        const uint64_t n = p.array.length();
        if (n > 0) p.array.slice(r.below(n), n);
        break;
      }
      case 7: {
        const uint64_t n = p.array.length();
        if (n > 0 && r.chance(40)) {
          const uint64_t at = r.below(n);
          p.array.remove_range(at, 1 + r.below(std::min<uint64_t>(n - at, 4)));
        } else {
          p.array.insert(r.below(n + 1),
                         {Value::integer(static_cast<int64_t>(r.below(100))), Value::string("v")});
        }
        break;
      }
      case 8:
        if (in_txn) break;
        if (r.chance(50)) {
          p.undo->undo();
        } else {
          p.undo->redo();
        }
        break;
      default: t.insert_embed(r.below(len + 1), Value::integer(1)); break;
    }
  } catch (const OutOfRange&) {
  }
  if (r.chance(30)) p.undo->stop_capturing();
}

// The origin of delivered updates (the others' transactions are forwarded).
const int kRemoteTag = 0;
const Origin kRemote = &kRemoteTag;

// Applies some of `p`'s inbox, in random order (a gap leaves structs pending); with
// `edits`, sometimes inside a transaction of `p` among local edits.
void deliver(Rng& r, Peer& p, bool edits = true) {
  if (p.inbox.empty()) return;
  std::shuffle(p.inbox.begin(), p.inbox.end(), r.engine());
  const size_t n = 1 + r.below(p.inbox.size());
  if (r.chance(20) && n > 1) {
    std::vector<Bytes> batch(p.inbox.end() - static_cast<std::ptrdiff_t>(n), p.inbox.end());
    p.doc->apply_update(merge_updates(batch), kRemote);
  } else if (edits && r.chance(20)) {
    Transaction txn(*p.doc);  // inside a transaction of the receiver, among its edits
    for (size_t k = 0; k < n; ++k) {
      p.doc->apply_update(p.inbox[p.inbox.size() - 1 - k]);
      if (r.chance(50)) local_op(r, p, /*in_txn=*/true);
    }
  } else {
    for (size_t k = 0; k < n; ++k) p.doc->apply_update(p.inbox[p.inbox.size() - 1 - k], kRemote);
  }
  p.inbox.resize(p.inbox.size() - n);
}

::testing::AssertionResult all_valid(const std::vector<Peer>& peers) {
  for (size_t i = 0; i < peers.size(); ++i) {
    for (const Shared& s : {Shared(peers[i].text), Shared(peers[i].array)}) {
      ::testing::AssertionResult ok = markers_valid(s);
      if (!ok) return ok << " (peer " << i << ")";
    }
  }
  return ::testing::AssertionSuccess();
}

void run_session(uint64_t seed, const std::vector<OffsetKind>& kinds) {
  Rng r(seed);
  std::vector<Peer> peers(kinds.size());
  for (size_t i = 0; i < peers.size(); ++i) {
    Peer& p = peers[i];
    p.doc = std::make_unique<Doc>(make_doc(i + 1, r.chance(50), kinds[i]));
    p.text = p.doc->get_text("t");
    p.array = p.doc->get_array("a");
    p.undo = std::make_unique<UndoManager>(*p.doc);
    p.doc->observe([&peers, i](const TransactionResult& res) {
      if (res.origin == kRemote) return;
      for (size_t j = 0; j < peers.size(); ++j) {
        if (j != i) peers[j].inbox.push_back(res.update);
      }
    });
  }
  for (int step = 0; step < 300; ++step) {
    Peer& p = peers[r.below(peers.size())];
    if (r.chance(35)) {
      deliver(r, p);
    } else {
      local_op(r, p);
    }
    ASSERT_TRUE(all_valid(peers)) << "seed " << seed << ", step " << step;
  }
  for (Peer& p : peers) {
    while (!p.inbox.empty()) deliver(r, p, /*edits=*/false);
  }
  ASSERT_TRUE(all_valid(peers)) << "seed " << seed << ", after the final delivery";
  for (Peer& p : peers) EXPECT_FALSE(p.doc->has_pending()) << "seed " << seed;
  const std::string first = testutil::dump_shared(peers[0].array);
  for (Peer& p : peers) EXPECT_EQ(testutil::dump_shared(p.array), first) << "seed " << seed;
}

class SearchMarkerRandom : public ::testing::TestWithParam<std::vector<OffsetKind>> {};

TEST_P(SearchMarkerRandom, StayRightThroughLocalAndRemoteEdits) {
  const int seeds = env_int("CRDTCORE_SEEDS", 30);
  for (int s = 0; s < seeds; ++s) {
    run_session(static_cast<uint64_t>(s), GetParam());
    if (HasFatalFailure()) return;
  }
}

INSTANTIATE_TEST_SUITE_P(
    OffsetKinds, SearchMarkerRandom,
    ::testing::Values(
        std::vector<OffsetKind>{OffsetKind::Utf16, OffsetKind::Utf16},
        std::vector<OffsetKind>{OffsetKind::Utf16, OffsetKind::CodePoint, OffsetKind::Utf8},
        std::vector<OffsetKind>{OffsetKind::CodePoint, OffsetKind::CodePoint, OffsetKind::Utf8}));

}  // namespace
}  // namespace crdtcore
