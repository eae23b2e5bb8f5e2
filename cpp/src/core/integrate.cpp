// integrate.cpp — YATA: placing an item among concurrent insertions.
// Port of yjs src/structs/Item.js#integrate (v13.6), restated from
// yjs-format.md §6.2.
//
// An item knows the two neighbours it was created between: `origin` (the last unit
// to its left) and `right_origin` (the first unit to its right). When other items
// were inserted between those neighbours concurrently, the conflict loop below
// decides where it goes, identically on every replica:
//
//   Scan the items o between left and right_origin, left to right.
//   - o has the same origin as x: the lower client id goes left. If o's client is
//     lower, x goes after o. Otherwise, if o also has the same right origin, x goes
//     before o and the scan ends; else keep scanning (o may still be passed by a
//     later item we must follow).
//   - o's origin lies among the items scanned so far (o was inserted after one of
//     them): o belongs to that item's subtree. If that item is not among the
//     "conflicting" ones (those scanned since x's position last moved), x goes
//     after o.
//   - otherwise o's origin lies left of x's origin: the scan ends.
//
// The lookup of o.origin must not split anything (a plain store lookup).
#include "core/integrate.h"

#include <unordered_set>

#include "core/branch.h"
#include "core/doc_state.h"
#include "core/struct_store.h"

namespace crdtcore::detail {

namespace {

bool same_origin(const Item* a, const Item* b) {
  if (a->has_origin() != b->has_origin()) return false;
  return !a->has_origin() || a->origin == b->origin;
}

bool same_right_origin(const Item* a, const Item* b) {
  if (a->has_right_origin() != b->has_right_origin()) return false;
  return !a->has_right_origin() || a->right_origin == b->right_origin;
}

Item* map_chain_head(Branch* parent, const std::string* key) {
  auto it = parent->map.find(*key);
  if (it == parent->map.end()) return nullptr;
  Item* o = it->second;
  while (o != nullptr && o->left != nullptr) o = o->left;
  return o;
}

// Resolves x->left among concurrent insertions (the conflict loop).
void resolve_conflicts(DocImpl& doc, Item* x) {
  Item* left = x->left;
  Item* o;
  if (left != nullptr) {
    o = left->right;
  } else if (x->parent_sub() != nullptr) {
    o = map_chain_head(x->parent(), x->parent_sub());
  } else {
    o = x->parent()->start;
  }
  std::unordered_set<const Item*> conflicting;
  std::unordered_set<const Item*> before_origin;
  while (o != nullptr && o != x->right) {
    before_origin.insert(o);
    conflicting.insert(o);
    if (same_origin(x, o)) {
      if (o->id.client < x->id.client) {
        left = o;
        conflicting.clear();
      } else if (same_right_origin(x, o)) {
        break;  // x goes before o
      }
    } else {
      const Item* oo = o->has_origin() ? doc.store.find(o->origin) : nullptr;
      if (oo != nullptr && before_origin.count(oo) != 0) {
        if (conflicting.count(oo) == 0) {
          left = o;
          conflicting.clear();
        }
      } else {
        break;
      }
    }
    o = o->right;
  }
  x->left = left;
}

void note_before_clock(DocImpl& doc, TxnState& txn, ClientId client) {
  if (txn.before_clocks.find(client) == txn.before_clocks.end()) {
    txn.set_before_clock(client, doc.store.state(client));
  }
}

}  // namespace

Item* integrate_item(DocImpl& doc, TxnState& txn, OwnedItem owned) {
  Item* x = owned.get();
  Branch* parent = x->parent();
  const bool gap_not_empty =
      (x->left == nullptr && (x->right == nullptr || x->right->left != nullptr)) ||
      (x->left != nullptr && x->left->right != x->right);
  if (gap_not_empty) resolve_conflicts(doc, x);

  // Link.
  if (x->left != nullptr) {
    x->right = x->left->right;
    x->left->right = x;
  } else {
    Item* r;
    if (x->parent_sub() != nullptr) {
      r = map_chain_head(parent, x->parent_sub());
    } else {
      r = parent->start;
      parent->start = x;
    }
    x->right = r;
  }
  bool delete_left = false;
  if (x->right != nullptr) {
    x->right->left = x;
  } else if (x->parent_sub() != nullptr) {
    auto [slot, inserted] = parent->map.try_emplace(*x->parent_sub(), x);
    if (inserted) {
      parent->key_order.push_back(slot->first);
    } else {
      slot->second = x;
    }
    delete_left = x->left != nullptr;
  }
  if (x->parent_sub() == nullptr && x->countable() && !x->deleted()) {
    parent->length += x->length();
    parent->offset_length += x->offset_length();
  }
  note_before_clock(doc, txn, x->id.client);
  doc.store.add(std::move(owned));
  if (delete_left) item_delete(doc, txn, x->left);  // the previous value of the key

  // Content integration.
  if (auto* ct = content_if<ContentType>(x->content)) {
    Branch* b = doc.new_branch(type_kind_of(ct->type_ref));
    b->name = ct->name;
    b->item = x;
    ct->branch = b;
  } else if (auto* cd = content_if<ContentDeleted>(x->content)) {
    txn.delete_set.add(x->id.client, x->id.clock, cd->len);
    x->set_flag(Item::kDeleted, true);
  } else if (x->is_format()) {
    parent->has_formatting = true;
    parent->markers.clear();
  }
  txn.note_changed(parent, x->parent_sub());
  if ((parent->item != nullptr && parent->item->deleted()) ||
      (x->parent_sub() != nullptr && x->right != nullptr)) {
    item_delete(doc, txn, x);
  }
  return x;
}

void integrate_gc(DocImpl& doc, const Id& id, uint64_t length) {
  OwnedItem gc = doc.store.new_item();
  gc->id = id;
  gc->content = ContentDeleted{length};
  gc->set_flags(Item::kGc | Item::kDeleted);
  if (doc.txn) note_before_clock(doc, *doc.txn, id.client);
  doc.store.add(std::move(gc));
}

Item* get_item_clean_start(DocImpl& doc, TxnState* txn, const Id& id) {
  ItemList* list = doc.store.list(id.client);
  const size_t idx = StructStore::find_index(*list, id.clock);
  Item* s = (*list)[idx];
  if (s->id.clock < id.clock && !s->is_gc()) {
    return split_item(doc, txn, s, id.clock - s->id.clock);
  }
  return s;
}

Item* get_item_clean_end(DocImpl& doc, TxnState* txn, const Id& id) {
  ItemList* list = doc.store.list(id.client);
  const size_t idx = StructStore::find_index(*list, id.clock);
  Item* s = (*list)[idx];
  if (id.clock != s->id.clock + s->length() - 1 && !s->is_gc()) {
    split_item(doc, txn, s, id.clock - s->id.clock + 1);
  }
  return s;
}

Item* insert_local(DocImpl& doc, TxnState& txn, Branch* parent, Item* left, Item* right,
                   const std::string* parent_sub, Content content) {
  OwnedItem item = doc.store.new_item();
  item->id = Id{doc.client_id, doc.next_clock()};
  item->left = left;
  item->right = right;
  uint8_t flags = content_countable(content) ? Item::kCountable : 0;
  if (left != nullptr) {
    item->origin = left->last_id();
    flags |= Item::kHasOrigin;
  }
  if (right != nullptr) {
    item->right_origin = right->id;
    flags |= Item::kHasRightOrigin;
  }
  item->set_flags(flags);
  item->parent_ref = parent_sub == nullptr ? ParentRef(parent) : doc.parent_ref(parent, parent_sub);
  item->content = std::move(content);
  return integrate_item(doc, txn, std::move(item));
}

}  // namespace crdtcore::detail
