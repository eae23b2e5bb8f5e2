// struct_codec.h — v1 struct sections as plain data: decode a whole update into
// DecodedStructs (fully validated before anything touches a document) and write
// structs back (Yjs src/utils/encoding.js readClientsStructRefs / writeStructs,
// src/structs/Item.js write, GC.js, Skip.js).
//
// Validation (every violation throws DecodeError): truncation; counts larger than
// the remaining input; clocks or clock + length above 2^53-1; zero-length structs;
// unknown content or type refs; an origin, right origin or parent id that names the
// struct's own client at a clock >= the struct's own clock.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/content.h"
#include "crdtcore/bytes.h"
#include "crdtcore/delete_set.h"
#include "crdtcore/id.h"

namespace crdtcore::detail {

class Lib0Writer;
class Lib0Reader;

struct DecodedStruct {
  enum class Kind : uint8_t { GC, Skip, Item };
  enum class ParentKind : uint8_t { None, Root, Id };  // None: copied from a neighbour

  Kind kind = Kind::Item;
  Id id;
  uint64_t length = 0;
  // Items only.
  bool has_origin = false;
  bool has_right_origin = false;
  Id origin;
  Id right_origin;
  ParentKind parent_kind = ParentKind::None;
  std::string parent_name;  // ParentKind::Root
  Id parent_id;             // ParentKind::Id
  bool has_parent_sub = false;
  std::string parent_sub;
  Content content;

  Clock end() const { return id.clock + length; }
};

struct DecodedUpdate {
  // Client blocks in wire order; structs of a block are consecutive in clock.
  std::vector<std::pair<ClientId, std::vector<DecodedStruct>>> clients;
  DeleteSet ds;
};

// Reads a complete v1 update (struct section + delete set); trailing bytes after the
// delete set are ignored, as Yjs ignores them. Strings count their offset_len in `kind`
// (content.h): the document's unit when they are for a document, Utf16 (no counting)
// otherwise.
DecodedUpdate read_update_v1(const uint8_t* data, size_t size, OffsetKind kind);
inline DecodedUpdate read_update_v1(const Bytes& b, OffsetKind kind) {
  return read_update_v1(b.data(), b.size(), kind);
}
// read_update_v1 into `u`, reusing its storage: the client blocks and their struct vectors
// (capacity kept) and the delete set's spare nodes (DeleteSet::clear). `u` must hold no
// structs and no deletes (fresh, or emptied by clear_decoded). On DecodeError `u` is left
// partly filled (the caller discards it).
void read_update_v1_into(DecodedUpdate& u, const uint8_t* data, size_t size, OffsetKind kind);
// Empties `u` for read_update_v1_into, keeping its vectors' capacity.
void clear_decoded(DecodedUpdate& u);

// Reads only the delete set part from `r` (v1 form). Ranges are kept as written
// (order, overlaps and len-0 ranges preserved, as Yjs's readDeleteSet keeps them);
// client entries with no ranges are dropped. Throws DecodeError when malformed.
DeleteSet read_delete_set_v1(Lib0Reader& r);
// The same into `ds`, which must be empty (its spare nodes are reused).
void read_delete_set_v1_into(Lib0Reader& r, DeleteSet& ds);
// Writes a delete set, clients descending, ranges as stored.
void write_delete_set_v1(Lib0Writer& w, const DeleteSet& ds);

// Writes one struct; with offset > 0 the first `offset` units are skipped and the
// origin becomes (client, clock + offset - 1) (§3.3). The info byte is recomputed
// from the fields (BIT6 only when has_parent_sub).
void write_struct_v1(Lib0Writer& w, const DecodedStruct& s, uint64_t offset);

// mergeUpdates' sliceStruct: the part of `s` from `diff` units on.
// REQUIRES: 0 < diff < s.length.
DecodedStruct slice_struct(const DecodedStruct& s, uint64_t diff, OffsetKind kind);

}  // namespace crdtcore::detail
