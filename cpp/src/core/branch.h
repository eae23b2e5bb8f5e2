// branch.h — Branch: the common body of every shared type (Yjs AbstractType):
// a list (start ... via right links) and a map (key -> rightmost item of the key's
// chain), the visible length, and a small cache of search markers.
//
// Lengths count visible countable list items: `length` in Yjs units (UTF-16) and
// `offset_length` in the document's offset unit (offset_kind.h; they differ only for
// text, and only for astral characters in code points or non-ASCII in UTF-8 bytes).
// Ownership: branches are owned by DocImpl and live as long as the document (a
// handle to a deleted type stays valid).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "crdtcore/shared.h"

namespace crdtcore::detail {

struct Item;

// (item, index): `index` = visible units (in the document's offset kind) before
// `item`. A marker whose item was deleted is dropped by the next search (list.cpp
// find_visible) before it is used; until then its index means nothing. How markers stay
// right across local and remote changes: core/search_marker.h.
struct SearchMarker {
  Item* item = nullptr;
  uint64_t index = 0;
  // Branch::marker_clock when last used (the least recent is replaced).
  uint64_t used : 63;
  // Placed by a remote change and not used by a search since: it follows that change's
  // peer (core/search_marker.h).
  uint64_t remote : 1;
};

// Callbacks registered on one type (crdtcore/events.h), in registration order.
struct BranchObservers {
  std::vector<std::pair<SubscriptionId, std::function<void(const Event&)>>> shallow;
  std::vector<std::pair<SubscriptionId, std::function<void(const std::vector<Event>&)>>> deep;
  bool empty() const { return shallow.empty() && deep.empty(); }
};

struct Branch {
  TypeKind kind = TypeKind::Undefined;
  std::string name;       // XmlElement node name / XmlHook name
  std::string root_name;  // roots only
  Item* item = nullptr;   // the item whose ContentType holds this type; null for roots
  bool is_root = false;
  bool gc_dead = false;         // its item was garbage-collected
  bool has_formatting = false;  // a ContentFormat was ever integrated (markers off)
  Item* start = nullptr;
  std::map<std::string_view, Item*> map;  // keys view interned strings
  // The keys of `map` in the order they first got a value (a JS Map's order: Yjs visits
  // a deleted type's entries in this order, which decides its delete set's order).
  std::vector<std::string_view> key_order;
  uint64_t length = 0;
  uint64_t offset_length = 0;
  std::vector<SearchMarker> markers;
  size_t last_marker = 0;     // position in `markers` of the one used last (may be stale)
  uint64_t marker_clock = 0;  // counts marker uses
  // Items that remote changes may still walk to find a marker (core/search_marker.h).
  uint64_t marker_walk_credit = 0;
  std::unique_ptr<BranchObservers> observers;  // null until something observes it

  bool deleted() const;
};

uint8_t type_ref_of(TypeKind k);
TypeKind type_kind_of(uint8_t type_ref);

}  // namespace crdtcore::detail
