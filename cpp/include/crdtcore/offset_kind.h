// offset_kind.h — OffsetKind: the unit in which a document counts text positions.
//
// Text is stored as UTF-16 in every document (Yjs clocks count UTF-16 code units, so
// the wire format does not depend on the unit); the offset kind only decides what the
// API's indices and lengths count: Text's insert/delete/format/length/slice, deltas
// and path indices of events, and sticky indices. The same logical edit gives the same
// update bytes in every unit. Arrays count elements whatever the kind.
//
//   Utf16      UTF-16 code units, as Yjs (JavaScript string indices). An astral character
//              is two units; an index between its surrogates is taken as Yjs takes it
//              (a split replaces both halves with U+FFFD).
//   CodePoint  Unicode code points, as Python `str` indices. Never splits a character.
//   Utf8       bytes of the UTF-8 encoding, as yrs/pycrdt (OffsetKind::Bytes) and Rust
//              `str` indices: 1 byte below U+0080, 2 below U+0800, 3 for the rest of the
//              BMP, 4 for astral characters. An index or length that ends inside a
//              multi-byte character throws OutOfRange (never splits it; yrs's behaviour
//              there is not defined). A lone surrogate (only a JS peer can make one)
//              counts as the 3 bytes of the U+FFFD that to_string() shows for it.
//
// Cost: documents cache each string's length in their unit (ContentString), so lengths
// are O(1) in every unit; converting an index inside one string item scans that item.
#pragma once

#include <cstdint>

namespace crdtcore {

enum class OffsetKind : uint8_t { Utf16, CodePoint, Utf8 };

}  // namespace crdtcore
