// shared.h — handles to shared types (Text, Array, Map) and the Out value that an
// Array or Map element reads as.
//
// A handle holds a shared_ptr to the document's core, so a handle keeps its
// document alive; the shared type itself is owned by the document. Handles are
// cheap to copy. A handle to a type that was deleted (by a local or remote
// deletion of its parent entry) stays valid but reads as empty and throws
// InvalidState on writes.
//
// Thread safety: like Doc, not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "crdtcore/value.h"

namespace crdtcore {

namespace detail {
struct Branch;
class DocImpl;
struct Access;
}  // namespace detail

class Text;
class Array;
class Map;
struct Event;  // crdtcore/events.h

// Identifies a callback registered with Shared::observe / observe_deep.
using SubscriptionId = uint64_t;

// The kind of a shared type; Undefined for a root that arrived over the wire and was
// never asked for by name (Yjs's AbstractType placeholder).
enum class TypeKind : uint8_t {
  Array = 0,
  Map = 1,
  Text = 2,
  XmlElement = 3,
  XmlFragment = 4,
  XmlHook = 5,
  XmlText = 6,
  Undefined = 255
};

class Shared {
 public:
  Shared() = default;
  TypeKind kind() const;
  bool valid() const { return branch_ != nullptr; }
  // True once the entry holding this type was deleted.
  bool is_deleted() const;
  // Same shared type (not just equal content).
  bool same(const Shared& other) const { return branch_ == other.branch_; }
  uintptr_t identity() const { return reinterpret_cast<uintptr_t>(branch_); }
  // The whole content as plain values: Text -> String, Array -> Array, Map -> Object,
  // nested types converted recursively (Yjs toJSON, but ints stay Int). Throws
  // InvalidState for types nested more than 1000 levels deep.
  Value to_value() const;
  // Conversions. Throw TypeMismatch when kind() differs.
  Text as_text() const;
  Array as_array() const;
  Map as_map() const;

  // Type-level events (crdtcore/events.h): `fn` runs during each commit that changed
  // this type, with its event; observe_deep's `fn` runs when this type or any type
  // below it changed, with their events (shallowest first). Ids are unique per
  // document. Throws InvalidState when the handle is not bound to a type.
  SubscriptionId observe(std::function<void(const Event&)> fn);
  SubscriptionId observe_deep(std::function<void(const std::vector<Event>&)> fn);
  // Removes a callback of this type; false when `id` is not one of them.
  bool unobserve(SubscriptionId id);

 protected:
  Shared(std::shared_ptr<detail::DocImpl> doc, detail::Branch* branch)
      : doc_(std::move(doc)), branch_(branch) {}
  std::shared_ptr<detail::DocImpl> doc_;
  detail::Branch* branch_ = nullptr;
  friend class detail::DocImpl;
  friend struct detail::Access;
  friend class Doc;
};

// An element of an Array or a Map value: either a plain Value or a nested shared type.
class Out {
 public:
  Out() = default;
  explicit Out(Value v) : value_(std::move(v)) {}
  explicit Out(Shared s) : shared_(std::move(s)), is_shared_(true) {}
  bool is_shared() const { return is_shared_; }
  const Value& value() const { return value_; }
  const Shared& shared() const { return shared_; }

 private:
  Value value_;
  Shared shared_;
  bool is_shared_ = false;
};

}  // namespace crdtcore
