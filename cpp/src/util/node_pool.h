// node_pool.h — NodePool: keeps the nodes of a node-based standard container (std::map,
// std::set, std::unordered_map, std::unordered_set) across clear()s, so that a container
// emptied and refilled for every transaction allocates nothing in the steady state.
// C++17 node handles do the work: extract() unlinks a node and keeps its memory (and the
// capacity of what its value owns, e.g. a vector), insert(node) links it in again.
//
// Copying or moving a pool gives an empty pool (kept nodes belong to one container's
// history; a copy of the container starts without spares).
// Thread safety: none (belongs to its container's owner).
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace crdtcore::detail {

template <class Container, size_t kMaxSpare = 8>
class NodePool {
 public:
  using Node = typename Container::node_type;

  NodePool() = default;
  NodePool(const NodePool&) {}
  NodePool& operator=(const NodePool&) { return *this; }
  NodePool(NodePool&&) noexcept {}
  NodePool& operator=(NodePool&&) noexcept { return *this; }

  // Empties `c`, keeping up to kMaxSpare of its nodes for take().
  void clear(Container& c) {
    while (!c.empty() && spare_.size() < kMaxSpare) spare_.push_back(c.extract(c.begin()));
    c.clear();
  }
  // A kept node (its old key and value still in it: overwrite both before inserting),
  // or an empty handle (node.empty()) when none is left.
  Node take() {
    if (spare_.empty()) return Node();
    Node n = std::move(spare_.back());
    spare_.pop_back();
    return n;
  }

 private:
  std::vector<Node> spare_;
};

}  // namespace crdtcore::detail
