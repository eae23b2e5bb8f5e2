"""SyncProtocol: one y-protocols connection as a sans-I/O state machine.

Bytes in (``receive_data``), events and bytes out (``events_received``, ``data_to_send``):
the object never reads a clock, opens a socket or sleeps, so the network simulator and the
asyncio adapters drive the very same code (websockets ``protocol.py``; yrs
``sync/protocol.rs``; y-websocket's provider and server, yjs-format.md §11.3).

The handshake is symmetric: both sides ``start()`` by sending SyncStep1 (their state vector)
and answer the other's SyncStep1 with SyncStep2 (what it lacks). Receiving SyncStep2 makes the
connection ``synced``. From construction on, every transaction committed on the document is
forwarded as an Update message unless this protocol applied it itself (transaction origin
``self``), so a document with several protocols relays between them without echo; the same
origin rule forwards awareness changes of the shared ``Awareness``.

A frame that fails to decode raises ``ProtocolError`` and none of its messages is applied:
frames holding several messages have all their updates validated before the first is applied.

Thread safety: none; a protocol and its document belong to one thread (or event loop).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import DecodeError
from ._errors import ProtocolClosedError, ProtocolError
from ._messages import (
    AwarenessMessage,
    Message,
    QueryAwareness,
    SyncStep1,
    SyncStep2,
    Update,
    YSyncMessageType,
    check_update_payload,
    decode_messages,
)

if TYPE_CHECKING:
    from .. import Doc, Subscription, TransactionEvent
    from ._awareness import Awareness


@dataclass(frozen=True, slots=True)
class Synced:
    """The first SyncStep2 arrived: the peer's state at its SyncStep1 answer is merged."""


@dataclass(frozen=True, slots=True)
class UpdateReceived:
    """A SyncStep2 (``step2``) or Update message was applied to the document."""

    update: bytes
    step2: bool


@dataclass(frozen=True, slots=True)
class AwarenessReceived:
    """An awareness message arrived; the client ids it changed (empty without an Awareness)."""

    update: bytes
    added: tuple[int, ...]
    updated: tuple[int, ...]
    removed: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class PermissionDenied:
    """The peer refused us (auth message); y-websocket closes the connection then."""

    reason: str


@dataclass(frozen=True, slots=True)
class WriteDropped:
    """A write from a read-only peer was dropped (``kind``: SYNC_STEP2 or SYNC_UPDATE)."""

    kind: YSyncMessageType


Event = Synced | UpdateReceived | AwarenessReceived | PermissionDenied | WriteDropped


@dataclass(slots=True)
class ProtocolStats:
    """Counters of one protocol (messages, not frames; bytes as framed on the wire).

    ``updates_in``/``updates_out`` count SyncStep2 and Update messages applied/queued;
    ``writes_dropped`` those dropped because the peer is read-only.
    """

    messages_in: int = 0
    messages_out: int = 0
    bytes_in: int = 0
    bytes_out: int = 0
    updates_in: int = 0
    updates_out: int = 0
    writes_dropped: int = 0


class SyncProtocol:
    """The y-protocols sync and awareness exchange of one connection, without I/O.

    The protocol observes ``doc`` (and ``awareness``) until ``close()``; the document keeps
    it alive until then. Never call it from inside an open transaction of ``doc``.

    Args:
        doc: The local document.
        awareness: The document's Awareness, shared by all its protocols (optional).
        read_only: The PEER is read-only: its SyncStep2/Update messages are dropped and
            counted in ``stats.writes_dropped``; its SyncStep1 is still answered, and it still
            gets all our updates and awareness.
        name: A label for ``repr`` and logs.
        relay: Forward updates that other protocols of ``doc`` received (a relay, a server,
            a gossip peer). False forwards only transactions no SyncProtocol applied: each
            peer of a full mesh already hears every other peer directly.
        echo_awareness: Send the peer's own awareness changes back to it, as y-websocket's
            server does (its clients treat that echo as a sign of life and use it to reappear
            after a reconnect). Servers set it.

    An update the peer sends is not sent back to it, except when the document held pending
    content before it: the transaction may then integrate structs from elsewhere that the
    peer lacks, so it goes back whole (y-websocket's server echoes every update).

    Attributes:
        synced: True once a SyncStep2 arrived (also when dropped because the peer is
            read-only): the handshake is done.
        stats: The ProtocolStats counters.
        read_only: Whether the peer's writes are dropped (may be changed at any time).
        name: The label given at construction.

    Raises:
        ValueError: ``awareness`` belongs to another document.

    Example:
        >>> from crdtcore import Doc, Text
        >>> a, b = Doc({"t": Text("hi")}), Doc()
        >>> pa, pb = SyncProtocol(a), SyncProtocol(b)
        >>> pa.start(); pb.start()
        >>> for _ in range(2):  # step1 both ways, then the step2 answers
        ...     for frame in pa.data_to_send(): pb.receive_data(frame)
        ...     for frame in pb.data_to_send(): pa.receive_data(frame)
        >>> str(b["t"]), pa.synced, pb.synced
        ('hi', True, True)
    """

    def __init__(
        self,
        doc: Doc,
        *,
        awareness: Awareness | None = None,
        read_only: bool = False,
        name: str | None = None,
        relay: bool = True,
        echo_awareness: bool = False,
    ) -> None:
        if awareness is not None and awareness.doc is not doc:
            raise ValueError("the awareness belongs to another document")
        self._doc = doc
        self._awareness = awareness
        self.read_only = read_only
        self.name = name
        self.relay = relay
        self.echo_awareness = echo_awareness
        self._echo_transaction = False
        self.synced = False
        self.stats = ProtocolStats()
        self._outgoing: list[bytes] = []
        self._events: list[Event] = []
        self._controlled: set[int] = set()
        self._closed = False
        self._doc_sub: Subscription = doc.observe(self._on_transaction)
        self._awareness_sub = None if awareness is None else awareness.observe(self._on_awareness)

    # -- properties --------------------------------------------------------------------------

    @property
    def doc(self) -> Doc:
        """The local document."""
        return self._doc

    @property
    def awareness(self) -> Awareness | None:
        """The shared Awareness, if any."""
        return self._awareness

    @property
    def closed(self) -> bool:
        """Whether ``close()`` was called."""
        return self._closed

    @property
    def controlled_clients(self) -> frozenset[int]:
        """Awareness client ids whose states arrived through this connection and were not
        removed since (y-websocket's server removes them when the connection closes)."""
        return frozenset(self._controlled)

    # -- driving the protocol ----------------------------------------------------------------

    def start(self) -> None:
        """Queues SyncStep1 and, when our awareness state is not null, our awareness entry.

        Raises:
            ProtocolClosedError: After ``close()``.
        """
        self._check_open()
        self.resync()
        awareness = self._awareness
        if awareness is not None and awareness.get_local_state() is not None:
            self.send_awareness([awareness.client_id])

    def resync(self) -> None:
        """Queues a fresh SyncStep1 (y-websocket's ``resyncInterval``; anti-entropy).

        Raises:
            ProtocolClosedError: After ``close()``.
        """
        self._check_open()
        self._send(SyncStep1(self._doc.get_state()))

    def send_awareness(self, ids: list[int] | None = None) -> None:
        """Queues an awareness message with the entries of ``ids`` (all known states if None;
        nothing is queued when that is empty).

        Raises:
            ValueError: The protocol has no Awareness.
            KeyError: An id the Awareness never heard of.
            ProtocolClosedError: After ``close()``.
        """
        self._check_open()
        awareness = self._awareness
        if awareness is None:
            raise ValueError("this protocol has no awareness")
        ids = list(awareness.states) if ids is None else list(ids)
        if ids:
            self._send(AwarenessMessage(awareness.encode_awareness_update(ids)))

    def send(self, message: Message) -> None:
        """Queues any message, e.g. ``Auth("read-only")`` or ``QueryAwareness()``.

        Raises:
            ProtocolClosedError: After ``close()``.
        """
        self._check_open()
        self._send(message)

    def receive_data(self, data: bytes, *, now: float | None = None) -> None:
        """Handles one frame (one or more concatenated messages).

        Replies are queued (SyncStep2 for a SyncStep1, our awareness states for a
        query-awareness); updates are applied in transactions with origin ``self``.

        Args:
            data: The frame's bytes.
            now: The caller's clock in milliseconds, for awareness timeouts (default: the
                Awareness's latest known time).

        Raises:
            ProtocolError: A malformed, truncated or unknown message, or a malformed update
                inside one; nothing of the frame was applied or queued.
            ProtocolClosedError: After ``close()``.
        """
        self._check_open()
        data = bytes(data)
        messages = decode_messages(data, check_updates=False)
        if len(messages) > 1 or self.read_only:  # else apply_update validates before changing
            for message in messages:
                if isinstance(message, (SyncStep2, Update)):
                    check_update_payload(message.update)
        for message in messages:
            self._handle(message, now)
        self.stats.messages_in += len(messages)
        self.stats.bytes_in += len(data)

    def data_to_send(self) -> list[bytes]:
        """Drains the queued outgoing messages, one y-protocols message per item."""
        out, self._outgoing = self._outgoing, []
        return out

    def events_received(self) -> list[Event]:
        """Drains the events produced since the last call."""
        events, self._events = self._events, []
        return events

    def close(self, *, remove_awareness: bool = False) -> None:
        """Stops observing the document and the awareness; idempotent.

        Queued data and events can still be drained; anything else raises
        ``ProtocolClosedError`` afterwards.

        Args:
            remove_awareness: Also remove ``controlled_clients`` from the Awareness (what
                y-websocket's server does on disconnect); other protocols forward the removal.
        """
        if self._closed:
            return
        self._closed = True
        self._doc.unobserve(self._doc_sub)
        awareness = self._awareness
        if awareness is not None and self._awareness_sub is not None:
            awareness.unobserve(self._awareness_sub)
            if remove_awareness and self._controlled:
                awareness.remove_awareness_states(sorted(self._controlled), self)
        self._controlled.clear()

    # -- internals ---------------------------------------------------------------------------

    def _check_open(self) -> None:
        if self._closed:
            raise ProtocolClosedError(f"{self!r} is closed")

    def _send(self, message: Message) -> None:
        data = message.encode()
        self._outgoing.append(data)
        stats = self.stats
        stats.messages_out += 1
        stats.bytes_out += len(data)
        if isinstance(message, (SyncStep2, Update)):
            stats.updates_out += 1

    def _handle(self, message: Message, now: float | None) -> None:
        if isinstance(message, SyncStep1):
            try:
                self._send(SyncStep2(self._doc.get_update(message.state)))
            except DecodeError as exc:  # check_state_vector accepted it, so this is unexpected
                raise ProtocolError(f"malformed state vector: {exc}") from exc
        elif isinstance(message, (SyncStep2, Update)):
            self._receive_update(message.update, isinstance(message, SyncStep2))
        elif isinstance(message, AwarenessMessage):
            self._receive_awareness(message.update, now)
        elif isinstance(message, QueryAwareness):
            if self._awareness is not None:
                ids = list(self._awareness.states)
                self._send(AwarenessMessage(self._awareness.encode_awareness_update(ids)))
        elif message.reason is not None:  # Auth: permission denied (granted needs nothing)
            self._events.append(PermissionDenied(message.reason))

    def _receive_update(self, update: bytes, step2: bool) -> None:
        if self.read_only:
            self.stats.writes_dropped += 1
            kind = YSyncMessageType.SYNC_STEP2 if step2 else YSyncMessageType.SYNC_UPDATE
            self._events.append(WriteDropped(kind))
        else:
            # With pending content, this update may unlock structs that came from elsewhere
            # and that the peer lacks: the resulting transaction then goes back to it too.
            self._echo_transaction = self._doc.has_pending
            try:
                with self._doc.transaction(origin=self):
                    self._doc.apply_update(update)
            except DecodeError as exc:
                raise ProtocolError(f"malformed update: {exc}") from exc
            finally:
                self._echo_transaction = False
            self.stats.updates_in += 1
            self._events.append(UpdateReceived(update, step2))
        if step2 and not self.synced:
            self.synced = True
            self._events.append(Synced())

    def _receive_awareness(self, update: bytes, now: float | None) -> None:
        awareness = self._awareness
        if awareness is None:
            self._events.append(AwarenessReceived(update, (), (), ()))
            return
        changes = awareness.apply_awareness_update(update, self, now=now)
        self._controlled.update(changes.added)
        self._controlled.difference_update(changes.removed)
        self._events.append(
            AwarenessReceived(update, changes.added, changes.updated, changes.removed)
        )

    def _on_transaction(self, event: TransactionEvent) -> None:
        origin = event.transaction.origin
        if origin is self:
            if self._echo_transaction:
                self._send(Update(event.update))
        elif self.relay or not isinstance(origin, SyncProtocol):
            self._send(Update(event.update))

    def _on_awareness(self, topic: str, payload: tuple[dict[str, Any], Any]) -> None:
        if topic != "update":
            return
        changes, origin = payload
        awareness = self._awareness
        assert awareness is not None
        if origin is not self or self.echo_awareness:
            ids = [*changes["added"], *changes["updated"], *changes["removed"]]
        elif awareness.client_id in changes["removed"] and awareness.get_local_state() is not None:
            # The peer declared us offline; the Awareness kept our state and bumped its clock,
            # and the peer must hear that we are still here.
            ids = [awareness.client_id]
        else:
            return
        self._send(AwarenessMessage(awareness.encode_awareness_update(ids)))

    def __repr__(self) -> str:
        label = f" {self.name!r}" if self.name is not None else ""
        state = "closed" if self._closed else ("synced" if self.synced else "syncing")
        return f"<SyncProtocol{label} {state}>"
