// txn_update_direct.cpp — the v1 update of a common transaction, written in one pass.
//
// Every commit of an observed document encodes its transaction's update (Yjs's 'update'
// event), and most transactions add one run of structs of one or two clients: a
// keystroke, or another peer's keystroke applied. The general encoder
// (doc_encoder.cpp: write_clients_structs) builds a (client, clock) list, looks the
// start up with a binary search and writes through Lib0Writer, which checks its capacity
// at every byte. This writer handles the transactions whose new structs are all strings,
// deleted content or GC runs, of at most kMaxRuns clients: it finds each run's first
// struct by stepping back from the list's end, bounds the bytes of every struct and writes
// with a raw cursor into a buffer of that size (on the stack when small). Anything else
// (embeds, formats, types, any, documents, JSON, binary; more clients) returns false and
// the general encoder writes it. The bytes are the general encoder's (and so Yjs's): the
// test hook in doc_codec.h (TxnUpdateCheck) compares the two on every transaction.
#include <algorithm>
#include <cstring>
#include <string_view>

#include "core/branch.h"
#include "core/doc_state.h"
#include "core/item.h"
#include "encoding/doc_codec.h"
#include "encoding/struct_codec.h"
#include "util/lib0_writer.h"
#include "util/utf.h"

namespace crdtcore::detail {

namespace {

// Most bytes a varUint of 64 bits takes.
constexpr size_t kMaxVarUint = 10;
// Clients with new structs the direct writer takes (more: the general encoder).
constexpr size_t kMaxRuns = 4;
// Structs stepped back from a list's end to find a run's first one before falling back
// to the binary search (a transaction's new structs are at the end).
constexpr size_t kMaxStepBack = 16;

// ASCII strings up to this many units take put_string_utf16's short path (their length
// and room prefix both fit one byte: 3 * 42 < 128).
constexpr size_t kMaxShortAscii = 42;

// Updates bounded by this many bytes are written in a buffer on the stack; bigger ones
// in their own.
constexpr size_t kMaxStackBuf = 1024;

// The new structs of one client: list[start..] from `clock` on.
struct Run {
  const ItemList* list;
  ClientId client;
  Clock clock;
  size_t start;
};

// Index of the struct of `list` that contains `clock`.
// REQUIRES: list.front()->id.clock <= clock < the list's state.
size_t index_of(const ItemList& list, Clock clock) {
  const size_t n = list.size();
  for (size_t i = n, steps = 0; i > 0 && steps < kMaxStepBack; --i, ++steps) {
    if (list[i - 1]->id.clock <= clock) return i - 1;
  }
  return StructStore::find_index(list, clock);
}

// Most bytes write_item writes for `item` (from any offset), or 0 when this writer does
// not handle its content.
size_t item_bound(const Item& item) {
  if (item.is_gc()) return 1 + kMaxVarUint;
  size_t bytes = 1 + 4 * kMaxVarUint;  // info, origin, right origin
  const uint8_t ref = content_ref(item.content);
  if (ref == kRefString) {
    bytes += kMaxVarUint + 3 * content_get<ContentString>(item.content).str.size();
  } else if (ref == kRefDeleted) {
    bytes += kMaxVarUint;
  } else {
    return 0;
  }
  if (!item.has_origin() && !item.has_right_origin()) {
    const Branch* parent = item.parent();
    bytes += 1 + 2 * kMaxVarUint;
    if (parent != nullptr) bytes += parent->root_name.size();
  }
  if (const std::string* sub = item.parent_sub()) bytes += kMaxVarUint + sub->size();
  return bytes;
}

uint8_t* put_string(uint8_t* p, std::string_view s) {
  p = put_var_uint(p, s.size());
  if (!s.empty()) std::memcpy(p, s.data(), s.size());
  return p + s.size();
}

// Lib0Writer::write_var_string_utf16 at `p`: the UTF-8 bytes behind room for the prefix
// of their bound, shifted down when the real prefix is shorter.
uint8_t* put_string_utf16(uint8_t* p, std::u16string_view s) {
  // Typing: a few ASCII units, written as they are behind a one-byte prefix.
  if (s.size() <= kMaxShortAscii) {
    size_t i = 0;
    for (; i < s.size() && s[i] < 0x80; ++i) p[1 + i] = static_cast<uint8_t>(s[i]);
    if (i == s.size()) {
      p[0] = static_cast<uint8_t>(i);
      return p + 1 + i;
    }
  }
  const size_t room = var_uint_size(3 * s.size());
  char* const text = reinterpret_cast<char*>(p + room);
  const size_t bytes = static_cast<size_t>(write_utf16_as_utf8(text, s) - text);
  uint8_t* const after = put_var_uint(p, bytes);
  if (after != p + room) std::memmove(after, p + room, bytes);
  return after + bytes;
}

// doc_encoder.cpp's write_item at `p` for the contents item_bound() accepts.
uint8_t* put_item(uint8_t* p, const Item& item, uint64_t offset) {
  if (item.is_gc()) {
    *p++ = kRefGC;
    return put_var_uint(p, item.length() - offset);
  }
  const bool has_origin = offset > 0 || item.has_origin();
  const bool has_right = item.has_right_origin();
  const uint8_t ref = content_ref(item.content);
  uint8_t info = ref & kInfoRefMask;
  if (has_origin) info |= kInfoHasOrigin;
  if (has_right) info |= kInfoHasRightOrigin;
  const std::string* sub = item.parent_sub();
  if (sub != nullptr) info |= kInfoHasParentSub;
  *p++ = info;
  if (has_origin) {
    const Id origin = offset > 0 ? Id{item.id.client, item.id.clock + offset - 1} : item.origin;
    p = put_var_uint(p, origin.client);
    p = put_var_uint(p, origin.clock);
  }
  if (has_right) {
    p = put_var_uint(p, item.right_origin.client);
    p = put_var_uint(p, item.right_origin.clock);
  }
  if (!has_origin && !has_right) {
    const Branch* parent = item.parent();
    if (parent != nullptr && parent->item != nullptr) {
      *p++ = 0;
      p = put_var_uint(p, parent->item->id.client);
      p = put_var_uint(p, parent->item->id.clock);
    } else {
      *p++ = 1;
      p = put_string(p,
                     parent != nullptr ? std::string_view(parent->root_name) : std::string_view());
    }
    if (sub != nullptr) p = put_string(p, *sub);
  }
  if (ref == kRefString) {
    return put_string_utf16(p, content_get<ContentString>(item.content).str.view().substr(offset));
  }
  return put_var_uint(p, content_get<ContentDeleted>(item.content).len - offset);  // kRefDeleted
}

}  // namespace

bool encode_txn_update_direct(const DocImpl& doc, const TxnState& txn, Bytes& out) {
  Run runs[kMaxRuns];
  size_t n_runs = 0;
  size_t bound = kMaxVarUint + 1;  // the count of clients; the empty delete set's 0
  for (const auto& [client, before] : txn.before_clocks) {  // clients ascending
    const ItemList* list = doc.store.list(client);
    if (list == nullptr || list->empty() || list->back()->end() <= before) continue;
    if (n_runs == kMaxRuns) return false;
    // The list may start later than `before`: its first structs can have been merged
    // away into a GC run that starts there (write_structs' first_written_clock).
    const Clock clock = std::max(before, (*list)[0]->id.clock);
    const size_t start = index_of(*list, clock);
    bound += 3 * kMaxVarUint;  // the run's count, client and clock
    for (size_t i = start; i < list->size(); ++i) {
      const size_t b = item_bound(*(*list)[i]);
      if (b == 0) return false;
      bound += b;
    }
    runs[n_runs++] = Run{list, client, clock, start};
  }
  // A small update is written on the stack (no zero-filling, no thread-local access: a
  // shared object's TLS costs calls), then copied; a big one (a paste, a large update
  // applied) straight into `out`.
  uint8_t stack_buf[kMaxStackBuf];
  const bool small = bound <= kMaxStackBuf;
  if (!small) out.resize(bound);
  uint8_t* const begin = small ? stack_buf : out.data();
  uint8_t* p = put_var_uint(begin, n_runs);
  for (size_t r = n_runs; r-- > 0;) {  // clients descending
    const Run& run = runs[r];
    const ItemList& list = *run.list;
    p = put_var_uint(p, list.size() - run.start);
    p = put_var_uint(p, run.client);
    p = put_var_uint(p, run.clock);
    const Item& first = *list[run.start];
    p = put_item(p, first, run.clock - first.id.clock);
    for (size_t i = run.start + 1; i < list.size(); ++i) p = put_item(p, *list[i], 0);
  }
  const bool no_deletes = txn.delete_set.empty();
  if (no_deletes) *p++ = 0;
  if (small) {
    out.assign(begin, p);
  } else {
    out.resize(static_cast<size_t>(p - begin));
  }
  if (no_deletes) return true;
  Lib0Writer w(std::move(out), Lib0Writer::kAppend);
  write_delete_set_v1(w, txn.delete_set);
  out = w.take();
  return true;
}

}  // namespace crdtcore::detail
