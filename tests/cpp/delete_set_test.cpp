// Tests for DeleteSet (yjs-format.md §3.5; Yjs sortAndMergeDeleteSet / isDeleted).

#include "crdtcore/delete_set.h"

#include <random>
#include <set>
#include <vector>

#include <gtest/gtest.h>

#include "crdtcore/error.h"

namespace crdtcore {
namespace {

using Ranges = std::vector<DeleteRange>;

TEST(DeleteSet, AddIgnoresEmptyRanges) {
  DeleteSet ds;
  ds.add(1, 5, 0);
  EXPECT_TRUE(ds.empty());
  EXPECT_TRUE(ds.clients().empty());
  ds.add(1, 5, 2);
  EXPECT_FALSE(ds.empty());
}

TEST(DeleteSet, SortAndMergeCoalescesOverlappingAndTouching) {
  DeleteSet ds;
  ds.add(1, 10, 2);  // [10,12)
  ds.add(1, 0, 3);   // [0,3)
  ds.add(1, 3, 1);   // touches [0,3)
  ds.add(1, 11, 5);  // overlaps [10,12)
  ds.add(1, 12, 1);  // inside
  ds.add(1, 20, 1);  // disjoint
  ds.add(1, 10, 1);  // same start
  ds.sort_and_merge();
  EXPECT_EQ(ds.clients().at(1), (Ranges{{0, 4}, {10, 6}, {20, 1}}));
}

TEST(DeleteSet, SortAndMergeKeepsGaps) {
  DeleteSet ds;
  ds.add(2, 5, 1);
  ds.add(2, 7, 1);
  ds.sort_and_merge();
  EXPECT_EQ(ds.clients().at(2), (Ranges{{5, 1}, {7, 1}}));
}

TEST(DeleteSet, SortAndMergeDropsEmptyClients) {
  DeleteSet ds;
  ds.clients()[4];  // an entry without ranges
  ds.add(5, 0, 1);
  ds.sort_and_merge();
  EXPECT_EQ(ds.clients().count(4), 0u);
  EXPECT_EQ(ds.clients().count(5), 1u);
}

TEST(DeleteSet, ContainsUsesRangeBounds) {
  DeleteSet ds;
  ds.add(1, 10, 5);
  ds.add(1, 20, 1);
  ds.add(1, 0, 1);
  ds.sort_and_merge();
  EXPECT_TRUE(ds.contains({1, 0}));
  EXPECT_FALSE(ds.contains({1, 1}));
  EXPECT_FALSE(ds.contains({1, 9}));
  EXPECT_TRUE(ds.contains({1, 10}));
  EXPECT_TRUE(ds.contains({1, 14}));
  EXPECT_FALSE(ds.contains({1, 15}));
  EXPECT_TRUE(ds.contains({1, 20}));
  EXPECT_FALSE(ds.contains({1, 21}));
  EXPECT_FALSE(ds.contains({2, 10}));
}

TEST(DeleteSet, MergeFromIsUnion) {
  DeleteSet a;
  a.add(1, 0, 2);
  DeleteSet b;
  b.add(1, 2, 2);
  b.add(7, 5, 1);
  a.merge_from(b);
  a.sort_and_merge();
  EXPECT_EQ(a.clients().at(1), (Ranges{{0, 4}}));
  EXPECT_EQ(a.clients().at(7), (Ranges{{5, 1}}));
}

TEST(DeleteSet, EncodesClientsDescending) {
  DeleteSet ds;
  ds.add(1, 0, 1);
  ds.add(300, 2, 3);
  ds.add(300, 10, 1);
  ds.sort_and_merge();
  EXPECT_EQ(ds.encode(), (Bytes{2, 172, 2, 2, 2, 3, 10, 1, 1, 1, 0, 1}));
  EXPECT_EQ(DeleteSet().encode(), Bytes{0});
}

TEST(DeleteSet, DecodeKeepsWireOrderAndSkipsEmpty) {
  // client 5: ranges (8,2) (0,0) (1,1); client 6: no ranges; client 7: only (3,0)
  const DeleteSet ds = DeleteSet::decode(Bytes{3, 5, 3, 8, 2, 0, 0, 1, 1, 6, 0, 7, 1, 3, 0});
  EXPECT_EQ(ds.clients().size(), 1u);
  EXPECT_EQ(ds.clients().at(5), (Ranges{{8, 2}, {1, 1}}));
}

TEST(DeleteSet, DecodeIgnoresTrailingBytes) {
  const DeleteSet ds = DeleteSet::decode(Bytes{1, 5, 1, 0, 1, 42});
  EXPECT_EQ(ds.clients().at(5), (Ranges{{0, 1}}));
}

TEST(DeleteSet, DecodeMalformedThrows) {
  EXPECT_THROW(DeleteSet::decode(Bytes{}), DecodeError);
  EXPECT_THROW(DeleteSet::decode(Bytes{1, 5}), DecodeError);
  EXPECT_THROW(DeleteSet::decode(Bytes{1, 5, 1, 0}), DecodeError);
  EXPECT_THROW(DeleteSet::decode(Bytes{1, 5, 200, 1, 0, 1}), DecodeError);         // range count
  EXPECT_THROW(DeleteSet::decode(Bytes{255, 255, 255, 255, 15, 0}), DecodeError);  // client count
  // clock 2^53-1 with len 1 ends beyond 2^53-1.
  EXPECT_THROW(DeleteSet::decode(Bytes{1, 5, 1, 255, 255, 255, 255, 255, 255, 255, 15, 1}),
               DecodeError);
  EXPECT_NO_THROW(DeleteSet::decode(Bytes{1, 5, 1, 255, 255, 255, 255, 255, 255, 255, 15, 0}));
}

TEST(DeleteSet, RandomAgainstNaiveModel) {
  std::mt19937 rng(11);
  for (int round = 0; round < 300; ++round) {
    DeleteSet ds;
    std::set<std::pair<ClientId, Clock>> model;
    const int n = static_cast<int>(rng() % 12);
    for (int i = 0; i < n; ++i) {
      const ClientId client = rng() % 3;
      const Clock clock = rng() % 40;
      const uint64_t len = rng() % 6;
      ds.add(client, clock, len);
      for (uint64_t k = 0; k < len; ++k) model.insert({client, clock + k});
    }
    const DeleteSet decoded = DeleteSet::decode(ds.encode());
    ASSERT_EQ(decoded, ds);
    ds.sort_and_merge();
    for (const auto& [client, ranges] : ds.clients()) {
      for (size_t i = 1; i < ranges.size(); ++i) {
        ASSERT_GT(ranges[i].clock, ranges[i - 1].end());  // sorted, no overlap, no touching
      }
    }
    for (ClientId c = 0; c < 3; ++c) {
      for (Clock k = 0; k < 50; ++k) {
        ASSERT_EQ(ds.contains({c, k}), model.count({c, k}) == 1) << round << " " << c << " " << k;
      }
    }
  }
}

TEST(DeleteSet, ClientOrderIsFirstAddOrderThenOthersAscending) {
  DeleteSet ds;
  ds.add(9, 0, 1);
  ds.add(3, 0, 1);
  ds.add(9, 5, 1);  // not listed twice
  ds.add(5, 0, 1);
  EXPECT_EQ(ds.client_order(), (std::vector<ClientId>{9, 3, 5}));
  ds.clients()[1].push_back(DeleteRange{0, 1});  // a decoder's client: after the others
  ds.clients()[7].push_back(DeleteRange{0, 1});
  EXPECT_EQ(ds.client_order(), (std::vector<ClientId>{9, 3, 5, 1, 7}));
  ds.clients()[3].clear();
  ds.sort_and_merge();  // drops client 3 from the order too
  ds.add(3, 4, 1);      // added again: now last among the added ones
  EXPECT_EQ(ds.client_order(), (std::vector<ClientId>{9, 5, 3, 1, 7}));
  DeleteSet other;
  other.merge_from(ds);  // keeps ds's order
  EXPECT_EQ(other.client_order(), (std::vector<ClientId>{9, 5, 3, 1, 7}));
  ds.clear();
  EXPECT_TRUE(ds.client_order().empty());
}

// clear() keeps a few entries for reuse (a transaction's set is cleared and refilled every
// time): a reused entry must not carry its old client or ranges into the new contents,
// and a copy must not share or expose them.
TEST(DeleteSet, ReuseAfterClearStartsEmpty) {
  DeleteSet ds;
  ds.add(7, 0, 3);
  ds.add(9, 5, 1);
  ds.clear();
  EXPECT_TRUE(ds.empty());
  EXPECT_TRUE(ds.clients().empty());
  ds.add(4, 10, 2);
  ds.sort_and_merge();
  ASSERT_EQ(ds.clients().size(), 1u);
  EXPECT_EQ(ds.clients().at(4), (std::vector<DeleteRange>{{10, 2}}));
  EXPECT_EQ(ds.client_order(), (std::vector<ClientId>{4}));
  EXPECT_FALSE(ds.contains(Id{7, 1}));
  DeleteSet copy = ds;
  copy.clear();
  copy.add(4, 1, 1);
  copy.sort_and_merge();
  EXPECT_EQ(copy.clients().at(4), (std::vector<DeleteRange>{{1, 1}}));
  EXPECT_EQ(ds.clients().at(4), (std::vector<DeleteRange>{{10, 2}}));
}

}  // namespace
}  // namespace crdtcore
