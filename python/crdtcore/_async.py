"""Async transactions, the transaction locks, ``Doc.events()`` and ``type.events()`` (anyio,
imported lazily).

anyio is an optional dependency (``pip install 'crdtcore[async]'``): only the paths that
need it (async observer callbacks, an awaited ``doc.new_transaction()``, ``doc.events()``)
import it, so ``with doc.transaction():`` costs nothing more when it is absent.

The locks live on the Doc (see ``Doc.__init__``): ``_txn_lock`` (a ``threading.Lock``,
taken only with ``allow_multithreading=True``), ``_txn_owner`` (the thread holding it) and
``_async_lock`` (an ``anyio.Lock`` serializing awaited ``new_transaction()`` blocks of one
event loop when multithreading is off).
"""

from __future__ import annotations

import contextlib
import math
import threading
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream

    from ._base import BaseType
    from ._doc import Doc
    from ._events import EventSubscription
    from ._transaction import Subscription, TransactionEvent

_T = TypeVar("_T")

_TIMEOUT_MESSAGE = "Could not acquire transaction"
# Polling interval bounds (seconds) while an async block waits for a thread's transaction:
# a thread cannot wake an event loop task without one, and polling is cancellation-safe.
_POLL_MIN, _POLL_MAX = 0.0005, 0.01


def require_anyio() -> None:
    """Raises a clear ImportError when anyio (the async extra) is missing.

    Example:
        >>> require_anyio()
    """
    try:
        import anyio  # noqa: F401
    except ImportError as exc:  # pragma: no cover - anyio is installed with the test extra
        raise ImportError(
            "async transactions and Doc.events() need anyio: pip install 'crdtcore[async]'"
        ) from exc


async def run_callbacks(
    pending: list[tuple[Callable[[TransactionEvent], Coroutine[Any, Any, Any]], TransactionEvent]],
) -> None:
    """Runs async observer callbacks concurrently in an anyio task group; awaits them all.

    Raises:
        ExceptionGroup: Callbacks raised (all of them still ran to completion or failure).
    """
    require_anyio()
    from anyio import create_task_group

    async with create_task_group() as task_group:
        for callback, event in pending:
            task_group.start_soon(callback, event)


def async_observer(
    callback: Callable[[TransactionEvent], Coroutine[Any, Any, Any]],
) -> Callable[[TransactionEvent], None]:
    """Wraps a coroutine function for ``Doc.observe``: queues it on the async transaction.

    The outermost ``async with doc.transaction()`` awaits the queued callbacks when it
    exits, after the commit. A sync transaction cannot await them: that is an error.
    """

    def start(event: TransactionEvent) -> None:
        pending = getattr(event.transaction, "_async_callbacks", None)
        if pending is None:
            raise RuntimeError("Async callback in non-async transaction")
        pending.append((callback, event))

    return start


# -- locks ---------------------------------------------------------------------------


def acquire_thread_lock(doc: Doc, timeout: float | None) -> None:
    """Takes ``doc``'s transaction lock for this thread (``allow_multithreading=True``).

    Raises:
        TimeoutError: Not acquired within ``timeout`` seconds, or this thread already
            holds it (waiting would never end) and a timeout was given.
        RuntimeError: This thread already holds it and no timeout was given.
    """
    me = threading.get_ident()
    if doc._txn_owner == me:
        if timeout is None:
            raise RuntimeError(
                "Already in a transaction: this thread holds the document's transaction, so "
                "waiting for a new one would never end"
            )
        raise TimeoutError(_TIMEOUT_MESSAGE)
    if not doc._txn_lock.acquire(timeout=-1 if timeout is None else timeout):
        raise TimeoutError(_TIMEOUT_MESSAGE)
    doc._txn_owner = me


def release_thread_lock(doc: Doc) -> None:
    """Releases what ``acquire_thread_lock`` or ``acquire_async`` took."""
    doc._txn_owner = None
    doc._txn_lock.release()


async def acquire_async(doc: Doc, timeout: float | None) -> None:
    """Waits (without blocking the event loop) until this task may open a new transaction.

    With multithreading, takes the thread lock (polled: a thread holding it cannot wake a
    task, and a poll loop never leaves the lock taken when cancelled). Without, takes the
    document's ``anyio.Lock`` and then waits until no other task's transaction is open.

    Raises:
        TimeoutError: Not acquired within ``timeout`` seconds.
    """
    require_anyio()
    import anyio

    deadline = math.inf if timeout is None else anyio.current_time() + timeout
    if doc._allow_multithreading:
        lock = doc._txn_lock
        await _poll(lambda: lock.acquire(blocking=False), deadline)
        doc._txn_owner = threading.get_ident()
        return
    if doc._async_lock is None:
        doc._async_lock = anyio.Lock()
    async_lock = doc._async_lock
    acquired = False
    with anyio.move_on_after(timeout):
        await async_lock.acquire()
        acquired = True
    if not acquired:
        raise TimeoutError(_TIMEOUT_MESSAGE)
    try:
        native = doc._native
        await _poll(lambda: not native.in_transaction(), deadline)
    except BaseException:
        async_lock.release()
        raise


def release_async(doc: Doc) -> None:
    """Releases what ``acquire_async`` took."""
    if doc._allow_multithreading:
        release_thread_lock(doc)
    else:
        doc._async_lock.release()


async def _poll(ready: Callable[[], bool], deadline: float) -> None:
    import anyio

    delay = _POLL_MIN
    while not ready():
        now = anyio.current_time()
        if now >= deadline:
            raise TimeoutError(_TIMEOUT_MESSAGE)
        await anyio.sleep(min(delay, deadline - now))
        delay = min(delay * 2, _POLL_MAX)


# -- Doc.events() ----------------------------------------------------------------------


class EventStream(Generic[_T]):
    """An async stream of a Doc's TransactionEvents (``Doc.events()``), or of a shared
    type's events (``type.events()``).

    Use it as an (async) context manager and iterate with ``async for``. Closing it (leaving
    the ``async with``, ``close()``/``aclose()``) unsubscribes it at once; the document's
    observer is removed with the last stream. Events are queued when their transaction
    commits, up to ``max_buffer_size`` (an anyio memory object stream), by the committing
    thread: with ``allow_multithreading``, commit in the event loop's thread while a task
    waits in ``receive()`` (anyio's streams do not wake a task from another thread).

    Example:
        >>> import asyncio
        >>> async def main():
        ...     doc = Doc()
        ...     async with doc.events() as events:
        ...         doc["t"] = Text("hi")
        ...         event = await events.receive()
        ...     replica = Doc()
        ...     replica.apply_update(event.update)
        ...     return str(replica["t"])
        >>> asyncio.run(main())
        'hi'
    """

    __slots__ = ("_fanout", "_receive", "_send")

    def __init__(
        self,
        fanout: EventFanout | TypeEventSource,
        send: MemoryObjectSendStream[_T],
        receive: MemoryObjectReceiveStream[_T],
    ) -> None:
        self._fanout = fanout
        self._send = send
        self._receive = receive

    async def receive(self) -> _T:
        """The next event (waits for it).

        Raises:
            anyio.EndOfStream: The stream was closed by the document side.
            anyio.ClosedResourceError: This stream is closed.
        """
        return await self._receive.receive()

    def receive_nowait(self) -> _T:
        """The next buffered event.

        Raises:
            anyio.WouldBlock: No event is buffered.
        """
        return self._receive.receive_nowait()

    def close(self) -> None:
        """Stops the stream and unsubscribes it (idempotent)."""
        self._fanout.remove(self._send)
        self._receive.close()

    async def aclose(self) -> None:
        """``close()``, for ``async`` code."""
        self.close()

    def __aiter__(self) -> EventStream[_T]:
        return self

    async def __anext__(self) -> _T:
        import anyio

        try:
            return await self._receive.receive()
        except (anyio.EndOfStream, anyio.ClosedResourceError):
            raise StopAsyncIteration from None

    def __enter__(self) -> EventStream[_T]:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    async def __aenter__(self) -> EventStream[_T]:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"EventStream(buffered={self._receive.statistics().current_buffer_used})"


class EventFanout:
    """One ``Doc.observe`` subscription feeding every open EventStream of one kind."""

    __slots__ = ("async_transactions", "doc", "streams", "subscription")

    def __init__(self, doc: Doc, async_transactions: bool) -> None:
        self.doc = doc
        self.async_transactions = async_transactions
        self.streams: list[MemoryObjectSendStream[TransactionEvent]] = []
        self.subscription: Subscription | None = None

    def open(self, max_buffer_size: float) -> EventStream[TransactionEvent]:
        require_anyio()
        from anyio import create_memory_object_stream

        send, receive = create_memory_object_stream["TransactionEvent"](
            max_buffer_size=max_buffer_size
        )
        if self.subscription is None:
            self.subscription = self.doc.observe(
                self.send_async if self.async_transactions else self.send
            )
        self.streams.append(send)
        return EventStream(self, send, receive)

    def remove(self, send: MemoryObjectSendStream[Any]) -> None:
        send.close()
        if send in self.streams:
            self.streams.remove(send)
        if not self.streams and self.subscription is not None:
            subscription, self.subscription = self.subscription, None
            self.doc.unobserve(subscription)

    def send(self, event: TransactionEvent) -> None:
        from anyio import BrokenResourceError

        for send in list(self.streams):
            try:
                send.send_nowait(event)  # anyio.WouldBlock when the buffer is full
            except BrokenResourceError:  # the receiving side was dropped without close()
                self.remove(send)

    async def send_async(self, event: TransactionEvent) -> None:
        from anyio import BrokenResourceError, ClosedResourceError

        for send in list(self.streams):
            try:
                await send.send(event)  # back-pressure on the async transaction
            except (BrokenResourceError, ClosedResourceError):
                self.remove(send)


# -- type.events() ---------------------------------------------------------------------


class TypeEventSource:
    """The ``observe`` (or ``observe_deep``) subscription behind one ``type.events()`` stream.

    One subscription per stream: closing the stream unsubscribes it. Items are what the
    callback gets (an event, or with ``deep`` the list of events of one transaction).
    """

    __slots__ = ("deep", "send_stream", "subscription", "target")

    def __init__(self, target: BaseType, deep: bool) -> None:
        self.target = target
        self.deep = deep
        self.send_stream: MemoryObjectSendStream[Any] | None = None
        self.subscription: EventSubscription | None = None

    def open(self, max_buffer_size: float) -> EventStream[Any]:
        require_anyio()
        from anyio import create_memory_object_stream

        send, receive = create_memory_object_stream[Any](max_buffer_size=max_buffer_size)
        observe = self.target.observe_deep if self.deep else self.target.observe
        try:
            self.subscription = observe(self.send)
        except BaseException:
            send.close()
            receive.close()
            raise
        self.send_stream = send
        return EventStream(self, send, receive)

    def remove(self, send: MemoryObjectSendStream[Any]) -> None:
        send.close()
        subscription, self.subscription = self.subscription, None
        if subscription is not None:
            with contextlib.suppress(ValueError):  # the type's subscriptions were dropped
                self.target.unobserve(subscription)

    def send(self, item: Any) -> None:
        from anyio import BrokenResourceError

        if self.send_stream is None:
            return
        for event in item if isinstance(item, list) else (item,):
            event._keep()
        try:
            self.send_stream.send_nowait(item)  # anyio.WouldBlock when the buffer is full
        except BrokenResourceError:  # the receiving side was dropped without close()
            self.remove(self.send_stream)
