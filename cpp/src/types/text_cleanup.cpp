// text_cleanup.cpp — see text_cleanup.h.
#include "types/text_cleanup.h"

#include <algorithm>
#include <functional>
#include <set>
#include <vector>

#include "core/branch.h"
#include "core/doc_state.h"
#include "core/integrate.h"
#include "core/item.h"
#include "core/txn_state.h"
#include "types/text_format.h"

namespace crdtcore::detail {

namespace {

bool is_text(const Branch* b) { return b->kind == TypeKind::Text || b->kind == TypeKind::XmlText; }

Clock before_of(const DocImpl& doc, const TxnState& t, ClientId c) {
  auto it = t.before_clocks.find(c);
  return it == t.before_clocks.end() ? doc.store.state(c) : it->second;
}

// Yjs iterateStructs: structs covering [start, start + len), split at both ends.
void iterate_structs(DocImpl& doc, TxnState& t, ClientId client, Clock start, uint64_t len,
                     const std::function<void(Item*)>& f) {
  if (len == 0) return;
  ItemList* list = doc.store.list(client);
  if (list == nullptr || list->empty() || start >= list->back()->end()) return;
  const Clock end = start + len;
  Item* first = get_item_clean_start(doc, &t, Id{client, start});
  size_t idx = StructStore::find_index(*list, first->id.clock);
  while (true) {
    Item* s = (*list)[idx++];
    if (end < s->end() && end > s->id.clock) get_item_clean_start(doc, &t, Id{client, end});
    f(s);
    if (idx >= list->size() || (*list)[idx]->id.clock >= end) break;
  }
}

// Yjs cleanupContextlessFormattingGap.
void contextless_cleanup(DocImpl& doc, TxnState& t, Item* item) {
  while (item != nullptr && item->right != nullptr &&
         (item->right->deleted() || !item->right->countable())) {
    item = item->right;
  }
  std::set<std::string> seen;
  while (item != nullptr && (item->deleted() || !item->countable())) {
    if (!item->deleted()) {
      if (auto* f = content_if<ContentFormat>(item->content)) {
        if (seen.count(f->key) != 0) {
          item_delete(doc, t, item);
        } else {
          seen.insert(f->key);
        }
      }
    }
    item = item->left;
  }
}

}  // namespace

std::unique_ptr<TxnState> format_cleanup_after_remote(DocImpl& doc, TxnState& remote) {
  bool needed = false;
  for (Branch* b : remote.changed) {
    if (!is_text(b) || !b->has_formatting || b->gc_dead) continue;
    if (b->item != nullptr &&
        (b->item->deleted() || b->item->id.clock >= before_of(doc, remote, b->item->id.client))) {
      continue;  // Yjs records only types that existed before the transaction
    }
    needed = true;
    break;
  }
  if (!needed) return nullptr;
  remote.delete_set.sort_and_merge();

  std::vector<Branch*> full;  // insertion order, as Yjs's Set
  auto add_full = [&](Branch* b) {
    if (std::find(full.begin(), full.end(), b) == full.end()) full.push_back(b);
  };
  auto has_full = [&](Branch* b) { return std::find(full.begin(), full.end(), b) != full.end(); };

  // A format item was inserted: clean the whole text. (Yjs passes the after-clock as
  // the length here, so the range runs to the end of the client's structs.)
  for (const auto& [client, before] : remote.before_clocks) {
    const Clock after = doc.store.state(client);
    if (after == before) continue;
    iterate_structs(doc, remote, client, before, after, [&](Item* it) {
      if (!it->is_gc() && !it->deleted() && it->is_format() && it->parent() != nullptr)
        add_full(it->parent());
    });
  }
  auto t = std::make_unique<TxnState>();
  t->local = true;
  // Clients in the order Yjs's delete set lists them (first deletion first): which of two
  // duplicate formats the contextless clean-up deletes depends on where it starts.
  for (ClientId client : remote.delete_set.client_order()) {
    for (const DeleteRange& r : remote.delete_set.clients().at(client)) {
      iterate_structs(doc, remote, client, r.clock, r.len, [&](Item* it) {
        if (it->is_gc() || it->parent() == nullptr || !it->parent()->has_formatting ||
            has_full(it->parent()))
          return;
        if (it->is_format()) {
          add_full(it->parent());
        } else {
          contextless_cleanup(doc, *t, it);
        }
      });
    }
  }
  for (Branch* b : full) cleanup_text_formatting(doc, *t, b);
  return t;
}

}  // namespace crdtcore::detail
