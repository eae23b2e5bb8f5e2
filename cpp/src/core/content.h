// content.h — the content of an Item, and the wire constants of the Yjs struct
// encoding, named once (yjs-format.md §3.2–3.4; Yjs src/structs/Content*.js).
//
// Content is a tagged union whose tag is the wire content ref.
// Lengths are in Yjs units: UTF-16 code units for strings, elements for Any/JSON,
// the stored length for Deleted, 1 for everything else.
#pragma once

#include <cstdint>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "core/text_buf.h"
#include "crdtcore/offset_kind.h"
#include "crdtcore/value.h"

namespace crdtcore::detail {

struct Branch;
class Lib0Writer;
class Lib0Reader;

// Content refs: the low 5 bits of a struct's info byte.
inline constexpr uint8_t kRefGC = 0;
inline constexpr uint8_t kRefDeleted = 1;
inline constexpr uint8_t kRefJson = 2;
inline constexpr uint8_t kRefBinary = 3;
inline constexpr uint8_t kRefString = 4;
inline constexpr uint8_t kRefEmbed = 5;
inline constexpr uint8_t kRefFormat = 6;
inline constexpr uint8_t kRefType = 7;
inline constexpr uint8_t kRefAny = 8;
inline constexpr uint8_t kRefDoc = 9;
inline constexpr uint8_t kRefSkip = 10;

// Info byte flags.
inline constexpr uint8_t kInfoRefMask = 0x1F;
inline constexpr uint8_t kInfoHasOrigin = 0x80;
inline constexpr uint8_t kInfoHasRightOrigin = 0x40;
inline constexpr uint8_t kInfoHasParentSub = 0x20;

// Type refs (ContentType payload).
inline constexpr uint8_t kTypeArray = 0;
inline constexpr uint8_t kTypeMap = 1;
inline constexpr uint8_t kTypeText = 2;
inline constexpr uint8_t kTypeXmlElement = 3;
inline constexpr uint8_t kTypeXmlFragment = 4;
inline constexpr uint8_t kTypeXmlHook = 5;
inline constexpr uint8_t kTypeXmlText = 6;
inline constexpr uint8_t kTypeMaxRef = 6;

struct ContentDeleted {
  uint64_t len = 0;
};
// Legacy ContentJSON (ref 2): elements parsed from JSON text ("undefined" -> Undefined).
struct ContentJson {
  std::vector<Value> values;
};
struct ContentBinary {
  std::vector<uint8_t> data;
};
// UTF-16 text plus its length in the document's offset unit (offset_kind.h): code
// points, UTF-8 bytes, or str.size() in a UTF-16 document. One cached length serves
// every unit, so the unit is the document's: each function below that makes or changes
// a ContentString takes it, and a content must only meet contents of its own unit.
// 16 bytes (text_buf.h), so that Content is 24.
struct ContentString {
  TextBuf str;
  uint32_t offset_len = 0;
};
struct ContentEmbed {
  Value value;
};
struct ContentFormat {
  std::string key;
  Value value;
};
// type_ref and (for XmlElement/XmlHook) name come from the wire; branch is set when
// the item is integrated into a document (owned by the document, never by this).
struct ContentType {
  uint8_t type_ref = 0;
  std::string name;
  Branch* branch = nullptr;
};
struct ContentAny {
  std::vector<Value> values;
};
struct ContentDoc {
  std::string guid;
  Value options;
};

namespace content_detail {
// The content ref (the wire number, content.h's kRef*) of each kind.
template <class T>
struct RefOf;
template <>
struct RefOf<ContentDeleted> : std::integral_constant<uint8_t, kRefDeleted> {};
template <>
struct RefOf<ContentJson> : std::integral_constant<uint8_t, kRefJson> {};
template <>
struct RefOf<ContentBinary> : std::integral_constant<uint8_t, kRefBinary> {};
template <>
struct RefOf<ContentString> : std::integral_constant<uint8_t, kRefString> {};
template <>
struct RefOf<ContentEmbed> : std::integral_constant<uint8_t, kRefEmbed> {};
template <>
struct RefOf<ContentFormat> : std::integral_constant<uint8_t, kRefFormat> {};
template <>
struct RefOf<ContentType> : std::integral_constant<uint8_t, kRefType> {};
template <>
struct RefOf<ContentAny> : std::integral_constant<uint8_t, kRefAny> {};
template <>
struct RefOf<ContentDoc> : std::integral_constant<uint8_t, kRefDoc> {};
// The kinds kept out of line (larger than 16 bytes, or rare).
template <class T>
inline constexpr bool kBoxed =
    !std::is_same_v<T, ContentDeleted> && !std::is_same_v<T, ContentString>;
}  // namespace content_detail

// One of the Content* structs above: a tagged union of 24 bytes. ContentDeleted and
// ContentString (16 bytes) are stored inline, every other kind in a heap object that the
// Content owns (copies are deep). Read it with content_if / content_is / content_get.
//
// The last bytes hold the kind (its content ref) and one spare byte that is not part of
// the value: construction zeroes it, assignment leaves it alone. The Item that holds a
// Content keeps its flags there (core/item.h), so that an Item is 96 bytes.
class Content {
 public:
  Content() noexcept : deleted_{} {}
  Content(ContentDeleted d) noexcept : deleted_(d) {}       // NOLINT: implicit on purpose
  Content(ContentString&& s) noexcept : ref_(kRefString) {  // NOLINT
    new (&string_) ContentString(std::move(s));
  }
  Content(const ContentString& s) : ref_(kRefString) {  // NOLINT
    new (&string_) ContentString(s);
  }
  template <class T, class U = std::decay_t<T>,
            class = std::enable_if_t<content_detail::kBoxed<U>,
                                     decltype(content_detail::RefOf<U>::value)>>
  Content(T&& v)  // NOLINT: implicit, like the variant it replaces
      : box_(new U(std::forward<T>(v))), ref_(content_detail::RefOf<U>::value) {}
  Content(const Content& o) : ref_(kRefDeleted) { copy_from(o); }
  Content(Content&& o) noexcept : ref_(kRefDeleted) { move_from(std::move(o)); }
  Content& operator=(const Content& o) {
    if (this != &o) {
      Content copy(o);
      *this = std::move(copy);
    }
    return *this;
  }
  Content& operator=(Content&& o) noexcept {
    if (this != &o) {
      destroy();
      move_from(std::move(o));
    }
    return *this;
  }
  ~Content() { destroy(); }

  // The content ref (kRefDeleted .. kRefDoc): the kind.
  uint8_t ref() const { return ref_; }
  // Length in Yjs units: UTF-16 units of a string, elements of Any/JSON, the length of
  // Deleted, 1 for the other kinds.
  uint64_t length() const {
    if (ref_ == kRefString) return string_.str.size();
    if (ref_ == kRefDeleted) return deleted_.len;
    return boxed_length();
  }

  // Replaces the value with a default `T` and returns it (the spare byte stays).
  template <class T>
  T& emplace() {
    destroy();
    deleted_ = ContentDeleted{};  // what is left if allocating a boxed kind throws
    ref_ = kRefDeleted;
    if constexpr (std::is_same_v<T, ContentDeleted>) {
      return deleted_;
    } else if constexpr (std::is_same_v<T, ContentString>) {
      new (&string_) ContentString();
      ref_ = kRefString;
      return string_;
    } else {
      T* p = new T();
      box_ = p;
      ref_ = content_detail::RefOf<T>::value;
      return *p;
    }
  }
  template <class T>
  T* get_if() {
    if (ref_ != content_detail::RefOf<T>::value) return nullptr;
    if constexpr (std::is_same_v<T, ContentDeleted>) {
      return &deleted_;
    } else if constexpr (std::is_same_v<T, ContentString>) {
      return &string_;
    } else {
      return static_cast<T*>(box_);
    }
  }
  template <class T>
  const T* get_if() const {
    return const_cast<Content*>(this)->get_if<T>();
  }

  // The byte that is not part of the value (see the class comment).
  uint8_t spare() const { return spare_; }
  void set_spare(uint8_t v) { spare_ = v; }

 private:
  void destroy() noexcept;
  void copy_from(const Content& o);      // REQUIRES: this holds nothing (destroyed or fresh)
  void move_from(Content&& o) noexcept;  // the same; leaves `o` an empty ContentDeleted
  uint64_t boxed_length() const;

  union {
    ContentDeleted deleted_;
    ContentString string_;
    void* box_;
  };
  uint8_t ref_ = kRefDeleted;
  uint8_t spare_ = 0;
};

inline uint8_t content_ref(const Content& c) { return c.ref(); }

// The content as a `T` (one of the Content* structs), or null when it is another kind.
template <class T>
T* content_if(Content& c) {
  return c.get_if<T>();
}
template <class T>
const T* content_if(const Content& c) {
  return c.get_if<T>();
}
template <class T>
bool content_is(const Content& c) {
  return c.ref() == content_detail::RefOf<T>::value;
}
// REQUIRES: content_is<T>(c).
template <class T>
T& content_get(Content& c) {
  return *content_if<T>(c);
}
template <class T>
const T& content_get(const Content& c) {
  return *content_if<T>(c);
}

// Whether `a` followed by `b` stays within ContentString's 32-bit lengths (TextBuf's size
// and offset_len); a merge or an append that would outgrow them is not made.
inline bool strings_fit_together(const ContentString& a, const ContentString& b) {
  return a.str.size() + b.str.size() <= UINT32_MAX &&
         uint64_t{a.offset_len} + b.offset_len <= UINT32_MAX;
}

// Length in Yjs units (see file comment).
inline uint64_t content_length(const Content& c) { return c.length(); }
// Deleted and Format are not countable; everything else is.
bool content_countable(const Content& c);
// True for Deleted, Json, String, Any (the kinds Yjs can split).
bool content_splittable(const Content& c);

// Splits `c` at `offset` units and returns the right part; `c` keeps the left part.
// Strings follow Yjs: when the cut falls inside a surrogate pair both halves become
// U+FFFD. `kind`: the unit of ContentString::offset_len. REQUIRES:
// content_splittable(c) and 0 < offset < content_length(c).
Content content_splice(Content& c, uint64_t offset, OffsetKind kind);

// Appends `right` to `left` when both are the same mergeable kind (Deleted, Json,
// String, Any) and returns true; otherwise returns false and changes nothing.
// On success `right` may be left moved-from: cleanup merges runs right to left, so
// the growing run is usually on the right and is moved, not copied (linear, where
// copying it into each left neighbour would be quadratic).
bool content_try_merge(Content& left, Content&& right, OffsetKind kind);

// Writes the v1 payload of `c` without its first `offset` units (§3.3 "writing with
// offset"; for strings a cut inside a surrogate pair writes U+FFFD).
// REQUIRES: offset == 0 or content_splittable(c).
void write_content_v1(Lib0Writer& w, const Content& c, uint64_t offset);

// Reads a v1 payload for content ref 1..9; strings count their offset_len in `kind`.
// Throws DecodeError for malformed data, unknown refs or type refs, and zero-length
// content.
Content read_content_v1(Lib0Reader& r, uint8_t ref, OffsetKind kind);
// The same into `out`; a string is decoded straight into it (no temporary, no move).
void read_content_v1_into(Lib0Reader& r, uint8_t ref, OffsetKind kind, Content& out);

// Length of UTF-16 text in `kind` units (a lone surrogate: 1 code point, 3 UTF-8 bytes).
uint64_t string_offset_len(std::u16string_view s, OffsetKind kind);
// Builds a ContentString from UTF-16 text (computes offset_len in `kind`).
ContentString make_content_string(std::u16string_view s, OffsetKind kind);
// The same from UTF-8 text (invalid sequences become U+FFFD), converted and counted in
// one pass for code points and UTF-16 units.
ContentString content_string_from_utf8(std::string_view s, OffsetKind kind);

}  // namespace crdtcore::detail
