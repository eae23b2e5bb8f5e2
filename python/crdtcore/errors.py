"""Exceptions raised by crdtcore.

crdtcore's own classes::

    Exception
    └── CrdtcoreError           base of crdtcore's own exception classes
        ├── ArgumentTypeError   also a TypeError and a ValueError: a Doc() argument of the
        │                       wrong type (client_id, guid, skip_gc; pycrdt: ValueError)
        ├── KeyTypeError        also a TypeError and a RuntimeError: a Map key or root name
        │                       that is not a str (pycrdt raises RuntimeError there)
        ├── IndexTypeError      also a TypeError and a RuntimeError: an Array index (or a
        │                       crdtcore.pycrdt Text index) that is neither an int nor a
        │                       slice (pycrdt: RuntimeError)
        ├── SliceStepError      also a ValueError and a RuntimeError: a Text slice with a
        │                       step (pycrdt: RuntimeError)
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
  non-str keys, an int beyond 64 bits), an unhashable transaction origin, a root used
  with another type; a non-str Map key or root name raises ``KeyTypeError`` (a
  ``TypeError``).

Where pycrdt raises another built-in type than crdtcore for the same mistake, crdtcore's
class derives from both (``ArgumentTypeError``, ``KeyTypeError``, ``IndexTypeError``,
``SliceStepError``), so
``except`` clauses written for either library catch it.
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


class ArgumentTypeError(CrdtcoreError, TypeError, ValueError):
    """A ``Doc()`` argument of the wrong type: ``client_id``, ``guid`` or ``skip_gc``.

    Also a ``ValueError``, the type pycrdt raises for it ("client_id must be ...").

    Example:
        >>> try:
        ...     Doc(guid=1)
        ... except ValueError as error:  # pycrdt's type; TypeError catches it too
        ...     print(error)
        guid must be a str, not 'int'
    """


class KeyTypeError(CrdtcoreError, TypeError, RuntimeError):
    """A Map key or a root name that is not a ``str``.

    Also a ``RuntimeError``, the type pycrdt raises for it ("Key must be of type string").

    Example:
        >>> try:
        ...     Doc()[1] = Text()
        ... except RuntimeError as error:  # pycrdt's type; TypeError catches it too
        ...     print(error)
        root names must be str, not 'int'
    """


class IndexTypeError(CrdtcoreError, TypeError, RuntimeError):
    """An Array index (or a crdtcore.pycrdt Text index) that is neither an ``int`` nor a slice.

    Also a ``RuntimeError``, the type pycrdt raises for it ("Index must be of type integer").

    Example:
        >>> issubclass(IndexTypeError, TypeError) and issubclass(IndexTypeError, RuntimeError)
        True
    """


class SliceStepError(CrdtcoreError, ValueError, RuntimeError):
    """A Text slice with a step (``del text[::2]``): text ranges are contiguous.

    Also a ``RuntimeError``, the type pycrdt raises for it ("Step not supported").

    Example:
        >>> issubclass(SliceStepError, ValueError) and issubclass(SliceStepError, RuntimeError)
        True
    """


_core._set_decode_error(DecodeError)
