// small_flat_test.cpp — SortedVecMap and PtrSet (util/small_flat.h): ascending
// iteration and emplace's contract for the map; membership, erase and the switch to a
// hash index past kIndexFrom entries for the set, checked against std containers.
#include "util/small_flat.h"

#include <map>
#include <random>
#include <set>
#include <vector>

#include <gtest/gtest.h>

namespace crdtcore::detail {
namespace {

TEST(SortedVecMap, IteratesAscendingAndKeepsTheFirstValue) {
  SortedVecMap<uint64_t, uint64_t> m;
  EXPECT_TRUE(m.empty());
  EXPECT_TRUE(m.emplace(7, 70).second);
  EXPECT_TRUE(m.emplace(3, 30).second);
  EXPECT_TRUE(m.emplace(9, 90).second);
  EXPECT_FALSE(m.emplace(3, 31).second);  // present: unchanged
  std::vector<std::pair<uint64_t, uint64_t>> seen(m.begin(), m.end());
  EXPECT_EQ(seen, (std::vector<std::pair<uint64_t, uint64_t>>{{3, 30}, {7, 70}, {9, 90}}));
  EXPECT_EQ(m.find(3)->second, 30u);
  EXPECT_EQ(m.find(4), m.end());
  EXPECT_EQ(m.find(10), m.end());
  EXPECT_EQ(m.find(0), m.end());
  m.clear();
  EXPECT_TRUE(m.empty());
  EXPECT_EQ(m.find(7), m.end());
}

TEST(SortedVecMap, MatchesStdMapOnRandomKeys) {
  std::mt19937_64 rng(12);
  for (int round = 0; round < 50; ++round) {
    SortedVecMap<uint64_t, int> m;
    std::map<uint64_t, int> expect;
    for (int i = 0; i < 40; ++i) {
      const uint64_t k = rng() % 30;
      EXPECT_EQ(m.emplace(k, i).second, expect.emplace(k, i).second);
      const uint64_t q = rng() % 32;
      const auto it = m.find(q);
      ASSERT_EQ(it == m.end(), expect.count(q) == 0);
      if (it != m.end()) {
        EXPECT_EQ(it->second, expect[q]);
      }
    }
    using Pairs = std::vector<std::pair<uint64_t, int>>;
    EXPECT_EQ(Pairs(m.begin(), m.end()), Pairs(expect.begin(), expect.end()));
  }
}

TEST(PtrSet, MatchesStdSetAcrossTheIndexThreshold) {
  std::vector<int> objects(100);
  std::mt19937_64 rng(7);
  PtrSet<int> s;
  std::set<int*> expect;
  for (int i = 0; i < 5000; ++i) {
    int* p = &objects[rng() % (i < 2500 ? 24 : objects.size())];
    if (rng() % 3 == 0) {
      EXPECT_EQ(s.erase(p), expect.erase(p));
    } else {
      EXPECT_EQ(s.insert(p), expect.insert(p).second);
    }
    ASSERT_EQ(s.size(), expect.size());
    int* q = &objects[rng() % objects.size()];
    ASSERT_EQ(s.count(q), expect.count(q));
  }
  EXPECT_GT(expect.size(), PtrSet<int>::kIndexFrom);  // the hash index was exercised
  EXPECT_EQ(std::set<int*>(s.begin(), s.end()), expect);
  s.clear();
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s.count(&objects[0]), 0u);
  EXPECT_TRUE(s.insert(&objects[0]));
  EXPECT_EQ(s.count(&objects[0]), 1u);
}

}  // namespace
}  // namespace crdtcore::detail
