// integrate.h — placing items into the document (YATA; see integrate.cpp).
#pragma once

#include "core/item.h"
#include "core/item_pool.h"

namespace crdtcore::detail {

class DocImpl;
struct TxnState;

// Integrates `item` whose left/right/origin/right_origin/parent_ref are
// resolved (Yjs Item.integrate with offset 0, after getMissing): conflict
// resolution, linking, length bookkeeping, the store, content integration, and the
// deletion of map losers / items in deleted parents. Returns the integrated item.
// `item` comes from doc.store.new_item(); if this throws before the store took it, it
// goes back to the pool.
Item* integrate_item(DocImpl& doc, TxnState& txn, OwnedItem item);

// Appends a GC struct covering [id, id + length).
void integrate_gc(DocImpl& doc, const Id& id, uint64_t length);

// Yjs getItemCleanStart / getItemCleanEnd: the struct containing `id`, split so that
// it starts (ends) exactly at `id`. GC structs are never split.
// REQUIRES: the store has `id`.
Item* get_item_clean_start(DocImpl& doc, TxnState* txn, const Id& id);
Item* get_item_clean_end(DocImpl& doc, TxnState* txn, const Id& id);

// Creates a local item (id = next clock of the document's client) between left and
// right with the given content, and integrates it (Yjs `new Item(...).integrate`).
Item* insert_local(DocImpl& doc, TxnState& txn, Branch* parent, Item* left, Item* right,
                   const std::string* parent_sub, Content content);

}  // namespace crdtcore::detail
