// list.cpp — see list.h.
#include "types/list.h"

#include <cstdlib>

#include "core/branch.h"
#include "core/doc_state.h"
#include "core/integrate.h"
#include "core/item.h"
#include "core/search_marker.h"
#include "crdtcore/error.h"
#include "util/utf.h"

namespace crdtcore::detail {

namespace {
// The marker used last is taken without looking at the others when it is at most this
// many units away (typing and deleting at one cursor keep hitting it).
constexpr uint64_t kNearMarker = 64;

uint64_t distance(uint64_t a, uint64_t b) { return a > b ? a - b : b - a; }
}  // namespace

uint64_t item_units(const Item* item) { return item->visible() ? item->offset_length() : 0; }

uint64_t to_yjs_offset(const DocImpl& doc, const Item* item, uint64_t offset) {
  auto* s = content_if<ContentString>(item->content);
  // Equal lengths: every character is one unit (all BMP, or all ASCII in UTF-8).
  if (s == nullptr || s->offset_len == s->str.size()) return offset;
  switch (doc.offset_kind()) {
    case OffsetKind::CodePoint: return utf16_offset_of_code_point(s->str, offset);
    case OffsetKind::Utf8: {
      const size_t at = utf16_offset_of_utf8(s->str, offset);
      if (at == kInsideCharacter) {
        throw OutOfRange("text index falls inside a multi-byte UTF-8 character");
      }
      return at;
    }
    case OffsetKind::Utf16: break;
  }
  return offset;
}

void check_char_boundary(DocImpl& doc, Branch* b, uint64_t index) {
  if (doc.offset_kind() != OffsetKind::Utf8 || index == 0 || index >= b->offset_length) return;
  const Found f = find_visible(doc, b, index, true);
  if (index > f.start) to_yjs_offset(doc, f.item, index - f.start);
}

void require_live(const Branch* b) {
  if (b == nullptr) throw InvalidState("shared type is not integrated");
  if (b->deleted()) throw InvalidState("shared type was deleted");
}

Found find_visible(DocImpl& /*doc*/, Branch* b, uint64_t index, bool use_markers) {
  SearchMarker* best = nullptr;
  if (use_markers && b->last_marker < b->markers.size()) {
    SearchMarker& m = b->markers[b->last_marker];
    const uint64_t dist = distance(m.index, index);
    if (dist <= kNearMarker && dist <= index && m.item->visible()) best = &m;
  }
  if (use_markers && best == nullptr) {
    uint64_t best_dist = ~uint64_t{0};
    for (size_t i = 0; i < b->markers.size();) {
      SearchMarker& m = b->markers[i];
      if (!m.item->visible()) {  // the marked item was deleted: drop the marker
        b->markers.erase(b->markers.begin() + static_cast<std::ptrdiff_t>(i));
        continue;
      }
      const uint64_t dist = distance(m.index, index);
      if (dist < best_dist) {
        best_dist = dist;
        best = &m;
      }
      ++i;
    }
    if (best != nullptr && best_dist > index) best = nullptr;  // the start is closer
  }
  Item* p = best != nullptr ? best->item : b->start;
  uint64_t pos = best != nullptr ? best->index : 0;
  size_t steps = 0;
  if (index >= pos) {
    while (p != nullptr) {
      const uint64_t u = item_units(p);
      if (u > 0) {
        if (index < pos + u) break;
        pos += u;
      }
      p = p->right;
      ++steps;
    }
  } else {
    while (p != nullptr) {
      p = p->left;
      ++steps;
      if (p == nullptr) break;
      const uint64_t u = item_units(p);
      if (u > 0) {
        pos -= u;
        if (index >= pos) break;
      }
    }
  }
  if (p == nullptr) throw InvalidState("list index invariant broken: index not found");
  if (use_markers) {
    if (best != nullptr && steps < kNewMarkerDistance) {
      best->item = p;
      best->index = pos;
      best->used = ++b->marker_clock;
      best->remote = false;
      b->last_marker = static_cast<size_t>(best - b->markers.data());
      p->set_flag(Item::kMarker, true);
    } else {
      // A long walk: a new marker here, in place of the least recently used one when
      // there are enough (the marker walked from stays: edits often alternate between a
      // few places).
      b->last_marker = add_marker(b, p, pos, /*remote=*/false);
    }
  }
  return Found{p, pos};
}

Item* list_left_at(DocImpl& doc, TxnState& txn, Branch* b, uint64_t index, bool use_markers) {
  if (index == 0) return nullptr;
  Found f = find_visible(doc, b, index - 1, use_markers);
  const uint64_t off = index - f.start;
  if (off < item_units(f.item)) split_item(doc, &txn, f.item, to_yjs_offset(doc, f.item, off));
  return f.item;
}

void shift_markers(Branch* b, uint64_t index, int64_t delta) {
  // Markers on items deleted meanwhile are shifted too and dropped by find_visible, the
  // only reader (no look at the items here: this runs after every edit).
  for (SearchMarker& m : b->markers) {
    if (m.index < index) continue;
    if (delta > 0) {
      m.index += static_cast<uint64_t>(delta);
    } else {
      m.index -= static_cast<uint64_t>(-delta);
    }
  }
}

Content content_for_values(std::vector<Value> run) { return ContentAny{std::move(run)}; }

void list_insert_values(DocImpl& doc, TxnState& txn, Branch* b, uint64_t index,
                        const std::vector<Value>& values) {
  require_live(b);
  if (index > b->offset_length) throw OutOfRange("index out of range");
  if (values.empty()) return;
  for (const Value& v : values) {
    if (v.kind() == Value::Kind::Undefined || v.kind() == Value::Kind::BigInt) {
      throw TypeMismatch("undefined and bigint values cannot be inserted into a list");
    }
  }
  Item* left = list_left_at(doc, txn, b, index, true);
  Item* right = left != nullptr ? left->right : b->start;
  std::vector<Value> run;
  auto flush = [&] {
    if (run.empty()) return;
    left = insert_local(doc, txn, b, left, right, nullptr, ContentAny{std::move(run)});
    run.clear();
  };
  for (const Value& v : values) {
    if (v.kind() == Value::Kind::Binary) {
      flush();
      left = insert_local(doc, txn, b, left, right, nullptr, ContentBinary{v.as_binary()});
    } else {
      run.push_back(v);
    }
  }
  flush();
  shift_markers(b, index, static_cast<int64_t>(values.size()));
}

Branch* list_insert_type(DocImpl& doc, TxnState& txn, Branch* b, uint64_t index, TypeKind kind) {
  require_live(b);
  if (index > b->offset_length) throw OutOfRange("index out of range");
  Item* left = list_left_at(doc, txn, b, index, true);
  Item* right = left != nullptr ? left->right : b->start;
  ContentType ct;
  ct.type_ref = type_ref_of(kind);
  Item* item = insert_local(doc, txn, b, left, right, nullptr, std::move(ct));
  shift_markers(b, index, 1);
  return content_get<ContentType>(item->content).branch;
}

void list_delete(DocImpl& doc, TxnState& txn, Branch* b, uint64_t index, uint64_t len) {
  require_live(b);
  const uint64_t total = b->offset_length;
  if (index > total || len > total - index) throw OutOfRange("range out of bounds");
  if (len == 0) return;
  Found f = find_visible(doc, b, index, true);
  Item* p = f.item;
  const uint64_t off = index - f.start;
  if (off > 0) p = split_item(doc, &txn, p, to_yjs_offset(doc, p, off));
  uint64_t remaining = len;
  while (remaining > 0 && p != nullptr) {
    uint64_t u = item_units(p);
    if (u > 0) {
      if (remaining < u) {
        split_item(doc, &txn, p, to_yjs_offset(doc, p, remaining));
        u = item_units(p);
      }
      item_delete(doc, txn, p);
      remaining -= u;
    }
    p = p->right;
  }
  shift_markers(b, index + len, -static_cast<int64_t>(len));
}

}  // namespace crdtcore::detail
