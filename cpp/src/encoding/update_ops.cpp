// update_ops.cpp — merge, diff and state-vector extraction on v1 update bytes,
// without a document.
//
// Port of yjs src/utils/updates.js (mergeUpdatesV2, diffUpdateV2,
// encodeStateVectorFromUpdateV2, LazyStructWriter) and the delete-set helpers of
// src/utils/DeleteSet.js (mergeDeleteSets, sortAndMergeDeleteSet), restated from
// yjs-format.md §5.5–5.7. The outputs are byte-identical to Yjs, including its
// quirks: Skips are inserted for gaps, info bytes are recomputed (so BIT6 is
// lost on items that have an origin), GC runs are merged, items never are.
//
// Unlike Yjs, which decodes lazily and may stop early, every input is fully
// validated first (read_update_v1), so malformed input always throws DecodeError.
#include <algorithm>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "crdtcore/state_vector.h"
#include "crdtcore/update.h"
#include "encoding/struct_codec.h"
#include "util/js_sort.h"
#include "util/lib0_writer.h"

namespace crdtcore {
namespace {

using detail::DecodedStruct;
using detail::Lib0Writer;
using Kind = DecodedStruct::Kind;

// The structs of one update in wire order (the lazy reader's stream).
class StructStream {
 public:
  StructStream(detail::DecodedUpdate&& update, bool filter_skips) {
    for (auto& block : update.clients) {
      for (auto& s : block.second) {
        if (filter_skips && s.kind == Kind::Skip) continue;
        structs_.push_back(std::move(s));
      }
    }
  }
  bool done() const { return pos_ == structs_.size(); }
  // REQUIRES: !done().
  DecodedStruct& curr() { return structs_[pos_]; }
  // Advances and returns the new current struct, or nullptr at the end.
  DecodedStruct* next() {
    ++pos_;
    return done() ? nullptr : &structs_[pos_];
  }
  DecodedStruct* curr_or_null() { return done() ? nullptr : &structs_[pos_]; }

 private:
  std::vector<DecodedStruct> structs_;
  size_t pos_ = 0;
};

// Yjs LazyStructWriter: consecutive structs of one client form a block whose
// struct count is known only when the client changes.
class LazyStructWriter {
 public:
  void write(const DecodedStruct& s, uint64_t offset) {
    if (written_ > 0 && client_ != s.id.client) flush();
    if (written_ == 0) {
      client_ = s.id.client;
      block_.write_var_uint(s.id.client);
      block_.write_var_uint(s.id.clock + offset);
    }
    detail::write_struct_v1(block_, s, offset);
    ++written_;
  }
  // Writes the struct section into `out`.
  void finish(Lib0Writer& out) {
    flush();
    out.write_var_uint(num_blocks_);
    const auto& body = body_.data();
    out.write_bytes(body.data(), body.size());
  }

 private:
  void flush() {
    if (written_ == 0) return;
    body_.write_var_uint(written_);
    const auto& block = block_.data();
    body_.write_bytes(block.data(), block.size());
    block_ = Lib0Writer();
    written_ = 0;
    ++num_blocks_;
  }

  ClientId client_ = 0;
  uint64_t written_ = 0;
  uint64_t num_blocks_ = 0;
  Lib0Writer block_;
  Lib0Writer body_;
};

// mergeUpdates' stream order: client descending, clock ascending, then Yjs's
// constructor tie-break, which is inconsistent for a GC and an Item at the same id
// (each is "less" than the other). The streams are therefore sorted with V8's exact
// algorithm (util/js_sort.h), on the order left by the previous round, as Yjs does.
int compare_streams(const DecodedStruct& a, const DecodedStruct& b) {
  if (a.id.client == b.id.client) {
    if (a.id.clock == b.id.clock) {
      if (a.kind == b.kind) return 0;
      return a.kind == Kind::Skip ? 1 : -1;
    }
    return a.id.clock < b.id.clock ? -1 : 1;
  }
  return b.id.client < a.id.client ? -1 : 1;
}

// GC.mergeWith / Skip.mergeWith; lazily decoded items never merge.
bool try_merge(DecodedStruct& left, const DecodedStruct& right) {
  if (left.kind == Kind::Item || left.kind != right.kind) return false;
  left.length += right.length;
  return true;
}

DecodedStruct make_skip(ClientId client, Clock clock, uint64_t len) {
  DecodedStruct s;
  s.kind = Kind::Skip;
  s.id = Id{client, clock};
  s.length = len;
  return s;
}

// mergeDeleteSets + sortAndMergeDeleteSet: union in input order, stable sort
// by clock, coalesce overlapping or touching ranges (len-0 ranges included, as
// Yjs keeps them).
DeleteSet merge_delete_sets(const std::vector<DeleteSet>& sets) {
  DeleteSet merged;
  for (const DeleteSet& ds : sets) {
    for (const auto& [client, ranges] : ds.clients()) {
      auto& out = merged.clients()[client];
      out.insert(out.end(), ranges.begin(), ranges.end());
    }
  }
  for (auto& entry : merged.clients()) {
    auto& dels = entry.second;
    std::stable_sort(dels.begin(), dels.end(),
                     [](const DeleteRange& a, const DeleteRange& b) { return a.clock < b.clock; });
    size_t j = 1;
    for (size_t i = 1; i < dels.size(); ++i) {
      DeleteRange& left = dels[j - 1];
      const DeleteRange& right = dels[i];
      if (left.clock + left.len >= right.clock) {
        left.len = std::max(left.len, right.clock + right.len - left.clock);
      } else {
        dels[j++] = right;
      }
    }
    dels.resize(std::min(j, dels.size()));
  }
  return merged;
}

Bytes merge_two_or_more(const std::vector<Bytes>& updates) {
  std::vector<StructStream> streams;
  std::vector<DeleteSet> delete_sets;
  streams.reserve(updates.size());
  for (const Bytes& u : updates) {
    detail::DecodedUpdate decoded = detail::read_update_v1(u, OffsetKind::Utf16);
    delete_sets.push_back(std::move(decoded.ds));
    streams.emplace_back(std::move(decoded), /*filter_skips=*/true);
  }
  std::vector<StructStream*> order;
  for (auto& s : streams) order.push_back(&s);

  LazyStructWriter writer;
  std::optional<DecodedStruct> cw;  // Yjs's currWrite
  while (true) {
    order.erase(
        std::remove_if(order.begin(), order.end(), [](StructStream* s) { return s->done(); }),
        order.end());
    detail::js_array_sort(order, [](StructStream* a, StructStream* b) {
      return compare_streams(a->curr(), b->curr());
    });
    if (order.empty()) break;
    StructStream& dec = *order.front();
    const ClientId first = dec.curr().id.client;

    if (cw) {
      DecodedStruct* curr = &dec.curr();
      bool iterated = false;
      // Skip what currWrite already covers (higher clients were written first).
      while (curr != nullptr && curr->end() <= cw->end() && curr->id.client >= cw->id.client) {
        curr = dec.next();
        iterated = true;
      }
      if (curr == nullptr || curr->id.client != first || (iterated && curr->id.clock > cw->end())) {
        continue;  // another stream may hold what comes next
      }
      if (first != cw->id.client) {
        writer.write(*cw, 0);
        cw = std::move(*curr);
        dec.next();
      } else if (cw->end() < curr->id.clock) {
        if (cw->kind == Kind::Skip) {
          cw->length = curr->end() - cw->id.clock;
        } else {
          writer.write(*cw, 0);
          const Clock gap_start = cw->end();
          cw = make_skip(first, gap_start, curr->id.clock - gap_start);
        }
      } else {
        const uint64_t diff = cw->end() - curr->id.clock;
        std::optional<DecodedStruct> sliced;
        if (diff > 0) {
          if (cw->kind == Kind::Skip) {
            cw->length -= diff;
          } else {
            sliced = detail::slice_struct(*curr, diff, OffsetKind::Utf16);
          }
        }
        DecodedStruct& s = sliced ? *sliced : *curr;
        if (!try_merge(*cw, s)) {
          writer.write(*cw, 0);
          cw = std::move(s);
          dec.next();
        }
      }
    } else {
      cw = std::move(dec.curr());
      dec.next();
    }
    for (DecodedStruct* next = dec.curr_or_null();
         next != nullptr && next->id.client == first && next->id.clock == cw->end() &&
         next->kind != Kind::Skip;
         next = dec.next()) {
      writer.write(*cw, 0);
      cw = std::move(*next);
    }
  }
  if (cw) writer.write(*cw, 0);

  Lib0Writer out;
  writer.finish(out);
  detail::write_delete_set_v1(out, merge_delete_sets(delete_sets));
  return out.take();
}

}  // namespace

void validate_update(const uint8_t* data, size_t size) {
  detail::read_update_v1(data, size, OffsetKind::Utf16);
}
void validate_update(const Bytes& update) { validate_update(update.data(), update.size()); }

Bytes merge_updates(const std::vector<Bytes>& updates) {
  if (updates.size() == 1) {
    validate_update(updates.front());
    return updates.front();
  }
  return merge_two_or_more(updates);
}

Bytes diff_update(const Bytes& update, const Bytes& state_vector) {
  const StateVector sv = StateVector::decode(state_vector);
  detail::DecodedUpdate decoded = detail::read_update_v1(update, OffsetKind::Utf16);
  DeleteSet ds = std::move(decoded.ds);
  StructStream reader(std::move(decoded), /*filter_skips=*/false);
  LazyStructWriter writer;
  while (!reader.done()) {
    const DecodedStruct& curr = reader.curr();
    const ClientId client = curr.id.client;
    const Clock sv_clock = sv.get(client);
    if (curr.kind == Kind::Skip) {  // a block never starts with a Skip
      reader.next();
      continue;
    }
    if (curr.end() > sv_clock) {
      writer.write(curr, sv_clock > curr.id.clock ? sv_clock - curr.id.clock : 0);
      for (DecodedStruct* s = reader.next(); s != nullptr && s->id.client == client;
           s = reader.next()) {
        writer.write(*s, 0);
      }
    } else {
      for (DecodedStruct* s = &reader.curr();
           s != nullptr && s->id.client == client && s->end() <= sv_clock; s = reader.next()) {
      }
    }
  }
  Lib0Writer out;
  writer.finish(out);
  detail::write_delete_set_v1(out, ds);
  return out.take();
}

Bytes encode_state_vector_from_update(const Bytes& update) {
  detail::DecodedUpdate decoded = detail::read_update_v1(update, OffsetKind::Utf16);
  StructStream reader(std::move(decoded), /*filter_skips=*/false);
  Lib0Writer entries;
  uint64_t size = 0;
  if (!reader.done()) {
    const DecodedStruct& head = reader.curr();
    ClientId client = head.id.client;
    bool stop_counting = head.id.clock != 0;  // a client must start at clock 0
    // Yjs counts the very first struct even when it is a Skip.
    Clock clock = stop_counting ? 0 : head.end();
    for (DecodedStruct* s = &reader.curr(); s != nullptr; s = reader.next()) {
      if (s->id.client != client) {
        if (clock != 0) {
          ++size;
          entries.write_var_uint(client);
          entries.write_var_uint(clock);
        }
        client = s->id.client;
        clock = 0;
        stop_counting = s->id.clock != 0;
      }
      if (s->kind == Kind::Skip) stop_counting = true;
      if (!stop_counting) clock = s->end();
    }
    if (clock != 0) {
      ++size;
      entries.write_var_uint(client);
      entries.write_var_uint(clock);
    }
  }
  Lib0Writer out;
  out.write_var_uint(size);
  const auto& body = entries.data();
  out.write_bytes(body.data(), body.size());
  return out.take();
}

}  // namespace crdtcore
