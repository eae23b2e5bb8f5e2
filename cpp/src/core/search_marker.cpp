// search_marker.cpp — see search_marker.h.
#include "core/search_marker.h"

#include <algorithm>

#include "core/branch.h"
#include "core/item.h"

namespace crdtcore::detail {

namespace {

uint64_t visible_units(const Item* item) { return item->visible() ? item->offset_length() : 0; }

SearchMarker* marker_on(Branch* b, const Item* item) {
  for (SearchMarker& m : b->markers) {
    if (m.item == item) return &m;
  }
  return nullptr;
}

}  // namespace

size_t add_marker(Branch* b, Item* item, uint64_t index, bool remote) {
  const SearchMarker m{item, index, ++b->marker_clock, remote};
  item->set_flag(Item::kMarker, true);
  if (b->markers.size() < kMaxMarkers) {
    b->markers.push_back(m);
    return b->markers.size() - 1;
  }
  size_t victim = 0;
  for (size_t i = 1; i < b->markers.size(); ++i) {
    if (b->markers[i].used < b->markers[victim].used) victim = i;
  }
  b->markers[victim] = m;
  return victim;
}

void markers_after_remote_change(Branch* b, Item* left, int64_t delta) {
  if (b->markers.empty() || delta == 0) return;
  // Walk left to the nearest visible marked item; `passed` sums the visible units walked
  // over (between that item and the change), `nearest` is the first visible one of them.
  SearchMarker* anchor = nullptr;
  uint64_t passed = 0;
  Item* nearest = nullptr;
  uint64_t passed_at_nearest = 0;  // `passed` once `nearest` was counted
  size_t steps = 0;
  b->marker_walk_credit =
      std::min<uint64_t>(b->marker_walk_credit + kRemoteWalkCredit, kMaxRemoteWalk);
  for (Item* p = left; p != nullptr; p = p->left, ++steps) {
    if (steps == b->marker_walk_credit) {
      b->markers.clear();
      b->marker_walk_credit = 0;
      return;
    }
    const uint64_t u = visible_units(p);
    if (u == 0) continue;
    if ((p->flags() & Item::kMarker) != 0) {
      anchor = marker_on(b, p);
      if (anchor != nullptr) break;
      p->set_flag(Item::kMarker, false);  // its marker moved on
    }
    passed += u;
    if (nearest == nullptr) {
      nearest = p;
      passed_at_nearest = passed;
    }
  }
  b->marker_walk_credit -= steps;
  // Markers right of the change: every one when nothing marked is left of it.
  const bool all = anchor == nullptr;
  const uint64_t anchor_index = all ? 0 : anchor->index;
  const uint64_t start = all ? 0 : anchor->index + visible_units(anchor->item);
  for (SearchMarker& m : b->markers) {
    if (!all && m.index <= anchor_index) continue;
    // A marker on an item deleted meanwhile may wrap around: it is never read.
    m.index += static_cast<uint64_t>(delta);
  }
  if (nearest == nullptr) return;
  const uint64_t nearest_index = start + (passed - passed_at_nearest);
  if (anchor != nullptr && anchor->remote) {
    anchor->item = nearest;  // follows the remote cursor
    anchor->index = nearest_index;
    anchor->used = ++b->marker_clock;
    nearest->set_flag(Item::kMarker, true);
  } else if (steps >= kNewMarkerDistance) {
    add_marker(b, nearest, nearest_index, /*remote=*/true);
  }
}

}  // namespace crdtcore::detail
