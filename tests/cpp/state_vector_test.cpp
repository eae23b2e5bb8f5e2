// Tests for StateVector encode/decode (yjs-format.md §5.1).

#include "crdtcore/state_vector.h"

#include <random>

#include <gtest/gtest.h>

#include "crdtcore/error.h"

namespace crdtcore {
namespace {

TEST(StateVector, EmptyEncodesAsSingleZero) {
  EXPECT_EQ(StateVector().encode(), Bytes{0});
  EXPECT_TRUE(StateVector::decode(Bytes{0}).empty());
}

TEST(StateVector, EncodesClientsDescending) {
  StateVector sv;
  sv.set(1, 5);
  sv.set(300, 2);
  sv.set(2, 7);
  EXPECT_EQ(sv.encode(), (Bytes{3, 172, 2, 2, 2, 7, 1, 5}));
}

TEST(StateVector, ZeroClocksAreNotWritten) {
  StateVector sv;
  sv.set(9, 0);
  sv.set(4, 1);
  EXPECT_EQ(sv.encode(), (Bytes{1, 4, 1}));
}

TEST(StateVector, DecodeAnyOrderLastDuplicateWins) {
  const StateVector sv = StateVector::decode(Bytes{3, 1, 5, 2, 7, 1, 9});
  EXPECT_EQ(sv.get(1), 9u);
  EXPECT_EQ(sv.get(2), 7u);
  EXPECT_EQ(sv.get(3), 0u);
  EXPECT_TRUE(sv.contains(2));
  EXPECT_FALSE(sv.contains(3));
  EXPECT_EQ(sv.entries().size(), 2u);
}

TEST(StateVector, TrailingBytesIgnored) {
  const Bytes b{1, 4, 1, 99, 98};
  EXPECT_EQ(StateVector::decode(b.data(), b.size()).get(4), 1u);
}

TEST(StateVector, MalformedThrows) {
  EXPECT_THROW(StateVector::decode(Bytes{}), DecodeError);
  EXPECT_THROW(StateVector::decode(Bytes{1, 4}), DecodeError);
  EXPECT_THROW(StateVector::decode(Bytes{2, 4, 1, 5}), DecodeError);
  EXPECT_THROW(StateVector::decode(Bytes{255, 255, 255, 255, 15, 1, 1}), DecodeError);  // count
  EXPECT_THROW(StateVector::decode(Bytes{1, 128, 128, 128, 128, 128, 128, 128, 16, 1}),
               DecodeError);  // client 2^53
  EXPECT_THROW(StateVector::decode(Bytes{1, 1, 128}), DecodeError);
}

TEST(StateVector, RandomRoundTrip) {
  std::mt19937_64 rng(3);
  for (int round = 0; round < 200; ++round) {
    StateVector sv;
    const int n = static_cast<int>(rng() % 20);
    for (int i = 0; i < n; ++i) sv.set(rng() % (uint64_t{1} << (rng() % 54)), 1 + rng() % 1000000);
    const Bytes b = sv.encode();
    ASSERT_EQ(StateVector::decode(b), sv);
    ASSERT_EQ(StateVector::decode(b).encode(), b);
  }
}

}  // namespace
}  // namespace crdtcore
