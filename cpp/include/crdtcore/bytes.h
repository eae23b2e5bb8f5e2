// bytes.h — the byte-buffer type used for updates and state vectors.
#pragma once

#include <cstdint>
#include <vector>

namespace crdtcore {
using Bytes = std::vector<uint8_t>;
}  // namespace crdtcore
