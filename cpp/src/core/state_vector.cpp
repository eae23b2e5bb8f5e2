// state_vector.cpp — StateVector wire form (port of yjs src/utils/encoding.js
// writeStateVector / readStateVector; yjs-format.md §5.1).
//
// Yjs writes entries sorted by client descending; readers accept any order and the
// last duplicate wins. Entries whose clock is 0 are not written (Yjs never holds
// them: a client appears in its state vector only once it has content). Bytes after
// the last entry are ignored, as Yjs ignores them.

#include "crdtcore/state_vector.h"

#include <algorithm>
#include <utility>

#include "crdtcore/error.h"
#include "util/lib0_reader.h"
#include "util/lib0_writer.h"

namespace crdtcore {

Bytes StateVector::encode() const {
  detail::Lib0Writer w;
  size_t n = 0;
  for (const auto& entry : clocks_) n += entry.second != 0;
  w.write_var_uint(n);
  for (auto it = clocks_.rbegin(); it != clocks_.rend(); ++it) {
    if (it->second == 0) continue;
    w.write_var_uint(it->first);
    w.write_var_uint(it->second);
  }
  return w.take();
}

StateVector::StateVector(Entries entries) : clocks_(std::move(entries)) { normalize(); }

void StateVector::normalize() {
  // Sorted by client, stably: among one client's pairs the last given stays last, and
  // wins. A few entries (the usual document) are insertion-sorted, without a buffer.
  const auto by_client = [](const auto& a, const auto& b) { return a.first < b.first; };
  if (std::is_sorted(clocks_.begin(), clocks_.end(), by_client)) {
    // already in order (an ascending walk): only duplicates remain to drop
  } else if (clocks_.size() <= 16) {
    for (auto it = clocks_.begin() + 1; it != clocks_.end(); ++it) {
      auto value = *it;
      auto hole = it;
      for (; hole != clocks_.begin() && value.first < (hole - 1)->first; --hole) {
        *hole = *(hole - 1);
      }
      *hole = value;
    }
  } else {
    std::stable_sort(clocks_.begin(), clocks_.end(), by_client);
  }
  auto out = clocks_.begin();
  for (auto it = clocks_.begin(); it != clocks_.end(); ++it) {
    auto next = it + 1;
    if (next != clocks_.end() && next->first == it->first) continue;  // a later one wins
    *out++ = *it;
  }
  clocks_.erase(out, clocks_.end());
}

StateVector StateVector::decode(const Bytes& bytes) { return decode(bytes.data(), bytes.size()); }

StateVector StateVector::decode(const uint8_t* data, size_t size) {
  detail::Lib0Reader r(data, size);
  Entries entries;
  const uint64_t n = r.read_count(2);  // each entry: client + clock, >= 1 byte each
  entries.reserve(n);
  for (uint64_t i = 0; i < n; ++i) {
    const ClientId client = r.read_var_uint();
    const Clock clock = r.read_var_uint();
    entries.emplace_back(client, clock);
  }
  return StateVector(std::move(entries));
}

}  // namespace crdtcore
