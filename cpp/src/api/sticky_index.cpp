// sticky_index.cpp — the StickyIndex handle; the algorithms are in types/sticky_index.cpp.
#include "crdtcore/sticky_index.h"

#include <utility>

#include "api/access.h"
#include "core/branch.h"
#include "core/doc_state.h"
#include "crdtcore/doc.h"
#include "crdtcore/error.h"
#include "types/list.h"
#include "types/sticky_index.h"

namespace crdtcore {

StickyIndex StickyIndex::from_parts(std::optional<Id> item, std::optional<std::string> root_name,
                                    std::optional<Id> type_id, int64_t assoc) {
  if (!item && !root_name && !type_id) throw InvalidState("sticky index without item or type");
  StickyIndex s;
  s.item_ = item;
  s.root_name_ = std::move(root_name);
  s.type_id_ = type_id;
  s.assoc_ = assoc;
  return s;
}

StickyIndex StickyIndex::from_index(const Shared& sequence, uint64_t index, Assoc assoc) {
  detail::Branch* b = detail::Access::branch(sequence);
  detail::require_live(b);
  switch (b->kind) {
    case TypeKind::Text:
    case TypeKind::XmlText:
    case TypeKind::Array:
    case TypeKind::XmlFragment:
    case TypeKind::XmlElement: break;
    default: throw TypeMismatch("sticky indices exist only in a Text or an Array");
  }
  detail::DocImpl& doc = *detail::Access::doc(sequence);
  if (index > b->offset_length) throw OutOfRange("index out of range");
  return detail::sticky_from_index(doc, b, index, assoc);
}

std::optional<StickyIndex::Resolved> StickyIndex::resolve(const Doc& doc) const {
  const std::shared_ptr<detail::DocImpl>& impl = detail::Access::doc_ptr(doc);
  std::optional<detail::StickyTarget> t = detail::sticky_resolve(*impl, *this);
  if (!t) return std::nullopt;
  return Resolved{detail::Access::shared(impl, t->branch), t->index};
}

std::optional<uint64_t> StickyIndex::resolve_in(const Shared& sequence) const {
  detail::Branch* b = detail::Access::branch(sequence);
  if (b == nullptr) return std::nullopt;
  std::optional<detail::StickyTarget> t =
      detail::sticky_resolve(*detail::Access::doc(sequence), *this);
  if (!t || t->branch != b) return std::nullopt;
  return t->index;
}

Bytes StickyIndex::encode() const { return detail::sticky_encode(*this); }

StickyIndex StickyIndex::decode(const uint8_t* data, size_t size) {
  return detail::sticky_decode(data, size);
}

Value StickyIndex::to_json() const { return detail::sticky_to_json(*this); }

StickyIndex StickyIndex::from_json(const Value& json) { return detail::sticky_from_json(json); }

}  // namespace crdtcore
