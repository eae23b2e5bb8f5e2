// value.cpp — Value::object key normalisation and deep equality.
//
// Object key order follows the ECMAScript OrdinaryOwnPropertyKeys rule that
// `Object.keys` (and so lib0 writeAny and JSON.stringify) uses: first every
// "array index" key — the canonical decimal string of an integer 0 .. 2^32-2 —
// in ascending numeric order, then every other key in insertion order. Building a
// JS object from pairs with a repeated key keeps the key's first position and the
// last value (yjs-format.md §1.5).

#include "crdtcore/value.h"

#include <algorithm>
#include <string_view>
#include <unordered_map>

namespace crdtcore {
namespace {

constexpr uint64_t kMaxArrayIndex = 0xFFFFFFFEull;  // 2^32 - 2

// The numeric value of an array-index key, or -1 when `k` is not one ("012", "-1",
// "4294967295" and "" are ordinary keys).
int64_t array_index(std::string_view k) {
  if (k.empty() || k.size() > 10) return -1;
  if (k[0] == '0') return k.size() == 1 ? 0 : -1;
  uint64_t v = 0;
  for (char c : k) {
    if (c < '0' || c > '9') return -1;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return v <= kMaxArrayIndex ? static_cast<int64_t>(v) : -1;
}

bool objects_equal(const Value::ObjectT& a, const Value::ObjectT& b) {
  if (a.size() != b.size()) return false;
  size_t i = 0;
  for (; i < a.size() && a[i].first == b[i].first; ++i) {
    if (a[i].second != b[i].second) return false;
  }
  if (i == a.size()) return true;
  // Same key set in another order (keys are unique after normalisation).
  std::unordered_map<std::string_view, const Value*> rest;
  for (size_t j = i; j < b.size(); ++j) rest.emplace(b[j].first, &b[j].second);
  for (size_t j = i; j < a.size(); ++j) {
    auto it = rest.find(a[j].first);
    if (it == rest.end() || *it->second != a[j].second) return false;
  }
  return true;
}

}  // namespace

Value Value::object(ObjectT o) {
  const size_t n = o.size();
  std::vector<int64_t> index(n);
  bool any_index_key = false;
  for (size_t i = 0; i < n; ++i) {
    index[i] = array_index(o[i].first);
    any_index_key |= index[i] >= 0;
  }

  // Resolve duplicates: the first occurrence keeps its slot and takes the last value.
  std::vector<bool> dropped(n, false);
  bool any_dropped = false;
  auto drop = [&](size_t keep, size_t i) {
    o[keep].second = std::move(o[i].second);
    dropped[i] = true;
    any_dropped = true;
  };
  if (n <= 8) {
    for (size_t i = 1; i < n; ++i) {
      for (size_t j = 0; j < i; ++j) {
        if (!dropped[j] && o[j].first == o[i].first) {
          drop(j, i);
          break;
        }
      }
    }
  } else {
    std::unordered_map<std::string_view, size_t> first;
    first.reserve(n);
    for (size_t i = 0; i < n; ++i) {
      auto [it, inserted] = first.emplace(o[i].first, i);
      if (!inserted) drop(it->second, i);
    }
  }

  ObjectT out;
  if (!any_index_key && !any_dropped) {
    out = std::move(o);
  } else {
    out.reserve(n);
    std::vector<size_t> index_slots;
    for (size_t i = 0; i < n; ++i) {
      if (!dropped[i] && index[i] >= 0) index_slots.push_back(i);
    }
    std::sort(index_slots.begin(), index_slots.end(),
              [&](size_t x, size_t y) { return index[x] < index[y]; });
    for (size_t i : index_slots) out.push_back(std::move(o[i]));
    for (size_t i = 0; i < n; ++i) {
      if (!dropped[i] && index[i] < 0) out.push_back(std::move(o[i]));
    }
  }
  Value v;
  v.data_ = std::make_shared<const ObjectT>(std::move(out));
  return v;
}

bool operator==(const Value& a, const Value& b) {
  // Numbers compare numerically across Int and Float (JavaScript has one number type).
  const bool an = a.kind() == Value::Kind::Int || a.kind() == Value::Kind::Float;
  const bool bn = b.kind() == Value::Kind::Int || b.kind() == Value::Kind::Float;
  if (an && bn && a.kind() != b.kind()) {
    const double x = a.kind() == Value::Kind::Int ? static_cast<double>(a.as_int()) : a.as_float();
    const double y = b.kind() == Value::Kind::Int ? static_cast<double>(b.as_int()) : b.as_float();
    return x == y;
  }
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case Value::Kind::Undefined:
    case Value::Kind::Null: return true;
    case Value::Kind::Bool: return a.as_bool() == b.as_bool();
    case Value::Kind::Int: return a.as_int() == b.as_int();
    case Value::Kind::Float: return a.as_float() == b.as_float();
    case Value::Kind::BigInt: return a.as_bigint() == b.as_bigint();
    case Value::Kind::String: return a.as_string() == b.as_string();
    case Value::Kind::Binary: return a.as_binary() == b.as_binary();
    case Value::Kind::Array: return a.as_array() == b.as_array();
    case Value::Kind::Object: return objects_equal(a.as_object(), b.as_object());
  }
  return false;
}

}  // namespace crdtcore
