// doc_decoder.cpp — applying a v1 update to a document.
// Port of yjs src/utils/encoding.js (readUpdateV2, readClientsStructRefs,
// integrateStructs with addStackToRestSS, readAndApplyDeleteSet) and
// src/structs/Item.js#getMissing; restated from yjs-format.md §5.4 and §6.1.
//
// The update is decoded and validated completely before the document is touched,
// so malformed bytes leave it unchanged (api/doc.cpp decodes, then opens the transaction
// and integrates). Then, in that one remote transaction:
//
// 1. Structs are integrated client by client, highest client id first. A struct
//    whose dependency (origin, right origin or parent of another client) is missing
//    goes on a stack and the missing client's next struct of this update is tried
//    first (depth first). When a dependency cannot be met from this update, or a
//    client's earlier clocks are missing, the whole stack moves to the "rest": for
//    each stacked struct, its client's remaining structs of the update (from the
//    last one taken on) — exactly Yjs's addStackToRestSS, quirks included — and
//    `missing` records the lowest clock per client whose arrival is worth a retry.
// 2. The rest is kept as ONE buffered update (DocImpl::pending_structs, v1 bytes;
//    new rest is merged in with merge_updates, which is byte-exact with Yjs's
//    mergeUpdatesV2). The buffer is re-applied (recursively, same transaction)
//    only when some missing[c] < state(c) after this update's structs.
// 3. Delete ranges for content not yet present wait in DocImpl::pending_ds. Each
//    update re-applies them after its own delete set; when both leftovers are
//    non-empty they are merged (sorted, coalesced), otherwise whichever is kept as
//    collected — the split points this produces are observable, as in Yjs.
#include <algorithm>
#include <optional>
#include <utility>

#include "core/branch.h"
#include "core/doc_state.h"
#include "core/integrate.h"
#include "core/item.h"
#include "core/local_append.h"
#include "core/search_marker.h"
#include "crdtcore/update.h"
#include "encoding/doc_codec.h"
#include "encoding/struct_codec.h"
#include "util/lib0_writer.h"

namespace crdtcore::detail {

namespace {

bool is_missing(const DocImpl& doc, ClientId own, const Id& ref) {
  return ref.client != own && ref.clock >= doc.store.state(ref.client);
}

// Yjs getMissing, dependency part: the client whose struct is missing, if any.
std::optional<ClientId> missing_dependency(const DocImpl& doc, const DecodedStruct& s) {
  if (s.kind != DecodedStruct::Kind::Item) return std::nullopt;
  const ClientId own = s.id.client;
  if (s.has_origin && is_missing(doc, own, s.origin)) return s.origin.client;
  if (s.has_right_origin && is_missing(doc, own, s.right_origin)) return s.right_origin.client;
  if (s.parent_kind == DecodedStruct::ParentKind::Id && is_missing(doc, own, s.parent_id)) {
    return s.parent_id.client;
  }
  return std::nullopt;
}

// Neighbours and parent of an item whose dependencies exist.
struct Resolved {
  Item* left = nullptr;
  Id left_last;  // left's last id when it was found (before the right lookup may split it)
  Item* right = nullptr;
  Branch* parent = nullptr;  // null: the item becomes a GC struct
  ParentRef parent_ref;      // parent and map key, when parent is not null
};

// get_item_clean_end of an origin that exists. A document's structs are loaded in clock
// order and most continue a run that the previous struct of their client ended, so the
// origin is most often in that client's last struct: it is tried before the binary search.
Item* origin_clean_end(DocImpl& doc, TxnState& txn, const Id& origin) {
  Item* last = doc.store.list(origin.client)->back();
  if (origin.clock < last->id.clock) return get_item_clean_end(doc, &txn, origin);
  if (origin.clock != last->end() - 1 && !last->is_gc()) {
    split_item(doc, &txn, last, origin.clock - last->id.clock + 1);
  }
  return last;
}

// The right origin found last and its struct. Consecutive structs often share their right
// origin (a run of typing cut into several structs by deletions keeps the unit it was typed
// before). The answer does not change while structs are integrated: the struct starting at
// that id (or the GC struct holding it) is split only after its start and freed or merged
// only at cleanup.
struct RightOriginCache {
  Id id;
  Item* item = nullptr;
};

// Yjs getMissing, second part: finds (and splits) the neighbours, resolves the
// parent. Runs for duplicates too, as in Yjs (the splits are merged back at cleanup).
Resolved resolve(DocImpl& doc, TxnState& txn, const DecodedStruct& s, RightOriginCache& cache) {
  Resolved r;
  r.left = s.has_origin ? origin_clean_end(doc, txn, s.origin) : nullptr;
  // Yjs sets origin = left.lastId here; finding the right neighbour may then split `left`
  // (when both origins name the same unit, as redone items can), which keeps the origin.
  if (r.left != nullptr) r.left_last = r.left->last_id();
  if (s.has_right_origin) {
    if (cache.item == nullptr || !(cache.id == s.right_origin)) {
      cache.item = get_item_clean_start(doc, &txn, s.right_origin);
      cache.id = s.right_origin;
    }
    r.right = cache.item;
  }
  if ((r.left != nullptr && r.left->is_gc()) || (r.right != nullptr && r.right->is_gc())) {
    r.parent = nullptr;
  } else if (s.parent_kind == DecodedStruct::ParentKind::None) {
    if (r.left != nullptr) {
      r.parent_ref = r.left->parent_ref;
      r.parent = r.left->parent();
    } else if (r.right != nullptr) {
      r.parent_ref = r.right->parent_ref;
      r.parent = r.right->parent();
    }
  } else if (s.parent_kind == DecodedStruct::ParentKind::Root) {
    r.parent = doc.root(s.parent_name, TypeKind::Undefined);
    r.parent_ref = s.has_parent_sub ? doc.parent_ref(r.parent, s.parent_sub) : ParentRef(r.parent);
  } else {
    Item* parent_item = doc.store.find(s.parent_id);
    if (parent_item != nullptr && !parent_item->is_gc()) {
      if (auto* ct = content_if<ContentType>(parent_item->content)) r.parent = ct->branch;
    }
    if (r.parent != nullptr) {
      r.parent_ref =
          s.has_parent_sub ? doc.parent_ref(r.parent, s.parent_sub) : ParentRef(r.parent);
    }
  }
  if (r.parent != nullptr && r.parent->gc_dead) r.parent = nullptr;
  return r;
}

// Yjs Item.integrate / GC.integrate with `offset` (the first `offset` units are
// known already). Takes the content out of `s`.
void integrate_resolved(DocImpl& doc, TxnState& txn, DecodedStruct& s, const Resolved& r,
                        uint64_t offset) {
  if (s.id.client == doc.client_id) txn.own_client_from_remote = true;
  if (s.kind == DecodedStruct::Kind::GC) {
    integrate_gc(doc, Id{s.id.client, s.id.clock + offset}, s.length - offset);
    return;
  }
  Id id = s.id;
  uint64_t length = s.length;
  bool has_origin = s.has_origin;
  Item* left = r.left;
  Id origin = left != nullptr ? r.left_last : s.origin;
  Content* content = &s.content;  // moved into the item below
  Content rest;                   // with an offset: the part not known yet
  if (offset > 0) {
    id.clock += offset;
    left = get_item_clean_end(doc, &txn, Id{id.client, id.clock - 1});
    origin = left->last_id();
    has_origin = true;
    rest = content_splice(s.content, offset, doc.offset_kind());
    content = &rest;
    length -= offset;
  }
  if (r.parent == nullptr) {
    integrate_gc(doc, id, length);
    return;
  }
  // Text typed after the client's newest item: appended to it at once instead of becoming
  // an item that the commit merges into it (core/local_append.h).
  if (offset == 0 && left != nullptr) {
    if (const auto* str = content_if<ContentString>(*content);
        str != nullptr && try_remote_append(doc, txn, r.parent, left, r.right, id, origin,
                                            s.has_right_origin, s.right_origin, *str)) {
      markers_after_remote_change(r.parent, left, static_cast<int64_t>(str->offset_len));
      return;
    }
  }
  const bool countable = content_countable(*content);
  OwnedItem item = doc.store.new_item(std::move(*content));
  item->id = id;
  item->left = left;
  item->right = r.right;
  item->origin = origin;
  item->right_origin = r.right != nullptr ? r.right->id : s.right_origin;
  item->parent_ref = r.parent_ref;
  uint8_t flags = countable ? Item::kCountable : 0;
  if (has_origin) flags |= Item::kHasOrigin;
  if (s.has_right_origin) flags |= Item::kHasRightOrigin;
  item->set_flags(flags);
  Item* x = integrate_item(doc, txn, std::move(item));
  if (x->parent_sub() == nullptr && x->visible()) {
    markers_after_remote_change(x->parent(), x->left, static_cast<int64_t>(x->offset_length()));
  }
}

// What integrating `s` with `offset` does to the struct object in Yjs (id, length,
// origin and content trimmed); used when `s` may still be written to the rest.
void trim_like_yjs(DecodedStruct& s, uint64_t offset, OffsetKind kind) {
  if (offset == 0) return;
  s.id.clock += offset;
  s.length -= offset;
  if (s.kind != DecodedStruct::Kind::Item) return;
  s.has_origin = true;
  s.origin = Id{s.id.client, s.id.clock - 1};
  s.content = content_splice(s.content, offset, kind);
}

// One client's structs in an update (Yjs clientsStructRefs entry). The structs live
// in the DecodedUpdate; `removed` entries are gone from the map in Yjs's terms.
struct ClientRefs {
  std::vector<DecodedStruct>* refs = nullptr;
  size_t i = 0;  // next struct to take
  size_t n = 0;  // 0 once emptied by add_stack_to_rest
  bool removed = false;
  bool exhausted() const { return i >= n; }
  DecodedStruct* take() { return &(*refs)[i++]; }
};

// The update's clients ascending, each with its ClientRefs (Yjs's clientsStructRefs; a
// repeated client block replaces the earlier). Inline for the few clients an update
// usually has: applying a small update allocates nothing here.
class ClientTable {
 public:
  using Entry = std::pair<ClientId, ClientRefs>;

  explicit ClientTable(std::vector<std::pair<ClientId, std::vector<DecodedStruct>>>& blocks) {
    const size_t n = blocks.size();
    if (n > kInline) {
      heap_.resize(n);
      data_ = heap_.data();
    }
    for (size_t k = 0; k < n; ++k) {
      ClientRefs r;
      r.refs = &blocks[k].second;
      r.n = blocks[k].second.size();
      data_[k] = Entry(blocks[k].first, r);
    }
    // Stable by client, so for a repeated client the last block comes last and is kept
    // (a few entries: insertion sort, which allocates nothing; std::stable_sort may).
    const auto by_client = [](const Entry& a, const Entry& b) { return a.first < b.first; };
    if (n > kInline) {
      std::stable_sort(data_, data_ + n, by_client);
    } else {
      for (size_t k = 1; k < n; ++k) {
        for (size_t j = k; j > 0 && by_client(data_[j], data_[j - 1]); --j) {
          std::swap(data_[j], data_[j - 1]);
        }
      }
    }
    for (size_t k = 0; k < n; ++k) {
      if (size_ > 0 && data_[size_ - 1].first == data_[k].first) --size_;
      data_[size_++] = data_[k];
    }
  }
  ClientTable(const ClientTable&) = delete;
  ClientTable& operator=(const ClientTable&) = delete;

  size_t size() const { return size_; }
  Entry& operator[](size_t k) { return data_[k]; }
  // The client's refs, or null when the update has no block of it.
  ClientRefs* find(ClientId client) {
    Entry* end = data_ + size_;
    Entry* it = std::lower_bound(data_, end, client,
                                 [](const Entry& e, ClientId c) { return e.first < c; });
    return it != end && it->first == client ? &it->second : nullptr;
  }

 private:
  static constexpr size_t kInline = 4;
  Entry inline_[kInline];
  std::vector<Entry> heap_;
  Entry* data_ = inline_;
  size_t size_ = 0;
};

// Structs left over by integrate_structs: per client, the structs to write (clock
// consecutive), and the missing clocks.
struct Rest {
  std::map<ClientId, std::vector<const DecodedStruct*>> clients;
  std::map<ClientId, Clock> missing;
};

void lower_missing(std::map<ClientId, Clock>& missing, ClientId client, Clock clock) {
  auto [it, inserted] = missing.emplace(client, clock);
  if (!inserted && it->second > clock) it->second = clock;
}

// The rest as a v1 update (Yjs writeClientsStructs from clock 0, empty delete set).
Bytes encode_rest(const Rest& rest) {
  Lib0Writer w;
  w.write_var_uint(rest.clients.size());
  for (auto it = rest.clients.rbegin(); it != rest.clients.rend(); ++it) {
    const auto& list = it->second;
    w.write_var_uint(list.size());
    w.write_var_uint(it->first);
    w.write_var_uint(list.front()->id.clock);
    for (const DecodedStruct* s : list) write_struct_v1(w, *s, 0);
  }
  w.write_var_uint(0);
  return w.take();
}

// Yjs integrateStructs. Fills `rest` with what could not be integrated.
void integrate_structs(DocImpl& doc, TxnState& txn, DecodedUpdate& u, Rest& rest) {
  ClientTable refs(u.clients);
  // Clients are processed from the highest down; the ones before `next` are left. A client
  // moved to the rest (add_stack_to_rest) is exhausted, so it is skipped like a done one.
  size_t next = refs.size();
  auto next_target = [&]() -> ClientRefs* {
    while (next > 0) {
      ClientRefs& r = refs[next - 1].second;
      if (!r.exhausted()) return &r;
      --next;
    }
    return nullptr;
  };
  ClientRefs* current = next_target();
  if (current == nullptr) return;

  std::vector<DecodedStruct*> stack;
  RightOriginCache right_origin_cache;
  auto add_stack_to_rest = [&] {
    for (DecodedStruct* s : stack) {
      const ClientId client = s->id.client;
      ClientRefs* found = refs.find(client);
      if (found != nullptr && !found->removed) {
        ClientRefs& r = *found;
        if (r.i > 0) --r.i;  // the struct taken last could not be applied
        std::vector<const DecodedStruct*> slice;
        slice.reserve(r.n - std::min(r.i, r.n));
        for (size_t k = r.i; k < r.n; ++k) slice.push_back(&(*r.refs)[k]);
        rest.clients[client] = std::move(slice);
        r.removed = true;
        r.i = 0;
        r.n = 0;
      } else {
        rest.clients[client] = {s};
      }
    }
    stack.clear();
  };
  // True when a struct of `client` waits on the stack: then the slice moved to the
  // rest may include structs integrated meanwhile, so those must stay readable.
  auto stacked = [&](ClientId client) {
    for (const DecodedStruct* s : stack) {
      if (s->id.client == client) return true;
    }
    return false;
  };

  DecodedStruct* head = current->take();
  while (true) {
    if (head->kind != DecodedStruct::Kind::Skip) {
      const ClientId client = head->id.client;
      const Clock local = doc.store.state(client);
      if (local < head->id.clock) {  // earlier structs of this client are missing
        stack.push_back(head);
        lower_missing(rest.missing, client, head->id.clock - 1);
        add_stack_to_rest();
      } else if (std::optional<ClientId> dep = missing_dependency(doc, *head)) {
        stack.push_back(head);
        ClientRefs* dep_refs = refs.find(*dep);
        if (dep_refs == nullptr || dep_refs->removed || dep_refs->exhausted()) {
          lower_missing(rest.missing, *dep, doc.store.state(*dep));
          add_stack_to_rest();
        } else {
          head = dep_refs->take();
          continue;
        }
      } else {
        const uint64_t offset = local - head->id.clock;
        const Resolved r = resolve(doc, txn, *head, right_origin_cache);
        if (offset == 0 || offset < head->length) {
          if (stacked(client)) {
            DecodedStruct copy = *head;
            integrate_resolved(doc, txn, copy, r, offset);
            trim_like_yjs(*head, offset, doc.offset_kind());
          } else {
            integrate_resolved(doc, txn, *head, r, offset);
          }
        }
      }
    }
    if (!stack.empty()) {
      head = stack.back();
      stack.pop_back();
    } else if (current != nullptr && !current->exhausted()) {
      head = current->take();
    } else {
      current = next_target();
      if (current == nullptr) break;
      head = current->take();
    }
  }
}

// Yjs readAndApplyDeleteSet: deletes what we have, returns what we do not (ranges
// in the order collected). Clients are visited in descending order, the order in
// which Yjs writes them.
DeleteSet apply_delete_set(DocImpl& doc, TxnState& txn, const DeleteSet& ds) {
  DeleteSet unapplied;
  for (auto cit = ds.clients().rbegin(); cit != ds.clients().rend(); ++cit) {
    const ClientId client = cit->first;
    const Clock state = doc.store.state(client);
    ItemList* list = doc.store.list(client);
    for (const DeleteRange& r : cit->second) {
      const Clock end = r.end();
      if (r.clock >= state) {
        unapplied.add(client, r.clock, r.len);
        continue;
      }
      if (state < end) unapplied.add(client, state, end - state);
      size_t idx = StructStore::find_index(*list, r.clock);
      Item* s = (*list)[idx];
      if (!s->deleted() && s->id.clock < r.clock) {
        split_item(doc, &txn, s, r.clock - s->id.clock);
        ++idx;
      }
      while (idx < list->size()) {
        s = (*list)[idx++];
        if (s->id.clock >= end) break;
        if (!s->deleted()) {
          if (end < s->end()) split_item(doc, &txn, s, end - s->id.clock);
          const bool listed = s->visible() && s->parent_sub() == nullptr && s->parent() != nullptr;
          const uint64_t units = listed ? s->offset_length() : 0;
          item_delete(doc, txn, s);
          if (units > 0) {
            markers_after_remote_change(s->parent(), s->left, -static_cast<int64_t>(units));
          }
        }
      }
    }
  }
  return unapplied;
}

// How many of a client block's structs (clock order) end after `state`: the ones that
// can add a struct to the store.
size_t structs_after(const std::vector<DecodedStruct>& block, Clock state) {
  const auto first_new = std::partition_point(
      block.begin(), block.end(), [state](const DecodedStruct& s) { return s.end() <= state; });
  return static_cast<size_t>(block.end() - first_new);
}

// Yjs readUpdateV2 body, for an update already decoded.
void apply_decoded(DocImpl& doc, TxnState& txn, DecodedUpdate& u) {
  // Yjs creates root types while reading the structs, integrable or not.
  for (const auto& block : u.clients) {
    doc.store.reserve(block.first, structs_after(block.second, doc.store.state(block.first)));
    for (const DecodedStruct& s : block.second) {
      if (s.kind == DecodedStruct::Kind::Item && s.parent_kind == DecodedStruct::ParentKind::Root) {
        doc.root(s.parent_name, TypeKind::Undefined);
      }
    }
  }

  Rest rest;
  integrate_structs(doc, txn, u, rest);
  doc.store.clear_reservations();  // clients whose structs all went to pending
  PendingStructs& pending = doc.pending_structs;
  bool retry = false;
  if (!pending.empty()) {
    for (const auto& [client, clock] : pending.missing) {
      if (clock < doc.store.state(client)) {
        retry = true;
        break;
      }
    }
    if (!rest.clients.empty()) {
      for (const auto& [client, clock] : rest.missing) {
        lower_missing(pending.missing, client, clock);
      }
      pending.update = merge_updates({pending.update, encode_rest(rest)});
    }
  } else if (!rest.clients.empty()) {
    pending.missing = std::move(rest.missing);
    pending.update = encode_rest(rest);
  }

  DeleteSet ds_rest = apply_delete_set(doc, txn, u.ds);
  if (!doc.pending_ds.empty()) {
    const DeleteSet old = std::move(doc.pending_ds);
    doc.pending_ds = DeleteSet();
    DeleteSet ds_rest2 = apply_delete_set(doc, txn, old);
    if (!ds_rest.empty() && !ds_rest2.empty()) {
      ds_rest.merge_from(ds_rest2);
      ds_rest.sort_and_merge();
      doc.pending_ds = std::move(ds_rest);
    } else {
      doc.pending_ds = ds_rest.empty() ? std::move(ds_rest2) : std::move(ds_rest);
    }
  } else {
    doc.pending_ds = std::move(ds_rest);
  }

  if (retry) {
    DecodedUpdate again = read_update_v1(pending.update, doc.offset_kind());
    doc.pending_structs = PendingStructs();
    apply_decoded(doc, txn, again);
  }
}

}  // namespace

void integrate_update(DocImpl& doc, TxnState& txn, DecodedUpdate& decoded) {
  txn.remote_applied = true;
  apply_decoded(doc, txn, decoded);
}

}  // namespace crdtcore::detail
