// text_buf.cpp — see text_buf.h.
#include "core/text_buf.h"

#include <cstdlib>
#include <new>
#include <stdexcept>

namespace crdtcore::detail {
namespace {

constexpr size_t kMaxSize = UINT32_MAX;

char16_t* allocate_units(size_t units) {
  void* p = std::malloc(units * sizeof(char16_t));
  if (p == nullptr) throw std::bad_alloc();
  return static_cast<char16_t*>(p);
}

// memcpy/memmove of n units; n == 0 allows a null `src` (an empty view's data()).
void copy_units(char16_t* dst, const char16_t* src, size_t n) {
  if (n != 0) std::memmove(dst, src, n * sizeof(char16_t));
}

void check_size(size_t n) {
  if (n > kMaxSize) throw std::length_error("text of 2^32 UTF-16 code units or more");
}

}  // namespace

size_t TextBuf::capacity_for(size_t n) {
  // The highest power of two <= n (n > kInline > 0), without a loop: appends ask on
  // every keystroke.
  const size_t top = size_t{1} << (63 - __builtin_clzll(static_cast<unsigned long long>(n)));
  const size_t grain = top / 8 > 4 ? top / 8 : 4;
  return (n + grain - 1) & ~(grain - 1);
}

void TextBuf::release() {
  if (on_heap()) std::free(block());
  size_ = 0;
}

void TextBuf::set_concat(std::u16string_view a, std::u16string_view b) {
  const size_t n = a.size() + b.size();
  check_size(n);
  if (n <= kInline) {
    char16_t tmp[kInline];
    copy_units(tmp, a.data(), a.size());
    copy_units(tmp + a.size(), b.data(), b.size());
    release();
    copy_units(inline_, tmp, n);
    size_ = static_cast<uint32_t>(n);
    return;
  }
  // A new block first: a or b may view the old text.
  char16_t* p = allocate_units(capacity_for(n));
  copy_units(p, a.data(), a.size());
  copy_units(p + a.size(), b.data(), b.size());
  release();
  set_block(p);
  size_ = static_cast<uint32_t>(n);
}

void TextBuf::assign_slow(std::u16string_view s) { set_concat(s, {}); }

void TextBuf::append_slow(std::u16string_view s) {
  const size_t n = size_ + s.size();
  if (!on_heap()) {
    set_concat(view(), s);
    return;
  }
  char16_t* p = block();
  if (n > capacity_for(size_)) {
    if (s.data() < p + size_ && p < s.data() + s.size()) {  // s views this text
      set_concat(view(), s);
      return;
    }
    check_size(n);
    // Growing in place when the heap can (typing appends to the same item).
    void* q = std::realloc(p, capacity_for(n) * sizeof(char16_t));
    if (q == nullptr) throw std::bad_alloc();
    p = static_cast<char16_t*>(q);
    set_block(p);
  }
  // (s cannot overlap the unused tail it is copied to)
  copy_units(p + size_, s.data(), s.size());
  size_ = static_cast<uint32_t>(n);
}

void TextBuf::prepend(std::u16string_view s) {
  const size_t n = size_ + s.size();
  if (on_heap() && n <= capacity_for(size_)) {
    // s views another buffer (a ContentString merge) or this text; memmove both ways.
    char16_t* p = block();
    const char16_t* src = s.data();
    const bool own = src >= p && src < p + size_;
    copy_units(p + s.size(), p, size_);
    if (own) src += s.size();  // it moved with the text
    copy_units(p, src, s.size());
    size_ = static_cast<uint32_t>(n);
    return;
  }
  set_concat(s, view());
}

void TextBuf::truncate(size_t n) {
  if (n >= size_) return;
  if (!on_heap()) {
    size_ = static_cast<uint32_t>(n);
    return;
  }
  char16_t* p = block();
  if (n <= kInline) {
    copy_units(inline_, p, n);  // overwrites the pointer bytes
    std::free(p);
    size_ = static_cast<uint32_t>(n);
    return;
  }
  const size_t cap = capacity_for(n);
  if (2 * cap <= capacity_for(size_)) {
    void* q = std::realloc(p, cap * sizeof(char16_t));  // shrinking: glibc keeps it in place
    if (q != nullptr) set_block(static_cast<char16_t*>(q));
    // (on failure the bigger block stays: it still satisfies the invariant's capacity)
  }
  size_ = static_cast<uint32_t>(n);
}

}  // namespace crdtcore::detail
