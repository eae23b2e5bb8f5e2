// random_test_util.h — what the randomized GoogleTest sessions share (convergence_test,
// search_marker_test, txn_update_direct_test): a seeded generator with the few draws
// they make, and integer settings from the environment (seed ranges, session lengths).
#pragma once

#include <cstdint>
#include <cstdlib>
#include <random>
#include <vector>

namespace crdtcore::testutil {

// $name as an integer, or `fallback` when it is unset or empty.
inline int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::atoi(v) : fallback;
}

class Rng {
 public:
  explicit Rng(uint64_t seed) : g_(seed) {}
  // Uniform in [0, n); 0 when n == 0.
  uint64_t below(uint64_t n) {
    return n == 0 ? 0 : std::uniform_int_distribution<uint64_t>(0, n - 1)(g_);
  }
  bool chance(int percent) { return below(100) < static_cast<uint64_t>(percent); }
  // REQUIRES: !v.empty().
  template <typename T>
  const T& pick(const std::vector<T>& v) {
    return v[below(v.size())];
  }
  std::mt19937_64& engine() { return g_; }

 private:
  std::mt19937_64 g_;
};

}  // namespace crdtcore::testutil
