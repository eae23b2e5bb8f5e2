"""The common base of Text, Array and Map: prelim content, integration, identity.

A shared type starts *prelim*: ``Text("hi")`` keeps ``"hi"`` in Python and is bound
to no document. Inserting it into a Doc, an Array or a Map creates the shared type
in the document and then replays the prelim content into it, in the same
transaction (Yjs order: the type's own item first, then its content). From then on
the same Python object is a handle to the integrated type.

Each concrete class also subclasses its native handle (``_core.Text``, ...), so the
editing methods implemented in C++ are called with no Python frame in between.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from . import _core

if TYPE_CHECKING:
    from ._async import EventStream
    from ._doc import Doc
    from ._events import EventSubscription

# Native handle class -> Python class wrapping it; filled by _text, _array, _map. A Doc
# subclass may map to other classes (its ``_type_classes``, e.g. crdtcore.pycrdt's).
_WRAPPERS: dict[type, type[BaseType]] = {}


def wrap(value: Any, doc: Doc | None) -> Any:
    """Returns ``value`` with a native shared-type handle replaced by its Python class.

    The class is the one ``doc`` uses for that kind of type (``Doc._type_classes``).
    """
    classes = _WRAPPERS if doc is None else doc._type_classes
    cls = classes.get(type(value))
    if cls is None:
        return value
    return cls._from_handle(value, doc)


def check_prelim(value: Any, seen: set[int]) -> None:
    """Raises before anything is inserted if ``value`` cannot be stored.

    Args:
        value: A plain value or a shared type about to be inserted.
        seen: ids of the shared types already met in this insertion.

    Raises:
        TypeError: A plain value cannot be stored.
        ValueError: A shared type is already integrated, or appears twice.
    """
    if not isinstance(value, BaseType):
        _core._check_value(value)
        return
    if value._valid or id(value) in seen:
        raise ValueError(
            f"this {type(value).__name__} is already part of a document; a shared type "
            f"cannot be inserted twice (insert a new one, e.g. {type(value).__name__}"
            f"({type(value).__name__.lower()}.to_py()))"
        )
    seen.add(id(value))
    value._check_content(seen)


def to_json(value: Any) -> str:
    """Compact JSON (no spaces, non-ASCII kept) of a plain value; bytes become int lists."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=_json_default)


def _json_default(obj: Any) -> Any:
    if isinstance(obj, (bytes, bytearray, memoryview)):
        return list(bytes(obj))
    raise TypeError(f"Object of type {type(obj).__name__} is not JSON serializable")


class BaseType:
    """Behaviour shared by Text, Array and Map (not instantiated directly).

    Attributes:
        _prelim: The content held until integration (None once integrated).
        _doc: The Doc this type belongs to (None while prelim).
    """

    _prelim: Any
    _doc: Doc | None
    _type_kind: ClassVar[_core.TypeKind]
    _native: ClassVar[type[_core.Shared]]

    # Provided by the native base class.
    _valid: bool

    @classmethod
    def _from_handle(cls, handle: Any, doc: Doc | None) -> Any:
        obj: Any = cls.__new__(cls)
        cls._native.__init__(obj, handle)
        obj._prelim = None
        obj._doc = doc
        return obj

    @property
    def doc(self) -> Doc:
        """The document this shared type belongs to.

        Raises:
            RuntimeError: The type is not integrated into a document yet.

        Example:
            >>> doc = Doc({"t": Text()})
            >>> doc["t"].doc is doc
            True
        """
        if self._doc is None:
            raise RuntimeError(f"this {type(self).__name__} is not integrated into a document yet")
        return self._doc

    @property
    def is_prelim(self) -> bool:
        """True until the type is inserted into a document.

        Example:
            >>> t = Text("hi")
            >>> t.is_prelim
            True
        """
        return not self._valid

    @property
    def is_integrated(self) -> bool:
        """True once the type is part of a document.

        Example:
            >>> doc = Doc()
            >>> doc["t"] = t = Text("hi")
            >>> t.is_integrated
            True
        """
        return self._valid

    # -- events ---------------------------------------------------------------------

    def observe(self, callback: Callable[..., Any]) -> EventSubscription:
        """Calls ``callback`` after each transaction that changed this type.

        The callback takes ``()``, ``(event)`` or ``(event, transaction)``; the event is
        a ``TextEvent``, ``ArrayEvent`` or ``MapEvent``. Exceptions raised by callbacks are
        raised as an ``ExceptionGroup`` once the transaction has committed.

        Returns:
            A subscription for ``unobserve``.

        Raises:
            RuntimeError: The type is not integrated into a document yet.

        Example:
            >>> doc = Doc({"t": Text("ab")})
            >>> sub = doc["t"].observe(lambda event: print(event.delta))
            >>> doc["t"].insert(1, "x")
            [{'retain': 1}, {'insert': 'x'}]
        """
        from ._events import subscribe

        return subscribe(self, callback, deep=False)

    def observe_deep(self, callback: Callable[..., Any]) -> EventSubscription:
        """Calls ``callback`` with the list of events of this type and every type below it.

        Events come shallowest first; each has ``path``, the keys and indices from this
        type down to its ``target``. Same callback forms and errors as ``observe``.

        Example:
            >>> doc = Doc({"m": Map({"list": Array()})})
            >>> sub = doc["m"].observe_deep(lambda events: print([e.path for e in events]))
            >>> doc["m"]["list"].append(1)
            [['list']]
        """
        from ._events import subscribe

        return subscribe(self, callback, deep=True)

    def unobserve(self, subscription: EventSubscription) -> None:
        """Removes a callback registered by ``observe`` or ``observe_deep``.

        Raises:
            ValueError: ``subscription`` is not registered on this type.

        Example:
            >>> doc = Doc({"t": Text()})
            >>> sub = doc["t"].observe(print)
            >>> doc["t"].unobserve(sub)
        """
        from ._events import unsubscribe

        unsubscribe(self, subscription)

    def events(self, deep: bool = False, max_buffer_size: float = math.inf) -> EventStream[Any]:
        """An async stream of this type's events (pycrdt's ``events``).

        Without ``deep`` each item is one event (``TextEvent``, ``ArrayEvent`` or
        ``MapEvent``), as ``observe`` gets it; with ``deep`` each item is the list of
        events of one transaction, as ``observe_deep`` gets it. Events are buffered from
        the moment the stream is made, with their deltas computed at the commit; closing
        the stream (leaving its ``async with``) unsubscribes it. Needs anyio
        (``pip install 'crdtcore[async]'``).

        Args:
            deep: Stream the events of this type and of every type below it.
            max_buffer_size: How many items may wait; a transaction that finds the buffer
                full raises ``anyio.WouldBlock`` (in an ``ExceptionGroup``) after its
                commit.

        Raises:
            RuntimeError: The type is not integrated into a document yet.

        Example:
            >>> import asyncio
            >>> async def main():
            ...     doc = Doc({"t": Text("a")})
            ...     async with doc["t"].events() as events:
            ...         doc["t"] += "b"
            ...         event = await events.receive()
            ...     return event.delta
            >>> asyncio.run(main())
            [{'retain': 1}, {'insert': 'b'}]
        """
        from ._async import TypeEventSource

        return TypeEventSource(self, deep).open(max_buffer_size)

    def to_py(self) -> Any:
        """The content as plain Python values (nested shared types converted too).

        Returns:
            ``str`` for a Text, ``list`` for an Array, ``dict`` for a Map.

        Example:
            >>> Map({"a": Array([1, Text("x")])}).to_py()
            {'a': [1, 'x']}
        """
        if not self._valid:
            return self._prelim_to_py()
        return self._to_value()

    def __eq__(self, other: object) -> bool:
        """Same shared type (not equal content): two handles to one type compare equal."""
        if self is other:
            return True
        if not isinstance(other, BaseType):
            return NotImplemented
        return self._valid and self._same(other)

    def __ne__(self, other: object) -> bool:
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    def __hash__(self) -> int:
        return self._identity() if self._valid else id(self)

    def __repr__(self) -> str:
        """Short: the start of the content and its size, e.g. ``Text('hello…', 200000 chars)``.

        Only the part shown is read (``t[:n]``, ``a[:k]``), so it is cheap for huge types.

        Example:
            >>> Doc({"a": Array(range(100))})["a"]
            Array([0, 1, 2, 3, 4, …], 100 items)
        """
        from ._display import type_repr

        return type_repr(self)

    def _repr_html_(self) -> str:
        """Jupyter display: formatted rich text for a Text, a collapsible tree for an Array
        or a Map (bounded in size, see crdtcore._display)."""
        from ._display import text_html, tree_html

        return text_html(self) if self._type_kind == _core.TypeKind.Text else tree_html(self)

    # -- integration -------------------------------------------------------------

    def _integrate(self, doc: Doc, handle: Any) -> None:
        """Binds this prelim to the new shared type ``handle`` and replays its content.

        REQUIRES: an open transaction on ``doc`` and a successful check_prelim().
        """
        content = self._prelim
        self._bind(handle)
        self._doc = doc
        self._prelim = None
        self._replay(content)

    def _prelim_to_py(self) -> Any:
        raise NotImplementedError

    def _check_content(self, seen: set[int]) -> None:
        """Validates the prelim content (see check_prelim)."""

    def _replay(self, content: Any) -> None:
        raise NotImplementedError

    if TYPE_CHECKING:
        # Provided by the native base class (defining them here would shadow it).
        def _bind(self, handle: Any) -> None: ...
        def _same(self, other: Any) -> bool: ...
        def _identity(self) -> int: ...
        def _to_value(self) -> Any: ...
