"""Trace-driven workloads: recorded concurrent editing sessions replayed over the network.

A concurrent trace (``concurrent_traces/*.json.gz`` next to this module, shipped as package
data; format in its ``README.md``) lists transactions, each made by one ``agent`` on the
document state after the transactions in ``parents``; patch positions are code points
relative to that state. Positions are only meaningful on exactly that state, while a
simulated peer usually holds more (concurrent edits that already arrived). So the trace
is first replayed once outside the network, as the trace intends (one document per agent,
client id ``agent + 1``, each transaction made after receiving exactly its causal past),
and every transaction's update is recorded. In the simulation, agent ``a`` is peer ``a``
(client id ``a + 1``): it makes transaction ``i`` (``perform_update`` of the recorded
update, which Yjs integrates by ids, not positions) ``think`` ms after its document holds
i's whole causal past, i.e. once every earlier transaction of that past has arrived
through the network: its inserted clocks (state vector) and its deletions
(``SimPeer.covers``). Every peer must end with the trace's ``endContent``.

The traces are josephg/editing-traces (CC BY 4.0); see concurrent_traces/README.md.
"""

from __future__ import annotations

import gzip
import json
import os
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .. import Text, TransactionEvent
from ..model import new_doc

if TYPE_CHECKING:
    from .simulation import Simulation

Patch = tuple[int, int, str]  # (position, deleted code points, inserted text)


@dataclass(frozen=True)
class TraceTxn:
    """One transaction of a concurrent trace."""

    parents: tuple[int, ...]
    agent: int
    patches: tuple[Patch, ...]


@dataclass(frozen=True)
class ConcurrentTrace:
    """A concurrent editing trace (possibly a prefix: then ``end_content`` is None)."""

    name: str
    num_agents: int
    txns: tuple[TraceTxn, ...]
    end_content: str | None


TRACES_ENV = "CRDTCORE_TRACES"
PACKAGED_TRACES = Path(__file__).resolve().parent / "concurrent_traces"
"""The concurrent traces shipped in the package (package data, with their README.md)."""


def traces_dir() -> Path:
    """The directory of the concurrent traces: ``$CRDTCORE_TRACES/concurrent`` when that
    variable is set (a directory laid out like the repository's traces, ``sequential/`` and
    ``concurrent/``), else the traces shipped in the package (``PACKAGED_TRACES``).

    Raises:
        FileNotFoundError: The directory does not exist; the message says what to do.
    """
    override = os.environ.get(TRACES_ENV)
    if override:
        if not Path(override).is_dir():
            raise FileNotFoundError(
                f"${TRACES_ENV} is {override!r}, which is not a directory: unset it to use the "
                "traces shipped with crdtcore, or point it at a directory with a concurrent/ folder"
            )
        return Path(override) / "concurrent"
    if not PACKAGED_TRACES.is_dir():
        raise FileNotFoundError(
            f"the concurrent traces that ship with crdtcore are missing ({PACKAGED_TRACES} is "
            "not a directory): reinstall crdtcore (`pip install --force-reinstall crdtcore`), "
            f"or set ${TRACES_ENV} to a directory holding concurrent/*.json.gz"
        )
    return PACKAGED_TRACES


def load_concurrent_trace(name_or_path: str | Path, limit: int | None = None) -> ConcurrentTrace:
    """Loads a concurrent trace by name (``"friendsforever"``) or path.

    Args:
        name_or_path: A trace name in ``traces_dir()`` or a ``.json.gz`` path.
        limit: Keep only the first ``limit`` transactions (a prefix is causally closed).

    Raises:
        FileNotFoundError: No such trace.
        ValueError: A transaction names a later parent or an unknown agent.

    Example:
        >>> trace = load_concurrent_trace("friendsforever", limit=10)
        >>> trace.num_agents, len(trace.txns), trace.end_content
        (2, 10, None)
    """
    path = Path(name_or_path)
    if not path.exists():
        path = traces_dir() / f"{name_or_path}.json.gz"
        if not path.exists():
            names = sorted(p.name.removesuffix(".json.gz") for p in path.parent.glob("*.json.gz"))
            raise FileNotFoundError(
                f"no trace {str(name_or_path)!r}: not a file, and not in {path.parent} "
                f"(traces there: {', '.join(names) or 'none'}); pass one of those names or the "
                "path of a concurrent trace (.json.gz, format in that directory's README.md)"
            )
    with gzip.open(path, "rt", encoding="utf-8") as f:
        data = json.load(f)
    agents = data["numAgents"]
    txns = []
    for i, txn in enumerate(data["txns"][:limit]):
        parents = tuple(txn["parents"])
        if any(not 0 <= p < i for p in parents) or not 0 <= txn["agent"] < agents:
            raise ValueError(f"{path}: transaction {i} has a bad parent or agent")
        patches = tuple((p[0], p[1], p[2]) for p in txn["patches"])
        txns.append(TraceTxn(parents, txn["agent"], patches))
    full = limit is None or limit >= len(data["txns"])
    name = path.name.removesuffix(".json.gz")
    return ConcurrentTrace(name, agents, tuple(txns), data["endContent"] if full else None)


@dataclass(frozen=True)
class RecordedTxn:
    """A transaction as made in the reference replay.

    Attributes:
        update: Its v1 update (empty if it changed nothing).
        state_vector: The agent's state vector after it (everything in its causal past).
        delete_set: What it deleted (v1 delete set).
    """

    update: bytes
    state_vector: bytes
    delete_set: bytes


def record(trace: ConcurrentTrace) -> tuple[list[RecordedTxn], str]:
    """Replays ``trace`` as intended and returns every transaction's record and the final text.

    Example:
        >>> records, text = record(load_concurrent_trace("friendsforever", limit=50))
        >>> len(records), len(text) > 0
        (50, True)
    """
    n = len(trace.txns)
    docs = [new_doc(agent + 1) for agent in range(trace.num_agents)]
    texts = [doc.get("text", type=Text) for doc in docs]
    have = [bytearray(n) for _ in docs]
    records: list[RecordedTxn] = []
    made: list[TransactionEvent] = []

    def deliver(agent: int, roots: tuple[int, ...] | range) -> None:
        missing, stack = [], [r for r in roots if not have[agent][r]]
        while stack:
            j = stack.pop()
            if not have[agent][j]:
                have[agent][j] = 1
                missing.append(j)
                stack.extend(p for p in trace.txns[j].parents if not have[agent][p])
        for j in sorted(missing):
            if records[j].update:
                docs[agent].apply_update(records[j].update)

    for i, txn in enumerate(trace.txns):
        deliver(txn.agent, txn.parents)
        doc, text = docs[txn.agent], texts[txn.agent]
        sub = doc.observe(made.append)
        with doc.transaction():
            for pos, deleted, inserted in txn.patches:
                if deleted:
                    del text[pos : pos + deleted]
                if inserted:
                    text.insert(pos, inserted)
        doc.unobserve(sub)
        have[txn.agent][i] = 1
        if made:
            event = made.pop()
            state = event.after_state
            records.append(RecordedTxn(event.update, state, event.delete_set))
        else:
            records.append(RecordedTxn(b"", b"\x00", b"\x00"))
    deliver(0, range(n))
    return records, str(texts[0])


class TraceWorkload:
    """Agents of a concurrent trace edit through the simulated network (see module doc).

    Args:
        trace: A loaded trace, or a name/path for ``load_concurrent_trace``.
        limit: Replay only the first ``limit`` transactions.
        think: Virtual ms between an agent being able to make its next transaction and
            making it.

    Attributes:
        expected: ``{"text": ...}``: the trace's ``endContent`` (for a prefix, the text of
            the reference replay).

    Example:
        >>> from crdtcore.sim import Simulation
        >>> workload = TraceWorkload("friendsforever", limit=200)
        >>> Simulation(peers=3, workload=workload, seed=1).run().converged
        True
    """

    tracks_deletes = True

    def __init__(
        self, trace: ConcurrentTrace | str | Path, *, limit: int | None = None, think: float = 20.0
    ) -> None:
        if not isinstance(trace, ConcurrentTrace):
            trace = load_concurrent_trace(trace, limit)
        elif limit is not None:
            raise ValueError("limit applies when loading; pass a name or path with it")
        self.trace = trace
        self.think = think
        self.records, self.replayed_text = record(trace)
        self.expected = {"text": trace.end_content or self.replayed_text}
        agents = trace.num_agents
        self._by_agent: list[list[int]] = [[] for _ in range(agents)]
        self._need: list[tuple[int, ...]] = []  # per txn: how many of each agent's txns precede
        position: list[int] = []
        for i, txn in enumerate(trace.txns):
            need = [0] * agents
            for p in txn.parents:
                parent_need = self._need[p]
                for x in range(agents):
                    need[x] = max(need[x], parent_need[x])
                parent_agent = trace.txns[p].agent
                need[parent_agent] = max(need[parent_agent], position[p] + 1)
            self._need.append(tuple(need))
            position.append(len(self._by_agent[txn.agent]))
            self._by_agent[txn.agent].append(i)
        self._queues = [deque(txns) for txns in self._by_agent]
        self._frontier: dict[tuple[int, int], list[int]] = {}
        self._scheduled = [False] * agents
        self._done = 0
        self._sim: Simulation | None = None

    @property
    def done(self) -> bool:
        return self._done >= len(self.trace.txns)

    @property
    def progress(self) -> float:
        return self._done / len(self.trace.txns) if self.trace.txns else 1.0

    @property
    def ops_done(self) -> int:
        return self._done

    def start(self, sim: Simulation) -> None:
        missing = [a for a in range(self.trace.num_agents) if a not in sim.live_peers()]
        if missing:
            raise ValueError(f"the trace needs peers 0..{self.trace.num_agents - 1} live")
        self._sim = sim
        sim.on_change(self._wake)
        for agent in range(self.trace.num_agents):
            self._wake(agent)

    def _wake(self, peer: int) -> None:
        if peer >= len(self._queues) or self._scheduled[peer] or not self._queues[peer]:
            return
        if self._ready(peer, self._queues[peer][0]):
            self._scheduled[peer] = True
            assert self._sim is not None
            self._sim.scheduler.after(self.think, self._make, peer)

    def _ready(self, agent: int, txn: int) -> bool:
        sim = self._sim
        assert sim is not None
        if agent not in sim.live_peers():
            return False
        peer = sim.peer(agent)
        front = self._frontier.setdefault((agent, sim.incarnation(agent)), [0] * len(self._queues))
        for x, needed in enumerate(self._need[txn]):
            txns = self._by_agent[x]
            while front[x] < needed:
                rec = self.records[txns[front[x]]]
                if not peer.covers(rec.state_vector, rec.delete_set):
                    return False
                front[x] += 1
        return True

    def _make(self, agent: int) -> None:
        sim = self._sim
        assert sim is not None
        self._scheduled[agent] = False
        queue = self._queues[agent]
        if not self._ready(agent, queue[0]):  # crashed and restarted without its data
            sim.scheduler.after(self.think * 10, self._wake, agent)
            return
        update = self.records[queue.popleft()].update
        if update:
            sim.perform_update(agent, update)
        self._done += 1
        self._wake(agent)
