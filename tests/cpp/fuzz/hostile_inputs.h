// hostile_inputs.h — hand-crafted malicious v1 updates and state vectors for
// decode_robustness_test.cpp: counts and lengths the input cannot back, malformed
// varUints and refs, clocks and delete ranges near 2^53, self and dangling
// references, semantically bad payloads, deep nesting and long dependency chains.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "crdtcore/bytes.h"
#include "crdtcore/id.h"

namespace crdtcore::fuzz {

inline constexpr uint64_t kMax = kMaxSafeInteger;
inline constexpr uint64_t k2p40 = uint64_t{1} << 40;

inline void append_var_uint(Bytes& b, uint64_t v) {
  while (v > 127) {
    b.push_back(static_cast<uint8_t>(0x80 | (v & 0x7f)));
    v >>= 7;
  }
  b.push_back(static_cast<uint8_t>(v));
}

struct W {
  Bytes b;
  W& u(uint64_t v) {
    append_var_uint(b, v);
    return *this;
  }
  W& raw(std::initializer_list<int> xs) {
    for (int x : xs) b.push_back(static_cast<uint8_t>(x));
    return *this;
  }
  W& str(const std::string& s) {
    u(s.size());
    b.insert(b.end(), s.begin(), s.end());
    return *this;
  }
  W& repeat(std::initializer_list<int> xs, size_t n) {
    for (size_t i = 0; i < n; ++i) raw(xs);
    return *this;
  }
  // One client block header: 1 client, `structs` structs of `client` from `clock`.
  static W block(uint64_t structs, uint64_t client, uint64_t clock) {
    W w;
    w.u(1).u(structs).u(client).u(clock);
    return w;
  }
};

struct Hostile {
  std::string name;
  Bytes bytes;
  bool must_reject;  // truncated or impossible: a fresh Doc must reject it
};

inline std::vector<Hostile> hostile_inputs() {
  std::vector<Hostile> h;
  auto add = [&h](std::string name, const W& w, bool must_reject = false) {
    h.push_back({std::move(name), w.b, must_reject});
  };
  // Header of one item in root `root` with info byte `info`; the content follows.
  auto root_item = [](uint64_t client, uint64_t clock, int info, const std::string& root = "t") {
    W w = W::block(1, client, clock);
    w.raw({info}).u(1).str(root);
    return w;
  };
  // Counts and lengths the input cannot back.
  add("num_clients_2^40", W().u(k2p40), true);
  add("num_clients_2^53-1", W().u(kMax), true);
  add("num_clients_2^40_then_block", W().u(k2p40).u(1).u(1).u(0).raw({4, 1}).str("t").str("a").u(0),
      true);
  add("num_structs_2^40", W::block(k2p40, 1, 0).raw({4, 1}).str("t").str("a").u(0), true);
  add("num_structs_2^53-1", W::block(kMax, 1, 0).raw({4, 1}).str("t").str("a").u(0), true);
  add("string_len_2^40", root_item(1, 0, 4).u(k2p40).raw({97, 98, 99, 0}), true);
  add("root_name_len_2^40", W::block(1, 1, 0).raw({4, 1}).u(k2p40).raw({116, 1, 97, 0}), true);
  add("parent_sub_len_2^40", root_item(1, 0, 0x28, "m").u(k2p40).raw({107, 1, 125, 1, 0}), true);
  add("any_count_2^40", root_item(1, 0, 8).u(k2p40).raw({125, 1, 0}), true);
  add("any_array_len_2^40", root_item(1, 0, 8).u(1).raw({117}).u(k2p40).raw({126, 0}), true);
  add("any_object_len_2^40", root_item(1, 0, 8).u(1).raw({118}).u(k2p40).str("k").raw({126, 0}),
      true);
  add("any_string_len_2^40", root_item(1, 0, 8).u(1).raw({119}).u(k2p40).raw({97, 0}), true);
  add("any_binary_len_2^40", root_item(1, 0, 8).u(1).raw({116}).u(k2p40).raw({97, 0}), true);
  add("binary_content_len_2^40", root_item(1, 0, 3).u(k2p40).raw({1, 2, 0}), true);
  add("json_count_2^40", root_item(1, 0, 2).u(k2p40).str("1").u(0), true);
  add("deleted_len_2^53", root_item(1, 0, 1).u(kMax + 1).u(0), true);
  add("xml_name_len_2^40", root_item(1, 0, 7).u(3).u(k2p40).raw({112, 0}), true);
  add("doc_guid_len_2^40", root_item(1, 0, 9).u(k2p40).raw({103, 118, 0, 0}), true);
  add("ds_clients_2^40", W().u(0).u(k2p40).u(1).u(1).u(0).u(1), true);
  add("ds_ranges_2^40", W().u(0).u(1).u(1).u(k2p40).u(0).u(1), true);
  add("sv_entries_2^40", W().u(k2p40).u(1).u(1), true);
  // Malformed varUints and refs.
  add("var_uint_over_2^64",
      W().raw({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}), true);
  add("var_uint_2^53", W().u(uint64_t{1} << 53).u(0), true);
  add("var_uint_100_continuation_bytes", W().repeat({0x80}, 100).raw({1, 0}));
  add("var_int_overlong_in_any", root_item(1, 0, 8).u(1).raw({125}).repeat({0xff}, 12).raw({1, 0}));
  add("content_ref_11", root_item(1, 0, 11).raw({0, 0}), true);
  add("content_ref_31", root_item(1, 0, 31).raw({0, 0}), true);
  add("type_ref_7", root_item(1, 0, 7).u(7).u(0), true);
  add("type_ref_2^40", root_item(1, 0, 7).u(k2p40).u(0), true);
  add("any_tag_100", root_item(1, 0, 8).u(1).raw({100, 0}), true);
  add("empty_input", W(), true);
  add("only_zero", W().raw({0}), true);
  add("trailing_garbage", W().raw({0, 0, 0xff, 0xff, 0xff}));
  add("parent_info_2", W::block(1, 1, 0).raw({4, 2}).u(1).u(0).str("a").u(0));
  // Huge lengths and clocks near 2^53.
  add("deleted_len_2^53-1", root_item(1, 0, 1).u(kMax).u(0));
  add("gc_len_2^53-1", W::block(1, 1, 0).raw({0}).u(kMax).u(1).u(1).u(1).u(0).u(kMax));
  add("gc_then_item_at_max",
      W::block(2, 1, 0).raw({0}).u(kMax - 1).raw({132, 1}).u(kMax - 2).str("a").u(0));
  add("gc_then_item_past_max",
      W::block(2, 1, 0).raw({0}).u(kMax - 1).raw({132, 1}).u(kMax - 2).str("ab").u(0));
  add("skip_len_2^53-1",
      W::block(2, 1, 0).raw({10}).u(kMax - 1).raw({132, 1}).u(kMax - 2).str("a").u(0));
  add("skip_only", W::block(1, 1, 0).raw({10}).u(kMax).u(0));
  add("gc_len_0", W::block(1, 1, 0).raw({0, 0}).u(0));
  add("deleted_len_0", root_item(1, 0, 1).u(0).u(0));
  add("any_count_0", root_item(1, 0, 8).u(0).u(0));
  add("string_empty", root_item(1, 0, 4).str("").u(0));
  add("clock_near_max", root_item(1, kMax - 1, 4).str("a").u(0));
  add("clock_past_max", root_item(1, kMax - 1, 4).str("ab").u(0));
  add("clock_max_then_ds", root_item(1, kMax - 3, 4).str("abc").u(1).u(1).u(1).u(kMax - 2).u(2));
  add("client_max_clock_max",
      root_item(kMax, kMax - 1, 4).str("z").u(1).u(kMax).u(1).u(kMax - 1).u(1));
  add("ds_near_max", W().u(0).u(1).u(1).u(1).u(kMax - 1).u(1));
  add("ds_past_max", W().u(0).u(1).u(1).u(1).u(kMax - 1).u(5));
  add("ds_everything", W().u(0).u(2).u(1).u(1).u(0).u(kMax).u(7).u(1).u(0).u(kMax));
  add("ds_len_0_many", W().u(0).u(1).u(1).u(2000).repeat({0, 0}, 2000));
  add("ds_unsorted_overlapping",
      W().u(0).u(1).u(1).u(4).u(50).u(10).u(0).u(kMax).u(3).u(2).u(kMax - 5).u(5));
  // Self references and dangling references.
  add("origin_own_client_later", W::block(1, 5, 0).raw({132, 5, 3}).str("x").u(0));
  add("origin_own_id", W::block(1, 5, 0).raw({132, 5, 0}).str("x").u(0));
  add("right_origin_own_client_later", W::block(1, 5, 0).raw({68, 5, 10}).str("x").u(0));
  add("parent_own_client_later", W::block(1, 5, 0).raw({4, 0, 5, 7}).str("x").u(0));
  add("parent_own_id", W::block(1, 5, 0).raw({7, 0, 5, 0, 0}).u(0));
  add("origin_missing_client", W::block(1, 5, 0).raw({132, 77, 5}).str("x").u(0));
  add("parent_is_string_item", W::block(1, 50, 0).raw({4, 0, 1, 0}).str("x").u(0));
  add("origin_into_other_parent", W::block(1, 50, 0).raw({136, 1, 3, 1, 125, 1}).u(0));
  add("parent_sub_on_text_root", root_item(1, 0, 0x24).str("key").str("v").u(0));
  add("skip_then_item", W::block(2, 1, 0).raw({10, 3, 132, 1, 2}).str("x").u(0));
  add("duplicate_client_blocks", W().u(2)
                                     .u(1)
                                     .u(1)
                                     .u(0)
                                     .raw({4, 1})
                                     .str("t")
                                     .str("abcd")
                                     .u(1)
                                     .u(1)
                                     .u(1)
                                     .raw({132, 1, 0})
                                     .str("XYZWV")
                                     .u(0));
  // Content payloads that are well-framed but semantically bad.
  add("format_bad_json", root_item(1, 0, 6).str("bold").str("{").u(0));
  add("embed_bad_json", root_item(1, 0, 5).str("not json").u(0));
  add("json_garbage",
      root_item(1, 0, 2).u(4).str("undefined").str("").str("[1,").str("\"\\ud800\"").u(0));
  add("doc_options_not_object", root_item(1, 0, 9).str("g").raw({119}).str("x").u(0));
  add("doc_options_array", root_item(1, 0, 9).str("g").raw({117, 1, 126}).u(0));
  add("invalid_utf8_text",
      root_item(1, 0, 4)
          .u(13)
          .raw({0xff, 0xfe, 0xc0, 0x80, 0xed, 0xa0, 0x80, 0xf4, 0x90, 0x80, 0x80, 0x61, 0xe2})
          .u(1)
          .u(1)
          .u(1)
          .u(2)
          .u(3));
  add("invalid_utf8_root_and_key", W::block(1, 1, 0)
                                       .raw({0x28, 1})
                                       .u(2)
                                       .raw({0xc3, 0x28})
                                       .u(3)
                                       .raw({0xed, 0xbf, 0xbf})
                                       .raw({1, 126})
                                       .u(0));
  // Deep nesting.
  add("deep_any_array_10000", root_item(1, 0, 8).u(1).repeat({117, 1}, 10000).raw({126, 0}));
  add("deep_any_object_10000",
      root_item(1, 0, 8).u(1).repeat({118, 1, 1, 107}, 10000).raw({126, 0}));
  add("deep_json_10000",
      root_item(1, 0, 2).u(1).str(std::string(10000, '[') + std::string(10000, ']')).u(0));
  add("deep_embed_json_10000",
      root_item(1, 0, 5).str(std::string(10000, '[') + std::string(10000, ']')).u(0));
  add("deep_format_json_10000", root_item(1, 0, 6).str("b").str(std::string(10000, '[')).u(0));
  {
    // 3000 clients, each item's origin is the next client's item: one long dependency chain.
    W w;
    const uint64_t n = 3000;
    w.u(n);
    for (uint64_t c = 1; c <= n; ++c) {
      w.u(1).u(c).u(0);
      if (c == n)
        w.raw({4, 1}).str("t").str("x");
      else
        w.raw({132}).u(c + 1).u(0).str("x");
    }
    add("dependency_chain_3000_clients", w.u(0));
  }
  {
    W w;
    w.u(5000);
    for (uint64_t c = 1; c <= 5000; ++c) w.u(1).u(c * 7919).u(0).raw({0, 1});
    add("gc_5000_clients", w.u(0));
  }
  {
    W w = W::block(10000, 1, 0);
    w.raw({4, 1}).str("t").str("a");
    for (uint64_t i = 1; i < 10000; ++i) w.raw({132, 1}).u(i - 1).str("b");
    w.u(1).u(1).u(5000);
    for (uint64_t i = 0; i < 5000; ++i) w.u(2 * i).u(1);
    add("long_item_chain_10000_with_ds", w);
  }
  {
    W w = W::block(1000, 1, 0);
    for (int i = 0; i < 1000; ++i) w.raw({8, 1}).str("root" + std::to_string(i)).u(1).raw({125, 1});
    add("roots_1000", w.u(0));
  }
  return h;
}

// 1 + depth nested arrays: root "a" holds an Array, which holds an Array, ...
inline Bytes deep_type_nesting(uint64_t depth) {
  W w = W::block(depth, 1, 0);
  w.raw({7, 1}).str("a").u(0);
  for (uint64_t i = 1; i < depth; ++i) w.raw({7, 0, 1}).u(i - 1).u(0);
  return w.u(0).b;
}

}  // namespace crdtcore::fuzz
