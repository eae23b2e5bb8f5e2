// undo.h — UndoCore: the state and algorithms behind crdtcore::UndoManager (yjs
// src/utils/UndoManager.js; src/structs/Item.js redoItem, keepItem, followRedone;
// src/utils/isParentOf.js). The api/ handle only converts handles and callbacks.
//
// The core is a TxnListener: registered in its document while it exists, it sees every
// committed transaction at Yjs's 'afterTransaction' point (txn/transaction.h step 1b).
#pragma once

#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <unordered_set>
#include <vector>

#include "core/doc_state.h"
#include "crdtcore/delete_set.h"
#include "crdtcore/undo_manager.h"

namespace crdtcore::detail {

struct Branch;
struct Item;

class UndoCore : public TxnListener, public std::enable_shared_from_this<UndoCore> {
 public:
  struct Entry {
    uint64_t id = 0;
    DeleteSet insertions;
    DeleteSet deletions;
  };

  UndoCore(std::shared_ptr<DocImpl> doc, UndoOptions options);
  ~UndoCore() override;
  // Registers in the document (after construction: needs shared_from_this).
  void attach();

  DocImpl& doc() { return *doc_; }
  const std::shared_ptr<DocImpl>& doc_ptr() const { return doc_; }
  void add_scope(Branch* b);
  void include_origin(Origin o) { tracked_.insert(o); }
  void exclude_origin(Origin o) { tracked_.erase(o); }
  Origin origin() const { return this; }

  // Yjs popStackItem through undo()/redo(): true when something changed.
  bool undo() { return pop(/*redo=*/false); }
  bool redo() { return pop(/*redo=*/true); }
  void stop_capturing() { last_change_ = 0; }
  void clear(bool undo_stack, bool redo_stack);

  const std::vector<Entry>& undo_stack() const { return undo_stack_; }
  const std::vector<Entry>& redo_stack() const { return redo_stack_; }

  // Filled in by the api layer: the delete filter on core items (null: delete all).
  std::function<bool(Item*)> delete_filter;
  // Stack-item event callbacks, in subscription order.
  struct Subscriber {
    UndoManager::EventId id = 0;
    UndoManager::EventKind kind = UndoManager::EventKind::Added;
    std::function<void(const StackItemEvent&)> fn;
  };
  std::vector<Subscriber> subscribers;
  UndoManager::EventId next_subscriber = 1;

  std::unique_ptr<TxnState> after_transaction(DocImpl& doc, TxnState& t,
                                              std::vector<std::exception_ptr>& errors) override;

 private:
  bool in_scope(const Item* item) const;
  bool touches_scope(const TxnState& t) const;
  bool tracked(Origin o) const;
  // Calls the subscribers of `kind`; rethrows the first exception after calling all.
  void fire(UndoManager::EventKind kind, const StackItemEvent& ev);
  bool pop(bool redo);
  // Yjs redoItem: the copy of `item` (integrated), or null when it cannot be redone.
  Item* redo_item(TxnState& t, Item* item, const std::unordered_set<Item*>& redo_items,
                  const DeleteSet& inserted);
  bool deleted_by_stacks(const Id& id) const;
  // Un-keeps the items of `e`'s deletions in scope (Yjs clearUndoManagerStackItem).
  void release(TxnState& t, const Entry& e);

  std::shared_ptr<DocImpl> doc_;
  UndoOptions options_;
  std::vector<Branch*> scope_;
  std::unordered_set<Origin> tracked_;
  std::vector<Entry> undo_stack_;
  std::vector<Entry> redo_stack_;
  bool undoing_ = false;
  bool redoing_ = false;
  uint64_t last_change_ = 0;
  uint64_t next_entry_id_ = 1;
  bool attached_ = false;
};

}  // namespace crdtcore::detail
