"""UndoManager: undo and redo a user's own changes, with Yjs's semantics.

An ``UndoManager`` watches some shared types (its *scopes*) and records every
transaction that changed them and whose origin it tracks (by default: transactions
without an origin, and its own undo/redo transactions). ``undo()`` reverts the last
recorded step: it deletes what the step inserted and re-creates what it deleted, so
content other users wrote meanwhile is never removed or resurrected. Steps closer
together than ``capture_timeout_millis`` form one step, unless ``stop_capturing()`` is
called in between. Each step is a ``StackItem`` whose ``meta`` dict an editor may use to
save and restore cursor positions (see ``on``).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Literal, cast

from . import _core
from ._base import BaseType, wrap

if TYPE_CHECKING:
    from ._doc import Doc

EventName = Literal["stack-item-added", "stack-item-updated", "stack-item-popped"]
_EVENT_KINDS: dict[str, int] = {
    "stack-item-added": 0,
    "stack-item-updated": 1,
    "stack-item-popped": 2,
}


class StackItem:
    """One step of the undo or redo stack (Yjs ``StackItem``).

    Attributes:
        meta: A dict for the application (e.g. cursor positions), empty at first.

    Example:
        >>> doc = Doc({"t": Text()}, client_id=7)
        >>> um = UndoManager(scopes=[doc["t"]], capture_timeout_millis=0)
        >>> doc["t"] += "hi"
        >>> item = um.undo_stack[0]
        >>> decode_delete_set(item.insertions), decode_delete_set(item.deletions)
        ({7: [(0, 2)]}, {})
    """

    __slots__ = ("_deletions", "_id", "_insertions", "_manager", "meta")

    def __init__(self, manager: UndoManager, item_id: int, insertions: bytes, deletions: bytes):
        self._manager = weakref.ref(manager)
        self._id = item_id
        self._insertions = insertions
        self._deletions = deletions
        self.meta: dict[Any, Any] = {}

    def _refresh(self) -> None:
        manager = self._manager()
        if manager is not None:
            manager._refresh(self)

    @property
    def insertions(self) -> bytes:
        """What this step inserted, as a v1 delete set (``decode_delete_set`` reads it)."""
        self._refresh()
        return self._insertions

    @property
    def deletions(self) -> bytes:
        """What this step deleted, as a v1 delete set (``decode_delete_set`` reads it)."""
        self._refresh()
        return self._deletions

    def __repr__(self) -> str:
        from ._display import short_repr

        return f"StackItem(id={self._id}, meta={short_repr(self.meta)})"


class StackItemEvent:
    """What a stack-item callback receives (Yjs ``StackItemEvent``).

    Attributes:
        stack_item: The StackItem added, updated or popped.
        type: ``"undo"`` or ``"redo"``: the stack the item was added to or updated on;
            for ``stack-item-popped``, whether ``undo()`` or ``redo()`` popped it.
        origin: The origin of the transaction that was recorded; for popped items, the
            UndoManager.
    """

    __slots__ = ("origin", "stack_item", "type")

    def __init__(self, stack_item: StackItem, type: str, origin: Any) -> None:
        self.stack_item = stack_item
        self.type = type
        self.origin = origin

    def __repr__(self) -> str:
        return f"StackItemEvent(type={self.type!r}, stack_item={self.stack_item!r})"


class UndoItem:
    """An item ``undo()``/``redo()`` is about to delete, as shown to ``delete_filter``.

    Attributes:
        id: ``(client, clock)`` of its first unit.
        length: Its length in Yjs units (UTF-16 for text).
        parent: The shared type it is in.
        key: Its key when ``parent`` is a Map, else None.
        type: The shared type it holds (a nested type), else None.
    """

    __slots__ = ("id", "key", "length", "parent", "type")

    def __init__(self, id: tuple[int, int], length: int, parent: Any, key: Any, type: Any):
        self.id = id
        self.length = length
        self.parent = parent
        self.key = key
        self.type = type

    def __repr__(self) -> str:
        return f"UndoItem(id={self.id}, length={self.length}, key={self.key!r})"


class UndoManager:
    """Undo/redo of changes to some shared types (Yjs ``UndoManager``, pycrdt's API).

    Example:
        >>> doc = Doc({"text": Text()})
        >>> text = doc["text"]
        >>> um = UndoManager(scopes=[text], capture_timeout_millis=0)
        >>> text += "hello"
        >>> text += " world"
        >>> um.undo(), str(text)
        (True, 'hello')
        >>> um.redo(), str(text)
        (True, 'hello world')
    """

    def __init__(
        self,
        doc: Doc | None = None,
        *,
        scopes: Iterable[BaseType] = (),
        capture_timeout_millis: int = 500,
        timestamp: Callable[[], int] | None = None,
        tracked_origins: Iterable[Any] | None = None,
        delete_filter: Callable[[UndoItem], bool] | None = None,
        ignore_remote_map_changes: bool = False,
    ) -> None:
        """
        Args:
            doc: The document; may be omitted when ``scopes`` is given.
            scopes: Shared types whose changes (and their nested types') are recorded.
            capture_timeout_millis: Changes closer together than this form one step
                (0: every transaction is a step).
            timestamp: Returns the time in milliseconds (default: the system clock);
                inject one to make capturing deterministic.
            tracked_origins: Origins whose transactions are recorded (default: ``{None}``).
                An origin is tracked when it is in the set, or when its class is.
                The manager itself is always added (its undo/redo transactions).
            delete_filter: Called with an ``UndoItem`` before undo/redo deletes it;
                return False to keep it.
            ignore_remote_map_changes: Let undo/redo overwrite map values other users
                changed since.

        Raises:
            ValueError: Neither ``doc`` nor ``scopes`` given, or a negative timeout.
            TypeError: A scope is not a shared type.
            RuntimeError: A scope is not integrated, or belongs to another document.
        """
        scope_list = list(scopes)
        if doc is None:
            if not scope_list:
                raise ValueError("UndoManager needs a doc or at least one scope")
            doc = scope_list[0].doc
        if not isinstance(capture_timeout_millis, int) or capture_timeout_millis < 0:
            raise ValueError("capture_timeout_millis must be a non-negative int")
        self._doc = doc
        self._tracked: set[Any] = {None} if tracked_origins is None else set(tracked_origins)
        self._tracked.add(self)
        self._items: dict[int, StackItem] = {}
        self._callbacks: dict[int, tuple[str, Callable[[StackItemEvent], Any]]] = {}
        # The native manager holds only these wrappers, which reach the user's callables
        # through a weak reference to this object: a callable that refers back to the
        # manager then forms a cycle Python's GC can collect (none runs through C++).
        self._timestamp = timestamp
        self._delete_filter = delete_filter
        ref = weakref.ref(self)

        def origin_filter(origin: Any) -> bool:
            manager = ref()
            return manager is not None and manager._tracks(origin)

        native_timestamp = None
        if timestamp is not None:

            def native_timestamp() -> int:
                manager = ref()
                return 0 if manager is None or manager._timestamp is None else manager._timestamp()

        native_filter = None
        if delete_filter is not None:

            def native_filter(
                id: tuple[int, int], length: int, parent: Any, key: Any, type: Any
            ) -> bool:
                manager = ref()
                if manager is None or manager._delete_filter is None:
                    return True
                d = manager._doc
                return bool(
                    manager._delete_filter(
                        UndoItem(id, length, wrap(parent, d), key, wrap(type, d))
                    )
                )

        self._native = _core.UndoManager(
            doc._native,
            capture_timeout_millis,
            native_timestamp,
            native_filter,
            origin_filter,
            ignore_remote_map_changes,
        )
        self._native.set_owner(ref)
        for scope in scope_list:
            self.expand_scope(scope)

    def _tracks(self, origin: Any) -> bool:
        # Yjs: trackedOrigins.has(origin) || (origin && trackedOrigins.has(origin.constructor))
        if origin in self._tracked:
            return True
        return bool(origin) and type(origin) in self._tracked

    @property
    def doc(self) -> Doc:
        """The document this manager works on."""
        return self._doc

    def expand_scope(self, scope: BaseType) -> None:
        """Records changes to ``scope`` (and the types nested in it) too.

        Raises:
            TypeError: ``scope`` is not a Text, Array or Map.
            RuntimeError: ``scope`` is not integrated, or belongs to another document.
        """
        if not isinstance(scope, BaseType):
            raise TypeError(f"a scope must be a shared type, not {type(scope).__name__}")
        if not scope.is_integrated:
            raise RuntimeError("a scope must be integrated into a document")
        self._native.expand_scope(cast(_core.Shared, scope))  # Text/Array/Map are Shared

    def include_origin(self, origin: Any) -> None:
        """Records transactions with this origin (or, for a class, its instances) too."""
        self._tracked.add(origin)

    def exclude_origin(self, origin: Any) -> None:
        """Stops recording transactions with this origin."""
        self._tracked.discard(origin)

    def undo(self) -> bool:
        """Undoes the last step; returns True when something changed.

        Raises:
            RuntimeError: A transaction is open on the document.
        """
        try:
            return self._native.undo()
        finally:
            self._prune()

    def redo(self) -> bool:
        """Redoes the last undone step; returns True when something changed.

        Raises:
            RuntimeError: A transaction is open on the document.
        """
        try:
            return self._native.redo()
        finally:
            self._prune()

    def can_undo(self) -> bool:
        """True when the undo stack is not empty."""
        return self._native.can_undo()

    def can_redo(self) -> bool:
        """True when the redo stack is not empty."""
        return self._native.can_redo()

    def stop_capturing(self) -> None:
        """Makes the next recorded change a step of its own (not merged with the last)."""
        self._native.stop_capturing()

    def clear(self, clear_undo_stack: bool = True, clear_redo_stack: bool = True) -> None:
        """Empties the stacks; deleted content they kept may then be garbage-collected."""
        self._native.clear(clear_undo_stack, clear_redo_stack)
        self._prune()

    @property
    def undo_stack(self) -> list[StackItem]:
        """The undoable steps, oldest first."""
        return [self._item(*entry) for entry in self._native.undo_stack()]

    @property
    def redo_stack(self) -> list[StackItem]:
        """The redoable steps, oldest first."""
        return [self._item(*entry) for entry in self._native.redo_stack()]

    def on(self, event: EventName, callback: Callable[[StackItemEvent], Any]) -> int:
        """Calls ``callback(StackItemEvent)`` on a stack event; returns an id for ``off``.

        Events (Yjs's names): ``"stack-item-added"`` (a new step on either stack, during
        the commit of its transaction), ``"stack-item-updated"`` (a change merged into
        the last step), ``"stack-item-popped"`` (after ``undo()``/``redo()`` changed the
        document). Store cursor positions in ``event.stack_item.meta`` when added, and
        restore them when popped. Exceptions of added/updated callbacks are raised after
        the transaction committed (as observers'); popped ones from undo()/redo().

        Raises:
            ValueError: Unknown event name.
        """
        kind = _EVENT_KINDS.get(event)
        if kind is None:
            raise ValueError(f"unknown UndoManager event {event!r}; one of {list(_EVENT_KINDS)}")
        ref = weakref.ref(self)
        subscription: list[int] = []  # filled in below; `call` must not hold `callback`

        def call(item_id: int, stack: str, origin: Any) -> None:
            manager = ref()
            entry = None if manager is None else manager._callbacks.get(subscription[0])
            if manager is not None and entry is not None:
                entry[1](StackItemEvent(manager._item_by_id(item_id), stack, origin))

        sub = self._native.on(kind, call)
        subscription.append(sub)
        self._callbacks[sub] = (event, callback)
        return sub

    def off(self, subscription: int) -> bool:
        """Removes a callback registered with ``on``; False when it was not registered."""
        self._callbacks.pop(subscription, None)
        return self._native.off(subscription)

    # -- stack item wrappers ----------------------------------------------------------

    def _item(self, item_id: int, insertions: bytes, deletions: bytes) -> StackItem:
        item = self._items.get(item_id)
        if item is None:
            item = self._items[item_id] = StackItem(self, item_id, insertions, deletions)
        else:
            item._insertions, item._deletions = insertions, deletions
        return item

    def _item_by_id(self, item_id: int) -> StackItem:
        for entry in (*self._native.undo_stack(), *self._native.redo_stack()):
            if entry[0] == item_id:
                return self._item(*entry)
        item = self._items.get(item_id)
        if item is None:  # popped before it was ever seen from Python
            item = self._items[item_id] = StackItem(self, item_id, b"\x00", b"\x00")
        return item

    def _refresh(self, item: StackItem) -> None:
        for entry in (*self._native.undo_stack(), *self._native.redo_stack()):
            if entry[0] == item._id:
                item._insertions, item._deletions = entry[1], entry[2]
                return

    def _prune(self) -> None:
        live = {e[0] for e in (*self._native.undo_stack(), *self._native.redo_stack())}
        for item_id in [i for i in self._items if i not in live]:
            del self._items[item_id]

    def __repr__(self) -> str:
        return (
            f"UndoManager(undo_stack={self._native.undo_stack_size()}, "
            f"redo_stack={self._native.redo_stack_size()})"
        )
