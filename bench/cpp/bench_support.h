// bench_support.h — small helpers of the C++ benchmark runner (bench_runner.cpp):
// the deterministic random generator shared with the Python runner, a plain text
// model that says what a prefix of a trace must produce, heap measurement, and the time budget
// of one measurement.
//
// The generator is SplitMix64 with seed 42; bench/python/workloads.py implements the
// same one, so both crdtcore rows (C++ and Python API) replay identical B1-B3 inputs.
// bench/README.md ("crdtcore and Python peers") documents how each input is drawn.
#pragma once

#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace crdtcore_bench {

// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, identical in Python.
class Rng {
 public:
  explicit Rng(uint64_t seed = 42) : state_(seed) {}

  uint64_t next() {
    state_ += 0x9E3779B97F4A7C15ull;
    uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform-ish integer in [lo, hi] (modulo draw; the bias does not matter here).
  uint64_t int_in(uint64_t lo, uint64_t hi) { return lo + next() % (hi - lo + 1); }
  char letter() { return static_cast<char>('a' + next() % 26); }
  std::string word(size_t n) {
    std::string s(n, ' ');
    for (char& c : s) c = letter();
    return s;
  }
  // A non-negative number below 2^31 (an array element).
  int64_t number() { return static_cast<int64_t>(next() % 0x80000000ull); }

 private:
  uint64_t state_;
};

// A text as code points with a gap at the last edit position, so that the local edits
// of a trace cost what the cursor moves. Positions and lengths count code points.
class TextModel {
 public:
  void apply(uint64_t pos, uint64_t n_deleted, std::string_view inserted_utf8) {
    move_gap(pos);
    if (n_deleted > after_.size()) n_deleted = after_.size();
    after_.resize(after_.size() - n_deleted);
    append_utf8(before_, inserted_utf8);
  }

  std::string to_utf8() const {
    std::string out;
    for (char32_t c : before_) put_utf8(out, c);
    for (auto it = after_.rbegin(); it != after_.rend(); ++it) put_utf8(out, *it);
    return out;
  }

 private:
  void move_gap(uint64_t pos) {
    while (before_.size() > pos) {
      after_.push_back(before_.back());
      before_.pop_back();
    }
    while (before_.size() < pos && !after_.empty()) {
      before_.push_back(after_.back());
      after_.pop_back();
    }
  }

  static void append_utf8(std::u32string& out, std::string_view s) {
    for (size_t i = 0; i < s.size();) {
      const auto b = static_cast<unsigned char>(s[i]);
      const int len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
      char32_t c = len == 1 ? b : b & (0x3F >> (len - 1));
      for (int k = 1; k < len && i + k < s.size(); ++k) {
        c = (c << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
      }
      out.push_back(c);
      i += len;
    }
  }

  static void put_utf8(std::string& out, char32_t c) {
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (c >> 12)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (c >> 18)));
      out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }

  std::u32string before_;  // text before the gap
  std::u32string after_;   // text after the gap, reversed (nearest character last)
};

// Bytes the process holds in malloc right now: glibc mallinfo2 uordblks (in-use arena
// chunks, malloc's per-chunk overhead included) + hblkhd (large mmapped chunks).
// A difference of two readings is what the code in between kept allocated.
inline int64_t heap_in_use() {
  const struct mallinfo2 info = mallinfo2();
  return static_cast<int64_t>(info.uordblks + info.hblkhd);
}

inline constexpr const char* kHeapMethod =
    "glibc mallinfo2 (uordblks+hblkhd) delta around building the document, document kept alive";

// Over the budget: ok=false with the message (the orchestrator parses its prefix).
struct BudgetExceeded : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The time budget of replay, replay_sync and concurrent ($CRDTCORE_BENCH_BUDGET_S; 0: none).
struct Budget {
  double seconds = 0;

  static Budget from_env() {
    Budget b;
    if (const char* env = std::getenv("CRDTCORE_BENCH_BUDGET_S")) {
      try {
        b.seconds = std::max(0.0, std::stod(env));
      } catch (const std::exception&) {
        b.seconds = 0;
      }
    }
    return b;
  }

  // Throws BudgetExceeded when `start` is more than the budget ago.
  void check(std::chrono::steady_clock::time_point start, size_t done, size_t total,
             const char* what) const {
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (seconds <= 0 || ms <= seconds * 1000) return;
    std::ostringstream msg;
    msg << "timeout: budget of " << seconds << " s exceeded after " << done << " of " << total
        << " " << what;
    throw BudgetExceeded(msg.str());
  }
};

}  // namespace crdtcore_bench
