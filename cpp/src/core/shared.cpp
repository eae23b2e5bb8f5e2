// shared.cpp — Shared handle basics and to_value (Yjs toJSON, keeping ints).
#include "crdtcore/shared.h"

#include "core/access.h"
#include "core/branch.h"
#include "core/doc_impl.h"
#include "core/item.h"
#include "crdtcore/array.h"
#include "crdtcore/error.h"
#include "crdtcore/map.h"
#include "crdtcore/text.h"
#include "types/list.h"
#include "util/utf.h"

namespace crdtcore {

using detail::Branch;
using detail::Item;

TypeKind Shared::kind() const { return branch_ == nullptr ? TypeKind::Undefined : branch_->kind; }

bool Shared::is_deleted() const { return branch_ != nullptr && branch_->deleted(); }

namespace {

Value out_to_value(const Out& o);

Value text_value(const Branch* b) {
  std::string s;
  for (const Item* it = b->start; it != nullptr; it = it->right) {
    if (it->deleted()) continue;
    if (auto* cs = std::get_if<detail::ContentString>(&it->content)) detail::append_utf16_as_utf8(s, cs->str);
  }
  return Value::string(std::move(s));
}

Value list_value(const std::shared_ptr<detail::DocImpl>& doc, Branch* b) {
  Value::ArrayT arr;
  for (const Item* it = b->start; it != nullptr; it = it->right) {
    if (!it->visible()) continue;
    std::vector<Out> outs;
    detail::append_outs(doc, it, 0, it->length, outs);
    for (const Out& o : outs) arr.push_back(out_to_value(o));
  }
  return Value::array(std::move(arr));
}

Value map_value(const std::shared_ptr<detail::DocImpl>& doc, Branch* b) {
  Value::ObjectT obj;
  for (const auto& kv : b->map) {
    const Item* it = kv.second;
    if (it->deleted()) continue;
    std::vector<Out> outs;
    detail::append_outs(doc, it, it->length - 1, it->length, outs);
    obj.emplace_back(std::string(kv.first), outs.empty() ? Value::null() : out_to_value(outs.back()));
  }
  return Value::object(std::move(obj));
}

Value out_to_value(const Out& o) { return o.is_shared() ? o.shared().to_value() : o.value(); }

}  // namespace

Value Shared::to_value() const {
  if (branch_ == nullptr) return Value::null();
  switch (branch_->kind) {
    case TypeKind::Text:
    case TypeKind::XmlText:
      return text_value(branch_);
    case TypeKind::Map:
    case TypeKind::XmlHook:
      return map_value(doc_, branch_);
    case TypeKind::Array:
    case TypeKind::XmlFragment:
    case TypeKind::XmlElement:
      return list_value(doc_, branch_);
    case TypeKind::Undefined:
      break;
  }
  if (branch_->start == nullptr && !branch_->map.empty()) return map_value(doc_, branch_);
  for (const Item* it = branch_->start; it != nullptr; it = it->right) {
    if (std::holds_alternative<detail::ContentString>(it->content)) return text_value(branch_);
  }
  return list_value(doc_, branch_);
}

Text Shared::as_text() const {
  if (kind() != TypeKind::Text && kind() != TypeKind::XmlText) throw TypeMismatch("shared type is not a Text");
  return detail::Access::text(doc_, branch_);
}

Array Shared::as_array() const {
  if (kind() != TypeKind::Array && kind() != TypeKind::XmlFragment && kind() != TypeKind::XmlElement) {
    throw TypeMismatch("shared type is not an Array");
  }
  return detail::Access::array(doc_, branch_);
}

Map Shared::as_map() const {
  if (kind() != TypeKind::Map && kind() != TypeKind::XmlHook) throw TypeMismatch("shared type is not a Map");
  return detail::Access::map(doc_, branch_);
}

}  // namespace crdtcore
