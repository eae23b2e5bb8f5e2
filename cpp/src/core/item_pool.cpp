// item_pool.cpp — slab growth and release, and the ASan build's checked paths
// (poisoned free slots, a quarantine before reuse, a leak check at destruction).
#include "core/item_pool.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#if CRDTCORE_ITEM_POOL_ASAN
#include <sanitizer/asan_interface.h>
#endif

namespace crdtcore::detail {

ItemPool::~ItemPool() {
#if CRDTCORE_ITEM_POOL_ASAN
  if (live_ != 0) {
    std::fprintf(stderr,
                 "crdtcore: ItemPool destroyed with %zu live Items (leaked by their owner)\n",
                 live_);
    std::abort();
  }
#endif
  while (slabs_ != nullptr) {
    Slab* next = slabs_->next;
#if CRDTCORE_ITEM_POOL_ASAN
    ASAN_UNPOISON_MEMORY_REGION(slabs_, slabs_->bytes);
#endif
    ::operator delete(slabs_);
    slabs_ = next;
  }
}

void* ItemPool::grow() {
  if (fail_countdown_ != 0 && --fail_countdown_ == 0) throw std::bad_alloc();
  const size_t slots = std::min(kMaxSlabSlots, std::max<size_t>(1, slots_ / 2));
  const size_t bytes = kHeaderBytes + slots * kSlotBytes;
  char* mem = static_cast<char*>(::operator new(bytes));
  slabs_ = new (mem) Slab{slabs_, bytes};
  ++slab_count_;
  reserved_bytes_ += bytes;
  slots_ += slots;
  char* first = mem + kHeaderBytes;
  bump_ = first + kSlotBytes;
  bump_end_ = first + slots * kSlotBytes;
#if CRDTCORE_ITEM_POOL_ASAN
  ASAN_POISON_MEMORY_REGION(bump_, static_cast<size_t>(bump_end_ - bump_));
#endif
  ++live_;
  return first;
}

#if CRDTCORE_ITEM_POOL_ASAN

void* ItemPool::allocate_checked() {
  if (free_ != nullptr) {
    FreeSlot* s = free_;
    ASAN_UNPOISON_MEMORY_REGION(s, kSlotBytes);
    free_ = s->next;
    ++live_;
    return s;
  }
  if (bump_ != bump_end_) {
    void* s = bump_;
    ASAN_UNPOISON_MEMORY_REGION(s, kSlotBytes);
    bump_ += kSlotBytes;
    ++live_;
    return s;
  }
  return grow();
}

void ItemPool::release_checked(void* slot) noexcept {
  --live_;
  ASAN_POISON_MEMORY_REGION(slot, kSlotBytes);
  if (quarantine_size_ < kQuarantine) {
    quarantine_[(quarantine_head_ + quarantine_size_++) % kQuarantine] = slot;
    return;
  }
  // The quarantine is full: its oldest slot becomes reusable, `slot` takes its place.
  auto* oldest = static_cast<FreeSlot*>(quarantine_[quarantine_head_]);
  quarantine_[quarantine_head_] = slot;
  quarantine_head_ = (quarantine_head_ + 1) % kQuarantine;
  ASAN_UNPOISON_MEMORY_REGION(oldest, sizeof(FreeSlot));
  oldest->next = free_;
  free_ = oldest;
  ASAN_POISON_MEMORY_REGION(oldest, kSlotBytes);
}

#endif

}  // namespace crdtcore::detail
