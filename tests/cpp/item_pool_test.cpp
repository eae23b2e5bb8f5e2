// item_pool_test.cpp — the per-document Item pool (core/item_pool.h): slots are reused
// last-freed first, slabs grow from one slot to the cap, a document's Items are all in
// its store, its memory goes back to malloc when it dies, a failed slab allocation in
// the middle of an update loses and leaks nothing, and (ASan build) freed slots are
// poisoned.
#include "core/item_pool.h"

#include <malloc.h>

#include <cstdint>
#include <new>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "api/access.h"
#include "core/doc_state.h"
#include "crdtcore/crdtcore.h"

#include "doc_test_util.h"

#if CRDTCORE_ITEM_POOL_ASAN
#include <sanitizer/asan_interface.h>
#endif

namespace crdtcore {
namespace {

using detail::Item;
using detail::ItemPool;
using detail::OwnedItem;
using testutil::make_doc;

detail::DocImpl& impl(const Doc& d) { return *detail::Access::doc_ptr(d); }

size_t store_items(const Doc& d) {
  size_t n = 0;
  for (const auto& kv : impl(d).store.clients()) n += kv.second.size();
  return n;
}

// A document of `n` one-character items: each typed at the start, so none merges.
void type_at_start(Doc& d, int n) {
  Text t = d.get_text("t");
  for (int i = 0; i < n; ++i) t.insert(0, std::string(1, static_cast<char>('a' + i % 26)));
}

TEST(ItemPool, ReusesTheLastFreedSlotFirst) {
  ItemPool pool;
  std::vector<OwnedItem> items;
  for (size_t i = 0; i < ItemPool::kQuarantine + 3; ++i) items.push_back(pool.make());
  const size_t slabs = pool.slab_count();
  const size_t bytes = pool.reserved_bytes();
  Item* freed = items[0].get();
  items[0].reset();
  // (The ASan build holds freed slots back: kQuarantine more frees release this one.)
  for (size_t i = 1; i <= ItemPool::kQuarantine; ++i) items[i].reset();
  EXPECT_EQ(pool.live(), 2u);
  OwnedItem again = pool.make();
  EXPECT_EQ(again.get(), freed);
  EXPECT_EQ(pool.slab_count(), slabs);
  EXPECT_EQ(pool.reserved_bytes(), bytes);
  EXPECT_EQ(pool.live(), 3u);
}

TEST(ItemPool, SlabsGrowFromOneSlotToTheCap) {
  ItemPool pool;
  std::vector<OwnedItem> items;
  items.push_back(pool.make());
  EXPECT_EQ(pool.slab_count(), 1u);
  EXPECT_LE(pool.reserved_bytes(), sizeof(Item) + 16);  // one slot and a small header
  size_t prev_bytes = pool.reserved_bytes();
  size_t prev_slabs = 1;
  size_t last_slab_bytes = prev_bytes;
  for (int i = 1; i < 5000; ++i) {
    items.push_back(pool.make());
    if (pool.slab_count() != prev_slabs) {
      const size_t slab_bytes = pool.reserved_bytes() - prev_bytes;
      EXPECT_LE(slab_bytes, ItemPool::kMaxSlabBytes);
      EXPECT_GE(slab_bytes, last_slab_bytes) << "slabs never shrink";
      last_slab_bytes = slab_bytes;
      prev_bytes = pool.reserved_bytes();
      prev_slabs = pool.slab_count();
    }
  }
  EXPECT_GT(last_slab_bytes, ItemPool::kMaxSlabBytes - sizeof(Item) - 16);  // reached the cap
  // Unused: at most one slab's worth; headers: a few bytes per slab.
  const size_t used = items.size() * sizeof(Item);
  EXPECT_LE(pool.reserved_bytes() - used, ItemPool::kMaxSlabBytes + 16 * pool.slab_count());
  EXPECT_LT(pool.slab_count(), 5000 / 10);  // 5000 Items in a few hundred mallocs at most
}

TEST(ItemPool, ItemsMadeInARowSitSideBySide) {
  ItemPool pool;
  std::vector<Item*> items;
  std::vector<OwnedItem> owned;
  for (int i = 0; i < 300; ++i) {
    owned.push_back(pool.make());
    items.push_back(owned.back().get());
  }
  // Consecutive Items share a slab except where a new slab begins.
  int adjacent = 0;
  for (size_t i = 1; i < items.size(); ++i) {
    const auto a = reinterpret_cast<uintptr_t>(items[i - 1]);
    const auto b = reinterpret_cast<uintptr_t>(items[i]);
    if (b == a + sizeof(Item)) ++adjacent;
  }
  EXPECT_GE(adjacent, static_cast<int>(items.size()) - static_cast<int>(pool.slab_count()));
}

TEST(ItemPool, AFailedSlabAllocationThrowsAndCountsNothing) {
  ItemPool pool;
  OwnedItem first = pool.make();
  pool.fail_nth_slab(1);
  EXPECT_THROW(pool.make(), std::bad_alloc);
  EXPECT_EQ(pool.live(), 1u);
  EXPECT_EQ(pool.slab_count(), 1u);
  OwnedItem second = pool.make();  // once only
  EXPECT_EQ(pool.live(), 2u);
}

// Every Item the pool counts as alive is one of the store's structs: splits, merges,
// GC replacements and the integration of updates all go through it.
TEST(ItemPool, LiveItemsAreExactlyTheStoresStructs) {
  Doc a = make_doc(1);
  type_at_start(a, 200);
  Text t = a.get_text("t");
  t.remove_range(10, 50);  // splits, then GC structs replace the deleted items
  t.insert(100, "hello world");
  t.remove_range(0, 5);
  EXPECT_EQ(impl(a).store.pool().live(), store_items(a));

  Doc b = make_doc(2);
  b.apply_update(a.encode_state_as_update());
  b.get_text("t").insert(3, "xyz");  // a split of a remote item
  EXPECT_EQ(impl(b).store.pool().live(), store_items(b));
  EXPECT_EQ(b.get_text("t").length(), t.length() + 3);
}

TEST(ItemPool, ADocumentWithOneItemReservesOneSlot) {
  Doc d = make_doc(1);
  d.get_text("t").insert(0, "hello");
  const ItemPool& pool = impl(d).store.pool();
  EXPECT_EQ(pool.live(), 1u);
  EXPECT_LE(pool.reserved_bytes(), sizeof(Item) + 16);
}

#if !CRDTCORE_ITEM_POOL_ASAN  // ASan's allocator does not keep glibc's statistics

size_t heap_in_use() {
  const struct mallinfo2 mi = mallinfo2();
  return mi.uordblks + mi.hblkhd;
}

// A dead document leaves no Item memory behind (in the thread or anywhere): the heap in
// use returns to what it was, give or take the few small chunks glibc's per-thread cache
// (tcache) holds, which mallinfo2 counts as in use (a few KB), where keeping the Items
// would be 4000 * sizeof(Item). A small document first makes the one-time allocations
// (lazy statics) of the code paths involved.
TEST(ItemPool, MemoryGoesBackToMallocWhenTheDocumentDies) {
  {
    Doc warm = make_doc(1);
    type_at_start(warm, 20);
    warm.get_text("t").remove_range(2, 5);
  }
  const size_t before = heap_in_use();
  {
    Doc d = make_doc(1);
    type_at_start(d, 5000);
    d.get_text("t").remove_range(100, 1000);
    ASSERT_GE(impl(d).store.pool().live(), 4000u);
    EXPECT_GE(heap_in_use(), before + 4000 * sizeof(Item));  // the measure sees the Items
  }
  const size_t after = heap_in_use();
  EXPECT_LE(after, before + 32 * 1024) << "before " << before << " after " << after;
}

#endif

// A slab allocation failing while an update is integrated: the exception reaches the
// caller, every Item made is in the store (none lost in flight, none leaked: the ASan
// build's pool aborts on leaked Items), the document stays consistent, and applying the
// update again completes it.
TEST(ItemPool, AnUpdateInterruptedByAFailedAllocationLosesNothing) {
  Doc src = make_doc(1);
  type_at_start(src, 3000);
  src.get_text("t").remove_range(500, 700);
  const Bytes update = src.encode_state_as_update();
  const std::string want = src.get_text("t").to_string();
  Doc ref = make_doc(2);
  ref.apply_update(update);

  for (size_t nth : {1u, 4u, 9u, 14u}) {
    Doc d = make_doc(2);
    impl(d).store.pool().fail_nth_slab(nth);
    EXPECT_THROW(d.apply_update(update), std::bad_alloc) << "slab " << nth;
    const ItemPool& pool = impl(d).store.pool();
    EXPECT_EQ(pool.live(), store_items(d)) << "slab " << nth;
    EXPECT_LT(store_items(d), store_items(ref)) << "slab " << nth;
    d.apply_update(update);
    EXPECT_EQ(d.get_text("t").to_string(), want) << "slab " << nth;
    EXPECT_EQ(pool.live(), store_items(d)) << "slab " << nth;
    EXPECT_EQ(d.encode_state_as_update(), ref.encode_state_as_update()) << "slab " << nth;
  }
}

#if CRDTCORE_ITEM_POOL_ASAN

// Freed slots and a slab's unused tail are poisoned, so a dangling Item* is reported as
// a use after free; a slot handed out again is usable.
TEST(ItemPool, FreedSlotsArePoisoned) {
  ItemPool pool;
  std::vector<OwnedItem> items;
  for (int i = 0; i < 3; ++i) items.push_back(pool.make());
  Item* dangling = items[1].get();
  EXPECT_FALSE(__asan_address_is_poisoned(dangling));
  items[1].reset();
  EXPECT_TRUE(__asan_address_is_poisoned(dangling));
  EXPECT_TRUE(__asan_address_is_poisoned(reinterpret_cast<char*>(dangling) + sizeof(Item) - 1));
  // Slabs of 1, 1, 1 slots are full: a new slab; what follows its slot (another slot or
  // the end of the slab) is poisoned.
  OwnedItem next = pool.make();
  EXPECT_FALSE(__asan_address_is_poisoned(next.get()));
  EXPECT_TRUE(__asan_address_is_poisoned(reinterpret_cast<char*>(next.get()) + sizeof(Item)));
}

TEST(ItemPoolDeathTest, UseAfterFreeOfAnItemIsReported) {
  EXPECT_DEATH(
      {
        ItemPool pool;
        OwnedItem item = pool.make();
        Item* dangling = item.get();
        item.reset();
        volatile uint8_t flags = dangling->flags();
        (void)flags;
      },
      "use-after-poison");
}

#endif

}  // namespace
}  // namespace crdtcore
