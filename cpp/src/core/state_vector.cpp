// state_vector.cpp — StateVector wire form (port of yjs src/utils/encoding.js
// writeStateVector / readStateVector; yjs-format.md §5.1).
//
// Yjs writes entries sorted by client descending; readers accept any order and the
// last duplicate wins. Entries whose clock is 0 are not written (Yjs never holds
// them: a client appears in its state vector only once it has content). Bytes after
// the last entry are ignored, as Yjs ignores them.

#include "crdtcore/state_vector.h"

#include "crdtcore/error.h"
#include "util/lib0_reader.h"
#include "util/lib0_writer.h"

namespace crdtcore {

Bytes StateVector::encode() const {
  detail::Lib0Writer w;
  size_t n = 0;
  for (const auto& entry : clocks_) n += entry.second != 0;
  w.write_var_uint(n);
  for (auto it = clocks_.rbegin(); it != clocks_.rend(); ++it) {
    if (it->second == 0) continue;
    w.write_var_uint(it->first);
    w.write_var_uint(it->second);
  }
  return w.take();
}

StateVector StateVector::decode(const Bytes& bytes) { return decode(bytes.data(), bytes.size()); }

StateVector StateVector::decode(const uint8_t* data, size_t size) {
  detail::Lib0Reader r(data, size);
  StateVector sv;
  const uint64_t n = r.read_count(2);  // each entry: client + clock, >= 1 byte each
  for (uint64_t i = 0; i < n; ++i) {
    const ClientId client = r.read_var_uint();
    const Clock clock = r.read_var_uint();
    sv.clocks_[client] = clock;
  }
  return sv;
}

}  // namespace crdtcore
