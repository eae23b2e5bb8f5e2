// doc.h — Doc: a Yjs-compatible document: named root types, transactions, update
// exchange and observers.
//
// Ownership: a Doc is a handle to a shared core; copies of the Doc and every
// Text/Array/Map handle keep that core alive.
//
// Transactions: begin_transaction()/commit_transaction() nest; the outermost commit
// finishes the transaction: garbage collection (unless DocOptions::gc is false),
// merging of adjacent structs, then the observers (see observe()). Every editing call
// made outside a transaction runs in a transaction of its own. The RAII Transaction
// guard below wraps the pair. A transaction may carry an Origin, which observers see.
//
// Updates are Yjs v1 updates (yjs-format.md §3). apply_update tolerates any delivery
// order and duplicates: structs whose dependencies are missing wait as pending and
// integrate once the gap is filled.
//
// Thread safety: a Doc (and its handles) must be used from one thread at a time.
// decode_update (update.h), the first half of apply_update, touches no document: it may
// run on another thread, or while another thread uses the document, and its result be
// applied later with apply_decoded.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "crdtcore/bytes.h"
#include "crdtcore/delete_set.h"
#include "crdtcore/id.h"
#include "crdtcore/offset_kind.h"
#include "crdtcore/shared.h"
#include "crdtcore/state_vector.h"
#include "crdtcore/update.h"

namespace crdtcore {

class Text;
class Array;
class Map;

struct DocOptions {
  // Random 32-bit id when absent. REQUIRES: <= 2^53 - 1 (see Doc()).
  std::optional<ClientId> client_id;
  // Garbage-collect deleted content at the end of each transaction (Yjs gc: true).
  bool gc = true;
  // Unit of every Text index and length of the document (offset_kind.h).
  OffsetKind offset_kind = OffsetKind::Utf16;
  // Random UUID v4 when empty.
  std::string guid;
};

// Who made a transaction (Yjs transaction.origin): an opaque pointer that the core only
// compares and hands back (TransactionResult::origin, Doc::transaction_origin()). The
// caller keeps what it points to alive until the transaction has committed.
using Origin = const void*;

namespace detail {
struct ResultAccess;
}  // namespace detail

// What an observer learns about one committed transaction. The core builds it once per
// transaction in a shared_ptr, so an observer that keeps it (the Python bindings' events)
// takes shared_from_this() instead of copying it.
//
// For observers registered with ResultStates::OnRead only, the core fills before_state,
// after_state and delete_set on demand: read them after fill_states(). A copy is always
// whole, and so is a result an observer still holds once the announcement is over.
struct TransactionResult : std::enable_shared_from_this<TransactionResult> {
  TransactionResult() = default;
  // Copies fill the source's states first (fill_states()).
  TransactionResult(const TransactionResult& other);
  TransactionResult& operator=(const TransactionResult& other);
  ~TransactionResult() = default;

  Origin origin = nullptr;  // as given to begin_transaction() or apply_update()
  bool local = true;        // false for a transaction apply_update() opened
  StateVector before_state;
  StateVector after_state;
  DeleteSet delete_set;  // what this transaction deleted (sorted and merged)
  Bytes update;          // v1 update of exactly this transaction (Yjs 'update')

  // Fills before_state, after_state and delete_set if the core left them for later (see
  // ResultStates); otherwise does nothing. Not thread-safe (nor is the document).
  void fill_states() const;

 private:
  friend struct detail::ResultAccess;
  // The document whose announcement of this result is running and will fill its states
  // (txn/transaction.cpp), or null when they are filled.
  mutable detail::DocImpl* pending_ = nullptr;
};

// When the core fills a TransactionResult's states (before_state, after_state,
// delete_set) for an observer: before calling it (Eager), or when the observer asks
// (OnRead: TransactionResult::fill_states(); an observer that reads only `update`
// saves computing them). The core fills them eagerly while any Eager observer exists.
enum class ResultStates { Eager, OnRead };

class Doc {
 public:
  // Throws std::invalid_argument when options.client_id exceeds 2^53 - 1.
  explicit Doc(DocOptions options = {});

  ClientId client_id() const;
  const std::string& guid() const;
  bool gc_enabled() const;
  OffsetKind offset_kind() const;

  // Root types, created on first use. Throws TypeMismatch when `name` already holds
  // a root of another kind. A root that arrived over the wire untyped takes the kind.
  Text get_text(const std::string& name);
  Array get_array(const std::string& name);
  Map get_map(const std::string& name);
  Shared get_or_create(const std::string& name, TypeKind kind);
  // The root named `name` if it exists (kind Undefined when never typed).
  std::optional<Shared> root(const std::string& name) const;
  std::vector<std::string> root_names() const;

  // Opens a transaction, or joins the open one (nesting). `origin` names who makes it.
  // Throws InvalidState when a transaction is open, `origin` is non-null and the open
  // transaction's origin is another one.
  void begin_transaction(Origin origin = nullptr);
  // Leaves one level; the outermost commit finishes the transaction. Observer exceptions
  // are collected and the first is rethrown after every observer ran and the commit is
  // complete. Throws InvalidState when no transaction is open.
  void commit_transaction();
  bool in_transaction() const;
  // Nesting depth of the open transaction (0: none).
  int transaction_depth() const;
  // The open transaction's origin; while observers run (no transaction open), the origin
  // of the transaction they are told about; otherwise null.
  Origin transaction_origin() const;

  // Yjs encodeStateVector (integrated structs only, not pending ones).
  Bytes encode_state_vector() const;
  // Yjs encodeStateAsUpdate: everything `state_vector` lacks (all when null),
  // including pending structs and deletes. Throws DecodeError for a malformed vector.
  Bytes encode_state_as_update(const Bytes* state_vector = nullptr) const;
  // Yjs applyUpdate. Throws DecodeError on malformed bytes and then leaves the
  // document exactly as before. Runs in the open transaction if there is one (which
  // stays local; a non-null `origin` must then be its origin, else InvalidState);
  // otherwise in a transaction of its own with `origin` and local == false (Yjs
  // applyUpdate's transactionOrigin).
  void apply_update(const Bytes& update, Origin origin = nullptr);
  // The second half of apply_update (which is apply_decoded(decode_update(update,
  // offset_kind()), origin)): integrates an update decoded by decode_update, with the
  // same transaction rules. Consumes `update` (valid() is false afterwards) unless
  // it throws InvalidState (another origin's transaction is open). Throws
  // std::invalid_argument, and changes nothing, when `update` was decoded for another
  // OffsetKind than offset_kind() or is no longer valid().
  void apply_decoded(DecodedUpdate&& update, Origin origin = nullptr);

  // Pending (not yet integrable) data, for diagnostics and tests.
  bool has_pending() const;

  using ObserverId = uint64_t;
  // Calls `fn` after each committed transaction that changed something; `states` tells
  // when the result's states are filled (ResultStates).
  ObserverId observe(std::function<void(const TransactionResult&)> fn,
                     ResultStates states = ResultStates::Eager);
  void unobserve(ObserverId id);

 private:
  std::shared_ptr<detail::DocImpl> impl_;
  friend struct detail::Access;
};

// RAII transaction: begins on construction, commits on destruction (a commit that
// throws from an observer is swallowed there; call commit() to see it).
class Transaction {
 public:
  explicit Transaction(Doc& doc, Origin origin = nullptr) : doc_(&doc) {
    doc_->begin_transaction(origin);
  }
  ~Transaction() {
    if (doc_ != nullptr) {
      try {
        doc_->commit_transaction();
      } catch (...) {
      }
    }
  }
  void commit() {
    Doc* d = doc_;
    doc_ = nullptr;
    d->commit_transaction();
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

 private:
  Doc* doc_;
};

}  // namespace crdtcore
