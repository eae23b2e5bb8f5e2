// Randomised convergence test: 3-5 documents edit text (emoji, formatting,
// embeds), arrays, maps and nested types at random, exchange the updates they
// emit (captured with Doc::observe) in shuffled order, with duplicates, partial
// delivery, merged updates and state-based syncs, then fully sync. Every document
// must end with the same content (text deltas included), state vector, full-state
// encoding and no pending data; merge_updates of every update applied to a fresh
// document must give the same result.
//
// Seeds: 50 by default; set CRDTCORE_SEEDS=<n> for more and CRDTCORE_SEED_BASE=<k>
// to start elsewhere; CRDTCORE_STEPS=<m> (default 100) bounds the session length.
// A failure names its seed (test name and trace).

#include <algorithm>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "crdtcore/crdtcore.h"
#include "encoding/doc_codec.h"
#include "encoding/struct_codec.h"

#include "doc_test_util.h"
#include "random_test_util.h"

namespace crdtcore {
namespace {

using testutil::dump_doc;

using testutil::env_int;
using testutil::Rng;

const std::vector<std::string> kPieces = {"a",        "b",
                                          "xyz",      "\xF0\x9F\x98\x80",
                                          "\xC3\xA9", "\xE4\xB8\xAD\xE6\x96\x87",
                                          "\n",       "\xF0\x9F\x8E\x89x",
                                          "hello ",   "Q"};
const std::vector<std::string> kAttrKeys = {"bold", "italic", "color"};
const std::vector<std::string> kMapKeys = {"a", "b", "c", "key", "", "\xC3\xBC"};

std::string random_text(Rng& r) {
  std::string s;
  const uint64_t n = 1 + r.below(3);
  for (uint64_t i = 0; i < n; ++i) s += r.pick(kPieces);
  return s;
}

Value random_scalar(Rng& r) {
  switch (r.below(6)) {
    case 0: return Value::integer(static_cast<int64_t>(r.below(2000)) - 1000);
    // Never integral: JS cannot tell 2.0 from 2, so an integral Float reads back as Int remotely.
    case 1: return Value::floating(static_cast<double>(2 * r.below(1000) + 1) / 16.0);
    case 2: return Value::string(random_text(r));
    case 3: return Value::boolean(r.chance(50));
    case 4: return Value::null();
    // Within +-(2^31-1): larger integers travel as JS floats (yjs-format.md §1.5).
    default: return Value::integer(static_cast<int64_t>(r.below(2147483647ull)));
  }
}

Value random_value(Rng& r) {
  switch (r.below(8)) {
    case 0: return Value::object({{"n", random_scalar(r)}, {"s", random_scalar(r)}});
    case 1: return Value::array({random_scalar(r), random_scalar(r)});
    case 2: return Value::binary({static_cast<uint8_t>(r.below(256)), 7});
    default: return random_scalar(r);
  }
}

Attributes random_attrs(Rng& r) {
  Attributes a;
  const uint64_t n = 1 + r.below(2);
  for (uint64_t i = 0; i < n; ++i) {
    const std::string& k = r.pick(kAttrKeys);
    bool dup = false;
    for (const auto& kv : a) dup = dup || kv.first == k;
    if (dup) continue;
    Value v;
    switch (r.below(4)) {
      case 0: v = Value::null(); break;
      case 1: v = Value::boolean(true); break;
      case 2: v = Value::string(r.chance(50) ? "red" : "blue"); break;
      default: v = Value::integer(static_cast<int64_t>(r.below(3))); break;
    }
    a.emplace_back(k, v);
  }
  return a;
}

struct Target {
  Shared s;
  int depth = 0;
};

void collect(const Shared& s, int depth, std::vector<Target>& out) {
  if (s.is_deleted()) return;
  out.push_back({s, depth});
  if (s.kind() == TypeKind::Array) {
    Array a = s.as_array();
    for (const Out& o : a.slice(0, a.length())) {
      if (o.is_shared()) collect(o.shared(), depth + 1, out);
    }
  } else if (s.kind() == TypeKind::Map) {
    for (const auto& kv : s.as_map().entries()) {
      if (kv.second.is_shared()) collect(kv.second.shared(), depth + 1, out);
    }
  }
}

TypeKind random_kind(Rng& r) {
  const uint64_t k = r.below(3);
  return k == 0 ? TypeKind::Array : k == 1 ? TypeKind::Map : TypeKind::Text;
}

// True when UTF-16 index `idx` falls between the two halves of a surrogate pair.
bool inside_pair(const Text& t, uint64_t idx) {
  uint64_t pos = 0;
  for (const TextChunk& c : t.to_delta()) {
    if (c.kind != TextChunk::Kind::String) {
      ++pos;
      continue;
    }
    for (size_t i = 0; i < c.text.size();) {
      const auto lead = static_cast<unsigned char>(c.text[i]);
      const size_t bytes = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
      if (bytes == 4 && idx == pos + 1) return true;
      pos += bytes == 4 ? 2 : 1;
      i += bytes;
      if (pos > idx) return false;
    }
  }
  return false;
}

void text_op(Rng& r, Text t, bool utf16) {
  const uint64_t len = t.length();
  const uint64_t op = r.below(100);
  if (op < 45 || len == 0) {
    const uint64_t at = r.below(len + 1);
    if (r.chance(35)) {
      t.insert(at, random_text(r), random_attrs(r));
    } else {
      t.insert(at, random_text(r));
    }
  } else if (op < 55) {
    const uint64_t at = r.below(len + 1);
    t.insert_embed(at, Value::object({{"img", Value::integer(static_cast<int64_t>(r.below(9)))}}),
                   r.chance(50) ? random_attrs(r) : Attributes{});
  } else if (op < 75) {
    const uint64_t at = r.below(len);
    t.remove_range(at, 1 + r.below(std::min<uint64_t>(len - at, 6)));
  } else {
    uint64_t at = r.below(len);   // < len: formatting at the end is a no-op
    uint64_t n = 1 + r.below(6);  // may run past the end ("\n" padding)
    // A format that inserts nothing at a boundary inside a surrogate pair splits the
    // pair (U+FFFD) only locally, as in Yjs (reported as a known divergence; see
    // TextQuirks.DISABLED_NoOpFormatInsidePairConverges). Keep boundaries on code points.
    if (utf16 && inside_pair(t, at)) ++at;
    if (utf16 && at + n < len && inside_pair(t, at + n)) ++n;
    if (at < len) t.format(at, n, random_attrs(r));
  }
}

void array_op(Rng& r, Array a, int depth) {
  const uint64_t len = a.length();
  const uint64_t op = r.below(100);
  if (op < 45 || len == 0) {
    std::vector<Value> vals;
    const uint64_t n = 1 + r.below(3);
    for (uint64_t i = 0; i < n; ++i) vals.push_back(random_value(r));
    a.insert(r.below(len + 1), vals);
  } else if (op < 65 && depth < 3) {
    a.insert_type(r.below(len + 1), random_kind(r));
  } else {
    const uint64_t at = r.below(len);
    a.remove_range(at, 1 + r.below(std::min<uint64_t>(len - at, 3)));
  }
}

void map_op(Rng& r, Map m, int depth) {
  const uint64_t op = r.below(100);
  const std::string& key = r.pick(kMapKeys);
  if (op < 55) {
    m.set(key, random_value(r));
  } else if (op < 75 && depth < 3) {
    m.set_type(key, random_kind(r));
  } else {
    m.remove(key);
  }
}

void random_op(Rng& r, Doc& d) {
  std::vector<Target> targets;
  collect(d.get_text("text"), 0, targets);
  collect(d.get_array("arr"), 0, targets);
  collect(d.get_map("map"), 0, targets);
  const Target& t = targets[r.below(targets.size())];
  switch (t.s.kind()) {
    case TypeKind::Text: text_op(r, t.s.as_text(), d.offset_kind() == OffsetKind::Utf16); break;
    case TypeKind::Array: array_op(r, t.s.as_array(), t.depth); break;
    case TypeKind::Map: map_op(r, t.s.as_map(), t.depth); break;
    default: break;
  }
}

void type_roots(Doc& d) {
  d.get_text("text");
  d.get_array("arr");
  d.get_map("map");
}

// Text deltas of every root (and nested texts, through dump_doc) plus to_value.
std::string full_dump(Doc& d) {
  type_roots(d);
  std::string out = dump_doc(d);
  for (const std::string& name : d.root_names())
    out += name + "~" + testutil::dump_value(d.root(name)->to_value()) + "\n";
  return out;
}

// Text lengths agree with their deltas in the document's unit (cached lengths,
// including code-point counts after remote surrogate splits). Returns mismatches.
std::string length_mismatches(Doc& d) {
  std::vector<Target> targets;
  collect(d.get_text("text"), 0, targets);
  collect(d.get_array("arr"), 0, targets);
  collect(d.get_map("map"), 0, targets);
  const bool cp = d.offset_kind() == OffsetKind::CodePoint;
  std::string out;
  for (const Target& t : targets) {
    if (t.s.kind() != TypeKind::Text) continue;
    Text text = t.s.as_text();
    uint64_t expected = 0;
    for (const TextChunk& c : text.to_delta()) {
      if (c.kind != TextChunk::Kind::String) {
        ++expected;
        continue;
      }
      for (unsigned char ch : c.text) {
        if ((ch & 0xC0) != 0x80) expected += (!cp && ch >= 0xF0) ? 2 : 1;
      }
    }
    if (text.length() != expected) {
      out += "length " + std::to_string(text.length()) + " != " + std::to_string(expected) + "; ";
    }
  }
  return out;
}

// One line per struct (and delete range), for readable diffs of two encodings.
// With `merge_gc`, runs of adjacent GC structs are shown as one.
std::string describe_update(const Bytes& update, bool merge_gc = false) {
  detail::DecodedUpdate u = detail::read_update_v1(update, OffsetKind::Utf16);
  std::string out;
  auto id = [](const Id& i) { return std::to_string(i.client) + ":" + std::to_string(i.clock); };
  for (auto& [client, structs] : u.clients) {
    for (size_t k = 0; k < structs.size(); ++k) {
      detail::DecodedStruct& s = structs[k];
      while (merge_gc && s.kind == detail::DecodedStruct::Kind::GC && k + 1 < structs.size() &&
             structs[k + 1].kind == detail::DecodedStruct::Kind::GC) {
        s.length += structs[++k].length;
      }
      out += id(s.id) + " len " + std::to_string(s.length);
      if (s.kind == detail::DecodedStruct::Kind::GC) {
        out += " GC";
      } else if (s.kind == detail::DecodedStruct::Kind::Skip) {
        out += " Skip";
      } else {
        out += " ref " + std::to_string(detail::content_ref(s.content));
        if (s.has_origin) out += " o " + id(s.origin);
        if (s.has_right_origin) out += " ro " + id(s.right_origin);
      }
      out += "\n";
    }
  }
  for (const auto& [client, ranges] : u.ds.clients()) {
    for (const DeleteRange& dr : ranges) {
      out += "del " + std::to_string(client) + ":" + std::to_string(dr.clock) + "+" +
             std::to_string(dr.len) + "\n";
    }
  }
  return out;
}

// Equal encodings up to the split of adjacent GC structs: Yjs itself leaves them
// unmerged or merged depending on delivery order (checked by replaying sessions in
// Yjs). The decoded structs are compared first (readable), bytes when they agree.
void expect_same_update(const Bytes& actual, const Bytes& expected) {
  const std::string a = describe_update(actual, true);
  const std::string e = describe_update(expected, true);
  EXPECT_EQ(a, e);
  if (a == e && describe_update(actual) == describe_update(expected)) {
    EXPECT_EQ(actual, expected);
  }
}

class Convergence : public ::testing::TestWithParam<int> {};

TEST_P(Convergence, RandomSession) {
  const uint64_t seed = static_cast<uint64_t>(GetParam());
  SCOPED_TRACE("seed=" + std::to_string(seed) + " (rerun: --gtest_filter=*Convergence*/" +
               std::to_string(GetParam() - env_int("CRDTCORE_SEED_BASE", 0)) + ")");
  Rng r(seed * 0x9E3779B97F4A7C15ull + 12345);
  // Every update the direct writer writes is compared with the general encoder's.
  const detail::TxnUpdateCheck check;

  std::vector<Bytes> updates;  // every local update, in emission order
  std::vector<Bytes> relayed;  // updates of remote transactions (what a provider re-broadcasts)
  const size_t n = 3 + r.below(3);
  // The last peer may run without gc: same content, but its encoding may differ.
  const bool last_gc_off = r.chance(50);
  std::vector<Doc> docs;
  for (size_t i = 0; i < n; ++i) {
    ClientId id = 1 + r.below(6) * 1000 + i;  // distinct, some share ranges
    if (r.chance(15)) id = kMaxSafeInteger - i;
    const OffsetKind kind = i == 1 ? OffsetKind::CodePoint : OffsetKind::Utf16;
    const bool gc = !(last_gc_off && i + 1 == n);
    docs.push_back(testutil::make_doc(id, gc, kind));
    type_roots(docs.back());
    docs.back().observe([&updates, &relayed](const TransactionResult& res) {
      (res.local ? updates : relayed).push_back(res.update);
    });
  }
  auto any_update = [&]() -> const Bytes& {
    const uint64_t k = r.below(updates.size() + relayed.size());
    return k < updates.size() ? updates[k] : relayed[k - updates.size()];
  };

  const int steps =
      40 + static_cast<int>(r.below(std::max(1, env_int("CRDTCORE_STEPS", 100) - 40)));
  for (int step = 0; step < steps; ++step) {
    Doc& d = docs[r.below(n)];
    const uint64_t what = r.below(100);
    if (what < 60) {
      const uint64_t ops = 1 + r.below(3);
      if (ops > 1) d.begin_transaction();
      for (uint64_t k = 0; k < ops; ++k) random_op(r, d);
      if (ops > 1) d.commit_transaction();
    } else if (what < 85 && !updates.empty()) {
      // Partial delivery: random updates in random order, duplicates allowed.
      const uint64_t k = 1 + r.below(std::min<size_t>(updates.size(), 6));
      for (uint64_t j = 0; j < k; ++j) d.apply_update(any_update());
    } else if (what < 93 && !updates.empty()) {
      // One merged update of a random subset.
      std::vector<Bytes> subset;
      for (const Bytes& u : updates) {
        if (r.chance(40)) subset.push_back(u);
      }
      d.apply_update(merge_updates(subset));
    } else {
      // State-based sync from another peer (forwards its pending data too).
      Doc& from = docs[r.below(n)];
      const Bytes sv = d.encode_state_vector();
      d.apply_update(from.encode_state_as_update(&sv));
    }
  }

  // Full sync: every update, shuffled, some twice. Remote transactions may emit
  // local follow-ups (formatting cleanup), so repeat until nothing new appears.
  std::vector<size_t> delivered(n, 0);
  for (int round = 0; round < 10; ++round) {
    bool any = false;
    for (size_t i = 0; i < n; ++i) {
      if (delivered[i] == updates.size()) continue;
      any = true;
      std::vector<Bytes> batch(updates.begin() + static_cast<std::ptrdiff_t>(delivered[i]),
                               updates.end());
      delivered[i] = updates.size();
      for (size_t j = 0; j < batch.size() / 4; ++j) batch.push_back(batch[r.below(batch.size())]);
      std::shuffle(batch.begin(), batch.end(), r.engine());
      for (const Bytes& u : batch) docs[i].apply_update(u);
    }
    if (!any) break;
  }

  const std::string expected = full_dump(docs[0]);
  const Bytes sv0 = docs[0].encode_state_vector();
  const Bytes state0 = docs[0].encode_state_as_update();
  for (size_t i = 0; i < n; ++i) {
    SCOPED_TRACE("doc " + std::to_string(i) + " client " + std::to_string(docs[i].client_id()));
    EXPECT_FALSE(docs[i].has_pending());
    EXPECT_EQ(length_mismatches(docs[i]), "");
    EXPECT_EQ(full_dump(docs[i]), expected);
    EXPECT_EQ(docs[i].encode_state_vector(), sv0);
    if (docs[i].gc_enabled()) expect_same_update(docs[i].encode_state_as_update(), state0);
  }

  // merge_updates of everything, applied to fresh documents (gc on and off).
  const Bytes merged = merge_updates(updates);
  for (bool gc : {true, false}) {
    SCOPED_TRACE(gc ? "fresh doc, gc on" : "fresh doc, gc off");
    Doc fresh = testutil::make_doc(999999, gc);
    fresh.apply_update(merged);
    EXPECT_FALSE(fresh.has_pending());
    EXPECT_EQ(full_dump(fresh), expected);
    EXPECT_EQ(fresh.encode_state_vector(), sv0);
    if (gc) expect_same_update(fresh.encode_state_as_update(), state0);
  }

  // Relayed updates are valid updates too (GC structs for items that landed in
  // collected regions): everything merged gives the same content.
  std::vector<Bytes> everything = updates;
  everything.insert(everything.end(), relayed.begin(), relayed.end());
  std::shuffle(everything.begin(), everything.end(), r.engine());
  Doc all = testutil::make_doc(777777);
  all.apply_update(merge_updates(everything));
  EXPECT_FALSE(all.has_pending());
  EXPECT_EQ(full_dump(all), expected);
  EXPECT_EQ(all.encode_state_vector(), sv0);

  // The full state alone reproduces the content.
  Doc copy = testutil::make_doc(888888);
  copy.apply_update(state0);
  EXPECT_EQ(full_dump(copy), expected);
  expect_same_update(copy.encode_state_as_update(), state0);
  EXPECT_EQ(check.counts().mismatches, 0u);
}

INSTANTIATE_TEST_SUITE_P(Seeds, Convergence,
                         ::testing::Range(env_int("CRDTCORE_SEED_BASE", 0),
                                          env_int("CRDTCORE_SEED_BASE", 0) +
                                              env_int("CRDTCORE_SEEDS", 50)));

}  // namespace
}  // namespace crdtcore
