// doc_state.h — DocImpl: the state behind a Doc handle: the struct store, root types,
// every branch, interned map keys, pending data, the open transaction's state and the
// observers. State only: opening and committing transactions is txn/transaction.h's job,
// updates in and out are encoding/'s.
//
// Thread safety: none; one thread at a time.
#pragma once

#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/branch.h"
#include "core/parent_ref.h"
#include "core/pending.h"
#include "core/struct_store.h"
#include "core/txn_state.h"
#include "crdtcore/doc.h"

namespace crdtcore::detail {

class DocImpl;

// Work the commit delegates to the layers above the transaction driver (types/), which
// the driver cannot include. api/doc.cpp fills these in when it creates a document.
struct CommitHooks {
  // Yjs cleanupYTextAfterTransaction: runs after a transaction that applied remote
  // updates, before its clean-up; returns the follow-up transaction it made (to be
  // cleaned up and announced after `remote`), or null when it changed nothing.
  std::unique_ptr<TxnState> (*after_remote)(DocImpl& doc, TxnState& remote) = nullptr;
  // Yjs's type observer calls (callTypeObservers, deep observers): builds the events
  // of `t` for the observed types and calls their callbacks; appends what callbacks
  // threw to `errors`. Called only while some type has observers (observed_types > 0),
  // before the formatting clean-up and GC. Returns the transaction in which it deleted
  // redundant format items (as Yjs's YTextEvent.delta does), or null.
  std::unique_ptr<TxnState> (*dispatch_events)(DocImpl& doc, TxnState& t,
                                               std::vector<std::exception_ptr>& errors) = nullptr;
};

// Something that reacts to every committed transaction at Yjs's 'afterTransaction'
// point: after the type observers, before the formatting clean-up and GC (the
// UndoManager, txn/undo.h). Registered in DocImpl::txn_listeners only while it exists,
// so a document without one pays nothing.
class TxnListener {
 public:
  virtual ~TxnListener() = default;
  // May change the document only in a transaction of its own, returned to be finished
  // after `t` (as Yjs queues transactions opened during clean-up); appends the
  // exceptions of user callbacks to `errors` instead of throwing.
  virtual std::unique_ptr<TxnState> after_transaction(DocImpl& doc, TxnState& t,
                                                      std::vector<std::exception_ptr>& errors) = 0;
};

class DocImpl : public std::enable_shared_from_this<DocImpl> {
 public:
  explicit DocImpl(DocOptions options);
  ~DocImpl();

  DocOptions options;
  ClientId client_id = 0;
  StructStore store;
  std::map<std::string, Branch*, std::less<>> roots;
  std::vector<std::unique_ptr<Branch>> branches;
  std::unordered_set<std::string> keys;  // interned map keys (stable addresses)
  // Interned (type, key) pairs of map items (core/parent_ref.h), by type and key address.
  std::unordered_map<const Branch*, std::unordered_map<const std::string*, MapKey>> map_keys;

  // Structs waiting for their dependencies (Yjs store.pendingStructs).
  PendingStructs pending_structs;
  // Delete ranges for structs we do not have yet (Yjs store.pendingDs), ranges as
  // collected unless two leftovers were merged (see doc_decoder.cpp).
  DeleteSet pending_ds;

  // The open transaction (null when none is open) and its nesting depth; a spare state
  // is kept to avoid allocations per transaction. Driven by txn/transaction.h.
  std::unique_ptr<TxnState> txn;
  std::unique_ptr<TxnState> spare_txn;
  // The last announced TransactionResult, refilled by the next announcement when no
  // observer kept it (use_count 1): its vectors and bytes keep their storage.
  std::shared_ptr<TransactionResult> spare_result;
  int txn_depth = 0;
  // Origin of the transaction whose observers are running (Doc::transaction_origin()).
  Origin committing_origin = nullptr;

  CommitHooks hooks;
  // Each callback is shared, so a commit can hold on to the ones it calls (an observer may
  // unobserve itself or another while it runs) without copying the std::functions.
  using DocObserver = std::function<void(const TransactionResult&)>;
  std::vector<std::pair<Doc::ObserverId, std::shared_ptr<const DocObserver>>> observers;
  // The ids of the observers registered with ResultStates::Eager (few: a linear list).
  std::vector<Doc::ObserverId> eager_observers;
  // The result being announced whose states are not filled yet, and its transaction
  // (TransactionResult::fill_states(); txn/transaction.cpp).
  TransactionResult* pending_result = nullptr;
  const TxnState* pending_txn = nullptr;
  Doc::ObserverId next_observer_id = 1;
  // Types with at least one type-level observer (Branch::observers non-empty): zero
  // means commits skip events entirely. Subscription ids come from next_observer_id.
  uint64_t observed_types = 0;
  // Yjs 'afterTransaction' listeners (UndoManagers), in registration order.
  std::vector<std::weak_ptr<TxnListener>> txn_listeners;

  OffsetKind offset_kind() const { return options.offset_kind; }
  const std::string* intern(std::string_view key);
  // A map item's parent: `b` and the interned `key` (parent_ref.h). `key` must come from
  // intern(); the second form interns it.
  ParentRef parent_ref(Branch* b, const std::string* key);
  ParentRef parent_ref(Branch* b, std::string_view key) { return parent_ref(b, intern(key)); }
  Branch* new_branch(TypeKind kind);
  Branch* root(std::string_view name, TypeKind kind);  // creates; converts Undefined

  // The open transaction. REQUIRES: txn_depth > 0.
  TxnState& t() { return *txn; }

  // Next free clock of this document's client.
  Clock next_clock() const { return store.state(client_id); }
};

// A random 32-bit client id (Yjs generateNewClientId).
ClientId random_client_id();

}  // namespace crdtcore::detail
