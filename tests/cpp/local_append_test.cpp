// Tests for appending typed text to the document's own newest item (core/local_append.h):
// the appends happen (no new struct per keystroke), and the structs, encodings and
// behaviour are the ordinary path's, which a type observer forces (while some type is
// observed nothing is appended). Random edits in random transactions, with astral
// characters and deletions across the seam, in every offset kind.

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

TEST(LocalAppend, TypingAtTheEndAddsNoStruct) {
  Doc d = make_doc(1);
  Text t = d.get_text("t");
  t.insert(0, "a");
  for (int i = 0; i < 20; ++i) t.insert(t.length(), "b");
  EXPECT_EQ(struct_count(d, 1), 1u);
  EXPECT_EQ(t.to_string(), "a" + std::string(20, 'b'));
  // In one transaction as well, and the seam is Yjs's struct boundary inside it.
  {
    Transaction txn(d);
    t.insert(t.length(), "cd");
    t.insert(t.length(), "e");
    EXPECT_EQ(struct_count(d, 1), 1u);
  }
  EXPECT_EQ(struct_count(d, 1), 1u);
}

TEST(LocalAppend, ObservedTypesGetTheOrdinaryPath) {
  Doc d = make_doc(1);
  Text t = d.get_text("t");
  int calls = 0;
  t.observe([&](const Event&) { ++calls; });
  t.insert(0, "a");
  {
    Transaction txn(d);
    t.insert(1, "b");
    EXPECT_EQ(struct_count(d, 1), 2u);  // an item, merged at commit
  }
  EXPECT_EQ(struct_count(d, 1), 1u);
  EXPECT_EQ(calls, 2);
}

// One random edit, applied to both documents.
struct Edit {
  bool remove;
  uint64_t pos, len;
  std::string text;
};

Edit random_edit(std::mt19937& rng, uint64_t length) {
  static const std::vector<std::string> pieces = {"a", "bc", "\xF0\x9F\x98\x80", "d\xC3\xA9", "x"};
  Edit e{};
  e.remove = length > 0 && rng() % 4 == 0;
  if (e.remove) {
    e.pos = rng() % length;
    e.len = 1 + rng() % std::min<uint64_t>(3, length - e.pos);
  } else {
    // Mostly at the end or right after the last edit: where appends happen.
    e.pos = rng() % 3 == 0 ? rng() % (length + 1) : length;
    e.text = pieces[rng() % pieces.size()];
  }
  return e;
}

// `ordinary`: insert with explicit empty attributes, which takes Yjs insertText's
// attribute passes (find_text_position + insert_text) instead of insert_plain_text.
void apply(Text& t, const Edit& e, bool ordinary = false) {
  if (e.remove) {
    t.remove_range(e.pos, e.len);
  } else if (ordinary) {
    t.insert(e.pos, e.text, Attributes{});
  } else {
    t.insert(e.pos, e.text);
  }
}

// Two documents with one client id take the same random edits in the same transactions;
// `plain` has a type observer (no appends) and inserts through the attribute passes (no
// plain-text path). Their encodings must be equal inside every transaction
// (encode_state_as_update) and after it, and both must read the same text.
void expect_same_as_ordinary_path(OffsetKind kind, uint32_t seed) {
  std::mt19937 rng(seed);
  Doc fast = make_doc(7, true, kind);
  Doc plain = make_doc(7, true, kind);
  Text ft = fast.get_text("t");
  Text pt = plain.get_text("t");
  pt.observe([](const Event&) {});
  for (int txn_no = 0; txn_no < 60; ++txn_no) {
    const int edits = 1 + static_cast<int>(rng() % 4);
    Transaction a(fast);
    Transaction b(plain);
    for (int k = 0; k < edits; ++k) {
      uint64_t length = ft.length();
      Edit e = random_edit(rng, length);
      // UTF-8 indices must fall on character boundaries: move to the end when not.
      try {
        apply(ft, e);
      } catch (const OutOfRange&) {
        e.remove = false;
        e.pos = ft.length();
        if (e.text.empty()) e.text = "z";
        apply(ft, e);
      }
      apply(pt, e, true);
      if (rng() % 8 == 0) {
        ASSERT_EQ(fast.encode_state_as_update(), plain.encode_state_as_update())
            << "inside transaction " << txn_no << ", seed " << seed;
      }
    }
    a.commit();
    b.commit();
    ASSERT_EQ(ft.to_string(), pt.to_string()) << "seed " << seed;
    ASSERT_EQ(fast.encode_state_as_update(), plain.encode_state_as_update())
        << "after transaction " << txn_no << ", seed " << seed;
  }
}

TEST(LocalAppend, SameStructsAsTheOrdinaryPathCodePoints) {
  for (uint32_t seed = 1; seed <= 20; ++seed) {
    expect_same_as_ordinary_path(OffsetKind::CodePoint, seed);
  }
}

TEST(LocalAppend, SameStructsAsTheOrdinaryPathUtf16) {
  for (uint32_t seed = 1; seed <= 20; ++seed) expect_same_as_ordinary_path(OffsetKind::Utf16, seed);
}

TEST(LocalAppend, SameStructsAsTheOrdinaryPathUtf8) {
  for (uint32_t seed = 1; seed <= 20; ++seed) expect_same_as_ordinary_path(OffsetKind::Utf8, seed);
}

// An UndoManager made inside a transaction that appended sees Yjs's structs when the
// transaction commits: undo gives what the ordinary path gives.
TEST(LocalAppend, UndoManagerMadeAfterAnAppend) {
  std::vector<std::string> texts;
  std::vector<Bytes> states;
  for (bool observed : {false, true}) {
    Doc d = make_doc(1);
    Text t = d.get_text("t");
    if (observed) t.observe([](const Event&) {});
    t.insert(0, "ab");
    Transaction txn(d);
    t.insert(2, "c");  // appended unless observed
    UndoManager um(t);
    t.insert(3, "d");
    txn.commit();
    EXPECT_EQ(t.to_string(), "abcd");
    um.undo();
    texts.push_back(t.to_string());
    states.push_back(d.encode_state_as_update());
  }
  EXPECT_EQ(texts[0], texts[1]);
  EXPECT_EQ(states[0], states[1]);
}

}  // namespace
}  // namespace crdtcore
