// gc.cpp — garbage collection at the end of a transaction: deleted content becomes
// ContentDeleted, the children of deleted types become GC structs. Port of yjs
// src/utils/Transaction.js tryGcDeleteSet and src/structs/Item.js Item.gc /
// ContentType.gc; restated from yjs-format.md §6.5.
#include "txn/gc.h"

#include <memory>
#include <utility>
#include <variant>
#include <vector>

#include "core/branch.h"
#include "core/doc_state.h"
#include "core/item.h"
#include "core/struct_store.h"

namespace crdtcore::detail {

namespace {

// Replaces every struct of a garbage-collected type's subtree with a GC struct
// (Yjs ContentType.gc + Item.gc(store, true)). Iterative: nesting may be deep.
void gc_type_subtree(DocImpl& doc, Branch* root) {
  std::vector<Branch*> branches{root};
  std::vector<Item*> items;
  for (size_t i = 0; i < branches.size(); ++i) {
    Branch* b = branches[i];
    auto visit = [&](Item* it) {
      items.push_back(it);
      if (auto* ct = content_if<ContentType>(it->content); ct != nullptr && ct->branch != nullptr) {
        branches.push_back(ct->branch);
      }
    };
    for (Item* it = b->start; it != nullptr; it = it->right) visit(it);
    for (auto& kv : b->map) {
      for (Item* it = kv.second; it != nullptr; it = it->left) visit(it);
    }
  }
  for (Branch* b : branches) {
    b->start = nullptr;
    b->map.clear();
    b->key_order.clear();
    b->markers.clear();
    b->length = 0;
    b->offset_length = 0;
  }
  for (Item* it : items) {
    if (auto* ct = content_if<ContentType>(it->content); ct != nullptr && ct->branch != nullptr) {
      ct->branch->item = nullptr;
      ct->branch->gc_dead = true;
    }
    ItemList* list = doc.store.list(it->id.client);
    const size_t idx = StructStore::find_index(*list, it->id.clock);
    OwnedItem gc = doc.store.new_item();
    gc->id = it->id;
    gc->content = ContentDeleted{it->length()};
    gc->set_flags(Item::kGc | Item::kDeleted);
    doc.store.replace(*list, idx, std::move(gc));  // frees `it`
  }
}

// Yjs Item.gc(store, parentGCd = false): the item keeps its place, its content
// becomes ContentDeleted; a type's children are replaced by GC structs.
void gc_item(DocImpl& doc, Item* item) {
  if (auto* ct = content_if<ContentType>(item->content); ct != nullptr && ct->branch != nullptr) {
    gc_type_subtree(doc, ct->branch);
  }
  item->content = ContentDeleted{item->length()};
}

}  // namespace

void try_gc_delete_set(DocImpl& doc, const DeleteSet& ds) {
  for (const auto& [client, ranges] : ds.clients()) {
    ItemList* list = doc.store.list(client);
    if (list == nullptr || list->empty()) continue;
    for (size_t di = ranges.size(); di-- > 0;) {
      const DeleteRange& r = ranges[di];
      if (r.clock >= list->back()->end()) continue;
      for (size_t si = StructStore::find_index(*list, r.clock); si < list->size(); ++si) {
        Item* s = (*list)[si];
        if (s->id.clock >= r.end()) break;
        if (!s->is_gc() && s->deleted() && !s->keep() && !content_is<ContentDeleted>(s->content)) {
          gc_item(doc, s);
        }
      }
    }
  }
}

}  // namespace crdtcore::detail
