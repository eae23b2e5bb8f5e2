// transaction.cpp — see transaction.h.
#include "txn/transaction.h"

#include <exception>
#include <memory>
#include <utility>
#include <vector>

#include "core/local_append.h"
#include "crdtcore/error.h"
#include "crdtcore/events.h"
#include "encoding/doc_codec.h"
#include "txn/cleanup.h"

namespace crdtcore::detail {

void begin(DocImpl& doc, Origin origin) {
  // An observer opens a transaction while a result's states wait to be filled: fill them
  // before the transaction changes what they are computed from.
  if (doc.pending_result != nullptr) fill_pending_result(doc);
  if (doc.txn_depth > 0) {
    if (origin != nullptr && origin != doc.txn->origin) {
      throw InvalidState(
          "another transaction is open on this document; "
          "call doc.transaction() inside it to join it");
    }
    ++doc.txn_depth;
    return;
  }
  if (doc.spare_txn) {
    doc.txn = std::move(doc.spare_txn);
    doc.txn->reset();
  } else {
    doc.txn = std::make_unique<TxnState>();
  }
  doc.txn->origin = origin;
  doc.txn_depth = 1;
}

// before_state, after_state and delete_set of `result`, the announcement of `t`.
void fill_states(DocImpl& doc, const TxnState& t, TransactionResult& result) {
  doc.store.state_vector_into(result.after_state);
  result.before_state.refill([&](StateVector::Entries& before) {
    // the after state's clients, ascending: stays sorted
    for (const auto& [client, clock] : result.after_state.entries()) {
      auto it = t.before_clocks.find(client);
      const Clock b = it == t.before_clocks.end() ? clock : it->second;
      if (b > 0) before.emplace_back(client, b);
    }
  });
  result.delete_set = t.delete_set;
}

void fill_pending_result(DocImpl& doc) {
  TransactionResult& result = *std::exchange(doc.pending_result, nullptr);
  ResultAccess::pending(result) = nullptr;
  fill_states(doc, *doc.pending_txn, result);
  doc.pending_txn = nullptr;
}

namespace {

// Ends an announcement whose result's states were left for later (ResultStates::OnRead)
// and not filled: unlinks the result from the document, which recycles the transaction
// afterwards (a result an observer kept has been filled before; notify()).
class PendingStates {
 public:
  explicit PendingStates(DocImpl& doc) : doc_(doc) {}
  ~PendingStates() {
    if (doc_.pending_result == nullptr) return;
    ResultAccess::pending(*doc_.pending_result) = nullptr;
    doc_.pending_result = nullptr;
    doc_.pending_txn = nullptr;
  }
  PendingStates(const PendingStates&) = delete;
  PendingStates& operator=(const PendingStates&) = delete;

 private:
  DocImpl& doc_;
};

// Calls the observers with what `t` did; returns the first exception one raised.
std::exception_ptr notify(DocImpl& doc, const TxnState& t) {
  if (doc.observers.empty()) return nullptr;  // the common case: nobody to tell
  const bool changed = !t.delete_set.empty() || !t.before_clocks.empty();
  if (!changed) return nullptr;
  // Built in a shared_ptr: an observer that keeps the result (the Python events) shares it.
  // The previous one is refilled when nobody kept it (its storage reused).
  std::shared_ptr<TransactionResult> shared = std::move(doc.spare_result);
  if (!shared || shared.use_count() != 1) shared = std::make_shared<TransactionResult>();
  TransactionResult& result = *shared;
  result.origin = t.origin;
  result.local = t.local;
  encode_txn_update_into(doc, t, result.update);
  PendingStates pending(doc);
  if (!doc.eager_observers.empty()) {
    fill_states(doc, t, result);
  } else {
    // Every observer asks for the states when it reads them (ResultStates::OnRead).
    ResultAccess::pending(result) = &doc;
    doc.pending_result = &result;
    doc.pending_txn = &t;
  }
  std::exception_ptr first;
  auto call = [&](const DocImpl::DocObserver& fn) {
    try {
      fn(result);
    } catch (...) {
      if (!first) first = std::current_exception();
    }
  };
  // Observers may (un)subscribe while running: call the ones registered now, each kept
  // alive by its own reference (the usual single observer needs no snapshot vector).
  if (doc.observers.size() == 1) {
    const std::shared_ptr<const DocImpl::DocObserver> only = doc.observers.front().second;
    call(*only);
  } else {
    std::vector<std::shared_ptr<const DocImpl::DocObserver>> snapshot;
    snapshot.reserve(doc.observers.size());
    for (const auto& entry : doc.observers) snapshot.push_back(entry.second);
    for (const auto& fn : snapshot) call(*fn);
  }
  // A result an observer kept gets its states before the transaction is recycled.
  if (doc.pending_result == &result && shared.use_count() > 1) fill_pending_result(doc);
  doc.spare_result = std::move(shared);
  return first;
}

// Marks `origin` as the committing transaction's for the duration of its announcement
// (Doc::transaction_origin() inside observers); restores the previous one after, so a
// transaction committed by an observer does not clobber its caller's.
class Committing {
 public:
  Committing(DocImpl& doc, Origin origin) : doc_(doc), saved_(doc.committing_origin) {
    doc.committing_origin = origin;
  }
  ~Committing() { doc_.committing_origin = saved_; }
  Committing(const Committing&) = delete;
  Committing& operator=(const Committing&) = delete;

 private:
  DocImpl& doc_;
  Origin saved_;
};

}  // namespace

namespace {

// Finishes committed transaction `t` (steps 1-5 of transaction.h), then the transactions
// it made (the events' delta clean-up, the formatting clean-up), each the same way.
void finish(DocImpl& doc, TxnState& t, std::vector<std::exception_ptr>& event_errors,
            std::exception_ptr& first) {
  // The steps below that read this transaction's structs see Yjs's (core/local_append.h).
  if (appends_need_split(doc, t)) split_local_appends(doc, t);
  // Type-level events first, on the transaction's content before GC (Yjs calls the
  // type observers before its formatting clean-up and GC).
  std::unique_ptr<TxnState> delta_cleanup;
  if (doc.observed_types > 0 && doc.hooks.dispatch_events != nullptr) {
    Committing committing(doc, t.origin);
    t.delete_set.sort_and_merge();
    delta_cleanup = doc.hooks.dispatch_events(doc, t, event_errors);
  }
  // Yjs 'afterTransaction' (UndoManagers): after the type observers, before the
  // formatting clean-up; what they change is a transaction of its own, finished after.
  std::vector<std::unique_ptr<TxnState>> listener_txns;
  if (!doc.txn_listeners.empty()) {
    Committing committing(doc, t.origin);
    t.delete_set.sort_and_merge();
    const auto listeners = doc.txn_listeners;  // listeners may come and go meanwhile
    for (const auto& weak : listeners) {
      if (std::shared_ptr<TxnListener> l = weak.lock()) {
        if (auto x = l->after_transaction(doc, t, event_errors))
          listener_txns.push_back(std::move(x));
      }
    }
  }
  // Yjs runs the formatting clean-up of a remote transaction before its GC step and
  // announces it as a transaction of its own (no origin) afterwards.
  std::unique_ptr<TxnState> followup;
  if (t.remote_applied && doc.hooks.after_remote != nullptr) {
    followup = doc.hooks.after_remote(doc, t);
  }
  cleanup_transaction(doc, t);
  // Another peer used our client id: pick a new one (Yjs does the same).
  if (t.own_client_from_remote) doc.client_id = random_client_id();
  {
    Committing committing(doc, t.origin);
    std::exception_ptr e = notify(doc, t);
    if (!first) first = e;
  }
  if (delta_cleanup) finish(doc, *delta_cleanup, event_errors, first);
  for (auto& x : listener_txns) finish(doc, *x, event_errors, first);
  if (followup) finish(doc, *followup, event_errors, first);
}

// Whether nothing but the clean-up reads committed transaction `t`: no Doc observers, no
// type observers, no 'afterTransaction' listeners, and no update applied in it (so no
// formatting clean-up, no client id change, and its appends stay unsplit:
// appends_need_split() is false). Then finish() would do exactly cleanup_transaction().
bool is_quiet(const DocImpl& doc, const TxnState& t) {
  return doc.observers.empty() && doc.observed_types == 0 && doc.txn_listeners.empty() &&
         !t.remote_applied && !t.own_client_from_remote;
}

// commit() of a transaction that is not quiet: every step (out of line, so that the quiet
// path does not pay for its frame).
[[gnu::noinline]] void commit_observed(DocImpl& doc) {
  std::unique_ptr<TxnState> t = std::move(doc.txn);
  std::vector<std::exception_ptr> event_errors;
  std::exception_ptr first;
  finish(doc, *t, event_errors, first);
  if (t->worth_keeping()) doc.spare_txn = std::move(t);
  if (!event_errors.empty()) {
    if (first) event_errors.push_back(first);
    throw ObserverErrors(std::move(event_errors));
  }
  if (first) std::rethrow_exception(first);
}

}  // namespace

void commit(DocImpl& doc) {
  if (doc.txn_depth == 0) throw InvalidState("commit without an open transaction");
  if (--doc.txn_depth > 0) return;
  if (!is_quiet(doc, *doc.txn)) {
    commit_observed(doc);
    return;
  }
  // The common local edit: steps 1-2 and 4-5 have nothing to do, and no user code runs.
  cleanup_transaction(doc, *doc.txn);
  if (doc.txn->worth_keeping()) {
    // begin() took the spare, so this is a move into an empty slot, without the call that
    // a move assignment makes to destroy what the slot held.
    doc.txn.swap(doc.spare_txn);
    if (doc.txn) doc.txn.reset();
  } else {
    doc.txn.reset();
  }
}

}  // namespace crdtcore::detail
