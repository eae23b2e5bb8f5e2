// struct_store.cpp — port of yjs src/utils/StructStore.js (findIndexSS, getState,
// addStruct, getItem).
#include "core/struct_store.h"

#include <algorithm>
#include <cstring>

#include "crdtcore/error.h"

namespace crdtcore::detail {

void ItemList::move_gap(size_t pos) {
  if (pos < gap_start_) {
    const size_t n = gap_start_ - pos;
    std::memmove(&buf_[gap_end_ - n], &buf_[pos], n * sizeof(Item*));
    gap_start_ -= n;
    gap_end_ -= n;
  } else if (pos > gap_start_) {
    const size_t n = pos - gap_start_;
    std::memmove(&buf_[gap_start_], &buf_[gap_end_], n * sizeof(Item*));
    gap_start_ += n;
    gap_end_ += n;
  }
}

void ItemList::insert(size_t pos, Item* x) {
  if (gap() == 0) {
    const size_t grow = std::max<size_t>(16, buf_.size() / 16);
    const size_t at = std::min(pos, buf_.size());
    buf_.insert(buf_.begin() + static_cast<std::ptrdiff_t>(at), grow, nullptr);
    gap_start_ = at;
    gap_end_ = at + grow;
  } else {
    move_gap(pos);
  }
  buf_[gap_start_++] = x;
}

void ItemList::erase(size_t first, size_t last) {
  if (first >= last) return;
  // The tail behind the gap (structs merged into the newest one, while the gap stays
  // where a split in the middle left it): cut it off instead of moving the gap to it.
  if (last == size() && first >= gap_start_) {
    buf_.resize(first + gap());
    return;
  }
  move_gap(last);
  gap_start_ = first;
}

StructStore::~StructStore() {
  for (auto& kv : clients_) {
    for (size_t i = 0; i < kv.second.size(); ++i) pool_.destroy(kv.second[i]);
  }
}

Clock StructStore::state(ClientId client) const {
  const ItemList* l = list(client);
  if (l == nullptr || l->empty()) return 0;
  const Item* last = l->back();
  return last->id.clock + last->length();
}

StateVector StructStore::state_vector() const {
  StateVector sv;
  state_vector_into(sv);
  return sv;
}

void StructStore::state_vector_into(StateVector& sv) const {
  sv.refill([this](StateVector::Entries& entries) {
    entries.reserve(clients_.size());
    for (const auto& [client, list] : clients_) {
      if (!list.empty()) entries.emplace_back(client, list.back()->end());
    }
  });
}

void StructStore::reserve(ClientId client, size_t n) {
  if (n == 0) return;
  if (ItemList* l = list(client)) {
    l->reserve_more(n);
    return;
  }
  for (auto& r : reservations_) {
    if (r.first == client) {
      r.second = n;
      return;
    }
  }
  reservations_.emplace_back(client, n);
}

ItemList* StructStore::new_list(ClientId client) {
  ItemList* l = &clients_[client];
  client_order_.push_back(client);
  for (auto& r : reservations_) {
    if (r.first == client) {
      l->reserve_more(r.second);
      r = reservations_.back();
      reservations_.pop_back();
      break;
    }
  }
  return l;
}

void StructStore::add(OwnedItem item) {
  ItemList* l = list(item->id.client);
  if (l == nullptr) l = new_list(item->id.client);
  l->push_back(item.get());  // released once stored: a failed push_back frees it
  item.release();
}

void StructStore::insert_split(ItemList& list, size_t pos, OwnedItem right) {
  list.insert(pos + 1, right.get());
  right.release();
}

void StructStore::replace(ItemList& list, size_t pos, OwnedItem replacement) {
  if (list[pos]->has_redone()) redone_.erase(list[pos]->id);
  pool_.destroy(list[pos]);
  list[pos] = replacement.release();
}

void StructStore::erase_merged(ItemList& list, size_t first, size_t last) {
  for (size_t k = first; k < last; ++k) {
    if (list[k]->has_redone()) redone_.erase(list[k]->id);  // (merging refuses them)
    pool_.destroy(list[k]);
  }
  list.erase(first, last);
}

size_t StructStore::find_index(const ItemList& list, Clock clock) {
  // Structs are contiguous (file comment), so struct i holds `clock` when its clock is
  // <= clock < struct i+1's clock: the search reads clocks only, never a length (which
  // follows from the content: a branch and another load per probe).
  size_t left = 0;
  size_t right = list.size() - 1;
  const Item* last = list[right];
  const Clock last_clock = last->id.clock;
  if (clock >= last_clock) return right;  // the newest struct: the common case
  // From here on clock < last_clock, so a struct that starts at or before `clock` is not
  // the last one and has a next.
  // The last struct found, or one of its neighbours (a stale hint only misses).
  const size_t hint = list.hint();
  if (hint < right) {
    const Clock h = list[hint]->id.clock;
    if (h <= clock) {
      const Clock next = list[hint + 1]->id.clock;
      if (clock < next) return hint;
      if (clock < list[hint + 2]->id.clock) {  // (hint + 1 < right: next <= clock < last)
        list.set_hint(hint + 1);
        return hint + 1;
      }
    } else if (hint > 0 && list[hint - 1]->id.clock <= clock) {
      list.set_hint(hint - 1);
      return hint - 1;
    }
  }
  // Pivot: guess the position assuming evenly sized structs.
  size_t mid = static_cast<size_t>((static_cast<double>(clock) / static_cast<double>(last_clock)) *
                                   static_cast<double>(right));
  if (mid >= right) mid = right - 1;
  while (left <= right) {
    const Item* s = list[mid];
    if (s->id.clock <= clock) {
      if (clock < list[mid + 1]->id.clock) {
        list.set_hint(mid);
        return mid;
      }
      left = mid + 1;
    } else {
      if (mid == 0) break;
      right = mid - 1;
    }
    mid = (left + right) / 2;
  }
  throw InvalidState("struct store invariant broken: clock not found");
}

Item* StructStore::find(const Id& id) const {
  const ItemList* l = list(id.client);
  if (l == nullptr || l->empty() || id.clock >= l->back()->end()) return nullptr;
  return (*l)[find_index(*l, id.clock)];
}

const Id* StructStore::redone(const Item* item) const {
  if (!item->has_redone()) return nullptr;
  auto it = redone_.find(item->id);
  return it == redone_.end() ? nullptr : &it->second;
}

void StructStore::set_redone(Item* item, const Id& copy) {
  redone_[item->id] = copy;
  item->set_flag(Item::kRedone, true);
}

Followed follow_redone(const StructStore& store, Id id) {
  Followed f;
  while (true) {
    f.item = store.find(id);
    if (f.item == nullptr) throw InvalidState("redone item missing from the store");
    f.diff = id.clock - f.item->id.clock;
    if (f.item->is_gc()) return f;
    const Id* next = store.redone(f.item);
    if (next == nullptr) return f;
    id = Id{next->client, next->clock + f.diff};
  }
}

ItemList* StructStore::lookup_list(ClientId client) {
  auto it = clients_.find(client);
  if (it == clients_.end()) return nullptr;
  cached_client_ = client;
  cached_list_ = &it->second;
  return cached_list_;
}

}  // namespace crdtcore::detail
