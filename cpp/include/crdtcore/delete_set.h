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

#include <map>
#include <vector>

#include "crdtcore/bytes.h"
#include "crdtcore/id.h"

namespace crdtcore {

struct DeleteRange {
  Clock clock = 0;
  uint64_t len = 0;
  Clock end() const { return clock + len; }
  friend bool operator==(const DeleteRange& a, const DeleteRange& b) {
    return a.clock == b.clock && a.len == b.len;
  }
};

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
  const std::map<ClientId, std::vector<DeleteRange>>& clients() const { return clients_; }
  // For decoders and merges: the caller may add clients and ranges, never erase a client
  // (client_order() relies on it); clients added here come last in client_order().
  std::map<ClientId, std::vector<DeleteRange>>& clients() {
    last_ = {};
    return clients_;
  }
  // For decoders: clients()[client], but a client new to the set takes a node kept by
  // clear() (no allocation while the set is cleared and refilled). Like clients(), a
  // client added here comes last in client_order().
  std::vector<DeleteRange>& decoded_ranges(ClientId client);

  // Writes the v1 form (clients descending, ranges as stored).
  Bytes encode() const;
  // Reads the v1 form. Throws DecodeError on malformed input.
  static DeleteSet decode(const Bytes& bytes);

  friend bool operator==(const DeleteSet& a, const DeleteSet& b) {
    return a.clients_ == b.clients_;
  }

 private:
  std::map<ClientId, std::vector<DeleteRange>> clients_;
  std::vector<ClientId> order_;  // distinct clients of clients_, in first-add() order
  // add()'s last client and its ranges (map nodes are stable); never copied, reset by
  // anything that may erase entries. Deletions come in runs of one client.
  struct LastClient {
    std::vector<DeleteRange>* ranges = nullptr;
    ClientId client = 0;
    LastClient() = default;
    LastClient(const LastClient&) {}
    LastClient& operator=(const LastClient&) {
      ranges = nullptr;
      return *this;
    }
  };
  LastClient last_;
  // Nodes of clients_ kept by clear() (with their vectors' capacity), reused by add():
  // a set cleared and refilled for every transaction allocates nothing. Never copied.
  struct SpareNodes {
    std::vector<std::map<ClientId, std::vector<DeleteRange>>::node_type> nodes;
    SpareNodes() = default;
    SpareNodes(const SpareNodes&) {}
    SpareNodes& operator=(const SpareNodes&) { return *this; }
    SpareNodes(SpareNodes&&) noexcept {}
    SpareNodes& operator=(SpareNodes&&) noexcept { return *this; }
  };
  SpareNodes spare_;
};

}  // namespace crdtcore
