// item_pool.h — ItemPool: the memory of one document's Items, carved out of slabs.
//
// A document makes and frees Items all the time (a split makes one, a merge at commit
// frees one: about two per typed patch) and keeps thousands of them. One malloc per Item
// would cost a 16-byte chunk header on each (17 % of a 96-byte Item) and scatter the
// items of one document over the heap. The pool instead hands out slots of slabs it
// allocated in one piece:
//   - a slot freed by destroy() goes to a free list and is handed out next (last in,
//     first out: the slot a merge just freed is still in the cache when the next split
//     or insert needs one); otherwise slots are taken in address order from the newest
//     slab, so items made in a row (a loaded update) sit side by side;
//   - each new slab holds half as many slots as the slabs before it together (1, 1, 1, 2,
//     3, 4, 6, ...; at least 1), up to kMaxSlabBytes: a document with one Item costs one
//     slot, a small one leaves at most a third of its slots unused (a sixth on average;
//     one malloc per Item would cost it a 16-byte header on each), a big one at most one
//     slab of ~4 KB;
//   - the destructor returns every slab to malloc: nothing outlives the document (no
//     per-thread cache).
// The StructStore owns the pool (core/struct_store.h) and is the only place that frees
// Items; an Item in flight (made, not yet handed to the store) is an OwnedItem, whose
// deleter returns it to the pool, so an exception during integration loses nothing.
//
// Under AddressSanitizer (the ASan build) free slots and the unused tail of a slab are
// poisoned, and a freed slot waits in a quarantine of kQuarantine slots before it is
// reused, so a dangling Item* is still reported as a use after free; the destructor
// aborts when items are still alive (a leak the slabs would otherwise hide from LSan).
//
// Thread safety: none (owned by one document, used by one thread at a time).
#pragma once

#include <cstddef>
#include <memory>
#include <new>
#include <utility>

#include "core/item.h"

#if defined(__SANITIZE_ADDRESS__)
#define CRDTCORE_ITEM_POOL_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CRDTCORE_ITEM_POOL_ASAN 1
#endif
#endif
#ifndef CRDTCORE_ITEM_POOL_ASAN
#define CRDTCORE_ITEM_POOL_ASAN 0
#endif

namespace crdtcore::detail {

class ItemPool;

// Destroys an Item and returns its slot to the pool that made it.
struct ItemDeleter {
  ItemPool* pool = nullptr;
  void operator()(Item* item) const noexcept;
};

// An Item made by an ItemPool that nobody else owns yet (on its way into the store).
using OwnedItem = std::unique_ptr<Item, ItemDeleter>;

class ItemPool {
 public:
  // The largest slab (one malloc chunk; glibc serves it from the heap, not mmap).
  static constexpr size_t kMaxSlabBytes = 4 * 1024;
  // How many freed slots wait (poisoned) before reuse: 0 unless built with ASan.
  static constexpr size_t kQuarantine = CRDTCORE_ITEM_POOL_ASAN ? 1024 : 0;

  ItemPool() = default;
  // Frees every slab. REQUIRES: every Item made by this pool was destroyed.
  ~ItemPool();
  ItemPool(const ItemPool&) = delete;
  ItemPool& operator=(const ItemPool&) = delete;

  // A new Item constructed from `args` (Item's constructors). Throws std::bad_alloc
  // when no slab can be allocated (nothing is allocated then).
  template <class... Args>
  OwnedItem make(Args&&... args) {
    void* slot = allocate();
    Item* item;
    try {
      item = new (slot) Item(std::forward<Args>(args)...);
    } catch (...) {
      release(slot);
      throw;
    }
    return OwnedItem(item, ItemDeleter{this});
  }

  // Runs the destructor of `item` and frees its slot for reuse.
  // REQUIRES: `item` was made by this pool and not destroyed since.
  void destroy(Item* item) noexcept {
    item->~Item();
    release(item);
  }

  // Items made and not destroyed.
  size_t live() const { return live_; }
  // Bytes of all slabs as requested from malloc (header included; malloc's own chunk
  // header of ~8-16 bytes per slab is not counted).
  size_t reserved_bytes() const { return reserved_bytes_; }
  size_t slab_count() const { return slab_count_; }
  // Fault injection for tests: the n-th slab allocation from now (1: the next one)
  // throws std::bad_alloc, once, as malloc failing would (0: none).
  void fail_nth_slab(size_t n) { fail_countdown_ = n; }

 private:
  struct FreeSlot {
    FreeSlot* next;
  };
  struct Slab {
    Slab* next;
    size_t bytes;
  };
  static constexpr size_t kSlotBytes = sizeof(Item);
  static constexpr size_t kHeaderBytes =
      (sizeof(Slab) + alignof(Item) - 1) / alignof(Item) * alignof(Item);
  static constexpr size_t kMaxSlabSlots = (kMaxSlabBytes - kHeaderBytes) / kSlotBytes;
  static_assert(alignof(Item) <= alignof(std::max_align_t), "slabs come from operator new");
  static_assert(sizeof(Item) >= sizeof(FreeSlot), "a free slot holds the free-list link");
  static_assert(kMaxSlabSlots >= 1, "kMaxSlabBytes holds at least one Item");

  void* allocate() {
#if CRDTCORE_ITEM_POOL_ASAN
    return allocate_checked();
#else
    if (free_ != nullptr) {
      FreeSlot* s = free_;
      free_ = s->next;
      ++live_;
      return s;
    }
    if (bump_ != bump_end_) {
      void* s = bump_;
      bump_ += kSlotBytes;
      ++live_;
      return s;
    }
    return grow();
#endif
  }
  void release(void* slot) noexcept {
#if CRDTCORE_ITEM_POOL_ASAN
    release_checked(slot);
#else
    --live_;
    auto* s = static_cast<FreeSlot*>(slot);
    s->next = free_;
    free_ = s;
#endif
  }
  // A new slab; returns its first slot (and counts it in live_).
  void* grow();
#if CRDTCORE_ITEM_POOL_ASAN
  // The ASan build's allocate/release: poisoning and the quarantine (item_pool.cpp).
  void* allocate_checked();
  void release_checked(void* slot) noexcept;
#endif

  FreeSlot* free_ = nullptr;
  char* bump_ = nullptr;  // next never-used slot of the newest slab
  char* bump_end_ = nullptr;
  size_t live_ = 0;
  Slab* slabs_ = nullptr;  // newest first
  size_t slab_count_ = 0;
  size_t slots_ = 0;  // in all slabs
  size_t reserved_bytes_ = 0;
  size_t fail_countdown_ = 0;
#if CRDTCORE_ITEM_POOL_ASAN
  void* quarantine_[kQuarantine] = {};  // a ring; oldest at quarantine_head_
  size_t quarantine_head_ = 0;
  size_t quarantine_size_ = 0;
#endif
};

inline void ItemDeleter::operator()(Item* item) const noexcept { pool->destroy(item); }

}  // namespace crdtcore::detail
