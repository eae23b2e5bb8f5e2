// text.cpp — Text (yjs src/types/YText.js: insert, insertEmbed, delete, format,
// toString, toDelta) over text_format.h.
#include "crdtcore/text.h"

#include "api/access.h"
#include "core/branch.h"
#include "core/doc_state.h"
#include "core/item.h"
#include "crdtcore/error.h"
#include "txn/transaction.h"
#include "types/list.h"
#include "types/text_format.h"
#include "util/utf.h"

namespace crdtcore {

using detail::AutoTxn;
using detail::Item;

namespace {

detail::Attrs to_attrs(const Attributes& a) {
  detail::Attrs out;
  for (const auto& [k, v] : a) out.set(k, v);
  return out;
}

void check_index(const Text& t, uint64_t index) {
  if (index > t.length()) throw OutOfRange("text index out of range");
}

}  // namespace

uint64_t Text::length() const { return branch_->offset_length; }

std::string Text::to_string() const {
  std::string out;
  for (const Item* it = branch_->start; it != nullptr; it = it->right) {
    if (it->deleted()) continue;
    if (auto* s = detail::content_if<detail::ContentString>(it->content))
      detail::append_utf16_as_utf8(out, s->str);
  }
  return out;
}

void Text::for_each_utf16_chunk(const std::function<void(std::u16string_view)>& f) const {
  for (const Item* it = branch_->start; it != nullptr; it = it->right) {
    if (it->deleted()) continue;
    if (auto* s = detail::content_if<detail::ContentString>(it->content)) f(s->str);
  }
}

std::string Text::slice(uint64_t start, uint64_t end) const {
  if (start > end || end > length()) throw OutOfRange("text slice out of range");
  std::string out;
  if (start == end) return out;
  detail::DocImpl& d = *doc_;
  detail::Found f = detail::find_visible(d, branch_, start, true);
  uint64_t pos = f.start;
  for (const Item* it = f.item; it != nullptr && pos < end; it = it->right) {
    const uint64_t u = detail::item_units(it);
    if (u == 0) continue;
    if (auto* s = detail::content_if<detail::ContentString>(it->content)) {
      const uint64_t from = start > pos ? start - pos : 0;
      const uint64_t to = end - pos < u ? end - pos : u;
      const uint64_t a = detail::to_yjs_offset(d, it, from);
      const uint64_t b = detail::to_yjs_offset(d, it, to);
      detail::append_utf16_as_utf8(out, std::u16string_view(s->str).substr(a, b - a));
    }
    pos += u;
  }
  return out;
}

void Text::insert(uint64_t index, std::string_view text, const std::optional<Attributes>& attrs) {
  if (text.empty()) return;
  detail::require_live(branch_);
  check_index(*this, index);
  AutoTxn at(*doc_);
  detail::ContentString content = detail::content_string_from_utf8(text, doc_->offset_kind());
  if (!attrs.has_value() && !branch_->has_formatting) {  // plain text: no attribute passes
    detail::insert_plain_text(*doc_, at.t(), branch_, index, std::move(content));
    at.done();
    return;
  }
  detail::TextPos pos =
      detail::find_text_position(*doc_, at.t(), branch_, index, !attrs.has_value());
  detail::Attrs attributes = attrs.has_value() ? to_attrs(*attrs) : pos.attrs;
  detail::insert_text(*doc_, at.t(), branch_, pos, std::move(content), std::move(attributes));
  at.done();
}

void Text::insert_embed(uint64_t index, const Value& embed, const Attributes& attrs) {
  detail::require_live(branch_);
  check_index(*this, index);
  AutoTxn at(*doc_);
  detail::TextPos pos = detail::find_text_position(*doc_, at.t(), branch_, index, false);
  detail::insert_text(*doc_, at.t(), branch_, pos, detail::ContentEmbed{embed}, to_attrs(attrs));
  at.done();
}

void Text::remove_range(uint64_t index, uint64_t len) {
  if (len == 0) return;
  detail::require_live(branch_);
  if (index > length() || len > length() - index) throw OutOfRange("text range out of bounds");
  detail::check_char_boundary(*doc_, branch_, index);
  detail::check_char_boundary(*doc_, branch_, index + len);
  AutoTxn at(*doc_);
  detail::TextPos pos = detail::find_text_position(*doc_, at.t(), branch_, index, true);
  detail::delete_text(*doc_, at.t(), branch_, pos, len);
  at.done();
}

void Text::format(uint64_t index, uint64_t len, const Attributes& attrs) {
  if (len == 0) return;
  detail::require_live(branch_);
  check_index(*this, index);
  detail::check_char_boundary(*doc_, branch_, index);
  if (len < length() - index) detail::check_char_boundary(*doc_, branch_, index + len);
  AutoTxn at(*doc_);
  detail::TextPos pos = detail::find_text_position(*doc_, at.t(), branch_, index, false);
  if (pos.right != nullptr) detail::format_text(*doc_, at.t(), branch_, pos, len, to_attrs(attrs));
  at.done();
}

std::vector<TextChunk> Text::to_delta() const {
  std::vector<TextChunk> ops;
  detail::Attrs current;
  std::string str;
  auto attrs_now = [&] {
    Attributes a;
    for (const auto& kv : current.items()) a.push_back(kv);
    return a;
  };
  auto pack = [&] {
    if (str.empty()) return;
    TextChunk c;
    c.kind = TextChunk::Kind::String;
    c.text = std::move(str);
    c.attributes = attrs_now();
    ops.push_back(std::move(c));
    str.clear();
  };
  for (const Item* it = branch_->start; it != nullptr; it = it->right) {
    if (it->deleted()) continue;
    if (auto* s = detail::content_if<detail::ContentString>(it->content)) {
      detail::append_utf16_as_utf8(str, s->str);
    } else if (auto* e = detail::content_if<detail::ContentEmbed>(it->content)) {
      pack();
      TextChunk c;
      c.kind = TextChunk::Kind::Embed;
      c.embed = e->value;
      c.attributes = attrs_now();
      ops.push_back(std::move(c));
    } else if (auto* t = detail::content_if<detail::ContentType>(it->content)) {
      pack();
      TextChunk c;
      c.kind = TextChunk::Kind::Shared;
      c.shared = detail::Access::shared(doc_, t->branch);
      c.attributes = attrs_now();
      ops.push_back(std::move(c));
    } else if (auto* f = detail::content_if<detail::ContentFormat>(it->content)) {
      pack();
      if (f->value.is_null() || f->value.is_undefined()) {
        current.erase(f->key);
      } else {
        current.set(f->key, f->value);
      }
    }
  }
  pack();
  return ops;
}

}  // namespace crdtcore
