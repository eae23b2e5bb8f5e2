// cleanup.cpp — end-of-transaction cleanup: garbage collection (gc.cpp) and struct
// merging. Port of yjs src/utils/Transaction.js (cleanupTransactions: tryGcDeleteSet,
// tryMergeDeleteSet, the merge of new structs and of _mergeStructs) and
// src/utils/DeleteSet.js; restated from yjs-format.md §5.8 and §6.5.
//
// Merging decides the struct granularity of encodeStateAsUpdate; doing exactly what
// Yjs does, in the same order, is what makes our encodings byte-identical.
#include "txn/cleanup.h"

#include <algorithm>
#include <vector>

#include "core/branch.h"
#include "core/doc_state.h"
#include "core/item.h"
#include "core/struct_store.h"
#include "txn/gc.h"

namespace crdtcore::detail {

namespace {

void try_merge_delete_set(DocImpl& doc, const DeleteSet& ds) {
  for (const auto& [client, ranges] : ds.clients()) {
    ItemList* list = doc.store.list(client);
    if (list == nullptr || list->empty()) continue;
    for (size_t di = ranges.size(); di-- > 0;) {
      const DeleteRange& r = ranges[di];
      if (r.end() - 1 >= list->back()->end()) continue;
      int64_t si =
          std::min<int64_t>(static_cast<int64_t>(list->size()) - 1,
                            1 + static_cast<int64_t>(StructStore::find_index(*list, r.end() - 1)));
      while (si > 0 && (*list)[static_cast<size_t>(si)]->id.clock >= r.clock) {
        si -= 1 + static_cast<int64_t>(try_merge_with_lefts(doc, *list, static_cast<size_t>(si)));
      }
    }
  }
}

// A marker on `right` moves to `left` (whose visible length before the merge was
// `left_units` in the document's unit).
void fix_marker_after_merge(Item* left, Item* right, uint64_t left_units) {
  if (!(right->flags() & Item::kMarker) || right->parent() == nullptr) return;
  for (SearchMarker& m : right->parent()->markers) {
    if (m.item == right) {
      m.item = left;
      m.index -= left_units;
      left->set_flag(Item::kMarker, true);
    }
  }
}

}  // namespace

// Same result as Yjs's pairwise right-to-left merging, computed in linear time:
// whether two neighbours can merge does not change when either absorbs its own
// neighbours (ids, origins and links of the left side stay), so the run is found
// first and then appended left to right (Yjs's order would copy the growing run
// into every left neighbour).
size_t try_merge_with_lefts(DocImpl& doc, ItemList& list, size_t pos) {
  size_t first = pos;
  while (first > 0 && item_can_merge(list[first - 1], list[first])) --first;
  if (first == pos) return 0;
  Item* left = list[first];
  for (size_t k = first + 1; k <= pos; ++k) {
    Item* right = list[k];
    const uint64_t left_units = left->visible() ? left->offset_length() : 0;
    item_merge(left, right, doc.offset_kind());
    if (!right->is_gc()) {
      fix_marker_after_merge(left, right, left_units);
      if (right->parent_sub() != nullptr && right->parent() != nullptr) {
        auto it = right->parent()->map.find(*right->parent_sub());
        if (it != right->parent()->map.end() && it->second == right) it->second = left;
      }
    }
  }
  doc.store.erase_merged(list, first + 1, pos + 1);
  return pos - first;
}

namespace {

// Whether cleaning up `txn` would change nothing: it deleted nothing, split nothing, and no
// client's first new struct can merge with a left neighbour, because each client's newest
// struct started before the transaction (text appended to it: core/local_append.h) or the
// client has no struct. Typing is mostly such transactions.
bool nothing_to_clean(DocImpl& doc, const TxnState& txn) {
  if (!txn.delete_set.clients().empty() || !txn.merge_structs.empty()) return false;
  for (const auto& [client, before] : txn.before_clocks) {
    const ItemList* list = doc.store.list(client);
    if (list != nullptr && !list->empty() && list->back()->id.clock >= before) return false;
  }
  return true;
}

// The clean-up proper (out of line: the common transaction that needs none does not pay
// for its frame).
[[gnu::noinline]] void cleanup_structs(DocImpl& doc, TxnState& txn) {
  if (!txn.delete_set.empty()) {  // most transactions delete nothing
    txn.delete_set.sort_and_merge();
    if (doc.options.gc) try_gc_delete_set(doc, txn.delete_set);
    try_merge_delete_set(doc, txn.delete_set);
  }
  for (const auto& [client, before] : txn.before_clocks) {
    ItemList* list = doc.store.list(client);
    if (list == nullptr || list->empty()) continue;
    const Item* last = list->back();
    if (before == last->end()) continue;
    // Usually the newest struct holds `before` (typing: one new or appended struct), which
    // is find_index()'s first guess; the call is saved.
    size_t first_new =
        before >= last->id.clock ? list->size() - 1 : StructStore::find_index(*list, before);
    // A struct that starts before `before` had text appended to it in this transaction
    // (core/local_append.h): its pair with its left neighbour predates the transaction and
    // Yjs never tries it; its own appended part is Yjs's first new struct, already merged.
    if ((*list)[first_new]->id.clock < before) ++first_new;
    const int64_t first = std::max<int64_t>(static_cast<int64_t>(first_new), 1);
    for (int64_t i = static_cast<int64_t>(list->size()) - 1; i >= first;) {
      i -= 1 + static_cast<int64_t>(try_merge_with_lefts(doc, *list, static_cast<size_t>(i)));
    }
  }
  for (size_t k = txn.merge_structs.size(); k-- > 0;) {
    const Id id = txn.merge_structs[k];
    ItemList* list = doc.store.list(id.client);
    if (list == nullptr || list->empty() || id.clock >= list->back()->end()) continue;
    const size_t pos = StructStore::find_index(*list, id.clock);
    if (pos + 1 < list->size()) {
      if (try_merge_with_lefts(doc, *list, pos + 1) > 1) continue;
    }
    if (pos > 0) try_merge_with_lefts(doc, *list, pos);
  }
}

}  // namespace

void cleanup_transaction(DocImpl& doc, TxnState& txn) {
  if (!nothing_to_clean(doc, txn)) cleanup_structs(doc, txn);
}

}  // namespace crdtcore::detail
