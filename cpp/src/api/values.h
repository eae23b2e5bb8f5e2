// values.h — what the public handles return for list and map content: plain values,
// or handles (Shared) for nested types (Yjs typeListSlice / ContentType.getContent).
#pragma once

#include <memory>
#include <vector>

#include "crdtcore/shared.h"

namespace crdtcore::detail {

struct Branch;
struct Item;
class DocImpl;

// Elements of `item`'s content from element `from` (Yjs units) to `to`.
void append_outs(const std::shared_ptr<DocImpl>& doc, const Item* item, uint64_t from, uint64_t to,
                 std::vector<Out>& out);
std::vector<Out> list_slice(const std::shared_ptr<DocImpl>& doc, Branch* b, uint64_t start,
                            uint64_t end);

}  // namespace crdtcore::detail
