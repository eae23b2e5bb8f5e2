// struct_store_test.cpp — the per-client struct list (a gap buffer) and find_index.
#include "core/struct_store.h"

#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "api/access.h"
#include "core/doc_state.h"
#include "core/item.h"
#include "core/item_pool.h"
#include "crdtcore/crdtcore.h"

#include "doc_test_util.h"

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
    it->content = ContentDeleted{1 + rng() % 7};
    clock += it->length();
    list.push_back(it);
  }
  for (Clock c = 0; c < clock; ++c) {
    const size_t idx = StructStore::find_index(list, c);
    ASSERT_LE(list[idx]->id.clock, c);
    ASSERT_LT(c, list[idx]->id.clock + list[idx]->length());
  }
}

// A document loaded from one update gets lists of about its size (the update's struct
// count and room for a gap), not the next power of two; updates that follow still grow
// the list geometrically.
TEST(StructStore, ALoadedListIsReservedToTheUpdatesSize) {
  Doc src = testutil::make_doc(1);
  Text t = src.get_text("t");
  for (int i = 0; i < 3000; ++i) t.insert(0, "ab");  // 3000 structs: none merges
  t.remove_range(100, 1001);                         // splits, GC structs
  const Bytes update = src.encode_state_as_update();
  ASSERT_NE(Access::doc_ptr(src)->store.list(1), nullptr);
  const size_t n = Access::doc_ptr(src)->store.list(1)->size();
  ASSERT_GT(n, 2048u);

  Doc d = testutil::make_doc(2);
  d.apply_update(update);
  const ItemList* list = Access::doc_ptr(d)->store.list(1);
  ASSERT_NE(list, nullptr);
  ASSERT_EQ(list->size(), n);
  EXPECT_LE(list->capacity(), n + n / 16 + 16);  // doubling would give 4096 or more

  // One struct per update: the list still grows by doubling, not one slot at a time.
  Doc typist = testutil::make_doc(4);
  testutil::UpdateLog log(typist);
  Text typed = typist.get_text("t");
  for (int i = 0; i < 500; ++i) typed.insert(0, "c");
  Doc e = testutil::make_doc(3);
  std::vector<size_t> capacities;  // each distinct capacity: one reallocation
  for (const Bytes& u : log.all()) {
    e.apply_update(u);
    const size_t c = Access::doc_ptr(e)->store.list(4)->capacity();
    if (capacities.empty() || capacities.back() != c) capacities.push_back(c);
  }
  const ItemList* small = Access::doc_ptr(e)->store.list(4);
  EXPECT_EQ(small->size(), 500u);
  EXPECT_LE(small->capacity(), 2 * 500u + 16);
  EXPECT_LE(capacities.size(), 12u);  // 17, 34, 68, ...: not every 17 structs
}

}  // namespace
}  // namespace crdtcore::detail
