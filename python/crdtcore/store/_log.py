"""The record format of FileStore's per-room logs (after leveldb ``doc/log_format.md``).

A log file is a header followed by records; all integers are little-endian::

    header := magic "CRDTLOG1" | u16 name_length | name (UTF-8 room name) | u32 crc32(all before)
    record := u32 length | u32 crc32(payload) | u32 crc32(the 8 bytes before) | payload

The header is written once, atomically (temp file + rename), so it is never torn. A record is
written with one append; the separate checksum of its length field tells a torn record (a
valid length pointing past the end of the file) from a damaged one.

How ``scan()`` classifies a record that fails its checks, at offset ``pos``:

* **torn tail** (dropped, the valid prefix kept): fewer than 12 bytes left; a valid length
  pointing past the end of the file; nothing but zero bytes from ``pos`` to the end; or a bad
  payload checksum on a record followed by nothing but zero bytes (or by nothing). A SIGKILL
  mid-append can only leave the first two; a power loss without fsync can also leave the
  last two (the file size grew, the data blocks were never written).
* **corruption** (everything else): a bad length checksum followed by non-zero bytes, or a
  bad payload checksum followed by more data. Dropping it would silently lose the records
  after it, so the caller decides (FileStore raises StoreCorruptError by default). A flipped
  byte in the payload of the *last* record is indistinguishable from a torn tail and is
  dropped as one.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field

MAGIC = b"CRDTLOG1"
_NAME_LENGTH = struct.Struct("<H")
_CRC = struct.Struct("<I")
_RECORD = struct.Struct("<III")
RECORD_HEADER_SIZE = _RECORD.size
MAX_RECORD_SIZE = 0xFFFFFFFF


class LogFormatError(Exception):
    """A header that is not a crdtcore log header (the caller wraps it in StoreCorruptError)."""


def encode_header(room: str) -> bytes:
    """The header of the log file of ``room``.

    Example:
        >>> header = encode_header("r")
        >>> header[:8], decode_header(header + b"rest")
        (b'CRDTLOG1', ('r', 15))
    """
    name = room.encode("utf-8")
    body = MAGIC + _NAME_LENGTH.pack(len(name)) + name
    return body + _CRC.pack(zlib.crc32(body))


def decode_header(data: bytes) -> tuple[str, int]:
    """Reads a log header at the start of ``data``.

    Returns:
        The room name and the offset of the first record.

    Raises:
        LogFormatError: Wrong magic, a short header, a bad checksum or a bad name.
    """
    if data[: len(MAGIC)] != MAGIC:
        raise LogFormatError("not a crdtcore log (bad magic)")
    start = len(MAGIC) + _NAME_LENGTH.size
    if len(data) < start:
        raise LogFormatError("truncated log header")
    (length,) = _NAME_LENGTH.unpack_from(data, len(MAGIC))
    end = start + length + _CRC.size
    if len(data) < end:
        raise LogFormatError("truncated log header")
    if _CRC.unpack_from(data, end - _CRC.size)[0] != zlib.crc32(data[: end - _CRC.size]):
        raise LogFormatError("log header checksum mismatch")
    try:
        return data[start : start + length].decode("utf-8"), end
    except UnicodeDecodeError:
        raise LogFormatError("log header holds a room name that is not UTF-8") from None


def encode_record(payload: bytes) -> bytes:
    """One record holding ``payload``.

    Raises:
        ValueError: ``payload`` is 4 GiB or longer.

    Example:
        >>> record = encode_record(b"abc")
        >>> len(record), scan(record, 0).records
        (15, [b'abc'])
    """
    if len(payload) > MAX_RECORD_SIZE:
        raise ValueError(f"a record holds at most {MAX_RECORD_SIZE} bytes, not {len(payload)}")
    length = len(payload).to_bytes(4, "little")
    head = length + _CRC.pack(zlib.crc32(payload))
    return head + _CRC.pack(zlib.crc32(head)) + payload


@dataclass
class Scan:
    """What ``scan()`` found.

    Attributes:
        records: The payloads of the valid records before the first bad one.
        end: The offset just past the last valid record.
        torn: Why the bytes from ``end`` on are a torn tail ('' if there are none or they
            are corrupt).
        corrupt: Why the record at ``end`` is corrupt ('' if it is not).
    """

    records: list[bytes] = field(default_factory=list)
    end: int = 0
    torn: str = ""
    corrupt: str = ""


def scan(data: bytes, start: int) -> Scan:
    """Reads the records of ``data`` from offset ``start`` up to the first bad one.

    Example:
        >>> log = encode_record(b"a") + encode_record(b"b")
        >>> found = scan(log[:-1], 0)  # the second record lost its last byte
        >>> found.records, found.end, found.torn
        ([b'a'], 13, 'record at offset 13 ends 1 bytes past the end of the file')
    """
    result = Scan(end=start)
    size, pos = len(data), start
    while pos < size:
        if size - pos < RECORD_HEADER_SIZE:
            result.torn = f"{size - pos} bytes at offset {pos} are a partial record header"
            break
        length, payload_crc, head_crc = _RECORD.unpack_from(data, pos)
        end = pos + RECORD_HEADER_SIZE + length
        if head_crc != zlib.crc32(data[pos : pos + 8]):
            if _zeros_from(data, pos):
                result.torn = f"{size - pos} zero bytes at offset {pos}"
            else:
                result.corrupt = f"record at offset {pos}: length checksum mismatch"
            break
        if end > size:
            result.torn = f"record at offset {pos} ends {end - size} bytes past the end of the file"
            break
        payload = data[pos + RECORD_HEADER_SIZE : end]
        if payload_crc != zlib.crc32(payload):
            if _zeros_from(data, end):
                result.torn = f"last record at offset {pos}: payload checksum mismatch"
            else:
                result.corrupt = f"record at offset {pos}: payload checksum mismatch"
            break
        result.records.append(payload)
        pos = result.end = end
    return result


def _zeros_from(data: bytes, pos: int) -> bool:
    """Whether every byte of ``data`` from ``pos`` on is zero (true at the end)."""
    return data.count(0, pos) == len(data) - pos
