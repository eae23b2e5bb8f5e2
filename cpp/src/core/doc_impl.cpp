// doc_impl.cpp — the document core: roots, branches, transactions and observers
// (yjs src/utils/Doc.js, the transaction driver of src/utils/Transaction.js).
#include "core/doc_impl.h"

#include <exception>
#include <random>

#include "crdtcore/error.h"
#include "encoding/doc_codec.h"
#include "txn/format_cleanup.h"

namespace crdtcore::detail {

namespace {

ClientId random_client_id() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  return static_cast<ClientId>(rng() & 0xFFFFFFFFull);
}

std::string random_uuid4() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  const uint64_t a = rng();
  const uint64_t b = rng();
  uint8_t bytes[16];
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<uint8_t>(a >> (8 * i));
  for (int i = 0; i < 8; ++i) bytes[8 + i] = static_cast<uint8_t>(b >> (8 * i));
  bytes[6] = static_cast<uint8_t>((bytes[6] & 0x0F) | 0x40);
  bytes[8] = static_cast<uint8_t>((bytes[8] & 0x3F) | 0x80);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(hex[bytes[i] >> 4]);
    out.push_back(hex[bytes[i] & 15]);
  }
  return out;
}

}  // namespace

DocImpl::DocImpl(DocOptions opts) : options(std::move(opts)) {
  client_id = options.client_id.has_value() ? *options.client_id : random_client_id();
  if (options.guid.empty()) options.guid = random_uuid4();
}

DocImpl::~DocImpl() = default;

const std::string* DocImpl::intern(std::string_view key) {
  auto it = keys.find(std::string(key));
  if (it != keys.end()) return &*it;
  return &*keys.emplace(key).first;
}

Branch* DocImpl::new_branch(TypeKind kind) {
  branches.push_back(std::make_unique<Branch>());
  Branch* b = branches.back().get();
  b->kind = kind;
  b->marker_epoch = marker_epoch;
  return b;
}

Branch* DocImpl::root(std::string_view name, TypeKind kind) {
  auto it = roots.find(name);
  if (it != roots.end()) {
    Branch* b = it->second;
    if (kind != TypeKind::Undefined && b->kind != kind) {
      if (b->kind != TypeKind::Undefined) {
        throw TypeMismatch("root type '" + std::string(name) + "' already exists with another type");
      }
      b->kind = kind;
    }
    return b;
  }
  Branch* b = new_branch(kind);
  b->is_root = true;
  b->root_name = std::string(name);
  roots.emplace(std::string(name), b);
  return b;
}

void DocImpl::begin() {
  if (txn_depth++ == 0) {
    if (spare_txn) {
      txn = std::move(spare_txn);
      txn->reset();
    } else {
      txn = std::make_unique<TxnState>();
    }
  }
}

void DocImpl::commit() {
  if (txn_depth == 0) throw InvalidState("commit without an open transaction");
  if (--txn_depth > 0) return;
  std::unique_ptr<TxnState> t = std::move(txn);
  // Yjs runs the formatting clean-up of a remote transaction before its GC step and
  // announces it as a transaction of its own afterwards.
  std::unique_ptr<TxnState> followup;
  if (t->remote_applied) followup = format_cleanup_after_remote(*this, *t);
  cleanup_transaction(*this, *t);
  // Another peer used our client id: pick a new one (Yjs does the same).
  if (t->own_client_from_remote) client_id = random_client_id();
  std::exception_ptr first = notify(*t);
  if (followup) {
    cleanup_transaction(*this, *followup);
    std::exception_ptr second = notify(*followup);
    if (!first) first = second;
  }
  spare_txn = std::move(t);
  if (first) std::rethrow_exception(first);
}

std::exception_ptr DocImpl::notify(const TxnState& t) {
  const bool changed = !t.delete_set.empty() || !t.before_clocks.empty();
  if (!changed || observers.empty()) return nullptr;
  TransactionResult result;
  result.local = t.local;
  result.after_state = store.state_vector();
  StateVector before;
  for (const auto& [client, clock] : result.after_state.entries()) {
    auto it = t.before_clocks.find(client);
    const Clock b = it == t.before_clocks.end() ? clock : it->second;
    if (b > 0) before.set(client, b);
  }
  result.before_state = std::move(before);
  result.delete_set = t.delete_set;
  result.update = encode_txn_update(*this, t);
  std::exception_ptr first;
  auto snapshot = observers;  // observers may (un)subscribe while running
  for (auto& entry : snapshot) {
    try {
      entry.second(result);
    } catch (...) {
      if (!first) first = std::current_exception();
    }
  }
  return first;
}

}  // namespace crdtcore::detail
