// update.h — operations on v1 update bytes that need no document
// (port of yjs src/utils/updates.js). Outputs are byte-identical to Yjs.
//
// Every function throws DecodeError on malformed input and never allocates more
// than a small multiple of its input size. None of them touches a document or any
// other shared state: each may run on any thread, concurrently with anything else
// (the Python bindings run them without the GIL).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "crdtcore/bytes.h"
#include "crdtcore/offset_kind.h"

namespace crdtcore {

namespace detail {
struct DecodedUpdate;
}  // namespace detail

// A v1 update decoded (and so completely validated) for documents of one OffsetKind,
// ready for Doc::apply_decoded. Doc::apply_update is decode_update followed by
// apply_decoded; splitting them lets a caller decode, the bulk of the work for a large
// update, where it holds no lock on the document (the Python bindings: without the GIL).
// Move-only; Doc::apply_decoded consumes it.
class DecodedUpdate {
 public:
  DecodedUpdate(DecodedUpdate&& other) noexcept;
  DecodedUpdate& operator=(DecodedUpdate&& other) noexcept;
  ~DecodedUpdate();

  // The unit its strings were counted in (decode_update's `kind`).
  OffsetKind offset_kind() const { return kind_; }
  // False once consumed by Doc::apply_decoded (or moved from).
  bool valid() const { return impl_ != nullptr; }

 private:
  DecodedUpdate(std::unique_ptr<detail::DecodedUpdate> impl, OffsetKind kind);

  std::unique_ptr<detail::DecodedUpdate> impl_;
  OffsetKind kind_;

  friend DecodedUpdate decode_update(const uint8_t* data, size_t size, OffsetKind kind);
  friend class Doc;
};

// The decoding half of Doc::apply_update: reads the whole update, a pure function of the
// bytes and `kind` (which must be the offset_kind() of the document it is for). Throws
// DecodeError exactly when Doc::apply_update would. The result does not refer to `data`.
DecodedUpdate decode_update(const uint8_t* data, size_t size, OffsetKind kind);
inline DecodedUpdate decode_update(const Bytes& update, OffsetKind kind) {
  return decode_update(update.data(), update.size(), kind);
}

// Throws DecodeError unless `update` is a well-formed v1 update: the complete decoding
// Doc::apply_update does before it changes anything (decode_update).
void validate_update(const Bytes& update);
void validate_update(const uint8_t* data, size_t size);

// Yjs mergeUpdates. One input is returned unchanged; no input gives [0, 0].
Bytes merge_updates(const std::vector<Bytes>& updates);

// Yjs diffUpdate: the part of `update` that a peer with `state_vector` lacks.
Bytes diff_update(const Bytes& update, const Bytes& state_vector);

// Yjs encodeStateVectorFromUpdate.
Bytes encode_state_vector_from_update(const Bytes& update);

}  // namespace crdtcore
