// branch.cpp — Branch helpers (Yjs src/types/AbstractType.js: the parts shared by
// every type).
#include "core/branch.h"

#include "core/content.h"
#include "core/item.h"

namespace crdtcore::detail {

bool Branch::deleted() const { return gc_dead || (item != nullptr && item->deleted()); }

uint8_t type_ref_of(TypeKind k) {
  return k == TypeKind::Undefined ? kTypeArray : static_cast<uint8_t>(k);
}

TypeKind type_kind_of(uint8_t type_ref) {
  return type_ref <= kTypeMaxRef ? static_cast<TypeKind>(type_ref) : TypeKind::Undefined;
}

}  // namespace crdtcore::detail
