// array.h — Array: a collaborative list of values and nested shared types (Yjs YArray).
//
// Indices count elements. Each call runs in the document's open transaction, or in
// one of its own. OutOfRange for bad indices; InvalidState once the array is deleted;
// TypeMismatch for values Yjs cannot store in a list (Undefined, BigInt).
#pragma once

#include <vector>

#include "crdtcore/shared.h"

namespace crdtcore {

class Array : public Shared {
 public:
  Array() = default;

  uint64_t length() const;
  Out get(uint64_t index) const;
  // Elements [start, end). REQUIRES start <= end <= length().
  std::vector<Out> slice(uint64_t start, uint64_t end) const;

  // Inserts values at `index` (consecutive JSON-like values share one item; Binary
  // values get items of their own), as Yjs's insert does.
  void insert(uint64_t index, const std::vector<Value>& values);
  // Inserts a new, empty shared type at `index` and returns it.
  Shared insert_type(uint64_t index, TypeKind kind);
  void remove_range(uint64_t index, uint64_t len);

 private:
  using Shared::Shared;
  friend class Shared;
  friend class Doc;
  friend class detail::DocImpl;
  friend struct detail::Access;
};

}  // namespace crdtcore
