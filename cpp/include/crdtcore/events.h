// events.h — type-level events (Yjs YEvent, YTextEvent, YArrayEvent, YMapEvent):
// what one committed transaction changed in one shared type, handed to the callbacks
// registered with Shared::observe / observe_deep.
//
// When: during the commit, after the transaction's changes are applied and before
// garbage collection and the Doc's observers (Yjs cleanupTransactions): first each
// changed type's own observers (types in the order they were first changed), then
// for each type with deep observers (itself or a descendant changed), its deep
// observers with the list of events below it, shallowest first; then Doc::observe.
// Types created in the transaction get no event of their own (their parent's event
// reports their insertion); deleted types get none.
//
// Units: delta lengths and path indices count in the document's OffsetKind (code
// points or UTF-16 units), as every other index of the API.
//
// Exceptions thrown by callbacks are collected; after the whole commit, the commit
// throws ObserverErrors holding all of them (the document is fully committed).
#pragma once

#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "crdtcore/doc.h"
#include "crdtcore/error.h"
#include "crdtcore/shared.h"
#include "crdtcore/text.h"
#include "crdtcore/value.h"

namespace crdtcore {

namespace detail {
struct EventDelta;  // api/events.cpp
}  // namespace detail

// One step of an event's path: a map key or a list index.
struct PathSegment {
  bool is_key = false;
  std::string key;     // is_key
  uint64_t index = 0;  // !is_key
};

// One operation of a Quill delta (Yjs event.delta).
struct DeltaOp {
  enum class Kind : uint8_t { Insert, Delete, Retain };
  Kind kind = Kind::Retain;
  uint64_t len = 0;  // Delete, Retain: units
  // Insert: text (UTF-8) when `values` is empty, otherwise the inserted elements
  // (Array: the values and nested types; Text: one embed or one nested type).
  std::string text;
  std::vector<Out> values;
  // Text only: Insert: the attributes in effect; Retain: attribute changes (Null
  // value: removed). Empty when there are none (Yjs omits the field).
  Attributes attributes;

  bool is_text_insert() const { return kind == Kind::Insert && values.empty(); }
};

// The ids of one Yjs Item: `len` clocks from `id`.
struct ItemRange {
  Id id;
  uint64_t len = 0;
  friend bool operator==(const ItemRange& a, const ItemRange& b) {
    return a.id == b.id && a.len == b.len;
  }
};

// How one map key changed (Yjs event.keys entry, plus the new value as yrs gives it).
struct KeyChange {
  enum class Action : uint8_t { Add, Update, Delete };
  Action action = Action::Add;
  Out old_value;  // Update, Delete
  Out new_value;  // Add, Update
};

struct Event {
  Shared target;          // the type that changed
  Shared current_target;  // the observed type (== target for observe)
  // From current_target down to target (empty for observe).
  std::vector<PathSegment> path;
  Origin origin = nullptr;  // the transaction's origin
  bool local = true;        // false when the transaction applied a remote update
  // Map keys that changed (every type's keyed content; Map events mainly).
  std::vector<std::pair<std::string, KeyChange>> keys;

  // Text and Array: the change as a delta (trailing plain retains dropped). Computed on
  // the first call, like Yjs's lazy event.delta (it walks the whole type): call it
  // inside the callback, or keep a copy of the Event, whose delta the commit computes
  // before it cleans up. Copies share one delta. For a Text it may delete redundant
  // format items, in a transaction of its own, as Yjs does.
  const std::vector<DeltaOp>& delta() const;
  // Yjs event.changes.added / .deleted: the items of the target's list that this
  // transaction inserted and did not delete / deleted and had not inserted, in document
  // order (ids in Yjs units: UTF-16 for strings). Computed together with delta(), with
  // the same laziness. As in Yjs, always empty for a Text (YTextEvent reports its
  // changes as the delta only) and for keyed content (see `keys`).
  const std::vector<ItemRange>& added() const;
  const std::vector<ItemRange>& deleted() const;

  std::shared_ptr<detail::EventDelta> delta_state;  // internal
};

// Several observer callbacks threw during one commit; each exception in call order.
class ObserverErrors : public Error {
 public:
  explicit ObserverErrors(std::vector<std::exception_ptr> errors)
      : Error("observer callbacks raised"), errors_(std::move(errors)) {}
  const std::vector<std::exception_ptr>& errors() const { return errors_; }

 private:
  std::vector<std::exception_ptr> errors_;
};

}  // namespace crdtcore
