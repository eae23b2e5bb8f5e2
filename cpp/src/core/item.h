// item.h — Item: one run of content inserted by one client (Yjs src/structs/Item.js),
// and GC structs (Yjs GC.js), which are Items flagged kGc.
//
// Invariants (after integration):
//   - id.clock .. id.clock + length() - 1 are this item's clocks; length >= 1.
//   - left/right link the items of one parent list (or one map key's chain).
//   - origin / right_origin are immutable: the neighbours at creation time.
//   - A GC struct has no parent and no links; its content is a ContentDeleted of its
//     length (the length of every Item follows from its content); it counts as deleted.
// Ownership: the StructStore owns every Item (in its ItemPool's slabs); all Item* are
// non-owning and valid until the item is merged into its left neighbour or replaced
// by a GC struct, both of which happen only in transaction cleanup.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "core/content.h"
#include "core/parent_ref.h"
#include "crdtcore/id.h"

namespace crdtcore::detail {

struct Branch;
struct TxnState;
class DocImpl;

struct Item {
  // Flags.
  static constexpr uint8_t kHasOrigin = 1;
  static constexpr uint8_t kHasRightOrigin = 2;
  static constexpr uint8_t kDeleted = 4;
  static constexpr uint8_t kKeep = 8;
  static constexpr uint8_t kCountable = 16;
  static constexpr uint8_t kMarker = 32;  // a search marker points here
  static constexpr uint8_t kGc = 64;
  // An UndoManager redid this item: StructStore's side table maps its id to the id of
  // the copy (Yjs Item.redone; kept out of Item so that items stay small).
  static constexpr uint8_t kRedone = 128;

  Item() = default;
  // Takes `c` as its content (constructed in place, not assigned after).
  explicit Item(Content&& c) : content(std::move(c)) {}

  Id id;
  Item* left = nullptr;
  Item* right = nullptr;
  Id origin;
  Id right_origin;
  // The type (and for map entries the key) it belongs to: parent() and parent_sub().
  ParentRef parent_ref;
  // Its length follows from it (length()); its spare byte holds the flags (flags()).
  Content content;

  // Items live in their document's ItemPool (core/item_pool.h), never alone on the
  // heap: plain new/delete do not compile (placement new is the pool's way in).
  static void* operator new(size_t) = delete;
  static void operator delete(void*) = delete;
  static void* operator new(size_t, void* slot) noexcept { return slot; }
  static void operator delete(void*, void*) noexcept {}

  Branch* parent() const { return parent_ref.branch(); }
  // The interned map key; null for list items.
  const std::string* parent_sub() const { return parent_ref.key(); }

  // Yjs units (UTF-16 for strings): the content's length. A GC struct's content is a
  // ContentDeleted of its length.
  uint64_t length() const { return content.length(); }
  // The k* constants above, kept in the content's spare byte (content.h).
  uint8_t flags() const { return content.spare(); }
  void set_flags(uint8_t f) { content.set_spare(f); }

  bool is_gc() const { return flags() & kGc; }
  bool deleted() const { return flags() & kDeleted; }
  bool countable() const { return flags() & kCountable; }
  bool keep() const { return flags() & kKeep; }
  bool has_redone() const { return flags() & kRedone; }
  bool has_origin() const { return flags() & kHasOrigin; }
  bool has_right_origin() const { return flags() & kHasRightOrigin; }
  bool visible() const { return (flags() & (kDeleted | kCountable)) == kCountable; }
  void set_flag(uint8_t f, bool on) {
    set_flags(static_cast<uint8_t>(on ? (flags() | f) : (flags() & ~f)));
  }
  Clock end() const { return id.clock + length(); }
  Id last_id() const { return Id{id.client, id.clock + length() - 1}; }
  bool is_format() const { return content_is<ContentFormat>(content); }
  // Length in the document's offset unit (== length for everything but strings).
  uint64_t offset_length() const {
    if (auto* s = content_if<ContentString>(content)) return s->offset_len;
    return length();
  }
};

// Splits `item` so that it keeps the first `diff` units; returns the new right part,
// which the store owns and which is recorded for merging at cleanup (Yjs splitItem).
// REQUIRES: 0 < diff < item->length, item is not GC, content splittable.
Item* split_item(DocImpl& doc, TxnState* txn, Item* item, uint64_t diff);

// Yjs Item.mergeWith, split in two: whether `right` can be appended to `left`
// (same kind, adjacent ids and links, same origins and deleted state, mergeable
// content), and the append itself. Neither frees `right` nor touches the store.
bool item_can_merge(const Item* left, const Item* right);
// REQUIRES: item_can_merge(left, right). `right`'s content is moved out. `kind`: the
// document's offset unit.
void item_merge(Item* left, Item* right, OffsetKind kind);

// Yjs keepItem: sets (or clears) kKeep on `item` and its ancestors' items, stopping at
// the first one that already has that value. Kept items are never garbage-collected.
void keep_item(Item* item, bool keep);

// Yjs Item.delete: marks deleted, updates the parent's length, records the range in
// the transaction's delete set, deletes the children of a type.
void item_delete(DocImpl& doc, TxnState& txn, Item* item);

}  // namespace crdtcore::detail
