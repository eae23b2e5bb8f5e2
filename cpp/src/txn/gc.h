// gc.h — garbage collection of what a transaction deleted (yjs src/utils/Transaction.js
// tryGcDeleteSet, src/structs/Item.js Item.gc).
#pragma once

#include "crdtcore/delete_set.h"

namespace crdtcore::detail {

class DocImpl;

// Replaces the content of every deleted item in `ds` (unless kept) with ContentDeleted;
// the subtrees of deleted types become GC structs. Iterative: nesting may be deep.
void try_gc_delete_set(DocImpl& doc, const DeleteSet& ds);

}  // namespace crdtcore::detail
