// update.h — operations on v1 update bytes that need no document
// (port of yjs src/utils/updates.js). Outputs are byte-identical to Yjs.
//
// Every function throws DecodeError on malformed input and never allocates more
// than a small multiple of its input size.
#pragma once

#include <vector>

#include "crdtcore/bytes.h"

namespace crdtcore {

// Throws DecodeError unless `update` is a well-formed v1 update: the complete decoding
// Doc::apply_update does before it changes anything.
void validate_update(const Bytes& update);

// Yjs mergeUpdates. One input is returned unchanged; no input gives [0, 0].
Bytes merge_updates(const std::vector<Bytes>& updates);

// Yjs diffUpdate: the part of `update` that a peer with `state_vector` lacks.
Bytes diff_update(const Bytes& update, const Bytes& state_vector);

// Yjs encodeStateVectorFromUpdate.
Bytes encode_state_vector_from_update(const Bytes& update);

}  // namespace crdtcore
