// trace_loader.h — reading the editing traces for the C++ benchmarks.
//
// Sequential traces (bench/traces/sequential/NAME.json.gz) flatten to a list of patches
// [pos, n_deleted, inserted] whose positions count Unicode code points; concurrent
// traces (python/crdtcore/sim/concurrent_traces/NAME.json.gz, package data of the simulator)
// keep their transactions with `parents` and `agent`. The formats are described in the
// README.md of those two directories. The data is josephg/editing-traces (CC BY 4.0); see
// those READMEs for the attribution.
//
// $CRDTCORE_TRACES, when set, is a directory with sequential/ and concurrent/ that replaces
// both (the repo root comes from CRDTCORE_SOURCE_DIR, which bench/CMakeLists.txt defines).
// Every loader throws std::runtime_error (or nlohmann::json's exceptions) on a missing
// or malformed file.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace crdtcore_bench {

namespace fs = std::filesystem;

struct Patch {
  uint64_t pos = 0;
  uint64_t n_deleted = 0;
  std::string inserted;  // UTF-8
};

// A sequential trace, flattened: apply `patches` in order to an empty text.
struct Trace {
  std::string name;
  std::vector<Patch> patches;
  std::string end_content;  // UTF-8
  uint64_t end_code_points = 0;
};

// One transaction of a concurrent trace, made by `agent` on the state after `parents`.
struct ConcurrentTxn {
  std::vector<uint32_t> parents;  // indices of earlier transactions
  uint32_t agent = 0;
  std::vector<Patch> patches;
};

struct ConcurrentTrace {
  std::string name;
  uint32_t num_agents = 0;
  std::vector<ConcurrentTxn> txns;
  std::string end_content;  // UTF-8
};

// The root of the crdtcore repository.
inline fs::path repo_root() {
#ifdef CRDTCORE_SOURCE_DIR
  return fs::path(CRDTCORE_SOURCE_DIR);
#else
  return fs::path(__FILE__).parent_path().parent_path().parent_path();
#endif
}

// $CRDTCORE_TRACES/<kind> when that is set, else the traces of the repository:
// bench/traces/sequential and python/crdtcore/sim/concurrent_traces.
inline fs::path traces_dir(const std::string& kind) {
  if (const char* env = std::getenv("CRDTCORE_TRACES"); env != nullptr && *env != '\0') {
    return fs::path(env) / kind;
  }
  if (kind == "concurrent")
    return repo_root() / "python" / "crdtcore" / "sim" / "concurrent_traces";
  return repo_root() / "bench" / "traces" / kind;
}

inline fs::path sequential_dir() { return traces_dir("sequential"); }
inline fs::path concurrent_dir() { return traces_dir("concurrent"); }

// An existing path as given, else NAME.json.gz under `dir`.
inline fs::path resolve_trace(const std::string& arg, const fs::path& dir) {
  fs::path as_path(arg);
  if (fs::exists(as_path)) return as_path;
  return dir / (arg + ".json.gz");
}

inline fs::path resolve_trace(const std::string& arg) {
  return resolve_trace(arg, sequential_dir());
}

// "dir/NAME.json.gz" -> "NAME".
inline std::string trace_name(const fs::path& path) {
  std::string name = path.filename().string();
  if (const auto suffix = name.rfind(".json.gz"); suffix != std::string::npos) name.resize(suffix);
  return name;
}

inline std::string read_gzip(const fs::path& path) {
  gzFile file = gzopen(path.string().c_str(), "rb");
  if (file == nullptr) throw std::runtime_error("cannot open " + path.string());
  std::string out;
  std::vector<char> buf(1 << 16);
  int n = 0;
  while ((n = gzread(file, buf.data(), static_cast<unsigned>(buf.size()))) > 0) {
    out.append(buf.data(), static_cast<size_t>(n));
  }
  const bool failed = n < 0;
  gzclose(file);
  if (failed) throw std::runtime_error("gzip error in " + path.string());
  return out;
}

inline uint64_t count_code_points(const std::string& utf8) {
  uint64_t n = 0;
  for (unsigned char c : utf8) n += (c & 0xC0) != 0x80;
  return n;
}

inline std::vector<Patch> read_patches(const nlohmann::json& patches) {
  std::vector<Patch> out;
  out.reserve(patches.size());
  for (const auto& p : patches) {
    out.push_back(
        Patch{p.at(0).get<uint64_t>(), p.at(1).get<uint64_t>(), p.at(2).get<std::string>()});
  }
  return out;
}

inline Trace load_trace(const fs::path& path) {
  const nlohmann::json json = nlohmann::json::parse(read_gzip(path));
  Trace trace;
  trace.name = trace_name(path);
  if (!json.value("startContent", std::string()).empty()) {
    throw std::runtime_error(trace.name + ": non-empty startContent is not supported");
  }
  for (const auto& txn : json.at("txns")) {
    for (Patch& p : read_patches(txn.at("patches"))) trace.patches.push_back(std::move(p));
  }
  trace.end_content = json.at("endContent").get<std::string>();
  trace.end_code_points = count_code_points(trace.end_content);
  return trace;
}

// Checks that every parent precedes its child and every agent is < numAgents.
inline ConcurrentTrace load_concurrent_trace(const fs::path& path) {
  const nlohmann::json json = nlohmann::json::parse(read_gzip(path));
  ConcurrentTrace trace;
  trace.name = trace_name(path);
  trace.num_agents = json.at("numAgents").get<uint32_t>();
  const auto& txns = json.at("txns");
  trace.txns.reserve(txns.size());
  for (const auto& txn : txns) {
    ConcurrentTxn t;
    t.parents = txn.at("parents").get<std::vector<uint32_t>>();
    t.agent = txn.at("agent").get<uint32_t>();
    t.patches = read_patches(txn.at("patches"));
    for (uint32_t p : t.parents) {
      if (p >= trace.txns.size()) throw std::runtime_error(trace.name + ": parent after child");
    }
    if (t.agent >= trace.num_agents) throw std::runtime_error(trace.name + ": agent out of range");
    trace.txns.push_back(std::move(t));
  }
  trace.end_content = json.at("endContent").get<std::string>();
  return trace;
}

}  // namespace crdtcore_bench
