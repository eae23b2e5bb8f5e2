// node_pool_test.cpp — NodePool (util/node_pool.h): nodes survive clear() and come back
// through take(), bounded; copies start empty.
#include "util/node_pool.h"

#include <map>
#include <unordered_set>

#include <gtest/gtest.h>

namespace crdtcore::detail {
namespace {

TEST(NodePool, ClearKeepsNodesForTake) {
  std::map<int, int> m{{1, 10}, {2, 20}};
  NodePool<std::map<int, int>> pool;
  pool.clear(m);
  EXPECT_TRUE(m.empty());
  auto node = pool.take();
  ASSERT_FALSE(node.empty());
  node.key() = 5;
  node.mapped() = 50;
  m.insert(std::move(node));
  EXPECT_EQ(m, (std::map<int, int>{{5, 50}}));
  EXPECT_FALSE(pool.take().empty());  // the second node
  EXPECT_TRUE(pool.take().empty());   // none left
}

TEST(NodePool, KeepsAtMostItsBound) {
  std::unordered_set<int> s{1, 2, 3, 4, 5};
  NodePool<std::unordered_set<int>, 2> pool;
  pool.clear(s);
  EXPECT_TRUE(s.empty());
  EXPECT_FALSE(pool.take().empty());
  EXPECT_FALSE(pool.take().empty());
  EXPECT_TRUE(pool.take().empty());
}

TEST(NodePool, CopyStartsEmpty) {
  std::map<int, int> m{{1, 10}};
  NodePool<std::map<int, int>> pool;
  pool.clear(m);
  NodePool<std::map<int, int>> copy(pool);
  EXPECT_TRUE(copy.take().empty());
  EXPECT_FALSE(pool.take().empty());
}

}  // namespace
}  // namespace crdtcore::detail
