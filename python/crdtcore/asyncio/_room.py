"""Room: one named document on the server, with its awareness, peers and persistence.

A room is what y-websocket calls a ``WSSharedDoc``: a ``Doc`` and an ``Awareness`` shared by
every connection to one URL path, each connection being a ``SyncProtocol`` on that document.
Its core is a sans-I/O ``crdtcore.sync.Hub`` (the same one the network simulator's peers
run): the hub persists, drains and fans out; the room adapts it to the event loop. After
each received frame the server calls ``flush()``, which hands every peer (a server
connection, ``Peer``) the frames its protocol queued; changes made outside a frame (a
server-side edit) schedule a flush with ``call_soon``.

Persistence (issue 5 §1): the hub observes the room's document and appends every
transaction's update to the store synchronously, inside the commit, before any frame
reflecting it can be sent (frames are taken from the protocols only after ``receive``
returned). Loading merges the stored records; once more than ``compact_threshold`` records
accumulate, they are replaced by one update of the whole document. If the store fails, the
room is ``failed``: it sends nothing more, and the server closes its connections and drops
it, so clients resynchronise against what the store really holds.

The server awareness has no state of its own (y-websocket sets it to null): it only relays.

Thread safety: none; a room belongs to one event loop.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, KeysView
from typing import TYPE_CHECKING, Protocol

from .. import Doc
from ..sync import Awareness, Hub, load_document

if TYPE_CHECKING:
    from .. import TransactionEvent
    from ..store import UpdateStore
    from ..sync import Event, SyncProtocol

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

    def close(self, code: int, reason: str) -> None:
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
        hub: The sans-I/O core (document, protocols, persistence).

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
        awareness = Awareness(doc, now=time.time() * 1000)
        awareness.set_local_state(None)
        self.hub: Hub[Peer] = Hub(
            doc,
            awareness=awareness,
            store=store,
            room=name,
            records=records,
            compact_threshold=compact_threshold,
            on_commit=self._committed,
            log=logger,
        )
        self._on_failed = on_failed
        self._flush_handle: asyncio.Handle | None = None
        self._closed = False

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
        doc, records = load_document(store, name, log=logger)
        room = cls(
            name, store, doc, records, compact_threshold=compact_threshold, on_failed=on_failed
        )
        logger.info("room %r loaded (%d records)", name, records)
        if records > compact_threshold:
            room.compact()
        return room

    @property
    def doc(self) -> Doc:
        """The shared document."""
        return self.hub.doc

    @property
    def awareness(self) -> Awareness:
        """The shared awareness (relay only; its local state is None)."""
        awareness = self.hub.awareness
        assert awareness is not None
        return awareness

    @property
    def peers(self) -> KeysView[Peer]:
        """The connected peers."""
        return self.hub.connections.keys()

    @property
    def failed(self) -> Exception | None:
        """The store error that broke the room, or None."""
        return self.hub.failed

    @property
    def records(self) -> int:
        """How many records the store holds for this room."""
        return self.hub.records

    @property
    def closed(self) -> bool:
        """Whether ``close()`` was called."""
        return self._closed

    # -- peers -------------------------------------------------------------------------------

    def add(self, peer: Peer) -> None:
        """Adds a peer and queues its greeting: SyncStep1 and every known awareness state."""
        self.hub.connect(peer, peer.protocol)
        self.flush()

    def remove(self, peer: Peer) -> None:
        """Removes a peer, closes its protocol and removes the awareness states it
        controlled; the other peers are told."""
        self.hub.disconnect(peer, remove_awareness=True)
        self.flush()

    def receive(self, peer: Peer, frame: bytes, now: float) -> list[Event]:
        """Hands a frame from ``peer`` to its protocol (``now`` in ms); returns its events.
        Call ``flush()`` afterwards.

        Raises:
            ProtocolError: A malformed frame (nothing of it was applied).
            Exception: The store failed (``failed`` is set), or an observer raised.
        """
        return self.hub.receive(peer, frame, now=now)

    def flush(self) -> None:
        """Hands every peer the frames its protocol queued, then compacts if due.

        After a store failure nothing is sent and the room reports itself failed.
        """
        handle, self._flush_handle = self._flush_handle, None
        if handle is not None:
            handle.cancel()
        batches = self.hub.drain()
        if self.hub.failed is not None:
            self._fail()
            return
        for peer, frames in batches:
            peer.push(frames)

    def tick(self, now: float) -> None:
        """Runs the awareness timeout check at ``now`` (ms) and sends what it removed."""
        self.hub.tick(now)
        self.flush()

    # -- persistence -------------------------------------------------------------------------

    def compact(self) -> None:
        """Replaces the stored records by one update of the whole document.

        The document holds exactly what the records hold (loaded from them, and every change
        since appended), pending structs included. Store errors are logged, not raised, and
        the next attempt waits for another ``compact_threshold`` records.
        """
        self.hub.compact()

    def close(self) -> None:
        """Stops persisting; idempotent. The peers must have been removed."""
        if self._closed:
            return
        self._closed = True
        if self._flush_handle is not None:
            self._flush_handle.cancel()
            self._flush_handle = None
        self.hub.close()

    def _committed(self, event: TransactionEvent) -> None:
        if self._flush_handle is None:  # a change made outside a pump (server-side edit)
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                return
            self._flush_handle = loop.call_soon(self.flush)

    def _fail(self) -> None:
        for peer in list(self.peers):
            peer.close(1011, "storage failure")
        if self._on_failed is not None:
            callback, self._on_failed = self._on_failed, None
            callback(self)

    def __repr__(self) -> str:
        return f"<Room {self.name!r} peers={len(self.peers)} records={self.records}>"
