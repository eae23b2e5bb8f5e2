"""pycrdt's sync helpers (pycrdt ``_sync.py``), same names and signatures.

They build and read single messages for code that does its own framing; ``SyncProtocol`` is
the higher-level alternative. Unlike pycrdt, malformed input raises ``ProtocolError`` (leaving
the document unchanged) and strings are measured in UTF-8 bytes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import DecodeError
from ._errors import ProtocolError
from ._messages import (
    AwarenessMessage,
    SyncStep1,
    SyncStep2,
    Update,
    YMessageType,
    YSyncMessageType,
    check_state_vector,
)
from ._wire import Reader, write_var_bytes, write_var_uint

if TYPE_CHECKING:
    from .. import Doc


def write_message(stream: bytes) -> bytes:
    """Prefixes ``stream`` with its length (a lib0 varUint8Array).

    Example:
        >>> write_message(b"abc")
        b'\\x03abc'
    """
    return write_var_bytes(stream)


def read_message(stream: bytes) -> bytes:
    """Reads the length-prefixed payload at the start of ``stream`` (bytes after it are ignored).

    Raises:
        ProtocolError: ``stream`` is truncated.

    Example:
        >>> read_message(b"\\x02ab\\xff")
        b'ab'
    """
    return Reader(bytes(stream)).read_var_bytes()


def create_message(data: bytes, msg_type: int) -> bytes:
    """A SYNC message of sub-type ``msg_type`` (a YSyncMessageType) carrying ``data``.

    Example:
        >>> create_message(b"\\x00", YSyncMessageType.SYNC_STEP1)
        b'\\x00\\x00\\x01\\x00'
    """
    return bytes((YMessageType.SYNC,)) + write_var_uint(int(msg_type)) + write_var_bytes(data)


def create_sync_step1_message(data: bytes) -> bytes:
    """A SyncStep1 message carrying the state vector ``data``.

    Example:
        >>> create_sync_step1_message(b"\\x00")
        b'\\x00\\x00\\x01\\x00'
    """
    return SyncStep1(bytes(data)).encode()


def create_sync_step2_message(data: bytes) -> bytes:
    """A SyncStep2 message carrying the update ``data``.

    Example:
        >>> create_sync_step2_message(b"\\x00\\x00")
        b'\\x00\\x01\\x02\\x00\\x00'
    """
    return SyncStep2(bytes(data)).encode()


def create_update_message(data: bytes) -> bytes:
    """An Update message carrying the v1 update ``data``.

    Example:
        >>> create_update_message(b"\\x00\\x00")
        b'\\x00\\x02\\x02\\x00\\x00'
    """
    return Update(bytes(data)).encode()


def create_awareness_message(data: bytes) -> bytes:
    """An AWARENESS message carrying the awareness update ``data``.

    Example:
        >>> create_awareness_message(b"\\x00")
        b'\\x01\\x01\\x00'
    """
    return AwarenessMessage(bytes(data)).encode()


def create_sync_message(ydoc: Doc) -> bytes:
    """The SyncStep1 message of ``ydoc`` (its state vector).

    Example:
        >>> from crdtcore import Doc
        >>> create_sync_message(Doc())
        b'\\x00\\x00\\x01\\x00'
    """
    return SyncStep1(ydoc.get_state()).encode()


def handle_sync_message(message: bytes, ydoc: Doc, origin: Any = None) -> bytes | None:
    """Processes a SYNC message body (the bytes after the outer type) on ``ydoc``.

    Args:
        message: The sync sub-type followed by its payload, as in pycrdt.
        ydoc: The document.
        origin: Transaction origin for applied updates (a crdtcore extension).

    Returns:
        The SyncStep2 reply message for a SyncStep1, else None.

    Raises:
        ProtocolError: Malformed, truncated or unknown; ``ydoc`` is unchanged.

    Example:
        >>> from crdtcore import Doc, Text
        >>> source, replica = Doc({"t": Text("hi")}), Doc()
        >>> reply = handle_sync_message(create_sync_message(replica)[1:], source)
        >>> handle_sync_message(reply[1:], replica) is None, str(replica["t"])
        (True, 'hi')
    """
    reader = Reader(bytes(message))
    sub = reader.read_var_uint()
    payload = reader.read_var_bytes()
    reader.expect_end("the sync message")
    if sub == YSyncMessageType.SYNC_STEP1:
        check_state_vector(payload)
        return SyncStep2(ydoc.get_update(payload)).encode()
    if sub not in (YSyncMessageType.SYNC_STEP2, YSyncMessageType.SYNC_UPDATE):
        raise ProtocolError(f"unknown sync message type {sub}")
    try:
        with ydoc.transaction(origin=origin):
            ydoc.apply_update(payload)
    except DecodeError as exc:
        raise ProtocolError(f"malformed update: {exc}") from exc
    return None
