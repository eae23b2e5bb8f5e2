// transaction.h — the transaction driver: opening, joining and committing transactions,
// and handing each committed transaction to the observers (yjs src/utils/Transaction.js:
// transact, cleanupTransactions' order of work; src/utils/Doc.js: the 'update' event).
//
// One commit path: every transaction, opened by a Doc::begin_transaction() call, by an
// AutoTxn inside an editing call or by apply_update, ends in commit(), which
//   1. calls the type-level observers (CommitHooks::dispatch_events; only while some
//      type is observed), on the content before GC, as Yjs does,
//   1b. calls the 'afterTransaction' listeners (DocImpl::txn_listeners: UndoManagers;
//      only while one exists), with the delete set sorted and merged,
//   2. runs the type layer's clean-up after remote updates (CommitHooks::after_remote),
//   3. cleans up (txn/cleanup.h: GC, struct merging),
//   4. announces it to the observers (TransactionResult with the transaction's origin;
//      its states filled first, or, when every observer is ResultStates::OnRead, when
//      fill_states() asks, when a transaction opens meanwhile (an observer's edit), or
//      at the end of the announcement if an observer kept the result),
//   5. then finishes the same way the transactions steps 1, 1b and 2 made, in that order
//      (Yjs's queue of transactions opened during clean-up): step 1's deletes the format
//      items Yjs's text delta computation deletes, step 2's is the formatting clean-up.
// A quiet transaction (nobody observes the document or its types, no listener, no update
// applied in it: most local edits) has only step 3 to do, and commit() does only that.
// Exceptions: when type-level callbacks threw, ObserverErrors (crdtcore/events.h) with
// all of them (and the first Doc observer's); otherwise the first Doc observer's.
#pragma once

#include <exception>

#include "core/doc_state.h"
#include "crdtcore/doc.h"

namespace crdtcore::detail {

// Opens a transaction or joins the open one (depth + 1). Throws InvalidState when a
// transaction is open and `origin` is non-null and differs from its origin.
void begin(DocImpl& doc, Origin origin = nullptr);
// Leaves one level; the outermost commit finishes the transaction (steps above).
// Observer exceptions are rethrown (see above) after everything has run.
void commit(DocImpl& doc);

// Fills the states of the result being announced (DocImpl::pending_result), from the
// announced transaction and the store as they are until the announcement ends or a
// transaction opens. REQUIRES: doc.pending_result != nullptr.
void fill_pending_result(DocImpl& doc);

// Sets and reads TransactionResult's private link to the document that will fill it.
struct ResultAccess {
  static DocImpl*& pending(const TransactionResult& r) { return r.pending_; }
};

// Opens a transaction for the duration of one API call unless one is open.
class AutoTxn {
 public:
  // Opens a transaction with `origin`, or joins the open one (begin()'s rule: a non-null
  // origin must be the open transaction's; InvalidState otherwise).
  explicit AutoTxn(DocImpl& d, Origin origin = nullptr) : d_(d), owns_(d.txn_depth == 0) {
    begin(d_, origin);
    if (!owns_) --d_.txn_depth;  // joined: the depth stays the caller's
  }
  ~AutoTxn() {
    if (owns_) {
      try {
        commit(d_);
      } catch (...) {
      }
    }
  }
  bool owns() const { return owns_; }
  // Commits now (observer exceptions propagate).
  void done() {
    if (owns_) {
      owns_ = false;
      commit(d_);
    }
  }
  TxnState& t() { return d_.t(); }
  AutoTxn(const AutoTxn&) = delete;
  AutoTxn& operator=(const AutoTxn&) = delete;

 private:
  DocImpl& d_;
  bool owns_;
};

}  // namespace crdtcore::detail
