// decoded_update.h — the storage of decoded updates, reused: a thread keeps the last
// consumed one (its vectors' capacity, its delete set's nodes) for its next decode_update,
// so applying a small update allocates nothing for the decoded form in the steady state.
#pragma once

#include <memory>

namespace crdtcore::detail {

struct DecodedUpdate;

// An empty DecodedUpdate: this thread's spare one, or a new one.
std::unique_ptr<DecodedUpdate> take_decoded();
// Gives a consumed update back: emptied and kept as this thread's spare when it is small
// (a few clients and structs; a large one is freed, so no thread holds on to much memory).
void recycle_decoded(std::unique_ptr<DecodedUpdate> u);

}  // namespace crdtcore::detail
