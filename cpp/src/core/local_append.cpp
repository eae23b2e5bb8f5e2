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

bool try_local_append(DocImpl& doc, TxnState& txn, Branch* b, Item* left, Item* right,
                      const ContentString& content) {
  // Readers of the open transaction's structs would make us split again at commit.
  if (doc.observed_types > 0 || !doc.txn_listeners.empty() || txn.remote_applied) return false;
  if (left == nullptr || content.str.empty() || left->right != right) return false;
  if (left->parent != b || left->parent_sub != nullptr) return false;
  // Kept and redone items do not merge in Yjs (redone), or would hand their kKeep to the
  // appended units should a split separate them again (keep).
  constexpr uint8_t kNoMerge = Item::kDeleted | Item::kGc | Item::kKeep | Item::kRedone;
  if ((left->flags & kNoMerge) != 0 || !left->countable()) return false;
  auto* s = std::get_if<ContentString>(&left->content);
  if (s == nullptr) return false;
  // The new item would be the client's next struct, right after `left` ...
  if (left->id.client != doc.client_id || left->end() != doc.next_clock()) return false;
  // ... with the same right origin (right's first unit, or none at the end of the list).
  if (right != nullptr) {
    if (!left->has_right_origin() || left->right_origin != right->id) return false;
  } else if (left->has_right_origin()) {
    return false;
  }
  // Items in a deleted type are deleted on integration (not mergeable with a live left).
  if (b->item != nullptr && b->item->deleted()) return false;
  // Surrogate halves meeting at the seam change the length in code points and UTF-8
  // bytes; rare enough to leave to the ordinary path.
  if (is_high_surrogate(s->str.back()) || is_low_surrogate(content.str.front())) return false;

  const ClientId client = left->id.client;
  if (txn.before_clocks.find(client) == txn.before_clocks.end()) {
    txn.set_before_clock(client, left->end());
  }
  txn.append_seams.push_back(left->end());
  txn.appended_client = client;
  s->str += content.str;
  s->offset_len += content.offset_len;
  left->length += content.str.size();
  b->length += content.str.size();
  b->offset_length += content.offset_len;
  txn.note_changed(b, nullptr);
  return true;
}

void split_local_appends(DocImpl& doc, TxnState& txn) {
  for (const Clock seam : txn.append_seams) {
    get_item_clean_start(doc, &txn, Id{txn.appended_client, seam});
  }
  txn.append_seams.clear();
}

}  // namespace crdtcore::detail
