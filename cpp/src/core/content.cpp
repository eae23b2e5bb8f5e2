// content.cpp — item contents: lengths, splitting, merging and the v1 payloads.
//
// Port of yjs src/structs/Content{Deleted,JSON,Binary,String,Embed,Format,Type,Any,Doc}.js
// (getLength / isCountable / splice / mergeWith / write / read*). Behaviour that
// decides bytes on the wire:
//   * ContentString.splice replaces both halves of a cut surrogate pair with U+FFFD.
//   * Embed and Format values travel as JSON text in v1; ContentJSON elements are
//     JSON text or the literal `undefined`.
//   * ContentDoc writes the options that Yjs recomputes from the sub-document
//     (only gc:false, autoLoad:true and meta survive), whatever the wire carried.
#include "core/content.h"

#include <iterator>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "crdtcore/error.h"
#include "util/lib0_reader.h"
#include "util/lib0_writer.h"
#include "util/utf.h"

namespace crdtcore::detail {
namespace {

constexpr char16_t kReplacementChar = 0xFFFD;

// JavaScript truthiness of a value.
bool js_truthy(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::Undefined:
    case Value::Kind::Null: return false;
    case Value::Kind::Bool: return v.as_bool();
    case Value::Kind::Int: return v.as_int() != 0;
    case Value::Kind::Float: {
      const double d = v.as_float();
      return d == d && d != 0.0;
    }
    case Value::Kind::BigInt: return v.as_bigint() != 0;
    case Value::Kind::String: return !v.as_string().empty();
    default: return true;
  }
}

// The value stored under `key` in an Object value, or nullptr.
const Value* object_member(const Value& obj, std::string_view key) {
  if (obj.kind() != Value::Kind::Object) return nullptr;
  for (const auto& [k, v] : obj.as_object()) {
    if (k == key) return &v;
  }
  return nullptr;
}

// The options object Yjs writes for a sub-document read with `opts`
// (ContentDoc's constructor after createDocFromOpts): gc defaults to true,
// autoLoad to false, meta to null; only non-default values are written.
Value normalized_doc_options(const Value& opts) {
  Value::ObjectT out;
  const Value* gc = object_member(opts, "gc");
  if (gc != nullptr && !gc->is_undefined() && !js_truthy(*gc)) {
    out.emplace_back("gc", Value::boolean(false));
  }
  const Value* auto_load = object_member(opts, "autoLoad");
  if (auto_load != nullptr && js_truthy(*auto_load)) {
    out.emplace_back("autoLoad", Value::boolean(true));
  }
  const Value* meta = object_member(opts, "meta");
  if (meta != nullptr && !meta->is_undefined() && !meta->is_null()) {
    out.emplace_back("meta", *meta);
  }
  return Value::object(std::move(out));
}

void write_json_text(Lib0Writer& w, const Value& v) { w.write_var_string(to_json(v)); }

Value read_json_text(Lib0Reader& r) { return from_json(r.read_var_string()); }

template <class T>
std::vector<T> split_vector(std::vector<T>& left, uint64_t offset) {
  std::vector<T> right(left.begin() + static_cast<std::ptrdiff_t>(offset), left.end());
  left.resize(offset);
  return right;
}

}  // namespace

uint64_t string_offset_len(std::u16string_view s, OffsetKind kind) {
  switch (kind) {
    case OffsetKind::CodePoint: return utf16_code_points(s);
    case OffsetKind::Utf8: return utf16_utf8_length(s);
    case OffsetKind::Utf16: break;
  }
  return s.size();
}

namespace {

uint32_t checked_offset_len(uint64_t n) {
  // (the UTF-16 length is checked by TextBuf; UTF-8 can be up to 1.5x as long)
  if (n > UINT32_MAX) throw std::length_error("text of 2^32 offset units or more");
  return static_cast<uint32_t>(n);
}

}  // namespace

ContentString make_content_string(std::u16string_view s, OffsetKind kind) {
  ContentString c;
  c.str.assign(s);
  c.offset_len = checked_offset_len(string_offset_len(s, kind));
  return c;
}

ContentString content_string_from_utf8(std::string_view s, OffsetKind kind) {
  ContentString c;
  if (s.size() <= TextBuf::kInline) {
    // Typed text: a few ASCII characters go straight into the inline buffer.
    char16_t ascii[TextBuf::kInline];
    size_t n = 0;
    while (n < s.size() && static_cast<unsigned char>(s[n]) < 0x80) {
      ascii[n] = static_cast<char16_t>(s[n]);
      ++n;
    }
    if (n == s.size()) {
      c.str.assign(std::u16string_view(ascii, n));
      c.offset_len = static_cast<uint32_t>(n);  // one unit per character in every kind
      return c;
    }
  }
  std::u16string units;
  const size_t code_points = utf8_to_utf16_into(s, units);
  c.str.assign(units);
  switch (kind) {
    case OffsetKind::CodePoint: c.offset_len = checked_offset_len(code_points); break;
    case OffsetKind::Utf8:  // after U+FFFD
      c.offset_len = checked_offset_len(utf16_utf8_length(units));
      break;
    case OffsetKind::Utf16: c.offset_len = static_cast<uint32_t>(units.size()); break;
  }
  return c;
}

namespace {

// Calls f(static_cast<T*>(box)) with T the boxed kind of content ref `ref`.
template <class F>
decltype(auto) with_boxed(uint8_t ref, void* box, F&& f) {
  switch (ref) {
    case kRefJson: return f(static_cast<ContentJson*>(box));
    case kRefBinary: return f(static_cast<ContentBinary*>(box));
    case kRefEmbed: return f(static_cast<ContentEmbed*>(box));
    case kRefFormat: return f(static_cast<ContentFormat*>(box));
    case kRefType: return f(static_cast<ContentType*>(box));
    case kRefAny: return f(static_cast<ContentAny*>(box));
    default: return f(static_cast<ContentDoc*>(box));
  }
}

}  // namespace

void Content::destroy() noexcept {
  if (ref_ == kRefString) {
    string_.~ContentString();
  } else if (ref_ != kRefDeleted && box_ != nullptr) {
    with_boxed(ref_, box_, [](auto* p) { delete p; });
  }
}

void Content::copy_from(const Content& o) {
  if (o.ref_ == kRefString) {
    new (&string_) ContentString(o.string_);
  } else if (o.ref_ == kRefDeleted) {
    deleted_ = o.deleted_;
  } else {
    box_ = with_boxed(o.ref_, o.box_,
                      [](auto* p) -> void* { return new std::remove_pointer_t<decltype(p)>(*p); });
  }
  ref_ = o.ref_;
}

void Content::move_from(Content&& o) noexcept {
  if (o.ref_ == kRefString) {
    new (&string_) ContentString(std::move(o.string_));
    o.string_.~ContentString();
  } else if (o.ref_ == kRefDeleted) {
    deleted_ = o.deleted_;
  } else {
    box_ = o.box_;
  }
  ref_ = o.ref_;
  o.deleted_ = ContentDeleted{};
  o.ref_ = kRefDeleted;
}

uint64_t Content::boxed_length() const {
  if (ref_ == kRefAny) return static_cast<const ContentAny*>(box_)->values.size();
  if (ref_ == kRefJson) return static_cast<const ContentJson*>(box_)->values.size();
  return 1;
}

bool content_countable(const Content& c) {
  return !content_is<ContentDeleted>(c) && !content_is<ContentFormat>(c);
}

bool content_splittable(const Content& c) {
  return content_is<ContentDeleted>(c) || content_is<ContentJson>(c) ||
         content_is<ContentString>(c) || content_is<ContentAny>(c);
}

Content content_splice(Content& c, uint64_t offset, OffsetKind kind) {
  if (auto* d = content_if<ContentDeleted>(c)) {
    ContentDeleted right{d->len - offset};
    d->len = offset;
    return right;
  }
  if (auto* j = content_if<ContentJson>(c)) return ContentJson{split_vector(j->values, offset)};
  if (auto* a = content_if<ContentAny>(c)) return ContentAny{split_vector(a->values, offset)};
  auto& s = content_get<ContentString>(c);
  ContentString right;
  right.str.assign(s.str.view().substr(offset));
  s.str.truncate(offset);
  // Yjs issue #248: never leave half of a surrogate pair on either side.
  if (is_high_surrogate(s.str.back())) {
    s.str.back() = kReplacementChar;
    right.str.front() = kReplacementChar;
    s.offset_len = static_cast<uint32_t>(string_offset_len(s.str, kind));
    right.offset_len = static_cast<uint32_t>(string_offset_len(right.str, kind));
    return right;
  }
  // The cut is between characters, so the halves' lengths add up: count the shorter.
  const uint32_t total = s.offset_len;
  if (s.str.size() <= right.str.size()) {
    s.offset_len = static_cast<uint32_t>(string_offset_len(s.str, kind));
    right.offset_len = total - s.offset_len;
  } else {
    right.offset_len = static_cast<uint32_t>(string_offset_len(right.str, kind));
    s.offset_len = total - right.offset_len;
  }
  return right;
}

namespace {

// left = left + right, moving whichever side is larger.
template <typename Seq>
void concat_into(Seq& left, Seq& right) {
  if (right.size() > left.size()) {
    right.insert(right.begin(), std::make_move_iterator(left.begin()),
                 std::make_move_iterator(left.end()));
    left = std::move(right);
  } else {
    left.insert(left.end(), std::make_move_iterator(right.begin()),
                std::make_move_iterator(right.end()));
  }
}

}  // namespace

bool content_try_merge(Content& left, Content&& right, OffsetKind kind) {
  if (left.ref() != right.ref()) return false;
  if (auto* d = content_if<ContentDeleted>(left)) {
    d->len += content_get<ContentDeleted>(right).len;
    return true;
  }
  if (auto* s = content_if<ContentString>(left)) {
    auto& r = content_get<ContentString>(right);
    if (!strings_fit_together(*s, r)) return false;
    // A lone high surrogate meeting a lone low surrogate becomes one character: two
    // code points become one; two U+FFFD (3 UTF-8 bytes each) become 4 bytes.
    const bool joins = !s->str.empty() && !r.str.empty() && is_high_surrogate(s->str.back()) &&
                       is_low_surrogate(r.str.front());
    uint32_t join_saving = 0;
    if (joins) join_saving = kind == OffsetKind::CodePoint ? 1 : kind == OffsetKind::Utf8 ? 2 : 0;
    s->offset_len = s->offset_len + r.offset_len - join_saving;
    if (r.str.size() > s->str.size()) {
      r.str.prepend(s->str);
      s->str = std::move(r.str);
    } else {
      s->str += r.str;
    }
    return true;
  }
  if (auto* a = content_if<ContentAny>(left)) {
    concat_into(a->values, content_get<ContentAny>(right).values);
    return true;
  }
  if (auto* j = content_if<ContentJson>(left)) {
    concat_into(j->values, content_get<ContentJson>(right).values);
    return true;
  }
  return false;
}

void write_content_v1(Lib0Writer& w, const Content& c, uint64_t offset) {
  if (const auto* s = content_if<ContentString>(c)) {
    w.write_var_string_utf16(s->str.view().substr(offset));
  } else if (const auto* d = content_if<ContentDeleted>(c)) {
    w.write_var_uint(d->len - offset);
  } else if (const auto* a = content_if<ContentAny>(c)) {
    w.write_var_uint(a->values.size() - offset);
    for (size_t i = offset; i < a->values.size(); ++i) w.write_any(a->values[i]);
  } else if (const auto* j = content_if<ContentJson>(c)) {
    w.write_var_uint(j->values.size() - offset);
    for (size_t i = offset; i < j->values.size(); ++i) {
      const Value& v = j->values[i];
      if (v.is_undefined()) {
        w.write_var_string("undefined");
      } else {
        write_json_text(w, v);
      }
    }
  } else if (const auto* b = content_if<ContentBinary>(c)) {
    w.write_var_bytes(b->data.data(), b->data.size());
  } else if (const auto* e = content_if<ContentEmbed>(c)) {
    write_json_text(w, e->value);
  } else if (const auto* f = content_if<ContentFormat>(c)) {
    w.write_var_string(f->key);
    write_json_text(w, f->value);
  } else if (const auto* t = content_if<ContentType>(c)) {
    w.write_var_uint(t->type_ref);
    if (t->type_ref == kTypeXmlElement || t->type_ref == kTypeXmlHook) {
      w.write_var_string(t->name);
    }
  } else if (const auto* doc = content_if<ContentDoc>(c)) {
    w.write_var_string(doc->guid);
    w.write_any(normalized_doc_options(doc->options));
  }
}

namespace {

void read_string_v1(Lib0Reader& r, OffsetKind kind, ContentString& c) {
  size_t code_points = 0;
  size_t utf8_bytes = 0;
  const std::u16string_view units = r.read_var_string_utf16_view(&code_points, &utf8_bytes);
  if (units.empty()) Lib0Reader::fail("ContentString with length 0");
  // (a string's UTF-8 length bounds the others)
  if (utf8_bytes > UINT32_MAX) Lib0Reader::fail("ContentString of 2^32 bytes or more");
  c.str.assign(units);
  // string_offset_len without a second pass: the reader counted while decoding.
  c.offset_len = static_cast<uint32_t>(kind == OffsetKind::CodePoint ? code_points
                                       : kind == OffsetKind::Utf8    ? utf8_bytes
                                                                     : units.size());
}

}  // namespace

void read_content_v1_into(Lib0Reader& r, uint8_t ref, OffsetKind kind, Content& out) {
  if (ref == kRefString) {
    read_string_v1(r, kind, out.emplace<ContentString>());
  } else {
    out = read_content_v1(r, ref, kind);
  }
}

Content read_content_v1(Lib0Reader& r, uint8_t ref, OffsetKind kind) {
  switch (ref) {
    case kRefDeleted: {
      const uint64_t len = r.read_var_uint();
      if (len == 0) Lib0Reader::fail("ContentDeleted with length 0");
      return ContentDeleted{len};
    }
    case kRefJson: {
      const uint64_t n = r.read_count(1);
      if (n == 0) Lib0Reader::fail("ContentJSON with no elements");
      ContentJson j;
      for (uint64_t i = 0; i < n; ++i) {
        const std::string text = r.read_var_string();
        j.values.push_back(text == "undefined" ? Value::undefined() : from_json(text));
      }
      return j;
    }
    case kRefBinary: return ContentBinary{r.read_var_bytes()};
    case kRefString: {
      Content c;
      read_string_v1(r, kind, c.emplace<ContentString>());
      return c;
    }
    case kRefEmbed: return ContentEmbed{read_json_text(r)};
    case kRefFormat: {
      ContentFormat f;
      f.key = r.read_var_string();
      f.value = read_json_text(r);
      return f;
    }
    case kRefType: {
      ContentType t;
      const uint64_t type_ref = r.read_var_uint();
      if (type_ref > kTypeMaxRef) Lib0Reader::fail("unknown type ref");
      t.type_ref = static_cast<uint8_t>(type_ref);
      if (t.type_ref == kTypeXmlElement || t.type_ref == kTypeXmlHook) t.name = r.read_var_string();
      return t;
    }
    case kRefAny: {
      const uint64_t n = r.read_count(1);
      if (n == 0) Lib0Reader::fail("ContentAny with no elements");
      ContentAny a;
      for (uint64_t i = 0; i < n; ++i) a.values.push_back(r.read_any());
      return a;
    }
    case kRefDoc: {
      ContentDoc d;
      d.guid = r.read_var_string();
      d.options = r.read_any();
      // Yjs reads `opts.shouldLoad` from the options, which throws for null/undefined.
      if (d.options.is_undefined() || d.options.is_null()) {
        Lib0Reader::fail("ContentDoc options must not be null or undefined");
      }
      // createDocFromOpts spreads the options over {guid}, so a string opts.guid wins.
      const Value* guid = object_member(d.options, "guid");
      if (guid != nullptr && guid->kind() == Value::Kind::String) d.guid = guid->as_string();
      return d;
    }
    default: Lib0Reader::fail("unknown content ref " + std::to_string(ref));
  }
}

}  // namespace crdtcore::detail
