// parent_ref.h — an Item's parent in one word: the shared type whose list holds it, or,
// for a map entry, the (type, key) pair (Yjs Item.parent and Item.parentSub).
//
// Only map items have a key, so storing it in every Item would cost 8 bytes per item
// for the few that use it. Instead a map item points to a MapKey: the pair, interned
// once per document (DocImpl::parent_ref), and the pointer's low bit says which of the
// two it is. Both pointees live as long as the document.
#pragma once

#include <cstdint>
#include <string>

namespace crdtcore::detail {

struct Branch;

// A (type, key) pair of a document, interned (DocImpl::parent_ref): its address is
// stable. REQUIRES alignment of at least 2 (the low bit tags it in ParentRef).
struct MapKey {
  Branch* branch = nullptr;
  const std::string* key = nullptr;  // an interned key (DocImpl::intern)
};

class ParentRef {
 public:
  ParentRef() = default;
  explicit ParentRef(Branch* list_parent) : bits_(reinterpret_cast<uintptr_t>(list_parent)) {}
  explicit ParentRef(const MapKey* entry) : bits_(reinterpret_cast<uintptr_t>(entry) | kMapBit) {}

  // The type; null for none (a GC struct, or an item whose parent is gone).
  Branch* branch() const {
    if ((bits_ & kMapBit) == 0) return reinterpret_cast<Branch*>(bits_);
    return reinterpret_cast<const MapKey*>(bits_ & ~kMapBit)->branch;
  }
  // The interned map key; null for list items.
  const std::string* key() const {
    if ((bits_ & kMapBit) == 0) return nullptr;
    return reinterpret_cast<const MapKey*>(bits_ & ~kMapBit)->key;
  }
  bool operator==(const ParentRef& o) const { return bits_ == o.bits_; }
  bool operator!=(const ParentRef& o) const { return bits_ != o.bits_; }

 private:
  static constexpr uintptr_t kMapBit = 1;
  uintptr_t bits_ = 0;
};

}  // namespace crdtcore::detail
