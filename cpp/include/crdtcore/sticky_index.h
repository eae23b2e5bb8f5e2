// sticky_index.h — StickyIndex: a position in a Text or Array that stays with the same
// character when others edit the type (Yjs RelativePosition, yrs StickyIndex).
//
// A sticky index names the id of one unit of content (`item`: the unit after the
// position, or with Assoc::Before the unit before it) and/or its type (`root_name` for
// a root type, `type_id` for a nested type: the id of the item holding it). Without an
// item it is the start (Before) or the end (After) of the type. Like Yjs, a position
// made from a type has the type part and, unless it is at the start/end, the item;
// one decoded from bytes has only one part (the item when there is one).
//
// Units: indices are in the document's OffsetKind (doc.h); clocks in `item` count
// UTF-16 units, as in Yjs, so positions cross between Yjs and crdtcore unchanged.
//
// Compatibility: encode()/decode() are Yjs encodeRelativePosition /
// decodeRelativePosition byte for byte; to_json()/from_json() are
// relativePositionToJSON / createRelativePositionFromJSON. Resolution is Yjs
// createAbsolutePositionFromRelativePosition (without following undone deletions),
// except that a position inside a deleted type resolves to nothing.
//
// Thread safety: a StickyIndex is a plain value; resolving reads its document, which
// must not be written concurrently.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "crdtcore/bytes.h"
#include "crdtcore/id.h"
#include "crdtcore/shared.h"
#include "crdtcore/value.h"

namespace crdtcore {

class Doc;

// Which neighbour a position sticks to: After (Yjs assoc >= 0, the default) keeps the
// position before the unit that follows it; Before (assoc < 0) keeps it after the unit
// that precedes it.
enum class Assoc : int8_t { Before = -1, After = 0 };

class StickyIndex {
 public:
  // The position `index` of `sequence` (a Text or an Array; XmlText/XmlFragment/
  // XmlElement too), in the document's unit; index == length() is the end (Yjs
  // createRelativePositionFromTypeIndex). Does not change the document. Throws
  // TypeMismatch for a Map, InvalidState for a deleted or unintegrated type and
  // OutOfRange when index > length().
  static StickyIndex from_index(const Shared& sequence, uint64_t index, Assoc assoc = Assoc::After);

  // The parts (see the file comment); at least one is set.
  const std::optional<Id>& item() const { return item_; }
  const std::optional<std::string>& root_name() const { return root_name_; }
  const std::optional<Id>& type_id() const { return type_id_; }
  Assoc assoc() const { return assoc_ < 0 ? Assoc::Before : Assoc::After; }
  // Yjs's assoc number as stored (any integer; negative means Before).
  int64_t assoc_value() const { return assoc_; }

  struct Resolved {
    Shared type;
    uint64_t index = 0;  // in the document's unit
  };
  // The type and index this position names in `doc` now, or nullopt when the content
  // or type it names is unknown to `doc`, was garbage-collected with its type, lies in
  // a deleted type, or names a root that does not exist. A deleted unit resolves to
  // where it was (the count of visible units before it). Does not change `doc`.
  std::optional<Resolved> resolve(const Doc& doc) const;
  // The index in `sequence`, or nullopt when the position does not resolve (above) or
  // resolves into another type.
  std::optional<uint64_t> resolve_in(const Shared& sequence) const;

  // Yjs encodeRelativePosition.
  Bytes encode() const;
  // Yjs decodeRelativePosition; bytes after the assoc number are ignored, as in Yjs.
  // Throws DecodeError for truncated input or an unknown tag (Yjs would produce a
  // position that cannot resolve).
  static StickyIndex decode(const uint8_t* data, size_t size);
  static StickyIndex decode(const Bytes& data) { return decode(data.data(), data.size()); }

  // Yjs relativePositionToJSON: {"type"?: {client, clock}, "tname"?: string,
  // "item"?: {client, clock}, "assoc": number} (an empty tname is left out, as in Yjs).
  Value to_json() const;
  // Yjs createRelativePositionFromJSON, strict: `json` must be an object whose
  // item/type (when not null) are {client, clock} with integers in [0, 2^53-1], tname a
  // string and assoc (default 0) an integer in [-2^53+1, 2^53-1]; at least one of
  // item, tname, type must be given. Throws DecodeError otherwise.
  static StickyIndex from_json(const Value& json);

  friend bool operator==(const StickyIndex& a, const StickyIndex& b) {
    return a.item_ == b.item_ && a.root_name_ == b.root_name_ && a.type_id_ == b.type_id_ &&
           a.assoc_ == b.assoc_;
  }
  friend bool operator!=(const StickyIndex& a, const StickyIndex& b) { return !(a == b); }

  // Plain construction from parts (Yjs new RelativePosition). Throws InvalidState when
  // no part is given.
  static StickyIndex from_parts(std::optional<Id> item, std::optional<std::string> root_name,
                                std::optional<Id> type_id, int64_t assoc);

 private:
  StickyIndex() = default;
  std::optional<Id> item_;
  std::optional<std::string> root_name_;
  std::optional<Id> type_id_;
  int64_t assoc_ = 0;
};

}  // namespace crdtcore
