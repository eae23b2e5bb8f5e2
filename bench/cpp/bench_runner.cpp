// bench_runner.cpp — the C++ runner of the benchmark protocol: one (workload, input)
// measurement of crdtcore's C++ API per invocation, printed as one JSON line.
//
//   bench_runner --lib crdtcore-cpp --workload W --input I
//   {"lib":"crdtcore-cpp","workload":"replay","input":"automerge-paper","ok":true,"ms":98.1,
//    "ops":259778,"bytes":223414,"mem_bytes":null,"mem_method":null,"version":"0.1.0","error":null}
//
// Workloads (bench/README.md, "crdtcore and Python peers", says exactly what each does):
//   replay encode load replay_sync   a sequential trace (name or .json.gz path)
//   concurrent                       a concurrent trace, one Doc per agent
//   b1.1-b1.4 b2.1-b2.4 b3.1-b3.4    crdt-benchmarks shapes, N = 6000 unless "b1.1:N"
//   b4 b4x10                         automerge-paper once / ten times into one Doc; b4x10
//                                    records extra.checkpoints (the growth_history curves)
//   growth:b4:P growth:b4x:K growth:b3:C   history-size and client-count growth points
// Documents index text in code points (OffsetKind::CodePoint), the traces' unit; every
// edit is one transaction: `Transaction txn(doc); text.remove_range(..); text.insert(..)`.
// Only the measured part is timed (trace parsing, input generation and checks are not).
// Every result is checked (final text against endContent or a model, all peers equal);
// a wrong result gives ok=false and an error, never a time. Exit status: 0 when ok,
// 1 when not ok, 2 for a usage error (the JSON line is printed in every case).
// $CRDTCORE_BENCH_BUDGET_S = S > 0: a replay, replay_sync or concurrent run whose timed
// part passes S seconds stops with ok=false, error "timeout: budget of S s exceeded ...".
// replay, replay_sync, encode, load and concurrent also give a warm figure (extra.warm_ms,
// warm_times_ms, warm_stable: bench_warm.h; $CRDTCORE_BENCH_WARM_REPEATS, _WARM_S, _WARM_TOL):
// the measurement repeated in this process on fresh documents, each repeat checked.
// Repetition across processes, warm-up calls and medians are the orchestrator's job.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <sys/wait.h>

#include "crdtcore/array.h"
#include "crdtcore/doc.h"
#include "crdtcore/map.h"
#include "crdtcore/text.h"

#include "bench_support.h"
#include "bench_warm.h"
#include "trace_loader.h"

namespace {

using crdtcore::Bytes;
using crdtcore::Doc;
using crdtcore::Text;
using crdtcore::Transaction;
using crdtcore::Value;
using crdtcore_bench::Patch;
using crdtcore_bench::Rng;
using crdtcore_bench::Trace;
using Clock = std::chrono::steady_clock;

constexpr const char* kLib = "crdtcore-cpp";
constexpr uint64_t kDefaultN = 6000;
constexpr uint64_t kB2InitChars = 100;
// Patches (replay, replay_sync) or txns (concurrent) between two budget checks.
constexpr size_t kBudgetChunk = 4096;
// b4x10's checkpoints: after each tenth of the first pass, then after every later pass.
constexpr uint64_t kFirstPassSlices = 10;

struct Result {
  bool ok = true;
  double ms = 0;
  uint64_t ops = 0;
  std::optional<uint64_t> bytes;
  std::optional<int64_t> mem_bytes;
  std::string mem_method;
  std::string error;
  nlohmann::ordered_json extra;  // null, or extra fields ("checkpoints")
};

// A wrong result: becomes ok=false with this message.
struct WrongResult : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A workload or input this runner does not know: ok=false, error "unsupported: ...".
struct Unsupported : std::runtime_error {
  using std::runtime_error::runtime_error;
};

void check(bool condition, const std::string& what) {
  if (!condition) throw WrongResult(what);
}

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

using crdtcore_bench::Budget;
using crdtcore_bench::BudgetExceeded;
using crdtcore_bench::warm_up_runs;

Budget g_budget;

// Adds the warm figure (bench_warm.h) to the cold result r: repeat(i) redoes the measurement on
// fresh documents, checks it and returns its time. A wrong result in a repeat fails the whole
// measurement (its message ends in "(warm repeat N)"); a repeat over g_budget ends the repeats.
template <typename Fn>
void add_warm(Result& r, Fn&& repeat) {
  const auto checked = [&repeat](size_t i) {
    try {
      return repeat(i);
    } catch (const WrongResult& e) {
      throw WrongResult(std::string(e.what()) + " (warm repeat " + std::to_string(i + 1) + ")");
    }
  };
  const nlohmann::ordered_json warm = crdtcore_bench::warm_repeats<BudgetExceeded>(
      checked, crdtcore_bench::WarmSettings::from_env(), r.ms);
  if (warm.empty()) return;
  if (r.extra.is_null()) r.extra = nlohmann::ordered_json::object();
  r.extra.update(warm);
}

Doc make_doc(crdtcore::ClientId client_id) {
  crdtcore::DocOptions options;
  options.client_id = client_id;
  options.offset_kind = crdtcore::OffsetKind::CodePoint;
  return Doc(options);
}

void apply_patch(Doc& doc, Text& text, const Patch& p) {
  Transaction txn(doc);
  if (p.n_deleted != 0) text.remove_range(p.pos, p.n_deleted);
  if (!p.inserted.empty()) text.insert(p.pos, p.inserted);
}

void replay(Doc& doc, Text& text, const std::vector<Patch>& patches, size_t begin, size_t end) {
  for (size_t i = begin; i < end; ++i) apply_patch(doc, text, patches[i]);
}

// Every patch, checking g_budget (clock started at `start`) every kBudgetChunk patches.
void replay_budgeted(Doc& doc, Text& text, const std::vector<Patch>& patches,
                     Clock::time_point start) {
  const size_t n = patches.size();
  for (size_t i = 0; i < n; i += kBudgetChunk) {
    const size_t end = std::min(n, i + kBudgetChunk);
    replay(doc, text, patches, i, end);
    if (end < n) g_budget.check(start, end, n, "patches");
  }
}

void check_text(const Text& text, const std::string& expected, const std::string& who) {
  const std::string actual = text.to_string();
  if (actual == expected) return;
  size_t at = 0;
  while (at < actual.size() && at < expected.size() && actual[at] == expected[at]) ++at;
  throw WrongResult(who + " text differs from the expected text at byte " + std::to_string(at) +
                    " (" + std::to_string(actual.size()) + " vs " +
                    std::to_string(expected.size()) + " bytes)");
}

std::string repeat(const std::string& s, uint64_t times) {
  std::string out;
  out.reserve(s.size() * times);
  for (uint64_t i = 0; i < times; ++i) out += s;
  return out;
}

// ---- sequential traces ----------------------------------------------------------------

// The trace into a fresh Doc, timed and checked; the warm repeats do the same.
Result run_replay(const Trace& trace) {
  Result r;
  const auto once = [&trace, &r](bool cold) {
    Doc doc = make_doc(1);
    Text text = doc.get_text("text");
    const auto start = Clock::now();
    replay_budgeted(doc, text, trace.patches, start);
    const double ms = ms_since(start);
    check_text(text, trace.end_content, "replayed");
    if (cold) r.bytes = doc.encode_state_as_update().size();
    return ms;  // the Doc is freed here, outside the timed part
  };
  r.ms = once(true);
  r.ops = trace.patches.size();
  add_warm(r, [&once](size_t) { return once(false); });
  return r;
}

Bytes replayed_update(const Trace& trace) {
  Doc doc = make_doc(1);
  Text text = doc.get_text("text");
  replay(doc, text, trace.patches, 0, trace.patches.size());
  check_text(text, trace.end_content, "replayed");
  return doc.encode_state_as_update();
}

// The warm repeats encode the same Doc (encoding does not change it) after the same warm-up;
// each encoding must equal the checked one byte for byte, or else decode to the right text.
Result run_encode(const Trace& trace) {
  Result r;
  Doc doc = make_doc(1);
  Text text = doc.get_text("text");
  replay(doc, text, trace.patches, 0, trace.patches.size());
  check_text(text, trace.end_content, "replayed");
  const auto timed_encode = [&doc](Bytes& out) {
    warm_up_runs([&] { doc.encode_state_as_update(); });
    const auto start = Clock::now();
    out = doc.encode_state_as_update();
    return ms_since(start);
  };
  const auto check_decoded = [&trace](const Bytes& update) {
    Doc fresh = make_doc(2);
    fresh.apply_update(update);
    check_text(fresh.get_text("text"), trace.end_content, "decoded");
  };
  Bytes update;
  r.ms = timed_encode(update);
  r.ops = trace.patches.size();
  r.bytes = update.size();
  check_decoded(update);
  add_warm(r, [&](size_t) {
    Bytes again;
    const double ms = timed_encode(again);
    if (again != update) check_decoded(again);
    return ms;
  });
  return r;
}

// The path of this executable and the --out argument (the _encode_to child mode).
std::string g_self;
std::string g_out;

// Runs this executable as `--workload _encode_to --input INPUT --out PATH` and returns the
// encoding it wrote: the replay happens in another process, so this one starts load from a
// fresh heap (memory a replayed document freed and a library kept would hide the loaded
// document's size).
Bytes encoding_from_child(const std::string& input) {
  const std::string path = "/tmp/crdtcore-bench-cpp-" + std::to_string(::getpid()) + ".bin";
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    const int devnull = ::open("/dev/null", O_WRONLY);
    if (devnull >= 0) ::dup2(devnull, STDOUT_FILENO);
    const char* args[] = {g_self.c_str(), "--lib",       kLib,    "--workload", "_encode_to",
                          "--input",      input.c_str(), "--out", path.c_str(), nullptr};
    ::execv(g_self.c_str(), const_cast<char* const*>(args));
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  std::ifstream in(path, std::ios::binary);
  Bytes bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::remove(path.c_str());
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || bytes.empty()) {
    throw std::runtime_error("the _encode_to child process failed");
  }
  return bytes;
}

// load: the encoding comes from a child process. A first (cold) load into this fresh process
// gives mem_bytes; it is dropped, the warm-up loads follow (warm_up_runs), and the time is that
// of the next load, as the JS runner does.
Result run_load(const Trace& trace, const std::string& input) {
  Result r;
  const Bytes update = encoding_from_child(input);
  {
    const int64_t heap_before = crdtcore_bench::heap_in_use();
    Doc cold = make_doc(2);
    cold.apply_update(update);
    check_text(cold.get_text("text"), trace.end_content, "loaded");
    r.mem_bytes = crdtcore_bench::heap_in_use() - heap_before;
    r.mem_method = crdtcore_bench::kHeapMethod;
  }
  // The warm-up loads, then one timed load into a fresh Doc (the cold time; the warm repeats
  // do the same). The Doc is freed after its check, outside the timed part.
  const auto timed_load = [&](size_t) {
    warm_up_runs([&] {
      Doc warm = make_doc(2);
      warm.apply_update(update);
      check_text(warm.get_text("text"), trace.end_content, "loaded");
    });
    const auto start = Clock::now();
    auto fresh = std::make_unique<Doc>(make_doc(2));
    fresh->apply_update(update);
    const double ms = ms_since(start);
    check_text(fresh->get_text("text"), trace.end_content, "loaded");
    return ms;
  };
  r.ms = timed_load(0);
  r.ops = trace.patches.size();
  r.bytes = update.size();
  add_warm(r, timed_load);
  return r;
}

// _encode_to (internal): replays the trace and writes its encoding to --out.
Result run_encode_to(const Trace& trace) {
  Result r;
  const Bytes update = replayed_update(trace);
  std::ofstream out(g_out, std::ios::binary);
  out.write(reinterpret_cast<const char*>(update.data()),
            static_cast<std::streamsize>(update.size()));
  if (!out) throw std::runtime_error("cannot write " + g_out);
  r.bytes = update.size();
  return r;
}

// Each local transaction's update (Doc::observe) goes straight into a second Doc.
// The warm repeats do the same with a fresh pair of Docs.
Result run_replay_sync(const Trace& trace) {
  Result r;
  const auto once = [&trace, &r](bool cold) {
    Doc doc = make_doc(1);
    Doc peer = make_doc(2);
    Text text = doc.get_text("text");
    Text peer_text = peer.get_text("text");
    doc.observe([&peer](const crdtcore::TransactionResult& t) {
      if (t.local) peer.apply_update(t.update);
    });
    const auto start = Clock::now();
    replay_budgeted(doc, text, trace.patches, start);
    const double ms = ms_since(start);
    check_text(text, trace.end_content, "replayed");
    check_text(peer_text, trace.end_content, "synced");
    if (cold) r.bytes = doc.encode_state_as_update().size();
    return ms;
  };
  r.ms = once(true);
  r.ops = trace.patches.size();
  add_warm(r, [&once](size_t) { return once(false); });
  return r;
}

// ---- concurrent traces ----------------------------------------------------------------

// One Doc per agent (client id agent + 1). Before agent a runs txn i, a receives, in
// index order, every txn of the causal past of i's parents that it lacks; the updates
// are the ones each txn produced locally (Doc::observe). At the end every agent
// receives everything it lacks. The whole of this is timed. Returns the time; fills r's ops
// and bytes when r is given (the cold run).
double concurrent_once(const crdtcore_bench::ConcurrentTrace& trace, Result* r) {
  const size_t n = trace.txns.size();
  std::vector<Doc> docs;
  std::vector<Text> texts;
  std::vector<Bytes> updates(n);
  std::vector<std::vector<char>> known(trace.num_agents, std::vector<char>(n, 0));
  size_t current = 0;
  for (uint32_t a = 0; a < trace.num_agents; ++a) {
    docs.push_back(make_doc(a + 1));
    texts.push_back(docs.back().get_text("text"));
    docs.back().observe([&updates, &current](const crdtcore::TransactionResult& t) {
      if (t.local) updates[current] = t.update;
    });
  }
  std::vector<uint32_t> stack, missing;
  auto deliver = [&](uint32_t agent, const std::vector<uint32_t>& roots) {
    std::vector<char>& have = known[agent];
    stack.assign(roots.begin(), roots.end());
    missing.clear();
    while (!stack.empty()) {
      const uint32_t j = stack.back();
      stack.pop_back();
      if (have[j]) continue;
      have[j] = 1;
      missing.push_back(j);
      for (uint32_t p : trace.txns[j].parents) {
        if (!have[p]) stack.push_back(p);
      }
    }
    std::sort(missing.begin(), missing.end());
    for (uint32_t j : missing) docs[agent].apply_update(updates[j]);
  };
  std::vector<uint32_t> all(n);
  for (size_t i = 0; i < n; ++i) all[i] = static_cast<uint32_t>(i);

  const auto start = Clock::now();
  for (size_t i = 0; i < n; ++i) {
    const crdtcore_bench::ConcurrentTxn& txn = trace.txns[i];
    deliver(txn.agent, txn.parents);
    current = i;
    {
      Transaction t(docs[txn.agent]);
      for (const Patch& p : txn.patches) {
        if (p.n_deleted != 0) texts[txn.agent].remove_range(p.pos, p.n_deleted);
        if (!p.inserted.empty()) texts[txn.agent].insert(p.pos, p.inserted);
      }
    }
    known[txn.agent][i] = 1;
    if ((i + 1) % kBudgetChunk == 0) g_budget.check(start, i + 1, n, "txns");
  }
  for (uint32_t a = 0; a < trace.num_agents; ++a) deliver(a, all);
  const double ms = ms_since(start);

  for (uint32_t a = 0; a < trace.num_agents; ++a) {
    check(!docs[a].has_pending(), "agent " + std::to_string(a) + " has pending updates");
    check_text(texts[a], trace.end_content, "agent " + std::to_string(a));
  }
  if (r != nullptr) {
    for (const auto& txn : trace.txns) r->ops += txn.patches.size();
    r->bytes = docs[0].encode_state_as_update().size();
  }
  return ms;
}

// The warm repeats run the trace again into fresh Docs.
Result run_concurrent(const crdtcore_bench::ConcurrentTrace& trace) {
  Result r;
  r.ms = concurrent_once(trace, &r);
  add_warm(r, [&trace](size_t) { return concurrent_once(trace, nullptr); });
  return r;
}

// ---- crdt-benchmarks B1-B4 --------------------------------------------------------------

// B1: one client, N single-character edits (B1.2: one insert of N characters).
Result run_b1(int variant, uint64_t n) {
  Result r;
  Rng rng;
  std::vector<std::pair<uint64_t, std::string>> edits;  // (index, one character)
  std::string expected;
  if (variant == 4) {
    for (uint64_t i = 0; i < n; ++i) {
      const uint64_t index = rng.int_in(0, i);
      const char c = rng.letter();
      edits.emplace_back(index, std::string(1, c));
      expected.insert(expected.begin() + static_cast<ptrdiff_t>(index), c);
    }
  } else {
    expected = rng.word(n);
    if (variant == 1) {
      for (uint64_t i = 0; i < n; ++i) edits.emplace_back(i, expected.substr(i, 1));
    } else if (variant == 2) {
      edits.emplace_back(0, expected);
    } else {
      for (uint64_t i = n; i-- > 0;) edits.emplace_back(0, expected.substr(i, 1));
    }
  }
  Doc doc = make_doc(1);
  Text text = doc.get_text("text");
  const auto start = Clock::now();
  for (const auto& [index, s] : edits) text.insert(index, s);  // one transaction each
  r.ms = ms_since(start);
  r.ops = n;
  check_text(text, expected, "B1");
  r.bytes = doc.encode_state_as_update().size();
  return r;
}

// B2: two synced clients edit concurrently (each client's N edits in one transaction),
// then exchange what the other lacks (state vector diff) both ways.
Result run_b2(int variant, uint64_t n) {
  Result r;
  Rng rng;
  const std::string init = rng.word(kB2InitChars);
  Doc docs[2] = {make_doc(1), make_doc(2)};
  struct Edit {
    uint64_t index;
    std::string text;
    int64_t number;
  };
  std::vector<Edit> edits[2];
  for (auto& client_edits : edits) {
    for (uint64_t i = 0; i < n; ++i) {
      if (variant == 1) {
        const uint64_t index = rng.int_in(0, kB2InitChars + i);
        client_edits.push_back({index, std::string(1, rng.letter()), 0});
      } else if (variant == 2) {
        client_edits.push_back({0, rng.word(n), 0});
        break;
      } else if (variant == 3) {
        client_edits.push_back({i, {}, rng.number()});
      } else {
        const uint64_t index = rng.int_in(0, i);
        client_edits.push_back({index, {}, rng.number()});
      }
    }
  }
  const bool text_bench = variant <= 2;
  if (text_bench) {
    docs[0].get_text("text").insert(0, init);
    docs[1].apply_update(docs[0].encode_state_as_update());
  }
  const auto start = Clock::now();
  for (int c = 0; c < 2; ++c) {
    Transaction txn(docs[c]);
    if (text_bench) {
      Text text = docs[c].get_text("text");
      for (const Edit& e : edits[c]) text.insert(e.index, e.text);
    } else {
      crdtcore::Array array = docs[c].get_array("array");
      for (const Edit& e : edits[c]) array.insert(e.index, {Value::integer(e.number)});
    }
  }
  const Bytes sv0 = docs[0].encode_state_vector();
  const Bytes sv1 = docs[1].encode_state_vector();
  const Bytes to1 = docs[0].encode_state_as_update(&sv1);
  const Bytes to0 = docs[1].encode_state_as_update(&sv0);
  docs[1].apply_update(to1);
  docs[0].apply_update(to0);
  r.ms = ms_since(start);
  r.ops = n;

  if (text_bench) {
    const std::string t0 = docs[0].get_text("text").to_string();
    check(t0 == docs[1].get_text("text").to_string(), "B2: the clients' texts differ");
    check(t0.size() == 2 * n + kB2InitChars, "B2: wrong text length");
  } else {
    const Value a0 = docs[0].get_array("array").to_value();
    check(a0 == docs[1].get_array("array").to_value(), "B2: the clients' arrays differ");
    std::vector<int64_t> got, want;
    for (const Value& v : a0.as_array()) got.push_back(v.as_int());
    for (const auto& client_edits : edits) {
      for (const Edit& e : client_edits) want.push_back(e.number);
    }
    std::sort(got.begin(), got.end());
    std::sort(want.begin(), want.end());
    check(got == want, "B2: the array does not hold the inserted numbers");
  }
  r.bytes = docs[0].encode_state_as_update().size();
  return r;
}

// B3: C = floor(sqrt(N)) clients make one edit each; the measured part is one client
// applying every client's update in one transaction (crdt-benchmarks' B3 template).
Result run_b3(int variant, uint64_t clients, uint64_t ops) {
  Result r;
  Rng rng;
  check(clients >= 2, "B3 needs at least 2 clients");
  std::vector<Doc> docs;
  std::vector<Bytes> updates;
  for (uint64_t i = 0; i < clients; ++i) {
    docs.push_back(make_doc(i + 1));
    Doc& doc = docs.back();
    if (variant == 1) {
      doc.get_text("text").insert(0, std::string(1, rng.letter()));
    } else if (variant == 2) {
      doc.get_map("map").set("v", Value::integer(static_cast<int64_t>(i)));
    } else if (variant == 3) {
      doc.get_map("map").set("v", Value::string(repeat(std::to_string(i), clients)));
    } else {
      doc.get_array("array").insert(0, {Value::string(std::to_string(i))});
    }
    updates.push_back(doc.encode_state_as_update());
  }
  auto sync_all = [&updates](Doc& doc) {
    Transaction txn(doc);
    for (const Bytes& u : updates) doc.apply_update(u);
  };
  sync_all(docs[0]);  // the reference, not timed
  const int64_t heap_before = crdtcore_bench::heap_in_use();
  const auto start = Clock::now();
  sync_all(docs[1]);
  r.ms = ms_since(start);
  r.mem_bytes = crdtcore_bench::heap_in_use() - heap_before;
  r.mem_method = "glibc mallinfo2 (uordblks+hblkhd) delta around applying the updates";
  r.ops = ops;

  const char* root = variant == 1 ? "text" : variant == 4 ? "array" : "map";
  const auto value_of = [&](Doc& doc) {
    if (variant == 1) return Value::string(doc.get_text(root).to_string());
    if (variant == 4) return doc.get_array(root).to_value();
    return doc.get_map(root).to_value();
  };
  const Value v0 = value_of(docs[0]);
  check(v0 == value_of(docs[1]), "B3: the synced clients differ");
  if (variant == 1) check(v0.as_string().size() == clients, "B3.1: wrong text length");
  if (variant == 4) check(v0.as_array().size() == clients, "B3.4: wrong array length");
  if (variant == 2 || variant == 3) {
    // Yjs rule: the highest client id wins the key.
    const uint64_t w = clients - 1;
    const Value want = variant == 2 ? Value::integer(static_cast<int64_t>(w))
                                    : Value::string(repeat(std::to_string(w), clients));
    check(v0.as_object().size() == 1 && v0.as_object()[0].second == want,
          "B3: the map does not hold the highest client's value");
  }
  r.bytes = docs[0].encode_state_as_update().size();
  return r;
}

// The patch counts after which run_b4 takes a checkpoint: floor(count * s / 10) for
// s = 1..10 (the first pass), then count * k for k = 2..times (the end of each later pass).
std::vector<uint64_t> checkpoint_counts(uint64_t count, uint64_t times) {
  std::vector<uint64_t> out;
  for (uint64_t s = 1; s <= kFirstPassSlices; ++s) out.push_back(count * s / kFirstPassSlices);
  for (uint64_t k = 2; k <= times; ++k) out.push_back(count * k);
  return out;
}

// B4 / B4xK / growth: the first `count` patches of a trace, `times` times into one Doc
// (each pass types its text in front of the previous ones, so the result is the
// expected text repeated). mem_bytes is what the edited Doc holds. With `checkpoints`,
// the clock pauses at each checkpoint_counts() point while the heap is read, and
// extra.checkpoints lists {patches, ms, mem_bytes}: patches applied, timed ms so far,
// heap held by the Doc.
Result run_b4(const Trace& trace, size_t count, uint64_t times, const std::string& expected,
              bool checkpoints = false) {
  Result r;
  const int64_t heap_before = crdtcore_bench::heap_in_use();
  auto doc = std::make_unique<Doc>(make_doc(1));
  Text text = doc->get_text("text");
  std::vector<uint64_t> stops;
  if (checkpoints) {
    stops = checkpoint_counts(count, times);
  } else {
    stops.push_back(count * times);
  }
  nlohmann::ordered_json points = nlohmann::ordered_json::array();
  uint64_t done = 0;
  for (const uint64_t stop : stops) {
    const auto start = Clock::now();
    while (done < stop) {  // one pass, or the part of a pass up to the next stop
      const uint64_t base = done / count * count;
      const uint64_t end = std::min<uint64_t>(stop, base + count);
      replay(*doc, text, trace.patches, done - base, end - base);
      done = end;
    }
    r.ms += ms_since(start);
    if (checkpoints) {
      points.push_back({{"patches", done},
                        {"ms", std::round(r.ms * 1000) / 1000},
                        {"mem_bytes", crdtcore_bench::heap_in_use() - heap_before}});
    }
  }
  r.mem_bytes = crdtcore_bench::heap_in_use() - heap_before;
  r.mem_method = "glibc mallinfo2 (uordblks+hblkhd) delta around creating and editing the document";
  r.ops = count * times;
  if (checkpoints) r.extra["checkpoints"] = points;
  check_text(text, repeat(expected, times), "B4");
  r.bytes = doc->encode_state_as_update().size();
  return r;
}

// The text a prefix of the trace produces (a plain model; endContent for the whole).
std::string prefix_text(const Trace& trace, size_t count) {
  if (count == trace.patches.size()) return trace.end_content;
  crdtcore_bench::TextModel model;
  for (size_t i = 0; i < count; ++i) {
    const Patch& p = trace.patches[i];
    model.apply(p.pos, p.n_deleted, p.inserted);
  }
  return model.to_utf8();
}

// ---- dispatch ---------------------------------------------------------------------------

uint64_t parse_count(const std::string& s, const std::string& what) {
  if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos) {
    throw Unsupported("bad " + what + ": '" + s + "'");
  }
  return std::stoull(s);
}

// The ":N" of "b1.1:6000" (workload or input), or of a bare number given as input.
uint64_t size_param(const std::string& workload, const std::string& input) {
  for (const std::string& s : {workload, input}) {
    if (const auto colon = s.rfind(':'); colon != std::string::npos) {
      return parse_count(s.substr(colon + 1), "size");
    }
  }
  if (!input.empty() && input.find_first_not_of("0123456789") == std::string::npos) {
    return parse_count(input, "size");
  }
  return kDefaultN;
}

uint64_t isqrt(uint64_t n) {
  auto c = static_cast<uint64_t>(std::sqrt(static_cast<double>(n)));
  while (c * c > n) --c;
  while ((c + 1) * (c + 1) <= n) ++c;
  return c;
}

// The sequential trace of a B4 workload: the input when it names a trace, else B4's.
Trace b4_trace(const std::string& input) {
  static const std::regex spec(R"((b\d.*|growth.*|\d+|-)?)");
  const std::string name = std::regex_match(input, spec) ? "automerge-paper" : input;
  return crdtcore_bench::load_trace(crdtcore_bench::resolve_trace(name));
}

Result run_workload(const std::string& workload, const std::string& input) {
  static const std::regex bxy(R"(b([123])\.([1-4])(:\d+)?)");
  std::smatch m;
  if (workload == "replay" || workload == "encode" || workload == "load" ||
      workload == "replay_sync" || workload == "_encode_to") {
    const Trace trace = crdtcore_bench::load_trace(crdtcore_bench::resolve_trace(input));
    if (workload == "replay") return run_replay(trace);
    if (workload == "encode") return run_encode(trace);
    if (workload == "load") return run_load(trace, input);
    if (workload == "_encode_to") return run_encode_to(trace);
    return run_replay_sync(trace);
  }
  if (workload == "concurrent") {
    return run_concurrent(crdtcore_bench::load_concurrent_trace(
        crdtcore_bench::resolve_trace(input, crdtcore_bench::concurrent_dir())));
  }
  if (std::regex_match(workload, m, bxy)) {
    const int group = std::stoi(m[1].str());
    const int variant = std::stoi(m[2].str());
    const uint64_t n = size_param(workload, input);
    if (group == 1) return run_b1(variant, n);
    if (group == 2) return run_b2(variant, n);
    return run_b3(variant, isqrt(n), n);
  }
  if (workload == "b4" || workload == "b4x10") {
    const Trace trace = b4_trace(input);
    const bool b4x10 = workload == "b4x10";
    return run_b4(trace, trace.patches.size(), b4x10 ? 10 : 1, trace.end_content, b4x10);
  }
  // growth:b4:P, growth:b4x:K, growth:b3:C (also as workload "growth" + input "b4:P").
  std::string spec = workload == "growth" ? "growth:" + input : workload;
  static const std::regex growth(R"(growth:(b4|b4x|b3):(\d+))");
  if (std::regex_match(spec, m, growth)) {
    const uint64_t k = parse_count(m[2].str(), "growth parameter");
    if (m[1] == "b3") return run_b3(1, k, k * k);
    const Trace trace = b4_trace("automerge-paper");
    if (m[1] == "b4x") return run_b4(trace, trace.patches.size(), k, trace.end_content);
    if (k < 1 || k > 100) throw Unsupported("growth:b4:P needs 1 <= P <= 100");
    const size_t count = trace.patches.size() * k / 100;
    return run_b4(trace, count, 1, prefix_text(trace, count));
  }
  throw Unsupported("workload '" + workload + "'");
}

// crdtcore's version: pyproject.toml's, as the top-level CMakeLists.txt parses it (PROJECT_VERSION,
// passed by bench/CMakeLists.txt).
std::string crdtcore_version() {
#ifdef CRDTCORE_VERSION
  return CRDTCORE_VERSION;
#else
  return "unknown";
#endif
}

void print_result(const std::string& lib, const std::string& workload, const std::string& input,
                  const Result& r) {
  nlohmann::ordered_json out;
  out["lib"] = lib;
  out["workload"] = workload;
  out["input"] = input;
  out["ok"] = r.ok;
  out["ms"] = r.ok ? nlohmann::ordered_json(std::round(r.ms * 1000) / 1000) : nullptr;
  out["ops"] = r.ops;
  out["bytes"] = r.bytes ? nlohmann::ordered_json(*r.bytes) : nullptr;
  out["mem_bytes"] = r.mem_bytes ? nlohmann::ordered_json(*r.mem_bytes) : nullptr;
  out["mem_method"] = r.mem_method.empty() ? nullptr : nlohmann::ordered_json(r.mem_method);
  out["version"] = crdtcore_version();
  out["error"] = r.ok ? nullptr : nlohmann::ordered_json(r.error);
  if (r.ok && !r.extra.is_null()) out["extra"] = r.extra;
  std::cout << out.dump() << std::endl;
}

}  // namespace

int main(int argc, char** argv) {
  std::string lib = kLib, workload, input;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--lib")
      lib = argv[i + 1];
    else if (flag == "--workload")
      workload = argv[i + 1];
    else if (flag == "--input")
      input = argv[i + 1];
    else if (flag == "--out")
      g_out = argv[i + 1];
  }
  g_self = "/proc/self/exe";
  Result r;
  int status = 0;
  if (argc % 2 == 0 || workload.empty()) {
    r.ok = false;
    r.error = "usage: bench_runner --lib crdtcore-cpp --workload W --input I";
    status = 2;
  } else if (lib != kLib) {
    r.ok = false;
    r.error = "unsupported lib '" + lib + "' (this runner measures crdtcore-cpp)";
    status = 2;
  } else {
    try {
      g_budget = Budget::from_env();
      r = run_workload(workload, input);
    } catch (const Unsupported& e) {
      r = Result{};
      r.ok = false;
      r.error = std::string("unsupported: ") + e.what();
    } catch (const std::exception& e) {
      r = Result{};
      r.ok = false;
      r.error = e.what();
    }
    status = r.ok ? 0 : 1;
  }
  print_result(lib, workload, input, r);
  return status;
}
