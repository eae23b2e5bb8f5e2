// doc.cpp — the public Doc handle (doc.h) over DocImpl (core/doc_state.h): it assembles the
// layers (commit hooks of types/), opens transactions (txn/) and moves updates (encoding/).
#include "crdtcore/doc.h"

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <utility>

#include "api/events.h"
#include "core/branch.h"
#include "core/doc_state.h"
#include "core/local_append.h"
#include "crdtcore/array.h"
#include "crdtcore/error.h"
#include "crdtcore/map.h"
#include "crdtcore/text.h"
#include "crdtcore/update.h"
#include "encoding/decoded_update.h"
#include "encoding/doc_codec.h"
#include "encoding/struct_codec.h"
#include "txn/transaction.h"
#include "types/text_cleanup.h"

namespace crdtcore {

TransactionResult::TransactionResult(const TransactionResult& other)
    : std::enable_shared_from_this<TransactionResult>(other) {
  *this = other;
}

TransactionResult& TransactionResult::operator=(const TransactionResult& other) {
  if (this == &other) return *this;
  other.fill_states();
  origin = other.origin;
  local = other.local;
  before_state = other.before_state;
  after_state = other.after_state;
  delete_set = other.delete_set;
  update = other.update;
  return *this;
}

void TransactionResult::fill_states() const {
  if (pending_ != nullptr) detail::fill_pending_result(*pending_);
}

using detail::DocImpl;

Doc::Doc(DocOptions options) {
  if (options.client_id.has_value() && *options.client_id > kMaxSafeInteger) {
    throw std::invalid_argument("client_id cannot overflow 53 bits");
  }
  impl_ = std::make_shared<DocImpl>(std::move(options));
  impl_->hooks.after_remote = &detail::format_cleanup_after_remote;
  impl_->hooks.dispatch_events = &detail::dispatch_events;
}

ClientId Doc::client_id() const { return impl_->client_id; }
const std::string& Doc::guid() const { return impl_->options.guid; }
bool Doc::gc_enabled() const { return impl_->options.gc; }
OffsetKind Doc::offset_kind() const { return impl_->options.offset_kind; }

Shared Doc::get_or_create(const std::string& name, TypeKind kind) {
  return Shared(impl_, impl_->root(name, kind));
}
Text Doc::get_text(const std::string& name) {
  return Text(impl_, impl_->root(name, TypeKind::Text));
}
Array Doc::get_array(const std::string& name) {
  return Array(impl_, impl_->root(name, TypeKind::Array));
}
Map Doc::get_map(const std::string& name) { return Map(impl_, impl_->root(name, TypeKind::Map)); }

std::optional<Shared> Doc::root(const std::string& name) const {
  auto it = impl_->roots.find(name);
  if (it == impl_->roots.end()) return std::nullopt;
  return Shared(impl_, it->second);
}

std::vector<std::string> Doc::root_names() const {
  std::vector<std::string> out;
  out.reserve(impl_->roots.size());
  for (const auto& kv : impl_->roots) out.push_back(kv.first);
  return out;
}

void Doc::begin_transaction(Origin origin) { detail::begin(*impl_, origin); }
void Doc::commit_transaction() { detail::commit(*impl_); }
bool Doc::in_transaction() const { return impl_->txn_depth > 0; }
int Doc::transaction_depth() const { return impl_->txn_depth; }
Origin Doc::transaction_origin() const {
  return impl_->txn_depth > 0 ? impl_->txn->origin : impl_->committing_origin;
}

Bytes Doc::encode_state_vector() const { return impl_->store.state_vector().encode(); }

Bytes Doc::encode_state_as_update(const Bytes* state_vector) const {
  // Inside a transaction: the structs Yjs would write (core/local_append.h).
  if (impl_->txn_depth > 0) detail::split_local_appends(*impl_, impl_->t());
  if (state_vector == nullptr) return detail::encode_doc_state(*impl_, nullptr);
  const StateVector sv = StateVector::decode(*state_vector);
  return detail::encode_doc_state(*impl_, &sv);
}

void Doc::apply_update(const Bytes& update, Origin origin) {
  apply_decoded(decode_update(update, impl_->options.offset_kind),  // throws before any change
                origin);
}

void Doc::apply_decoded(DecodedUpdate&& update, Origin origin) {
  if (!update.valid()) throw std::invalid_argument("apply_decoded: the update was consumed");
  if (update.offset_kind() != impl_->options.offset_kind) {
    // Its strings' cached lengths are in another unit than the document's (content.h).
    throw std::invalid_argument("apply_decoded: the update was decoded for another offset kind");
  }
  detail::AutoTxn at(*impl_, origin);  // may throw InvalidState: `update` stays valid
  // Taken now: integrating moves parts out of it, so it is consumed even if that throws.
  std::unique_ptr<detail::DecodedUpdate> decoded = std::move(update.impl_);
  // A transaction opened by the caller stays local (its own edits must still be
  // forwarded), as in Yjs, where applyUpdate joins an open transaction as it is.
  if (at.owns()) at.t().local = false;
  detail::integrate_update(*impl_, at.t(), *decoded);
  // Its storage serves the next decode before the commit (observers may apply updates).
  detail::recycle_decoded(std::move(decoded));
  at.done();
}

bool Doc::has_pending() const {
  return !impl_->pending_structs.empty() || !impl_->pending_ds.empty();
}

Doc::ObserverId Doc::observe(std::function<void(const TransactionResult&)> fn,
                             ResultStates states) {
  const ObserverId id = impl_->next_observer_id++;
  impl_->observers.emplace_back(
      id, std::make_shared<const detail::DocImpl::DocObserver>(std::move(fn)));
  if (states == ResultStates::Eager) impl_->eager_observers.push_back(id);
  return id;
}

void Doc::unobserve(ObserverId id) {
  auto& eager = impl_->eager_observers;
  eager.erase(std::remove(eager.begin(), eager.end(), id), eager.end());
  auto& obs = impl_->observers;
  for (auto it = obs.begin(); it != obs.end(); ++it) {
    if (it->first == id) {
      obs.erase(it);
      return;
    }
  }
}

}  // namespace crdtcore
