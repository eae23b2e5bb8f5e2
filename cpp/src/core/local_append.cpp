// local_append.cpp — see local_append.h. The merge conditions are Yjs's Item.mergeWith
// (src/structs/Item.js, v13.6) and tryToMergeWithLefts (src/utils/Transaction.js), checked
// when the text is inserted instead of when the transaction ends.
#include "core/local_append.h"

#include "core/branch.h"
#include "core/doc_state.h"
#include "core/integrate.h"
#include "core/item.h"
#include "util/utf.h"

namespace crdtcore::detail {

namespace {

// UTF-16 units of remote text appended to one client's items in one transaction.
constexpr uint64_t kMaxRemoteRun = 64;

// Yjs's merge conditions (Item.mergeWith) for an item of `client` inserted right after
// `left` (whose right neighbour is `right`) in `b`'s list, with `has_right_origin` and
// `right_origin` its right origin, and whether the appended text may join `left`'s.
bool can_append(const DocImpl& doc, const TxnState& txn, Branch* b, Item* left, Item* right,
                ClientId client, Clock clock, bool has_right_origin, const Id& right_origin,
                const ContentString& content) {
  // Readers of the open transaction's structs would make us split again at commit.
  if (doc.observed_types > 0 || !doc.txn_listeners.empty()) return false;
  if (left == nullptr || content.str.empty() || left->right != right) return false;
  if (left->parent() != b || left->parent_sub() != nullptr) return false;
  // Kept and redone items do not merge in Yjs (redone), or would hand their kKeep to the
  // appended units should a split separate them again (keep).
  constexpr uint8_t kNoMerge = Item::kDeleted | Item::kGc | Item::kKeep | Item::kRedone;
  if ((left->flags() & kNoMerge) != 0 || !left->countable()) return false;
  auto* s = content_if<ContentString>(left->content);
  if (s == nullptr) return false;
  // The new item is the client's next struct, right after `left` ...
  if (left->id.client != client || left->end() != clock) return false;
  // ... with the same right origin.
  if (left->has_right_origin() != has_right_origin) return false;
  if (has_right_origin && !(left->right_origin == right_origin)) return false;
  // One client's seams per transaction (TxnState::appended_client).
  if (!txn.append_seams.empty() && txn.appended_client != client) return false;
  // Items in a deleted type are deleted on integration (not mergeable with a live left).
  if (b->item != nullptr && b->item->deleted()) return false;
  // A string's lengths are 32-bit (text_buf.h).
  if (!strings_fit_together(*s, content)) return false;
  // Surrogate halves meeting at the seam change the length in code points and UTF-8
  // bytes; rare enough to leave to the ordinary path.
  return !is_high_surrogate(s->str.back()) && !is_low_surrogate(content.str.front());
}

void append(TxnState& txn, Branch* b, Item* left, const ContentString& content) {
  const ClientId client = left->id.client;
  if (txn.before_clocks.find(client) == txn.before_clocks.end()) {
    txn.set_before_clock(client, left->end());
  }
  txn.append_seams.push_back(left->end());
  txn.appended_client = client;
  auto& s = content_get<ContentString>(left->content);
  s.str += content.str;
  s.offset_len += content.offset_len;
  b->length += content.str.size();
  b->offset_length += content.offset_len;
  txn.note_changed(b, nullptr);
}

}  // namespace

bool try_local_append(DocImpl& doc, TxnState& txn, Branch* b, Item* left, Item* right,
                      const ContentString& content) {
  if (txn.remote_applied) return false;  // remote data in this transaction: split at commit
  // The right origin is right's first unit, or none at the end of the list.
  const Id right_origin = right != nullptr ? right->id : Id{};
  if (!can_append(doc, txn, b, left, right, doc.client_id, doc.next_clock(), right != nullptr,
                  right_origin, content)) {
    return false;
  }
  append(txn, b, left, content);
  return true;
}

bool try_remote_append(DocImpl& doc, TxnState& txn, Branch* b, Item* left, Item* right,
                       const Id& id, const Id& origin, bool has_right_origin,
                       const Id& right_origin, const ContentString& content) {
  if (id.client == doc.client_id || b->has_formatting) return false;
  if (left == nullptr || !(origin == left->last_id())) return false;
  if (!can_append(doc, txn, b, left, right, id.client, id.clock, has_right_origin, right_origin,
                  content)) {
    return false;
  }
  // A bounded run per transaction: an update can make the transaction split the appended
  // text at every seam (its delete set), and each split copies the text right of it, so an
  // unbounded run would cost quadratic time and memory (a chain of 10,000 one-unit items
  // with every other unit deleted). Past the bound, items are made and merged as in Yjs.
  if (!txn.append_seams.empty() && left->end() - txn.append_seams.front() >= kMaxRemoteRun) {
    return false;
  }
  append(txn, b, left, content);
  return true;
}

bool appends_need_split(const DocImpl& doc, const TxnState& txn) {
  if (txn.append_seams.empty()) return false;
  if (doc.observed_types > 0 || !doc.txn_listeners.empty()) return true;
  if (!txn.remote_applied) return false;
  // Our own appends in a transaction that then applied an update (Yjs's structs for
  // whatever reads them), or formatted text that the formatting clean-up will walk.
  if (txn.appended_client == doc.client_id) return true;
  for (const Branch* b : txn.changed) {
    if (b->has_formatting) return true;
  }
  return false;
}

void split_local_appends(DocImpl& doc, TxnState& txn) {
  for (const Clock seam : txn.append_seams) {
    get_item_clean_start(doc, &txn, Id{txn.appended_client, seam});
  }
  txn.append_seams.clear();
}

}  // namespace crdtcore::detail
