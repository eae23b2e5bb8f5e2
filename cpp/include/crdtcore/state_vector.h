// state_vector.h — StateVector: client -> next expected clock (Yjs encodeStateVector).
//
// Wire form: varUint(n) then n x (varUint(client), varUint(clock)), written with
// clients in descending order (as Yjs writes them); decoding accepts any order and
// the last duplicate wins. Clients whose clock is 0 are never written.
//
// Thread safety: not thread-safe for writers.
#pragma once

#include <algorithm>
#include <utility>
#include <vector>

#include "crdtcore/bytes.h"
#include "crdtcore/id.h"

namespace crdtcore {

class StateVector {
 public:
  // (client, clock) pairs, clients ascending and unique.
  using Entries = std::vector<std::pair<ClientId, Clock>>;

  StateVector() = default;
  // From pairs in any order; the last of several pairs of one client wins.
  explicit StateVector(Entries entries);
  // Replaces the entries with the pairs `fill(Entries&)` appends (same rules), keeping the
  // storage: a state vector refilled per transaction allocates nothing once grown.
  template <class Fill>
  void refill(Fill&& fill) {
    clocks_.clear();
    fill(clocks_);
    normalize();
  }

  // Clock for `client`, 0 when absent.
  Clock get(ClientId client) const {
    auto it = find(client);
    return it == clocks_.end() || it->first != client ? 0 : it->second;
  }
  // Cheap when clients are set in ascending order (an append).
  void set(ClientId client, Clock clock) {
    if (clocks_.empty() || clocks_.back().first < client) {
      clocks_.emplace_back(client, clock);
      return;
    }
    auto it = find(client);
    if (it != clocks_.end() && it->first == client) {
      it->second = clock;
    } else {
      clocks_.emplace(it, client, clock);
    }
  }
  bool contains(ClientId client) const {
    auto it = find(client);
    return it != clocks_.end() && it->first == client;
  }
  const Entries& entries() const { return clocks_; }
  bool empty() const { return clocks_.empty(); }

  Bytes encode() const;
  // Throws DecodeError on malformed input.
  static StateVector decode(const Bytes& bytes);
  static StateVector decode(const uint8_t* data, size_t size);

  friend bool operator==(const StateVector& a, const StateVector& b) {
    return a.clocks_ == b.clocks_;
  }

 private:
  Entries::const_iterator find(ClientId client) const {
    return std::lower_bound(clocks_.begin(), clocks_.end(), client,
                            [](const auto& e, ClientId c) { return e.first < c; });
  }
  Entries::iterator find(ClientId client) {
    return std::lower_bound(clocks_.begin(), clocks_.end(), client,
                            [](const auto& e, ClientId c) { return e.first < c; });
  }

  void normalize();  // sorts by client (stably) and keeps each client's last pair

  Entries clocks_;  // a flat sorted vector: one allocation to copy or free (observers get two)
};

}  // namespace crdtcore
