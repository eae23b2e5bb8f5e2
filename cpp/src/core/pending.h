// pending.h — received data that cannot be integrated yet (Yjs store.pendingStructs and
// store.pendingDs, a DeleteSet held by DocImpl). encoding/doc_decoder.cpp fills and retries
// them.
#pragma once

#include <map>

#include "crdtcore/bytes.h"
#include "crdtcore/delete_set.h"
#include "crdtcore/id.h"

namespace crdtcore::detail {

// Structs of received updates that could not be integrated yet, kept as ONE
// buffered v1 update (Yjs store.pendingStructs). The buffer is re-applied when some
// missing[c] < state(c), i.e. when client c has grown past the recorded clock.
struct PendingStructs {
  std::map<ClientId, Clock> missing;
  Bytes update;  // empty: nothing pending
  bool empty() const { return update.empty(); }
};

}  // namespace crdtcore::detail
