// js_sort.h — Array.prototype.sort(comparefn) exactly as V8 runs it (the TimSort of
// v8/third_party/v8/builtins/array-sort.tq, itself a port of CPython's listsort).
//
// Why: Yjs's mergeUpdates sorts its decoders with a comparator that is not a
// consistent order (a GC and an Item at the same id each compare "less" than the
// other). Any correct sort agrees with V8 on consistent comparators; only V8's exact
// sequence of comparisons and moves reproduces its result on inconsistent ones, and
// that result decides the bytes Yjs writes. This is a restatement written for
// crdtcore, not a copy: run detection, binary insertion sort for short runs
// (minrun 32..64), the run-stack invariants, galloping merges with an adaptive
// min_gallop starting at 7.
//
// cmp(x, y) returns <0, 0 or >0 like a JavaScript comparefn. T should be cheap to
// copy (the caller sorts pointers or indices).
#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

namespace crdtcore::detail {

template <class T, class Cmp>
class JsTimSort {
 public:
  JsTimSort(std::vector<T>& a, Cmp cmp) : a_(a), cmp_(cmp) {}

  void sort() {
    const Index n = static_cast<Index>(a_.size());
    if (n < 2) return;
    const Index min_run = min_run_length(n);
    Index low = 0;
    Index remaining = n;
    while (remaining != 0) {
      Index run = count_and_make_run(low, low + remaining);
      if (run < min_run) {
        const Index forced = std::min(min_run, remaining);
        binary_insertion_sort(low, low + run, low + forced);
        run = forced;
      }
      runs_.push_back({low, run});
      merge_collapse();
      low += run;
      remaining -= run;
    }
    merge_force_collapse();
  }

 private:
  using Index = std::ptrdiff_t;
  struct Run {
    Index base;
    Index len;
  };
  enum class Exit { kSucceed, kCopyRest };
  static constexpr Index kMinGallopWins = 7;

  int cmp(const T& x, const T& y) { return cmp_(x, y); }

  static Index min_run_length(Index n) {
    Index r = 0;
    while (n >= 64) {
      r |= n & 1;
      n >>= 1;
    }
    return n + r;
  }

  // Copies len elements; overlapping ranges are handled like V8's Copy builtin.
  static void copy(const T* src, Index src_pos, T* dst, Index dst_pos, Index len) {
    if (src_pos < dst_pos) {
      for (Index i = len - 1; i >= 0; --i) dst[dst_pos + i] = src[src_pos + i];
    } else {
      for (Index i = 0; i < len; ++i) dst[dst_pos + i] = src[src_pos + i];
    }
  }

  void binary_insertion_sort(Index low, Index start, Index high) {
    if (start == low) ++start;
    for (; start < high; ++start) {
      Index left = low;
      Index right = start;
      const T pivot = a_[start];
      while (left < right) {
        const Index mid = left + ((right - left) >> 1);
        if (cmp(pivot, a_[mid]) < 0) {
          right = mid;
        } else {
          left = mid + 1;
        }
      }
      for (Index p = start; p > left; --p) a_[p] = a_[p - 1];
      a_[left] = pivot;
    }
  }

  // Length of the non-descending or strictly descending run at low (reversed if
  // descending).
  Index count_and_make_run(Index low, Index high) {
    if (low + 1 == high) return 1;
    Index run = 2;
    const bool descending = cmp(a_[low + 1], a_[low]) < 0;
    for (Index i = low + 2; i < high; ++i) {
      const int order = cmp(a_[i], a_[i - 1]);
      if (descending ? order >= 0 : order < 0) break;
      ++run;
    }
    if (descending) std::reverse(a_.begin() + low, a_.begin() + low + run);
    return run;
  }

  // Leftmost position for key in arr[base, base + len) (before equal elements).
  Index gallop_left(const T* arr, const T& key, Index base, Index len, Index hint) {
    Index last = 0;
    Index ofs = 1;
    if (cmp(arr[base + hint], key) < 0) {
      const Index max_ofs = len - hint;
      while (ofs < max_ofs && cmp(arr[base + hint + ofs], key) < 0) {
        last = ofs;
        ofs = (ofs << 1) + 1;
      }
      ofs = std::min(ofs, max_ofs);
      last += hint;
      ofs += hint;
    } else {
      const Index max_ofs = hint + 1;
      while (ofs < max_ofs && cmp(arr[base + hint - ofs], key) >= 0) {
        last = ofs;
        ofs = (ofs << 1) + 1;
      }
      ofs = std::min(ofs, max_ofs);
      const Index tmp = last;
      last = hint - ofs;
      ofs = hint - tmp;
    }
    ++last;
    while (last < ofs) {
      const Index m = last + ((ofs - last) >> 1);
      if (cmp(arr[base + m], key) < 0) {
        last = m + 1;
      } else {
        ofs = m;
      }
    }
    return ofs;
  }

  // Rightmost position for key in arr[base, base + len) (after equal elements).
  Index gallop_right(const T* arr, const T& key, Index base, Index len, Index hint) {
    Index last = 0;
    Index ofs = 1;
    if (cmp(key, arr[base + hint]) < 0) {
      const Index max_ofs = hint + 1;
      while (ofs < max_ofs && cmp(key, arr[base + hint - ofs]) < 0) {
        last = ofs;
        ofs = (ofs << 1) + 1;
      }
      ofs = std::min(ofs, max_ofs);
      const Index tmp = last;
      last = hint - ofs;
      ofs = hint - tmp;
    } else {
      const Index max_ofs = len - hint;
      while (ofs < max_ofs && cmp(key, arr[base + hint + ofs]) >= 0) {
        last = ofs;
        ofs = (ofs << 1) + 1;
      }
      ofs = std::min(ofs, max_ofs);
      last += hint;
      ofs += hint;
    }
    ++last;
    while (last < ofs) {
      const Index m = last + ((ofs - last) >> 1);
      if (cmp(key, arr[base + m]) < 0) {
        ofs = m;
      } else {
        last = m + 1;
      }
    }
    return ofs;
  }

  static bool invariant_holds(const std::vector<Run>& runs, Index n) {
    if (n < 2) return true;
    return runs[n - 2].len > runs[n - 1].len + runs[n].len;
  }

  void merge_collapse() {
    while (runs_.size() > 1) {
      Index n = static_cast<Index>(runs_.size()) - 2;
      if (!invariant_holds(runs_, n + 1) || !invariant_holds(runs_, n)) {
        if (runs_[n - 1].len < runs_[n + 1].len) --n;
        merge_at(n);
      } else if (runs_[n].len <= runs_[n + 1].len) {
        merge_at(n);
      } else {
        break;
      }
    }
  }

  void merge_force_collapse() {
    while (runs_.size() > 1) {
      Index n = static_cast<Index>(runs_.size()) - 2;
      if (n > 0 && runs_[n - 1].len < runs_[n + 1].len) --n;
      merge_at(n);
    }
  }

  void merge_at(Index i) {
    Index base_a = runs_[i].base;
    Index len_a = runs_[i].len;
    const Index base_b = runs_[i + 1].base;
    Index len_b = runs_[i + 1].len;
    runs_[i].len = len_a + len_b;
    if (i == static_cast<Index>(runs_.size()) - 3) runs_[i + 1] = runs_[i + 2];
    runs_.pop_back();

    const Index k = gallop_right(a_.data(), a_[base_b], base_a, len_a, 0);
    base_a += k;
    len_a -= k;
    if (len_a == 0) return;
    len_b = gallop_left(a_.data(), a_[base_a + len_a - 1], base_b, len_b, len_b - 1);
    if (len_b == 0) return;
    if (len_a <= len_b) {
      merge_low(base_a, len_a, base_b, len_b);
    } else {
      merge_high(base_a, len_a, base_b, len_b);
    }
  }

  // Forward merge; run A (the shorter) goes to tmp_. State lives in the members
  // below so the loop can leave through either V8 exit label.
  void merge_low(Index base_a, Index len_a, Index base_b, Index len_b) {
    tmp_.assign(a_.begin() + base_a, a_.begin() + base_a + len_a);
    len_a_ = len_a;
    len_b_ = len_b;
    dest_ = base_a;
    cursor_tmp_ = 0;
    cursor_ = base_b;
    a_[dest_++] = a_[cursor_++];
    Exit exit = Exit::kSucceed;
    if (--len_b_ != 0) exit = len_a_ == 1 ? Exit::kCopyRest : merge_low_loop();
    if (exit == Exit::kSucceed) {
      if (len_a_ > 0) copy(tmp_.data(), cursor_tmp_, a_.data(), dest_, len_a_);
    } else {
      copy(a_.data(), cursor_, a_.data(), dest_, len_b_);
      a_[dest_ + len_b_] = tmp_[cursor_tmp_];
    }
  }

  Exit merge_low_loop() {
    Index min_gallop = min_gallop_;
    while (true) {
      Index wins_a = 0;
      Index wins_b = 0;
      while (true) {
        if (cmp(a_[cursor_], tmp_[cursor_tmp_]) < 0) {
          a_[dest_++] = a_[cursor_++];
          ++wins_b;
          wins_a = 0;
          if (--len_b_ == 0) return Exit::kSucceed;
          if (wins_b >= min_gallop) break;
        } else {
          a_[dest_++] = tmp_[cursor_tmp_++];
          ++wins_a;
          wins_b = 0;
          if (--len_a_ == 1) return Exit::kCopyRest;
          if (wins_a >= min_gallop) break;
        }
      }
      ++min_gallop;
      bool first = true;
      while (wins_a >= kMinGallopWins || wins_b >= kMinGallopWins || first) {
        first = false;
        min_gallop = std::max<Index>(1, min_gallop - 1);
        min_gallop_ = min_gallop;
        wins_a = gallop_right(tmp_.data(), a_[cursor_], cursor_tmp_, len_a_, 0);
        if (wins_a > 0) {
          copy(tmp_.data(), cursor_tmp_, a_.data(), dest_, wins_a);
          dest_ += wins_a;
          cursor_tmp_ += wins_a;
          len_a_ -= wins_a;
          if (len_a_ == 1) return Exit::kCopyRest;
          if (len_a_ == 0) return Exit::kSucceed;
        }
        a_[dest_++] = a_[cursor_++];
        if (--len_b_ == 0) return Exit::kSucceed;
        wins_b = gallop_left(a_.data(), tmp_[cursor_tmp_], cursor_, len_b_, 0);
        if (wins_b > 0) {
          copy(a_.data(), cursor_, a_.data(), dest_, wins_b);
          dest_ += wins_b;
          cursor_ += wins_b;
          len_b_ -= wins_b;
          if (len_b_ == 0) return Exit::kSucceed;
        }
        a_[dest_++] = tmp_[cursor_tmp_++];
        if (--len_a_ == 1) return Exit::kCopyRest;
      }
      ++min_gallop;
      min_gallop_ = min_gallop;
    }
  }

  // Backward merge; run B (the shorter) goes to tmp_.
  void merge_high(Index base_a, Index len_a, Index base_b, Index len_b) {
    tmp_.assign(a_.begin() + base_b, a_.begin() + base_b + len_b);
    base_a_ = base_a;
    len_a_ = len_a;
    len_b_ = len_b;
    dest_ = base_b + len_b - 1;
    cursor_tmp_ = len_b - 1;
    cursor_ = base_a + len_a - 1;
    a_[dest_--] = a_[cursor_--];
    Exit exit = Exit::kSucceed;
    if (--len_a_ != 0) exit = len_b_ == 1 ? Exit::kCopyRest : merge_high_loop();
    if (exit == Exit::kSucceed) {
      if (len_b_ > 0) copy(tmp_.data(), 0, a_.data(), dest_ - (len_b_ - 1), len_b_);
    } else {
      dest_ -= len_a_;
      cursor_ -= len_a_;
      copy(a_.data(), cursor_ + 1, a_.data(), dest_ + 1, len_a_);
      a_[dest_] = tmp_[cursor_tmp_];
    }
  }

  Exit merge_high_loop() {
    Index min_gallop = min_gallop_;
    while (true) {
      Index wins_a = 0;
      Index wins_b = 0;
      while (true) {
        if (cmp(tmp_[cursor_tmp_], a_[cursor_]) < 0) {
          a_[dest_--] = a_[cursor_--];
          ++wins_a;
          wins_b = 0;
          if (--len_a_ == 0) return Exit::kSucceed;
          if (wins_a >= min_gallop) break;
        } else {
          a_[dest_--] = tmp_[cursor_tmp_--];
          ++wins_b;
          wins_a = 0;
          if (--len_b_ == 1) return Exit::kCopyRest;
          if (wins_b >= min_gallop) break;
        }
      }
      ++min_gallop;
      bool first = true;
      while (wins_a >= kMinGallopWins || wins_b >= kMinGallopWins || first) {
        first = false;
        min_gallop = std::max<Index>(1, min_gallop - 1);
        min_gallop_ = min_gallop;
        Index k = gallop_right(a_.data(), tmp_[cursor_tmp_], base_a_, len_a_, len_a_ - 1);
        wins_a = len_a_ - k;
        if (wins_a > 0) {
          dest_ -= wins_a;
          cursor_ -= wins_a;
          copy(a_.data(), cursor_ + 1, a_.data(), dest_ + 1, wins_a);
          len_a_ -= wins_a;
          if (len_a_ == 0) return Exit::kSucceed;
        }
        a_[dest_--] = tmp_[cursor_tmp_--];
        if (--len_b_ == 1) return Exit::kCopyRest;
        k = gallop_left(tmp_.data(), a_[cursor_], 0, len_b_, len_b_ - 1);
        wins_b = len_b_ - k;
        if (wins_b > 0) {
          dest_ -= wins_b;
          cursor_tmp_ -= wins_b;
          copy(tmp_.data(), cursor_tmp_ + 1, a_.data(), dest_ + 1, wins_b);
          len_b_ -= wins_b;
          if (len_b_ == 1) return Exit::kCopyRest;
          if (len_b_ == 0) return Exit::kSucceed;
        }
        a_[dest_--] = a_[cursor_--];
        if (--len_a_ == 0) return Exit::kSucceed;
      }
      ++min_gallop;
      min_gallop_ = min_gallop;
    }
  }

  std::vector<T>& a_;
  Cmp cmp_;
  std::vector<Run> runs_;
  std::vector<T> tmp_;
  Index min_gallop_ = kMinGallopWins;
  // Merge state shared by merge_{low,high} and their loops.
  Index base_a_ = 0;
  Index len_a_ = 0;
  Index len_b_ = 0;
  Index dest_ = 0;
  Index cursor_tmp_ = 0;
  Index cursor_ = 0;  // cursor into run B (merge_low) or run A (merge_high)
};

// Sorts `a` in place exactly as V8's Array.prototype.sort(cmp) would.
template <class T, class Cmp>
void js_array_sort(std::vector<T>& a, Cmp cmp) {
  JsTimSort<T, Cmp>(a, cmp).sort();
}

}  // namespace crdtcore::detail
