// array.cpp — Array (yjs src/types/YArray.js) over the list operations.
#include "crdtcore/array.h"

#include "api/access.h"
#include "api/values.h"
#include "core/branch.h"
#include "core/doc_state.h"
#include "crdtcore/error.h"
#include "txn/transaction.h"
#include "types/list.h"

namespace crdtcore {

using detail::AutoTxn;

uint64_t Array::length() const { return branch_->offset_length; }

Out Array::get(uint64_t index) const {
  if (index >= length()) throw OutOfRange("array index out of range");
  auto v = detail::list_slice(doc_, branch_, index, index + 1);
  return v.front();
}

std::vector<Out> Array::slice(uint64_t start, uint64_t end) const {
  if (start > end || end > length()) throw OutOfRange("array slice out of range");
  return detail::list_slice(doc_, branch_, start, end);
}

void Array::insert(uint64_t index, const std::vector<Value>& values) {
  AutoTxn at(*doc_);
  detail::list_insert_values(*doc_, at.t(), branch_, index, values);
  at.done();
}

Shared Array::insert_type(uint64_t index, TypeKind kind) {
  AutoTxn at(*doc_);
  detail::Branch* b = detail::list_insert_type(*doc_, at.t(), branch_, index, kind);
  at.done();
  return detail::Access::shared(doc_, b);
}

void Array::remove_range(uint64_t index, uint64_t len) {
  AutoTxn at(*doc_);
  detail::list_delete(*doc_, at.t(), branch_, index, len);
  at.done();
}

}  // namespace crdtcore
