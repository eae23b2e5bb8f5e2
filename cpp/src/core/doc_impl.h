// doc_impl.h — DocImpl: the core behind a Doc handle: the struct store, root types,
// every branch, interned map keys, pending data, the open transaction and observers.
//
// Thread safety: none; one thread at a time.
#pragma once

#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "crdtcore/bytes.h"
#include "crdtcore/doc.h"
#include "core/branch.h"
#include "core/struct_store.h"
#include "encoding/struct_codec.h"
#include "txn/transaction.h"

namespace crdtcore::detail {

// Structs of received updates that could not be integrated yet, kept as ONE
// buffered v1 update (Yjs store.pendingStructs). The buffer is re-applied when some
// missing[c] < state(c), i.e. when client c has grown past the recorded clock.
struct PendingStructs {
  std::map<ClientId, Clock> missing;
  Bytes update;  // empty: nothing pending
  bool empty() const { return update.empty(); }
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

  // Structs waiting for their dependencies (Yjs store.pendingStructs).
  PendingStructs pending_structs;
  // Delete ranges for structs we do not have yet (Yjs store.pendingDs), ranges as
  // collected unless two leftovers were merged (see doc_decoder.cpp).
  DeleteSet pending_ds;

  std::unique_ptr<TxnState> txn;
  std::unique_ptr<TxnState> spare_txn;  // reused to avoid allocations per transaction
  int txn_depth = 0;
  uint64_t marker_epoch = 1;  // bumped by remote transactions: markers are dropped

  std::vector<std::pair<Doc::ObserverId, std::function<void(const TransactionResult&)>>> observers;
  Doc::ObserverId next_observer_id = 1;

  bool code_points() const { return options.offset_kind == OffsetKind::CodePoint; }
  const std::string* intern(std::string_view key);
  Branch* new_branch(TypeKind kind);
  Branch* root(std::string_view name, TypeKind kind);  // creates; converts Undefined

  void begin();
  // Finishes the outermost transaction: clean-up, then observers. Observer
  // exceptions are rethrown (the first) after everything has run.
  void commit();
  std::exception_ptr notify(const TxnState& t);
  // The open transaction. REQUIRES: txn_depth > 0.
  TxnState& t() { return *txn; }

  // Next free clock of this document's client.
  Clock next_clock() const { return store.state(client_id); }
};

// Opens a transaction for the duration of one API call unless one is open.
class AutoTxn {
 public:
  explicit AutoTxn(DocImpl& d) : d_(d), owns_(d.txn_depth == 0) { if (owns_) d_.begin(); }
  ~AutoTxn() {
    if (owns_) {
      try { d_.commit(); } catch (...) {}
    }
  }
  bool owns() const { return owns_; }
  // Commits now (observer exceptions propagate).
  void done() { if (owns_) { owns_ = false; d_.commit(); } }
  TxnState& t() { return d_.t(); }
  AutoTxn(const AutoTxn&) = delete;
  AutoTxn& operator=(const AutoTxn&) = delete;

 private:
  DocImpl& d_;
  bool owns_;
};

}  // namespace crdtcore::detail
