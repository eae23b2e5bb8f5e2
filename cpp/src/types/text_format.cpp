// text_format.cpp — see text_format.h. Port of yjs src/types/YText.js (v13.6).
#include "types/text_format.h"

#include "core/branch.h"
#include "core/doc_state.h"
#include "core/integrate.h"
#include "core/item.h"
#include "core/local_append.h"
#include "types/list.h"

namespace crdtcore::detail {

const Value* Attrs::get(const std::string& key) const {
  for (const auto& kv : items_) {
    if (kv.first == key) return &kv.second;
  }
  return nullptr;
}

void Attrs::set(const std::string& key, Value v) {
  for (auto& kv : items_) {
    if (kv.first == key) {
      kv.second = std::move(v);
      return;
    }
  }
  items_.emplace_back(key, std::move(v));
}

void Attrs::erase(const std::string& key) {
  for (auto it = items_.begin(); it != items_.end(); ++it) {
    if (it->first == key) {
      items_.erase(it);
      return;
    }
  }
}

namespace {

bool is_number(const Value& v) {
  return v.kind() == Value::Kind::Int || v.kind() == Value::Kind::Float;
}
double number_of(const Value& v) {
  return v.kind() == Value::Kind::Int ? static_cast<double>(v.as_int()) : v.as_float();
}

// `attrs[key] ?? null`
Value get_or_null(const Attrs& attrs, const std::string& key) {
  const Value* v = attrs.get(key);
  return (v == nullptr || v->is_undefined()) ? Value::null() : *v;
}

const ContentFormat* format_of(const Item* item) {
  return content_if<ContentFormat>(item->content);
}

void update_current_attributes(Attrs& attrs, const ContentFormat& f) {
  if (f.value.is_null() || f.value.is_undefined()) {
    attrs.erase(f.key);
  } else {
    attrs.set(f.key, f.value);
  }
}

// ItemTextListPosition.forward
void forward(TextPos& pos) {
  Item* r = pos.right;
  if (const ContentFormat* f = format_of(r)) {
    if (!r->deleted()) update_current_attributes(pos.attrs, *f);
  } else if (!r->deleted()) {
    pos.index += item_units(r);
  }
  pos.left = r;
  pos.right = r->right;
}

void find_next_position(DocImpl& doc, TxnState& txn, TextPos& pos, uint64_t count) {
  while (pos.right != nullptr && count > 0) {
    Item* r = pos.right;
    if (const ContentFormat* f = format_of(r)) {
      if (!r->deleted()) update_current_attributes(pos.attrs, *f);
    } else if (!r->deleted()) {
      const uint64_t u = item_units(r);
      if (count < u) split_item(doc, &txn, r, to_yjs_offset(doc, r, count));
      const uint64_t used = item_units(r);
      pos.index += used;
      count = count > used ? count - used : 0;
    }
    pos.left = r;
    pos.right = r->right;
  }
}

void minimize_attribute_changes(TextPos& pos, const Attrs& attributes) {
  while (pos.right != nullptr) {
    Item* r = pos.right;
    const ContentFormat* f = format_of(r);
    if (r->deleted() || (f != nullptr && equal_attrs(get_or_null(attributes, f->key), f->value))) {
      forward(pos);
    } else {
      break;
    }
  }
}

Attrs insert_attributes(DocImpl& doc, TxnState& txn, Branch* b, TextPos& pos,
                        const Attrs& attributes) {
  Attrs negated;
  for (const auto& [key, val] : attributes.items()) {
    Value current = get_or_null(pos.attrs, key);
    if (!equal_attrs(current, val)) {
      negated.set(key, current);
      pos.right = insert_local(doc, txn, b, pos.left, pos.right, nullptr, ContentFormat{key, val});
      forward(pos);
    }
  }
  return negated;
}

void insert_negated_attributes(DocImpl& doc, TxnState& txn, Branch* b, TextPos& pos,
                               Attrs& negated) {
  while (pos.right != nullptr) {
    Item* r = pos.right;
    const ContentFormat* f = format_of(r);
    // Unlike the other helpers, Yjs compares with `negated.get(key)` here, without
    // `?? null`: a key absent from `negated` (undefined) never matches.
    const Value* neg = f != nullptr ? negated.get(f->key) : nullptr;
    if (r->deleted() || (neg != nullptr && equal_attrs(*neg, f->value))) {
      if (!r->deleted()) negated.erase(f->key);
      forward(pos);
    } else {
      break;
    }
  }
  for (const auto& [key, val] : negated.items()) {
    pos.right = insert_local(doc, txn, b, pos.left, pos.right, nullptr, ContentFormat{key, val});
    forward(pos);
  }
}

// Yjs cleanupFormattingGap: deletes format items made redundant between `start`
// and the next visible content item.
void cleanup_formatting_gap(DocImpl& doc, TxnState& txn, Item* start, Item* curr,
                            const Attrs& start_attrs, Attrs& curr_attrs) {
  Item* end = start;
  std::vector<std::pair<std::string, const Item*>> end_formats;
  auto set_end_format = [&](const std::string& k, const Item* it) {
    for (auto& kv : end_formats) {
      if (kv.first == k) {
        kv.second = it;
        return;
      }
    }
    end_formats.emplace_back(k, it);
  };
  auto get_end_format = [&](const std::string& k) -> const Item* {
    for (auto& kv : end_formats) {
      if (kv.first == k) return kv.second;
    }
    return nullptr;
  };
  while (end != nullptr && (!end->countable() || end->deleted())) {
    if (!end->deleted()) {
      if (const ContentFormat* f = format_of(end)) set_end_format(f->key, end);
    }
    end = end->right;
  }
  bool reached_curr = false;
  while (start != end) {
    if (curr == start) reached_curr = true;
    if (!start->deleted()) {
      if (const ContentFormat* f = format_of(start)) {
        const std::string key = f->key;
        const Value value = f->value;
        const Value start_value = get_or_null(start_attrs, key);
        if (get_end_format(key) != start || js_strict_equal(start_value, value)) {
          item_delete(doc, txn, start);
          if (!reached_curr && js_strict_equal(get_or_null(curr_attrs, key), value) &&
              !js_strict_equal(start_value, value)) {
            if (start_value.is_null()) {
              curr_attrs.erase(key);
            } else {
              curr_attrs.set(key, start_value);
            }
          }
        }
        if (!reached_curr && !start->deleted()) update_current_attributes(curr_attrs, *f);
      }
    }
    start = start->right;
  }
}

}  // namespace

bool js_strict_equal(const Value& a, const Value& b) {
  if (is_number(a) && is_number(b)) return number_of(a) == number_of(b);
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case Value::Kind::Undefined:
    case Value::Kind::Null: return true;
    case Value::Kind::Bool: return a.as_bool() == b.as_bool();
    case Value::Kind::BigInt: return a.as_bigint() == b.as_bigint();
    case Value::Kind::String: return a.as_string() == b.as_string();
    case Value::Kind::Binary: return &a.as_binary() == &b.as_binary();
    case Value::Kind::Array: return &a.as_array() == &b.as_array();
    case Value::Kind::Object: return &a.as_object() == &b.as_object();
    default: return false;
  }
}

bool equal_attrs(const Value& a, const Value& b) {
  if (js_strict_equal(a, b)) return true;
  if (a.kind() == Value::Kind::Object && b.kind() == Value::Kind::Object) {
    const auto& oa = a.as_object();
    const auto& ob = b.as_object();
    if (oa.size() != ob.size()) return false;
    for (const auto& [k, v] : oa) {
      const Value* other = nullptr;
      for (const auto& kv : ob) {
        if (kv.first == k) other = &kv.second;
      }
      if (other == nullptr || !js_strict_equal(v, *other)) return false;
    }
    return true;
  }
  if (a.kind() == Value::Kind::Array && b.kind() == Value::Kind::Array) {
    const auto& xa = a.as_array();
    const auto& xb = b.as_array();
    if (xa.size() != xb.size()) return false;
    for (size_t i = 0; i < xa.size(); ++i) {
      if (!js_strict_equal(xa[i], xb[i])) return false;
    }
    return true;
  }
  return false;
}

TextPos find_text_position(DocImpl& doc, TxnState& txn, Branch* b, uint64_t index,
                           bool use_markers) {
  TextPos pos;
  if (use_markers && !b->has_formatting) {
    pos.left = list_left_at(doc, txn, b, index, true);
    pos.right = pos.left != nullptr ? pos.left->right : b->start;
    pos.index = index;
    return pos;
  }
  pos.right = b->start;
  find_next_position(doc, txn, pos, index);
  return pos;
}

Item* insert_text(DocImpl& doc, TxnState& txn, Branch* b, TextPos& pos, Content content,
                  Attrs attributes) {
  for (const auto& [key, val] : pos.attrs.items()) {
    if (attributes.get(key) == nullptr) attributes.set(key, Value::null());
  }
  minimize_attribute_changes(pos, attributes);
  Attrs negated = insert_attributes(doc, txn, b, pos, attributes);
  const uint64_t at = pos.index;
  // Typing at the end of our own newest text: append, no new item (core/local_append.h).
  if (const auto* s = content_if<ContentString>(content);
      s != nullptr && try_local_append(doc, txn, b, pos.left, pos.right, *s)) {
    shift_markers(b, at, static_cast<int64_t>(s->offset_len));
    pos.index += s->offset_len;  // pos.left (now holding the text) and pos.right stay
    insert_negated_attributes(doc, txn, b, pos, negated);
    return pos.left;
  }
  Item* item = insert_local(doc, txn, b, pos.left, pos.right, nullptr, std::move(content));
  shift_markers(b, at, static_cast<int64_t>(item_units(item)));
  pos.right = item;
  forward(pos);
  insert_negated_attributes(doc, txn, b, pos, negated);
  return item;
}

Item* insert_plain_text(DocImpl& doc, TxnState& txn, Branch* b, uint64_t index,
                        ContentString content) {
  Item* left = list_left_at(doc, txn, b, index, true);
  Item* right = left != nullptr ? left->right : b->start;
  // minimizeAttributeChanges with no attributes anywhere: past the deleted items only.
  while (right != nullptr && right->deleted()) {
    left = right;
    right = right->right;
  }
  if (try_local_append(doc, txn, b, left, right, content)) {
    shift_markers(b, index, static_cast<int64_t>(content.offset_len));
    return left;
  }
  Item* item = insert_local(doc, txn, b, left, right, nullptr, std::move(content));
  shift_markers(b, index, static_cast<int64_t>(item_units(item)));
  return item;
}

void format_text(DocImpl& doc, TxnState& txn, Branch* b, TextPos& pos, uint64_t length,
                 const Attrs& attributes) {
  minimize_attribute_changes(pos, attributes);
  Attrs negated = insert_attributes(doc, txn, b, pos, attributes);
  while (pos.right != nullptr &&
         (length > 0 || (!negated.empty() && (pos.right->deleted() || pos.right->is_format())))) {
    Item* r = pos.right;
    if (!r->deleted()) {
      if (const ContentFormat* f = format_of(r)) {
        const Value* attr = attributes.get(f->key);
        if (attr != nullptr) {
          if (equal_attrs(*attr, f->value)) {
            negated.erase(f->key);
          } else {
            if (length == 0) break;
            negated.set(f->key, f->value);
          }
          item_delete(doc, txn, r);
        } else {
          pos.attrs.set(f->key, f->value);
        }
      } else {
        const uint64_t u = item_units(r);
        if (length < u) split_item(doc, &txn, r, to_yjs_offset(doc, r, length));
        const uint64_t used = item_units(r);
        length = length > used ? length - used : 0;
      }
    }
    forward(pos);
  }
  if (length > 0) {
    std::u16string newlines(static_cast<size_t>(length), u'\n');
    pos.right = insert_local(doc, txn, b, pos.left, pos.right, nullptr,
                             make_content_string(std::move(newlines), doc.offset_kind()));
    forward(pos);
  }
  insert_negated_attributes(doc, txn, b, pos, negated);
}

void cleanup_text_formatting(DocImpl& doc, TxnState& txn, Branch* b) {
  Item* start = b->start;
  Item* end = b->start;
  Attrs start_attrs;
  Attrs current;
  while (end != nullptr) {
    if (!end->deleted()) {
      if (const ContentFormat* f = format_of(end)) {
        update_current_attributes(current, *f);
      } else {
        cleanup_formatting_gap(doc, txn, start, end, start_attrs, current);
        start_attrs = current;
        start = end;
      }
    }
    end = end->right;
  }
}

void delete_text(DocImpl& doc, TxnState& txn, Branch* b, TextPos& pos, uint64_t length) {
  const uint64_t start_length = length;
  const Attrs start_attrs = pos.attrs;
  Item* start = pos.right;
  const uint64_t at = pos.index;
  while (length > 0 && pos.right != nullptr) {
    Item* r = pos.right;
    if (!r->deleted() &&
        (content_is<ContentString>(r->content) || content_is<ContentEmbed>(r->content) ||
         content_is<ContentType>(r->content))) {
      const uint64_t u = item_units(r);
      if (length < u) split_item(doc, &txn, r, to_yjs_offset(doc, r, length));
      const uint64_t used = item_units(r);
      length = length > used ? length - used : 0;
      item_delete(doc, txn, r);
    }
    forward(pos);
  }
  // Without any format item in the text the clean-up cannot find anything to do.
  if (start != nullptr && b->has_formatting)
    cleanup_formatting_gap(doc, txn, start, pos.right, start_attrs, pos.attrs);
  const uint64_t removed = start_length - length;
  if (removed > 0) shift_markers(b, at + removed, -static_cast<int64_t>(removed));
}

}  // namespace crdtcore::detail
