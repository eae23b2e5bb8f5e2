// Tests for encoding/struct_codec.h: decoding v1 updates into DecodedStructs (with
// the validation rules of the header), writing structs back, slicing, and v1 delete
// sets. Byte vectors are from yjs-format.md §3.6 / Appendix A (yjs 13.6.33).

#include "encoding/struct_codec.h"

#include <vector>

#include <gtest/gtest.h>

#include "crdtcore/error.h"
#include "util/lib0_reader.h"
#include "util/lib0_writer.h"

namespace crdtcore::detail {
namespace {

using Kind = DecodedStruct::Kind;
using ParentKind = DecodedStruct::ParentKind;

// Re-encodes every struct (offset 0) and the delete set as Yjs's lazy writer would
// for a single-block-per-client update.
Bytes reencode(const DecodedUpdate& u) {
  Lib0Writer w;
  w.write_var_uint(u.clients.size());
  for (const auto& [client, structs] : u.clients) {
    w.write_var_uint(structs.size());
    w.write_var_uint(client);
    w.write_var_uint(structs.empty() ? 0 : structs.front().id.clock);
    for (const auto& s : structs) write_struct_v1(w, s, 0);
  }
  write_delete_set_v1(w, u.ds);
  return w.take();
}

Bytes write_one(const DecodedStruct& s, uint64_t offset) {
  Lib0Writer w;
  write_struct_v1(w, s, offset);
  return w.take();
}

TEST(ReadUpdateV1, TextInsertAndDelete) {
  const Bytes state = {1, 2, 1, 0, 1, 1, 1, 116, 1, 132, 1, 0, 1, 98, 1, 1, 1, 0, 1};
  const DecodedUpdate u = read_update_v1(state, OffsetKind::Utf16);
  ASSERT_EQ(u.clients.size(), 1u);
  const auto& structs = u.clients[0].second;
  ASSERT_EQ(structs.size(), 2u);
  EXPECT_EQ(structs[0].parent_kind, ParentKind::Root);
  EXPECT_EQ(structs[0].parent_name, "t");
  EXPECT_TRUE(content_is<ContentDeleted>(structs[0].content));
  EXPECT_EQ(structs[1].id, (Id{1, 1}));
  EXPECT_TRUE(structs[1].has_origin);
  EXPECT_EQ(structs[1].origin, (Id{1, 0}));
  EXPECT_EQ(structs[1].parent_kind, ParentKind::None);
  EXPECT_EQ(u.ds.clients().at(1), (std::vector<DeleteRange>{{0, 1}}));
  EXPECT_EQ(reencode(u), state);
}

TEST(ReadUpdateV1, MapKeyOnlyReadWithoutOrigins) {
  const DecodedUpdate set =
      read_update_v1({1, 1, 1, 0, 40, 1, 1, 109, 1, 107, 1, 125, 1, 0}, OffsetKind::Utf16);
  const DecodedStruct& s = set.clients[0].second[0];
  EXPECT_TRUE(s.has_parent_sub);
  EXPECT_EQ(s.parent_sub, "k");
  EXPECT_EQ(s.parent_name, "m");

  // info 168 = Any + origin + BIT6: no key on the wire, so no parent sub either.
  const Bytes overwrite = {1, 1, 1, 1, 168, 1, 0, 1, 119, 1, 120, 1, 1, 1, 0, 1};
  const DecodedUpdate u = read_update_v1(overwrite, OffsetKind::Utf16);
  const DecodedStruct& o = u.clients[0].second[0];
  EXPECT_FALSE(o.has_parent_sub);
  EXPECT_EQ(o.parent_kind, ParentKind::None);
  Bytes expected = overwrite;
  expected[4] = 136;  // BIT6 dropped, as Yjs's lazy writer does
  EXPECT_EQ(reencode(u), expected);
}

TEST(ReadUpdateV1, NestedParentIdAndMixedContent) {
  const Bytes nested = {1, 1, 1, 17, 40, 0, 1, 16, 1, 113, 1, 119, 1, 114, 0};
  const DecodedUpdate u = read_update_v1(nested, OffsetKind::Utf16);
  const DecodedStruct& s = u.clients[0].second[0];
  EXPECT_EQ(s.parent_kind, ParentKind::Id);
  EXPECT_EQ(s.parent_id, (Id{1, 16}));
  EXPECT_EQ(reencode(u), nested);

  const Bytes mixed = {1,   3,   1,   2,   8,   1,   1,   97,  9,   125, 1,   124, 64, 32,
                       0,   0,   123, 63,  185, 153, 153, 153, 153, 153, 154, 125, 67, 120,
                       126, 119, 2,   104, 105, 118, 1,   1,   120, 125, 1,   117, 1,  125,
                       1,   131, 1,   10,  2,   7,   8,   136, 1,   11,  3,   124, 79, 0,
                       0,   0,   124, 207, 0,   0,   0,   124, 90,  0,   0,   0,   0};
  const DecodedUpdate m = read_update_v1(mixed, OffsetKind::Utf16);
  EXPECT_EQ(m.clients[0].second[0].length, 9u);
  EXPECT_EQ(m.clients[0].second[2].id, (Id{1, 12}));
  EXPECT_EQ(reencode(m), mixed);
}

TEST(ReadUpdateV1, GcAndSkipStructs) {
  const Bytes gc = {1, 2, 1, 0, 1, 1, 1, 97, 1, 0, 2, 1, 1, 1, 0, 3};
  const DecodedUpdate u = read_update_v1(gc, OffsetKind::Utf16);
  EXPECT_EQ(u.clients[0].second[1].kind, Kind::GC);
  EXPECT_EQ(u.clients[0].second[1].length, 2u);
  EXPECT_EQ(reencode(u), gc);

  const Bytes skip = {1, 3, 1, 0, 4, 1, 1, 116, 1, 97, 10, 1, 132, 1, 1, 1, 99, 0};
  const DecodedUpdate s = read_update_v1(skip, OffsetKind::Utf16);
  EXPECT_EQ(s.clients[0].second[1].kind, Kind::Skip);
  EXPECT_EQ(s.clients[0].second[2].id, (Id{1, 2}));
  EXPECT_EQ(reencode(s), skip);
}

TEST(ReadUpdateV1, BigClientIdsAndEmptyUpdate) {
  const DecodedUpdate u =
      read_update_v1({1, 1, 255, 255, 255, 255, 15, 0, 4, 1, 1, 116, 1, 122, 0}, OffsetKind::Utf16);
  EXPECT_EQ(u.clients[0].first, 0xFFFFFFFFu);
  const DecodedUpdate e = read_update_v1({0, 0}, OffsetKind::Utf16);
  EXPECT_TRUE(e.clients.empty());
  EXPECT_TRUE(e.ds.empty());
}

TEST(ReadUpdateV1, RejectsInvalidStructs) {
  const std::vector<Bytes> bad = {
      {},                                    // nothing
      {1, 1, 1, 0, 0, 0, 0},                 // GC of length 0
      {1, 1, 1, 0, 10, 0, 0},                // Skip of length 0
      {1, 1, 1, 0, 11, 1, 0},                // content ref 11
      {1, 1, 1, 0, 31, 1, 0},                // content ref 31
      {1, 1, 1, 0, 7, 1, 1, 116, 7, 0},      // type ref 7
      {1, 1, 1, 0, 4, 2, 1, 116, 1, 97, 0},  // parent info 2
      {1, 1, 1, 0, 4, 1, 1, 116, 0, 0},      // empty string content
      {1, 1, 1, 5, 132, 1, 5, 1, 97, 0},     // origin at its own clock
      {1, 1, 1, 5, 68, 1, 9, 1, 97, 0},      // right origin after itself
      {1, 1, 1, 5, 4, 0, 1, 7, 1, 97, 0},    // parent id after itself
      {1, 1, 1, 0, 4, 1, 1, 116, 1, 97},     // delete set missing
      {1, 200, 1, 1, 0, 0, 1, 0, 0},         // struct count beyond the input
      {90, 1, 1, 0, 0, 1, 0},                // client count beyond the input
      {0, 1, 1, 50, 0, 0},                   // delete range count beyond the input
      // first clock 2^53-1 plus a GC of length 1 overflows the safe range
      {1, 1, 1, 255, 255, 255, 255, 255, 255, 255, 15, 0, 1, 0},
      // delete range 2^53-1 + 1
      {0, 1, 1, 1, 255, 255, 255, 255, 255, 255, 255, 15, 1},
  };
  for (const Bytes& b : bad) {
    EXPECT_THROW(read_update_v1(b, OffsetKind::Utf16), DecodeError) << ::testing::PrintToString(b);
  }
}

TEST(ReadUpdateV1, RefIsTheLowFiveBitsOnly) {
  // A GC whose info byte carries flags is still a GC (Yjs switches on info & 31).
  const DecodedUpdate u = read_update_v1({1, 1, 1, 0, 0x80, 3, 0}, OffsetKind::Utf16);
  EXPECT_EQ(u.clients[0].second[0].kind, Kind::GC);
  EXPECT_EQ(u.clients[0].second[0].length, 3u);
}

TEST(DeleteSetV1, KeepsRangesAsWrittenAndWritesClientsDescending) {
  // client 1: (5,1) (0,2) (3,0); client 9: no ranges (skipped); client 4: (1,1)
  const Bytes in = {3, 1, 3, 5, 1, 0, 2, 3, 0, 9, 0, 4, 1, 1, 1};
  Lib0Reader r(in);
  const DeleteSet ds = read_delete_set_v1(r);
  EXPECT_EQ(ds.clients().size(), 2u);
  EXPECT_EQ(ds.clients().at(1), (std::vector<DeleteRange>{{5, 1}, {0, 2}, {3, 0}}));
  Lib0Writer w;
  write_delete_set_v1(w, ds);
  EXPECT_EQ(w.take(), (Bytes{2, 4, 1, 1, 1, 1, 3, 5, 1, 0, 2, 3, 0}));
}

TEST(WriteStructV1, OffsetTurnsIntoOrigin) {
  const DecodedUpdate u = read_update_v1(
      {1, 1, 3, 0, 4, 1, 1, 116, 8, 240, 159, 152, 128, 240, 159, 152, 128, 0}, OffsetKind::Utf16);
  const DecodedStruct& s = u.clients[0].second[0];
  EXPECT_EQ(write_one(s, 1), (Bytes{132, 3, 0, 7, 239, 191, 189, 240, 159, 152, 128}));
  EXPECT_EQ(write_one(s, 2), (Bytes{132, 3, 1, 4, 240, 159, 152, 128}));
}

TEST(WriteStructV1, GcAndSkipWriteRemainingLength) {
  DecodedStruct gc;
  gc.kind = Kind::GC;
  gc.id = Id{1, 4};
  gc.length = 5;
  EXPECT_EQ(write_one(gc, 0), (Bytes{0, 5}));
  EXPECT_EQ(write_one(gc, 3), (Bytes{0, 2}));
  DecodedStruct skip = gc;
  skip.kind = Kind::Skip;
  EXPECT_EQ(write_one(skip, 1), (Bytes{10, 4}));
}

TEST(WriteStructV1, KeyWithOriginSetsBit6ButIsNotWritten) {
  // A map value that was split: it keeps its key but now has an origin.
  const DecodedUpdate u =
      read_update_v1({1, 1, 1, 0, 33, 1, 1, 109, 1, 107, 2, 0}, OffsetKind::Utf16);
  const DecodedStruct& s = u.clients[0].second[0];
  EXPECT_EQ(write_one(s, 1), (Bytes{161, 1, 0, 1}));
}

TEST(SliceStruct, ItemGetsOriginAndSplicedContent) {
  const DecodedUpdate u = read_update_v1(
      {1, 1, 1, 0, 4, 1, 1, 116, 6, 97, 240, 159, 152, 128, 98, 0}, OffsetKind::Utf16);
  const DecodedStruct right = slice_struct(u.clients[0].second[0], 2, OffsetKind::Utf16);
  EXPECT_EQ(right.id, (Id{1, 2}));
  EXPECT_EQ(right.length, 2u);
  EXPECT_TRUE(right.has_origin);
  EXPECT_EQ(right.origin, (Id{1, 1}));
  EXPECT_EQ(content_get<ContentString>(right.content).str, u"\uFFFDb");
  EXPECT_EQ(write_one(right, 0), (Bytes{132, 1, 1, 4, 239, 191, 189, 98}));
}

TEST(SliceStruct, GcKeepsKind) {
  DecodedStruct gc;
  gc.kind = Kind::GC;
  gc.id = Id{2, 10};
  gc.length = 4;
  const DecodedStruct right = slice_struct(gc, 3, OffsetKind::Utf16);
  EXPECT_EQ(right.kind, Kind::GC);
  EXPECT_EQ(right.id, (Id{2, 13}));
  EXPECT_EQ(right.length, 1u);
}

}  // namespace
}  // namespace crdtcore::detail
