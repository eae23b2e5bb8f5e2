"""Exceptions of the sync protocol.

The tree (crdtcore's own classes; see ``crdtcore.errors``)::

    CrdtcoreError
    ├── DecodeError (ValueError)
    │   └── ProtocolError           malformed, truncated or unknown y-protocols message;
    │                               nothing of the offending frame was applied
    └── ProtocolClosedError         (also a RuntimeError) a SyncProtocol used after close()
"""

from __future__ import annotations

from ..errors import CrdtcoreError, DecodeError


class ProtocolError(DecodeError):
    """Malformed, truncated or unknown y-protocols message; the document is unchanged.

    Also raised for a malformed update inside a well-formed message (the core's
    ``DecodeError`` is chained as ``__cause__``) and for awareness states that are not
    valid JSON.

    Example:
        >>> from crdtcore.sync import decode_message
        >>> try:
        ...     decode_message(b"\\x00\\x00\\x05")
        ... except ProtocolError as exc:
        ...     print(exc)
        truncated message: 5 bytes announced at offset 3, 0 left
    """


class ProtocolClosedError(CrdtcoreError, RuntimeError):
    """A SyncProtocol was used after ``close()``.

    Example:
        >>> from crdtcore import Doc
        >>> from crdtcore.sync import SyncProtocol
        >>> protocol = SyncProtocol(Doc())
        >>> protocol.close()
        >>> try:
        ...     protocol.start()
        ... except ProtocolClosedError:
        ...     print("closed")
        closed
    """
