"""Which deletions a replica has seen: delete sets decoded and accumulated.

A state vector tells which insertions a replica has, but a transaction that only
deletes does not advance any clock. To know whether a replica has seen such a
transaction (the trace workload waits for a transaction's causal past before making the
next one), a peer accumulates the delete set of every transaction its document commits
(``TransactionEvent.delete_set``, local and remote alike) and answers whether a given
delete set is contained in what it has seen.

Delete sets are Yjs v1 delete sets (yjs-format.md §5), decoded by the core
(``crdtcore.decode_delete_set``).
"""

from __future__ import annotations

from bisect import bisect_right

from .. import decode_delete_set


class DeleteTracker:
    """The union of the delete sets a replica has committed, as merged clock intervals.

    Example:
        >>> seen = DeleteTracker()
        >>> seen.add(b"\\x01\\x05\\x01\\x00\\x02")  # client 5: clocks 0-1
        >>> seen.add(b"\\x01\\x05\\x01\\x02\\x01")  # client 5: clock 2
        >>> seen.contains(b"\\x01\\x05\\x01\\x01\\x02"), seen.contains(b"\\x01\\x05\\x01\\x02\\x02")
        (True, False)
    """

    def __init__(self) -> None:
        # client -> sorted, disjoint, non-adjacent [start, end) intervals
        self._starts: dict[int, list[int]] = {}
        self._ends: dict[int, list[int]] = {}

    def add(self, delete_set: bytes) -> None:
        """Adds every range of a v1 delete set."""
        if delete_set == b"\x00":
            return
        for client, runs in decode_delete_set(delete_set).items():
            for clock, length in runs:
                if length:
                    self._add(client, clock, clock + length)

    def _add(self, client: int, start: int, end: int) -> None:
        starts = self._starts.setdefault(client, [])
        ends = self._ends.setdefault(client, [])
        # intervals overlapping or touching [start, end) are starts[lo:hi]
        lo = bisect_right(ends, start - 1)
        hi = bisect_right(starts, end)
        if lo < hi:
            start = min(start, starts[lo])
            end = max(end, ends[hi - 1])
        starts[lo:hi] = [start]
        ends[lo:hi] = [end]

    def contains(self, delete_set: bytes) -> bool:
        """Whether every range of a v1 delete set is among the seen deletions."""
        if delete_set == b"\x00":
            return True
        for client, runs in decode_delete_set(delete_set).items():
            starts = self._starts.get(client)
            if starts is None:
                if any(length for _, length in runs):
                    return False
                continue
            ends = self._ends[client]
            for clock, length in runs:
                if not length:
                    continue
                i = bisect_right(starts, clock) - 1
                if i < 0 or ends[i] < clock + length:
                    return False
        return True
