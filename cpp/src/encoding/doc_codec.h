// doc_codec.h — updates in and out of a document (yjs src/utils/encoding.js:
// writeClientsStructs, writeStateAsUpdate, readUpdateV2/integrateStructs,
// readAndApplyDeleteSet; src/utils/DeleteSet.js createDeleteSetFromStructStore).
#pragma once

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
// Every deleted range of the store, GC included (Yjs createDeleteSetFromStructStore).
DeleteSet delete_set_from_store(const DocImpl& doc);
// Yjs applyUpdate's second half: integrates an update decoded (and so validated) by
// read_update_v1 (struct_codec.h) in the open transaction `txn`: its structs (or the
// pending buffer when dependencies are missing), then its delete set.
void integrate_update(DocImpl& doc, TxnState& txn, DecodedUpdate& decoded);

}  // namespace crdtcore::detail
