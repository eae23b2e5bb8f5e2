// struct_codec.cpp — v1 struct sections and delete sets as plain data.
//
// Port of yjs src/utils/encoding.js (readClientsStructRefs, writeStructs),
// src/utils/updates.js (lazyStructReaderGenerator, sliceStruct),
// src/structs/Item.js#write, GC.js, Skip.js and src/utils/DeleteSet.js
// (readDeleteSet, writeDeleteSet), restated from yjs-format.md §3 and §5.5.
//
// Reading is eager and strict: the whole update is checked before any caller
// sees it, so a DecodeError never leaves half-applied state behind. Every count
// is checked against the bytes that remain, so hostile counts cannot make us
// allocate. Decoding mirrors the lazy reader: the parent info and parent sub of
// an item are only on the wire when it has neither origin nor right origin, so
// such items come back with ParentKind::None and has_parent_sub == false even
// when the info byte carried BIT6.
#include "encoding/struct_codec.h"

#include <algorithm>
#include <cstddef>
#include <string>

#include "crdtcore/error.h"
#include "util/lib0_reader.h"
#include "util/lib0_writer.h"

namespace crdtcore::detail {
namespace {

constexpr uint8_t kParentInfoRoot = 1;
constexpr uint8_t kParentInfoId = 0;

Id read_id(Lib0Reader& r) {
  Id id;
  id.client = r.read_var_uint();
  id.clock = r.read_var_uint();
  return id;
}

void write_id(Lib0Writer& w, const Id& id) {
  w.write_var_uint(id.client);
  w.write_var_uint(id.clock);
}

// References to the struct's own client must point strictly before it.
void check_reference(const Id& ref, const Id& self, const char* what) {
  if (ref.client == self.client && ref.clock >= self.clock) {
    Lib0Reader::fail(std::string(what) + " points at or after its own struct");
  }
}

uint64_t read_struct_length(Lib0Reader& r) {
  const uint64_t len = r.read_var_uint();
  if (len == 0) Lib0Reader::fail("struct with length 0");
  return len;
}

void read_item(Lib0Reader& r, uint8_t info, DecodedStruct& s, OffsetKind kind) {
  s.kind = DecodedStruct::Kind::Item;
  s.has_origin = (info & kInfoHasOrigin) != 0;
  s.has_right_origin = (info & kInfoHasRightOrigin) != 0;
  if (s.has_origin) {
    s.origin = read_id(r);
    check_reference(s.origin, s.id, "origin");
  }
  if (s.has_right_origin) {
    s.right_origin = read_id(r);
    check_reference(s.right_origin, s.id, "right origin");
  }
  if (!s.has_origin && !s.has_right_origin) {
    const uint64_t parent_info = r.read_var_uint();
    if (parent_info == kParentInfoRoot) {
      s.parent_kind = DecodedStruct::ParentKind::Root;
      s.parent_name = r.read_var_string();
    } else if (parent_info == kParentInfoId) {
      s.parent_kind = DecodedStruct::ParentKind::Id;
      s.parent_id = read_id(r);
      check_reference(s.parent_id, s.id, "parent id");
    } else {
      Lib0Reader::fail("parent info must be 0 or 1");
    }
    if ((info & kInfoHasParentSub) != 0) {
      s.has_parent_sub = true;
      s.parent_sub = r.read_var_string();
    }
  }
  read_content_v1_into(r, info & kInfoRefMask, kind, s.content);
  s.length = content_length(s.content);
}

// Reads one struct into `s` (default-constructed: filled in place, never moved).
void read_struct(Lib0Reader& r, ClientId client, Clock clock, OffsetKind kind, DecodedStruct& s) {
  s.id = Id{client, clock};
  const uint8_t info = r.read_u8();
  const uint8_t ref = info & kInfoRefMask;
  if (ref == kRefGC) {
    s.kind = DecodedStruct::Kind::GC;
    s.length = read_struct_length(r);
  } else if (ref == kRefSkip) {
    s.kind = DecodedStruct::Kind::Skip;
    s.length = read_struct_length(r);
  } else if (ref < kRefSkip) {
    read_item(r, info, s, kind);
  } else {
    Lib0Reader::fail("unknown content ref " + std::to_string(ref));
  }
  if (s.length > kMaxSafeInteger - clock) Lib0Reader::fail("struct clock exceeds 2^53-1");
}

// Client blocks and structs per block reserved up front: the counts are on the wire, but a
// hostile one must not make us allocate much before the bytes prove it (read_count bounds
// it by the input; this bounds the reservation), so a larger count grows as it reads.
constexpr uint64_t kMaxReservedStructs = 1 << 16;

}  // namespace

DecodedUpdate read_update_v1(const uint8_t* data, size_t size, OffsetKind kind) {
  DecodedUpdate u;
  read_update_v1_into(u, data, size, kind);
  return u;
}

void read_update_v1_into(DecodedUpdate& u, const uint8_t* data, size_t size, OffsetKind kind) {
  Lib0Reader r(data, size);
  // A client block takes at least 3 bytes (struct count, client, first clock).
  const uint64_t num_clients = r.read_count(3);
  u.clients.reserve(static_cast<size_t>(std::min(num_clients, kMaxReservedStructs)));
  size_t used = 0;  // blocks of `u` filled so far; the ones after are spare (empty)
  for (uint64_t i = 0; i < num_clients; ++i) {
    // Every struct takes at least 2 bytes (info byte + length or payload).
    const uint64_t num_structs = r.read_count(2);
    const ClientId client = r.read_var_uint();
    Clock clock = r.read_var_uint();
    if (used == u.clients.size()) u.clients.emplace_back();
    auto& block = u.clients[used++];
    block.first = client;
    std::vector<DecodedStruct>& structs = block.second;
    structs.reserve(static_cast<size_t>(std::min(num_structs, kMaxReservedStructs)));
    for (uint64_t k = 0; k < num_structs; ++k) {
      DecodedStruct& s = structs.emplace_back();
      read_struct(r, client, clock, kind, s);
      clock += s.length;
    }
  }
  u.clients.erase(u.clients.begin() + static_cast<std::ptrdiff_t>(used), u.clients.end());
  read_delete_set_v1_into(r, u.ds);
}

void clear_decoded(DecodedUpdate& u) {
  for (auto& block : u.clients) block.second.clear();
  u.ds.clear();
}

DeleteSet read_delete_set_v1(Lib0Reader& r) {
  DeleteSet ds;
  read_delete_set_v1_into(r, ds);
  return ds;
}

void read_delete_set_v1_into(Lib0Reader& r, DeleteSet& ds) {
  // A client entry takes at least 2 bytes (client, range count); a range 2 more.
  const uint64_t num_clients = r.read_count(2);
  for (uint64_t i = 0; i < num_clients; ++i) {
    const ClientId client = r.read_var_uint();
    const uint64_t num_ranges = r.read_count(2);
    if (num_ranges == 0) continue;  // Yjs's readDeleteSet skips empty entries
    std::vector<DeleteRange>& ranges = ds.decoded_ranges(client);
    for (uint64_t k = 0; k < num_ranges; ++k) {
      DeleteRange range;
      range.clock = r.read_var_uint();
      range.len = r.read_var_uint();
      if (range.len > kMaxSafeInteger - range.clock)
        Lib0Reader::fail("delete range exceeds 2^53-1");
      ranges.push_back(range);
    }
  }
  ds.end_decoding();
}

void write_delete_set_v1(Lib0Writer& w, const DeleteSet& ds) {
  const auto& clients = ds.clients();
  w.write_var_uint(clients.size());
  for (auto it = clients.rbegin(); it != clients.rend(); ++it) {
    w.write_var_uint(it->first);
    w.write_var_uint(it->second.size());
    for (const DeleteRange& range : it->second) {
      w.write_var_uint(range.clock);
      w.write_var_uint(range.len);
    }
  }
}

void write_struct_v1(Lib0Writer& w, const DecodedStruct& s, uint64_t offset) {
  switch (s.kind) {
    case DecodedStruct::Kind::GC:
      w.write_u8(kRefGC);
      w.write_var_uint(s.length - offset);
      return;
    case DecodedStruct::Kind::Skip:
      w.write_u8(kRefSkip);
      w.write_var_uint(s.length - offset);
      return;
    case DecodedStruct::Kind::Item: break;
  }
  const bool has_origin = offset > 0 || s.has_origin;
  const Id origin = offset > 0 ? Id{s.id.client, s.id.clock + offset - 1} : s.origin;
  uint8_t info = content_ref(s.content) & kInfoRefMask;
  if (has_origin) info |= kInfoHasOrigin;
  if (s.has_right_origin) info |= kInfoHasRightOrigin;
  if (s.has_parent_sub) info |= kInfoHasParentSub;
  w.write_u8(info);
  if (has_origin) write_id(w, origin);
  if (s.has_right_origin) write_id(w, s.right_origin);
  if (!has_origin && !s.has_right_origin) {
    switch (s.parent_kind) {
      case DecodedStruct::ParentKind::Root:
        w.write_var_uint(kParentInfoRoot);
        w.write_var_string(s.parent_name);
        break;
      case DecodedStruct::ParentKind::Id:
        w.write_var_uint(kParentInfoId);
        write_id(w, s.parent_id);
        break;
      case DecodedStruct::ParentKind::None:
        throw InvalidState("write_struct_v1: item without origins has no parent");
    }
    if (s.has_parent_sub) w.write_var_string(s.parent_sub);
  }
  write_content_v1(w, s.content, offset);
}

DecodedStruct slice_struct(const DecodedStruct& s, uint64_t diff, OffsetKind kind) {
  if (s.kind != DecodedStruct::Kind::Item) {
    DecodedStruct out;
    out.kind = s.kind;
    out.id = Id{s.id.client, s.id.clock + diff};
    out.length = s.length - diff;
    return out;
  }
  DecodedStruct out = s;
  out.id.clock = s.id.clock + diff;
  out.has_origin = true;
  out.origin = Id{s.id.client, s.id.clock + diff - 1};
  out.content = content_splice(out.content, diff, kind);
  out.length = content_length(out.content);
  return out;
}

}  // namespace crdtcore::detail
