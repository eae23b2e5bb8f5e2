// list.h — index-based access to the list part of a branch, shared by Array and
// Text (yjs src/types/AbstractType.js: typeListGet, typeListSlice,
// typeListInsertGenerics, typeListDelete, findMarker/updateMarkerChanges).
//
// Indices are in the document's offset unit (crdtcore/offset_kind.h: UTF-16 units, code
// points or UTF-8 bytes).
// Search markers cache (item, index) pairs so that edits near the last edit do not
// walk the list from its start.
#pragma once

#include <memory>
#include <vector>

#include "core/content.h"
#include "crdtcore/shared.h"
#include "crdtcore/value.h"

namespace crdtcore::detail {

struct Branch;
struct Item;
struct TxnState;
class DocImpl;

// Visible length of `item` in the document's unit (0 for deleted/uncountable).
uint64_t item_units(const Item* item);
// Converts an offset inside `item` from the document's unit to Yjs units. Throws
// OutOfRange when a UTF-8 offset falls inside a multi-byte character.
uint64_t to_yjs_offset(const DocImpl& doc, const Item* item, uint64_t offset);

struct Found {
  Item* item = nullptr;
  uint64_t start = 0;  // visible units before `item`
};
// The visible item containing unit `index`. REQUIRES: index < branch length.
Found find_visible(DocImpl& doc, Branch* b, uint64_t index, bool use_markers);
// The visible item that ends exactly at `index` (split when needed); null at 0.
Item* list_left_at(DocImpl& doc, TxnState& txn, Branch* b, uint64_t index, bool use_markers);
// Throws OutOfRange when `index` falls inside a multi-byte character (UTF-8 documents
// only; nothing to check in the other units). Editing calls that change the document
// before they reach the end of their range call it for that end first, so that a bad
// range changes nothing. REQUIRES: index <= b's length.
void check_char_boundary(DocImpl& doc, Branch* b, uint64_t index);
// Marker bookkeeping after a local insert (delta > 0) or delete (delta < 0) at index.
void shift_markers(Branch* b, uint64_t index, int64_t delta);

// Throws InvalidState when the branch was deleted.
void require_live(const Branch* b);

void list_insert_values(DocImpl& doc, TxnState& txn, Branch* b, uint64_t index,
                        const std::vector<Value>& values);
Branch* list_insert_type(DocImpl& doc, TxnState& txn, Branch* b, uint64_t index, TypeKind kind);
void list_delete(DocImpl& doc, TxnState& txn, Branch* b, uint64_t index, uint64_t len);

// Content for a value inserted by a local operation (Binary -> ContentBinary).
Content content_for_values(std::vector<Value> run);

}  // namespace crdtcore::detail
