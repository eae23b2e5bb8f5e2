"""Type-level events: ``observe``/``observe_deep`` on Text, Array and Map (Yjs YEvent).

A callback registered with ``observe`` runs during the commit of every transaction that
changed the type, with a ``TextEvent``, ``ArrayEvent`` or ``MapEvent``; one registered
with ``observe_deep`` runs when the type or any type nested in it changed, with the list
of their events (shallowest first). Order, as in Yjs: every changed type's own
observers, then the deep observers, then ``Doc.observe``. Callbacks take ``()``,
``(event)`` or ``(event, transaction)``.

Exceptions raised by callbacks do not stop the other callbacks nor the commit; once the
transaction has fully committed they are raised together as an ``ExceptionGroup``.

Indices and lengths count in the document's offset unit, as the rest of the API: code
points (Python ``str`` indices) by default, UTF-8 bytes or UTF-16 units when the document
was made with ``offset_kind="utf8"`` or ``"utf16"``.
"""

from __future__ import annotations

import inspect
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from . import _core
from ._base import wrap

if TYPE_CHECKING:
    from ._base import BaseType
    from ._doc import Doc


class EventTransaction:
    """The committed transaction an event belongs to (read-only).

    Attributes:
        origin: The origin given to ``Doc.transaction(origin=...)`` or
            ``Doc.apply_update(..., origin=...)``, the UndoManager for its undo/redo, or None.
        local: False when the transaction applied a remote update.

    Example:
        >>> doc = Doc({"t": Text()})
        >>> seen = []
        >>> sub = doc["t"].observe(lambda event, txn: seen.append((txn.origin, txn.local)))
        >>> with doc.transaction(origin="me"):
        ...     doc["t"].insert(0, "hi")
        >>> seen
        [('me', True)]
    """

    __slots__ = ("local", "origin")

    def __init__(self, origin: Any, local: bool) -> None:
        self.origin = origin
        self.local = local

    def __repr__(self) -> str:
        return f"EventTransaction(origin={self.origin!r}, local={self.local})"


class BaseEvent:
    """What one transaction changed in one shared type (base of the event classes).

    Attributes:
        target: The shared type that changed.
        current_target: The observed type (differs from ``target`` in deep events).
        path: Keys and indices from ``current_target`` down to ``target``.
        transaction: The committed transaction (``origin``, ``local``).
    """

    __slots__ = ("_doc", "_native", "_txn")

    def __init__(self, native: _core.Event, doc: Doc) -> None:
        # Everything is read from the native event on access: an observer that only
        # counts events pays for nothing else.
        self._native = native
        self._doc = doc
        self._txn: EventTransaction | None = None

    @property
    def target(self) -> Any:
        """The shared type that changed."""
        return wrap(self._native.target, self._doc)

    @property
    def current_target(self) -> Any:
        """The observed type (differs from ``target`` in deep events)."""
        return wrap(self._native.current_target, self._doc)

    @property
    def path(self) -> list[str | int]:
        """Keys and indices from ``current_target`` down to ``target``."""
        return self._native.path

    @property
    def transaction(self) -> EventTransaction:
        """The committed transaction (``origin``, ``local``)."""
        if self._txn is not None:
            return self._txn
        return EventTransaction(self._native.origin, self._native.local)

    def _keep(self) -> None:
        # The native event finds its transaction only while the commit runs: an event
        # kept for later (type.events()) records it during the callback.
        self._txn = self.transaction

    @property
    def changes(self) -> dict[str, Any]:
        """Yjs's ``event.changes``: ``{"added", "deleted", "delta", "keys"}``.

        ``added`` and ``deleted`` are Yjs's sets of items as lists of id ranges
        ``(client, clock, length)`` in document order: the items of the target's list this
        transaction inserted and did not delete, and those it deleted that existed before
        it (lengths and clocks in Yjs units, UTF-16 for strings). As in Yjs they are empty
        for a Text (its delta tells the changes) and for map keys (see ``keys``).

        Example:
            >>> doc = Doc({"a": Array([1, 2])}, client_id=7)
            >>> events = []
            >>> sub = doc["a"].observe(events.append)
            >>> with doc.transaction():
            ...     doc["a"].append(3)
            ...     del doc["a"][0]
            >>> changes = events[0].changes
            >>> changes["added"], changes["deleted"], changes["keys"]
            ([(7, 2, 1)], [(7, 0, 1)], {})
            >>> changes["delta"]
            [{'delete': 1}, {'retain': 1}, {'insert': [3]}]
        """
        native = self._native
        return {
            "added": native.added,
            "deleted": native.deleted,
            "delta": self._delta(),
            "keys": self._keys(),
        }

    def _delta(self) -> list[dict[str, Any]]:
        doc = self._doc
        delta: list[dict[str, Any]] = self._native.delta
        for op in delta:
            value = op.get("insert")
            if isinstance(value, list):
                op["insert"] = [wrap(v, doc) for v in value]
            elif value is not None and not isinstance(value, str):
                op["insert"] = wrap(value, doc)
        return delta

    def _keys(self) -> dict[str, dict[str, Any]]:
        doc = self._doc
        keys: dict[str, dict[str, Any]] = self._native.keys
        for change in keys.values():
            for field in ("oldValue", "newValue"):
                if field in change:
                    change[field] = wrap(change[field], doc)
        return keys

    def __repr__(self) -> str:
        return f"{type(self).__name__}(target={self.target!r}, path={self.path!r})"


class TextEvent(BaseEvent):
    """A Text's change, as a Quill delta.

    Example:
        >>> doc = Doc({"t": Text("hello")})
        >>> events = []
        >>> sub = doc["t"].observe(events.append)
        >>> doc["t"].insert(5, " world", {"bold": True})
        >>> events[0].delta
        [{'retain': 5}, {'insert': ' world', 'attributes': {'bold': True}}]
    """

    __slots__ = ()

    @property
    def delta(self) -> list[dict[str, Any]]:
        """``insert`` (str, or an embed / nested type), ``delete`` and ``retain`` ops."""
        return self._delta()


class ArrayEvent(BaseEvent):
    """An Array's change, as a delta of inserted lists, deletes and retains.

    Example:
        >>> doc = Doc({"a": Array([1, 2, 3])})
        >>> events = []
        >>> sub = doc["a"].observe(events.append)
        >>> del doc["a"][0]
        >>> events[0].delta
        [{'delete': 1}]
    """

    __slots__ = ()

    @property
    def delta(self) -> list[dict[str, Any]]:
        """``insert`` (a list), ``delete`` and ``retain`` ops."""
        return self._delta()


class MapEvent(BaseEvent):
    """A Map's change, per key.

    Example:
        >>> doc = Doc({"m": Map({"a": 1})})
        >>> events = []
        >>> sub = doc["m"].observe(events.append)
        >>> doc["m"]["a"] = 2
        >>> events[0].keys
        {'a': {'action': 'update', 'oldValue': 1, 'newValue': 2}}
    """

    __slots__ = ()

    @property
    def keys(self) -> dict[str, dict[str, Any]]:
        """``{key: {"action": "add"|"update"|"delete", "oldValue": ..., "newValue": ...}}``."""
        return self._keys()


def make_event(native: _core.Event, doc: Doc) -> BaseEvent:
    """The event class matching the target's kind."""
    kind = native.kind
    if kind == _core.TypeKind.Text:
        return TextEvent(native, doc)
    if kind == _core.TypeKind.Array:
        return ArrayEvent(native, doc)
    if kind == _core.TypeKind.Map:
        return MapEvent(native, doc)
    return BaseEvent(native, doc)


class EventSubscription:
    """A callback registered with ``observe``/``observe_deep``; pass it to ``unobserve``.

    Attributes:
        callback: The registered callable.
        deep: True for ``observe_deep``.
    """

    __slots__ = ("__weakref__", "_id", "callback", "deep")

    def __init__(self, callback: Callable[..., Any], deep: bool) -> None:
        self.callback = callback
        self.deep = deep
        self._id = -1

    def __repr__(self) -> str:
        kind = "observe_deep" if self.deep else "observe"
        return f"EventSubscription({kind}, {self.callback!r})"


def _arity(callback: Callable[..., Any]) -> int:
    # How many arguments callback takes (0, 1 or 2): its positional parameters without
    # defaults; 2 with *args; 1 when it cannot be told.
    try:
        params = inspect.signature(callback).parameters.values()
    except (TypeError, ValueError):
        return 1
    positional = 0
    for p in params:
        if p.kind == p.VAR_POSITIONAL:
            return 2
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty:
            positional += 1
    return min(positional, 2)


def _call(callback: Callable[..., Any], arity: int, event: Any) -> None:
    if arity == 0:
        callback()
    elif arity == 1:
        callback(event)
    else:
        first = event[0] if isinstance(event, list) else event
        callback(event, first.transaction)


def subscribe(target: BaseType, callback: Callable[..., Any], deep: bool) -> EventSubscription:
    """Registers ``callback`` on ``target`` (see the module docstring)."""
    if not callable(callback):
        raise TypeError(f"callback must be callable, not '{type(callback).__name__}'")
    doc = target.doc
    sub = EventSubscription(callback, deep)
    arity = _arity(callback)
    # The document keeps the subscription (and so the callback); the native side holds
    # both weakly, so an observed document can still be garbage-collected.
    doc_ref = weakref.ref(doc)
    sub_ref = weakref.ref(sub)
    doc._event_subscriptions[sub] = None

    if deep:

        def native_deep(natives: list[_core.Event]) -> None:
            d, s = doc_ref(), sub_ref()
            if d is not None and s is not None:
                _call(s.callback, arity, [make_event(n, d) for n in natives])

        sub._id = cast(_core.Shared, target)._observe_deep(native_deep)
    else:

        def native_shallow(native: _core.Event) -> None:
            d, s = doc_ref(), sub_ref()
            if d is not None and s is not None:
                _call(s.callback, arity, make_event(native, d))

        sub._id = cast(_core.Shared, target)._observe(native_shallow)
    return sub


def unsubscribe(target: BaseType, subscription: EventSubscription) -> None:
    """Removes a subscription made on ``target``; ValueError when it is not one."""
    if not isinstance(subscription, EventSubscription) or not cast(_core.Shared, target)._unobserve(
        subscription._id
    ):
        raise ValueError("subscription is not registered on this shared type")
    doc = target._doc
    if doc is not None:
        doc._event_subscriptions.pop(subscription, None)
