// doc_decoder.cpp — applying a v1 update to a document.
// Port of yjs src/utils/encoding.js (readUpdateV2, integrateStructs,
// readAndApplyDeleteSet) and src/structs/Item.js#getMissing; restated from
// yjs-format.md §5.4 and §6.1.
//
// The update is decoded and validated completely before the document is touched,
// so malformed bytes leave it unchanged. Structs then wait in per-client queues
// (DocImpl::pending_structs, ordered by clock) until their dependencies exist:
// the client's own earlier clocks, and the origin, right origin and parent of
// items. Every call drains whatever became integrable, clients in descending order
// as Yjs does. Delete ranges for content we do not have yet wait in pending_ds and
// are retried on every update. Integration is therefore independent of delivery
// order, and duplicates are ignored (or trimmed when they overlap).
#include <optional>
#include <utility>

#include "core/branch.h"
#include "core/doc_impl.h"
#include "core/integrate.h"
#include "core/item.h"
#include "encoding/doc_codec.h"
#include "encoding/struct_codec.h"

namespace crdtcore::detail {

namespace {

bool is_missing(const DocImpl& doc, ClientId own, const Id& ref) {
  return ref.client != own && ref.clock >= doc.store.state(ref.client);
}

// Yjs getMissing, dependency part.
bool has_missing_dependency(const DocImpl& doc, const DecodedStruct& s) {
  if (s.kind != DecodedStruct::Kind::Item) return false;
  const ClientId own = s.id.client;
  if (s.has_origin && is_missing(doc, own, s.origin)) return true;
  if (s.has_right_origin && is_missing(doc, own, s.right_origin)) return true;
  if (s.parent_kind == DecodedStruct::ParentKind::Id && is_missing(doc, own, s.parent_id)) return true;
  return false;
}

// Resolves pointers (Yjs getMissing, second part, plus integrate's offset handling)
// and integrates the struct, or a GC struct when its parent is gone.
void integrate_decoded(DocImpl& doc, TxnState& txn, DecodedStruct& s, uint64_t offset) {
  if (s.kind == DecodedStruct::Kind::GC) {
    integrate_gc(doc, Id{s.id.client, s.id.clock + offset}, s.length - offset);
    return;
  }
  Item* left = s.has_origin ? get_item_clean_end(doc, &txn, s.origin) : nullptr;
  Item* right = s.has_right_origin ? get_item_clean_start(doc, &txn, s.right_origin) : nullptr;
  Branch* parent = nullptr;
  const std::string* parent_sub = nullptr;
  if ((left != nullptr && left->is_gc()) || (right != nullptr && right->is_gc())) {
    parent = nullptr;
  } else if (s.parent_kind == DecodedStruct::ParentKind::None) {
    if (left != nullptr) {
      parent = left->parent;
      parent_sub = left->parent_sub;
    } else if (right != nullptr) {
      parent = right->parent;
      parent_sub = right->parent_sub;
    }
  } else if (s.parent_kind == DecodedStruct::ParentKind::Root) {
    parent = doc.root(s.parent_name, TypeKind::Undefined);
    if (s.has_parent_sub) parent_sub = doc.intern(s.parent_sub);
  } else {
    Item* parent_item = doc.store.find(s.parent_id);
    if (parent_item != nullptr && !parent_item->is_gc()) {
      if (auto* ct = std::get_if<ContentType>(&parent_item->content)) parent = ct->branch;
    }
    if (parent != nullptr && s.has_parent_sub) parent_sub = doc.intern(s.parent_sub);
  }
  if (parent != nullptr && parent->gc_dead) parent = nullptr;

  Id id = s.id;
  uint64_t length = s.length;
  bool has_origin = s.has_origin;
  Id origin = left != nullptr ? left->last_id() : s.origin;
  if (offset > 0) {
    id.clock += offset;
    left = get_item_clean_end(doc, &txn, Id{id.client, id.clock - 1});
    origin = left->last_id();
    has_origin = true;
    s.content = content_splice(s.content, offset);
    length -= offset;
  }
  if (parent == nullptr) {
    integrate_gc(doc, id, length);
    return;
  }
  auto item = std::make_unique<Item>();
  item->id = id;
  item->length = length;
  item->left = left;
  item->right = right;
  item->origin = origin;
  item->right_origin = right != nullptr ? right->id : s.right_origin;
  item->parent = parent;
  item->parent_sub = parent_sub;
  uint8_t flags = content_countable(s.content) ? Item::kCountable : 0;
  if (has_origin) flags |= Item::kHasOrigin;
  if (s.has_right_origin) flags |= Item::kHasRightOrigin;
  item->flags = flags;
  item->content = std::move(s.content);
  integrate_item(doc, txn, std::move(item));
}

// Integrates every pending struct whose dependencies are met, until none is.
void drain_pending(DocImpl& doc, TxnState& txn) {
  bool progress = true;
  while (progress) {
    progress = false;
    for (auto cit = doc.pending_structs.rbegin(); cit != doc.pending_structs.rend(); ++cit) {
      const ClientId client = cit->first;
      auto& queue = cit->second;
      while (!queue.empty()) {
        auto qi = queue.begin();
        DecodedStruct& s = qi->second;
        const Clock state = doc.store.state(client);
        if (s.id.clock > state) break;  // an earlier clock of this client is missing
        if (s.end() <= state) {         // duplicate
          queue.erase(qi);
          continue;
        }
        if (has_missing_dependency(doc, s)) break;
        DecodedStruct taken = std::move(s);
        queue.erase(qi);
        integrate_decoded(doc, txn, taken, state - taken.id.clock);
        progress = true;
      }
    }
  }
  for (auto it = doc.pending_structs.begin(); it != doc.pending_structs.end();) {
    it = it->second.empty() ? doc.pending_structs.erase(it) : std::next(it);
  }
}

// Yjs readAndApplyDeleteSet: deletes what we have, returns what we do not.
DeleteSet apply_delete_set(DocImpl& doc, TxnState& txn, const DeleteSet& ds) {
  DeleteSet unapplied;
  for (const auto& [client, ranges] : ds.clients()) {
    const Clock state = doc.store.state(client);
    ItemList* list = doc.store.list(client);
    for (const DeleteRange& r : ranges) {
      if (r.len == 0) continue;
      const Clock end = r.end();
      if (r.clock >= state) {
        unapplied.add(client, r.clock, r.len);
        continue;
      }
      if (state < end) unapplied.add(client, state, end - state);
      size_t idx = StructStore::find_index(*list, r.clock);
      Item* s = (*list)[idx];
      if (!s->deleted() && s->id.clock < r.clock) {
        split_item(doc, &txn, s, r.clock - s->id.clock);
        ++idx;
      }
      while (idx < list->size()) {
        s = (*list)[idx++];
        if (s->id.clock >= end) break;
        if (!s->deleted()) {
          if (end < s->end()) split_item(doc, &txn, s, end - s->id.clock);
          item_delete(doc, txn, s);
        }
      }
    }
  }
  return unapplied;
}

}  // namespace

void apply_doc_update(DocImpl& doc, const Bytes& update) {
  DecodedUpdate decoded = read_update_v1(update);  // throws before any change
  AutoTxn at(doc);
  TxnState& txn = at.t();
  txn.local = false;
  ++doc.marker_epoch;
  for (auto& [client, structs] : decoded.clients) {
    for (DecodedStruct& s : structs) {
      if (s.kind == DecodedStruct::Kind::Skip) continue;
      if (s.end() <= doc.store.state(client)) continue;  // already known
      auto& queue = doc.pending_structs[client];
      auto it = queue.find(s.id.clock);
      if (it == queue.end()) {
        queue.emplace(s.id.clock, std::move(s));
      } else if (it->second.length < s.length) {
        it->second = std::move(s);
      }
    }
  }
  drain_pending(doc, txn);
  DeleteSet still_pending = apply_delete_set(doc, txn, decoded.ds);
  if (!doc.pending_ds.empty()) {
    DeleteSet old = std::move(doc.pending_ds);
    doc.pending_ds = DeleteSet();
    still_pending.merge_from(apply_delete_set(doc, txn, old));
  }
  still_pending.sort_and_merge();
  doc.pending_ds = std::move(still_pending);
  at.done();
}

}  // namespace crdtcore::detail
