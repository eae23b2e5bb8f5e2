// struct_store.h — StructStore: per client, the gap-free run of structs ordered by
// clock (Yjs src/utils/StructStore.js).
//
// Invariants: for each client, structs[i].end() == structs[i+1].id.clock and
// structs[0].id.clock == 0. The store owns every Item: their memory is its ItemPool's
// (core/item_pool.h), made with new_item() and freed only by replace(), erase_merged()
// and the destructor, which returns all of it to malloc.
// Thread safety: none (owned by one DocImpl).
#pragma once

#include <algorithm>
#include <memory>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/item.h"
#include "core/item_pool.h"
#include "crdtcore/id.h"
#include "crdtcore/state_vector.h"

namespace crdtcore::detail {

// ItemList: one client's structs in clock order, as a gap buffer of raw pointers
// (owned by the StructStore). Splits and merges insert and erase in the middle of
// the run; edits cluster in time, so moving the gap to the edit is usually short,
// where a plain vector would shift the whole tail every time.
class ItemList {
 public:
  size_t size() const { return buf_.size() - gap(); }
  size_t capacity() const { return buf_.capacity(); }  // slots allocated (gap included)
  bool empty() const { return size() == 0; }
  Item* operator[](size_t i) const { return i < gap_start_ ? buf_[i] : buf_[i + gap()]; }
  Item*& operator[](size_t i) { return i < gap_start_ ? buf_[i] : buf_[i + gap()]; }
  Item* front() const { return (*this)[0]; }
  Item* back() const { return (*this)[size() - 1]; }
  void push_back(Item* x) {
    if (gap_end_ == buf_.size() && gap() > 0) {
      buf_[gap_start_++] = x;
    } else {
      buf_.push_back(x);
    }
  }
  // Room for `n` more structs (an update about to add them) and for the gap that splits
  // between them open (n / 16 + 16), so that a document loaded from one update gets a list
  // of about its size, not of the next power of two (std::vector's doubling when that is
  // more: a run of updates still grows the list geometrically).
  void reserve_more(size_t n) {
    const size_t need = buf_.size() + n + n / 16 + 16;
    if (need > buf_.capacity()) buf_.reserve(std::max(need, 2 * buf_.capacity()));
  }
  // Inserts x before position pos.
  void insert(size_t pos, Item* x);
  // Removes positions [first, last) (does not free them).
  void erase(size_t first, size_t last);
  // Where StructStore::find_index() found a struct last (a guess it checks before
  // searching: lookups cluster around the edit; inserts and erases may make it stale).
  size_t hint() const { return hint_; }
  void set_hint(size_t pos) const { hint_ = pos; }

 private:
  size_t gap() const { return gap_end_ - gap_start_; }
  void move_gap(size_t pos);
  std::vector<Item*> buf_;
  size_t gap_start_ = 0;
  size_t gap_end_ = 0;
  mutable size_t hint_ = 0;
};

class StructStore {
 public:
  StructStore() = default;
  ~StructStore();
  StructStore(const StructStore&) = delete;
  StructStore& operator=(const StructStore&) = delete;

  // Next expected clock of `client` (0 when unknown).
  Clock state(ClientId client) const;
  StateVector state_vector() const;
  void state_vector_into(StateVector& sv) const;  // the same, in sv's storage

  // A new Item constructed from `args`, in this store's pool; the caller owns it until
  // it hands it to add(), insert_split() or replace() (dropping it frees it).
  template <class... Args>
  OwnedItem new_item(Args&&... args) {
    return pool_.make(std::forward<Args>(args)...);
  }
  ItemPool& pool() { return pool_; }
  const ItemPool& pool() const { return pool_; }

  // Appends and takes ownership (not when it throws). REQUIRES: item->id.clock ==
  // state(item->id.client); `item` comes from new_item() of this store.
  void add(OwnedItem item);

  // Room for `n` more structs of `client` (an update is about to add them), so that a
  // document loaded from one update gets lists of its size rather than of the next power
  // of two. For a client without a list yet, the list is made that size when its first
  // struct comes (add()), unless clear_reservations() comes first.
  void reserve(ClientId client, size_t n);
  void clear_reservations() { reservations_.clear(); }

  // The store is the only place that frees Items; these are the ways one leaves it.
  // Inserts the right half of a split after position `pos` of `list` (one of this
  // store's lists) and takes ownership (not when it throws).
  void insert_split(ItemList& list, size_t pos, OwnedItem right);
  // Replaces the struct at `pos` of `list` with `replacement` (garbage collection) and
  // frees the old one.
  void replace(ItemList& list, size_t pos, OwnedItem replacement);
  // Frees and removes positions [first, last) of `list` (structs merged into their left
  // neighbour; nothing may point at them any more).
  void erase_merged(ItemList& list, size_t first, size_t last);

  // Index of the struct containing `clock` (Yjs findIndexSS, pivoted binary search;
  // the list's hint and its neighbours are tried first).
  // REQUIRES: clock < state of that list.
  static size_t find_index(const ItemList& list, Clock clock);

  // Struct containing `id`, or null when the store does not have it.
  Item* find(const Id& id) const;
  // The list of `client`, or null (the last one looked up is cached: edits cluster).
  ItemList* list(ClientId client) {
    if (cached_list_ != nullptr && cached_client_ == client) return cached_list_;
    return lookup_list(client);
  }
  const ItemList* list(ClientId client) const {
    return const_cast<StructStore*>(this)->list(client);
  }
  // Yjs Item.redone, as a side table (only items an UndoManager redid have an entry;
  // Item::kRedone marks them). redone(item): the id of the copy, or null.
  const Id* redone(const Item* item) const;
  // Records that `item` was redone as `copy` and sets its kRedone flag.
  void set_redone(Item* item, const Id& copy);

  // Clients in the order the store first saw them (Yjs store.clients' Map order).
  const std::vector<ClientId>& client_order() const { return client_order_; }
  const std::unordered_map<ClientId, ItemList>& clients() const { return clients_; }
  std::unordered_map<ClientId, ItemList>& clients() { return clients_; }

 private:
  // The list of a client seen for the first time (with its reservation, if any); out of
  // line: add() is on every insert's path.
  [[gnu::noinline]] ItemList* new_list(ClientId client);
  // list() when the cache misses: looks the client up and caches its list.
  ItemList* lookup_list(ClientId client);

  ItemPool pool_;  // first: destroyed after the items in clients_
  std::unordered_map<ClientId, ItemList> clients_;
  std::unordered_map<Id, Id, IdHash> redone_;
  std::vector<ClientId> client_order_;  // clients in the order their first struct came
  // reserve() for clients without a list: (client, structs), applied by add().
  std::vector<std::pair<ClientId, size_t>> reservations_;
  // Cache of the last looked-up list (lists never move: unordered_map nodes are stable).
  mutable ClientId cached_client_ = 0;
  mutable ItemList* cached_list_ = nullptr;
};

// Yjs followRedone: the item holding `id`, following redone copies (with the offset
// of `id` inside each item) until an item that was not redone or a GC struct; `diff`
// is the offset of the followed id in the returned struct. REQUIRES: the store has `id`.
struct Followed {
  Item* item = nullptr;
  uint64_t diff = 0;
};
Followed follow_redone(const StructStore& store, Id id);

}  // namespace crdtcore::detail
