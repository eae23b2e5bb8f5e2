// Tests for core/text_buf.h: the 12-byte UTF-16 buffer of ContentString (inline up to
// four units, a block whose capacity follows from the size beyond), and the sizes it
// buys: Content 24 bytes, ContentString 16, Item 96.

#include "core/text_buf.h"

#include <random>
#include <string>

#include <gtest/gtest.h>

#include "core/content.h"
#include "core/item.h"

namespace crdtcore::detail {
namespace {

TEST(TextBuf, Sizes) {
  EXPECT_EQ(sizeof(TextBuf), 12u);
  EXPECT_EQ(sizeof(ContentString), 16u);
  EXPECT_EQ(sizeof(Content), 24u);
  EXPECT_EQ(sizeof(Item), 96u);
}

TEST(TextBuf, InlineAndHeapTransitions) {
  TextBuf t;
  EXPECT_TRUE(t.empty());
  t.append(u"ab");
  EXPECT_EQ(t, u"ab");
  t.append(u"cd");  // exactly kInline
  EXPECT_EQ(t, u"abcd");
  t.append(u"e");  // now on the heap
  EXPECT_EQ(t, u"abcde");
  EXPECT_EQ(t.size(), 5u);
  t.truncate(3);  // back inline
  EXPECT_EQ(t, u"abc");
  t.prepend(u"xyz");
  EXPECT_EQ(t, u"xyzabc");
  t.truncate(0);
  EXPECT_TRUE(t.empty());
  t.assign(u"hello world");
  EXPECT_EQ(t.front(), u'h');
  EXPECT_EQ(t.back(), u'd');
  t.back() = u'D';
  EXPECT_EQ(t, u"hello worlD");
}

TEST(TextBuf, CapacityRoundsUpByAtMostAnEighth) {
  size_t prev = 0;
  for (size_t n = TextBuf::kInline + 1; n < 100000; ++n) {
    const size_t cap = TextBuf::capacity_for(n);
    ASSERT_GE(cap, n);
    ASSERT_GE(cap, prev) << n;  // monotone: a shorter text never needs more
    if (n >= 64) {
      ASSERT_LE(cap - n, n / 8) << n;
    } else {
      ASSERT_LT(cap - n, 4u) << n;
    }
    prev = cap;
  }
}

TEST(TextBuf, CopiesAndMovesAreIndependent) {
  TextBuf a(u"a longer text than four units");
  TextBuf b = a;
  b.append(u"!");
  EXPECT_EQ(a, u"a longer text than four units");
  EXPECT_EQ(b, u"a longer text than four units!");
  TextBuf c = std::move(b);
  EXPECT_TRUE(b.empty());  // NOLINT(bugprone-use-after-move): moved-from is empty
  EXPECT_EQ(c, u"a longer text than four units!");
  TextBuf small(u"ab");
  c = std::move(small);
  EXPECT_EQ(c, u"ab");
  c = a;
  EXPECT_EQ(c, a.view());
  c = c;  // self-assignment keeps the text
  EXPECT_EQ(c, a.view());
}

TEST(TextBuf, OperationsMayViewTheirOwnText) {
  for (const std::u16string start : {u"abc", u"abcdefghij"}) {
    TextBuf t(start);
    t.append(t.view());
    EXPECT_EQ(t, start + start);
    TextBuf p(start);
    p.prepend(p.view());
    EXPECT_EQ(p, start + start);
    TextBuf s(start);
    s.assign(s.view().substr(1));
    EXPECT_EQ(s, start.substr(1));
  }
}

// Random edits against std::u16string: every operation, both storage forms.
TEST(TextBuf, MatchesAStdStringUnderRandomEdits) {
  std::mt19937 rng(12);
  for (int round = 0; round < 200; ++round) {
    TextBuf t;
    std::u16string want;
    for (int step = 0; step < 60; ++step) {
      const int op = static_cast<int>(rng() % 4);
      std::u16string piece(rng() % 12, u'a');
      for (auto& ch : piece) ch = static_cast<char16_t>(u'a' + rng() % 26);
      if (op == 0) {
        t.append(piece);
        want += piece;
      } else if (op == 1) {
        t.prepend(piece);
        want.insert(0, piece);
      } else if (op == 2 && !want.empty()) {
        const size_t n = rng() % (want.size() + 1);
        t.truncate(n);
        want.resize(n);
      } else {
        t.assign(piece);
        want = piece;
      }
      ASSERT_EQ(t.view(), want) << "round " << round << " step " << step;
    }
  }
}

TEST(ContentString, SplitAndMergeKeepTheirText) {
  Content c = make_content_string(u"hello, wide world", OffsetKind::Utf16);
  Content right = content_splice(c, 5, OffsetKind::Utf16);
  EXPECT_EQ(content_get<ContentString>(c).str, u"hello");
  EXPECT_EQ(content_get<ContentString>(right).str, u", wide world");
  Content tail = content_splice(right, 2, OffsetKind::Utf16);  // an inline left part
  EXPECT_EQ(content_get<ContentString>(right).str, u", ");
  ASSERT_TRUE(content_try_merge(right, std::move(tail), OffsetKind::Utf16));
  ASSERT_TRUE(content_try_merge(c, std::move(right), OffsetKind::Utf16));
  EXPECT_EQ(content_get<ContentString>(c).str, u"hello, wide world");
  EXPECT_EQ(content_get<ContentString>(c).offset_len, 17u);
}

TEST(ContentString, FromShortUtf8CountsEveryKind) {
  const ContentString ascii = content_string_from_utf8("abc", OffsetKind::Utf8);
  EXPECT_EQ(ascii.str, u"abc");
  EXPECT_EQ(ascii.offset_len, 3u);
  const ContentString e = content_string_from_utf8("\xC3\xA9", OffsetKind::Utf8);  // é
  EXPECT_EQ(e.str, u"\u00E9");
  EXPECT_EQ(e.offset_len, 2u);
  const ContentString smile = content_string_from_utf8("\xF0\x9F\x98\x80", OffsetKind::CodePoint);
  EXPECT_EQ(smile.str, u"\U0001F600");
  EXPECT_EQ(smile.offset_len, 1u);
}

}  // namespace
}  // namespace crdtcore::detail
