// map.cpp — Map (yjs src/types/YMap.js: typeMapSet, typeMapGet, typeMapDelete).
#include "crdtcore/map.h"

#include "api/access.h"
#include "api/values.h"
#include "core/branch.h"
#include "core/doc_state.h"
#include "core/integrate.h"
#include "core/item.h"
#include "crdtcore/error.h"
#include "txn/transaction.h"
#include "types/list.h"

namespace crdtcore {

using detail::AutoTxn;
using detail::Item;

namespace {

Item* current(detail::Branch* b, const std::string& key) {
  auto it = b->map.find(key);
  return it == b->map.end() ? nullptr : it->second;
}

Out last_value(const std::shared_ptr<detail::DocImpl>& doc, const Item* item) {
  std::vector<Out> outs;
  detail::append_outs(doc, item, item->length() - 1, item->length(), outs);
  return outs.empty() ? Out(Value::undefined()) : outs.back();
}

}  // namespace

uint64_t Map::size() const {
  uint64_t n = 0;
  for (const auto& kv : branch_->map) n += kv.second->deleted() ? 0 : 1;
  return n;
}

bool Map::contains(const std::string& key) const {
  const Item* it = current(branch_, key);
  return it != nullptr && !it->deleted();
}

std::optional<Out> Map::get(const std::string& key) const {
  const Item* it = current(branch_, key);
  if (it == nullptr || it->deleted()) return std::nullopt;
  return last_value(doc_, it);
}

std::vector<std::string> Map::keys() const {
  std::vector<std::string> out;
  for (const auto& kv : branch_->map) {
    if (!kv.second->deleted()) out.emplace_back(kv.first);
  }
  return out;
}

std::vector<std::pair<std::string, Out>> Map::entries() const {
  std::vector<std::pair<std::string, Out>> out;
  for (const auto& kv : branch_->map) {
    if (!kv.second->deleted()) out.emplace_back(std::string(kv.first), last_value(doc_, kv.second));
  }
  return out;
}

void Map::set(const std::string& key, const Value& value) {
  detail::require_live(branch_);
  AutoTxn at(*doc_);
  Item* left = current(branch_, key);
  detail::Content content;
  if (value.kind() == Value::Kind::Binary) {
    content = detail::ContentBinary{value.as_binary()};
  } else {
    content = detail::ContentAny{{value}};
  }
  detail::insert_local(*doc_, at.t(), branch_, left, nullptr, doc_->intern(key),
                       std::move(content));
  at.done();
}

Shared Map::set_type(const std::string& key, TypeKind kind) {
  detail::require_live(branch_);
  AutoTxn at(*doc_);
  Item* left = current(branch_, key);
  detail::ContentType ct;
  ct.type_ref = detail::type_ref_of(kind);
  Item* item =
      detail::insert_local(*doc_, at.t(), branch_, left, nullptr, doc_->intern(key), std::move(ct));
  detail::Branch* b = detail::content_get<detail::ContentType>(item->content).branch;
  at.done();
  return detail::Access::shared(doc_, b);
}

bool Map::remove(const std::string& key) {
  detail::require_live(branch_);
  Item* it = current(branch_, key);
  if (it == nullptr || it->deleted()) return false;
  AutoTxn at(*doc_);
  detail::item_delete(*doc_, at.t(), it);
  at.done();
  return true;
}

}  // namespace crdtcore
