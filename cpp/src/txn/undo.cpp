// undo.cpp — see undo.h. Port of yjs src/utils/UndoManager.js (the afterTransaction
// handler, popStackItem, clear) and src/structs/Item.js (redoItem, keepItem).
//
// Iteration order matters for byte-identical results: redoing allocates clocks in the
// order the stack item's delete set lists its items, and Yjs lists clients in the
// order they were first added (DeleteSet::client_order, StructStore::client_order).
#include "txn/undo.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "core/branch.h"
#include "core/integrate.h"
#include "core/item.h"
#include "core/struct_store.h"
#include "crdtcore/error.h"
#include "txn/transaction.h"

namespace crdtcore::detail {

namespace {

uint64_t system_millis() {
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  using std::chrono::system_clock;
  return static_cast<uint64_t>(
      duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
}

// Yjs iterateStructs: the structs covering [start, start + len) of one client's list,
// split at both ends (splits recorded in `t`). The list is re-read by index after each
// call of f, as Yjs does (a split by f may insert into it).
template <class F>
void iterate_structs(DocImpl& doc, TxnState& t, ItemList& list, ClientId client, Clock start,
                     uint64_t len, F&& f) {
  if (len == 0) return;
  const Clock end = start + len;
  get_item_clean_start(doc, &t, Id{client, start});
  size_t index = StructStore::find_index(list, start);
  while (true) {
    Item* s = list[index++];
    if (end < s->end()) get_item_clean_start(doc, &t, Id{client, end});
    f(s);
    if (index >= list.size() || list[index]->id.clock >= end) break;
  }
}

// Yjs iterateDeletedStructs, clients in the set's insertion order.
template <class F>
void iterate_deleted(DocImpl& doc, TxnState& t, const DeleteSet& ds, F&& f) {
  for (ClientId client : ds.client_order()) {
    ItemList* list = doc.store.list(client);
    if (list == nullptr || list->empty()) continue;
    const Clock state = list->back()->end();
    for (const DeleteRange& r : ds.clients().at(client)) {
      if (r.clock >= state) break;
      iterate_structs(doc, t, *list, client, r.clock, r.len, f);
    }
  }
}

// Yjs AbstractContent.copy: a type's copy is a new, empty type of the same kind.
Content copy_content(const Content& c) {
  if (const auto* ct = content_if<ContentType>(c))
    return ContentType{ct->type_ref, ct->name, nullptr};
  return c;
}

Clock before_of(const DocImpl& doc, const TxnState& t, ClientId c) {
  auto it = t.before_clocks.find(c);
  return it == t.before_clocks.end() ? doc.store.state(c) : it->second;
}

// The item of a (redone) struct we may follow: GC structs have none.
Item* usable(Item* s) { return s == nullptr || s->is_gc() ? nullptr : s; }

}  // namespace

UndoCore::UndoCore(std::shared_ptr<DocImpl> doc, UndoOptions options)
    : doc_(std::move(doc)), options_(std::move(options)) {
  if (options_.track_null_origin) tracked_.insert(nullptr);
  tracked_.insert(origin());
}

UndoCore::~UndoCore() {
  auto& ls = doc_->txn_listeners;
  ls.erase(std::remove_if(ls.begin(), ls.end(), [](const auto& w) { return w.expired(); }),
           ls.end());
}

void UndoCore::attach() {
  if (attached_) return;
  attached_ = true;
  doc_->txn_listeners.push_back(weak_from_this());
}

void UndoCore::add_scope(Branch* b) {
  if (std::find(scope_.begin(), scope_.end(), b) == scope_.end()) scope_.push_back(b);
}

// Yjs: scope.some(type => isParentOf(type, item)).
bool UndoCore::in_scope(const Item* item) const {
  for (const Item* child = item; child != nullptr;) {
    Branch* p = child->parent();
    if (p == nullptr) return false;
    if (std::find(scope_.begin(), scope_.end(), p) != scope_.end()) return true;
    child = p->item;
  }
  return false;
}

// Yjs: scope.some(type => transaction.changedParentTypes.has(type)); changedParentTypes
// holds the changed types Yjs reports (those that existed before the transaction and are
// not deleted) and all their ancestors.
bool UndoCore::touches_scope(const TxnState& t) const {
  if (scope_.empty()) return false;
  for (Branch* b : t.changed_order) {
    if (t.changed.count(b) == 0) continue;
    if (b->item == nullptr
            ? b->gc_dead
            : (b->deleted() || b->item->id.clock >= before_of(*doc_, t, b->item->id.client))) {
      continue;
    }
    for (Branch* a = b; a != nullptr; a = a->item == nullptr ? nullptr : a->item->parent()) {
      if (std::find(scope_.begin(), scope_.end(), a) != scope_.end()) return true;
    }
  }
  return false;
}

bool UndoCore::tracked(Origin o) const {
  if (tracked_.count(o) != 0) return true;
  return options_.origin_filter && options_.origin_filter(o);
}

void UndoCore::fire(UndoManager::EventKind kind, const StackItemEvent& ev) {
  const auto subs = subscribers;  // callbacks may (un)subscribe
  std::exception_ptr first;
  for (const auto& s : subs) {
    if (s.kind != kind) continue;
    try {
      s.fn(ev);
    } catch (...) {
      if (!first) first = std::current_exception();
    }
  }
  if (first) std::rethrow_exception(first);
}

std::unique_ptr<TxnState> UndoCore::after_transaction(DocImpl& doc, TxnState& t,
                                                      std::vector<std::exception_ptr>& errors) {
  uint64_t now = 0;
  try {
    if (!touches_scope(t) || !tracked(t.origin)) return nullptr;
    now = options_.clock ? options_.clock() : system_millis();
  } catch (...) {
    errors.push_back(std::current_exception());
    return nullptr;
  }
  const bool undoing = undoing_;
  const bool redoing = redoing_;
  std::vector<Entry>& stack = undoing ? redo_stack_ : undo_stack_;
  std::unique_ptr<TxnState> released;
  if (undoing) {
    stop_capturing();  // the next undo must not join this item
  } else if (!redoing && !redo_stack_.empty()) {
    // A new change: the redo stack goes (Yjs clear(false, true), a transaction of its own).
    released = std::make_unique<TxnState>();
    for (const Entry& e : redo_stack_) release(*released, e);
    redo_stack_.clear();
  }
  DeleteSet insertions;
  for (ClientId c : doc.store.client_order()) {
    auto it = t.before_clocks.find(c);
    if (it == t.before_clocks.end()) continue;
    const Clock after = doc.store.state(c);
    if (after > it->second) insertions.add(c, it->second, after - it->second);
  }
  bool added = false;
  const auto elapsed = static_cast<int64_t>(now) - static_cast<int64_t>(last_change_);
  if (last_change_ > 0 && elapsed < static_cast<int64_t>(options_.capture_timeout_ms) &&
      !stack.empty() && !undoing && !redoing) {
    Entry& last = stack.back();
    last.deletions.merge_from(t.delete_set);
    last.deletions.sort_and_merge();
    last.insertions.merge_from(insertions);
    last.insertions.sort_and_merge();
  } else {
    Entry e;
    e.id = next_entry_id_++;
    e.insertions = std::move(insertions);
    e.deletions = t.delete_set;
    stack.push_back(std::move(e));
    added = true;
  }
  if (!undoing && !redoing) last_change_ = now;
  // Deleted items stay (not garbage-collected) while a stack item refers to them.
  iterate_deleted(doc, t, t.delete_set, [&](Item* s) {
    if (!s->is_gc() && in_scope(s)) keep_item(s, true);
  });
  StackItemEvent ev;
  ev.stack_item = stack.back().id;
  ev.stack = undoing ? UndoStack::Redo : UndoStack::Undo;
  ev.origin = t.origin;
  try {
    fire(added ? UndoManager::EventKind::Added : UndoManager::EventKind::Updated, ev);
  } catch (...) {
    errors.push_back(std::current_exception());
  }
  return released;
}

void UndoCore::release(TxnState& t, const Entry& e) {
  iterate_deleted(*doc_, t, e.deletions, [&](Item* s) {
    if (!s->is_gc() && in_scope(s)) keep_item(s, false);
  });
}

void UndoCore::clear(bool undo_stack, bool redo_stack) {
  if (!((undo_stack && !undo_stack_.empty()) || (redo_stack && !redo_stack_.empty()))) return;
  DocImpl& doc = *doc_;
  begin(doc);  // null origin: joins an open transaction, as Yjs's doc.transact
  try {
    if (undo_stack) {
      for (const Entry& e : undo_stack_) release(doc.t(), e);
      undo_stack_.clear();
    }
    if (redo_stack) {
      for (const Entry& e : redo_stack_) release(doc.t(), e);
      redo_stack_.clear();
    }
  } catch (...) {
    commit(doc);
    throw;
  }
  commit(doc);
}

bool UndoCore::deleted_by_stacks(const Id& id) const {
  for (const auto* stack : {&undo_stack_, &redo_stack_}) {
    for (const Entry& e : *stack) {
      if (e.deletions.contains(id)) return true;
    }
  }
  return false;
}

Item* UndoCore::redo_item(TxnState& t, Item* item, const std::unordered_set<Item*>& redo_items,
                          const DeleteSet& inserted) {
  DocImpl& doc = *doc_;
  StructStore& store = doc.store;
  if (const Id* redone = store.redone(item)) return get_item_clean_start(doc, &t, *redone);
  Item* parent_item = item->parent()->item;
  // The parent must exist: redo it first when this stack item deleted it too.
  if (parent_item != nullptr && parent_item->deleted()) {
    if (store.redone(parent_item) == nullptr &&
        (redo_items.count(parent_item) == 0 ||
         redo_item(t, parent_item, redo_items, inserted) == nullptr)) {
      return nullptr;
    }
    while (const Id* r = store.redone(parent_item)) {
      parent_item = usable(get_item_clean_start(doc, &t, *r));
      if (parent_item == nullptr) return nullptr;
    }
  }
  Branch* parent_type = item->parent();
  if (parent_item != nullptr) {
    const auto* ct = content_if<ContentType>(parent_item->content);
    if (ct == nullptr || ct->branch == nullptr) return nullptr;  // garbage-collected
    parent_type = ct->branch;
  }
  // Follows the redone copies of `s` until one in the (re-created) parent; null if none.
  auto trace = [&](Item* s) -> Item* {
    while (s != nullptr && s->parent()->item != parent_item) {
      const Id* r = store.redone(s);
      s = r == nullptr ? nullptr : usable(get_item_clean_start(doc, &t, *r));
    }
    return s;
  };
  Item* left = nullptr;
  Item* right = nullptr;
  if (item->parent_sub() == nullptr) {
    // A list item: back between the nearest neighbours that are (copies) in the parent.
    left = item->left;
    while (left != nullptr) {
      if (Item* l = trace(left)) {
        left = l;
        break;
      }
      left = left->left;
    }
    right = item;
    while (right != nullptr) {
      if (Item* r = trace(right)) {
        right = r;
        break;
      }
      right = right->right;
    }
  } else {
    auto current = [&]() -> Item* {
      auto it = parent_type->map.find(*item->parent_sub());
      return it == parent_type->map.end() ? nullptr : it->second;
    };
    if (item->right != nullptr && !options_.ignore_remote_map_changes) {
      // Later values of the key must all be ours to undo (or redone); otherwise another
      // user wrote the key since, and their value stays.
      left = item;
      while (left != nullptr && left->right != nullptr &&
             (store.redone(left->right) != nullptr || inserted.contains(left->right->id) ||
              deleted_by_stacks(left->right->id))) {
        left = left->right;
        while (const Id* r = store.redone(left)) {
          left = usable(get_item_clean_start(doc, &t, *r));
          if (left == nullptr) break;
        }
      }
      if (left != nullptr && left->right != nullptr) return nullptr;
    } else {
      left = current();
    }
    // A left in another parent would mislead remote peers about the origin (Yjs #757).
    if (left != nullptr && left->parent()->item != parent_item) left = current();
  }
  Item* copy = insert_local(doc, t, parent_type, left, right, item->parent_sub(),
                            copy_content(item->content));
  store.set_redone(item, copy->id);
  keep_item(copy, true);
  return copy;
}

bool UndoCore::pop(bool redo) {
  DocImpl& doc = *doc_;
  if (doc.txn_depth > 0) {
    throw InvalidState("undo()/redo() inside an open transaction; call it after the transaction");
  }
  std::vector<Entry>& stack = redo ? redo_stack_ : undo_stack_;
  bool& flag = redo ? redoing_ : undoing_;
  struct FlagGuard {
    bool& f;
    ~FlagGuard() { f = false; }
  } guard{flag};
  flag = true;
  begin(doc, origin());
  std::optional<uint64_t> popped;
  std::exception_ptr error;
  try {
    TxnState& t = doc.t();
    StructStore& store = doc.store;
    while (!stack.empty() && !popped) {
      Entry e = std::move(stack.back());
      stack.pop_back();
      std::unordered_set<Item*> redo_set;
      std::vector<Item*> to_redo;
      std::vector<Item*> to_delete;
      iterate_deleted(doc, t, e.insertions, [&](Item* s) {
        if (s->is_gc()) return;
        if (store.redone(s) != nullptr) {
          Followed f = follow_redone(store, s->id);
          s = f.item;
          if (f.diff > 0) s = get_item_clean_start(doc, &t, Id{s->id.client, s->id.clock + f.diff});
        }
        if (!s->deleted() && in_scope(s)) to_delete.push_back(s);
      });
      iterate_deleted(doc, t, e.deletions, [&](Item* s) {
        // Items inserted and deleted within the same stack item are never redone.
        if (!s->is_gc() && in_scope(s) && !e.insertions.contains(s->id) &&
            redo_set.insert(s).second) {
          to_redo.push_back(s);
        }
      });
      bool changed = false;
      for (Item* s : to_redo)
        changed = redo_item(t, s, redo_set, e.insertions) != nullptr || changed;
      // Children before parents, so the filter sees them before their parent goes.
      for (size_t i = to_delete.size(); i-- > 0;) {
        Item* s = to_delete[i];
        if (!delete_filter || delete_filter(s)) {
          item_delete(doc, t, s);
          changed = true;
        }
      }
      if (changed) popped = e.id;
    }
    for (Branch* b : t.changed) b->markers.clear();  // search markers may be stale
  } catch (...) {
    error = std::current_exception();
  }
  commit(doc);  // the manager's own transaction: tracked, it lands on the other stack
  if (error) std::rethrow_exception(error);
  if (!popped) return false;
  StackItemEvent ev;
  ev.stack_item = *popped;
  ev.stack = redo ? UndoStack::Redo : UndoStack::Undo;
  ev.origin = origin();
  fire(UndoManager::EventKind::Popped, ev);
  return true;
}

}  // namespace crdtcore::detail
