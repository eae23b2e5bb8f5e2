// Tests for crdtcore/offset_kind.h: Text indices and lengths in UTF-16 units, code points
// and UTF-8 bytes (ASCII, 2-, 3- and 4-byte characters, emoji ZWJ sequences): lengths,
// slices, inserts, deletes, formatting, event deltas, sticky indices, offsets inside a
// multi-byte character (OutOfRange, document unchanged), and the same logical edits in
// the three units giving byte-identical updates.

#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "crdtcore/crdtcore.h"

#include "doc_test_util.h"

namespace crdtcore {
namespace {

using testutil::make_doc;
using testutil::UpdateLog;

constexpr OffsetKind kKinds[] = {OffsetKind::Utf16, OffsetKind::CodePoint, OffsetKind::Utf8};

// Characters as UTF-8: 1, 2, 3 and 4 bytes, and a ZWJ family (5 code points, 8 UTF-16
// units, 18 bytes).
const std::string kA = "a";
const std::string kE = "\xC3\xA9";              // é
const std::string kKo = "\xE3\x81\x93";         // こ
const std::string kEmoji = "\xF0\x9F\x98\x80";  // 😀
const std::string kFamily =
    "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7";

// Length of valid UTF-8 text in `kind` units.
uint64_t units(const std::string& utf8, OffsetKind kind) {
  uint64_t n = 0;
  for (unsigned char c : utf8) {
    if (kind == OffsetKind::Utf8) {
      ++n;
    } else if ((c & 0xC0) != 0x80) {
      n += (kind == OffsetKind::Utf16 && c >= 0xF0) ? 2 : 1;
    }
  }
  return n;
}

Doc doc_with(OffsetKind kind, const std::string& s, ClientId client = 1) {
  Doc d = make_doc(client, true, kind);
  d.get_text("t").insert(0, s);
  return d;
}

TEST(OffsetKind, LengthsInEachUnit) {
  const std::string s = kA + kE + kKo + kEmoji + kFamily;
  const uint64_t expected[] = {1 + 1 + 1 + 2 + 8, 1 + 1 + 1 + 1 + 5, 1 + 2 + 3 + 4 + 18};
  for (size_t k = 0; k < 3; ++k) {
    Doc d = doc_with(kKinds[k], s);
    EXPECT_EQ(d.get_text("t").length(), expected[k]) << k;
    EXPECT_EQ(d.offset_kind(), kKinds[k]);
  }
}

TEST(OffsetKind, Utf8InsertSliceDelete) {
  Doc d = doc_with(OffsetKind::Utf8, kA + kE + kKo + kEmoji);
  Text t = d.get_text("t");
  EXPECT_EQ(t.length(), 10u);
  EXPECT_EQ(t.slice(1, 3), kE);
  EXPECT_EQ(t.slice(3, 6), kKo);
  EXPECT_EQ(t.slice(6, 10), kEmoji);
  t.insert(6, "X");  // between こ and 😀
  EXPECT_EQ(t.to_string(), kA + kE + kKo + "X" + kEmoji);
  t.remove_range(1, 2);  // é
  EXPECT_EQ(t.to_string(), kA + kKo + "X" + kEmoji);
  EXPECT_EQ(t.length(), 9u);
  t.remove_range(5, 4);  // 😀
  EXPECT_EQ(t.to_string(), kA + kKo + "X");
  EXPECT_EQ(t.length(), 5u);
}

TEST(OffsetKind, Utf8JupyterReplaceWorld) {
  // jupyter_ydoc replaces a range given by len(s.encode()): こんにちは世界 -> こんにちは地球.
  const std::string hello = "\xE3\x81\x93\xE3\x82\x93\xE3\x81\xAB\xE3\x81\xA1\xE3\x81\xAF";
  const std::string world = "\xE4\xB8\x96\xE7\x95\x8C";  // 世界
  const std::string earth = "\xE5\x9C\xB0\xE7\x90\x83";  // 地球
  Doc d = doc_with(OffsetKind::Utf8, hello + world);
  Text t = d.get_text("t");
  {
    Transaction txn(d);
    t.remove_range(hello.size(), world.size());
    t.insert(hello.size(), earth);
  }
  EXPECT_EQ(t.to_string(), hello + earth);
  EXPECT_EQ(t.length(), hello.size() + earth.size());
}

TEST(OffsetKind, Utf8OffsetInsideCharacterThrowsAndChangesNothing) {
  const std::string s = kA + kE + kKo + kEmoji + kFamily;
  Doc d = doc_with(OffsetKind::Utf8, s);
  Text t = d.get_text("t");
  t.format(0, 1, {{"b", Value::boolean(true)}});  // formatting: the non-marker paths too
  UpdateLog log(d);
  const Bytes before = d.encode_state_as_update();
  const uint64_t inside[] = {2, 4, 5, 7, 8, 9, 11, 12, 13, 15, 16};  // 14: the ZWJ
  for (uint64_t i : inside) {
    EXPECT_THROW(t.insert(i, "x"), OutOfRange) << i;
    EXPECT_THROW(t.insert_embed(i, Value::integer(1)), OutOfRange) << i;
    EXPECT_THROW(t.remove_range(i, 1), OutOfRange) << i;
    EXPECT_THROW(t.remove_range(0, i), OutOfRange) << i;  // the end inside
    EXPECT_THROW(t.format(i, 1, {{"i", Value::boolean(true)}}), OutOfRange) << i;
    EXPECT_THROW(t.format(0, i, {{"i", Value::boolean(true)}}), OutOfRange) << i;
    EXPECT_THROW(t.slice(i, t.length()), OutOfRange) << i;
    EXPECT_THROW(t.slice(0, i), OutOfRange) << i;
    EXPECT_THROW(StickyIndex::from_index(t, i), OutOfRange) << i;
    EXPECT_THROW(StickyIndex::from_index(t, i, Assoc::Before), OutOfRange) << i;
  }
  // Inside a transaction: the failed calls leave nothing behind in it either.
  {
    Transaction txn(d);
    EXPECT_THROW(t.remove_range(1, 4), OutOfRange);
    t.insert(1, "ok");
  }
  EXPECT_EQ(log.size(), 1u);
  EXPECT_EQ(t.to_string(), kA + "ok" + kE + kKo + kEmoji + kFamily);
  Doc check = make_doc(9, true, OffsetKind::Utf8);
  check.apply_update(before);
  check.apply_update(log.last());
  EXPECT_EQ(check.encode_state_as_update(), d.encode_state_as_update());
}

// Random edits at the same logical (code point) positions, expressed in each unit:
// the three documents must produce the same updates and the same text.
TEST(OffsetKind, SameEditsInEveryUnitGiveIdenticalUpdates) {
  const std::string alphabet[] = {kA, "b", kE, kKo, kEmoji, kFamily, "\n"};
  for (uint32_t seed = 1; seed <= 20; ++seed) {
    std::mt19937 rng(seed);
    std::vector<Doc> docs;
    std::vector<Text> texts;
    for (OffsetKind k : kKinds) {
      docs.push_back(make_doc(seed, true, k));
      texts.push_back(docs.back().get_text("t"));
    }
    std::vector<std::string> model;  // one entry per inserted piece (alphabet element)
    auto offset = [&](size_t pieces, OffsetKind k) {
      std::string prefix;
      for (size_t i = 0; i < pieces; ++i) prefix += model[i];
      return units(prefix, k);
    };
    for (int step = 0; step < 60; ++step) {
      const int op = static_cast<int>(rng() % 4);
      const size_t at = model.empty() ? 0 : rng() % (model.size() + 1);
      if (op < 2 || model.empty()) {
        std::string ins;
        const size_t n = 1 + rng() % 3;
        for (size_t i = 0; i < n; ++i) ins += alphabet[rng() % 7];
        for (size_t k = 0; k < 3; ++k) texts[k].insert(offset(at, kKinds[k]), ins);
        model.insert(model.begin() + static_cast<std::ptrdiff_t>(at), ins);
      } else {
        const size_t from = at == model.size() ? at - 1 : at;
        const size_t len = 1 + rng() % std::min<size_t>(3, model.size() - from);
        for (size_t k = 0; k < 3; ++k) {
          const uint64_t a = offset(from, kKinds[k]);
          const uint64_t b = offset(from + len, kKinds[k]);
          if (op == 2) {
            texts[k].remove_range(a, b - a);
          } else {
            texts[k].format(a, b - a, {{"bold", Value::integer(step % 3)}});
          }
        }
        if (op == 2) {
          model.erase(model.begin() + static_cast<std::ptrdiff_t>(from),
                      model.begin() + static_cast<std::ptrdiff_t>(from + len));
        }
      }
      std::string all;
      for (const auto& p : model) all += p;
      for (size_t k = 0; k < 3; ++k) {
        ASSERT_EQ(texts[k].to_string(), all) << seed << " " << step << " " << k;
        ASSERT_EQ(texts[k].length(), units(all, kKinds[k])) << seed << " " << step << " " << k;
      }
    }
    const Bytes u16 = docs[0].encode_state_as_update();
    EXPECT_EQ(docs[1].encode_state_as_update(), u16) << seed;
    EXPECT_EQ(docs[2].encode_state_as_update(), u16) << seed;
    // A fresh UTF-8 document reading the update counts the same lengths.
    Doc fresh = make_doc(99, true, OffsetKind::Utf8);
    fresh.apply_update(u16);
    EXPECT_EQ(fresh.get_text("t").length(), texts[2].length()) << seed;
  }
}

TEST(OffsetKind, Utf8EventDeltas) {
  Doc d = doc_with(OffsetKind::Utf8, kA + kE + kEmoji + "b");
  Text t = d.get_text("t");
  std::vector<std::vector<DeltaOp>> seen;
  t.observe([&](const Event& e) { seen.push_back(e.delta()); });
  t.remove_range(1, 2);  // é
  t.insert(5, "c");      // after 😀 (a=1, 😀=4)
  t.format(1, 4, {{"bold", Value::boolean(true)}});
  ASSERT_EQ(seen.size(), 3u);
  ASSERT_EQ(seen[0].size(), 2u);
  EXPECT_EQ(seen[0][0].len, 1u);
  EXPECT_EQ(seen[0][1].kind, DeltaOp::Kind::Delete);
  EXPECT_EQ(seen[0][1].len, 2u);
  ASSERT_EQ(seen[1].size(), 2u);
  EXPECT_EQ(seen[1][0].len, 5u);
  EXPECT_EQ(seen[1][1].text, "c");
  ASSERT_EQ(seen[2].size(), 2u);
  EXPECT_EQ(seen[2][0].len, 1u);
  EXPECT_EQ(seen[2][1].kind, DeltaOp::Kind::Retain);
  EXPECT_EQ(seen[2][1].len, 4u);
  EXPECT_FALSE(seen[2][1].attributes.empty());
}

TEST(OffsetKind, Utf8PathIndexCountsBytes) {
  Doc d = make_doc(1, true, OffsetKind::Utf8);
  Array root = d.get_array("a");
  root.insert(0, {Value::string(kKo)});
  Array inner = root.insert_type(1, TypeKind::Array).as_array();
  std::vector<uint64_t> paths;
  root.observe_deep([&](const std::vector<Event>& events) {
    for (const Event& e : events) {
      for (const PathSegment& p : e.path) paths.push_back(p.index);
    }
  });
  inner.insert(0, {Value::integer(1)});
  EXPECT_EQ(paths, std::vector<uint64_t>{1});  // arrays count elements in every unit
}

TEST(OffsetKind, Utf8StickyIndicesNameYjsIds) {
  const std::string s = kA + kEmoji + kKo;
  Doc u8 = doc_with(OffsetKind::Utf8, s);
  Doc u16 = make_doc(2);
  u16.apply_update(u8.encode_state_as_update());
  Text t8 = u8.get_text("t");
  Text t16 = u16.get_text("t");
  // Positions after the emoji: UTF-8 5, UTF-16 3.
  for (Assoc assoc : {Assoc::After, Assoc::Before}) {
    const StickyIndex p8 = StickyIndex::from_index(t8, 5, assoc);
    const StickyIndex p16 = StickyIndex::from_index(t16, 3, assoc);
    EXPECT_EQ(p8, p16);
    EXPECT_EQ(p8.resolve_in(t8), std::optional<uint64_t>(5));
    EXPECT_EQ(p8.resolve_in(t16), std::optional<uint64_t>(3));
  }
  const StickyIndex ko = StickyIndex::from_index(t8, 5);
  t8.insert(0, kE);
  EXPECT_EQ(ko.resolve_in(t8), std::optional<uint64_t>(7));
  EXPECT_EQ(StickyIndex::from_index(t8, t8.length()).resolve_in(t8),
            std::optional<uint64_t>(t8.length()));
}

TEST(OffsetKind, Utf8RemoteSurrogateSplitCountsReplacementChars) {
  Doc u8 = make_doc(1, true, OffsetKind::Utf8);
  Doc u16 = make_doc(2);
  u16.get_text("t").insert(0, kEmoji + "b");
  testutil::sync_pair(u8, u16);
  EXPECT_EQ(u8.get_text("t").length(), 5u);
  u16.get_text("t").insert(1, "X");  // splits the pair: U+FFFD X U+FFFD
  testutil::sync_pair(u8, u16);
  EXPECT_EQ(u8.get_text("t").to_string(), "\xEF\xBF\xBDX\xEF\xBF\xBD" + std::string("b"));
  EXPECT_EQ(u8.get_text("t").length(), 8u);
  EXPECT_THROW(u8.get_text("t").remove_range(4, 1), OutOfRange);
  u8.get_text("t").remove_range(4, 3);
  testutil::sync_pair(u8, u16);
  EXPECT_EQ(u16.get_text("t").to_string(), "\xEF\xBF\xBDXb");
}

TEST(OffsetKind, Utf8LengthsSurviveMergesAndGc) {
  Doc d = make_doc(1, true, OffsetKind::Utf8);
  Text t = d.get_text("t");
  std::string expect;
  for (int i = 0; i < 50; ++i) {  // typing: one item per keystroke, merged at cleanup
    const std::string& c = (i % 3 == 0) ? kKo : (i % 3 == 1) ? kEmoji : kE;
    t.insert(t.length(), c);
    expect += c;
  }
  EXPECT_EQ(t.length(), expect.size());
  t.remove_range(3, 4);  // the first 😀
  expect.erase(3, 4);
  EXPECT_EQ(t.to_string(), expect);
  EXPECT_EQ(t.length(), expect.size());
  Doc copy = make_doc(2, true, OffsetKind::Utf8);
  copy.apply_update(d.encode_state_as_update());
  EXPECT_EQ(copy.get_text("t").length(), expect.size());
  EXPECT_EQ(copy.get_text("t").slice(3, 5), kE);
}

}  // namespace
}  // namespace crdtcore
