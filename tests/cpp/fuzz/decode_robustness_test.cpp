// decode_robustness_test.cpp — every byte string given to the decoding entry points
// either works or throws crdtcore::DecodeError, and a rejected update leaves the
// document exactly as it was.
//
// Inputs: the Yjs-made corpus in tests/cpp/fixtures/corpus/*.bin (written by
// tests/interop/gen_fuzz_corpus.mjs) mutated in many ways (truncations, bit flips,
// byte edits, varUint field edits, splices of two updates, random bytes) plus the
// hand-crafted hostile inputs of hostile_inputs.h. Each input goes through:
//   Doc::apply_update on a fresh Doc and on a Doc holding content (every third
//   time inside an open transaction, between two local edits);
//   merge_updates({input, original}) and merge_updates({input});
//   diff_update(input, sv) and diff_update(original, input);
//   encode_state_vector_from_update(input); StateVector::decode(input);
//   Doc::encode_state_as_update(&input).
// Only DecodeError may escape. On rejection the Doc's state update, state vector,
// pending flag, root names, kinds and contents must be unchanged (local edits of
// the open transaction kept), no observer may fire for it, and the Doc must still
// accept the original update with the same result as a reference Doc. Whatever an
// operation accepts must give output that reads back: a Doc's own state re-applies
// (to an equal Doc for unmutated corpus updates), merge/diff output decodes.
// Each operation is also checked for time (CRDTCORE_FUZZ_SLOW_MS, default 5000)
// and for peak heap growth (a replaced global operator new tracks live bytes; no
// single allocation may exceed 256 MiB).
//
// Environment: CRDTCORE_FUZZ_SEED (default 20240601), CRDTCORE_FUZZ_ITERATIONS
// (random variants per corpus file and mutation kind, default 20; >= 100 also
// takes every truncation of every file), CRDTCORE_FUZZ_SLOW_MS,
// CRDTCORE_FUZZ_DUMP_DIR (write every failing input there as <n>.bin).
#include <cxxabi.h>
#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <new>
#include <random>
#include <string>
#include <typeinfo>
#include <vector>

#include <gtest/gtest.h>

#include "crdtcore/crdtcore.h"

#include "hostile_inputs.h"

// ---------------------------------------------------------------- allocation accounting

namespace {
size_t g_live_bytes = 0;
size_t g_peak_bytes = 0;
size_t g_refused_size = 0;  // last allocation refused for being too large
constexpr size_t kMaxSingleAllocation = size_t{1} << 28;

void* counted_alloc(size_t n) {
  if (n > kMaxSingleAllocation) {
    g_refused_size = n;
    throw std::bad_alloc();
  }
  void* p = std::malloc(n == 0 ? 1 : n);
  if (p == nullptr) throw std::bad_alloc();
  g_live_bytes += malloc_usable_size(p);
  g_peak_bytes = std::max(g_peak_bytes, g_live_bytes);
  return p;
}

void counted_free(void* p) noexcept {
  if (p == nullptr) return;
  g_live_bytes -= malloc_usable_size(p);
  std::free(p);
}
}  // namespace

void* operator new(size_t n) { return counted_alloc(n); }
void* operator new[](size_t n) { return counted_alloc(n); }
void* operator new(size_t n, const std::nothrow_t&) noexcept {
  try {
    return counted_alloc(n);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](size_t n, const std::nothrow_t&) noexcept {
  try {
    return counted_alloc(n);
  } catch (...) {
    return nullptr;
  }
}
void operator delete(void* p) noexcept { counted_free(p); }
void operator delete[](void* p) noexcept { counted_free(p); }
void operator delete(void* p, size_t) noexcept { counted_free(p); }
void operator delete[](void* p, size_t) noexcept { counted_free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { counted_free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { counted_free(p); }

namespace {

using crdtcore::Bytes;
using crdtcore::DecodeError;
using crdtcore::Doc;
using crdtcore::DocOptions;
using crdtcore::StateVector;
using crdtcore::Value;

using crdtcore::fuzz::append_var_uint;
using crdtcore::fuzz::deep_type_nesting;
using crdtcore::fuzz::Hostile;
using crdtcore::fuzz::hostile_inputs;
using crdtcore::fuzz::k2p40;
using crdtcore::fuzz::kMax;

uint64_t env_u64(const char* name, uint64_t fallback) {
  const char* s = std::getenv(name);
  return (s != nullptr && *s != '\0') ? std::strtoull(s, nullptr, 0) : fallback;
}

const uint64_t kSeed = env_u64("CRDTCORE_FUZZ_SEED", 20240601);
const uint64_t kIterations = env_u64("CRDTCORE_FUZZ_ITERATIONS", 20);
const uint64_t kSlowMs = env_u64("CRDTCORE_FUZZ_SLOW_MS", 5000);

std::string hex(const Bytes& b, size_t limit = 4096) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < b.size() && i < limit; ++i) {
    s += d[b[i] >> 4];
    s += d[b[i] & 15];
  }
  if (b.size() > limit) s += "...(" + std::to_string(b.size()) + " bytes)";
  return s;
}

std::string demangle(const char* name) {
  int status = 0;
  char* d = abi::__cxa_demangle(name, nullptr, nullptr, &status);
  std::string out = (status == 0 && d != nullptr) ? d : name;
  std::free(d);
  return out;
}

// A canonical text form of a Value (NaN-safe, kinds explicit).
void dump_value(const Value& v, std::string& out) {
  using K = Value::Kind;
  switch (v.kind()) {
    case K::Undefined: out += "u"; break;
    case K::Null: out += "n"; break;
    case K::Bool: out += v.as_bool() ? "T" : "F"; break;
    // Ints and Floats compare as JavaScript numbers: re-encoding follows the JS tag
    // rule (§1.5), so Int(2^40) comes back as Float and Float(3.0) as Int.
    case K::Int:
    case K::Float: {
      const double d = v.kind() == K::Int ? static_cast<double>(v.as_int()) : v.as_float();
      if (std::isnan(d)) {
        out += "nan";  // JS has one NaN; payload bits need not survive
      } else if (d >= -2147483647.0 && d <= 2147483647.0 && std::trunc(d) == d) {
        out += "i" + std::to_string(static_cast<int64_t>(d));
      } else {
        uint64_t bits;
        std::memcpy(&bits, &d, 8);
        out += "f" + std::to_string(bits);
      }
      break;
    }
    case K::BigInt: out += "b" + std::to_string(v.as_bigint()); break;
    case K::String: out += "s" + std::to_string(v.as_string().size()) + ":" + v.as_string(); break;
    case K::Binary: out += "x" + hex(v.as_binary()); break;
    case K::Array:
      out += "[";
      for (const Value& e : v.as_array()) {
        dump_value(e, out);
        out += ",";
      }
      out += "]";
      break;
    case K::Object:
      out += "{";
      for (const auto& kv : v.as_object()) {
        out += std::to_string(kv.first.size()) + ":" + kv.first + "=";
        dump_value(kv.second, out);
        out += ",";
      }
      out += "}";
      break;
  }
}

// Everything observable about a Doc that a rejected update must not change.
struct Snapshot {
  Bytes state;
  Bytes sv;
  bool pending = false;
  std::string roots;
  bool operator==(const Snapshot& o) const {
    return state == o.state && sv == o.sv && pending == o.pending && roots == o.roots;
  }
  std::string describe() const {
    return "state=" + hex(state, 256) + " sv=" + hex(sv, 256) +
           " pending=" + (pending ? "1" : "0") + " roots=" + roots.substr(0, 512);
  }
};

// Root names, kinds and contents. For comparing a Doc with one rebuilt from its
// bytes (`rebuilt`), roots with empty content and the kinds are left out: a root
// arrives untyped over the wire.
std::string dump_roots(const Doc& doc, bool rebuilt) {
  std::string out;
  for (const std::string& name : doc.root_names()) {
    std::optional<crdtcore::Shared> root = doc.root(name);
    std::string content;
    try {
      dump_value(root->to_value(), content);
    } catch (const crdtcore::InvalidState& ex) {
      content = std::string("<") + ex.what() + ">";  // e.g. types nested too deep for values
    }
    if (rebuilt && (content == "s0:" || content == "[]" || content == "{}" || content == "u")) {
      continue;
    }
    out += std::to_string(name.size()) + ":" + name;
    if (!rebuilt) out += "#" + std::to_string(static_cast<int>(root->kind()));
    out += "=" + content + ";";
  }
  return out;
}

Snapshot take_snapshot(const Doc& doc) {
  return Snapshot{doc.encode_state_as_update(), doc.encode_state_vector(), doc.has_pending(),
                  dump_roots(doc, false)};
}

// ---------------------------------------------------------------- corpus

struct Setup {
  Bytes base;  // what the "doc with content" holds before the variant
  bool gc = true;
  Bytes ref_state;  // base + original, applied to a fresh Doc
  Bytes ref_sv;
};

struct Entry {
  std::string name;
  Bytes update;
  Bytes sv_full;  // encode_state_vector_from_update(update)
  Bytes sv_half;  // every client of sv_full at half its clock
  Setup setups[2];
};

DocOptions doc_options(bool gc) {
  DocOptions o;
  o.client_id = 4242424242;
  o.gc = gc;
  o.guid = "fuzz";
  return o;
}

Bytes read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::vector<Entry> load_corpus() {
  std::filesystem::path dir =
      std::filesystem::path(CRDTCORE_SOURCE_DIR) / "tests" / "cpp" / "fixtures" / "corpus";
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".bin") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<Entry> corpus;
  for (const auto& f : files) {
    Entry e;
    e.name = f.stem().string();
    e.update = read_file(f);
    corpus.push_back(std::move(e));
  }
  // Derived data; any exception here is a plain test failure (the corpus is valid).
  for (size_t i = 0; i < corpus.size(); ++i) {
    Entry& e = corpus[i];
    e.sv_full = crdtcore::encode_state_vector_from_update(e.update);
    StateVector half;
    const StateVector full = StateVector::decode(e.sv_full);
    for (const auto& [client, clock] : full.entries()) {
      half.set(client, clock / 2);
    }
    e.sv_half = half.encode();
    const Bytes* bases[2] = {&e.update, &corpus[(i + 1) % corpus.size()].update};
    for (int k = 0; k < 2; ++k) {
      Setup& s = e.setups[k];
      s.base = *bases[k];
      s.gc = (k == 0);
      Doc ref(doc_options(s.gc));
      ref.apply_update(s.base);
      ref.apply_update(e.update);
      s.ref_state = ref.encode_state_as_update();
      s.ref_sv = ref.encode_state_vector();
    }
  }
  return corpus;
}

const std::vector<Entry>& corpus() {
  static const std::vector<Entry> c = load_corpus();
  return c;
}

const Entry& entry_named(const std::string& name) {
  for (const Entry& e : corpus()) {
    if (e.name == name) return e;
  }
  throw std::runtime_error("corpus entry missing: " + name);
}

// ---------------------------------------------------------------- the checker

enum class Outcome { Ok, Rejected, Failed };

class Checker {
 public:
  explicit Checker(std::string suite) : suite_(std::move(suite)) {}
  ~Checker() {
    std::printf("[fuzz] %s: seed=%" PRIu64
                " variants=%zu accepted=%zu rejected=%zu "
                "diverged=%zu failures=%zu\n",
                suite_.c_str(), kSeed, variants_, accepted_, rejected_, diverged_, failures_);
  }

  size_t failures() const { return failures_; }
  size_t accepted() const { return accepted_; }
  size_t rejected() const { return rejected_; }

  // Runs every entry point on `v`, derived from `e` (`label` names the variant).
  // Returns the outcome of applying `v` to a fresh Doc.
  Outcome check(const Entry& e, const std::string& label, const Bytes& v, size_t index,
                bool strict = false) {
    context_ = suite_ + "/" + e.name + "/" + label;
    ++variants_;
    Outcome fresh = check_fresh_doc(v, strict);
    if (fresh == Outcome::Ok) ++accepted_;
    if (fresh == Outcome::Rejected) ++rejected_;
    check_doc_with_content(e, e.setups[index % 2], v, index % 3 == 0, strict);
    check_update_ops(e, v);
    return fresh;
  }

 private:
  // Runs `f`; classifies its exception; checks time and peak heap growth.
  Outcome run(const std::string& op, const Bytes& input, const std::function<void()>& f,
              bool decode_error_allowed = true) {
    const size_t live_before = g_live_bytes;
    g_peak_bytes = g_live_bytes;
    g_refused_size = 0;
    const auto t0 = std::chrono::steady_clock::now();
    Outcome outcome = Outcome::Ok;
    std::string problem;
    try {
      f();
    } catch (const DecodeError& ex) {
      outcome = Outcome::Rejected;
      if (!decode_error_allowed) problem = std::string("unexpected DecodeError: ") + ex.what();
    } catch (const std::bad_alloc&) {
      problem = g_refused_size != 0
                    ? "tried to allocate " + std::to_string(g_refused_size) + " bytes at once"
                    : "std::bad_alloc";
    } catch (const std::exception& ex) {
      problem = "threw " + demangle(typeid(ex).name()) + ": " + ex.what();
    } catch (...) {
      problem = "threw a non-std exception";
    }
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
            .count();
    if (static_cast<uint64_t>(ms) > kSlowMs) problem += " took " + std::to_string(ms) + " ms";
    const size_t growth = g_peak_bytes - live_before;
    const size_t budget = (size_t{32} << 20) + 512 * input.size();
    if (growth > budget) problem += " peak heap growth " + std::to_string(growth) + " bytes";
    if (!problem.empty()) {
      fail(op, input, problem);
      return Outcome::Failed;
    }
    return outcome;
  }

  void fail(const std::string& op, const Bytes& input, const std::string& problem) {
    ++failures_;
    if (failures_ <= 25) {
      ADD_FAILURE() << "[" << context_ << "] " << op << ": " << problem << "\n  input ("
                    << input.size() << " bytes): " << hex(input);
    }
    if (const char* dir = std::getenv("CRDTCORE_FUZZ_DUMP_DIR")) {
      std::ofstream out(std::string(dir) + "/" + std::to_string(dumped_++) + ".bin",
                        std::ios::binary);
      out.write(reinterpret_cast<const char*>(input.data()),
                static_cast<std::streamsize>(input.size()));
    }
  }

  // Accepted input: the Doc's own encoding must re-apply. With `strict` (unmutated
  // Yjs updates) the rebuilt Doc must also have the same state vector and root
  // contents; for mutated input a mismatch is only counted (`diverged`): mutations
  // reuse ids for different content, put an origin to the right of its right
  // origin, and so on, and no CRDT converges on such input (Yjs included).
  void check_round_trip(const Doc& doc, bool gc, const Bytes& v, bool strict) {
    Bytes state;
    if (run(
            "encode_state_as_update() after accepting", v,
            [&] { state = doc.encode_state_as_update(); }, false) != Outcome::Ok) {
      return;
    }
    Doc copy(doc_options(gc));
    if (run(
            "re-applying the Doc's own state", state, [&] { copy.apply_update(state); }, false) !=
        Outcome::Ok) {
      return;
    }
    run(
        "comparing a Doc with the Doc rebuilt from its state", state,
        [&] {
          const std::string mine = dump_roots(doc, true);
          const std::string theirs = dump_roots(copy, true);
          const bool same_sv = copy.encode_state_vector() == doc.encode_state_vector();
          if (same_sv && mine == theirs) return;
          ++diverged_;
          if (strict) {
            fail("round trip", v,
                 "re-applying encode_state_as_update() gives another Doc: sv " +
                     std::string(same_sv ? "same" : "differs") + ", roots " + mine.substr(0, 300) +
                     " vs " + theirs.substr(0, 300));
          }
        },
        false);
  }

  Outcome check_fresh_doc(const Bytes& v, bool strict) {
    Doc doc(doc_options(true));
    Outcome r = run("apply_update(fresh Doc)", v, [&] { doc.apply_update(v); });
    if (r == Outcome::Rejected) {
      run(
          "snapshot after rejection", v,
          [&] {
            Snapshot s = take_snapshot(doc);
            if (s.state != Bytes{0, 0} || s.sv != Bytes{0} || s.pending ||
                !doc.root_names().empty()) {
              fail("apply_update(fresh Doc)", v,
                   "rejected update changed the Doc: " + s.describe());
            }
          },
          false);
    } else if (r == Outcome::Ok) {
      check_round_trip(doc, true, v, strict);
    }
    return r;
  }

  // With `in_transaction`, the variant is applied inside an open transaction between
  // two local edits; a rejection must keep both edits and drop only the update, so
  // the Doc must equal a twin that made the same edits without the variant.
  void check_doc_with_content(const Entry& e, const Setup& setup, const Bytes& v,
                              bool in_transaction, bool strict) {
    auto edit = [](Doc& d, const char* text) { d.get_text("local").insert(0, text); };
    Doc doc(doc_options(setup.gc));
    Doc twin(doc_options(setup.gc));
    if (run(
            "applying the base update", setup.base,
            [&] {
              doc.apply_update(setup.base);
              if (in_transaction) {
                twin.apply_update(setup.base);
                crdtcore::Transaction txn(twin);
                edit(twin, "before ");
                edit(twin, "after ");
                txn.commit();
              }
            },
            false) != Outcome::Ok) {
      return;
    }
    int events = 0;
    doc.observe([&events](const crdtcore::TransactionResult&) { ++events; });
    Snapshot expected;
    if (run(
            "snapshot", v, [&] { expected = take_snapshot(in_transaction ? twin : doc); }, false) !=
        Outcome::Ok) {
      return;
    }
    Outcome r;
    if (!in_transaction) {
      r = run("apply_update(Doc with content)", v, [&] { doc.apply_update(v); });
    } else {
      crdtcore::Transaction txn(doc);
      edit(doc, "before ");
      r = run("apply_update(Doc with content, open transaction)", v, [&] { doc.apply_update(v); });
      if (r != Outcome::Failed) {
        edit(doc, "after ");
        txn.commit();
      }
    }
    if (r == Outcome::Failed) return;
    if (r == Outcome::Rejected) {
      run(
          "snapshot after rejection", v,
          [&] {
            Snapshot after = take_snapshot(doc);
            if (!(after == expected)) {
              fail("apply_update(Doc with content)", v,
                   "rejected update changed the Doc:\n  expected " + expected.describe() +
                       "\n  got      " + after.describe());
            } else if (events != (in_transaction ? 1 : 0)) {
              fail("apply_update(Doc with content)", v,
                   "observer calls after a rejected update: " + std::to_string(events));
            }
          },
          false);
      if (run(
              "apply original after a rejected update", e.update,
              [&] {
                doc.apply_update(e.update);
                if (in_transaction) twin.apply_update(e.update);
              },
              false) == Outcome::Ok) {
        run(
            "compare with the reference Doc", v,
            [&] {
              const Bytes& ref_state =
                  in_transaction ? twin.encode_state_as_update() : setup.ref_state;
              const Bytes& ref_sv = in_transaction ? twin.encode_state_vector() : setup.ref_sv;
              if (doc.encode_state_as_update() != ref_state ||
                  doc.encode_state_vector() != ref_sv) {
                fail("apply original after a rejected update", v,
                     "Doc differs from the reference: " + hex(doc.encode_state_as_update(), 256) +
                         " vs " + hex(ref_state, 256));
              }
            },
            false);
      }
      return;
    }
    if (run("apply original after an accepted update", e.update,
            [&] { doc.apply_update(e.update); }) == Outcome::Ok) {
      check_round_trip(doc, setup.gc, v, strict);
    }
  }

  // Output of an update operation must be a readable update.
  void check_output_update(const std::string& op, const Bytes& out) {
    run(
        "encode_state_vector_from_update(output of " + op + ")", out,
        [&] { crdtcore::encode_state_vector_from_update(out); }, false);
  }

  void check_update_ops(const Entry& e, const Bytes& v) {
    Bytes out;
    if (run("merge_updates({variant, original})", v, [&] {
          out = crdtcore::merge_updates({v, e.update});
        }) == Outcome::Ok) {
      check_output_update("merge_updates", out);
      Doc doc(doc_options(true));
      run("apply_update(merged)", out, [&] { doc.apply_update(out); });
    }
    if (run("merge_updates({variant})", v, [&] { out = crdtcore::merge_updates({v}); }) ==
            Outcome::Ok &&
        out != v) {
      fail("merge_updates({variant})", v, "a single input must come back unchanged");
    }
    for (const Bytes* sv : {&e.sv_half, &e.sv_full}) {
      if (run("diff_update(variant, sv " + hex(*sv, 64) + ")", v,
              [&] { out = crdtcore::diff_update(v, *sv); }) == Outcome::Ok) {
        check_output_update("diff_update", out);
      }
    }
    if (run("diff_update(original, variant as state vector)", v,
            [&] { out = crdtcore::diff_update(e.update, v); }) == Outcome::Ok) {
      check_output_update("diff_update", out);
    }
    if (run("encode_state_vector_from_update(variant)", v,
            [&] { out = crdtcore::encode_state_vector_from_update(v); }) == Outcome::Ok) {
      run(
          "StateVector::decode(output of encode_state_vector_from_update)", out,
          [&] { StateVector::decode(out); }, false);
    }
    StateVector sv;
    if (run("StateVector::decode(variant)", v, [&] { sv = StateVector::decode(v); }) ==
        Outcome::Ok) {
      run(
          "StateVector encode/decode round trip", v,
          [&] {
            // encode() leaves out clients whose clock is 0; otherwise nothing may change.
            const Bytes once = sv.encode();
            const StateVector back = StateVector::decode(once);
            bool same = back.encode() == once;
            for (const auto& [client, clock] : sv.entries())
              same = same && back.get(client) == clock;
            if (!same)
              fail("StateVector::decode(variant)", v, "re-encoded vector decodes differently");
          },
          false);
    }
    Doc doc(doc_options(true));
    run(
        "prepare Doc", e.update, [&] { doc.apply_update(e.update); }, false);
    if (run("Doc::encode_state_as_update(&variant)", v,
            [&] { out = doc.encode_state_as_update(&v); }) == Outcome::Ok) {
      Doc other(doc_options(true));
      run(
          "apply_update(output of encode_state_as_update(&variant))", out,
          [&] { other.apply_update(out); }, false);
    }
  }

  std::string suite_;
  std::string context_;
  size_t variants_ = 0;
  size_t accepted_ = 0;
  size_t rejected_ = 0;
  size_t failures_ = 0;
  size_t diverged_ = 0;  // lenient round trips whose contents differed
  size_t dumped_ = 0;
};

// ---------------------------------------------------------------- mutations

uint64_t fnv1a(const std::string& s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

std::mt19937_64 rng_for(const std::string& what) { return std::mt19937_64(kSeed ^ fnv1a(what)); }

size_t pick(std::mt19937_64& rng, size_t n) { return n == 0 ? 0 : rng() % n; }

const uint8_t kInteresting[] = {0,    1,    2,    7,    8,    9,    10,   0x1f,
                                0x3f, 0x40, 0x7f, 0x80, 0x81, 0xbf, 0xc0, 0xfe,
                                0xff, 116,  117,  118,  119,  125,  126,  127};

uint8_t interesting_byte(std::mt19937_64& rng) {
  return rng() % 3 == 0 ? static_cast<uint8_t>(rng())
                        : kInteresting[pick(rng, sizeof(kInteresting))];
}

Bytes flip_bits(std::mt19937_64& rng, Bytes v, int count) {
  if (v.empty()) return v;
  for (int i = 0; i < count; ++i) v[pick(rng, v.size())] ^= static_cast<uint8_t>(1u << (rng() % 8));
  return v;
}

Bytes edit_bytes(std::mt19937_64& rng, Bytes v) {
  const size_t at = pick(rng, v.size() + 1);
  switch (rng() % 5) {
    case 0: {  // insert 1..4 bytes
      const size_t n = 1 + pick(rng, 4);
      for (size_t i = 0; i < n; ++i) v.insert(v.begin() + at, interesting_byte(rng));
      break;
    }
    case 1: {  // delete 1..8 bytes
      const size_t n = std::min(v.size() - std::min(at, v.size()), 1 + pick(rng, 8));
      v.erase(v.begin() + at, v.begin() + at + n);
      break;
    }
    case 2:  // overwrite one byte
      if (at < v.size()) v[at] = interesting_byte(rng);
      break;
    case 3: {  // replace a byte by a large varUint
      static const uint64_t kBig[] = {k2p40, kMax, kMax - 1, uint64_t{1} << 32, 1000000};
      Bytes big;
      append_var_uint(big, kBig[pick(rng, 5)]);
      if (at < v.size()) v.erase(v.begin() + at);
      v.insert(v.begin() + std::min(at, v.size()), big.begin(), big.end());
      break;
    }
    default: {  // duplicate a chunk somewhere else
      if (v.empty()) break;
      const size_t from = pick(rng, v.size());
      const size_t n = std::min(v.size() - from, 1 + pick(rng, 16));
      Bytes chunk(v.begin() + from, v.begin() + from + n);
      v.insert(v.begin() + pick(rng, v.size() + 1), chunk.begin(), chunk.end());
    }
  }
  return v;
}

// Splits `v` greedily into varUints (most fields of an update are varUints, so
// the pieces mostly match real fields) and replaces one of them by a nearby or
// extreme value, or by the value of another piece (typically a client id or a
// clock). Keeps the framing plausible so that decoding gets far and integration
// sees odd references.
Bytes edit_field(std::mt19937_64& rng, const Bytes& v) {
  struct Piece {
    size_t begin, end;
    uint64_t value;
  };
  std::vector<Piece> pieces;
  for (size_t i = 0; i < v.size();) {
    const size_t begin = i;
    uint64_t value = 0;
    int shift = 0;
    while (i < v.size() && (v[i] & 0x80) != 0 && shift < 56) {
      value |= uint64_t{v[i] & 0x7fu} << shift;
      shift += 7;
      ++i;
    }
    if (i < v.size()) value |= uint64_t{v[i] & 0x7fu} << shift;
    ++i;
    pieces.push_back({begin, std::min(i, v.size()), value});
  }
  if (pieces.empty()) return v;
  const Piece& p = pieces[pick(rng, pieces.size())];
  uint64_t value = p.value;
  switch (rng() % 8) {
    case 0: value = 0; break;
    case 1: value += 1; break;
    case 2: value = value > 0 ? value - 1 : kMax; break;
    case 3: value += 1 + pick(rng, 1000); break;
    case 4: value = kMax - pick(rng, 3); break;
    case 5: value = (uint64_t{1} << 32) - pick(rng, 2); break;
    default: value = pieces[pick(rng, pieces.size())].value; break;
  }
  Bytes out(v.begin(), v.begin() + p.begin);
  append_var_uint(out, value);
  out.insert(out.end(), v.begin() + p.end, v.end());
  return out;
}

// ---------------------------------------------------------------- tests

// The allocation guard the checks rely on is really in place.
TEST(DecodeRobustness, AllocationGuardIsActive) {
  const size_t before = g_live_bytes;
  void* volatile p = ::operator new(100000);
  EXPECT_GE(g_live_bytes, before + 100000);
  ::operator delete(p);
  EXPECT_THROW((void)::operator new(kMaxSingleAllocation + 1), std::bad_alloc);
}

TEST(DecodeRobustness, CorpusIsValid) {
  std::printf("[fuzz] seed=%" PRIu64 " iterations=%" PRIu64
              " (CRDTCORE_FUZZ_SEED, "
              "CRDTCORE_FUZZ_ITERATIONS)\n",
              kSeed, kIterations);
  ASSERT_GE(corpus().size(), 30u) << "run tests/interop/gen_fuzz_corpus.mjs";
  Checker checker("CorpusIsValid");
  for (size_t i = 0; i < corpus().size(); ++i) {
    const Entry& e = corpus()[i];
    EXPECT_EQ(checker.check(e, "original", e.update, i, true), Outcome::Ok) << e.name;
    EXPECT_EQ(checker.check(e, "original", e.update, i + 1, true), Outcome::Ok) << e.name;
  }
  EXPECT_EQ(checker.failures(), 0u);
}

TEST(DecodeRobustness, Truncations) {
  Checker checker("Truncations");
  for (size_t i = 0; i < corpus().size(); ++i) {
    const Entry& e = corpus()[i];
    // Every prefix of files up to 128 bytes; of larger ones about 64 evenly spread
    // prefixes plus the last 8 (CRDTCORE_FUZZ_ITERATIONS >= 100: every prefix).
    const size_t size = e.update.size();
    const bool all = kIterations >= 100 || size <= 128;
    const size_t step = all ? 1 : size / 64;
    for (size_t n = 0; n < size; ++n) {
      if (n % step != 0 && n + 8 < size) continue;
      Bytes v(e.update.begin(), e.update.begin() + n);
      checker.check(e, "prefix " + std::to_string(n), v, n);
    }
  }
  EXPECT_GT(checker.rejected(), 0u);
  EXPECT_EQ(checker.failures(), 0u);
}

TEST(DecodeRobustness, BitFlips) {
  Checker checker("BitFlips");
  for (const Entry& e : corpus()) {
    std::mt19937_64 rng = rng_for("flip/" + e.name);
    for (uint64_t k = 0; k < kIterations; ++k) {
      const int bits = k % 2 == 0 ? 1 : 2 + static_cast<int>(rng() % 7);
      checker.check(e, "flip " + std::to_string(k), flip_bits(rng, e.update, bits), k);
    }
  }
  EXPECT_GT(checker.accepted(), 0u);
  EXPECT_GT(checker.rejected(), 0u);
  EXPECT_EQ(checker.failures(), 0u);
}

TEST(DecodeRobustness, ByteEdits) {
  Checker checker("ByteEdits");
  for (const Entry& e : corpus()) {
    std::mt19937_64 rng = rng_for("edit/" + e.name);
    for (uint64_t k = 0; k < kIterations; ++k) {
      Bytes v = edit_bytes(rng, e.update);
      if (k % 3 == 2) v = edit_bytes(rng, v);
      checker.check(e, "edit " + std::to_string(k), v, k);
    }
  }
  EXPECT_EQ(checker.failures(), 0u);
}

TEST(DecodeRobustness, FieldEdits) {
  Checker checker("FieldEdits");
  for (const Entry& e : corpus()) {
    std::mt19937_64 rng = rng_for("field/" + e.name);
    for (uint64_t k = 0; k < kIterations; ++k) {
      Bytes v = edit_field(rng, e.update);
      if (k % 4 == 3) v = edit_field(rng, v);
      checker.check(e, "field " + std::to_string(k), v, k);
    }
  }
  EXPECT_GT(checker.accepted(), 0u);
  EXPECT_EQ(checker.failures(), 0u);
}

TEST(DecodeRobustness, Splices) {
  Checker checker("Splices");
  const auto& c = corpus();
  for (const Entry& e : c) {
    std::mt19937_64 rng = rng_for("splice/" + e.name);
    for (uint64_t k = 0; k < kIterations; ++k) {
      const Bytes& other = c[pick(rng, c.size())].update;
      const size_t cut_a = pick(rng, e.update.size() + 1);
      const size_t cut_b = pick(rng, other.size() + 1);
      Bytes v(e.update.begin(), e.update.begin() + cut_a);
      v.insert(v.end(), other.begin() + cut_b, other.end());
      checker.check(e, "splice " + std::to_string(k), v, k);
    }
  }
  EXPECT_EQ(checker.failures(), 0u);
}

TEST(DecodeRobustness, RandomBytes) {
  Checker checker("RandomBytes");
  std::mt19937_64 rng = rng_for("random");
  const Entry& e = entry_named("text_plain");
  for (uint64_t k = 0; k < kIterations * 8; ++k) {
    Bytes v(pick(rng, 64));
    // Mostly small values so that counts stay plausible and decoding gets deeper.
    for (uint8_t& b : v) {
      b = rng() % 2 == 0 ? static_cast<uint8_t>(rng() % 12) : interesting_byte(rng);
    }
    checker.check(e, "random " + std::to_string(k), v, k);
  }
  EXPECT_EQ(checker.failures(), 0u);
}

TEST(DecodeRobustness, HostileInputs) {
  Checker checker("HostileInputs");
  const Entry* targets[] = {&entry_named("text_plain"), &entry_named("random_session_1_state")};
  for (const Hostile& h : hostile_inputs()) {
    for (size_t t = 0; t < 2; ++t) {
      Outcome r = checker.check(*targets[t], h.name, h.bytes, t);
      if (h.must_reject) {
        EXPECT_EQ(r, Outcome::Rejected) << h.name << " was not rejected";
      }
    }
  }
  EXPECT_EQ(checker.failures(), 0u);
}

TEST(DecodeRobustness, DeepTypeNesting) {
  Checker checker("DeepTypeNesting");
  // Recursion over the type tree (reading values, gc, destruction) must not overflow
  // the stack; 50000 levels take a 330 KB update.
  for (uint64_t depth : {1000, 1001, 50000}) {
    const Bytes v = deep_type_nesting(depth);
    checker.check(entry_named("nested_three_deep"), "deep_types_" + std::to_string(depth), v,
                  depth);
  }
  EXPECT_EQ(checker.failures(), 0u);
}

}  // namespace
