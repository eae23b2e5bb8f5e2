// transaction.h — TxnState: what one transaction did, and its cleanup
// (Yjs src/utils/Transaction.js: cleanupTransactions, tryGcDeleteSet,
// tryMergeDeleteSet, tryToMergeWithLefts).
#pragma once

#include <map>
#include <memory>
#include <unordered_set>
#include <vector>

#include "crdtcore/delete_set.h"
#include "crdtcore/id.h"

namespace crdtcore::detail {

struct Branch;
class DocImpl;

struct TxnState {
  bool local = true;        // false when apply_update opened the transaction itself
  bool remote_applied = false;   // an update was applied in this transaction
  bool own_client_from_remote = false;  // remote data advanced our own client's clock
  // Clock of each client at its first change in this transaction (clients that
  // changed state). Clients never seen before start at 0.
  std::map<ClientId, Clock> before_clocks;
  DeleteSet delete_set;
  // Right halves created by splits; merged back at cleanup when possible. Held by
  // id because the item may have been merged away before cleanup looks at it.
  std::vector<Id> merge_structs;
  std::unordered_set<Branch*> changed;

  // Makes the state reusable for the next transaction (keeps allocations).
  void reset() {
    local = true;
    remote_applied = false;
    own_client_from_remote = false;
    before_clocks.clear();
    delete_set.clients().clear();
    merge_structs.clear();
    changed.clear();
  }
};

// Runs the cleanup of a finished transaction: sorts the delete set, garbage-collects
// (when enabled) and merges adjacent structs, exactly in Yjs's order.
void cleanup_transaction(DocImpl& doc, TxnState& txn);

// Yjs tryToMergeWithLefts: merges structs[pos] into its left neighbours while
// possible; returns how many structs were merged away (and freed).
size_t try_merge_with_lefts(DocImpl& doc, class ItemList& list, size_t pos);

}  // namespace crdtcore::detail
