// delete_set_codec.cpp — DeleteSet::encode/decode (delete_set.h): the v1 delete set
// of yjs-format.md §5.7 through the struct codec (Yjs writeDeleteSet/readDeleteSet).
#include <algorithm>
#include <iterator>

#include "crdtcore/delete_set.h"
#include "encoding/struct_codec.h"
#include "util/lib0_reader.h"
#include "util/lib0_writer.h"

namespace crdtcore {

Bytes DeleteSet::encode() const {
  detail::Lib0Writer w;
  detail::write_delete_set_v1(w, *this);
  return w.take();
}

DeleteSet DeleteSet::decode(const Bytes& bytes) {
  detail::Lib0Reader r(bytes);
  DeleteSet ds = detail::read_delete_set_v1(r);
  // The wire may carry zero-length ranges (Yjs never writes them): drop them here.
  for (auto it = ds.clients_.begin(); it != ds.clients_.end();) {
    auto& ranges = it->second;
    ranges.erase(std::remove_if(ranges.begin(), ranges.end(),
                                [](const DeleteRange& x) { return x.len == 0; }),
                 ranges.end());
    it = ranges.empty() ? ds.clients_.erase(it) : std::next(it);
  }
  return ds;
}

}  // namespace crdtcore
