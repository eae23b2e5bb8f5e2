// sticky_index.h — the RelativePosition algorithms behind crdtcore::StickyIndex (yjs
// src/utils/RelativePosition.js: createRelativePositionFromTypeIndex,
// createAbsolutePositionFromRelativePosition, write/readRelativePosition,
// relativePositionToJSON / createRelativePositionFromJSON).
//
// Indices are in the document's unit (core/doc_state.h); item clocks count UTF-16
// units as in Yjs, so a code-point index is converted exactly as the equivalent
// UTF-16 index would be by Yjs (Before points at the last UTF-16 unit of the
// preceding character, a low surrogate for an astral one).
#pragma once

#include <cstdint>
#include <optional>

#include "crdtcore/bytes.h"
#include "crdtcore/sticky_index.h"
#include "crdtcore/value.h"

namespace crdtcore::detail {

struct Branch;
class DocImpl;

// Yjs createRelativePositionFromTypeIndex. REQUIRES: `b` is a live list type and
// index <= its length (the caller checks). Uses the search markers; no other change.
StickyIndex sticky_from_index(DocImpl& doc, Branch* b, uint64_t index, Assoc assoc);

struct StickyTarget {
  Branch* branch = nullptr;
  uint64_t index = 0;
};
// Yjs createAbsolutePositionFromRelativePosition (followUndoneDeletions = true: ids of
// content an UndoManager re-created resolve to the copy, Yjs followRedone) with
// nullopt for a deleted type and for a root that does not exist (Yjs would create it).
std::optional<StickyTarget> sticky_resolve(const DocImpl& doc, const StickyIndex& pos);

Bytes sticky_encode(const StickyIndex& pos);
// Throws DecodeError (truncated input, unknown tag, invalid UTF-8 name).
StickyIndex sticky_decode(const uint8_t* data, size_t size);
Value sticky_to_json(const StickyIndex& pos);
// Throws DecodeError (see crdtcore/sticky_index.h for what is accepted).
StickyIndex sticky_from_json(const Value& json);

}  // namespace crdtcore::detail
