// delete_set.cpp — DeleteSet (port of yjs src/utils/DeleteSet.js: addToDeleteSet,
// sortAndMergeDeleteSet, isDeleted/findIndexDS, mergeDeleteSets, writeDeleteSet,
// readDeleteSet; yjs-format.md §3.5).
//
// Ranges are collected unsorted; sort_and_merge() sorts each client's ranges by
// clock and coalesces a range into its left neighbour when
// left.clock + left.len >= right.clock (overlapping or touching), exactly as Yjs,
// so merged sets encode byte-identically. contains() binary-searches the merged
// ranges. The v1 wire form writes clients in descending order and ranges as stored.
// Decoding keeps wire order (like Yjs's readDeleteSet) and skips ranges of length
// 0; a range ending above 2^53-1 is malformed.

#include "crdtcore/delete_set.h"

#include <algorithm>
#include <iterator>
#include <unordered_set>

#include "crdtcore/error.h"
#include "util/lib0_reader.h"
#include "util/lib0_writer.h"

namespace crdtcore {

void DeleteSet::add(ClientId client, Clock clock, uint64_t len) {
  if (len == 0) return;
  std::vector<DeleteRange>* ranges;
  if (last_ < clients_.size() && clients_.begin()[last_].first == client) {
    ranges = &clients_.begin()[last_].second;
  } else {
    const auto [it, inserted] = clients_.try_emplace(client);
    if (inserted) order_.push_back(client);
    last_ = static_cast<size_t>(it - clients_.begin());
    ranges = &it->second;
  }
  ranges->push_back(DeleteRange{clock, len});
}

void DeleteSet::sort_and_merge() {
  if (clients_.empty()) return;
  for (auto it = clients_.begin(); it != clients_.end();) {
    auto& ranges = it->second;
    if (ranges.size() == 1) {  // a transaction's usual single deletion: nothing to do
      ++it;
      continue;
    }
    if (ranges.empty()) {
      order_.erase(std::remove(order_.begin(), order_.end(), it->first), order_.end());
      it = clients_.erase(it);
      continue;
    }
    const auto by_clock = [](const DeleteRange& a, const DeleteRange& b) {
      return a.clock < b.clock;
    };
    // Ranges usually arrive in clock order (a transaction deleting left to right, a loaded
    // document's ContentDeleted items): then sorting is a scan.
    if (!std::is_sorted(ranges.begin(), ranges.end(), by_clock)) {
      std::sort(ranges.begin(), ranges.end(), by_clock);
    }
    size_t j = 0;  // last kept range
    for (size_t i = 1; i < ranges.size(); ++i) {
      DeleteRange& left = ranges[j];
      const DeleteRange& right = ranges[i];
      if (left.clock + left.len >= right.clock) {
        left.len = std::max(left.len, right.clock + right.len - left.clock);
      } else {
        ranges[++j] = right;
      }
    }
    ranges.resize(j + 1);
    ++it;
  }
}

bool DeleteSet::contains(const Id& id) const {
  auto it = clients_.find(id.client);
  if (it == clients_.end()) return false;
  const auto& ranges = it->second;
  // First range starting after id.clock; the candidate is the one before it.
  auto after = std::upper_bound(ranges.begin(), ranges.end(), id.clock,
                                [](Clock c, const DeleteRange& r) { return c < r.clock; });
  if (after == ranges.begin()) return false;
  const DeleteRange& r = *(after - 1);
  return id.clock < r.clock + r.len;
}

bool DeleteSet::empty() const {
  for (const auto& entry : clients_) {
    if (!entry.second.empty()) return false;
  }
  return true;
}

void DeleteSet::merge_from(const DeleteSet& other) {
  for (ClientId client : other.client_order()) {
    const auto& ranges = other.clients_.at(client);
    if (ranges.empty()) continue;
    auto [it, inserted] = clients_.try_emplace(client);
    if (inserted) order_.push_back(client);
    it->second.insert(it->second.end(), ranges.begin(), ranges.end());
  }
}

void DeleteSet::clear() {
  clients_.clear();
  order_.clear();
}

std::vector<ClientId> DeleteSet::client_order() const {
  // order_ lists distinct clients of clients_ (add, merge_from and sort_and_merge keep
  // it so); only clients added through the mutable clients() (decoders) are missing.
  std::vector<ClientId> out = order_;
  if (out.size() != clients_.size()) {  // rare: no nested search on the common path
    const std::unordered_set<ClientId> listed(order_.begin(), order_.end());
    for (const auto& entry : clients_) {
      if (listed.count(entry.first) == 0) out.push_back(entry.first);
    }
  }
  return out;
}

}  // namespace crdtcore
