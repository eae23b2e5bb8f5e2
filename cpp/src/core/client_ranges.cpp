// client_ranges.cpp — ClientRanges (crdtcore/client_ranges.h): a delete set's ranges by
// client in one sorted vector, with entries kept across clear() for the next fill.
#include "crdtcore/client_ranges.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace crdtcore {

namespace {

// clear() keeps this many entries, and their ranges' storage up to this capacity: a
// transaction's set is refilled at once, a big one's storage is not held on to.
constexpr size_t kMaxKeptEntries = 4;
constexpr size_t kMaxKeptRanges = 256;

// Up to this many entries normalize() sorts by insertion (stable, no allocation: a small
// update's decoded delete set allocates nothing once its storage is warm).
constexpr size_t kInsertionSortMax = 16;

}  // namespace

ClientRanges::ClientRanges(const ClientRanges& other)
    : entries_(other.begin(), other.end()), size_(other.size_) {}

ClientRanges& ClientRanges::operator=(const ClientRanges& other) {
  if (this != &other) {
    entries_.assign(other.begin(), other.end());
    size_ = other.size_;
  }
  return *this;
}

ClientRanges::ClientRanges(ClientRanges&& other) noexcept
    : entries_(std::move(other.entries_)), size_(std::exchange(other.size_, 0)) {
  other.entries_.clear();
}

ClientRanges& ClientRanges::operator=(ClientRanges&& other) noexcept {
  if (this != &other) {
    entries_ = std::move(other.entries_);
    size_ = std::exchange(other.size_, 0);
    other.entries_.clear();
  }
  return *this;
}

ClientRanges::Ranges& ClientRanges::at(ClientId client) {
  const iterator it = find(client);
  if (it == end()) throw std::out_of_range("no delete ranges for client " + std::to_string(client));
  return it->second;
}

std::pair<ClientRanges::iterator, bool> ClientRanges::try_emplace(ClientId client) {
  bool found = false;
  const size_t pos = position(client, &found);
  if (found) return {begin() + pos, false};
  if (size_ < entries_.size()) {
    // A kept entry (empty ranges) moves into place.
    entries_[size_].first = client;
    const auto first = entries_.begin() + static_cast<std::ptrdiff_t>(pos);
    const auto kept = entries_.begin() + static_cast<std::ptrdiff_t>(size_);
    if (first != kept) std::rotate(first, kept, kept + 1);
  } else {
    entries_.emplace(entries_.begin() + static_cast<std::ptrdiff_t>(pos), client, Ranges{});
  }
  ++size_;
  return {begin() + pos, true};
}

ClientRanges::iterator ClientRanges::erase(iterator it) {
  const auto pos = it - begin();
  const auto first = entries_.begin() + pos;
  std::rotate(first, first + 1, entries_.begin() + static_cast<std::ptrdiff_t>(size_));
  --size_;
  entries_[size_].second.clear();
  return begin() + pos;
}

void ClientRanges::clear() {
  if (size_ == 0) return;  // most transactions delete nothing
  for (size_t i = 0; i < size_; ++i) {
    Ranges& ranges = entries_[i].second;
    if (ranges.capacity() > kMaxKeptRanges) {
      Ranges().swap(ranges);
    } else {
      ranges.clear();
    }
  }
  size_ = 0;
  if (entries_.size() > kMaxKeptEntries) {
    entries_.erase(entries_.begin() + kMaxKeptEntries, entries_.end());
  }
}

bool operator==(const ClientRanges& a, const ClientRanges& b) {
  return a.size_ == b.size_ && std::equal(a.begin(), a.end(), b.begin());
}

ClientRanges::Ranges& ClientRanges::append_unsorted(ClientId client) {
  if (size_ < entries_.size()) {
    entries_[size_].first = client;
  } else {
    entries_.emplace_back(client, Ranges{});
  }
  return entries_[size_++].second;
}

void ClientRanges::normalize() {
  const auto first = entries_.begin();
  const auto last = entries_.begin() + static_cast<std::ptrdiff_t>(size_);
  const auto by_client = [](const value_type& a, const value_type& b) { return a.first < b.first; };
  if (size_ <= kInsertionSortMax) {
    for (auto it = first; it != last; ++it) {
      // Before the first entry with a greater client: stable.
      const auto to = std::upper_bound(first, it, *it, by_client);
      if (to != it) std::rotate(to, it, it + 1);
    }
  } else {
    std::stable_sort(first, last, by_client);
  }
  // Join repeated clients into their first entry; the emptied entries end up after the live
  // ones (kept, as the invariants want them).
  size_t kept = 0;
  for (size_t i = 1; i < size_; ++i) {
    if (entries_[i].first == entries_[kept].first) {
      Ranges& into = entries_[kept].second;
      Ranges& from = entries_[i].second;
      into.insert(into.end(), from.begin(), from.end());
      from.clear();
    } else if (++kept != i) {
      std::swap(entries_[kept], entries_[i]);
    }
  }
  if (size_ > 0) size_ = kept + 1;
}

}  // namespace crdtcore
