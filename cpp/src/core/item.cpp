// item.cpp — splitting, merging and deleting items.
// Port of yjs src/structs/Item.js (splitItem, Item.mergeWith, Item.delete) and
// src/structs/ContentType.js (delete).
#include "core/item.h"

#include <string_view>
#include <vector>

#include "core/branch.h"
#include "core/doc_state.h"
#include "core/struct_store.h"

namespace crdtcore::detail {

Item* split_item(DocImpl& doc, TxnState* txn, Item* item, uint64_t diff) {
  if (item->is_gc() || diff == 0 || diff >= item->length() || !content_splittable(item->content)) {
    return item;
  }
  OwnedItem right = doc.store.new_item();
  Item* r = right.get();
  r->id = Id{item->id.client, item->id.clock + diff};
  r->left = item;
  r->origin = Id{item->id.client, item->id.clock + diff - 1};
  r->right = item->right;
  r->right_origin = item->right_origin;
  r->parent_ref = item->parent_ref;
  const uint64_t old_units = item->offset_length();
  r->content = content_splice(item->content, diff, doc.options.offset_kind);
  r->set_flags(static_cast<uint8_t>(
      Item::kHasOrigin |
      (item->flags() & (Item::kHasRightOrigin | Item::kDeleted | Item::kKeep | Item::kCountable))));
  // Yjs splitItem: the right part was redone as the same offset of the copy.
  if (item->has_redone()) {
    if (const Id* redone = doc.store.redone(item)) {
      doc.store.set_redone(r, Id{redone->client, redone->clock + diff});
    }
  }
  // A cut inside a surrogate pair turns one character into two U+FFFD (the search
  // markers right of it would be off by one: dropped).
  if (item->visible() && item->parent_sub() == nullptr && item->parent() != nullptr) {
    const uint64_t units = item->offset_length() + r->offset_length();
    if (units != old_units) {
      item->parent()->offset_length += units - old_units;
      item->parent()->markers.clear();
    }
  }
  item->right = r;
  if (r->right != nullptr) r->right->left = r;
  if (r->parent_sub() != nullptr && r->right == nullptr && r->parent() != nullptr) {
    r->parent()->map[*r->parent_sub()] = r;
  }
  ItemList* list = doc.store.list(item->id.client);
  const size_t pos = StructStore::find_index(*list, item->id.clock);
  doc.store.insert_split(*list, pos, std::move(right));
  if (txn != nullptr) txn->merge_structs.push_back(r->id);
  return r;
}

static bool same_opt_id(bool has_a, const Id& a, bool has_b, const Id& b) {
  return has_a == has_b && (!has_a || a == b);
}

bool item_can_merge(const Item* left, const Item* right) {
  if (left->deleted() != right->deleted()) return false;
  if ((left->flags() | right->flags()) & Item::kRedone) return false;  // Yjs: redone === null
  if (left->is_gc() || right->is_gc()) return left->is_gc() && right->is_gc();
  if (!right->has_origin() || right->origin != left->last_id()) return false;
  if (left->right != right) return false;
  if (!same_opt_id(left->has_right_origin(), left->right_origin, right->has_right_origin(),
                   right->right_origin)) {
    return false;
  }
  if (left->id.client != right->id.client || left->end() != right->id.clock) return false;
  if (left->content.ref() != right->content.ref()) return false;
  // A string's lengths are 32-bit (text_buf.h): a run that would outgrow them stays two.
  if (const auto* s = content_if<ContentString>(left->content);
      s != nullptr && !strings_fit_together(*s, content_get<ContentString>(right->content))) {
    return false;
  }
  return content_splittable(left->content);  // the mergeable kinds are the splittable ones
}

void item_merge(Item* left, Item* right, OffsetKind kind) {
  if (left->is_gc()) {
    content_get<ContentDeleted>(left->content).len += right->length();
    return;
  }
  const uint64_t units = left->offset_length() + right->offset_length();
  content_try_merge(left->content, std::move(right->content), kind);
  if (right->keep()) left->set_flag(Item::kKeep, true);
  left->right = right->right;
  if (left->right != nullptr) left->right->left = left;
  // Lone surrogates meeting at the seam become one character (shorter in code points
  // and UTF-8 bytes; the search markers right of it would be off: dropped).
  if (left->visible() && left->parent_sub() == nullptr && left->parent() != nullptr &&
      units != left->offset_length()) {
    left->parent()->offset_length -= units - left->offset_length();
    left->parent()->markers.clear();
  }
}

void keep_item(Item* item, bool keep) {
  while (item != nullptr && item->keep() != keep) {
    item->set_flag(Item::kKeep, keep);
    item = item->parent() == nullptr ? nullptr : item->parent()->item;
  }
}

static Clock before_clock(DocImpl& doc, TxnState& txn, ClientId client) {
  auto it = txn.before_clocks.find(client);
  return it == txn.before_clocks.end() ? doc.store.state(client) : it->second;
}

namespace {

// Marks one item deleted (not its children): the parent's lengths, the delete set, the
// changed types. False when it was deleted already or is a GC struct.
bool delete_one(TxnState& txn, Item* it) {
  if (it->deleted() || it->is_gc()) return false;
  Branch* parent = it->parent();
  if (parent != nullptr && it->parent_sub() == nullptr && it->countable()) {
    parent->length -= it->length();
    parent->offset_length -= it->offset_length();
  }
  it->set_flag(Item::kDeleted, true);
  txn.delete_set.add(it->id.client, it->id.clock, it->length());
  if (parent != nullptr) txn.note_changed(parent, it->parent_sub());
  return true;
}

}  // namespace

void item_delete(DocImpl& doc, TxnState& txn, Item* item) {
  // Content without children (the common case): no work list.
  if (!content_is<ContentType>(item->content)) {
    delete_one(txn, item);
    return;
  }
  // Iterative (a hostile update may nest types very deeply). Order: pre-order, as
  // Yjs's recursive ContentType.delete.
  std::vector<Item*> work{item};
  while (!work.empty()) {
    Item* it = work.back();
    work.pop_back();
    if (!delete_one(txn, it)) continue;
    if (auto* ct = content_if<ContentType>(it->content); ct != nullptr && ct->branch != nullptr) {
      Branch* b = ct->branch;
      std::vector<Item*> children;
      for (Item* c = b->start; c != nullptr; c = c->right) {
        if (!c->deleted()) {
          children.push_back(c);
        } else if (c->id.clock < before_clock(doc, txn, c->id.client)) {
          txn.merge_structs.push_back(c->id);
        }
      }
      for (std::string_view key : b->key_order) {  // Yjs: _map.forEach (insertion order)
        Item* c = b->map.find(key)->second;
        if (!c->deleted()) {
          children.push_back(c);
        } else if (c->id.clock < before_clock(doc, txn, c->id.client)) {
          txn.merge_structs.push_back(c->id);
        }
      }
      for (auto rit = children.rbegin(); rit != children.rend(); ++rit) work.push_back(*rit);
      txn.changed.erase(b);
      b->markers.clear();
    }
  }
}

}  // namespace crdtcore::detail
