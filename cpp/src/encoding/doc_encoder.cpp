// doc_encoder.cpp — writing a document's structs and delete sets as v1 updates.
// Port of yjs src/utils/encoding.js (writeStructs, writeClientsStructs,
// writeStateAsUpdate), src/structs/Item.js#write and GC.js#write.
#include <algorithm>
#include <atomic>
#include <utility>
#include <variant>
#include <vector>

#include "core/branch.h"
#include "core/doc_state.h"
#include "core/item.h"
#include "crdtcore/update.h"
#include "encoding/doc_codec.h"
#include "encoding/struct_codec.h"
#include "util/lib0_writer.h"

namespace crdtcore::detail {

namespace {

// Room left in an update's buffer for its delete set (grown when it needs more).
constexpr size_t kDeleteSetShare = 1024;

// (client, first clock to write) pairs, clients ascending and unique.
using ClientClocks = std::vector<std::pair<ClientId, Clock>>;

void write_item(Lib0Writer& w, const Item& item, uint64_t offset) {
  if (item.is_gc()) {
    w.write_u8(kRefGC);
    w.write_var_uint(item.length() - offset);
    return;
  }
  const bool has_origin = offset > 0 || item.has_origin();
  const Id origin = offset > 0 ? Id{item.id.client, item.id.clock + offset - 1} : item.origin;
  const bool has_right = item.has_right_origin();
  uint8_t info = content_ref(item.content) & kInfoRefMask;
  if (has_origin) info |= kInfoHasOrigin;
  if (has_right) info |= kInfoHasRightOrigin;
  if (item.parent_sub() != nullptr) info |= kInfoHasParentSub;
  w.write_u8(info);
  if (has_origin) {
    w.write_var_uint(origin.client);
    w.write_var_uint(origin.clock);
  }
  if (has_right) {
    w.write_var_uint(item.right_origin.client);
    w.write_var_uint(item.right_origin.clock);
  }
  if (!has_origin && !has_right) {
    const Branch* parent = item.parent();
    if (parent != nullptr && parent->item != nullptr) {
      w.write_var_uint(0);
      w.write_var_uint(parent->item->id.client);
      w.write_var_uint(parent->item->id.clock);
    } else {
      w.write_var_uint(1);
      w.write_var_string(parent != nullptr ? parent->root_name : std::string());
    }
    if (item.parent_sub() != nullptr) w.write_var_string(*item.parent_sub());
  }
  // Strings are most structs of a text document: written without the visit.
  if (const auto* str = content_if<ContentString>(item.content)) {
    w.write_var_string_utf16(std::u16string_view(str->str).substr(offset));
  } else {
    write_content_v1(w, item.content, offset);
  }
}

// The first clock write_structs writes of `list` when asked for `clock` on (the list may
// start later: its first structs can be merged away into a GC run that starts there).
Clock first_written_clock(const ItemList& list, Clock clock) {
  return std::max(clock, list.front()->id.clock);
}

// Writes the structs of `client` from `clock` on (Yjs writeStructs).
void write_structs(Lib0Writer& w, const ItemList& list, ClientId client, Clock clock) {
  clock = first_written_clock(list, clock);
  const size_t start = StructStore::find_index(list, clock);
  w.write_var_uint(list.size() - start);
  w.write_var_uint(client);
  w.write_var_uint(clock);
  const Item& first = *list[start];
  write_item(w, first, clock - first.id.clock);
  for (size_t i = start + 1; i < list.size(); ++i) write_item(w, *list[i], 0);
}

// About the bytes write_clients_structs(from) writes, so that one buffer of this size (and
// the delete set's share) takes the whole update: a struct's header (info, an origin or a
// parent: ~9 bytes; its content's length prefix) plus its content, one byte per unit (ASCII
// text). A guess, not a bound: the buffer still grows past it. Plus the slack
// Lib0Writer::write_var_string_utf16 needs behind the longest string (3 bytes per unit
// before it knows the real length), so that the last string does not regrow the buffer.
size_t estimate_structs_size(const StructStore& store, const ClientClocks& from) {
  constexpr size_t kStructHeader = 10;
  size_t bytes = 16;
  uint64_t longest = 0;
  for (const auto& [client, clock] : from) {
    // Only the structs that will be written: a diff against a state vector writes the
    // tail of each list, and must not walk (or reserve for) the whole document.
    const ItemList& list = *store.list(client);
    const size_t start = StructStore::find_index(list, first_written_clock(list, clock));
    bytes += 16 + (list.size() - start) * kStructHeader;
    for (size_t i = start; i < list.size(); ++i) {
      const Item* item = list[i];
      if (!content_is<ContentString>(item->content)) continue;
      bytes += item->length();
      longest = std::max(longest, item->length());
    }
  }
  return bytes + 2 * longest + 16;
}

// `from`: client -> first clock to write; written with clients descending.
void write_clients_structs(Lib0Writer& w, const StructStore& store, const ClientClocks& from) {
  w.write_var_uint(from.size());
  for (auto it = from.rbegin(); it != from.rend(); ++it) {
    write_structs(w, *store.list(it->first), it->first, it->second);
  }
}

// The pending structs diffed against `target` (Yjs: diffUpdate(pendingStructs.update,
// targetSV), the empty state vector when there is no target).
Bytes pending_structs_update(const DocImpl& doc, const StateVector* target) {
  const Bytes sv = target != nullptr ? target->encode() : Bytes{0};
  return diff_update(doc.pending_structs.update, sv);
}

}  // namespace

DeleteSet delete_set_from_store(const DocImpl& doc) {
  DeleteSet ds;
  for (const auto& [client, list] : doc.store.clients()) {
    for (size_t i = 0; i < list.size(); ++i) {
      const Item* s = list[i];
      if (!s->deleted()) continue;
      const Clock clock = s->id.clock;
      uint64_t len = s->length();
      while (i + 1 < list.size() && list[i + 1]->deleted()) {
        len += list[i + 1]->length();
        ++i;
      }
      ds.add(client, clock, len);
    }
  }
  return ds;
}

Bytes encode_doc_state(DocImpl& doc, const StateVector* target) {
  ClientClocks from;
  from.reserve(doc.store.clients().size());
  for (const auto& [client, list] : doc.store.clients()) {
    if (list.empty()) continue;
    const Clock start = target != nullptr ? target->get(client) : 0;
    if (list.back()->end() > start) from.emplace_back(client, start);
  }
  std::sort(from.begin(), from.end());  // clients are unique
  Lib0Writer w;
  w.reserve(estimate_structs_size(doc.store, from) + kDeleteSetShare);
  write_clients_structs(w, doc.store, from);
  write_delete_set_v1(w, delete_set_from_store(doc));
  Bytes main = w.take();
  if (doc.pending_structs.empty() && doc.pending_ds.empty()) return main;
  std::vector<Bytes> parts{std::move(main)};
  if (!doc.pending_ds.empty()) {
    Lib0Writer pw;
    pw.write_var_uint(0);
    write_delete_set_v1(pw, doc.pending_ds);
    parts.push_back(pw.take());
  }
  if (!doc.pending_structs.empty()) parts.push_back(pending_structs_update(doc, target));
  return merge_updates(parts);
}

Bytes encode_txn_update(DocImpl& doc, const TxnState& txn) {
  Bytes out;
  encode_txn_update_into(doc, txn, out);
  return out;
}

void encode_txn_update_general(const DocImpl& doc, const TxnState& txn, Bytes& out) {
  // before_clocks is sorted by client: so is `from`. Reused (cleared, its capacity kept).
  thread_local ClientClocks from;
  from.clear();
  for (const auto& [client, before] : txn.before_clocks) {
    if (doc.store.state(client) > before) from.emplace_back(client, before);
  }
  Lib0Writer w(std::move(out));  // starts with room for a keystroke's update (64 bytes)
  write_clients_structs(w, doc.store, from);
  write_delete_set_v1(w, txn.delete_set);
  out = w.take();
}

namespace {

// TxnUpdateCheck's state: the counts while one exists.
std::atomic<TxnUpdateCheck::Counts*> g_check{nullptr};

}  // namespace

TxnUpdateCheck::TxnUpdateCheck() { g_check.store(new Counts{}); }
TxnUpdateCheck::~TxnUpdateCheck() { delete g_check.exchange(nullptr); }
TxnUpdateCheck::Counts TxnUpdateCheck::counts() const { return *g_check.load(); }

void encode_txn_update_into(DocImpl& doc, const TxnState& txn, Bytes& out) {
  // Every observed transaction is encoded: most take the direct writer.
  if (encode_txn_update_direct(doc, txn, out)) {
    if (TxnUpdateCheck::Counts* check = g_check.load(std::memory_order_relaxed)) {
      Bytes general;
      encode_txn_update_general(doc, txn, general);
      ++check->direct;
      if (general != out) ++check->mismatches;
    }
    return;
  }
  if (TxnUpdateCheck::Counts* check = g_check.load(std::memory_order_relaxed)) ++check->general;
  encode_txn_update_general(doc, txn, out);
}

}  // namespace crdtcore::detail
