// cleanup.h — the clean-up of a finished transaction (yjs src/utils/Transaction.js:
// cleanupTransactions, tryMergeDeleteSet, tryToMergeWithLefts).
#pragma once

#include <cstddef>

namespace crdtcore::detail {

class DocImpl;
class ItemList;
struct TxnState;

// Runs the cleanup of a finished transaction: sorts the delete set, garbage-collects
// (when enabled; gc.h) and merges adjacent structs, exactly in Yjs's order. Returns at once
// when that would change nothing (no deletion, no split, no new struct that could merge
// with its left neighbour: typing appended to the newest struct).
void cleanup_transaction(DocImpl& doc, TxnState& txn);

// Yjs tryToMergeWithLefts: merges structs[pos] into its left neighbours while
// possible; returns how many structs were merged away (and freed).
size_t try_merge_with_lefts(DocImpl& doc, ItemList& list, size_t pos);

}  // namespace crdtcore::detail
