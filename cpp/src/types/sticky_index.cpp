// sticky_index.cpp — see sticky_index.h.
#include "types/sticky_index.h"

#include <string>
#include <utility>

#include "core/branch.h"
#include "core/doc_state.h"
#include "core/item.h"
#include "core/struct_store.h"
#include "crdtcore/error.h"
#include "types/list.h"
#include "util/lib0_reader.h"
#include "util/lib0_writer.h"
#include "util/utf.h"

namespace crdtcore::detail {

namespace {

constexpr uint64_t kTagItem = 0;
constexpr uint64_t kTagRootName = 1;
constexpr uint64_t kTagTypeId = 2;

StickyIndex position_in(const Branch* b, std::optional<Id> item, Assoc assoc) {
  // Yjs createRelativePosition: a root is named, a nested type is its item's id.
  if (b->is_root) {
    return StickyIndex::from_parts(item, b->root_name, std::nullopt, static_cast<int64_t>(assoc));
  }
  return StickyIndex::from_parts(item, std::nullopt, b->item->id, static_cast<int64_t>(assoc));
}

// Document units in the first `yjs_offset` Yjs units of `item` (a prefix ending inside
// a surrogate pair counts the pair, in UTF-16 documents too: the index after it).
uint64_t units_of_prefix(const DocImpl& doc, const Item* item, uint64_t yjs_offset) {
  auto* s = content_if<ContentString>(item->content);
  if (s == nullptr || s->offset_len == s->str.size()) return yjs_offset;
  std::u16string_view str(s->str);
  if (yjs_offset > 0 && yjs_offset < str.size() && is_high_surrogate(str[yjs_offset - 1]) &&
      is_low_surrogate(str[yjs_offset])) {
    ++yjs_offset;
  }
  return string_offset_len(str.substr(0, yjs_offset), doc.offset_kind());
}

}  // namespace

StickyIndex sticky_from_index(DocImpl& doc, Branch* b, uint64_t index, Assoc assoc) {
  if (assoc == Assoc::Before) {
    if (index == 0) return position_in(b, std::nullopt, assoc);
    // The unit before the position: in Yjs units the last unit of that character.
    const Found f = find_visible(doc, b, index - 1, true);
    const uint64_t end = to_yjs_offset(doc, f.item, index - f.start);
    return position_in(b, Id{f.item->id.client, f.item->id.clock + end - 1}, assoc);
  }
  if (index == b->offset_length) return position_in(b, std::nullopt, assoc);
  const Found f = find_visible(doc, b, index, true);
  const uint64_t off = to_yjs_offset(doc, f.item, index - f.start);
  return position_in(b, Id{f.item->id.client, f.item->id.clock + off}, assoc);
}

std::optional<StickyTarget> sticky_resolve(const DocImpl& doc, const StickyIndex& pos) {
  const bool before = pos.assoc() == Assoc::Before;
  if (pos.item()) {
    if (doc.store.find(*pos.item()) == nullptr) return std::nullopt;
    // Undone deletions are followed to the content an UndoManager re-created.
    const Followed followed = follow_redone(doc.store, *pos.item());
    const Item* right = followed.item;
    if (right->is_gc() || right->parent() == nullptr) return std::nullopt;
    Branch* type = right->parent();
    if (type->deleted()) return std::nullopt;
    uint64_t index = 0;
    if (right->visible()) index = units_of_prefix(doc, right, followed.diff + (before ? 1 : 0));
    for (const Item* n = right->left; n != nullptr; n = n->left) index += item_units(n);
    return StickyTarget{type, index};
  }
  Branch* type = nullptr;
  if (pos.root_name()) {
    auto it = doc.roots.find(*pos.root_name());
    if (it == doc.roots.end()) return std::nullopt;
    type = it->second;
  } else if (pos.type_id()) {
    if (doc.store.find(*pos.type_id()) == nullptr) return std::nullopt;
    const Item* item = follow_redone(doc.store, *pos.type_id()).item;
    if (item->is_gc()) return std::nullopt;
    auto* ct = content_if<ContentType>(item->content);
    if (ct == nullptr || ct->branch == nullptr) return std::nullopt;
    type = ct->branch;
  } else {
    return std::nullopt;
  }
  if (type->deleted()) return std::nullopt;
  return StickyTarget{type, before ? 0 : type->offset_length};
}

Bytes sticky_encode(const StickyIndex& pos) {
  Lib0Writer w;
  if (pos.item()) {
    w.write_var_uint(kTagItem);
    w.write_var_uint(pos.item()->client);
    w.write_var_uint(pos.item()->clock);
  } else if (pos.root_name()) {
    w.write_var_uint(kTagRootName);
    w.write_var_string(*pos.root_name());
  } else if (pos.type_id()) {
    w.write_var_uint(kTagTypeId);
    w.write_var_uint(pos.type_id()->client);
    w.write_var_uint(pos.type_id()->clock);
  } else {
    throw InvalidState("sticky index without item or type");
  }
  w.write_var_int(pos.assoc_value());
  return w.take();
}

StickyIndex sticky_decode(const uint8_t* data, size_t size) {
  Lib0Reader r(data, size);
  std::optional<Id> item;
  std::optional<std::string> name;
  std::optional<Id> type;
  switch (r.read_var_uint()) {
    case kTagItem: {
      const ClientId client = r.read_var_uint();
      item = Id{client, r.read_var_uint()};
      break;
    }
    case kTagRootName: name = r.read_var_string(); break;
    case kTagTypeId: {
      const ClientId client = r.read_var_uint();
      type = Id{client, r.read_var_uint()};
      break;
    }
    default: Lib0Reader::fail("unknown sticky index tag");
  }
  const int64_t assoc = r.at_end() ? 0 : r.read_var_int();
  return StickyIndex::from_parts(item, std::move(name), type, assoc);
}

namespace {

Value id_json(const Id& id) {
  return Value::object({{"client", Value::integer(static_cast<int64_t>(id.client))},
                        {"clock", Value::integer(static_cast<int64_t>(id.clock))}});
}

const Value* member(const Value& obj, const char* key) {
  for (const auto& kv : obj.as_object()) {
    if (kv.first == key) return &kv.second;
  }
  return nullptr;
}

// An integral number within +-(2^53-1) (JSON numbers may arrive as Float).
bool integral(const Value& v, int64_t* out) {
  constexpr auto kMax = static_cast<int64_t>(kMaxSafeInteger);
  if (v.kind() == Value::Kind::Int) {
    *out = v.as_int();
  } else if (v.kind() == Value::Kind::Float) {
    const double d = v.as_float();
    if (!(d >= -static_cast<double>(kMax) && d <= static_cast<double>(kMax))) return false;
    if (static_cast<double>(static_cast<int64_t>(d)) != d) return false;
    *out = static_cast<int64_t>(d);
  } else {
    return false;
  }
  return *out >= -kMax && *out <= kMax;
}

std::optional<Id> id_from_json(const Value* v, const char* what) {
  if (v == nullptr || v->is_null() || v->is_undefined()) return std::nullopt;
  if (v->kind() != Value::Kind::Object) throw DecodeError(std::string(what) + " is not an id");
  const Value* client = member(*v, "client");
  const Value* clock = member(*v, "clock");
  int64_t c = 0;
  int64_t k = 0;
  if (client == nullptr || clock == nullptr || !integral(*client, &c) || !integral(*clock, &k) ||
      c < 0 || k < 0) {
    throw DecodeError(std::string(what) + " needs integer client and clock");
  }
  return Id{static_cast<ClientId>(c), static_cast<Clock>(k)};
}

}  // namespace

Value sticky_to_json(const StickyIndex& pos) {
  Value::ObjectT o;
  if (pos.type_id()) o.emplace_back("type", id_json(*pos.type_id()));
  if (pos.root_name() && !pos.root_name()->empty())
    o.emplace_back("tname", Value::string(*pos.root_name()));
  if (pos.item()) o.emplace_back("item", id_json(*pos.item()));
  o.emplace_back("assoc", Value::integer(pos.assoc_value()));
  return Value::object(std::move(o));
}

StickyIndex sticky_from_json(const Value& json) {
  if (json.kind() != Value::Kind::Object) throw DecodeError("sticky index JSON is not an object");
  std::optional<Id> type = id_from_json(member(json, "type"), "type");
  std::optional<Id> item = id_from_json(member(json, "item"), "item");
  std::optional<std::string> name;
  if (const Value* t = member(json, "tname"); t != nullptr && !t->is_null() && !t->is_undefined()) {
    if (t->kind() != Value::Kind::String) throw DecodeError("tname is not a string");
    if (!t->as_string().empty()) name = t->as_string();  // Yjs: json.tname || null
  }
  int64_t assoc = 0;
  if (const Value* a = member(json, "assoc"); a != nullptr && !a->is_null() && !a->is_undefined()) {
    if (!integral(*a, &assoc)) throw DecodeError("assoc is not an integer");
  }
  if (!item && !name && !type) throw DecodeError("sticky index JSON names no item or type");
  return StickyIndex::from_parts(item, std::move(name), type, assoc);
}

}  // namespace crdtcore::detail
