// bench_trace_replay.cpp — replays a real editing trace through the C++ API and times it.
//
// The trace is one of bench/traces/sequential/*.json.gz (josephg/editing-traces,
// CC BY 4.0; see bench/traces/README.md for the attribution). Each patch [pos, n_deleted,
// inserted] becomes one transaction on a Doc whose unit is OffsetKind::CodePoint (the
// traces count code points):
//
//   Transaction txn(doc); text.remove_range(pos, n_deleted); text.insert(pos, inserted);
//
// Reported per trace, as the median of `runs` repetitions (reading and JSON parsing
// excluded):
//   replay   all patches into a fresh Doc; ops/s = patches / replay time (wall clock);
//            the process CPU time is shown too (steadier on a shared machine)
//   encode   Doc::encode_state_as_update() of the final document (v1), and its size
//   decode   Doc::apply_update() of that update into a fresh Doc
// Every run checks the final text (length and content) against endContent, and the
// decoded document against it too; a mismatch makes the exit status 1.
//
// Usage: bench_trace_replay [trace|all] [runs]
//   trace  a .json.gz path or a name under bench/traces/sequential
//          ($CRDTCORE_TRACES/sequential when set); default automerge-paper
//   all    every sequential trace, one summary line each
//   runs   repetitions, default 5
// Comparable to diamond-types' trace benches and to crdt-benchmarks' B4 (automerge-paper).
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "crdtcore/doc.h"
#include "crdtcore/error.h"
#include "crdtcore/text.h"

#include "trace_loader.h"

namespace {

using crdtcore_bench::load_trace;
using crdtcore_bench::resolve_trace;
using crdtcore_bench::sequential_dir;
using crdtcore_bench::Trace;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct RunTimes {
  double replay_s = 0;
  double replay_cpu_s = 0;  // process CPU time: less noisy than wall time on a busy machine
  double encode_s = 0;
  double decode_s = 0;
  size_t update_bytes = 0;
  bool ok = true;
  std::string failure;  // first problem seen, empty when ok
};

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double cpu_seconds() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

crdtcore::Doc make_doc(crdtcore::ClientId client_id) {
  crdtcore::DocOptions options;
  options.client_id = client_id;
  options.offset_kind = crdtcore::OffsetKind::CodePoint;
  return crdtcore::Doc(options);
}

void fail(RunTimes& run, const std::string& what) {
  if (run.ok) run.failure = what;
  run.ok = false;
}

RunTimes run_once(const Trace& trace) {
  RunTimes run;
  crdtcore::Doc doc = make_doc(1);
  crdtcore::Text text = doc.get_text("text");
  size_t index = 0;
  const auto replay_start = Clock::now();
  const double replay_cpu_start = cpu_seconds();
  try {
    for (; index < trace.patches.size(); ++index) {
      const crdtcore_bench::Patch& p = trace.patches[index];
      crdtcore::Transaction txn(doc);
      if (p.n_deleted != 0) text.remove_range(p.pos, p.n_deleted);
      if (!p.inserted.empty()) text.insert(p.pos, p.inserted);
    }
  } catch (const std::exception& e) {
    fail(run, "patch #" + std::to_string(index) + " threw: " + e.what());
    return run;
  }
  run.replay_s = seconds_since(replay_start);
  run.replay_cpu_s = cpu_seconds() - replay_cpu_start;

  if (text.length() != trace.end_code_points) {
    fail(run, "final length " + std::to_string(text.length()) +
                  " != " + std::to_string(trace.end_code_points));
  } else if (text.to_string() != trace.end_content) {
    fail(run, "final text differs from endContent");
  }

  const auto encode_start = Clock::now();
  const crdtcore::Bytes update = doc.encode_state_as_update();
  run.encode_s = seconds_since(encode_start);
  run.update_bytes = update.size();

  crdtcore::Doc fresh = make_doc(2);
  crdtcore::Text fresh_text = fresh.get_text("text");
  try {
    const auto decode_start = Clock::now();
    fresh.apply_update(update);
    run.decode_s = seconds_since(decode_start);
  } catch (const std::exception& e) {
    fail(run, std::string("decoding the update threw: ") + e.what());
    return run;
  }
  if (fresh_text.to_string() != trace.end_content) {
    fail(run, "decoded text differs from endContent");
  }
  return run;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

struct Summary {
  double replay_s, replay_min_s, replay_cpu_s, encode_s, decode_s;
  size_t update_bytes;
  bool ok;
  std::string failure;
};

Summary measure(const Trace& trace, int runs) {
  std::vector<double> replay, replay_cpu, encode, decode;
  Summary s{0, 0, 0, 0, 0, 0, true, {}};
  for (int i = 0; i < runs; ++i) {
    const RunTimes run = run_once(trace);
    if (!run.ok) {
      s.ok = false;
      s.failure = run.failure;
      return s;
    }
    replay.push_back(run.replay_s);
    replay_cpu.push_back(run.replay_cpu_s);
    encode.push_back(run.encode_s);
    decode.push_back(run.decode_s);
    s.update_bytes = run.update_bytes;
  }
  s.replay_s = median(replay);
  s.replay_min_s = *std::min_element(replay.begin(), replay.end());
  s.replay_cpu_s = median(replay_cpu);
  s.encode_s = median(encode);
  s.decode_s = median(decode);
  return s;
}

void print_detailed(const Trace& trace, const Summary& s, int runs, double parse_s) {
  std::printf("trace %s: %zu patches, %llu chars (read+parse %.0f ms, excluded)\n",
              trace.name.c_str(), trace.patches.size(),
              static_cast<unsigned long long>(trace.end_code_points), parse_s * 1e3);
  if (!s.ok) {
    std::printf("FAILED: %s\n", s.failure.c_str());
    return;
  }
  std::printf(
      "replay  median %9.2f ms  (min %.2f ms, cpu %.2f ms, %d runs)  %.2f Mops/s"
      "  final text OK\n",
      s.replay_s * 1e3, s.replay_min_s * 1e3, s.replay_cpu_s * 1e3, runs,
      static_cast<double>(trace.patches.size()) / s.replay_s / 1e6);
  std::printf("encode  median %9.3f ms  v1 update %zu bytes\n", s.encode_s * 1e3, s.update_bytes);
  std::printf("decode  median %9.3f ms  (apply into a fresh Doc) text OK\n", s.decode_s * 1e3);
}

void print_line(const Trace& trace, const Summary& s) {
  if (!s.ok) {
    std::printf("%-22s FAILED: %s\n", trace.name.c_str(), s.failure.c_str());
    return;
  }
  std::printf(
      "%-22s %7zu patches  replay %8.2f ms (cpu %8.2f)  %6.2f Mops/s  encode %7.3f ms"
      "  %8zu B  decode %7.3f ms  OK\n",
      trace.name.c_str(), trace.patches.size(), s.replay_s * 1e3, s.replay_cpu_s * 1e3,
      static_cast<double>(trace.patches.size()) / s.replay_s / 1e6, s.encode_s * 1e3,
      s.update_bytes, s.decode_s * 1e3);
}

}  // namespace

int main(int argc, char** argv) {
  const std::string which = argc > 1 ? argv[1] : "automerge-paper";
  const int runs = argc > 2 ? std::max(1, std::atoi(argv[2])) : 5;
  try {
    if (which == "all") {
      std::vector<fs::path> paths;
      for (const auto& entry : fs::directory_iterator(sequential_dir())) {
        if (entry.path().string().size() > 8 &&
            entry.path().string().rfind(".json.gz") == entry.path().string().size() - 8) {
          paths.push_back(entry.path());
        }
      }
      std::sort(paths.begin(), paths.end());
      if (paths.empty()) throw std::runtime_error("no traces in " + sequential_dir().string());
      bool all_ok = true;
      for (const auto& path : paths) {
        const Trace trace = load_trace(path);
        const Summary s = measure(trace, runs);
        print_line(trace, s);
        std::fflush(stdout);
        all_ok = all_ok && s.ok;
      }
      return all_ok ? 0 : 1;
    }
    const auto parse_start = Clock::now();
    const Trace trace = load_trace(resolve_trace(which));
    const double parse_s = seconds_since(parse_start);
    const Summary s = measure(trace, runs);
    print_detailed(trace, s, runs, parse_s);
    return s.ok ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_trace_replay: %s\n", e.what());
    return 2;
  }
}
