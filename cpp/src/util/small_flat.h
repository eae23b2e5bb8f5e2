// small_flat.h — containers for the handful of entries a transaction records: which
// clients changed (with their clocks before) and which types changed. A transaction
// usually touches one client and one type, so a plain vector searched in place is
// cheaper than a node-based map or hash set, both to fill and to empty (clear() keeps
// the capacity: a transaction allocates nothing for them in the steady state).
//
// SortedVecMap: a map kept as a vector of (key, value) pairs sorted by key; iterates in
// ascending key order like std::map. Lookups are binary searches, insertions shift the
// tail (a transaction has few clients).
// PtrSet: a set of pointers (unordered: erase() moves the last one into the gap);
// linear search while small, with
// a hash index beside the vector once it grows past kIndexFrom entries (a transaction
// that changes thousands of types stays linear in their number).
// Thread safety: none (owned by one TxnState).
#pragma once

#include <algorithm>
#include <cstddef>
#include <unordered_map>
#include <utility>
#include <vector>

namespace crdtcore::detail {

template <class K, class V>
class SortedVecMap {
 public:
  using value_type = std::pair<K, V>;
  using iterator = typename std::vector<value_type>::iterator;
  using const_iterator = typename std::vector<value_type>::const_iterator;

  iterator begin() { return entries_.begin(); }
  iterator end() { return entries_.end(); }
  const_iterator begin() const { return entries_.begin(); }
  const_iterator end() const { return entries_.end(); }
  bool empty() const { return entries_.empty(); }
  size_t size() const { return entries_.size(); }
  void clear() { entries_.clear(); }

  iterator find(const K& key) {
    auto it = lower(key);
    return it != entries_.end() && it->first == key ? it : entries_.end();
  }
  const_iterator find(const K& key) const {
    auto it = const_cast<SortedVecMap*>(this)->lower(key);
    return it != entries_.end() && it->first == key ? const_iterator(it) : end();
  }
  // Inserts (key, value) unless `key` is present; returns the entry and whether it
  // was inserted (std::map::emplace's contract).
  std::pair<iterator, bool> emplace(const K& key, const V& value) {
    if (entries_.empty() || entries_.back().first < key) {  // the usual first entry: no shift
      entries_.emplace_back(key, value);
      return {entries_.end() - 1, true};
    }
    auto it = lower(key);
    if (it != entries_.end() && it->first == key) return {it, false};
    return {entries_.insert(it, value_type(key, value)), true};
  }

 private:
  iterator lower(const K& key) {
    // The last entry first: a client that changed is usually the newest one recorded.
    if (!entries_.empty() && !(entries_.back().first < key)) {
      if (entries_.size() == 1) return entries_.begin();
      return std::lower_bound(entries_.begin(), entries_.end(), key,
                              [](const value_type& e, const K& k) { return e.first < k; });
    }
    return entries_.end();
  }

  std::vector<value_type> entries_;
};

template <class T>
class PtrSet {
 public:
  static constexpr size_t kIndexFrom = 16;
  using const_iterator = typename std::vector<T*>::const_iterator;

  const_iterator begin() const { return items_.begin(); }
  const_iterator end() const { return items_.end(); }
  bool empty() const { return items_.empty(); }
  size_t size() const { return items_.size(); }
  size_t count(const T* p) const { return position(p) != kNone ? 1 : 0; }

  // Adds `p`; false when it was present already.
  bool insert(T* p) {
    if (position(p) != kNone) return false;
    if (!index_.empty() || items_.size() + 1 > kIndexFrom) {
      if (index_.empty()) {
        for (size_t i = 0; i < items_.size(); ++i) index_.emplace(items_[i], i);
      }
      index_.emplace(p, items_.size());
    }
    items_.push_back(p);
    return true;
  }
  // Removes `p` if present (the last one takes its place); returns how many were removed.
  size_t erase(const T* p) {
    const size_t pos = position(p);
    if (pos == kNone) return 0;
    if (!index_.empty()) {
      index_.erase(p);
      if (pos + 1 != items_.size()) index_[items_.back()] = pos;
    }
    items_[pos] = items_.back();
    items_.pop_back();
    return 1;
  }
  void clear() {
    items_.clear();
    if (!index_.empty()) index_.clear();
  }

 private:
  static constexpr size_t kNone = static_cast<size_t>(-1);
  size_t position(const T* p) const {
    if (!index_.empty()) {
      auto it = index_.find(p);
      return it == index_.end() ? kNone : it->second;
    }
    for (size_t i = items_.size(); i-- > 0;) {  // the newest first
      if (items_[i] == p) return i;
    }
    return kNone;
  }

  std::vector<T*> items_;
  std::unordered_map<const T*, size_t> index_;  // empty while items_ is small
};

}  // namespace crdtcore::detail
