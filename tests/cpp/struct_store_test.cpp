// struct_store_test.cpp — the per-client struct list (a gap buffer) and find_index.
#include "core/struct_store.h"

#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "core/item.h"
#include "core/item_pool.h"

namespace crdtcore::detail {
namespace {

// ItemList must behave exactly like a std::vector<Item*> under any mix of
// push_back / insert / erase, wherever its gap currently is.
TEST(ItemList, MatchesVectorModelUnderRandomEdits) {
  std::mt19937 rng(7);
  ItemPool pool;
  std::vector<OwnedItem> owned;
  auto fresh = [&] {
    owned.push_back(pool.make());
    return owned.back().get();
  };
  ItemList list;
  std::vector<Item*> model;
  for (int step = 0; step < 20000; ++step) {
    const int op = static_cast<int>(rng() % 10);
    if (op < 4 || model.empty()) {
      Item* x = fresh();
      list.push_back(x);
      model.push_back(x);
    } else if (op < 7) {
      const size_t pos = rng() % (model.size() + 1);
      Item* x = fresh();
      list.insert(pos, x);
      model.insert(model.begin() + static_cast<std::ptrdiff_t>(pos), x);
    } else {
      const size_t first = rng() % model.size();
      const size_t last = first + rng() % (std::min<size_t>(model.size() - first, 4) + 1);
      list.erase(first, last);
      model.erase(model.begin() + static_cast<std::ptrdiff_t>(first),
                  model.begin() + static_cast<std::ptrdiff_t>(last));
    }
    ASSERT_EQ(list.size(), model.size()) << "step " << step;
    if (step % 97 == 0) {
      for (size_t i = 0; i < model.size(); ++i)
        ASSERT_EQ(list[i], model[i]) << "step " << step << " index " << i;
    }
  }
  for (size_t i = 0; i < model.size(); ++i) EXPECT_EQ(list[i], model[i]);
  if (!model.empty()) {
    EXPECT_EQ(list.front(), model.front());
    EXPECT_EQ(list.back(), model.back());
  }
}

TEST(ItemList, AssignThroughIndexWritesTheElement) {
  Item a, b, c;
  ItemList list;
  list.push_back(&a);
  list.push_back(&b);
  list.insert(1, &c);  // moves the gap into the middle
  list[2] = &a;
  EXPECT_EQ(list[0], &a);
  EXPECT_EQ(list[1], &c);
  EXPECT_EQ(list[2], &a);
}

// find_index returns the struct containing a clock, for structs of uneven length.
TEST(StructStore, FindIndexLocatesEveryClock) {
  std::mt19937 rng(3);
  ItemPool pool;
  std::vector<OwnedItem> owned;
  ItemList list;
  Clock clock = 0;
  for (int i = 0; i < 500; ++i) {
    owned.push_back(pool.make());
    Item* it = owned.back().get();
    it->id = Id{1, clock};
    it->length = 1 + rng() % 7;
    clock += it->length;
    list.push_back(it);
  }
  for (Clock c = 0; c < clock; ++c) {
    const size_t idx = StructStore::find_index(list, c);
    ASSERT_LE(list[idx]->id.clock, c);
    ASSERT_LT(c, list[idx]->id.clock + list[idx]->length);
  }
}

}  // namespace
}  // namespace crdtcore::detail
