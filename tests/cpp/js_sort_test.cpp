// Tests for util/js_sort.h: V8's Array.prototype.sort, reproduced permutation for
// permutation even under an inconsistent comparator like the one Yjs's mergeUpdates
// uses. Expected hashes come from node 20 (V8 11.3) running the same generator:
//
//   x = seed; for i < n: x = x * 1664525 + 1013904223 (uint32); a.push({i, key:
//   (x >>> 16) % k, tag: x % 3}); a.sort((p, q) => p.key === q.key ? (p.tag ===
//   q.tag ? 0 : (p.tag === 2 ? 1 : -1)) : p.key - q.key); FNV-1a over each i as
//   two bytes (low, then high).

#include "util/js_sort.h"

#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

namespace crdtcore::detail {
namespace {

struct Element {
  uint32_t index;
  uint32_t key;
  uint32_t tag;
};

// Yjs-like: equal keys with different tags are "less" both ways unless the left
// one has tag 2 (Yjs's Skip).
int yjs_like_compare(const Element& p, const Element& q) {
  if (p.key == q.key) {
    if (p.tag == q.tag) return 0;
    return p.tag == 2 ? 1 : -1;
  }
  return p.key < q.key ? -1 : 1;
}

uint32_t sorted_hash(uint32_t n, uint32_t k, uint32_t seed) {
  std::vector<Element> a;
  uint32_t x = seed;
  for (uint32_t i = 0; i < n; ++i) {
    x = x * 1664525u + 1013904223u;
    a.push_back({i, (x >> 16) % k, x % 3});
  }
  js_array_sort(a, yjs_like_compare);
  uint32_t h = 0x811c9dc5u;
  for (const Element& e : a) {
    h = (h ^ (e.index & 0xff)) * 0x01000193u;
    h = (h ^ (e.index >> 8)) * 0x01000193u;
  }
  return h;
}

struct Case {
  uint32_t n, k, seed, expected;
};

// One case per line.
// clang-format off
const Case kCases[] = {
    {2, 1, 63, 4218009092u},
    {2, 2, 64, 630422188u},
    {2, 4, 66, 4218009092u},
    {2, 16, 78, 630422188u},
    {2, 1000, 1062, 630422188u},
    {3, 1, 94, 595201478u},
    {3, 2, 95, 595201478u},
    {3, 4, 97, 1377893670u},
    {3, 16, 109, 1377893670u},
    {3, 1000, 1093, 2068856158u},
    {5, 1, 156, 4164529441u},
    {5, 2, 157, 1113371401u},
    {5, 4, 159, 3184679505u},
    {5, 16, 171, 4083158153u},
    {5, 1000, 1155, 4095328177u},
    {17, 1, 528, 2538284149u},
    {17, 2, 529, 3876698629u},
    {17, 4, 531, 4237911061u},
    {17, 16, 543, 3632038213u},
    {17, 1000, 1527, 3175752925u},
    {63, 1, 1954, 3265509282u},
    {63, 2, 1955, 503940658u},
    {63, 4, 1957, 901578570u},
    {63, 16, 1969, 4215845202u},
    {63, 1000, 2953, 2241681794u},
    {64, 1, 1985, 1898324213u},
    {64, 2, 1986, 4100767453u},
    {64, 4, 1988, 3077370421u},
    {64, 16, 2000, 1574734333u},
    {64, 1000, 2984, 2227114525u},
    {65, 1, 2016, 996142821u},
    {65, 2, 2017, 4294897389u},
    {65, 4, 2019, 2646894685u},
    {65, 16, 2031, 217137789u},
    {65, 1000, 3015, 3044502693u},
    {100, 1, 3101, 3150623541u},
    {100, 2, 3102, 2992374693u},
    {100, 4, 3104, 3253713061u},
    {100, 16, 3116, 1946528629u},
    {100, 1000, 4100, 422041445u},
    {127, 1, 3938, 1568189170u},
    {127, 2, 3939, 646050778u},
    {127, 4, 3941, 829174466u},
    {127, 16, 3953, 3359337954u},
    {127, 1000, 4937, 563705930u},
    {200, 1, 6201, 479193197u},
    {200, 2, 6202, 3696154181u},
    {200, 4, 6204, 3372043253u},
    {200, 16, 6216, 1899280421u},
    {200, 1000, 7200, 2843539613u},
    {257, 1, 7968, 779726638u},
    {257, 2, 7969, 913469210u},
    {257, 4, 7971, 3372838730u},
    {257, 16, 7983, 3633603930u},
    {257, 1000, 8967, 929580154u},
    {500, 1, 15501, 2306594097u},
    {500, 2, 15502, 3978157129u},
    {500, 4, 15504, 2743864977u},
    {500, 16, 15516, 3650600209u},
    {500, 1000, 16500, 23644629u},
    {1000, 1, 31001, 1422228921u},
    {1000, 2, 31002, 2269440117u},
    {1000, 4, 31004, 3337121341u},
    {1000, 16, 31016, 2427269405u},
    {1000, 1000, 32000, 1326771221u},
    {3000, 1, 93001, 2870687137u},
    {3000, 2, 93002, 582621349u},
    {3000, 4, 93004, 1513767329u},
    {3000, 16, 93016, 3465340217u},
    {3000, 1000, 94000, 4128027153u}
};
// clang-format on

TEST(JsArraySort, MatchesV8UnderInconsistentComparator) {
  for (const Case& c : kCases) {
    EXPECT_EQ(sorted_hash(c.n, c.k, c.seed), c.expected) << "n=" << c.n << " k=" << c.k;
  }
}

TEST(JsArraySort, SortsConsistentComparatorStably) {
  std::vector<std::pair<int, int>> a;
  for (int i = 0; i < 500; ++i) a.push_back({(i * 7919) % 13, i});
  js_array_sort(a, [](const auto& x, const auto& y) { return x.first - y.first; });
  for (size_t i = 1; i < a.size(); ++i) {
    ASSERT_TRUE(a[i - 1].first < a[i].first ||
                (a[i - 1].first == a[i].first && a[i - 1].second < a[i].second));
  }
}

}  // namespace
}  // namespace crdtcore::detail
