// text_buf.h — TextBuf: the UTF-16 text of a ContentString, in 12 bytes.
//
// A string item's text is most of what a text document holds besides its items, and
// std::u16string takes 32 bytes before its heap block. TextBuf keeps up to kInline code
// units inside itself (a typed character, a split-off fragment) and longer text in a
// malloc block whose capacity is a function of the size (capacity_for): no capacity
// field, yet appends stay amortized (typing appends to the item on its left).
//
// Invariants: size_ <= kInline: the text is in inline_; otherwise it is in a block of
// at least capacity_for(size_) code units (a truncated text keeps its block unless that
// is twice what it needs). Sizes are 32-bit: making text of 2^32 code
// units or more throws std::length_error (decoders check first and raise DecodeError).
// Views returned by view()/data() are invalidated by any change.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace crdtcore::detail {

class TextBuf {
 public:
  static constexpr uint32_t kInline = 4;

  TextBuf() noexcept : inline_{} {}
  explicit TextBuf(std::u16string_view s) : inline_{} { assign(s); }
  TextBuf(const TextBuf& o) : inline_{} { assign(o.view()); }
  TextBuf(TextBuf&& o) noexcept : size_(o.size_) {
    std::memcpy(raw_, o.raw_, sizeof(raw_));
    o.size_ = 0;
  }
  TextBuf& operator=(const TextBuf& o) {
    if (this != &o) assign(o.view());
    return *this;
  }
  TextBuf& operator=(TextBuf&& o) noexcept {
    if (this != &o) {
      release();
      size_ = o.size_;
      std::memcpy(raw_, o.raw_, sizeof(raw_));
      o.size_ = 0;
    }
    return *this;
  }
  TextBuf& operator=(std::u16string_view s) {
    assign(s);
    return *this;
  }
  ~TextBuf() { release(); }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const char16_t* data() const { return on_heap() ? block() : inline_; }
  char16_t* data() { return on_heap() ? block() : inline_; }
  std::u16string_view view() const { return {data(), size_}; }
  operator std::u16string_view() const { return view(); }  // NOLINT: a string's view
  char16_t operator[](size_t i) const { return data()[i]; }
  char16_t& operator[](size_t i) { return data()[i]; }
  // REQUIRES: !empty().
  char16_t front() const { return data()[0]; }
  char16_t back() const { return data()[size_ - 1]; }
  char16_t& front() { return data()[0]; }
  char16_t& back() { return data()[size_ - 1]; }

  friend bool operator==(const TextBuf& a, std::u16string_view b) { return a.view() == b; }
  friend bool operator==(std::u16string_view a, const TextBuf& b) { return a == b.view(); }
  friend bool operator!=(const TextBuf& a, std::u16string_view b) { return a.view() != b; }

  // `s` may view this buffer's own text.
  void assign(std::u16string_view s) {
    if (s.size() <= kInline && !on_heap()) {
      // (a forward copy: `s` can only start at or after inline_ if it views it)
      for (size_t i = 0; i < s.size(); ++i) inline_[i] = s[i];
      size_ = static_cast<uint32_t>(s.size());
      return;
    }
    assign_slow(s);
  }
  void append(std::u16string_view s) {
    const size_t n = size_ + s.size();
    if (n <= kInline) {
      for (size_t i = 0; i < s.size(); ++i) inline_[size_ + i] = s[i];
      size_ = static_cast<uint32_t>(n);
      return;
    }
    append_slow(s);
  }
  TextBuf& operator+=(std::u16string_view s) {
    append(s);
    return *this;
  }
  void prepend(std::u16string_view s);
  // Keeps the first n units (a smaller block when the old one is twice what n needs).
  // REQUIRES: n <= size().
  void truncate(size_t n);

  // Capacity in code units of the block that holds `n` units (n > kInline): n rounded
  // up to a multiple of max(4, 2^floor(log2 n) / 8), so at most 1/8 is spare.
  static size_t capacity_for(size_t n);

 private:
  bool on_heap() const { return size_ > kInline; }
  char16_t* block() const {
    char16_t* p;
    std::memcpy(&p, raw_, sizeof(p));
    return p;
  }
  void set_block(char16_t* p) { std::memcpy(raw_, &p, sizeof(p)); }
  void release();
  void assign_slow(std::u16string_view s);
  void append_slow(std::u16string_view s);
  // Makes the text `a` followed by `b` (either may view this buffer's text).
  void set_concat(std::u16string_view a, std::u16string_view b);

  uint32_t size_ = 0;
  union {
    char16_t inline_[kInline];
    unsigned char raw_[sizeof(char16_t*)];  // the block pointer (4-byte aligned here)
  };
};

static_assert(sizeof(TextBuf) == 12, "TextBuf must stay 12 bytes (ContentString is 16)");

}  // namespace crdtcore::detail
