// bench_warm.h — warmth in the C++ benchmark runner (bench_runner.cpp): the untimed warm-up runs
// before a timed encode or load (warm_up_runs), and the warm figure (warm_repeats): the same
// measurement repeated in one process until its time stabilizes (bench/README.md, "Cold and
// warm"). The rule is the JS runner's (bench/js/lib/warm.mjs) and the Python runner's
// (bench/python/warm.py). The runner's `ms` stays the cold figure; warm_repeats() gives the
// extra fields warm_ms (median of the last 3 repeats, of all when fewer ran), warm_times_ms
// (every repeat) and warm_stable. There is no JIT here: the warm figure is the allocator's
// and the caches' warmth (a second replay reuses the heap the first one grew).
//
// Settings (bench/run.py exports them; --quick uses 3 repeats):
//   CRDTCORE_BENCH_WARM_REPEATS  at most this many repeats (default 10; 0: no warm figure)
//   CRDTCORE_BENCH_WARM_S        no new repeat once the repeats so far and one more would pass
//                                this many seconds (default 60); one more is estimated from the
//                                slowest repeat so far, before the first from the cold time
//   CRDTCORE_BENCH_WARM_TOL      stable: the last 3 times lie within this fraction of their
//                                median (default 0.1)
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace crdtcore_bench {

// Runs fn untimed as the JS runner's warm-up of encode and load does (bench/js/lib/measure.mjs
// warmUpRuns): once, then again while fewer than $CRDTCORE_BENCH_WARMUP_RUNS (5) runs and less
// than $CRDTCORE_BENCH_WARMUP_MS (500) ms have passed. The next run is the timed one. No JIT
// here, but the allocator needs it: the first load after a dropped document regrows the heap
// glibc trimmed (~600 page faults, ~1 ms on rustcode), and the first encode grows its buffer
// from nothing. The Python runner does the same (bench/python/workloads.py warm_up_runs).
template <typename Fn>
void warm_up_runs(Fn&& fn) {
  using Clock = std::chrono::steady_clock;
  const char* runs_env = std::getenv("CRDTCORE_BENCH_WARMUP_RUNS");
  const char* ms_env = std::getenv("CRDTCORE_BENCH_WARMUP_MS");
  const long runs_max = runs_env != nullptr ? std::strtol(runs_env, nullptr, 10) : 5;
  const double ms_max = ms_env != nullptr ? std::strtod(ms_env, nullptr) : 500.0;
  const auto start = Clock::now();
  const auto elapsed_ms = [&start] {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  };
  fn();
  for (long runs = 1; runs < runs_max && elapsed_ms() < ms_max; ++runs) fn();
}

inline constexpr size_t kWarmWindow = 3;

struct WarmSettings {
  long repeats = 10;
  double budget_ms = 60000;
  double tolerance = 0.1;
  size_t window = kWarmWindow;

  // The settings of the environment; a variable that is unset, empty or not a finite number
  // keeps its default (as warm.mjs does).
  static WarmSettings from_env() {
    const auto num = [](const char* name, double fallback) {
      const char* text = std::getenv(name);
      if (text == nullptr || *text == '\0') return fallback;
      char* end = nullptr;
      const double value = std::strtod(text, &end);
      while (end != nullptr && (*end == ' ' || *end == '\t' || *end == '\n')) ++end;
      return end == nullptr || *end != '\0' || !std::isfinite(value) ? fallback : value;
    };
    WarmSettings s;
    s.repeats = std::max(0L, static_cast<long>(num("CRDTCORE_BENCH_WARM_REPEATS", 10)));
    s.budget_ms = num("CRDTCORE_BENCH_WARM_S", 60) * 1000;
    s.tolerance = num("CRDTCORE_BENCH_WARM_TOL", 0.1);
    return s;
  }
};

inline double median_of(std::vector<double> xs) {
  std::sort(xs.begin(), xs.end());
  const size_t m = xs.size() / 2;
  return xs.size() % 2 != 0 ? xs[m] : (xs[m - 1] + xs[m]) / 2;
}

// The last `window` times, or all when fewer.
inline std::vector<double> last_of(const std::vector<double>& times, size_t window) {
  return {times.end() - static_cast<ptrdiff_t>(std::min(window, times.size())), times.end()};
}

// True when the last `window` times exist and (max - min) <= tolerance * median.
inline bool is_stable(const std::vector<double>& times, size_t window, double tolerance) {
  if (times.size() < window || window == 0) return false;
  const std::vector<double> last = last_of(times, window);
  const auto [lo, hi] = std::minmax_element(last.begin(), last.end());
  return *hi - *lo <= tolerance * median_of(last);
}

// Repeats run_once(i) (returns the timed ms of repeat i, on fresh documents; throws for a wrong
// result, which fails the measurement) until the last `window` times are stable, `repeats` ran,
// one more would pass budget_ms (estimated from the slowest repeat so far, before the first
// from expect_ms, the cold time), or a repeat throws `Stop` (the measurement's time budget:
// that repeat has no time, the repeats end, the cold result stays good). A repeat frees its
// documents when it returns, outside its timed part. Returns the extra fields warm_ms (null
// when not even one repeat fit), warm_times_ms and warm_stable; an empty object when
// settings.repeats is 0.
template <typename Stop, typename RunOnce>
nlohmann::ordered_json warm_repeats(RunOnce&& run_once, const WarmSettings& settings,
                                    double expect_ms) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  if (settings.repeats <= 0) return out;
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  const auto elapsed_ms = [&] {
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  };
  std::vector<double> times;
  while (static_cast<long>(times.size()) < settings.repeats) {
    const double next = times.empty() ? expect_ms : *std::max_element(times.begin(), times.end());
    if (elapsed_ms() + next > settings.budget_ms) break;
    try {
      times.push_back(run_once(times.size()));
    } catch (const Stop&) {
      break;
    }
    if (is_stable(times, settings.window, settings.tolerance)) break;
  }
  const auto round3 = [](double t) { return std::round(t * 1000) / 1000; };
  nlohmann::ordered_json all = nlohmann::ordered_json::array();
  for (const double t : times) all.push_back(round3(t));
  out["warm_ms"] = times.empty()
                       ? nlohmann::ordered_json(nullptr)
                       : nlohmann::ordered_json(round3(median_of(last_of(times, settings.window))));
  out["warm_times_ms"] = std::move(all);
  out["warm_stable"] = is_stable(times, settings.window, settings.tolerance);
  return out;
}

}  // namespace crdtcore_bench
