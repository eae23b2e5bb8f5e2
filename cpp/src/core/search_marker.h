// search_marker.h — a list's search markers (core/branch.h SearchMarker: an item and the
// visible units before it) and how they stay right when an update changes the list.
// Counterpart of yjs src/types/AbstractType.js (ArraySearchMarker, markPosition,
// updateMarkerChanges), except for remote changes (below).
//
// Local edits know their index and shift the markers by it (types/list.h shift_markers).
// A change that an update makes (an item integrated, another peer's text appended to an
// item, a visible item deleted) knows its item, not its index. Yjs drops every marker of
// a type after a remote transaction (AbstractType._callObserver), so in a collaborative
// session, where local edits follow remote ones, every local edit walks the list from its
// start. Here the change is placed among the markers instead: walking left from it to the
// nearest visible item that a marker points at (Item::kMarker) finds that marker's index
// i; the markers right of the change are exactly those whose index is above i (markers
// sit on visible items, which are at least one unit long), and they move by the change.
// With no marked item on the way, the change is left of every marker.
//
// The walks are bounded by a credit (Branch::marker_walk_credit): each remote change adds
// kRemoteWalkCredit items to it, up to kMaxRemoteWalk, and its walk (deleted items count)
// spends what it walked. A walk that would overdraw it drops the branch's markers, as Yjs
// does, and then the changes cost nothing until a local edit makes a marker again. So a
// remote change walks kRemoteWalkCredit items on average, whatever the update (a whole
// document loaded into a branch with markers stays linear), while a walk of a few hundred
// items, as when another peer starts typing elsewhere, keeps the markers. A walk of
// kNewMarkerDistance items or more leaves a marker on the visible item nearest to the
// change (its index is the walk's sum), so the next keystroke of that peer finds a marker
// within a few items; a marker placed that way and not used by a local search since moves
// to the nearest visible item at every remote change that walks to it (it follows that
// peer's cursor, and the markers of local cursors stay where they are).
//
// Splits, merges and garbage collection move no visible unit, except a split or merge at a
// surrogate pair in a code-point or UTF-8 document (a cut pair counts as two characters);
// core/item.cpp drops the branch's markers then.
//
// Invariant (checked by tests/cpp/search_marker_test.cpp after random local and remote
// edits): a marker whose item is visible holds the visible units, in the document's offset
// unit, before its item. A marker whose item was deleted means nothing; the next search
// drops it (types/list.cpp find_visible). Every item a marker points at has kMarker set
// (the flag may stay after the marker moved on; cleanup's merges rely on it to move the
// markers of merged items).
//
// Thread safety: as the document (not thread-safe).
#pragma once

#include <cstddef>
#include <cstdint>

namespace crdtcore::detail {

struct Branch;
struct Item;

constexpr size_t kMaxMarkers = 16;          // per branch
constexpr size_t kNewMarkerDistance = 32;   // items walked before a new marker is made
constexpr uint64_t kRemoteWalkCredit = 64;  // items a remote change may walk, on average
constexpr uint64_t kMaxRemoteWalk = 4096;   // items walked from a remote change at most

// Adds the marker (item, index) to `b`, in place of the least recently used one when `b`
// has kMaxMarkers, marks `item` (kMarker) and counts it as used now; `remote`: placed by a
// remote change (SearchMarker::remote). Returns its position in b->markers.
// REQUIRES: item is visible in b's list, index = visible units before it.
size_t add_marker(Branch* b, Item* item, uint64_t index, bool remote);

// An update changed `b`'s list right after `left` (null: at its start): `delta` visible
// units (the document's offset unit) appeared (> 0) or went (< 0) there. Moves the markers
// right of the change, or drops them all when the walk to the nearest marked item on the
// left would overdraw the branch's credit (see above). REQUIRES: `left` is in b's list; the markers
// satisfied the invariant before the change, whose units `left` and the items left of it already
// show (integrated, appended or deleted).
void markers_after_remote_change(Branch* b, Item* left, int64_t delta);

}  // namespace crdtcore::detail
