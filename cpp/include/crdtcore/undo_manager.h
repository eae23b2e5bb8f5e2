// undo_manager.h — UndoManager: undo and redo of a user's own changes to some shared
// types, with Yjs's semantics (yjs src/utils/UndoManager.js, v13.6).
//
// What is tracked: every committed transaction that changed a type in the scope (or a
// type nested in one) and whose origin is tracked. Tracked origins are, by default, the
// null origin and the manager itself (origin()); include_origin()/exclude_origin() edit
// the set, and an origin filter (UndoOptions::origin_filter) may track more (the Python
// binding uses it to match Python origins by equality and by class).
//
// Stack items: each tracked transaction becomes a stack item holding what it inserted
// and what it deleted (two delete sets). A transaction that comes less than
// capture_timeout_ms after the previous tracked one (on the injected clock) is merged
// into the last stack item; stop_capturing() forces a new one. A new tracked change
// clears the redo stack. undo() pops the last undo item inside a transaction whose
// origin is the manager: it deletes what the item inserted (if still there) and
// re-creates what it deleted (copies of the deleted items, placed where they were;
// a deleted parent type is re-created first when it was deleted by the same item).
// That transaction is tracked too and becomes an item on the redo stack. Items that
// changed nothing are dropped and the next one is tried.
//
// Other users' content is never touched: undo deletes only the items the stack item
// inserted and re-creates only the items it deleted. Map values overwritten by
// someone else are not restored unless ignore_remote_map_changes.
//
// Deleted items a stack item refers to are kept (not garbage-collected) while the
// manager can undo or redo them; clear() releases them.
//
// Lifetime: the manager keeps its document alive. Destroying it stops tracking.
// Thread safety: as Doc (one thread at a time, the document's thread).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "crdtcore/delete_set.h"
#include "crdtcore/doc.h"
#include "crdtcore/id.h"
#include "crdtcore/shared.h"

namespace crdtcore {

namespace detail {
class UndoCore;
}

// The stack a stack item event is about (Yjs StackItemEvent.type).
enum class UndoStack : uint8_t { Undo, Redo };

// One entry of the undo or redo stack (Yjs StackItem, without meta: keep metadata in a
// map keyed by `id`, which is unique per manager and stable while the item exists).
struct StackItem {
  uint64_t id = 0;
  DeleteSet insertions;  // sorted and merged
  DeleteSet deletions;   // sorted and merged
};

// Stack-item events (Yjs 'stack-item-added', 'stack-item-updated', 'stack-item-popped').
// added/updated: `stack` is the stack the item is on (Redo while undoing), `origin`
// the tracked transaction's origin. popped: `stack` is Undo for undo(), Redo for
// redo(), `origin` the manager.
struct StackItemEvent {
  uint64_t stack_item = 0;
  UndoStack stack = UndoStack::Undo;
  Origin origin = nullptr;
};

// An item undo()/redo() is about to delete, shown to UndoOptions::delete_filter.
struct UndoItem {
  Id id;
  uint64_t length = 0;
  Shared parent;                   // the type it is in
  std::optional<std::string> key;  // its map key, none for list items
  std::optional<Shared> type;      // the nested type it holds, if any
};

struct UndoOptions {
  // Changes closer together than this (milliseconds) are undone together; 0 never merges.
  uint64_t capture_timeout_ms = 500;
  // Milliseconds now (Yjs time.getUnixTime). Default: the system clock. Called once
  // per tracked transaction.
  std::function<uint64_t()> clock;
  // Return false to keep an item undo()/redo() would delete (Yjs deleteFilter).
  std::function<bool(const UndoItem&)> delete_filter;
  // Tracks transactions whose origin is not in the tracked set when this returns true.
  std::function<bool(Origin)> origin_filter;
  // Undo/redo may overwrite map values that other users changed since (Yjs
  // ignoreRemoteMapChanges).
  bool ignore_remote_map_changes = false;
  // Track the null origin (Yjs's default trackedOrigins = {null}).
  bool track_null_origin = true;
};

class UndoManager {
 public:
  // A manager with an empty scope (add types with expand_scope) or with one type.
  // Throws InvalidState when `scope` is not an integrated type.
  explicit UndoManager(Doc& doc, UndoOptions options = {});
  explicit UndoManager(const Shared& scope, UndoOptions options = {});
  ~UndoManager();
  UndoManager(const UndoManager&) = delete;
  UndoManager& operator=(const UndoManager&) = delete;

  // Adds a type to the scope (Yjs addToScope). Throws InvalidState when it belongs to
  // another document or is not integrated.
  void expand_scope(const Shared& type);
  void include_origin(Origin origin);
  void exclude_origin(Origin origin);
  // This manager as a transaction origin (tracked unless excluded).
  Origin origin() const;

  // Undo / redo the last stack item that changes something; true when something
  // changed. Throws InvalidState inside an open transaction. Exceptions of the delete
  // filter propagate after the transaction committed.
  bool undo();
  bool redo();
  bool can_undo() const;
  bool can_redo() const;
  // The next tracked change starts a new stack item.
  void stop_capturing();
  // Empties the stacks and releases the items they kept (Yjs clear).
  void clear(bool undo_stack = true, bool redo_stack = true);

  std::vector<StackItem> undo_stack() const;
  std::vector<StackItem> redo_stack() const;
  size_t undo_stack_size() const;
  size_t redo_stack_size() const;

  enum class EventKind : uint8_t { Added, Updated, Popped };
  using EventId = uint64_t;
  // Callbacks run synchronously: added/updated while the tracked transaction commits,
  // popped after undo()/redo() committed. Exceptions of added/updated callbacks are
  // reported like observer exceptions (crdtcore/events.h ObserverErrors); popped ones
  // propagate from undo()/redo().
  EventId on(EventKind kind, std::function<void(const StackItemEvent&)> fn);
  bool off(EventId id);

 private:
  std::shared_ptr<detail::UndoCore> core_;
};

}  // namespace crdtcore
