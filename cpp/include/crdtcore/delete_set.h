// delete_set.h — DeleteSet: per client, clock ranges of deleted content.
//
// Ranges are [clock, clock + len). After sort_and_merge() every client's ranges are
// sorted by clock, non-overlapping and non-touching (Yjs sortAndMergeDeleteSet).
// Wire form v1 (yjs-format.md §3.5): varUint(numClients) then per client
// varUint(client) varUint(numRanges) (varUint(clock) varUint(len))*; written with
// clients descending.
//
// Thread safety: not thread-safe for writers.
#pragma once

#include <vector>

#include "crdtcore/bytes.h"
#include "crdtcore/client_ranges.h"
#include "crdtcore/id.h"

namespace crdtcore {

class DeleteSet {
 public:
  // Appends a range (no merging until sort_and_merge). len == 0 is ignored.
  void add(ClientId client, Clock clock, uint64_t len);
  // Sorts each client's ranges by clock and coalesces overlapping or touching ones.
  void sort_and_merge();
  // REQUIRES: sort_and_merge() was called since the last add().
  bool contains(const Id& id) const;
  bool empty() const;
  // Union; call sort_and_merge() afterwards. Clients new to this set follow its own in
  // `other`'s client_order() (Yjs mergeDeleteSets).
  void merge_from(const DeleteSet& other);
  void clear();
  // The clients in the order add() first saw them (Yjs's DeleteSet is a Map in insertion
  // order; the UndoManager iterates in that order), then any others ascending.
  std::vector<ClientId> client_order() const;
  const ClientRanges& clients() const { return clients_; }
  // For merges: the caller may add clients and ranges, never erase a client
  // (client_order() relies on it); clients added here come last in client_order().
  ClientRanges& clients() { return clients_; }
  // For decoders, which meet clients in wire order: the ranges of a new entry for `client`
  // (a client met twice gets two, joined by end_decoding(), the earlier's ranges first).
  // Like clients(), a client added here comes last in client_order(). REQUIRES: the set
  // is only cleared or destroyed until end_decoding() is called.
  std::vector<DeleteRange>& decoded_ranges(ClientId client) {
    return clients_.append_unsorted(client);
  }
  // Ends a run of decoded_ranges() calls: the set is an ordinary one again.
  void end_decoding() { clients_.normalize(); }

  // Writes the v1 form (clients descending, ranges as stored).
  Bytes encode() const;
  // Reads the v1 form. Throws DecodeError on malformed input.
  static DeleteSet decode(const Bytes& bytes);

  friend bool operator==(const DeleteSet& a, const DeleteSet& b) {
    return a.clients_ == b.clients_;
  }

 private:
  ClientRanges clients_;
  std::vector<ClientId> order_;  // distinct clients of clients_, in first-add() order
  // Index in clients_ of add()'s last client (checked before use: deletions come in runs of
  // one client, and anything may have moved the entries since).
  size_t last_ = 0;
};

}  // namespace crdtcore
