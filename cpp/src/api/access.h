// access.h — privileged construction of public handles from core pointers
// (leveldb's *Internal pattern): the only way src/ builds a Text/Array/Map/Shared.
#pragma once

#include <memory>

#include "crdtcore/array.h"
#include "crdtcore/doc.h"
#include "crdtcore/map.h"
#include "crdtcore/shared.h"
#include "crdtcore/text.h"

namespace crdtcore::detail {

struct Access {
  static Shared shared(std::shared_ptr<DocImpl> d, Branch* b) { return Shared(std::move(d), b); }
  static Text text(std::shared_ptr<DocImpl> d, Branch* b) { return Text(std::move(d), b); }
  static Array array(std::shared_ptr<DocImpl> d, Branch* b) { return Array(std::move(d), b); }
  static Map map(std::shared_ptr<DocImpl> d, Branch* b) { return Map(std::move(d), b); }
  static Branch* branch(const Shared& s) { return s.branch_; }
  static DocImpl* doc(const Shared& s) { return s.doc_.get(); }
  static const std::shared_ptr<DocImpl>& doc_ptr(const Shared& s) { return s.doc_; }
  static const std::shared_ptr<DocImpl>& doc_ptr(const Doc& d) { return d.impl_; }
};

}  // namespace crdtcore::detail
