// shared.cpp — Shared handle basics and to_value (Yjs toJSON, keeping ints).
#include "crdtcore/shared.h"

#include "api/access.h"
#include "api/values.h"
#include "core/branch.h"
#include "core/doc_state.h"
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

// Nesting of shared types is bounded only by the input: a hostile update can nest
// arrays 100,000 levels deep. Converting deeper than this raises instead of
// exhausting the stack.
constexpr int kMaxTypeDepth = 1000;

Value branch_value(const std::shared_ptr<detail::DocImpl>& doc, Branch* b, int depth);
Value out_to_value(const Out& o, int depth);

Value text_value(const Branch* b) {
  std::string s;
  for (const Item* it = b->start; it != nullptr; it = it->right) {
    if (it->deleted()) continue;
    if (auto* cs = detail::content_if<detail::ContentString>(it->content))
      detail::append_utf16_as_utf8(s, cs->str);
  }
  return Value::string(std::move(s));
}

Value list_value(const std::shared_ptr<detail::DocImpl>& doc, Branch* b, int depth) {
  Value::ArrayT arr;
  for (const Item* it = b->start; it != nullptr; it = it->right) {
    if (!it->visible()) continue;
    std::vector<Out> outs;
    detail::append_outs(doc, it, 0, it->length(), outs);
    for (const Out& o : outs) arr.push_back(out_to_value(o, depth));
  }
  return Value::array(std::move(arr));
}

Value map_value(const std::shared_ptr<detail::DocImpl>& doc, Branch* b, int depth) {
  Value::ObjectT obj;
  for (const auto& kv : b->map) {
    const Item* it = kv.second;
    if (it->deleted()) continue;
    std::vector<Out> outs;
    detail::append_outs(doc, it, it->length() - 1, it->length(), outs);
    obj.emplace_back(std::string(kv.first),
                     outs.empty() ? Value::null() : out_to_value(outs.back(), depth));
  }
  return Value::object(std::move(obj));
}

Value out_to_value(const Out& o, int depth) {
  if (!o.is_shared()) return o.value();
  return branch_value(detail::Access::doc_ptr(o.shared()), detail::Access::branch(o.shared()),
                      depth + 1);
}

Value branch_value(const std::shared_ptr<detail::DocImpl>& doc, Branch* b, int depth) {
  if (b == nullptr) return Value::null();
  if (depth > kMaxTypeDepth) {
    throw InvalidState("shared types nested more than " + std::to_string(kMaxTypeDepth) +
                       " levels deep cannot be converted to plain values");
  }
  switch (b->kind) {
    case TypeKind::Text:
    case TypeKind::XmlText: return text_value(b);
    case TypeKind::Map:
    case TypeKind::XmlHook: return map_value(doc, b, depth);
    case TypeKind::Array:
    case TypeKind::XmlFragment:
    case TypeKind::XmlElement: return list_value(doc, b, depth);
    case TypeKind::Undefined: break;
  }
  if (b->start == nullptr && !b->map.empty()) return map_value(doc, b, depth);
  for (const Item* it = b->start; it != nullptr; it = it->right) {
    if (detail::content_is<detail::ContentString>(it->content)) return text_value(b);
  }
  return list_value(doc, b, depth);
}

}  // namespace

Value Shared::to_value() const { return branch_value(doc_, branch_, 0); }

Text Shared::as_text() const {
  if (kind() != TypeKind::Text && kind() != TypeKind::XmlText)
    throw TypeMismatch("shared type is not a Text");
  return detail::Access::text(doc_, branch_);
}

Array Shared::as_array() const {
  if (kind() != TypeKind::Array && kind() != TypeKind::XmlFragment &&
      kind() != TypeKind::XmlElement) {
    throw TypeMismatch("shared type is not an Array");
  }
  return detail::Access::array(doc_, branch_);
}

Map Shared::as_map() const {
  if (kind() != TypeKind::Map && kind() != TypeKind::XmlHook)
    throw TypeMismatch("shared type is not a Map");
  return detail::Access::map(doc_, branch_);
}

}  // namespace crdtcore
