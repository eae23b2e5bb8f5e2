"""Doc: a Yjs document — named root types, transactions, updates and observers."""

from __future__ import annotations

import math
import threading
import weakref
from collections.abc import Callable, Iterator, Mapping
from inspect import iscoroutinefunction
from typing import Any, ClassVar, TypeVar

from . import _async, _core
from ._array import Array
from ._base import _WRAPPERS, BaseType, check_prelim, wrap
from ._events import EventSubscription
from ._map import Map
from ._offset_kind import _FROM_NATIVE, OffsetKind
from ._text import Text
from ._transaction import (
    NewTransaction,
    Observers,
    Subscription,
    Transaction,
    TransactionEvent,
)
from .errors import ArgumentTypeError, KeyTypeError

T = TypeVar("T", Text, Array, Map)

_MAX_CLIENT_ID = 2**53 - 1


class Doc:
    """A shared document: a dict of named root types that syncs through updates.

    Threads and the GIL: the native calls hold the GIL, with one exception: an update of
    16 KiB or more is decoded without it (by ``apply_update``, and by the module-level
    ``validate_update``, ``merge_updates``, ``get_state`` and ``get_update``), so that other
    threads keep running while it is; integrating it into the document takes the GIL back.
    Whatever reads or changes a document (``get_update()``, ``str(text)``, ...) holds the GIL
    throughout: another thread may edit the same document at any moment (a bare editing call
    takes no lock, even with ``allow_multithreading``), and the GIL is what keeps a reader
    from meeting a half-made change.

    Args:
        init: Root types to create, e.g. ``{"text": Text("hi")}``.
        client_id: This peer's id (random 32-bit when omitted; at most 2**53 - 1).
        skip_gc: Keep deleted content instead of garbage-collecting it.
        guid: The document's globally unique id (a random UUID4 when omitted).
        allow_multithreading: Let several threads use the document: transactions then
            serialize on a lock (``transaction()`` takes it when it opens one, not when it
            joins one of this thread; ``new_transaction()`` always). Each thread should
            edit inside ``with doc.transaction():``; a bare editing call runs atomically
            but joins a transaction another thread has open.
        offset_kind: The unit of every Text index and length (``OffsetKind`` or its
            value as a str): ``"code_point"`` (default, Python ``str`` indices),
            ``"utf8"`` (bytes, as pycrdt) or ``"utf16"`` (as Yjs). The updates are the
            same in every unit.

    Raises:
        ArgumentTypeError: ``client_id`` is not an int, ``guid`` not a str or ``skip_gc``
            not a bool (a TypeError, and a ValueError as in pycrdt).
        TypeError: ``offset_kind`` is neither an OffsetKind nor a str.
        ValueError: ``client_id`` is negative or exceeds 53 bits, or ``offset_kind``
            names no unit.

    Attributes:
        _type_classes: Native handle class -> the Python class this document's shared types
            are read as (``crdtcore.pycrdt.Doc`` maps them to its own classes).

    Example:
        >>> a = Doc({"text": Text("hello")}, client_id=1)
        >>> b = Doc(client_id=2)
        >>> b.apply_update(a.get_update())
        >>> str(b["text"])
        'hello'
    """

    _type_classes: ClassVar[Mapping[type, type[BaseType]]] = _WRAPPERS

    def __init__(
        self,
        init: Mapping[str, BaseType] | None = None,
        *,
        client_id: int | None = None,
        skip_gc: bool = False,
        guid: str | None = None,
        allow_multithreading: bool = False,
        offset_kind: OffsetKind | str = OffsetKind.CODE_POINT,
    ) -> None:
        kind = OffsetKind.parse(offset_kind)
        if client_id is not None:
            if isinstance(client_id, bool) or not isinstance(client_id, int):
                raise ArgumentTypeError(
                    f"client_id must be an int, not '{type(client_id).__name__}'"
                )
            if client_id > _MAX_CLIENT_ID:
                raise ValueError("client_id cannot overflow 53 bits")
            if client_id < 0:
                raise ValueError("client_id must not be negative")
        if guid is not None and not isinstance(guid, str):
            raise ArgumentTypeError(f"guid must be a str, not '{type(guid).__name__}'")
        if not isinstance(skip_gc, bool):
            raise ArgumentTypeError(f"skip_gc must be a bool, not '{type(skip_gc).__name__}'")
        self._native = _core.Doc(client_id, not skip_gc, guid, kind._native)
        # Reused for every origin-less transaction. The transaction state itself (open
        # or not, depth, which one is committing) is the native document's.
        self._plain_txn = Transaction(self)
        self._observers = Observers()
        self._native_observer: int | None = None
        # Multithreading and async state (_async.py): the transaction lock, the thread
        # holding it, the anyio lock of awaited new_transaction() blocks, doc.events().
        self._allow_multithreading = bool(allow_multithreading)
        self._txn_lock = threading.Lock()
        self._txn_owner: int | None = None
        self._async_lock: Any = None
        self._event_streams: dict[bool, _async.EventFanout] = {}
        if self._allow_multithreading:
            # This instance's transaction() takes the lock; the class's stays free of the check.
            self.transaction = self._thread_transaction  # type: ignore[method-assign]
        # Subscriptions of observe/observe_deep on this document's types (_events.py).
        self._event_subscriptions: dict[EventSubscription, None] = {}
        if init:
            with self.transaction():
                for name, value in init.items():
                    self[name] = value

    # -- identity ----------------------------------------------------------------

    @property
    def client_id(self) -> int:
        """This peer's client id.

        Example:
            >>> Doc(client_id=42).client_id
            42
        """
        return self._native.client_id

    @property
    def offset_kind(self) -> OffsetKind:
        """The unit of this document's Text indices and lengths.

        Example:
            >>> Doc().offset_kind, Doc(offset_kind="utf8").offset_kind
            (<OffsetKind.CODE_POINT: 'code_point'>, <OffsetKind.UTF8: 'utf8'>)
        """
        return _FROM_NATIVE[self._native.offset_kind]

    @property
    def guid(self) -> str:
        """The document's globally unique id.

        Example:
            >>> Doc(guid="notes-1").guid
            'notes-1'
        """
        return self._native.guid

    # -- roots -------------------------------------------------------------------

    def __setitem__(self, name: str, value: BaseType) -> None:
        """Makes a prelim shared type the root ``name``: ``doc["text"] = Text("hi")``.

        When the root already exists its content is kept and the prelim content is
        inserted at the start (a Text or an Array) or set (a Map).

        Raises:
            TypeError: ``name`` is not a str, ``value`` is not a Text/Array/Map, or the
                root exists with another type.
            ValueError: ``value`` is already integrated somewhere else.

        Example:
            >>> doc = Doc()
            >>> doc["text"] = text = Text("hi")
            >>> text.is_integrated, doc["text"] == text
            (True, True)
        """
        _check_name(name)
        if not isinstance(value, BaseType):
            raise TypeError(
                f"a root must be a Text, an Array or a Map, not '{type(value).__name__}'"
            )
        if value.is_integrated:
            handle = self._native.root(name)
            if handle is not None and value._same(handle):
                return  # doc[name] = doc[name]
        check_prelim(value, set())
        with self.transaction():
            value._integrate(self, self._native_root(name, type(value)))

    def __getitem__(self, name: str) -> Any:
        """The root ``name``.

        A root that arrived in an update but was never typed locally is typed from
        its content: map entries make a Map, strings a Text, anything else an Array.
        Use ``get(name, type=...)`` to choose explicitly.

        Raises:
            KeyError: There is no root ``name``.
            TypeError: ``name`` is not a str.

        Example:
            >>> remote = Doc()
            >>> remote.apply_update(Doc({"m": Map({"k": 1})}).get_update())
            >>> remote["m"]
            Map({'k': 1})
        """
        _check_name(name)
        handle = self._native.root(name)
        if handle is None:
            raise KeyError(name)
        if type(handle) is _core.Shared:
            return self.get(name, type=self._guess_type(name, handle))
        return wrap(handle, self)

    def get(self, name: str, *, type: type[T]) -> T:
        """The root ``name`` as ``type``, created empty when absent.

        Args:
            name: The root's name.
            type: Text, Array or Map.

        Raises:
            TypeError: ``type`` is not Text/Array/Map, or the root has another type.

        Example:
            >>> doc = Doc()
            >>> doc.get("notes", type=Text).insert(0, "hi")
            >>> doc["notes"].to_py()
            'hi'
        """
        _check_name(name)
        if type not in self._type_classes.values():
            raise TypeError(f"type must be Text, Array or Map, not {type!r}")
        return type._from_handle(self._native_root(name, type), self)

    def __contains__(self, name: object) -> bool:
        """Whether a root ``name`` exists (locally created or received).

        Example:
            >>> "t" in Doc({"t": Text()})
            True
        """
        return isinstance(name, str) and self._native.root(name) is not None

    def __len__(self) -> int:
        """The number of roots.

        Example:
            >>> len(Doc({"t": Text(), "m": Map()}))
            2
        """
        return len(self._native.root_names())

    def __iter__(self) -> Iterator[str]:
        """Iterates over the root names.

        Example:
            >>> sorted(Doc({"t": Text(), "m": Map()}))
            ['m', 't']
        """
        return iter(self._native.root_names())

    def keys(self) -> list[str]:
        """The root names.

        Example:
            >>> Doc({"t": Text()}).keys()
            ['t']
        """
        return self._native.root_names()

    def values(self) -> list[Any]:
        """The roots (see ``__getitem__`` for untyped ones).

        Example:
            >>> Doc({"t": Text("x")}).values()
            [Text('x')]
        """
        return [self[name] for name in self._native.root_names()]

    def items(self) -> list[tuple[str, Any]]:
        """The ``(name, root)`` pairs.

        Example:
            >>> Doc({"a": Array([1])}).items()
            [('a', Array([1]))]
        """
        return [(name, self[name]) for name in self._native.root_names()]

    # -- transactions ------------------------------------------------------------

    def transaction(self, origin: Any = None) -> Transaction:
        """A context manager grouping changes into one transaction.

        Nested blocks join the open transaction, which commits when the outermost
        block exits; observers run after the commit. ``async with`` works too, and is
        needed when async callbacks observe the document (``observe``). With
        ``allow_multithreading`` a block joins only its own thread's transaction and
        otherwise waits for the document's lock.

        Args:
            origin: Any hashable value telling observers who made the change.

        Raises:
            RuntimeError: A nested block gives an origin different from the open one, or
                an ``async with`` block is nested in a sync one.
            TypeError: ``origin`` is not hashable.

        Example:
            >>> doc = Doc({"t": Text()})
            >>> with doc.transaction(origin="local"):
            ...     doc["t"] += "a"
            ...     doc["t"] += "b"
        """
        txn = self._native.open_transaction()
        if origin is not None:
            _check_origin(origin)
        if txn is not None:
            if origin is not None and origin != txn.origin:
                raise RuntimeError(
                    f"nested transaction origin {origin!r} differs from the open "
                    f"transaction's origin {txn.origin!r}"
                )
            return txn
        if origin is None:
            return self._plain_txn
        return Transaction(self, origin)

    def _thread_transaction(self, origin: Any = None) -> Transaction:
        # transaction() with allow_multithreading. Another thread's transaction (or none) is
        # open: never join it, wait for the lock. The thread holding the lock joins its own
        # transaction (or, while its commit's observers run, opens one without the lock).
        if self._txn_owner != threading.get_ident():
            _check_origin(origin)
            return NewTransaction(self, origin)
        return Doc.transaction(self, origin)

    def new_transaction(self, origin: Any = None, timeout: float | None = None) -> NewTransaction:
        """A transaction that never joins an open one (pycrdt's ``new_transaction``).

        ``with doc.new_transaction():`` needs ``allow_multithreading=True`` to wait for a
        transaction of another thread (without it, an open transaction is an error);
        ``async with doc.new_transaction():`` waits, without blocking the event loop, for
        the open transaction of another task or thread.

        Args:
            origin: Any hashable value telling observers who made the change.
            timeout: Seconds to wait at most (None: no limit).

        Raises:
            TimeoutError: (on entering) Not acquired within ``timeout``.
            RuntimeError: (on entering) A transaction is open (sync, no multithreading).
            TypeError: ``origin`` is not hashable.

        Example:
            >>> doc = Doc({"t": Text()}, allow_multithreading=True)
            >>> with doc.transaction():
            ...     try:
            ...         with doc.new_transaction(timeout=0.01):
            ...             pass
            ...     except TimeoutError as error:
            ...         print(error)
            Could not acquire transaction
        """
        _check_origin(origin)
        return NewTransaction(self, origin, timeout)

    # -- updates -----------------------------------------------------------------

    def get_state(self) -> bytes:
        """The state vector (Yjs ``encodeStateVector``): what this document has seen.

        Example:
            >>> Doc().get_state()
            b'\\x00'
            >>> Doc({"t": Text("ab")}, client_id=5).get_state()
            b'\\x01\\x05\\x02'
        """
        return self._native.encode_state_vector()

    def get_update(self, state: bytes | None = None) -> bytes:
        """A v1 update with everything ``state`` lacks (Yjs ``encodeStateAsUpdate``).

        Args:
            state: A peer's state vector (``get_state()``); the whole document when None.

        Raises:
            DecodeError: ``state`` is malformed.

        Example:
            >>> a, b = Doc({"t": Text("x")}), Doc()
            >>> b.apply_update(a.get_update(b.get_state()))
        """
        return self._native.encode_state_as_update(state)

    def apply_update(self, update: bytes, origin: Any = None) -> None:
        """Applies a v1 update (Yjs ``applyUpdate``).

        Updates may arrive in any order and more than once: parts whose dependencies
        are missing wait as pending and integrate when the gap is filled.

        An update of 16 KiB or more is decoded (and so validated) without the GIL, while
        other threads run; the document is changed with the GIL held (see ``Doc``).

        Args:
            update: The update bytes.
            origin: Names who sent the update, as Yjs's ``transactionOrigin``: observers
                see it as ``transaction.origin`` (with ``local`` False), and an
                ``UndoManager`` records the change only when it tracks that origin.
                Providers pass themselves. Inside an open transaction the update joins
                it (which stays local), and ``origin`` must be None or its origin.

        Raises:
            DecodeError: ``update`` is malformed; the document is left unchanged.
            TypeError: ``update`` is not bytes-like, or ``origin`` is not hashable.
            RuntimeError: ``origin`` differs from the open transaction's origin.

        Example:
            >>> source = Doc({"t": Text("hi")})
            >>> doc, seen = Doc(), []
            >>> sub = doc.observe(lambda e: seen.append((e.transaction.origin, e.local)))
            >>> doc.apply_update(source.get_update(), origin="server")
            >>> doc.apply_update(source.get_update())  # duplicates are harmless
            >>> str(doc["t"]), seen
            ('hi', [('server', False)])
        """
        if origin is None:
            self._native.apply_update(update)
            return
        _check_origin(origin)
        open_txn = self._native.open_transaction()
        if open_txn is not None:
            if origin != open_txn.origin:
                raise RuntimeError(
                    f"apply_update origin {origin!r} differs from the open "
                    f"transaction's origin {open_txn.origin!r}"
                )
            self._native.apply_update(update)
            return
        self._native.apply_update(update, Transaction(self, origin))

    @property
    def has_pending(self) -> bool:
        """Whether received content waits for missing updates (crdtcore extension).

        Example:
            >>> source, updates = Doc(), []
            >>> sub = source.observe(lambda event: updates.append(event.update))
            >>> source["t"] = Text("a")
            >>> source["t"] += "b"
            >>> doc = Doc()
            >>> doc.apply_update(updates[1])
            >>> doc.has_pending
            True
            >>> doc.apply_update(updates[0])
            >>> doc.has_pending, str(doc["t"])
            (False, 'ab')
        """
        return self._native.has_pending()

    # -- observers ---------------------------------------------------------------

    def observe(self, callback: Callable[[TransactionEvent], Any]) -> Subscription:
        """Calls ``callback(event)`` after each committed transaction that changed something.

        Exceptions raised by callbacks are re-raised once the transaction has fully
        committed (all callbacks run first). A coroutine function is awaited when the
        outermost ``async with doc.transaction()`` exits, after the commit, concurrently
        with the others in an anyio task group (their errors raise as an ExceptionGroup);
        a sync transaction then raises RuntimeError after its commit.

        Returns:
            A Subscription for ``unobserve``.

        Example:
            >>> doc, updates = Doc(), []
            >>> sub = doc.observe(lambda event: updates.append(event.update))
            >>> doc["t"] = Text("hi")
            >>> len(updates)
            1
        """
        sub = Subscription(callback)
        self._observers[sub] = (
            _async.async_observer(callback) if iscoroutinefunction(callback) else callback
        )
        if self._native_observer is None:
            # One native observer calls every callback of self._observers with a native
            # TransactionEvent (cpp/bindings/txn_events.cpp); it holds this Doc and the
            # dict weakly.
            self._native_observer = self._native.observe_events(
                weakref.ref(self), weakref.ref(self._observers), TransactionEvent, Transaction
            )
        return sub

    def unobserve(self, subscription: Subscription) -> None:
        """Removes a callback registered by ``observe``.

        Raises:
            ValueError: ``subscription`` is not registered on this document.

        Example:
            >>> doc = Doc()
            >>> sub = doc.observe(print)
            >>> doc.unobserve(sub)
        """
        if self._observers.pop(subscription, None) is None:
            raise ValueError("subscription is not registered on this document")
        if not self._observers and self._native_observer is not None:
            self._native.unobserve(self._native_observer)
            self._native_observer = None

    def events(
        self,
        subdocs: bool = False,
        max_buffer_size: float = math.inf,
        async_transactions: bool = False,
    ) -> _async.EventStream[TransactionEvent]:
        """An async stream of this document's TransactionEvents (pycrdt's ``events``).

        Events are buffered from the moment the stream is made; closing it (leaving its
        ``async with``) unsubscribes it. Needs anyio (``pip install 'crdtcore[async]'``).

        Args:
            subdocs: Must be False (crdtcore has no subdocuments yet).
            max_buffer_size: How many events may wait; a sync transaction that finds the
                buffer full raises ``anyio.WouldBlock`` after its commit.
            async_transactions: Deliver from an async observer, so a full buffer makes the
                transaction's ``async with`` wait (back-pressure); every transaction must
                then be an ``async with`` one.

        Raises:
            NotImplementedError: ``subdocs`` is True.

        Example:
            >>> import asyncio
            >>> async def main():
            ...     doc, updates = Doc(), []
            ...     async with doc.events() as events:
            ...         doc["t"] = Text("a")
            ...         doc["t"] += "b"
            ...         async for event in events:
            ...             updates.append(event.update)
            ...             if len(updates) == 2:
            ...                 break
            ...     return len(updates)
            >>> asyncio.run(main())
            2
        """
        if subdocs:
            raise NotImplementedError("crdtcore has no subdocuments yet")
        fanout = self._event_streams.get(async_transactions)
        if fanout is None:
            fanout = self._event_streams[async_transactions] = _async.EventFanout(
                self, async_transactions
            )
        return fanout.open(max_buffer_size)

    # -- helpers -----------------------------------------------------------------

    def _native_root(self, name: str, cls: type[BaseType]) -> Any:
        native = self._native
        kind = cls._type_kind
        if kind == _core.TypeKind.Text:
            return native.get_text(name)
        if kind == _core.TypeKind.Array:
            return native.get_array(name)
        return native.get_map(name)

    def _guess_type(self, name: str, handle: _core.Shared) -> type:
        # A root that arrived untyped: typed from its content, as this document's class.
        native: type | None = {
            _core.TypeKind.Map: _core.Map,
            _core.TypeKind.Text: _core.Text,
            _core.TypeKind.Array: _core.Array,
        }.get(handle._guess_kind())
        if native is None:
            raise TypeError(
                f"root {name!r} arrived without a type and holds no content to guess it from; "
                f"use doc.get({name!r}, type=Text | Array | Map)"
            )
        return self._type_classes[native]

    def __repr__(self) -> str:
        """``Doc(client_id=..., roots=[...])`` with at most five root names."""
        from ._display import doc_repr

        return doc_repr(self)

    def _repr_html_(self) -> str:
        """Jupyter display: client id, offset kind and the roots with type and size."""
        from ._display import doc_html

        return doc_html(self)


# `doc.transaction()` with no transaction open (one block per keystroke in an editor) is
# answered natively: the descriptor returns ``_plain_txn`` without running the method above,
# and calls it for everything else (cpp/bindings/fast_calls.cpp).
Doc.transaction = _core.transaction_method(Doc.transaction)  # type: ignore[method-assign]
# Likewise `doc.apply_update(update)` without an origin (a provider's call per received
# update) goes straight to the native apply_update; other calls run the method above.
Doc.apply_update = _core.apply_update_method(Doc.apply_update)  # type: ignore[method-assign]


def _check_origin(origin: object) -> None:
    if origin is not None:
        try:
            hash(origin)
        except TypeError:
            raise TypeError(
                f"transaction origin must be hashable, not '{type(origin).__name__}'"
            ) from None


def _check_name(name: object) -> None:
    if not isinstance(name, str):
        raise KeyTypeError(f"root names must be str, not '{type(name).__name__}'")
