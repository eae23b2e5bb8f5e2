// Tests for crdtcore/update.h (merge_updates, diff_update,
// encode_state_vector_from_update): the verified vectors of yjs-format.md
// Appendix A, a few hand-checked Yjs quirks, and the real-Yjs fixtures written by
// tests/interop/gen_update_ops_fixtures.mjs (tests/cpp/fixtures/update_ops.json).

#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "crdtcore/error.h"
#include "crdtcore/update.h"
#include "encoding/struct_codec.h"

namespace crdtcore {
namespace {

// Appendix A: client 1 types "a", "b", "c" into root "t", one transaction each.
const Bytes kU0 = {1, 1, 1, 0, 4, 1, 1, 116, 1, 97, 0};
const Bytes kU1 = {1, 1, 1, 1, 132, 1, 0, 1, 98, 0};
const Bytes kU2 = {1, 1, 1, 2, 132, 1, 1, 1, 99, 0};

TEST(MergeUpdates, GapBecomesSkip) {
  EXPECT_EQ(merge_updates({kU0, kU2}),
            (Bytes{1, 3, 1, 0, 4, 1, 1, 116, 1, 97, 10, 1, 132, 1, 1, 1, 99, 0}));
}

TEST(MergeUpdates, AdjacentItemsStaySeparate) {
  EXPECT_EQ(merge_updates({kU2, kU0, kU1}),
            (Bytes{1, 3, 1, 0, 4, 1, 1, 116, 1, 97, 132, 1, 0, 1, 98, 132, 1, 1, 1, 99, 0}));
}

TEST(MergeUpdates, SingleInputIsReturnedUnchanged) {
  const Bytes u = {1, 1, 1, 1, 168, 1, 0, 1, 119, 1, 120, 1, 1, 1, 0, 1};
  EXPECT_EQ(merge_updates({u}), u);
}

TEST(MergeUpdates, DropsBit6OfItemsWithOrigin) {
  const Bytes u = {1, 1, 1, 1, 168, 1, 0, 1, 119, 1, 120, 1, 1, 1, 0, 1};
  EXPECT_EQ(merge_updates({u, {0, 0}}),
            (Bytes{1, 1, 1, 1, 136, 1, 0, 1, 119, 1, 120, 1, 1, 1, 0, 1}));
}

TEST(MergeUpdates, NoInputGivesEmptyUpdate) { EXPECT_EQ(merge_updates({}), (Bytes{0, 0})); }

TEST(MergeUpdates, DeleteSetsAreUnitedAndCoalesced) {
  const Bytes a = {0, 2, 1, 2, 0, 1, 5, 2, 3, 1, 2, 0};  // c1: [0,1) [5,7); c3: [2,2)
  const Bytes b = {0, 1, 1, 1, 1, 4};                    // c1: [1,5)
  // c1 ranges coalesce to [0,7); the len-0 range of c3 survives as Yjs keeps it.
  EXPECT_EQ(merge_updates({a, b}), (Bytes{0, 2, 3, 1, 2, 0, 1, 1, 0, 7}));
}

// A GC and an Item at the same id: Yjs's comparator calls each "smaller" than the
// other, so V8's sort decides (verified with yjs 13.6.33 / node 20).
TEST(MergeUpdates, GcItemTieFollowsV8Sort) {
  const Bytes item = {1, 1, 5, 0, 4, 1, 1, 116, 2, 97, 98, 0};
  const Bytes gc2 = {1, 1, 5, 0, 0, 2, 0};
  const Bytes gc3 = {1, 1, 5, 0, 0, 3, 0};
  EXPECT_EQ(merge_updates({item, gc2}), gc2);
  EXPECT_EQ(merge_updates({gc2, item}), item);
  EXPECT_EQ(merge_updates({item, gc2, item}), item);
  EXPECT_EQ(merge_updates({gc2, item, gc2}), gc2);
  EXPECT_EQ(merge_updates({item, item, gc2}), gc2);
  EXPECT_EQ(merge_updates({item, gc3}), gc3);
  EXPECT_EQ(merge_updates({gc3, item}), (Bytes{1, 2, 5, 0, 4, 1, 1, 116, 2, 97, 98, 0, 1, 0}));
}

TEST(MergeUpdates, SubdocOptionsAreRecomputed) {
  // ContentDoc guid "g", options {gc:false, autoLoad:1, meta:null, x:5}.
  const Bytes u = {1,   1,  1,   0,   9,   1,   1,   100, 1,   103, 118, 4,   2,
                   103, 99, 121, 8,   97,  117, 116, 111, 76,  111, 97,  100, 125,
                   1,   4,  109, 101, 116, 97,  126, 1,   120, 125, 5,   0};
  EXPECT_EQ(merge_updates({u, {0, 0}}),
            (Bytes{1,  1,   1, 0,  9,   1,   1,   100, 1,   103, 118, 2,   2, 103,
                   99, 121, 8, 97, 117, 116, 111, 76,  111, 97,  100, 120, 0}));
}

TEST(MergeUpdates, RejectsMalformedInput) {
  EXPECT_THROW(merge_updates({kU0, {1, 1}}), DecodeError);
  EXPECT_THROW(merge_updates({{1, 1, 1, 0, 4}}), DecodeError);
}

TEST(DiffUpdate, CutInsideSurrogatePairWritesReplacementChar) {
  const Bytes state = {1, 1, 3, 0, 4, 1, 1, 116, 8, 240, 159, 152, 128, 240, 159, 152, 128, 0};
  EXPECT_EQ(diff_update(state, {1, 3, 1}),
            (Bytes{1, 1, 3, 1, 132, 3, 0, 7, 239, 191, 189, 240, 159, 152, 128, 0}));
}

TEST(DiffUpdate, EmptyStateVectorKeepsEverything) {
  const Bytes merged = merge_updates({kU0, kU2});
  EXPECT_EQ(diff_update(merged, {0}), merged);
}

TEST(DiffUpdate, KnownPrefixIsDroppedAndDeleteSetKept) {
  const Bytes state = {1, 2, 1, 0, 1, 1, 1, 116, 1, 132, 1, 0, 1, 98, 1, 1, 1, 0, 1};
  EXPECT_EQ(diff_update(state, {1, 1, 1}), (Bytes{1, 1, 1, 1, 132, 1, 0, 1, 98, 1, 1, 1, 0, 1}));
  EXPECT_EQ(diff_update(state, {1, 1, 2}), (Bytes{0, 1, 1, 1, 0, 1}));
}

TEST(DiffUpdate, SkipsAreDroppedOnlyAtTheStartOfARun) {
  const Bytes leading = {1, 2, 1, 0, 10, 2, 4, 1, 1, 116, 1, 97, 0};
  EXPECT_EQ(diff_update(leading, {0}), (Bytes{1, 1, 1, 2, 4, 1, 1, 116, 1, 97, 0}));
  const Bytes inner = {1, 3, 1, 0, 4, 1, 1, 116, 1, 97, 10, 2, 4, 1, 1, 116, 1, 98, 0};
  EXPECT_EQ(diff_update(inner, {0}), inner);
  EXPECT_EQ(diff_update(inner, {1, 1, 1}), (Bytes{1, 1, 1, 3, 4, 1, 1, 116, 1, 98, 0}));
}

TEST(DiffUpdate, RejectsMalformedStateVector) {
  EXPECT_THROW(diff_update(kU0, {2, 1}), DecodeError);
}

TEST(EncodeStateVectorFromUpdate, StopsAtSkip) {
  EXPECT_EQ(encode_state_vector_from_update(merge_updates({kU0, kU2})), (Bytes{1, 1, 1}));
}

TEST(EncodeStateVectorFromUpdate, LeadingSkipOfTheFirstClientCounts) {
  // A Yjs quirk: the very first struct is counted before the Skip check.
  EXPECT_EQ(encode_state_vector_from_update({1, 2, 1, 0, 10, 2, 4, 1, 1, 116, 1, 97, 0}),
            (Bytes{1, 1, 2}));
}

TEST(EncodeStateVectorFromUpdate, ClientNotStartingAtZeroIsOmitted) {
  EXPECT_EQ(encode_state_vector_from_update(kU1), (Bytes{0}));
  EXPECT_EQ(encode_state_vector_from_update({0, 0}), (Bytes{0}));
}

TEST(EncodeStateVectorFromUpdate, ClientsInWireOrder) {
  const Bytes two = {2, 1, 2, 0, 4, 1, 1, 116, 1, 66, 1, 1, 0, 4, 1, 1, 116, 1, 65, 0};
  EXPECT_EQ(encode_state_vector_from_update(two), (Bytes{2, 2, 1, 1, 1}));
}

// ---------------------------------------------------------------------------------------
// Real-Yjs fixtures.

Bytes to_bytes(const nlohmann::json& j) { return j.get<Bytes>(); }

const nlohmann::json& fixtures() {
  static const nlohmann::json data = [] {
    std::ifstream in(CRDTCORE_SOURCE_DIR "/tests/cpp/fixtures/update_ops.json");
    std::stringstream ss;
    ss << in.rdbuf();
    return nlohmann::json::parse(ss.str());
  }();
  return data;
}

std::vector<Bytes> session_updates(const nlohmann::json& session) {
  std::vector<Bytes> out;
  for (const auto& u : session["updates"]) out.push_back(to_bytes(u));
  return out;
}

// Counts mismatches and reports the first few with their session seed.
class Mismatches {
 public:
  void check(bool ok, const std::string& what, const nlohmann::json& session) {
    ++total_;
    if (ok) return;
    if (++failed_ <= 5)
      ADD_FAILURE() << what << " differs from Yjs (seed " << session["seed"] << ")";
  }
  ~Mismatches() {
    EXPECT_EQ(failed_, 0) << "of " << total_;
    EXPECT_GT(total_, 0);
  }

 private:
  int total_ = 0;
  int failed_ = 0;
};

TEST(UpdateOpsFixtures, MergeUpdatesMatchesYjs) {
  Mismatches m;
  for (const auto& session : fixtures()["sessions"]) {
    const auto updates = session_updates(session);
    for (const auto& c : session["merges"]) {
      std::vector<Bytes> inputs;
      for (const auto& i : c["inputs"]) inputs.push_back(updates.at(i.get<size_t>()));
      m.check(merge_updates(inputs) == updates.at(c["out"].get<size_t>()), "merge", session);
    }
  }
}

TEST(UpdateOpsFixtures, DiffUpdateMatchesYjs) {
  Mismatches m;
  for (const auto& session : fixtures()["sessions"]) {
    const auto updates = session_updates(session);
    for (const auto& c : session["diffs"]) {
      const Bytes& u = updates.at(c["update"].get<size_t>());
      m.check(diff_update(u, to_bytes(c["sv"])) == to_bytes(c["out"]), "diff", session);
    }
  }
}

TEST(UpdateOpsFixtures, StateVectorFromUpdateMatchesYjs) {
  Mismatches m;
  for (const auto& session : fixtures()["sessions"]) {
    const auto updates = session_updates(session);
    const auto& svs = session["state_vectors"];
    for (size_t i = 0; i < updates.size(); ++i) {
      m.check(encode_state_vector_from_update(updates[i]) == to_bytes(svs.at(i)), "sv", session);
    }
  }
}

// Runs every operation on `u`: each must succeed or throw DecodeError.
void run_all_ops(const Bytes& u, const Bytes& other) {
  const auto expect_decode_error_only = [](auto&& fn) {
    try {
      fn();
    } catch (const DecodeError&) {
    }
  };
  expect_decode_error_only([&] { detail::read_update_v1(u, OffsetKind::Utf16); });
  expect_decode_error_only([&] { merge_updates({u, other}); });
  expect_decode_error_only([&] { merge_updates({other, u, u}); });
  expect_decode_error_only([&] { diff_update(u, {1, 1, 1}); });
  expect_decode_error_only([&] { diff_update(other, u); });
  expect_decode_error_only([&] { encode_state_vector_from_update(u); });
}

TEST(UpdateOpsFixtures, TruncatedAndFlippedInputsOnlyThrowDecodeError) {
  std::mt19937 rng(1234);
  size_t runs = 0;
  const auto& sessions = fixtures()["sessions"];
  for (size_t s = 0; s < sessions.size(); s += 7) {
    const auto updates = session_updates(sessions[s]);
    for (size_t i = 0; i < updates.size(); i += 2) {
      const Bytes& u = updates[i];
      const Bytes& other = updates[(i + 1) % updates.size()];
      for (size_t len = 0; len < u.size(); ++len) {
        run_all_ops(Bytes(u.begin(), u.begin() + static_cast<std::ptrdiff_t>(len)), other);
        ++runs;
      }
      for (int k = 0; k < 32 && !u.empty(); ++k) {
        Bytes mutated = u;
        mutated[rng() % mutated.size()] ^= static_cast<uint8_t>(1u << (rng() % 8));
        if (k % 4 == 0) mutated[rng() % mutated.size()] = static_cast<uint8_t>(rng());
        run_all_ops(mutated, other);
        ++runs;
      }
    }
  }
  EXPECT_GT(runs, 1000u);
}

}  // namespace
}  // namespace crdtcore
