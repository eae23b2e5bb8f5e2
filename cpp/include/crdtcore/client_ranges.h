// client_ranges.h — DeleteRange, and ClientRanges: a delete set's clock ranges by client
// (DeleteSet::clients()).
//
// ClientRanges is a map ClientId -> std::vector<DeleteRange> kept as one vector of
// (client, ranges) entries sorted by client, read like the std::map it replaces (begin/end
// ascending, rbegin/rend descending, find, at, count, operator[]). A transaction's delete set
// has one client almost always; a node-based map allocated and rebalanced a node for it in
// every transaction that deleted. clear() keeps a few entries behind the live ones (their
// vectors' capacity too) for the clients of the next fill, so a set cleared and refilled
// per transaction allocates nothing.
//
// Invariants: entries [0, size()) have distinct clients in ascending order; the kept
// entries after them have empty vectors. References to a client's ranges stay valid until
// another client is added or erased (a vector, not nodes).
//
// Thread safety: not thread-safe for writers.
#pragma once

#include <cstddef>
#include <iterator>
#include <utility>
#include <vector>

#include "crdtcore/id.h"

namespace crdtcore {

// The clocks [clock, clock + len) of one client.
struct DeleteRange {
  Clock clock = 0;
  uint64_t len = 0;
  Clock end() const { return clock + len; }
  friend bool operator==(const DeleteRange& a, const DeleteRange& b) {
    return a.clock == b.clock && a.len == b.len;
  }
};

class ClientRanges {
 public:
  using Ranges = std::vector<DeleteRange>;
  using value_type = std::pair<ClientId, Ranges>;
  // Iterators visit clients ascending. A mutable entry's client must not be changed.
  using iterator = value_type*;
  using const_iterator = const value_type*;
  using reverse_iterator = std::reverse_iterator<iterator>;
  using const_reverse_iterator = std::reverse_iterator<const_iterator>;

  ClientRanges() = default;
  // Copies the clients and their ranges (not the kept entries).
  ClientRanges(const ClientRanges& other);
  ClientRanges& operator=(const ClientRanges& other);
  // A moved-from map is empty.
  ClientRanges(ClientRanges&& other) noexcept;
  ClientRanges& operator=(ClientRanges&& other) noexcept;

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  iterator begin() { return entries_.data(); }
  iterator end() { return entries_.data() + size_; }
  const_iterator begin() const { return entries_.data(); }
  const_iterator end() const { return entries_.data() + size_; }
  reverse_iterator rbegin() { return reverse_iterator(end()); }
  reverse_iterator rend() { return reverse_iterator(begin()); }
  const_reverse_iterator rbegin() const { return const_reverse_iterator(end()); }
  const_reverse_iterator rend() const { return const_reverse_iterator(begin()); }

  // The entry of `client`, or end().
  iterator find(ClientId client) {
    bool found = false;
    const size_t pos = position(client, &found);
    return found ? begin() + pos : end();
  }
  const_iterator find(ClientId client) const {
    return const_cast<ClientRanges*>(this)->find(client);
  }
  size_t count(ClientId client) const { return find(client) != end() ? 1 : 0; }
  // The ranges of `client`. Throws std::out_of_range when it has no entry.
  Ranges& at(ClientId client);
  const Ranges& at(ClientId client) const { return const_cast<ClientRanges*>(this)->at(client); }
  // The entry of `client`, added (with no ranges) when missing; the bool tells whether it
  // was added (std::map::try_emplace's contract).
  std::pair<iterator, bool> try_emplace(ClientId client);
  // The ranges of `client`, an empty entry added when missing.
  Ranges& operator[](ClientId client) { return try_emplace(client).first->second; }
  // Removes the entry at `it`; returns the iterator to the entry that followed it.
  iterator erase(iterator it);
  // Removes every entry; keeps a few of them (and their vectors' capacity, when small) for
  // the next clients added.
  void clear();

  friend bool operator==(const ClientRanges& a, const ClientRanges& b);
  friend bool operator!=(const ClientRanges& a, const ClientRanges& b) { return !(a == b); }

 private:
  friend class DeleteSet;

  // Index of `client`'s entry, or where it would go (*found tells which). The last entry is
  // tried first: clients mostly come ascending, and a transaction usually has one.
  size_t position(ClientId client, bool* found) const {
    if (size_ == 0 || entries_[size_ - 1].first < client) {
      *found = false;
      return size_;
    }
    size_t lo = 0;
    size_t hi = size_ - 1;  // entries_[hi].first >= client
    while (lo < hi) {
      const size_t mid = lo + (hi - lo) / 2;
      if (entries_[mid].first < client) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    *found = entries_[lo].first == client;
    return lo;
  }

  // For decoders (DeleteSet::decoded_ranges), which meet clients in wire order (Yjs writes
  // them descending): a new entry for `client` after the others, in any order and even
  // when `client` has one. Until normalize() the invariants do not hold and nothing else
  // may be called but clear().
  Ranges& append_unsorted(ClientId client);
  // Restores the invariants after append_unsorted(): sorts the entries by client (stably)
  // and joins the ranges of a repeated client, earlier entries' first.
  void normalize();

  std::vector<value_type> entries_;  // [0, size_) live and sorted; after: kept, empty
  size_t size_ = 0;
};

}  // namespace crdtcore
