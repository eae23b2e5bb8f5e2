// text_format.h — the formatting machinery of rich text (yjs src/types/YText.js:
// ItemTextListPosition, findPosition, insertText, formatText, deleteText,
// minimizeAttributeChanges, insertAttributes, insertNegatedAttributes,
// cleanupFormattingGap), restated from yjs-format.md §7.
//
// Format items are markers in the list: ContentFormat(key, value) means "from here
// on, `key` is `value`" (Null removes it). They are not countable.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/content.h"
#include "crdtcore/value.h"

namespace crdtcore::detail {

struct Branch;
struct Item;
struct TxnState;
class DocImpl;

// Attributes with JavaScript Map semantics: set keeps a key's first position.
class Attrs {
 public:
  const Value* get(const std::string& key) const;
  void set(const std::string& key, Value v);
  void erase(const std::string& key);
  bool empty() const { return items_.empty(); }
  const std::vector<std::pair<std::string, Value>>& items() const { return items_; }

 private:
  std::vector<std::pair<std::string, Value>> items_;
};

// JavaScript `===` on values (containers compare by identity).
bool js_strict_equal(const Value& a, const Value& b);
// Yjs equalAttrs: === or flat-equal objects.
bool equal_attrs(const Value& a, const Value& b);

struct TextPos {
  Item* left = nullptr;
  Item* right = nullptr;
  uint64_t index = 0;  // document units
  Attrs attrs;         // attributes in effect at the position
};

// Yjs findPosition. With use_markers (and no formatting in the text) the search
// starts from a search marker.
TextPos find_text_position(DocImpl& doc, TxnState& txn, Branch* b, uint64_t index,
                           bool use_markers);

// Yjs insertText: `content` is a String, Embed or Type content; `attributes` are
// the attributes the new content must carry (keys in effect but absent are added
// with Null by this function).
Item* insert_text(DocImpl& doc, TxnState& txn, Branch* b, TextPos& pos, Content content,
                  Attrs attributes);
// Yjs insertText of a string without attributes into text that never held a format
// item (REQUIRES: !b->has_formatting, index <= b->offset_length): the same structs as
// find_text_position + insert_text with no attributes, without their attribute passes (no
// attributes are in effect anywhere). Returns the item holding the text.
Item* insert_plain_text(DocImpl& doc, TxnState& txn, Branch* b, uint64_t index,
                        ContentString content);
// Yjs formatText.
void format_text(DocImpl& doc, TxnState& txn, Branch* b, TextPos& pos, uint64_t length,
                 const Attrs& attributes);
// Yjs cleanupYTextFormatting: one pass deleting redundant format items.
void cleanup_text_formatting(DocImpl& doc, TxnState& txn, Branch* b);
// Yjs deleteText (length in document units).
void delete_text(DocImpl& doc, TxnState& txn, Branch* b, TextPos& pos, uint64_t length);

}  // namespace crdtcore::detail
