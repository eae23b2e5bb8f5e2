// text.h — Text: collaborative rich text (Yjs YText).
//
// Units: every index and length is in the document's OffsetKind (doc.h): UTF-16
// code units (Yjs's unit, the default) or Unicode code points (what Python uses).
// Strings cross the API as UTF-8.
//
// Each call runs in the document's open transaction, or in a transaction of its
// own when none is open. Calls throw OutOfRange for indices past the end and
// InvalidState when the text was deleted.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crdtcore/shared.h"

namespace crdtcore {

// Formatting attributes: ordered (key, value); a Null value removes the key.
using Attributes = Value::ObjectT;

// One chunk of rich text as Yjs's toDelta yields it.
struct TextChunk {
  enum class Kind : uint8_t { String, Embed, Shared };
  Kind kind = Kind::String;
  std::string text;       // Kind::String (UTF-8)
  Value embed;            // Kind::Embed
  Shared shared;          // Kind::Shared (a shared type embedded in the text)
  Attributes attributes;  // never holds Null values; empty when unformatted
};

class Text : public Shared {
 public:
  Text() = default;

  uint64_t length() const;
  std::string to_string() const;
  // Calls `f` with each visible string piece, in order, as UTF-16 code units (Yjs's unit;
  // embeds and nested types are skipped): to_string() without building a copy, for callers
  // that convert a large text into another representation.
  void for_each_utf16_chunk(const std::function<void(std::u16string_view)>& f) const;
  // Substring [start, end) in the document's unit. REQUIRES start <= end <= length().
  std::string slice(uint64_t start, uint64_t end) const;

  // Inserts UTF-8 text at `index`. Without `attrs` the text inherits the formatting
  // in effect at `index` (Yjs insert without attributes); with `attrs` exactly
  // those attributes apply (keys in effect but absent are turned off).
  void insert(uint64_t index, std::string_view text,
              const std::optional<Attributes>& attrs = std::nullopt);
  // Inserts an embed (an object value) as one unit. Attributes default to none.
  void insert_embed(uint64_t index, const Value& embed, const Attributes& attrs = {});
  // Deletes `len` units from `index`.
  void remove_range(uint64_t index, uint64_t len);
  // Applies attributes to [index, index + len); Null values remove a key. As in Yjs,
  // a range running past the end pads the text with "\n" (Quill convention).
  // REQUIRES: index <= length().
  void format(uint64_t index, uint64_t len, const Attributes& attrs);
  // The content as rich-text chunks (Yjs toDelta without snapshots).
  std::vector<TextChunk> to_delta() const;

 private:
  using Shared::Shared;
  friend class Shared;
  friend class Doc;
  friend class detail::DocImpl;
  friend struct detail::Access;
};

}  // namespace crdtcore
