// id.h — identifiers of the Yjs data model.
//
// An Id names one unit of content: (client, clock). Clients are unsigned and may
// use up to 53 bits (Yjs uses 32-bit ids, yrs 53-bit ones). Clocks count content
// units per client, starting at 0; for text a unit is one UTF-16 code unit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>

namespace crdtcore {

using ClientId = uint64_t;
using Clock = uint64_t;

// Largest client id and clock accepted anywhere (JavaScript's safe integer range).
inline constexpr uint64_t kMaxSafeInteger = (uint64_t{1} << 53) - 1;

struct Id {
  ClientId client = 0;
  Clock clock = 0;

  friend bool operator==(const Id& a, const Id& b) {
    return a.client == b.client && a.clock == b.clock;
  }
  friend bool operator!=(const Id& a, const Id& b) { return !(a == b); }
};

struct IdHash {
  size_t operator()(const Id& id) const noexcept {
    return std::hash<uint64_t>()(id.client * 0x9E3779B97F4A7C15ull ^ id.clock);
  }
};

}  // namespace crdtcore
