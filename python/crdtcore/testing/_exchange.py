"""Message-level network schedules: every update is a message that can be reordered, lost or
duplicated, one step at a time (Yjs tests/testHelper.js ``TestConnector``).

A schedule is JSON data::

    {"peers": n, "client_ids": [c0, c1, ...] (optional, default 1..n), "gc": true,
     "steps": [step, ...]}

with steps

    ["edit", peer, [op, ...]]          the ops (see crdtcore.model) in one transaction on ``peer``
    ["deliver", src, dst, k]           the k-th (mod queue length) queued message src -> dst
    ["duplicate", src, dst, k]         deliver a copy of it and keep it queued
    ["drop", src, dst, k]              lose it
    ["sync", a, b]                     a sends its state vector, b answers with what a lacks,
                                       and the other way round (the y-protocols handshake)

Every update a peer emits (its own edits and the formatting clean-up Yjs does after remote
changes) is queued for every other peer. ``run_schedule`` finishes with the repair a real
network does: deliver every queued message, then sync all pairs.
"""

from __future__ import annotations

from typing import Any

from .. import Doc
from ..model import apply_ops, new_doc

Schedule = dict[str, Any]

_REMOTE = "crdtcore.testing:remote"  # origin of updates applied by the exchange


class Exchange:
    """Peers exchanging per-transaction updates under an explicit schedule.

    Args:
        peers: Number of peers.
        client_ids: Their client ids (default ``1..peers``).
        gc: Garbage-collect deleted content.

    Attributes:
        docs: The peers' documents.
        queues: ``queues[src][dst]``: updates emitted by src that dst has not received.

    Example:
        >>> ex = Exchange(2)
        >>> ex.step(["edit", 0, [{"kind": "map", "action": "set", "key": "k", "value": 1}]])
        >>> ex.step(["deliver", 0, 1, 0])
        >>> ex.docs[1]["map"].to_py()
        {'k': 1}
    """

    def __init__(self, peers: int, client_ids: list[int] | None = None, gc: bool = True):
        ids = client_ids if client_ids is not None else list(range(1, peers + 1))
        if len(ids) != peers or len(set(ids)) != peers:
            raise ValueError("client_ids must be one distinct id per peer")
        self.docs: list[Doc] = [new_doc(c, gc=gc) for c in ids]
        self.queues: list[list[list[bytes]]] = [[[] for _ in ids] for _ in ids]
        for i, doc in enumerate(self.docs):
            doc.observe(self._broadcaster(i))

    def _broadcaster(self, src: int) -> Any:
        def broadcast(event: Any) -> None:
            if event.transaction.origin != _REMOTE:
                for dst, queue in enumerate(self.queues[src]):
                    if dst != src:
                        queue.append(event.update)

        return broadcast

    def _receive(self, dst: int, update: bytes) -> None:
        with self.docs[dst].transaction(origin=_REMOTE):
            self.docs[dst].apply_update(update)

    def step(self, step: list[Any]) -> None:
        """Performs one schedule step (see the module docstring).

        Raises:
            ValueError: Unknown step.
        """
        name = step[0]
        if name == "edit":
            apply_ops(self.docs[step[1]], step[2])
        elif name in ("deliver", "duplicate", "drop"):
            src, dst, k = step[1], step[2], step[3]
            queue = self.queues[src][dst]
            if not queue:
                return
            index = k % len(queue)
            update = queue[index] if name == "duplicate" else queue.pop(index)
            if name != "drop":
                self._receive(dst, update)
        elif name == "sync":
            self.sync(step[1], step[2])
        else:
            raise ValueError(f"unknown schedule step {name!r}")

    def sync(self, a: int, b: int) -> None:
        """Exchanges state vectors between ``a`` and ``b`` and what each lacks."""
        if a == b:
            return
        da, db = self.docs[a], self.docs[b]
        to_b, to_a = da.get_update(db.get_state()), db.get_update(da.get_state())
        self._receive(b, to_b)
        self._receive(a, to_a)

    def flush(self) -> None:
        """Delivers every queued message (oldest first), then syncs every pair; repeats until
        no message is queued and all state vectors agree (at most ``peers + 2`` rounds, so
        a replica that never catches up is left for the oracle to report)."""
        n = len(self.docs)
        for _ in range(n + 2):
            for src in range(n):
                for dst in range(n):
                    queue = self.queues[src][dst]
                    while queue:
                        self._receive(dst, queue.pop(0))
            for a in range(n):
                for b in range(a + 1, n):
                    self.sync(a, b)
            quiet = not any(q for row in self.queues for q in row)
            if quiet and len({d.get_state() for d in self.docs}) == 1:
                return


def run_schedule(schedule: Schedule) -> list[Doc]:
    """Runs a schedule, then delivers everything and syncs all pairs; returns the documents.

    Check them with ``assert_converges(*docs)``.

    Args:
        schedule: A schedule (see the module docstring), e.g. drawn from ``schedules()``.

    Returns:
        The peers' documents.

    Example:
        >>> docs = run_schedule({"peers": 2, "steps": [
        ...     ["edit", 0, [{"kind": "text", "action": "insert", "text": "a"}]],
        ...     ["edit", 1, [{"kind": "text", "action": "insert", "text": "b"}]],
        ...     ["drop", 0, 1, 0]]})
        >>> [str(d["text"]) for d in docs]
        ['ab', 'ab']
    """
    exchange = Exchange(schedule["peers"], schedule.get("client_ids"), schedule.get("gc", True))
    for step in schedule["steps"]:
        exchange.step(step)
    exchange.flush()
    return exchange.docs
