// store_test_util.h — reads of a document's struct store for tests that check how many
// structs an edit or an update made (local_append_test.cpp, remote_append_test.cpp).
#pragma once

#include <cstddef>

#include "api/access.h"
#include "core/doc_state.h"
#include "crdtcore/doc.h"

namespace crdtcore::testutil {

// How many structs the store holds for `client` (0 when none).
inline size_t struct_count(const Doc& d, ClientId client) {
  const detail::ItemList* list = detail::Access::doc_ptr(d)->store.list(client);
  return list == nullptr ? 0 : list->size();
}

}  // namespace crdtcore::testutil
