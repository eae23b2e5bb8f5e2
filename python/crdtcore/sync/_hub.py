"""Hub: one document shared by several SyncProtocols, persisted before anything is sent.

A hub is the sans-I/O core of a y-websocket room (``WSSharedDoc``) and of a simulated peer
with several neighbours: a ``Doc`` (with an optional shared ``Awareness``), one
``SyncProtocol`` per connection, keyed by whatever the caller names connections with (a
connection object, a neighbour id), and an optional store.

Bytes in, bytes out: ``receive(key, frame)`` hands a frame to that connection's protocol;
``drain()`` returns, per connection, the frames its protocol queued since the last drain.
The hub never copies an update itself: a protocol that applies an update leaves the others
to forward it (SyncProtocol's origin rule), so draining every protocol is the fan-out.
Nothing here reads a clock, sleeps or touches a socket: the caller passes ``now`` and moves
the bytes (the asyncio server's rooms and the network simulator's peers drive this code).

Persist before send: the hub observes the document from construction on, i.e. before any
protocol built afterwards does, and appends every committed transaction's update to the
store inside the commit, before the protocols queue it. Frames leave only through
``drain()``, after ``receive`` returned. If an append fails the hub is ``failed``: the error
propagates out of the commit (``receive`` raises it) and every later ``drain()`` discards
what the protocols queued, so nothing the store does not hold is ever sent. Once more than
``compact_threshold`` records accumulate, ``drain()`` replaces them by one update of the
whole document (``store.replace``).

The store is any object with the ``append``/``read``/``replace`` methods of
``crdtcore.store.UpdateStore`` (the ``HubStore`` protocol); this module does not import the
store package.

Thread safety: none; a hub and its document belong to one thread (or event loop).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from .. import Doc, merge_updates
from ..errors import DecodeError
from ._protocol import SyncProtocol

if TYPE_CHECKING:
    from .. import TransactionEvent
    from ._awareness import Awareness
    from ._protocol import Event

logger = logging.getLogger("crdtcore.sync")

K = TypeVar("K")  # a connection key (hashable)


class HubStore(Protocol):
    """What a hub needs from a store: the per-room log of ``crdtcore.store.UpdateStore``."""

    def append(self, room: str, update: bytes) -> int:
        """Appends ``update`` to the room's log; returns the room's record count."""
        ...

    def read(self, room: str) -> list[bytes]:
        """The room's records in append order."""
        ...

    def replace(self, room: str, merged: bytes, count: int) -> None:
        """Atomically replaces the first ``count`` records by ``merged``."""
        ...


def load_document(
    store: HubStore, room: str, *, log: logging.Logger | None = None
) -> tuple[Doc, int]:
    """Builds a document from a room's stored records (merged, then applied at once).

    A record the core rejects is logged and skipped; the others still load.

    Returns:
        The document and how many records the store holds for the room.

    Raises:
        Exception: Whatever ``store.read`` raises (StoreError).

    Example:
        >>> from crdtcore import Text
        >>> from crdtcore.store import MemoryStore
        >>> store = MemoryStore()
        >>> store.append("notes", Doc({"t": Text("hi")}).get_update())
        1
        >>> doc, records = load_document(store, "notes")
        >>> str(doc["t"]), records
        ('hi', 1)
    """
    records = store.read(room)
    doc = Doc()
    if records:
        try:
            doc.apply_update(merge_updates(*records))
        except DecodeError:
            for index, record in enumerate(records):
                try:
                    doc.apply_update(record)
                except DecodeError as exc:
                    (log or logger).error(
                        "room %r: skipping unreadable record %d: %s", room, index, exc
                    )
    return doc, len(records)


class Hub(Generic[K]):
    """A document, its protocols (one per connection key) and its persistence, without I/O.

    Connections are added with a ``SyncProtocol`` built on the hub's document (and
    awareness) after the hub, so the hub's store append runs before they queue anything.
    Drive the protocols through the hub (``connect``, ``receive``, ``resync``, ``tick``):
    it tracks which of them may have queued frames, so ``drain()`` looks only there.

    Args:
        doc: The shared document.
        awareness: The document's Awareness shared by the protocols (optional).
        store: Where every committed transaction's update is appended (None: nowhere).
        room: The name the store keeps the updates under.
        records: How many records the store already holds for ``room``.
        compact_threshold: Compact once the store holds more records than this (None:
            only when ``compact()`` is called).
        on_commit: Called with each committed transaction's event once it is persisted
            (an I/O adapter schedules a ``drain`` for edits made outside ``receive``).
        log: Where store errors are logged (default ``crdtcore.sync``).

    Attributes:
        room: The room name.
        failed: The store error that broke the hub, or None.

    Raises:
        ValueError: ``awareness`` belongs to another document.

    Example:
        >>> from crdtcore import Text
        >>> from crdtcore.store import MemoryStore
        >>> from crdtcore.sync import Update
        >>> store = MemoryStore()
        >>> hub = Hub(Doc(), store=store, room="notes")
        >>> hub.connect("a", SyncProtocol(hub.doc))
        >>> hub.connect("b", SyncProtocol(hub.doc))
        >>> [(key, len(frames)) for key, frames in hub.drain()]  # SyncStep1 to each
        [('a', 1), ('b', 1)]
        >>> edit = Doc({"t": Text("hello")}).get_update()
        >>> events = hub.receive("a", Update(edit).encode())  # appended, then queued for b
        >>> [key for key, frames in hub.drain()], len(store.read("notes"))
        (['b'], 1)
    """

    def __init__(
        self,
        doc: Doc,
        *,
        awareness: Awareness | None = None,
        store: HubStore | None = None,
        room: str = "",
        records: int = 0,
        compact_threshold: int | None = None,
        on_commit: Callable[[TransactionEvent], Any] | None = None,
        log: logging.Logger | None = None,
    ) -> None:
        if awareness is not None and awareness.doc is not doc:
            raise ValueError("the awareness belongs to another document")
        self.room = room
        self.failed: Exception | None = None
        self._doc = doc
        self._awareness = awareness
        self._store = store
        self._records = records
        self._compact_threshold = compact_threshold
        self._compact_after = compact_threshold  # raised after a failed compaction
        self._on_commit = on_commit
        self._log = log or logger
        self._protocols: dict[K, SyncProtocol] = {}
        self._keys: dict[SyncProtocol, K] = {}
        self._relays = 0  # connected protocols with relay=True
        self._dirty: list[K] = []  # keys whose protocol may have queued frames
        self._all_dirty = False
        self._closed = False
        self._doc_sub = doc.observe(self._on_transaction)
        self._awareness_sub = None if awareness is None else awareness.observe(self._on_awareness)

    # -- properties --------------------------------------------------------------------------

    @property
    def doc(self) -> Doc:
        """The shared document."""
        return self._doc

    @property
    def awareness(self) -> Awareness | None:
        """The shared Awareness, if any."""
        return self._awareness

    @property
    def store(self) -> HubStore | None:
        """The store updates are appended to, if any."""
        return self._store

    @property
    def records(self) -> int:
        """How many records the store holds for the room."""
        return self._records

    @property
    def connections(self) -> Mapping[K, SyncProtocol]:
        """The protocols by connection key, in connection order (read-only view)."""
        return MappingProxyType(self._protocols)

    @property
    def closed(self) -> bool:
        """Whether ``close()`` was called."""
        return self._closed

    # -- connections -------------------------------------------------------------------------

    def connect(self, key: K, protocol: SyncProtocol) -> None:
        """Adds a connection and queues its greeting: SyncStep1 (``protocol.start()``) and,
        with an awareness, every known awareness state.

        Args:
            key: Names the connection in ``receive``, ``disconnect`` and ``drain``.
            protocol: A new SyncProtocol on the hub's document and awareness.

        Raises:
            ValueError: ``key`` is connected already, or ``protocol`` is on another
                document or awareness.
        """
        if key in self._protocols:
            raise ValueError(f"{key!r} is connected already")
        if protocol.doc is not self._doc or protocol.awareness is not self._awareness:
            raise ValueError("the protocol belongs to another document or awareness")
        self._protocols[key] = protocol
        self._keys[protocol] = key
        if protocol.relay:
            self._relays += 1
        protocol.start()
        awareness = self._awareness
        if awareness is not None and awareness.states:
            protocol.send_awareness()
        self._dirty.append(key)

    def disconnect(self, key: K, *, remove_awareness: bool = False) -> SyncProtocol | None:
        """Removes a connection and closes its protocol; what it queued is dropped.

        Args:
            key: The connection; unknown keys are ignored.
            remove_awareness: Also remove the awareness states the connection controlled
                (y-websocket's server does); the other connections forward the removal.

        Returns:
            The closed protocol (its ``stats`` stay readable), or None for an unknown key.
        """
        protocol = self._protocols.pop(key, None)
        if protocol is None:
            return None
        del self._keys[protocol]
        if protocol.relay:
            self._relays -= 1
        protocol.close(remove_awareness=remove_awareness)
        return protocol

    def receive(self, key: K, frame: bytes, *, now: float | None = None) -> list[Event]:
        """Hands a frame to the connection's protocol; returns the events it produced.

        Args:
            key: The connection the frame came from; unknown keys are ignored.
            frame: The frame's bytes.
            now: The caller's clock in ms, for awareness timeouts.

        Raises:
            ProtocolError: A malformed frame (nothing of it was applied).
            Exception: The store append failed (``failed`` is set), or a document observer
                raised.
        """
        protocol = self._protocols.get(key)
        if protocol is None:
            return []
        self._dirty.append(key)  # replies (SyncStep2, awareness answers)
        protocol.receive_data(frame, now=now)
        return protocol.events_received()

    def resync(self) -> None:
        """Queues a fresh SyncStep1 on every connection (anti-entropy)."""
        for protocol in self._protocols.values():
            protocol.resync()
        self._all_dirty = True

    def tick(self, now: float) -> None:
        """Runs the awareness timeout check at ``now`` (ms); removals reach the next drain."""
        if self._awareness is not None:
            self._awareness.tick(now)

    def drain(self) -> list[tuple[K, list[bytes]]]:
        """Takes the frames the protocols queued, per connection, then compacts if due.

        Returns:
            ``(key, frames)`` for each connection with frames to send, in connection order
            (or in the order the connections became busy); nothing once ``failed``, and what
            the protocols queued is discarded then.
        """
        protocols = self._protocols
        if self.failed is not None:
            for queued in protocols.values():
                queued.data_to_send()  # never send what the store does not hold
            self._dirty, self._all_dirty = [], False
            return []
        keys: list[K]
        if self._all_dirty:
            self._all_dirty, self._dirty = False, []
            keys = list(protocols)
        else:
            keys, self._dirty = self._dirty, []
        out: list[tuple[K, list[bytes]]] = []
        for key in keys:
            found = protocols.get(key)
            if found is not None:
                frames = found.data_to_send()
                if frames:
                    out.append((key, frames))
        if self._compact_after is not None and self._records > self._compact_after:
            self.compact()
        return out

    # -- persistence -------------------------------------------------------------------------

    def compact(self) -> bool:
        """Replaces the stored records by one update of the whole document.

        The document holds exactly what the records hold (loaded from them, and every change
        since appended), pending structs included. Store errors are logged, not raised; after
        one, automatic compaction waits for another ``compact_threshold`` records.

        Returns:
            Whether the records were replaced.
        """
        if self._store is None or self._records <= 1 or self.failed is not None:
            return False
        count = self._records
        try:
            self._store.replace(self.room, self._doc.get_update(), count)
        except Exception as exc:
            self._log.error("room %r: compaction failed: %s", self.room, exc)
            if self._compact_threshold is not None:  # retry later, not per frame
                self._compact_after = count + self._compact_threshold
            return False
        self._records = 1 + self._records - count
        self._compact_after = self._compact_threshold
        self._log.debug("room %r compacted %d records", self.room, count)
        return True

    def close(self) -> None:
        """Stops persisting and observing; idempotent. Connections are left as they are
        (disconnect them first)."""
        if self._closed:
            return
        self._closed = True
        self._doc.unobserve(self._doc_sub)
        if self._awareness is not None and self._awareness_sub is not None:
            self._awareness.unobserve(self._awareness_sub)

    # -- internals ---------------------------------------------------------------------------

    def _on_transaction(self, event: TransactionEvent) -> None:
        if self.failed is not None:
            return
        store = self._store
        if store is not None:
            try:
                self._records = store.append(self.room, event.update)
            except Exception as exc:
                self.failed = exc
                self._log.error("room %r: store append failed: %s", self.room, exc)
                raise
        origin = event.transaction.origin
        if self._relays or not isinstance(origin, SyncProtocol) or origin not in self._keys:
            self._all_dirty = True  # every relaying protocol forwards it
        else:
            self._dirty.append(self._keys[origin])  # only an echo to the sender is possible
        if self._on_commit is not None:
            self._on_commit(event)

    def _on_awareness(self, topic: str, payload: Any) -> None:
        if topic == "update":
            self._all_dirty = True

    def __repr__(self) -> str:
        label = f" {self.room!r}" if self.room else ""
        return f"<Hub{label} connections={len(self._protocols)} records={self._records}>"
