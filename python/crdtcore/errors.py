"""Exceptions raised by crdtcore.

crdtcore's own classes::

    Exception
    └── CrdtcoreError           base of crdtcore's own exception classes
        ├── DecodeError         also a ValueError: malformed update or state-vector bytes;
        │   │                   the document is left exactly as it was
        │   └── ProtocolError   (crdtcore.sync) malformed, truncated or unknown y-protocols
        │                       message; nothing of the offending frame was applied
        ├── ProtocolClosedError (crdtcore.sync) also a RuntimeError: a SyncProtocol used
        │                       after close()
        └── StoreError          (crdtcore.store) an update store cannot do what was asked
            ├── StoreCorruptError   damaged records before a log's tail, not a database
            ├── StoreLockedError    another process holds the store
            └── StoreClosedError    also a RuntimeError: the store was closed

crdtcore.asyncio adds ``ChannelClosed`` (a ``ConnectionError``: the channel to the peer
ended) and ``PermissionDeniedError`` (a ``PermissionError``: the server refused the
connection with the y-protocols permission-denied message).

Everything else is a built-in exception, raised where Python containers raise it:

* ``TypeError``: a value that cannot be stored (``set()``, ``object()``, a dict with
  non-str keys, an int beyond 64 bits), a non-str Map key or root name, an
  unhashable transaction origin, a root used with another type.
* ``IndexError``: an index outside a Text or an Array.
* ``KeyError``: a missing Map key or root name.
* ``ValueError``: a ``client_id`` beyond 53 bits, a shared type inserted twice, a
  value nested deeper than 512 levels (a cyclic list).
* ``RuntimeError``: misuse of transactions (a nested transaction with another
  origin) and editing a shared type that is not integrated into a document yet.

The native core raises DecodeError, IndexError, RuntimeError and TypeError for its
C++ exceptions ``crdtcore::DecodeError``, ``OutOfRange``, ``InvalidState`` and
``TypeMismatch``. Exceptions raised by ``Doc.observe`` callbacks propagate unchanged,
after the transaction has committed.
"""

from __future__ import annotations

from . import _core


class CrdtcoreError(Exception):
    """Base class of the exceptions defined by crdtcore.

    Example:
        >>> issubclass(DecodeError, CrdtcoreError)
        True
    """


class DecodeError(CrdtcoreError, ValueError):
    """Malformed update or state-vector bytes; the document was not changed.

    Example:
        >>> try:
        ...     Doc().apply_update(b"garbage")
        ... except DecodeError:
        ...     print("rejected")
        rejected
    """


_core._set_decode_error(DecodeError)
