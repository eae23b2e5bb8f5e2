// state_vector.h — StateVector: client -> next expected clock (Yjs encodeStateVector).
//
// Wire form: varUint(n) then n x (varUint(client), varUint(clock)), written with
// clients in descending order (as Yjs writes them); decoding accepts any order and
// the last duplicate wins. Clients whose clock is 0 are never written.
//
// Thread safety: not thread-safe for writers.
#pragma once

#include <map>

#include "crdtcore/bytes.h"
#include "crdtcore/id.h"

namespace crdtcore {

class StateVector {
 public:
  // Clock for `client`, 0 when absent.
  Clock get(ClientId client) const {
    auto it = clocks_.find(client);
    return it == clocks_.end() ? 0 : it->second;
  }
  void set(ClientId client, Clock clock) { clocks_[client] = clock; }
  bool contains(ClientId client) const { return clocks_.count(client) != 0; }
  const std::map<ClientId, Clock>& entries() const { return clocks_; }
  bool empty() const { return clocks_.empty(); }

  Bytes encode() const;
  // Throws DecodeError on malformed input.
  static StateVector decode(const Bytes& bytes);
  static StateVector decode(const uint8_t* data, size_t size);

  friend bool operator==(const StateVector& a, const StateVector& b) {
    return a.clocks_ == b.clocks_;
  }

 private:
  std::map<ClientId, Clock> clocks_;
};

}  // namespace crdtcore
