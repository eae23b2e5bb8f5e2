"""The y-protocols messages: dataclasses, their exact bytes, and a validating decoder.

Grammar (yjs-format.md §11; y-protocols ``sync.js``, ``awareness.js``, ``auth.js``; outer
types from y-websocket; yrs ``sync/protocol.rs``)::

    message    = varUint(0) sync | varUint(1) varUint8Array(awareness)
               | varUint(2) auth | varUint(3)                     (query awareness)
    sync       = varUint(0) varUint8Array(state vector)           SyncStep1
               | varUint(1) varUint8Array(v1 update)              SyncStep2
               | varUint(2) varUint8Array(v1 update)              Update
    auth       = varUint(0) varString(reason)                     permission denied
               | varUint(1)                                       permission granted (yrs)
    awareness  = varUint(n) n * (varUint(client) varUint(clock) varString(JSON state))
    state vector = varUint(n) n * (varUint(client) varUint(clock))

A frame (one WebSocket message) holds one or more messages back to back; y-websocket's client
reads them all, so ``decode_messages`` does too. Decoding checks everything before returning:
framing, state vectors, awareness JSON and (unless ``check_updates=False``) every update
through the core's decoder, so a frame is either entirely valid or rejected with
``ProtocolError``. Unknown message types are errors (yrs would hand them to a custom handler).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum
from typing import Any, ClassVar

from .. import decode_state_vector, validate_update  # bound before __init__.py imports .sync
from ..errors import DecodeError
from . import _json
from ._errors import ProtocolError
from ._wire import Reader, write_var_bytes, write_var_string, write_var_uint


class YMessageType(IntEnum):
    """The outer message type (defined by y-websocket; pycrdt's name).

    Example:
        >>> YMessageType(1).name
        'AWARENESS'
    """

    SYNC = 0
    AWARENESS = 1
    AUTH = 2
    QUERY_AWARENESS = 3


class YSyncMessageType(IntEnum):
    """The sub-type of a SYNC message (y-protocols ``sync.js``; pycrdt's name).

    Example:
        >>> int(YSyncMessageType.SYNC_UPDATE)
        2
    """

    SYNC_STEP1 = 0
    SYNC_STEP2 = 1
    SYNC_UPDATE = 2


class YAuthMessageType(IntEnum):
    """The sub-type of an AUTH message (y-protocols ``auth.js``; GRANTED only in yrs).

    Example:
        >>> int(YAuthMessageType.PERMISSION_DENIED)
        0
    """

    PERMISSION_DENIED = 0
    PERMISSION_GRANTED = 1


# Message headers (outer type, then the sync or auth sub-type), built from the enums above.
_STEP1 = bytes((YMessageType.SYNC, YSyncMessageType.SYNC_STEP1))
_STEP2 = bytes((YMessageType.SYNC, YSyncMessageType.SYNC_STEP2))
_UPDATE = bytes((YMessageType.SYNC, YSyncMessageType.SYNC_UPDATE))
_AWARENESS = bytes((YMessageType.AWARENESS,))
_QUERY_AWARENESS = bytes((YMessageType.QUERY_AWARENESS,))
_AUTH_DENIED = bytes((YMessageType.AUTH, YAuthMessageType.PERMISSION_DENIED))
_AUTH_GRANTED = bytes((YMessageType.AUTH, YAuthMessageType.PERMISSION_GRANTED))


@dataclass(frozen=True, slots=True)
class SyncStep1:
    """Sync step 1: "here is my state vector, send me what I miss".

    Example:
        >>> SyncStep1(b"\\x01\\x03\\x02").encode()  # client 3 at clock 2
        b'\\x00\\x00\\x03\\x01\\x03\\x02'
    """

    state: bytes
    type: ClassVar[YMessageType] = YMessageType.SYNC

    def encode(self) -> bytes:
        """The message's bytes."""
        return _STEP1 + write_var_bytes(self.state)


@dataclass(frozen=True, slots=True)
class SyncStep2:
    """The answer to a SyncStep1: a v1 update with everything the asker lacks.

    Example:
        >>> SyncStep2(b"\\x00\\x00").encode()
        b'\\x00\\x01\\x02\\x00\\x00'
    """

    update: bytes
    type: ClassVar[YMessageType] = YMessageType.SYNC

    def encode(self) -> bytes:
        """The message's bytes."""
        return _STEP2 + write_var_bytes(self.update)


@dataclass(frozen=True, slots=True)
class Update:
    """A document update (one transaction, usually) pushed after the handshake.

    Example:
        >>> Update(b"\\x00\\x00").encode()
        b'\\x00\\x02\\x02\\x00\\x00'
    """

    update: bytes
    type: ClassVar[YMessageType] = YMessageType.SYNC

    def encode(self) -> bytes:
        """The message's bytes."""
        return _UPDATE + write_var_bytes(self.update)


@dataclass(frozen=True, slots=True)
class AwarenessMessage:
    """An awareness update (see ``decode_awareness_update`` for its entries).

    Example:
        >>> AwarenessMessage(b"\\x01\\x05\\x02\\x04null").encode()
        b'\\x01\\x08\\x01\\x05\\x02\\x04null'
    """

    update: bytes
    type: ClassVar[YMessageType] = YMessageType.AWARENESS

    def encode(self) -> bytes:
        """The message's bytes."""
        return _AWARENESS + write_var_bytes(self.update)


@dataclass(frozen=True, slots=True)
class QueryAwareness:
    """Query awareness: "send me every awareness state you know".

    Example:
        >>> QueryAwareness().encode()
        b'\\x03'
    """

    type: ClassVar[YMessageType] = YMessageType.QUERY_AWARENESS

    def encode(self) -> bytes:
        """The message's bytes."""
        return _QUERY_AWARENESS


@dataclass(frozen=True, slots=True)
class Auth:
    """Permission denied (``reason`` is a str) or granted (``reason`` is None, yrs only).

    Example:
        >>> Auth("read-only").encode()
        b'\\x02\\x00\\tread-only'
    """

    reason: str | None
    type: ClassVar[YMessageType] = YMessageType.AUTH

    def encode(self) -> bytes:
        """The message's bytes."""
        if self.reason is None:
            return _AUTH_GRANTED
        return _AUTH_DENIED + write_var_string(self.reason)


Message = SyncStep1 | SyncStep2 | Update | AwarenessMessage | QueryAwareness | Auth


@dataclass(frozen=True, slots=True)
class AwarenessEntry:
    """One client's entry in an awareness update; ``state`` None means "removed"."""

    client_id: int
    clock: int
    state: Any


def encode_awareness_update(entries: Iterable[tuple[int, int, Any]]) -> bytes:
    """Encodes ``(client_id, clock, state)`` triples as an awareness update.

    States are written as ``JSON.stringify`` writes them (None is ``null``).

    Raises:
        TypeError: A state is not JSON-like.

    Example:
        >>> encode_awareness_update([(5, 2, None)])
        b'\\x01\\x05\\x02\\x04null'
    """
    items = list(entries)
    parts = [write_var_uint(len(items))]
    for client_id, clock, state in items:
        parts.append(write_var_uint(client_id))
        parts.append(write_var_uint(clock))
        parts.append(write_var_string(_json.stringify(state)))
    return b"".join(parts)


def decode_awareness_update(update: bytes) -> list[AwarenessEntry]:
    """Decodes an awareness update (the payload of an AWARENESS message).

    Raises:
        ProtocolError: Truncated, trailing bytes, or a state that is not valid JSON.

    Example:
        >>> decode_awareness_update(b'\\x01\\x05\\x01\\x0b{"a":[1,2]}')
        [AwarenessEntry(client_id=5, clock=1, state={'a': [1, 2]})]
    """
    reader = Reader(update)
    count = reader.read_var_uint()
    if count * 3 > len(update) - reader.pos:  # each entry takes at least 3 bytes
        raise ProtocolError(f"awareness update announces {count} entries in {len(update)} bytes")
    entries = []
    for _ in range(count):
        client_id = reader.read_var_uint()
        clock = reader.read_var_uint()
        entries.append(AwarenessEntry(client_id, clock, _json.parse(reader.read_var_string())))
    reader.expect_end("the awareness update")
    return entries


def check_state_vector(state: bytes) -> None:
    """Raises ProtocolError (chaining the core's DecodeError) unless ``state`` is a v1 state
    vector: ``crdtcore.decode_state_vector``, the decoding ``Doc.get_update(state)`` does. As
    in Yjs's ``decodeStateVector``, bytes after the last entry are ignored.

    Example:
        >>> check_state_vector(b"\\x01\\x03\\x02")
        >>> check_state_vector(b"\\x01\\x03")
        Traceback (most recent call last):
        ...
        crdtcore.sync._errors.ProtocolError: malformed state vector: count larger than the remaining input
    """
    try:
        decode_state_vector(state)
    except DecodeError as exc:
        raise ProtocolError(str(exc)) from exc  # "malformed state vector: ..."


def check_update_payload(update: bytes) -> None:
    """Raises ProtocolError (chaining the core's DecodeError) unless the payload of a
    SyncStep2 or Update message is a valid v1 update: ``crdtcore.validate_update``, the same
    check ``Doc.apply_update`` makes before it changes anything.

    Example:
        >>> check_update_payload(b"\\x00\\x00")
        >>> check_update_payload(b"\\x01")
        Traceback (most recent call last):
        ...
        crdtcore.sync._errors.ProtocolError: malformed update: count larger than the remaining input
    """
    try:
        validate_update(update)
    except DecodeError as exc:
        raise ProtocolError(str(exc)) from exc  # "malformed update: ..."


def decode_message(data: bytes, *, check_updates: bool = True) -> Message:
    """Decodes exactly one message.

    Args:
        data: The message's bytes.
        check_updates: Also validate the v1 updates of SyncStep2/Update messages.

    Raises:
        ProtocolError: Malformed, truncated, unknown or followed by extra bytes.

    Example:
        >>> decode_message(b"\\x00\\x00\\x01\\x00")
        SyncStep1(state=b'\\x00')
    """
    reader = Reader(bytes(data))
    message = _read_message(reader, check_updates)
    reader.expect_end("the message")
    return message


def decode_messages(frame: bytes, *, check_updates: bool = True) -> list[Message]:
    """Decodes a frame of one or more concatenated messages, validating all of them.

    Raises:
        ProtocolError: The frame is empty, or any message in it is malformed, truncated or
            unknown; then no message is returned.

    Example:
        >>> decode_messages(b"\\x03\\x02\\x00\\x02no")
        [QueryAwareness(), Auth(reason='no')]
    """
    reader = Reader(bytes(frame))
    if reader.at_end:
        raise ProtocolError("empty frame")
    messages = []
    while not reader.at_end:
        messages.append(_read_message(reader, check_updates))
    return messages


def _read_message(reader: Reader, check_updates: bool) -> Message:
    start = reader.pos
    kind = reader.read_var_uint()
    if kind == YMessageType.SYNC:
        sub = reader.read_var_uint()
        payload = reader.read_var_bytes()
        if sub == YSyncMessageType.SYNC_STEP1:
            check_state_vector(payload)
            return SyncStep1(payload)
        if sub not in (YSyncMessageType.SYNC_STEP2, YSyncMessageType.SYNC_UPDATE):
            raise ProtocolError(f"unknown sync message type {sub} at offset {start}")
        if check_updates:
            check_update_payload(payload)
        return SyncStep2(payload) if sub == YSyncMessageType.SYNC_STEP2 else Update(payload)
    if kind == YMessageType.AWARENESS:
        payload = reader.read_var_bytes()
        decode_awareness_update(payload)
        return AwarenessMessage(payload)
    if kind == YMessageType.AUTH:
        sub = reader.read_var_uint()
        if sub == YAuthMessageType.PERMISSION_DENIED:
            return Auth(reader.read_var_string())
        if sub == YAuthMessageType.PERMISSION_GRANTED:
            return Auth(None)
        raise ProtocolError(f"unknown auth message type {sub} at offset {start}")
    if kind == YMessageType.QUERY_AWARENESS:
        return QueryAwareness()
    raise ProtocolError(f"unknown message type {kind} at offset {start}")
