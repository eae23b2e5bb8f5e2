// Tests for ClientRanges (crdtcore/client_ranges.h): the flat client -> ranges map behind
// DeleteSet::clients(), against std::map as the model; its kept entries (clear() refills
// without allocating) must never show; decoders' clients in any wire order.

#include "crdtcore/client_ranges.h"

#include <algorithm>
#include <map>
#include <random>
#include <stdexcept>
#include <vector>

#include <gtest/gtest.h>

#include "crdtcore/delete_set.h"

namespace crdtcore {
namespace {

using Ranges = std::vector<DeleteRange>;
using Model = std::map<ClientId, Ranges>;

void expect_same(const ClientRanges& m, const Model& model, int step) {
  ASSERT_EQ(m.size(), model.size()) << "step " << step;
  ASSERT_EQ(m.empty(), model.empty()) << "step " << step;
  auto it = model.begin();
  for (const auto& [client, ranges] : m) {
    ASSERT_EQ(client, it->first) << "step " << step;
    ASSERT_EQ(ranges, it->second) << "step " << step;
    ++it;
  }
  auto rit = model.rbegin();
  for (auto r = m.rbegin(); r != m.rend(); ++r, ++rit) {
    ASSERT_EQ(r->first, rit->first) << "step " << step;
  }
}

TEST(ClientRanges, RandomOperationsMatchStdMap) {
  std::mt19937 rng(3);
  ClientRanges m;
  Model model;
  for (int step = 0; step < 20000; ++step) {
    const ClientId client = rng() % 12;
    switch (rng() % 10) {
      case 0:
      case 1:
      case 2:
      case 3: {  // add a range, creating the entry when missing
        const DeleteRange r{rng() % 100, 1 + rng() % 5};
        m[client].push_back(r);
        model[client].push_back(r);
        break;
      }
      case 4: {
        const auto [it, inserted] = m.try_emplace(client);
        const auto [mit, model_inserted] = model.try_emplace(client);
        ASSERT_EQ(inserted, model_inserted);
        ASSERT_EQ(it->first, client);
        ASSERT_EQ(it->second, mit->second);
        break;
      }
      case 5:
      case 6: {
        auto it = m.find(client);
        ASSERT_EQ(it != m.end(), model.count(client) == 1);
        if (it != m.end()) {
          auto next = m.erase(it);
          auto mnext = model.erase(model.find(client));
          ASSERT_EQ(next == m.end(), mnext == model.end());
          if (next != m.end()) {
            ASSERT_EQ(next->first, mnext->first);
          }
        }
        break;
      }
      case 7:
        ASSERT_EQ(m.count(client), model.count(client));
        if (model.count(client) == 1) {
          ASSERT_EQ(m.at(client), model.at(client));
        } else {
          EXPECT_THROW(m.at(client), std::out_of_range);
        }
        break;
      case 8:
        if (rng() % 8 == 0) {
          m.clear();
          model.clear();
        }
        break;
      default: {  // copies and comparisons see the live entries only
        const ClientRanges copy = m;
        ASSERT_TRUE(copy == m);
        ClientRanges other;
        other = m;
        ASSERT_TRUE(other == m);
        other[99].push_back(DeleteRange{1, 1});
        ASSERT_FALSE(other == m);
      }
    }
    expect_same(m, model, step);
  }
}

// clear() keeps entries (and their storage) for the next clients: nothing of their
// clients or ranges may show afterwards, in the map, its copies or comparisons.
TEST(ClientRanges, KeptEntriesNeverShow) {
  ClientRanges m;
  for (ClientId c : {9, 3, 7, 1, 5, 11}) m[c].push_back(DeleteRange{c, 1});
  m.clear();
  EXPECT_TRUE(m.empty());
  EXPECT_EQ(m.begin(), m.end());
  EXPECT_EQ(m.count(3), 0u);
  EXPECT_TRUE(m == ClientRanges());
  EXPECT_TRUE(m[7].empty());  // a kept entry serves a new client with no ranges
  m[2].push_back(DeleteRange{4, 4});
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m.begin()->first, 2u);
  EXPECT_EQ(m.at(2), (Ranges{{4, 4}}));
  const ClientRanges copy = m;
  ClientRanges fresh;
  fresh[2].push_back(DeleteRange{4, 4});
  fresh[7];
  EXPECT_TRUE(copy == fresh);
  m.erase(m.find(2));
  m[1];
  EXPECT_TRUE(m.at(1).empty());  // an erased entry comes back without its ranges
}

TEST(ClientRanges, MovedFromIsEmpty) {
  ClientRanges m;
  m[4].push_back(DeleteRange{0, 1});
  ClientRanges to = std::move(m);
  EXPECT_EQ(to.size(), 1u);
  EXPECT_TRUE(m.empty());  // NOLINT(bugprone-use-after-move): the contract says so
  m[5].push_back(DeleteRange{1, 1});
  EXPECT_EQ(m.size(), 1u);
  ClientRanges assigned;
  assigned = std::move(to);
  EXPECT_TRUE(to.empty());  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(assigned.at(4), (Ranges{{0, 1}}));
}

// A v1 delete set with these (client, [(clock, len)]) entries in this order.
Bytes encode_entries(const std::vector<std::pair<ClientId, Ranges>>& entries) {
  Bytes out;
  const auto var_uint = [&out](uint64_t v) {
    while (v >= 0x80) {
      out.push_back(static_cast<uint8_t>(0x80 | (v & 0x7F)));
      v >>= 7;
    }
    out.push_back(static_cast<uint8_t>(v));
  };
  var_uint(entries.size());
  for (const auto& [client, ranges] : entries) {
    var_uint(client);
    var_uint(ranges.size());
    for (const DeleteRange& r : ranges) {
      var_uint(r.clock);
      var_uint(r.len);
    }
  }
  return out;
}

// Decoders meet clients in wire order (Yjs writes them descending; any order is legal, a
// client may come twice): the decoded set is the map Yjs's readDeleteSet builds, with a
// repeated client's ranges in wire order. Large counts check the order costs no more than
// a sort (an insertion per client into a sorted vector would be quadratic).
TEST(ClientRanges, DecodedClientsInAnyWireOrder) {
  std::mt19937 rng(8);
  for (size_t n : {1, 2, 5, 16, 17, 40, 200000}) {
    for (int order = 0; order < 3; ++order) {
      std::vector<std::pair<ClientId, Ranges>> entries;
      Model model;
      for (size_t i = 0; i < n; ++i) {
        ClientId client = order == 0 ? n - i : order == 1 ? i : rng() % (n / 2 + 1);
        Ranges ranges{{rng() % 50, 1 + rng() % 3}};
        if (rng() % 3 == 0) ranges.push_back(DeleteRange{100 + rng() % 50, 1});
        entries.emplace_back(client, ranges);
        Ranges& into = model[client];
        into.insert(into.end(), ranges.begin(), ranges.end());
      }
      const DeleteSet ds = DeleteSet::decode(encode_entries(entries));
      const ClientRanges& m = ds.clients();
      if (n > 1000) {
        ASSERT_EQ(m.size(), model.size());
        ASSERT_TRUE(std::equal(m.begin(), m.end(), model.begin(), model.end(),
                               [](const auto& a, const auto& b) {
                                 return a.first == b.first && a.second == b.second;
                               }));
      } else {
        expect_same(m, model, static_cast<int>(n));
      }
    }
  }
}

// A decoded set is an ordinary one: clients added afterwards go in order, and a cleared
// one decodes again from scratch.
TEST(ClientRanges, DecodedSetTakesAddsAndRefills) {
  DeleteSet ds = DeleteSet::decode(encode_entries({{9, {{0, 1}}}, {3, {{5, 2}}}, {9, {{7, 1}}}}));
  ds.add(5, 1, 1);
  ds.add(3, 9, 1);
  ds.sort_and_merge();
  ASSERT_EQ(ds.clients().size(), 3u);
  EXPECT_EQ(ds.clients().at(3), (Ranges{{5, 2}, {9, 1}}));
  EXPECT_EQ(ds.clients().at(5), (Ranges{{1, 1}}));
  EXPECT_EQ(ds.clients().at(9), (Ranges{{0, 1}, {7, 1}}));
  EXPECT_EQ(ds.client_order(), (std::vector<ClientId>{5, 3, 9}));
  EXPECT_EQ(DeleteSet::decode(ds.encode()), ds);
}

}  // namespace
}  // namespace crdtcore
