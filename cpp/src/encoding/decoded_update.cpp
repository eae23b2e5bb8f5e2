// decoded_update.cpp — the public DecodedUpdate handle (crdtcore/update.h), decode_update,
// and the per-thread spare decoded update (decoded_update.h).
#include "encoding/decoded_update.h"

#include <utility>

#include "crdtcore/update.h"
#include "encoding/struct_codec.h"

namespace crdtcore {
namespace detail {
namespace {

// Larger updates are not kept: their storage would stay allocated with the thread.
constexpr size_t kMaxSpareClients = 4;
constexpr size_t kMaxSpareStructs = 64;

thread_local std::unique_ptr<DecodedUpdate> t_spare;

}  // namespace

std::unique_ptr<DecodedUpdate> take_decoded() {
  if (t_spare) return std::move(t_spare);
  return std::make_unique<DecodedUpdate>();
}

void recycle_decoded(std::unique_ptr<DecodedUpdate> u) {
  if (!u || t_spare) return;
  if (u->clients.size() > kMaxSpareClients) return;
  for (const auto& block : u->clients) {
    if (block.second.capacity() > kMaxSpareStructs) return;
  }
  clear_decoded(*u);
  t_spare = std::move(u);
}

}  // namespace detail

DecodedUpdate::DecodedUpdate(std::unique_ptr<detail::DecodedUpdate> impl, OffsetKind kind)
    : impl_(std::move(impl)), kind_(kind) {}
DecodedUpdate::DecodedUpdate(DecodedUpdate&& other) noexcept = default;
DecodedUpdate& DecodedUpdate::operator=(DecodedUpdate&& other) noexcept = default;
DecodedUpdate::~DecodedUpdate() = default;

DecodedUpdate decode_update(const uint8_t* data, size_t size, OffsetKind kind) {
  std::unique_ptr<detail::DecodedUpdate> u = detail::take_decoded();
  detail::read_update_v1_into(*u, data, size, kind);  // on DecodeError `u` is freed
  return DecodedUpdate(std::move(u), kind);
}

}  // namespace crdtcore
