// doc_codec.h — updates in and out of a document (yjs src/utils/encoding.js:
// writeClientsStructs, writeStateAsUpdate, readUpdateV2/integrateStructs,
// readAndApplyDeleteSet; src/utils/DeleteSet.js createDeleteSetFromStructStore).
#pragma once

#include <cstdint>

#include "crdtcore/bytes.h"
#include "crdtcore/delete_set.h"
#include "crdtcore/state_vector.h"

namespace crdtcore::detail {

class DocImpl;
struct DecodedUpdate;
struct TxnState;

// Yjs encodeStateAsUpdate (target null: everything), pending data included.
Bytes encode_doc_state(DocImpl& doc, const StateVector* target);
// The v1 update of one committed transaction (Yjs 'update' event payload).
Bytes encode_txn_update(DocImpl& doc, const TxnState& txn);
// The same, written into `out`'s storage.
void encode_txn_update_into(DocImpl& doc, const TxnState& txn, Bytes& out);
// The same when the direct writer (txn_update_direct.cpp) takes the transaction (its new
// structs are strings, deleted content or GC runs of a few clients): writes `out` and
// returns true; otherwise returns false (`out` unspecified).
bool encode_txn_update_direct(const DocImpl& doc, const TxnState& txn, Bytes& out);
// The general encoder of a transaction's update (any content, any number of clients).
void encode_txn_update_general(const DocImpl& doc, const TxnState& txn, Bytes& out);

// Test hook: while a TxnUpdateCheck exists (process-wide; not thread-safe to create or
// destroy while other threads commit), every update the direct writer writes is written
// by the general encoder too and compared; the counts say how many each wrote and how
// many differed.
class TxnUpdateCheck {
 public:
  struct Counts {
    uint64_t direct = 0;      // updates the direct writer wrote
    uint64_t general = 0;     // updates only the general encoder wrote
    uint64_t mismatches = 0;  // direct updates whose bytes differed from the general's
  };
  TxnUpdateCheck();
  ~TxnUpdateCheck();
  TxnUpdateCheck(const TxnUpdateCheck&) = delete;
  TxnUpdateCheck& operator=(const TxnUpdateCheck&) = delete;
  Counts counts() const;
};

// Every deleted range of the store, GC included (Yjs createDeleteSetFromStructStore).
DeleteSet delete_set_from_store(const DocImpl& doc);
// Yjs applyUpdate's second half: integrates an update decoded (and so validated) by
// read_update_v1 (struct_codec.h) in the open transaction `txn`: its structs (or the
// pending buffer when dependencies are missing), then its delete set.
void integrate_update(DocImpl& doc, TxnState& txn, DecodedUpdate& decoded);

}  // namespace crdtcore::detail
