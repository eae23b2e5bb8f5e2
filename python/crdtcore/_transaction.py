"""Transactions (context managers over the native begin/commit pair) and their events.

Yjs groups changes into transactions: observers run and one update is emitted per
committed transaction. ``with doc.transaction():`` opens one; nested blocks reuse
the outer transaction, which commits when the outermost block exits. Calls made
outside any block run in a transaction of their own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import _core


class Transaction(_core.TransactionBase):
    """A transaction on a Doc; use it through ``Doc.transaction()``.

    Entering the outermost block opens the transaction and exiting it commits, also
    when the block raised (Yjs has no rollback). Observers run during the commit and
    see this object as ``event.transaction``; edits they make start transactions of
    their own. ``__enter__``/``__exit__`` are native (cpp/bindings/fast_calls.cpp).

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

    __slots__ = ()

    def __repr__(self) -> str:
        return f"Transaction(origin={self.origin!r})"


class TransactionEvent:
    """What one committed transaction changed; passed to ``Doc.observe`` callbacks.

    Attributes:
        transaction: The committed Transaction (its ``origin`` tells who made it).

    Example:
        >>> doc, events = Doc(), []
        >>> sub = doc.observe(events.append)
        >>> doc["t"] = Text("hi")
        >>> Doc().apply_update(events[0].update)
    """

    __slots__ = ("_result", "transaction")

    def __init__(self, result: _core.TransactionResult, transaction: Transaction) -> None:
        self._result = result
        self.transaction = transaction

    @property
    def update(self) -> bytes:
        """The v1 update holding exactly this transaction's changes (Yjs 'update').

        Example:
            >>> doc, events = Doc(), []
            >>> sub = doc.observe(events.append)
            >>> doc["t"] = Text("x")
            >>> replica = Doc()
            >>> replica.apply_update(events[0].update)
            >>> str(replica["t"])
            'x'
        """
        return self._result.update

    @property
    def before_state(self) -> bytes:
        """The encoded state vector before the transaction.

        Example:
            >>> doc, events = Doc(client_id=1), []
            >>> sub = doc.observe(events.append)
            >>> doc["t"] = Text("x")
            >>> events[0].before_state
            b'\\x00'
        """
        return self._result.before_state

    @property
    def after_state(self) -> bytes:
        """The encoded state vector after the transaction.

        Example:
            >>> doc, events = Doc(client_id=1), []
            >>> sub = doc.observe(events.append)
            >>> doc["t"] = Text("x")
            >>> events[0].after_state == doc.get_state()
            True
        """
        return self._result.after_state

    @property
    def delete_set(self) -> bytes:
        """The encoded (v1) delete set of what the transaction deleted.

        Example:
            >>> doc = Doc({"t": Text("ab")}, client_id=1)
            >>> events = []
            >>> sub = doc.observe(events.append)
            >>> del doc["t"][0]
            >>> events[0].delete_set  # client 1: one range at clock 0, length 1
            b'\\x01\\x01\\x01\\x00\\x01'
        """
        return self._result.delete_set

    def __repr__(self) -> str:
        return (
            f"TransactionEvent(origin={self.transaction.origin!r}, update={len(self.update)} bytes)"
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
