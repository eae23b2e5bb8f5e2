// bench_load_encode.cpp — load (a whole v1 document into a fresh Doc) and encode
// (Doc::encode_state_as_update) of a replayed trace, and the memory of the loaded document.
//
// The trace (bench/traces/sequential, CC BY 4.0, see bench/traces/README.md) is replayed once,
// untimed, one transaction per patch on a Doc with OffsetKind::CodePoint; its v1 encoding is
// the input of every load. Reported, as the median (and minimum) of `runs` repetitions:
//   load     Doc + apply_update(update) into a fresh Doc (the bench_runner `load` workload)
//   encode   encode_state_as_update() of the replayed document (the `encode` workload)
//   memory   heap held by one loaded document (glibc mallinfo2 delta, measured before any
//            timed run, in a fresh heap), its structs (Items and GC structs
//            in the store), bytes per struct, and sizeof(Item)
// Every loaded document is checked against endContent and every encoding against the first;
// a mismatch makes the exit status 1.
//
// Usage: bench_load_encode [trace|all] [runs] [load|encode|both]
//   trace  a .json.gz path or a name under bench/traces/sequential; default automerge-paper
//   runs   repetitions, default 9 (1 suits callgrind: `valgrind --tool=callgrind
//          --toggle-collect='crdtcore::Doc::apply_update*' bench_load_encode rustcode 1 load`)
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <sys/wait.h>

#include "api/access.h"
#include "core/doc_state.h"
#include "core/item.h"
#include "crdtcore/crdtcore.h"
#include "crdtcore/doc.h"
#include "crdtcore/text.h"

#include "bench_support.h"
#include "trace_loader.h"

namespace {

using crdtcore_bench::Trace;
using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

crdtcore::Doc make_doc(crdtcore::ClientId client_id) {
  crdtcore::DocOptions options;
  options.client_id = client_id;
  options.offset_kind = crdtcore::OffsetKind::CodePoint;
  return crdtcore::Doc(options);
}

size_t struct_count(const crdtcore::Doc& doc) {
  const auto& impl = crdtcore::detail::Access::doc_ptr(doc);
  size_t n = 0;
  for (const auto& entry : impl->store.clients()) n += entry.second.size();
  return n;
}

struct Stats {
  double median = 0;
  double min = 0;
};

Stats stats(std::vector<double> v) {
  Stats s;
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  s.median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  s.min = v.front();
  return s;
}

// Returns false when a result is wrong.
// The trace's v1 encoding, replayed in a child process (fork) so that this process starts
// the memory measurement from a fresh heap (before the per-document ItemPool, Items freed by
// a replay were recycled by a per-thread free list and hid the loaded document's size).
crdtcore::Bytes replayed_update(const Trace& trace) {
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    ::close(fds[0]);
    crdtcore::Doc doc = make_doc(1);
    crdtcore::Text text = doc.get_text("text");
    for (const crdtcore_bench::Patch& p : trace.patches) {
      crdtcore::Transaction txn(doc);
      if (p.n_deleted != 0) text.remove_range(p.pos, p.n_deleted);
      if (!p.inserted.empty()) text.insert(p.pos, p.inserted);
    }
    const crdtcore::Bytes update = doc.encode_state_as_update();
    size_t done = 0;
    while (done < update.size()) {
      const ssize_t n = ::write(fds[1], update.data() + done, update.size() - done);
      if (n <= 0) ::_exit(1);
      done += static_cast<size_t>(n);
    }
    ::_exit(0);
  }
  ::close(fds[1]);
  crdtcore::Bytes update;
  uint8_t buf[65536];
  ssize_t n;
  while ((n = ::read(fds[0], buf, sizeof buf)) > 0) update.insert(update.end(), buf, buf + n);
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || update.empty()) {
    throw std::runtime_error("the replaying child process failed");
  }
  return update;
}

// Returns false when a result is wrong.
bool run_trace(const Trace& trace, const std::string& name, int runs, bool do_load,
               bool do_encode) {
  const crdtcore::Bytes update = replayed_update(trace);

  int64_t mem = 0;
  size_t structs = 0;
  {
    const int64_t before = crdtcore_bench::heap_in_use();
    crdtcore::Doc loaded = make_doc(2);
    loaded.apply_update(update);
    mem = crdtcore_bench::heap_in_use() - before;
    structs = struct_count(loaded);
    if (loaded.get_text("text").to_string() != trace.end_content) {
      std::fprintf(stderr, "%s: loaded text differs from endContent\n", name.c_str());
      return false;
    }
  }

  // Encoding is timed on a loaded copy: it holds the same structs as the replayed document
  // (checked: its encoding equals the update).
  crdtcore::Doc doc = make_doc(3);
  doc.apply_update(update);
  std::vector<double> load_ms;
  std::vector<double> encode_ms;
  for (int i = 0; i < runs; ++i) {
    if (do_load) {
      const auto start = Clock::now();
      auto fresh = std::make_unique<crdtcore::Doc>(make_doc(2));
      fresh->apply_update(update);
      load_ms.push_back(ms_since(start));
      if (fresh->get_text("text").to_string() != trace.end_content) {
        std::fprintf(stderr, "%s: loaded text differs from endContent\n", name.c_str());
        return false;
      }
    }
    if (do_encode) {
      const auto start = Clock::now();
      const crdtcore::Bytes again = doc.encode_state_as_update();
      encode_ms.push_back(ms_since(start));
      if (again != update) {
        std::fprintf(stderr, "%s: encodings differ between runs\n", name.c_str());
        return false;
      }
    }
  }
  const Stats load = stats(load_ms);
  const Stats encode = stats(encode_ms);
  std::printf(
      "%-22s load %7.3f ms (min %7.3f)  encode %6.3f ms (min %6.3f)  %8zu B  mem %9lld B  "
      "%7zu structs  %5.1f B/struct  sizeof(Item) %zu\n",
      name.c_str(), load.median, load.min, encode.median, encode.min, update.size(),
      static_cast<long long>(mem), structs,
      structs != 0 ? static_cast<double>(mem) / static_cast<double>(structs) : 0.0,
      sizeof(crdtcore::detail::Item));
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string which = argc > 1 ? argv[1] : "automerge-paper";
  const int runs = argc > 2 ? std::max(1, std::atoi(argv[2])) : 9;
  const std::string mode = argc > 3 ? argv[3] : "both";
  if (mode != "load" && mode != "encode" && mode != "both") {
    std::fprintf(stderr, "usage: bench_load_encode [trace|all] [runs] [load|encode|both]\n");
    return 2;
  }
  const bool do_load = mode != "encode";
  const bool do_encode = mode != "load";
  std::vector<std::filesystem::path> paths;
  if (which == "all") {
    for (const auto& entry :
         std::filesystem::directory_iterator(crdtcore_bench::sequential_dir())) {
      if (entry.path().string().size() > 8 &&
          entry.path().string().substr(entry.path().string().size() - 8) == ".json.gz") {
        paths.push_back(entry.path());
      }
    }
    std::sort(paths.begin(), paths.end());
  } else {
    paths.push_back(crdtcore_bench::resolve_trace(which));
  }
  bool ok = true;
  for (const auto& path : paths) {
    const Trace trace = crdtcore_bench::load_trace(path);
    std::string name = path.filename().string();
    name = name.substr(0, name.size() - 8);
    // One process per trace: each trace's memory is measured from a fresh heap.
    std::fflush(stdout);
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
      const bool trace_ok = run_trace(trace, name, runs, do_load, do_encode);
      std::fflush(stdout);
      ::_exit(trace_ok ? 0 : 1);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    ok = ok && WIFEXITED(status) && WEXITSTATUS(status) == 0;
  }
  return ok ? 0 : 1;
}
