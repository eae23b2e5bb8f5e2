// txn_state.h — TxnState: what one transaction did so far (Yjs Transaction's fields:
// beforeState, deleteSet, _mergeStructs, changed). Plain state; the driver that opens,
// commits and cleans up transactions lives in txn/.
#pragma once

#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "crdtcore/delete_set.h"
#include "crdtcore/doc.h"
#include "crdtcore/id.h"
#include "util/small_flat.h"

namespace crdtcore::detail {

struct Branch;

struct TxnState {
  Origin origin = nullptr;      // who made it (Doc::begin_transaction); null when nobody said
  bool local = true;            // false when apply_update opened the transaction itself
  bool remote_applied = false;  // an update was applied in this transaction
  bool own_client_from_remote = false;  // remote data advanced our own client's clock
  // Clocks of `appended_client` where text was appended to an existing item
  // (core/local_append.h): each is where Yjs's item for that insertion starts, and
  // split_local_appends() splits there to restore Yjs's structs.
  std::vector<Clock> append_seams;
  ClientId appended_client = 0;
  // Clock of each client at its first change in this transaction (clients that
  // changed state). Clients never seen before start at 0. Ascending by client.
  SortedVecMap<ClientId, Clock> before_clocks;
  DeleteSet delete_set;
  // Right halves created by splits; merged back at cleanup when possible. Held by
  // id because the item may have been merged away before cleanup looks at it.
  std::vector<Id> merge_structs;
  // Types whose content changed (Yjs transaction.changed): the set, the order in
  // which they were first changed (a type erased from the set stays listed), and for
  // keyed content the interned keys that changed. Yjs records only types that existed
  // before the transaction and were not deleted; readers apply that rule
  // (api/events.cpp, types/text_cleanup.cpp).
  PtrSet<Branch> changed;
  std::vector<Branch*> changed_order;
  std::unordered_map<Branch*, std::unordered_set<const std::string*>> changed_keys;

  void note_changed(Branch* b, const std::string* key) {
    if (changed.insert(b)) changed_order.push_back(b);
    if (key != nullptr) changed_keys[b].insert(key);
  }

  // Records `clock` as `client`'s clock before this transaction. REQUIRES: the client
  // has no entry in before_clocks yet.
  void set_before_clock(ClientId client, Clock clock) { before_clocks.emplace(client, clock); }

  // Whether the committed state is small enough to keep as the document's spare: a big
  // transaction (loading a whole document) would otherwise leave its vectors' capacity
  // allocated as long as the document lives (131 KB after loading automerge-paper).
  bool worth_keeping() const {
    constexpr size_t kMaxKept = 1024;
    if (merge_structs.capacity() > kMaxKept || append_seams.capacity() > kMaxKept ||
        changed_order.capacity() > kMaxKept) {
      return false;
    }
    for (const auto& entry : delete_set.clients()) {
      if (entry.second.capacity() > kMaxKept) return false;
    }
    return true;
  }

  // Makes the state reusable for the next transaction (keeps the vectors' capacity: a
  // transaction allocates nothing for them).
  void reset() {
    origin = nullptr;
    local = true;
    remote_applied = false;
    own_client_from_remote = false;
    append_seams.clear();
    before_clocks.clear();
    delete_set.clear();
    merge_structs.clear();
    changed.clear();
    changed_order.clear();
    if (!changed_keys.empty()) changed_keys.clear();  // clear() walks the buckets
  }
};

}  // namespace crdtcore::detail
