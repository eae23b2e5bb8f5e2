// events.cpp — type-level events (Yjs src/utils/YEvent.js: delta/changes, keys, path;
// src/types/YText.js: YTextEvent's delta; src/utils/Transaction.js: callTypeObservers and
// the deep observer step of cleanupTransactions), and Shared::observe/unobserve.
//
// Events are built only for types someone listens to (an observer on the type or a
// deep observer on it or an ancestor), eagerly, before the transaction's GC.
#include "api/events.h"

#include <algorithm>
#include <memory>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "api/access.h"
#include "api/values.h"
#include "core/branch.h"
#include "core/doc_state.h"
#include "core/item.h"
#include "crdtcore/error.h"
#include "crdtcore/events.h"
#include "types/text_format.h"
#include "util/utf.h"

namespace crdtcore {

namespace detail {
namespace {

Branch* parent_of(const Branch* b) { return b->item == nullptr ? nullptr : b->item->parent(); }

// What the event computation asks about items (Yjs YEvent.adds / deletes).
class EventContext {
 public:
  EventContext(DocImpl& doc, const TxnState& t) : doc_(doc), self_(doc.shared_from_this()), t_(t) {}

  bool adds(const Item* item) const {
    auto it = t_.before_clocks.find(item->id.client);
    return it != t_.before_clocks.end() && item->id.clock >= it->second;
  }
  bool deletes(const Item* item) const { return t_.delete_set.contains(item->id); }
  // Length in the document's offset unit (deleted items too: what they held).
  static uint64_t units(const Item* item) { return item->offset_length(); }
  Clock before(ClientId client) const {
    auto it = t_.before_clocks.find(client);
    return it == t_.before_clocks.end() ? doc_.store.state(client) : it->second;
  }
  // Yjs addChangedTypeToTransaction's rule: roots, and types that existed before the
  // transaction and are not deleted.
  bool reportable(const Branch* b) const {
    if (b->item == nullptr) return !b->gc_dead;
    return !b->deleted() && b->item->id.clock < before(b->item->id.client);
  }
  const std::shared_ptr<DocImpl>& self() const { return self_; }
  // Format items Yjs's delta computation deletes (redundant ones).
  void redundant(const Item* item) const { redundant_.push_back(item->id); }
  const std::vector<Id>& redundant_ids() const { return redundant_; }
  Shared handle(Branch* b) const { return Access::shared(self_, b); }
  void outs(const Item* item, std::vector<Out>& out) const {
    append_outs(self_, item, 0, item->length(), out);
  }
  Out last_out(const Item* item) const {
    std::vector<Out> out;
    outs(item, out);
    return out.empty() ? Out() : out.back();
  }

 private:
  DocImpl& doc_;
  std::shared_ptr<DocImpl> self_;
  const TxnState& t_;
  mutable std::vector<Id> redundant_;
};

// Yjs YEvent.changes (arrays and every non-text type): the delta, and the items added and
// deleted.
std::vector<DeltaOp> list_delta(const EventContext& cx, const Branch* b,
                                std::vector<ItemRange>& added, std::vector<ItemRange>& deleted) {
  std::vector<DeltaOp> delta;
  DeltaOp op;
  bool open = false;
  auto start = [&](DeltaOp::Kind k) {
    if (open && op.kind == k) return;
    if (open) delta.push_back(std::move(op));
    op = DeltaOp();
    op.kind = k;
    open = true;
  };
  for (const Item* item = b->start; item != nullptr; item = item->right) {
    if (item->deleted()) {
      if (cx.deletes(item) && !cx.adds(item)) {
        start(DeltaOp::Kind::Delete);
        op.len += cx.units(item);
        deleted.push_back(ItemRange{item->id, item->length()});
      }
    } else if (cx.adds(item)) {
      start(DeltaOp::Kind::Insert);
      cx.outs(item, op.values);
      added.push_back(ItemRange{item->id, item->length()});
    } else {
      start(DeltaOp::Kind::Retain);
      op.len += cx.units(item);
    }
  }
  if (open && op.kind != DeltaOp::Kind::Retain) delta.push_back(std::move(op));
  return delta;
}

void set_attr(Attributes& attrs, const std::string& key, const Value& v) {
  for (auto& kv : attrs) {
    if (kv.first == key) {
      kv.second = v;
      return;
    }
  }
  attrs.emplace_back(key, v);
}
void erase_attr(Attributes& attrs, const std::string& key) {
  attrs.erase(
      std::remove_if(attrs.begin(), attrs.end(), [&](const auto& kv) { return kv.first == key; }),
      attrs.end());
}
const Value* find_attr(const Attributes& attrs, const std::string& key) {
  for (const auto& kv : attrs) {
    if (kv.first == key) return &kv.second;
  }
  return nullptr;
}

// JavaScript `v || null`: falsy values (false, 0, NaN, "", undefined) read as null.
const Value& or_null(const Value* v, const Value& null_value) {
  if (v == nullptr) return null_value;
  switch (v->kind()) {
    case Value::Kind::Undefined:
    case Value::Kind::Null: return null_value;
    case Value::Kind::Bool: return v->as_bool() ? *v : null_value;
    case Value::Kind::Int: return v->as_int() != 0 ? *v : null_value;
    case Value::Kind::BigInt: return v->as_bigint() != 0 ? *v : null_value;
    case Value::Kind::Float:
      return v->as_float() != 0 && v->as_float() == v->as_float() ? *v : null_value;
    case Value::Kind::String: return v->as_string().empty() ? null_value : *v;
    default: return *v;
  }
}

// Yjs YTextEvent.delta. Yjs deletes redundant format items while computing it (a side
// effect on the document); they are skipped as deleted here and handed to
// cx.redundant(), which dispatch_events deletes afterwards in a transaction of its own.
std::vector<DeltaOp> text_delta(const EventContext& cx, const Branch* b) {
  enum class Action { None, Insert, Retain, Delete };
  std::vector<DeltaOp> delta;
  Attrs current;       // attributes in effect (for inserts)
  Attrs old;           // attributes before the transaction
  Attributes changes;  // attribute changes of the pending retain (JS object order)
  Action action = Action::None;
  std::string insert;
  Out insert_obj;
  bool insert_is_obj = false;
  uint64_t retain = 0;
  uint64_t del = 0;
  const Value null_value = Value::null();
  auto cur = [&](const std::string& key) -> const Value& {
    return or_null(current.get(key), null_value);
  };
  auto add_op = [&] {
    if (action == Action::None) return;
    DeltaOp op;
    bool emit = false;
    switch (action) {
      case Action::Delete:
        if (del > 0) {
          op.kind = DeltaOp::Kind::Delete;
          op.len = del;
          emit = true;
        }
        del = 0;
        break;
      case Action::Insert:
        if (insert_is_obj || !insert.empty()) {
          op.kind = DeltaOp::Kind::Insert;
          if (insert_is_obj) {
            op.values.push_back(std::move(insert_obj));
          } else {
            op.text = std::move(insert);
          }
          for (const auto& kv : current.items()) op.attributes.push_back(kv);
          emit = true;
        }
        insert.clear();
        insert_obj = Out();
        insert_is_obj = false;
        break;
      case Action::Retain:
        if (retain > 0) {
          op.kind = DeltaOp::Kind::Retain;
          op.len = retain;
          op.attributes = changes;
          emit = true;
        }
        retain = 0;
        break;
      case Action::None: break;
    }
    if (emit) delta.push_back(std::move(op));
    action = Action::None;
  };
  for (const Item* item = b->start; item != nullptr; item = item->right) {
    const Content& c = item->content;
    if (content_is<ContentType>(c) || content_is<ContentEmbed>(c)) {
      if (cx.adds(item)) {
        if (!cx.deletes(item)) {
          add_op();
          action = Action::Insert;
          insert_obj = cx.last_out(item);
          insert_is_obj = true;
          add_op();
        }
      } else if (cx.deletes(item)) {
        if (action != Action::Delete) {
          add_op();
          action = Action::Delete;
        }
        del += 1;
      } else if (!item->deleted()) {
        if (action != Action::Retain) {
          add_op();
          action = Action::Retain;
        }
        retain += 1;
      }
    } else if (auto* s = content_if<ContentString>(c)) {
      if (cx.adds(item)) {
        if (!cx.deletes(item)) {
          if (action != Action::Insert) {
            add_op();
            action = Action::Insert;
          }
          append_utf16_as_utf8(insert, s->str);
        }
      } else if (cx.deletes(item)) {
        if (action != Action::Delete) {
          add_op();
          action = Action::Delete;
        }
        del += cx.units(item);
      } else if (!item->deleted()) {
        if (action != Action::Retain) {
          add_op();
          action = Action::Retain;
        }
        retain += cx.units(item);
      }
    } else if (auto* f = content_if<ContentFormat>(c)) {
      const Value& value = f->value;
      bool skip = item->deleted();  // Yjs: `!item.deleted` after its own deletions
      if (cx.adds(item)) {
        if (!cx.deletes(item)) {
          if (!equal_attrs(cur(f->key), value)) {
            if (action == Action::Retain) add_op();
            if (equal_attrs(value, or_null(old.get(f->key), null_value))) {
              erase_attr(changes, f->key);
            } else {
              set_attr(changes, f->key, value);
            }
          } else if (!value.is_null()) {
            skip = true;  // Yjs deletes this redundant format item here
            cx.redundant(item);
          }
        }
      } else if (cx.deletes(item)) {
        old.set(f->key, value);
        const Value& cv = cur(f->key);
        if (!equal_attrs(cv, value)) {
          if (action == Action::Retain) add_op();
          set_attr(changes, f->key, cv);
        }
      } else if (!item->deleted()) {
        old.set(f->key, value);
        const Value* attr = find_attr(changes, f->key);
        if (attr != nullptr) {
          if (!equal_attrs(*attr, value)) {
            if (action == Action::Retain) add_op();
            if (value.is_null()) {
              erase_attr(changes, f->key);
            } else {
              set_attr(changes, f->key, value);
            }
          } else if (!attr->is_null()) {
            skip = true;  // Yjs deletes this redundant format item here
            cx.redundant(item);
          }
        }
      }
      if (!skip) {
        if (action == Action::Insert) add_op();
        if (value.is_null()) {
          current.erase(f->key);
        } else {
          current.set(f->key, value);
        }
      }
    }
  }
  add_op();
  while (!delta.empty() && delta.back().kind == DeltaOp::Kind::Retain &&
         delta.back().attributes.empty()) {
    delta.pop_back();
  }
  return delta;
}

}  // namespace

// The lazily computed delta of one event, shared by its copies. `cx` is set while the
// transaction's content is still as committed (during dispatch_events).
struct EventDelta {
  const EventContext* cx = nullptr;
  const Branch* branch = nullptr;
  bool done = false;
  std::vector<DeltaOp> ops;
  std::vector<ItemRange> added;
  std::vector<ItemRange> deleted;

  void compute() {
    if (done || cx == nullptr) return;
    const bool text = branch->kind == TypeKind::Text || branch->kind == TypeKind::XmlText;
    ops = text ? text_delta(*cx, branch) : list_delta(*cx, branch, added, deleted);
    done = true;
  }
};

namespace {

// Yjs YEvent.keys, with the new value (yrs EntryChange).
std::vector<std::pair<std::string, KeyChange>> key_changes(const EventContext& cx, Branch* b,
                                                           const TxnState& t) {
  std::vector<std::pair<std::string, KeyChange>> out;
  auto found = t.changed_keys.find(b);
  if (found == t.changed_keys.end()) return out;
  std::vector<const std::string*> keys(found->second.begin(), found->second.end());
  std::sort(keys.begin(), keys.end(),
            [](const std::string* a, const std::string* c) { return *a < *c; });
  for (const std::string* key : keys) {
    auto it = b->map.find(*key);
    if (it == b->map.end()) continue;
    const Item* item = it->second;
    KeyChange ch;
    if (cx.adds(item)) {
      const Item* prev = item->left;
      while (prev != nullptr && cx.adds(prev)) prev = prev->left;
      const bool prev_deleted = prev != nullptr && cx.deletes(prev);
      if (cx.deletes(item)) {
        if (!prev_deleted) continue;
        ch.action = KeyChange::Action::Delete;
        ch.old_value = cx.last_out(prev);
      } else if (prev_deleted) {
        ch.action = KeyChange::Action::Update;
        ch.old_value = cx.last_out(prev);
        ch.new_value = cx.last_out(item);
      } else {
        ch.action = KeyChange::Action::Add;
        ch.new_value = cx.last_out(item);
      }
    } else if (cx.deletes(item)) {
      ch.action = KeyChange::Action::Delete;
      ch.old_value = cx.last_out(item);
    } else {
      continue;
    }
    out.emplace_back(*key, std::move(ch));
  }
  return out;
}

// Yjs getPathTo: keys and indices from `ancestor` down to `child`.
std::vector<PathSegment> path_to(const Branch* ancestor, const Branch* child) {
  std::vector<PathSegment> path;
  while (child->item != nullptr && child != ancestor) {
    const Item* item = child->item;
    PathSegment seg;
    if (item->parent_sub() != nullptr) {
      seg.is_key = true;
      seg.key = *item->parent_sub();
    } else {
      for (const Item* c = item->parent()->start; c != nullptr && c != item; c = c->right) {
        if (c->visible()) seg.index += c->offset_length();
      }
    }
    path.push_back(std::move(seg));
    child = item->parent();
  }
  std::reverse(path.begin(), path.end());
  return path;
}

bool has_shallow(const Branch* b) { return b->observers && !b->observers->shallow.empty(); }
bool has_deep(const Branch* b) { return b->observers && !b->observers->deep.empty(); }

bool listened(const Branch* b) {
  if (has_shallow(b)) return true;
  for (const Branch* a = b; a != nullptr; a = parent_of(a)) {
    if (has_deep(a)) return true;
  }
  return false;
}

// A set of branches that stays a vector while small (most transactions change one type).
class BranchSet {
 public:
  // Adds `b`; false when it was there.
  bool insert(const Branch* b) {
    if (set_.empty()) {
      if (std::find(small_.begin(), small_.end(), b) != small_.end()) return false;
      if (small_.size() < 16) {
        small_.push_back(b);
        return true;
      }
      set_.insert(small_.begin(), small_.end());
    }
    return set_.insert(b).second;
  }

 private:
  std::vector<const Branch*> small_;
  std::unordered_set<const Branch*> set_;
};

std::unique_ptr<TxnState> delete_redundant(DocImpl& doc, const std::vector<Id>& ids) {
  auto x = std::make_unique<TxnState>();
  x->local = true;
  for (const Id& id : ids) {
    Item* item = doc.store.find(id);
    if (item != nullptr && !item->deleted() && !item->is_gc()) item_delete(doc, *x, item);
  }
  if (x->delete_set.empty()) return nullptr;
  return x;
}

template <class F>
void guarded(std::vector<std::exception_ptr>& errors, F&& f) {
  try {
    f();
  } catch (...) {
    errors.push_back(std::current_exception());
  }
}

BranchObservers& observers_of(DocImpl& doc, Branch* b) {
  if (!b->observers) b->observers = std::make_unique<BranchObservers>();
  if (b->observers->empty()) ++doc.observed_types;
  return *b->observers;
}

}  // namespace

std::unique_ptr<TxnState> dispatch_events(DocImpl& doc, TxnState& t,
                                          std::vector<std::exception_ptr>& errors) {
  EventContext cx(doc, t);
  std::vector<std::pair<Branch*, Event>> events;  // in Yjs transaction.changed order
  BranchSet seen;  // a type is listed again when it was erased (deleted) and changed after
  for (Branch* b : t.changed_order) {
    if (!seen.insert(b) || t.changed.count(b) == 0) continue;
    if (!cx.reportable(b) || !listened(b)) continue;
    Event ev;
    ev.target = cx.handle(b);
    ev.current_target = ev.target;
    ev.origin = t.origin;
    ev.local = t.local;
    ev.delta_state = std::make_shared<EventDelta>();
    ev.delta_state->cx = &cx;
    ev.delta_state->branch = b;
    ev.keys = key_changes(cx, b, t);
    if (has_shallow(b)) {
      auto callbacks = b->observers->shallow;  // callbacks may (un)subscribe
      for (auto& cb : callbacks) guarded(errors, [&] { cb.second(ev); });
    }
    events.emplace_back(b, std::move(ev));
  }
  // Yjs changedParentTypes: every ancestor of a changed type, in first-seen order; only
  // those with deep observers matter (few), each with the events below it.
  std::vector<std::pair<Branch*, std::vector<size_t>>> deep;
  for (size_t i = 0; i < events.size(); ++i) {
    for (Branch* a = events[i].first; a != nullptr; a = parent_of(a)) {
      if (!has_deep(a)) continue;
      auto it = std::find_if(deep.begin(), deep.end(), [a](const auto& d) { return d.first == a; });
      if (it == deep.end()) it = deep.insert(deep.end(), {a, {}});
      it->second.push_back(i);
    }
  }
  for (auto& [p, indices] : deep) {
    if (!has_deep(p) || p->deleted()) continue;  // callbacks may have changed both
    std::vector<Event> evs;
    for (size_t i : indices) {
      if (events[i].first->deleted()) continue;
      Event ev = events[i].second;
      ev.current_target = cx.handle(p);
      ev.path = path_to(p, events[i].first);
      evs.push_back(std::move(ev));
    }
    std::stable_sort(evs.begin(), evs.end(),
                     [](const Event& a, const Event& c) { return a.path.size() < c.path.size(); });
    auto callbacks = p->observers->deep;
    for (auto& cb : callbacks) guarded(errors, [&] { cb.second(evs); });
  }
  // Deltas of events someone kept are computed now, while the content is as committed;
  // the others never are (nobody can ask any more).
  for (auto& entry : events) {
    EventDelta& d = *entry.second.delta_state;
    if (entry.second.delta_state.use_count() > 1) d.compute();
    d.cx = nullptr;
  }
  // Yjs deletes them while the delta is computed, in a transaction of its own that is
  // cleaned up after this one (by id: callbacks may have edited meanwhile).
  if (cx.redundant_ids().empty()) return nullptr;
  return delete_redundant(doc, cx.redundant_ids());
}

}  // namespace detail

const std::vector<DeltaOp>& Event::delta() const {
  static const std::vector<DeltaOp> kNone;
  if (!delta_state) return kNone;
  delta_state->compute();
  return delta_state->ops;
}

const std::vector<ItemRange>& Event::added() const {
  static const std::vector<ItemRange> kNone;
  if (!delta_state) return kNone;
  delta_state->compute();
  return delta_state->added;
}

const std::vector<ItemRange>& Event::deleted() const {
  static const std::vector<ItemRange> kNone;
  if (!delta_state) return kNone;
  delta_state->compute();
  return delta_state->deleted;
}

SubscriptionId Shared::observe(std::function<void(const Event&)> fn) {
  if (branch_ == nullptr) throw InvalidState("observe on an unbound handle");
  const SubscriptionId id = doc_->next_observer_id++;
  detail::observers_of(*doc_, branch_).shallow.emplace_back(id, std::move(fn));
  return id;
}

SubscriptionId Shared::observe_deep(std::function<void(const std::vector<Event>&)> fn) {
  if (branch_ == nullptr) throw InvalidState("observe_deep on an unbound handle");
  const SubscriptionId id = doc_->next_observer_id++;
  detail::observers_of(*doc_, branch_).deep.emplace_back(id, std::move(fn));
  return id;
}

bool Shared::unobserve(SubscriptionId id) {
  if (branch_ == nullptr || !branch_->observers) return false;
  detail::BranchObservers& obs = *branch_->observers;
  auto drop = [id](auto& list) {
    auto it = std::find_if(list.begin(), list.end(), [id](const auto& e) { return e.first == id; });
    if (it == list.end()) return false;
    list.erase(it);
    return true;
  };
  if (!drop(obs.shallow) && !drop(obs.deep)) return false;
  if (obs.empty()) --doc_->observed_types;
  return true;
}

}  // namespace crdtcore
