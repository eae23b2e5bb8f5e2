"""Room: one named document on the server, with its awareness, peers and persistence.

A room is what y-websocket calls a ``WSSharedDoc``: a ``Doc`` and an ``Awareness`` shared by
every connection to one URL path, each connection being a ``SyncProtocol`` on that document.
A protocol that applies an update leaves the others to forward it (origin rule of
``SyncProtocol``), so the server never copies updates itself: after each received frame it
calls ``flush()``, which hands every peer the frames its protocol queued.

Persistence (issue 5 §1): the room observes its document and appends every transaction's
update to the store synchronously, inside the commit, before any frame reflecting it can be
sent (frames are taken from the protocols only after ``receive_data`` returned). Loading
merges the stored records; once more than ``compact_threshold`` records accumulate, they are
replaced by one update of the whole document. If the store fails, the room is ``failed``:
it sends nothing more, and the server closes its connections and drops it, so clients
resynchronise against what the store really holds.

The server awareness has no state of its own (y-websocket sets it to null): it only relays.

Thread safety: none; a room belongs to one event loop.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from .. import Doc, merge_updates
from ..errors import DecodeError
from ..sync import Awareness

if TYPE_CHECKING:
    from .. import TransactionEvent
    from ..store import UpdateStore
    from ..sync import SyncProtocol

logger = logging.getLogger("crdtcore.server")


class Peer(Protocol):
    """What a room needs from a connection: its protocol and a way to send frames."""

    @property
    def protocol(self) -> SyncProtocol:
        """The connection's SyncProtocol on the room's document."""
        ...

    def push(self, frames: list[bytes]) -> None:
        """Queues frames for sending, in order; never blocks."""
        ...

    def abort(self, code: int, reason: str) -> None:
        """Starts closing the connection with a close code and reason."""
        ...


class Room:
    """A document, its awareness and its peers, persisted in ``store`` under ``name``.

    Use ``Room.load`` to build one from the store's records.

    Args:
        name: The room name (the URL path without its leading slash).
        store: Where the room's updates are appended.
        doc: The room's document, already holding the stored records.
        records: How many records the store holds for the room.
        compact_threshold: Compact once the store holds more records than this.
        on_failed: Called once with the room when the store fails (the server closes its
            connections and drops it).

    Attributes:
        name: The room name.
        doc: The shared document.
        awareness: The shared awareness (relay only; its local state is None).
        peers: The connected peers.
        failed: The store error that broke the room, or None.

    Example:
        >>> from crdtcore import Text
        >>> from crdtcore.store import MemoryStore
        >>> store = MemoryStore()
        >>> room = Room.load("notes", store)
        >>> room.doc["t"] = Text("hi")
        >>> len(store.read("notes"))
        1
        >>> str(Room.load("notes", store).doc["t"])
        'hi'
    """

    def __init__(
        self,
        name: str,
        store: UpdateStore,
        doc: Doc,
        records: int,
        *,
        compact_threshold: int = 1000,
        on_failed: Callable[[Room], None] | None = None,
    ) -> None:
        self.name = name
        self.doc = doc
        self.awareness = Awareness(doc, now=time.time() * 1000)
        self.awareness.set_local_state(None)
        self.peers: set[Peer] = set()
        self.failed: Exception | None = None
        self._store = store
        self._records = records
        self._compact_threshold = compact_threshold
        self._compact_after = compact_threshold  # raised after a failed compaction
        self._on_failed = on_failed
        self._flush_handle: asyncio.Handle | None = None
        self._closed = False
        self._subscription = doc.observe(self._persist)

    @classmethod
    def load(
        cls,
        name: str,
        store: UpdateStore,
        *,
        compact_threshold: int = 1000,
        on_failed: Callable[[Room], None] | None = None,
    ) -> Room:
        """Builds the room from the store's records (merged, then applied at once).

        A record the core rejects is logged and skipped; the others still load.

        Raises:
            Exception: Whatever ``store.read`` raises (StoreError).
        """
        records = store.read(name)
        doc = Doc()
        if records:
            try:
                doc.apply_update(merge_updates(*records))
            except DecodeError:
                for index, record in enumerate(records):
                    try:
                        doc.apply_update(record)
                    except DecodeError as exc:
                        logger.error("room %r: skipping unreadable record %d: %s", name, index, exc)
        room = cls(
            name, store, doc, len(records), compact_threshold=compact_threshold, on_failed=on_failed
        )
        logger.info("room %r loaded (%d records)", name, len(records))
        if len(records) > compact_threshold:
            room.compact()
        return room

    @property
    def records(self) -> int:
        """How many records the store holds for this room."""
        return self._records

    @property
    def closed(self) -> bool:
        """Whether ``close()`` was called."""
        return self._closed

    # -- peers -------------------------------------------------------------------------------

    def add(self, peer: Peer) -> None:
        """Adds a peer and queues its greeting: SyncStep1 and every known awareness state."""
        self.peers.add(peer)
        protocol = peer.protocol
        protocol.start()
        if self.awareness.states:
            protocol.send_awareness()
        self.flush()

    def remove(self, peer: Peer) -> None:
        """Removes a peer, closes its protocol and removes the awareness states it
        controlled; the other peers are told."""
        self.peers.discard(peer)
        peer.protocol.close(remove_awareness=True)
        self.flush()

    def flush(self) -> None:
        """Hands every peer the frames its protocol queued, then compacts if due.

        After a store failure nothing is sent and the room reports itself failed.
        """
        handle, self._flush_handle = self._flush_handle, None
        if handle is not None:
            handle.cancel()
        if self.failed is not None:
            self._fail()
            return
        for peer in list(self.peers):
            frames = peer.protocol.data_to_send()
            if frames:
                peer.push(frames)
        if self._records > self._compact_after:
            self.compact()

    def tick(self, now: float) -> None:
        """Runs the awareness timeout check at ``now`` (ms) and sends what it removed."""
        self.awareness.tick(now)
        self.flush()

    # -- persistence -------------------------------------------------------------------------

    def compact(self) -> None:
        """Replaces the stored records by one update of the whole document.

        The document holds exactly what the records hold (loaded from them, and every change
        since appended), pending structs included. Store errors are logged, not raised, and
        the next attempt waits for another ``compact_threshold`` records.
        """
        if self._records <= 1 or self.failed is not None:
            return
        count = self._records
        try:
            self._store.replace(self.name, self.doc.get_update(), count)
        except Exception as exc:
            logger.error("room %r: compaction failed: %s", self.name, exc)
            self._compact_after = count + self._compact_threshold  # retry later, not per frame
            return
        self._records = 1 + self._records - count
        self._compact_after = self._compact_threshold
        logger.debug("room %r compacted %d records", self.name, count)

    def close(self) -> None:
        """Stops persisting; idempotent. The peers must have been removed."""
        if self._closed:
            return
        self._closed = True
        if self._flush_handle is not None:
            self._flush_handle.cancel()
            self._flush_handle = None
        self.doc.unobserve(self._subscription)

    def _persist(self, event: TransactionEvent) -> None:
        if self.failed is not None:
            return
        try:
            self._records = self._store.append(self.name, event.update)
        except Exception as exc:
            self.failed = exc
            logger.error("room %r: store append failed: %s", self.name, exc)
            raise
        if self._flush_handle is None:  # a change made outside a pump (server-side edit)
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                return
            self._flush_handle = loop.call_soon(self.flush)

    def _fail(self) -> None:
        for peer in list(self.peers):
            peer.protocol.data_to_send()  # never send what the store does not hold
            peer.abort(1011, "storage failure")
        if self._on_failed is not None:
            callback, self._on_failed = self._on_failed, None
            callback(self)

    def __repr__(self) -> str:
        return f"<Room {self.name!r} peers={len(self.peers)} records={self._records}>"
