"""Transactions (context managers over the native begin/commit pair) and their events.

Yjs groups changes into transactions: observers run and one update is emitted per
committed transaction. ``with doc.transaction():`` opens one; nested blocks reuse
the outer transaction, which commits when the outermost block exits. Calls made
outside any block run in a transaction of their own.

``async with doc.transaction():`` does the same and also awaits the document's async
observer callbacks (anyio, see ``_async.py``); ``doc.new_transaction()`` never joins.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from . import _async, _core

if TYPE_CHECKING:
    from ._doc import Doc


class Transaction(_core.TransactionBase):
    """A transaction on a Doc; use it through ``Doc.transaction()``.

    Entering the outermost block opens the transaction and exiting it commits, also
    when the block raised (Yjs has no rollback). Observers run during the commit and
    see this object as ``event.transaction``; edits they make start transactions of
    their own. ``__enter__``/``__exit__`` are native (cpp/bindings/fast_calls.cpp).

    ``async with`` works the same way; the outermost ``async with`` also awaits the
    document's async observer callbacks after the commit, concurrently in an anyio task
    group (their errors raise as an ExceptionGroup then).

    Args:
        doc: The document.
        origin: Any hashable value telling observers who made the change.

    Example:
        >>> doc = Doc({"t": Text()})
        >>> with doc.transaction(origin="me") as txn:
        ...     doc["t"].insert(0, "hi")
        ...     txn.origin
        'me'
    """

    __slots__ = ("_async_callbacks",)
    # (callback, event) pairs of async observers, gathered during the commit of an async
    # transaction and awaited by its outermost ``async with``; None (or unset): not async.
    _async_callbacks: list[
        tuple[Callable[[TransactionEvent], Coroutine[Any, Any, Any]], TransactionEvent]
    ]

    async def __aenter__(self) -> Self:
        """Opens the transaction, or joins it when it is open (async).

        Raises:
            RuntimeError: The open transaction is a sync one (``with``), which cannot
                await async callbacks.

        Example:
            >>> import asyncio
            >>> async def main():
            ...     doc = Doc({"t": Text()})
            ...     async with doc.transaction(origin="me") as txn:
            ...         doc["t"] += "hi"
            ...         async with doc.transaction() as inner:  # joins
            ...             assert inner is txn
            ...     return str(doc["t"])
            >>> asyncio.run(main())
            'hi'
        """
        open_txn = self._native_doc.open_transaction()
        if open_txn is None:
            self._open_async()
        elif open_txn is self and getattr(self, "_async_callbacks", None) is None:
            raise RuntimeError("Already in a non-async transaction")
        else:
            _core.TransactionBase.__enter__(self)  # joins (or the core refuses: another is open)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Leaves one level; the outermost exit commits, then awaits the async callbacks.

        The callbacks run concurrently in an anyio task group entered and exited by the
        task leaving the outermost block; their errors raise as an ExceptionGroup.
        """
        pending = getattr(self, "_async_callbacks", None)
        try:
            _core.TransactionBase.__exit__(self, exc_type, exc_value, traceback)
        finally:
            if pending is not None and self._native_doc.open_transaction() is not self:
                self._async_callbacks = None  # type: ignore[assignment]
                if pending:
                    await _async.run_callbacks(pending)

    def _open_async(self) -> None:
        self._async_callbacks = []
        try:
            _core.TransactionBase.__enter__(self)
        except BaseException:
            self._async_callbacks = None  # type: ignore[assignment]
            raise

    def __repr__(self) -> str:
        from ._display import short_repr

        return f"Transaction(origin={short_repr(self.origin)})"


class NewTransaction(Transaction):
    """A transaction that never joins an open one; use it through ``Doc.new_transaction()``.

    Sync (``with``): with ``allow_multithreading`` it waits for the document's lock (at
    most ``timeout`` seconds); without, it raises RuntimeError when a transaction is open.
    Async (``async with``): it waits without blocking the event loop until the open
    transaction (of another task, or of another thread with multithreading) has finished;
    inside a sync block of its own task it can only time out. Blocks nested inside it
    (``doc.transaction()``) join it.

    Args:
        doc: The document.
        origin: Any hashable value telling observers who made the change.
        timeout: Seconds to wait at most (None: no limit).

    Raises:
        TimeoutError: The transaction could not be acquired within ``timeout``.
        RuntimeError: A transaction is open (sync, without multithreading).

    Example:
        >>> import asyncio
        >>> doc = Doc({"m": Map()})
        >>> async def put(key):
        ...     async with doc.new_transaction():
        ...         await asyncio.sleep(0.01)  # the other task waits meanwhile
        ...         doc["m"][key] = len(doc["m"])
        >>> async def main():
        ...     await asyncio.gather(put("a"), put("b"))
        >>> asyncio.run(main())
        >>> sorted(doc["m"].values())
        [0, 1]
    """

    __slots__ = ("_doc", "_locked", "_timeout")

    def __init__(self, doc: Doc, origin: Any = None, timeout: float | None = None) -> None:
        super().__init__(doc, origin)
        self._doc = doc
        self._timeout = timeout
        self._locked = False  # this transaction holds the thread lock or the async lock

    def __enter__(self) -> Self:
        doc = self._doc
        native = doc._native
        if native.open_transaction() is self:
            super().__enter__()  # a nested block joins
            return self
        if doc._allow_multithreading:
            _async.acquire_thread_lock(doc, self._timeout)
            self._locked = True
        elif native.in_transaction():
            raise RuntimeError("Already in a transaction")
        try:
            super().__enter__()
        except BaseException:
            self._release()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            super().__exit__(exc_type, exc_value, traceback)
        finally:
            if self._doc._native.open_transaction() is not self:
                self._release()

    async def __aenter__(self) -> Self:
        doc = self._doc
        if doc._native.open_transaction() is self:
            return await super().__aenter__()  # a nested block joins
        await _async.acquire_async(doc, self._timeout)
        self._locked = True
        try:
            self._open_async()
        except BaseException:
            self._release()
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            await super().__aexit__(exc_type, exc_value, traceback)
        finally:
            if self._doc._native.open_transaction() is not self:
                self._release()

    def _release(self) -> None:
        if self._locked:
            self._locked = False
            if self._doc._allow_multithreading:
                _async.release_thread_lock(self._doc)
            else:
                _async.release_async(self._doc)

    def __repr__(self) -> str:
        from ._display import short_repr

        return f"NewTransaction(origin={short_repr(self.origin)})"


class TransactionEvent(_core.TransactionEventBase):
    """What one committed transaction changed; passed to ``Doc.observe`` callbacks.

    The document makes one per committed transaction (natively, with no Python frame:
    cpp/bindings/txn_events.cpp); the byte forms are made when read, and ``transaction``
    too when the transaction had no Transaction object (one editing call, ``apply_update``).

    Attributes:
        transaction: The committed Transaction (its ``origin`` tells who made it).
        local: False when the transaction was opened by ``apply_update`` (a remote change).
        update: The v1 update holding exactly this transaction's changes (Yjs 'update').
        before_state: The encoded state vector before the transaction.
        after_state: The encoded state vector after the transaction.
        delete_set: The encoded (v1) delete set of what the transaction deleted.

    Example:
        >>> doc, events = Doc(), []
        >>> sub = doc.observe(events.append)
        >>> doc["t"] = Text("hi")
        >>> Doc().apply_update(events[0].update)
    """

    __slots__ = ()

    def __new__(cls) -> Self:
        """Not for users: the document makes the events of its observers.

        Raises:
            TypeError: Always.
        """
        raise TypeError("TransactionEvent objects are made by the document for its observers")

    if TYPE_CHECKING:

        @property
        def transaction(self) -> Transaction: ...

    def __repr__(self) -> str:
        from ._display import short_repr

        return (
            f"TransactionEvent(origin={short_repr(self.transaction.origin)}, "
            f"update={len(self.update)} bytes)"
        )


class Subscription:
    """A registered ``Doc.observe`` callback; pass it to ``Doc.unobserve``.

    Attributes:
        callback: The registered callable.

    Example:
        >>> doc = Doc()
        >>> sub = doc.observe(print)
        >>> doc.unobserve(sub)
    """

    __slots__ = ("__weakref__", "callback")

    def __init__(self, callback: Callable[[TransactionEvent], Any]) -> None:
        self.callback = callback

    def __repr__(self) -> str:
        return f"Subscription({self.callback!r})"


class Observers(dict[Subscription, Callable[[TransactionEvent], Any]]):
    """``Doc._observers``: the callbacks of ``Doc.observe`` by subscription.

    A dict that can be referenced weakly: the document's native observer holds it so,
    and reads it per commit without an attribute lookup on the Doc
    (cpp/bindings/txn_events.cpp).

    Example:
        >>> doc = Doc()
        >>> sub = doc.observe(print)
        >>> list(doc._observers.values()) == [print]
        True
    """

    __slots__ = ("__weakref__",)
