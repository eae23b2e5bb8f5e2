// values.cpp — see values.h.
#include "api/values.h"

#include "api/access.h"
#include "core/branch.h"
#include "core/doc_state.h"
#include "core/item.h"
#include "types/list.h"
#include "util/utf.h"

namespace crdtcore::detail {

void append_outs(const std::shared_ptr<DocImpl>& doc, const Item* item, uint64_t from, uint64_t to,
                 std::vector<Out>& out) {
  const Content& c = item->content;
  if (auto* a = content_if<ContentAny>(c)) {
    for (uint64_t i = from; i < to; ++i) out.emplace_back(a->values[i]);
  } else if (auto* j = content_if<ContentJson>(c)) {
    for (uint64_t i = from; i < to; ++i) out.emplace_back(j->values[i]);
  } else if (auto* bin = content_if<ContentBinary>(c)) {
    out.emplace_back(Value::binary(bin->data));
  } else if (auto* s = content_if<ContentString>(c)) {
    for (uint64_t i = from; i < to; ++i)
      out.emplace_back(Value::string(utf16_to_utf8(s->str.view().substr(i, 1))));
  } else if (auto* e = content_if<ContentEmbed>(c)) {
    out.emplace_back(e->value);
  } else if (auto* t = content_if<ContentType>(c)) {
    out.emplace_back(Access::shared(doc, t->branch));
  } else if (auto* d = content_if<ContentDoc>(c)) {
    out.emplace_back(Value::object({{"guid", Value::string(d->guid)}}));
  }
}

std::vector<Out> list_slice(const std::shared_ptr<DocImpl>& doc, Branch* b, uint64_t start,
                            uint64_t end) {
  std::vector<Out> out;
  if (start >= end) return out;
  out.reserve(static_cast<size_t>(end - start));
  uint64_t pos = 0;
  Item* p = b->start;
  if (start > 0) {
    Found f = find_visible(*doc, b, start, true);
    p = f.item;
    pos = f.start;
  }
  for (; p != nullptr && pos < end; p = p->right) {
    const uint64_t u = item_units(p);
    if (u == 0) continue;
    if (pos + u > start) {
      const uint64_t from = start > pos ? start - pos : 0;
      const uint64_t to = end - pos < u ? end - pos : u;
      append_outs(doc, p, from, to, out);
    }
    pos += u;
  }
  return out;
}

}  // namespace crdtcore::detail
