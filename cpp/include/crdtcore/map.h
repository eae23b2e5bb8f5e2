// map.h — Map: a collaborative string-keyed map (Yjs YMap).
//
// Concurrent writes to one key resolve as Yjs does: the higher client id wins.
// Keys iterate in ascending (byte-wise) order. Each call runs in the document's open
// transaction, or in one of its own; InvalidState once the map is deleted.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "crdtcore/shared.h"

namespace crdtcore {

class Map : public Shared {
 public:
  Map() = default;

  uint64_t size() const;
  bool contains(const std::string& key) const;
  std::optional<Out> get(const std::string& key) const;
  std::vector<std::string> keys() const;
  std::vector<std::pair<std::string, Out>> entries() const;

  // Sets a value (Binary becomes a binary item; everything else one Any item).
  void set(const std::string& key, const Value& value);
  // Sets a new, empty shared type and returns it.
  Shared set_type(const std::string& key, TypeKind kind);
  // Removes a key; returns false when it was absent.
  bool remove(const std::string& key);

 private:
  using Shared::Shared;
  friend class Shared;
  friend class Doc;
  friend class detail::DocImpl;
  friend struct detail::Access;
};

}  // namespace crdtcore
