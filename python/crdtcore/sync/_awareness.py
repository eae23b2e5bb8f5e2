"""Awareness: the y-protocols presence CRDT, with the clock passed in.

Port of y-protocols ``awareness.js`` (yjs-format.md §11.4) with pycrdt's names. Every client
owns one JSON state and a clock that only its owner increases; an entry received with a higher
clock replaces the known one, and a ``null`` state with the same clock removes it. Remote
states not refreshed for ``outdated_timeout`` are dropped and the local state is re-sent after
half of it (a heartbeat): y-protocols runs that check on a 3 s timer, here the caller runs it
with ``tick(now)``.

Time is never read: every method that stamps ``lastUpdated`` takes ``now`` (milliseconds, like
JavaScript's ``Date.now()`` and pycrdt) and defaults to the latest time it was given.

Observers get pycrdt's ``callback(topic, (changes, origin))``, where ``topic`` is ``"change"``
(something really changed) or ``"update"`` (also heartbeats; what providers broadcast) and
``changes`` is ``{"added": [...], "updated": [...], "removed": [...]}``.

Thread safety: none; use one Awareness from one thread (or event loop).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from . import _json
from ._messages import decode_awareness_update, encode_awareness_update

if TYPE_CHECKING:
    from .. import Doc

OUTDATED_TIMEOUT = 30_000
"""Milliseconds after which a silent remote client is dropped (y-protocols ``outdatedTimeout``)."""

AwarenessCallback = Callable[[str, tuple[dict[str, list[int]], Any]], Any]


@dataclass(frozen=True, slots=True)
class AwarenessChanges:
    """What one awareness operation did.

    Attributes:
        added: Clients that got a state.
        updated: Known clients whose state was accepted again (heartbeats included).
        removed: Clients whose state was removed.
        filtered_updated: The ``updated`` clients whose state really changed.
    """

    added: tuple[int, ...] = ()
    updated: tuple[int, ...] = ()
    removed: tuple[int, ...] = ()
    filtered_updated: tuple[int, ...] = ()


class Awareness:
    """The awareness states of a document's clients (y-protocols ``Awareness``).

    Like y-protocols, the constructor sets the local state to ``{}`` (clock 0).

    Args:
        doc: The document; its ``client_id`` is the local client.
        now: The current time in milliseconds.
        outdated_timeout: Milliseconds after which ``tick`` drops silent remote clients.

    Example:
        >>> from crdtcore import Doc
        >>> alice, bob = Awareness(Doc(client_id=1)), Awareness(Doc(client_id=2))
        >>> alice.set_local_state({"user": "alice"}, now=1000)
        >>> changes = bob.apply_awareness_update(alice.encode_awareness_update([1]), "net")
        >>> changes.added, bob.states[1]
        ((1,), {'user': 'alice'})
        >>> bob.tick(now=31_000).removed  # 30 s without news from alice
        (1,)
    """

    def __init__(
        self, doc: Doc, *, now: float = 0.0, outdated_timeout: float = OUTDATED_TIMEOUT
    ) -> None:
        self.doc = doc
        self.client_id: int = doc.client_id
        self._outdated_timeout = outdated_timeout
        self._now = now
        self._states: dict[int, Any] = {}
        self._meta: dict[int, dict[str, Any]] = {}
        self._subscriptions: dict[str, AwarenessCallback] = {}
        self._ids = itertools.count(1)
        self.set_local_state({}, now=now)

    # -- reading -----------------------------------------------------------------------------

    @property
    def states(self) -> Mapping[int, Any]:
        """Client id -> state, for every client with a non-null state (read-only view)."""
        return MappingProxyType(self._states)

    @property
    def meta(self) -> Mapping[int, dict[str, Any]]:
        """Client id -> ``{"clock": int, "lastUpdated": ms}`` for every client ever seen."""
        return MappingProxyType(self._meta)

    @property
    def outdated_timeout(self) -> float:
        """Milliseconds after which silent remote clients are dropped."""
        return self._outdated_timeout

    @property
    def check_interval(self) -> float:
        """How often y-protocols checks timeouts (``outdated_timeout / 10``): call ``tick``
        about this often."""
        return self._outdated_timeout / 10

    @property
    def now(self) -> float:
        """The latest time given to this object (the default for ``now=`` arguments)."""
        return self._now

    def get_local_state(self) -> Any:
        """The local client's state, or None when it is offline.

        Example:
            >>> from crdtcore import Doc
            >>> Awareness(Doc()).get_local_state()
            {}
        """
        return self._states.get(self.client_id)

    # -- local changes -----------------------------------------------------------------------

    def set_local_state(self, state: Any, *, now: float | None = None) -> None:
        """Replaces the local state (None: offline) and increases the local clock.

        Observers get ``"update"`` always and ``"change"`` when the state really changed,
        with origin ``"local"``.

        Raises:
            TypeError, ValueError: ``state`` cannot be written as JSON.

        Example:
            >>> from crdtcore import Doc
            >>> awareness = Awareness(Doc(client_id=7))
            >>> awareness.set_local_state({"cursor": 3}, now=5)
            >>> awareness.meta[7]
            {'clock': 1, 'lastUpdated': 5}
        """
        if state is not None:
            _json.stringify(state)  # fail now, not when the state is sent
        now = self._advance(now)
        client_id = self.client_id
        meta = self._meta.get(client_id)
        clock = 0 if meta is None else meta["clock"] + 1
        prev = self._states.get(client_id)
        if state is None:
            self._states.pop(client_id, None)
        else:
            self._states[client_id] = state
        self._meta[client_id] = {"clock": clock, "lastUpdated": now}
        if state is None:
            changes = AwarenessChanges(removed=(client_id,))
        elif prev is None:
            changes = AwarenessChanges(added=(client_id,))
        else:
            real = () if _json.equal(prev, state) else (client_id,)
            changes = AwarenessChanges(updated=(client_id,), filtered_updated=real)
        self._emit(changes, "local", always_update=True)

    def set_local_state_field(self, field: str, value: Any, *, now: float | None = None) -> None:
        """Sets one field of the local state (nothing happens while the state is None).

        Example:
            >>> from crdtcore import Doc
            >>> awareness = Awareness(Doc())
            >>> awareness.set_local_state_field("name", "Ada")
            >>> awareness.get_local_state()
            {'name': 'Ada'}
        """
        state = self.get_local_state()
        if state is not None:
            self.set_local_state({**state, field: value}, now=now)

    def remove_awareness_states(
        self, client_ids: Iterable[int], origin: Any, *, now: float | None = None
    ) -> AwarenessChanges:
        """Removes the states of ``client_ids`` (y-protocols ``removeAwarenessStates``).

        Removing the local state increases the local clock, so the removal wins when sent.

        Returns:
            The removed ids (those that had a state).

        Example:
            >>> from crdtcore import Doc
            >>> awareness = Awareness(Doc(client_id=1))
            >>> awareness.remove_awareness_states([1, 99], "bye").removed
            (1,)
        """
        now = self._advance(now)
        removed = []
        for client_id in client_ids:
            if client_id in self._states:
                del self._states[client_id]
                if client_id == self.client_id:
                    clock = self._meta[client_id]["clock"] + 1
                    self._meta[client_id] = {"clock": clock, "lastUpdated": now}
                removed.append(client_id)
        changes = AwarenessChanges(removed=tuple(removed))
        if removed:
            self._emit(changes, origin, always_update=True)
        return changes

    def tick(self, now: float) -> AwarenessChanges:
        """Runs the outdated-timeout check at time ``now`` (ms).

        The local state is re-set (clock + 1, a heartbeat observers broadcast) when it was
        last set at least ``outdated_timeout / 2`` ago; remote clients not updated for
        ``outdated_timeout`` are removed with origin ``"timeout"``.

        Returns:
            ``updated`` holds the local id if it was renewed; ``removed`` the dropped ids.

        Example:
            >>> from crdtcore import Doc
            >>> awareness = Awareness(Doc(client_id=1))
            >>> awareness.tick(now=15_000).updated, awareness.meta[1]["clock"]
            ((1,), 1)
        """
        self._now = now
        renewed: tuple[int, ...] = ()
        local = self.get_local_state()
        if local is not None:
            last = self._meta[self.client_id]["lastUpdated"]
            if self._outdated_timeout / 2 <= now - last:
                self.set_local_state(local, now=now)
                renewed = (self.client_id,)
        stale = [
            client_id
            for client_id, meta in self._meta.items()
            if client_id != self.client_id
            and self._outdated_timeout <= now - meta["lastUpdated"]
            and client_id in self._states
        ]
        removed = self.remove_awareness_states(stale, "timeout", now=now).removed if stale else ()
        return AwarenessChanges(updated=renewed, removed=removed)

    # -- wire --------------------------------------------------------------------------------

    def encode_awareness_update(self, client_ids: Iterable[int]) -> bytes:
        """The awareness update carrying the entries of ``client_ids`` (removed ones as null).

        A falsy state other than None (``0``, ``False``, ``""``) is written as itself, where
        y-protocols would write ``null``.

        Raises:
            KeyError: An id this awareness never heard of.

        Example:
            >>> from crdtcore import Doc
            >>> Awareness(Doc(client_id=5)).encode_awareness_update([5])
            b'\\x01\\x05\\x00\\x02{}'
        """
        entries = []
        for client_id in client_ids:
            meta = self._meta.get(client_id)
            if meta is None:
                raise KeyError(f"no awareness entry for client {client_id}")
            entries.append((client_id, meta["clock"], self._states.get(client_id)))
        return encode_awareness_update(entries)

    def apply_awareness_update(
        self, update: bytes, origin: Any, *, now: float | None = None
    ) -> AwarenessChanges:
        """Merges a received awareness update (y-protocols ``applyAwarenessUpdate``).

        An entry wins when its clock is higher than the known one, or equal with a null state
        for a known state. A null for the local client keeps the local state and increases
        its clock, so the next broadcast revives it.

        Args:
            update: The update (the payload of an awareness message).
            origin: Passed to observers (a SyncProtocol passes itself).
            now: The time in milliseconds, stamped as the entries' ``lastUpdated``.

        Returns:
            The changes; observers got the same with ``origin``.

        Raises:
            ProtocolError: Malformed update or invalid JSON; nothing was applied.

        Example:
            >>> from crdtcore import Doc
            >>> awareness = Awareness(Doc(client_id=1))
            >>> awareness.apply_awareness_update(b"\\x01\\x05\\x01\\x02{}", "net").added
            (5,)
        """
        entries = decode_awareness_update(update)
        now = self._advance(now)
        added, updated, filtered, removed = [], [], [], []
        for entry in entries:
            client_id, clock, state = entry.client_id, entry.clock, entry.state
            meta = self._meta.get(client_id)
            prev = self._states.get(client_id)
            known = 0 if meta is None else meta["clock"]
            if not (known < clock or (known == clock and state is None and prev is not None)):
                continue
            if state is not None:
                self._states[client_id] = state
            elif client_id == self.client_id and prev is not None:
                clock += 1  # never let a peer remove the local state
            else:
                self._states.pop(client_id, None)
            self._meta[client_id] = {"clock": clock, "lastUpdated": now}
            if meta is None and state is not None:
                added.append(client_id)
            elif meta is not None and state is None:
                removed.append(client_id)
            elif state is not None:
                updated.append(client_id)
                if not _json.equal(state, prev):
                    filtered.append(client_id)
        changes = AwarenessChanges(tuple(added), tuple(updated), tuple(removed), tuple(filtered))
        self._emit(changes, origin, always_update=False)
        return changes

    # -- observers ---------------------------------------------------------------------------

    def observe(self, callback: AwarenessCallback) -> str:
        """Registers ``callback(topic, (changes, origin))``; returns an id for ``unobserve``.

        Example:
            >>> from crdtcore import Doc
            >>> awareness, seen = Awareness(Doc()), []
            >>> sub = awareness.observe(lambda topic, event: seen.append(topic))
            >>> awareness.set_local_state({"x": 1})
            >>> seen
            ['change', 'update']
        """
        sub_id = f"awareness-{next(self._ids)}"
        self._subscriptions[sub_id] = callback
        return sub_id

    def unobserve(self, id: str) -> None:
        """Unregisters a callback.

        Raises:
            KeyError: ``id`` is not registered.
        """
        del self._subscriptions[id]

    def _advance(self, now: float | None) -> float:
        if now is None:
            return self._now
        self._now = now
        return now

    def _emit(self, changes: AwarenessChanges, origin: Any, *, always_update: bool) -> None:
        added, removed = list(changes.added), list(changes.removed)
        topics = []
        if added or changes.filtered_updated or removed:
            change = {"added": added, "updated": list(changes.filtered_updated), "removed": removed}
            topics.append(("change", change))
        if always_update or added or changes.updated or removed:
            topics.append(
                ("update", {"added": added, "updated": list(changes.updated), "removed": removed})
            )
        error: Exception | None = None
        for topic, payload in topics:
            for callback in list(self._subscriptions.values()):
                try:
                    callback(topic, (payload, origin))
                except Exception as exc:  # every callback runs; the first error is re-raised
                    if error is None:
                        error = exc
        if error is not None:
            raise error

    def __repr__(self) -> str:
        return f"Awareness(client_id={self.client_id}, clients={sorted(self._states)})"
