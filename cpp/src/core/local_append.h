// local_append.h — typing without a new Item: text inserted right after the document's
// own newest string item, in the gap that item was made in, is appended to that item at
// once, instead of becoming an item that the transaction's clean-up merges into it.
//
// Yjs creates an item per insertion and merges it into its left neighbour when the
// transaction ends (cleanupTransactions, tryToMergeWithLefts). try_local_append() appends
// only where that merge is certain, so the structs after the commit are Yjs's: the
// conditions are Yjs's merge conditions (same client, adjacent clocks, the new item's
// origin is the left item's last unit, the same right origin, left->right is the new
// item, neither deleted, kept or redone), and whatever the transaction does later to the
// appended range splits at the seam into exactly the item Yjs made (split_item gives the
// right half the origin, right origin and flags the new item had).
//
// Until the commit only readers of the open transaction's structs could tell the
// difference (Yjs keeps one item per insertion until then): type observers and
// UndoManagers (they run before the clean-up), the formatting clean-up after remote
// updates, and encoding inside a transaction. For them split_local_appends() cuts the
// items at every clock where an append started, which restores Yjs's structs exactly;
// the clean-up then merges as Yjs does.
//
// Thread safety: none (part of the document's state, one thread at a time).
#pragma once

#include "core/content.h"
#include "crdtcore/id.h"

namespace crdtcore::detail {

struct Branch;
struct Item;
struct TxnState;
class DocImpl;

// Appends `content` to `left` (in `b`'s list, with `right` its right neighbour) when Yjs
// would merge an item inserted there into `left` at commit, and returns true; returns
// false and changes nothing otherwise (the caller then inserts an item). Keeps the
// branch's lengths, the transaction's before clocks and changed types as integrating
// the item would. `content` is copied (the caller still owns it).
// REQUIRES: an open transaction `txn`; left == nullptr or left->right == right.
bool try_local_append(DocImpl& doc, TxnState& txn, Branch* b, Item* left, Item* right,
                      const ContentString& content);

// The same for an item of another client that an update brings (`id`, `origin`, right
// origin as on the wire; `left`, `right` and `b` as resolved for integrating it, before
// the conflict loop): when Yjs would integrate it right after `left` and merge it into
// `left` at commit, appends `content` to `left` and returns true. Refused for our own
// client id, formatted text, and while readers of the transaction's structs exist.
bool try_remote_append(DocImpl& doc, TxnState& txn, Branch* b, Item* left, Item* right,
                       const Id& id, const Id& origin, bool has_right_origin,
                       const Id& right_origin, const ContentString& content);

// Whether the commit of `txn` must split its appends before its clean-up steps: type
// observers or UndoManagers will read its structs, or an update was applied in it and
// either we appended our own text (local appends stay Yjs's structs for every reader of a
// transaction with remote data, as before) or formatted text changed (the formatting
// clean-up walks the new structs).
bool appends_need_split(const DocImpl& doc, const TxnState& txn);

// Restores Yjs's structs of the open transaction `txn`: splits the items at every clock
// where try_local_append appended in it (the seams are then forgotten). Cheap when it
// did not append; harmless to call twice.
void split_local_appends(DocImpl& doc, TxnState& txn);

}  // namespace crdtcore::detail
