"""lib0 framing used by y-protocols: varUint, varUint8Array and varString.

Port of the parts of lib0 ``encoding.js``/``decoding.js`` that y-protocols messages use
(yjs-format.md §1.1 and §1.3). A varUint is little-endian base 128, at most 2**53 - 1
(lib0 rejects larger values); a varUint8Array is ``varUint(len) • bytes``; a varString is the
varUint8Array of the string's UTF-8 bytes.

Strings follow lib0 (npm lib0 0.2.120): writing replaces lone surrogates with U+FFFD, as
``TextEncoder`` does; reading rejects invalid UTF-8 (lib0's ``TextDecoder`` is ``fatal``) and
keeps a leading BOM.

Every read is bounds-checked and fails with ``ProtocolError`` naming the offset.
"""

from __future__ import annotations

import re

from ._errors import ProtocolError

MAX_VAR_UINT = 2**53 - 1
"""The largest varUint lib0 reads (``Number.MAX_SAFE_INTEGER``)."""

_SURROGATE = re.compile("[\ud800-\udfff]")


def write_var_uint(num: int) -> bytes:
    """Encodes a varUint (pycrdt's name).

    Args:
        num: An integer in ``[0, 2**53 - 1]``.

    Returns:
        1 to 8 bytes, 7 bits each, least significant first.

    Raises:
        TypeError: ``num`` is not an int (bools are refused).
        ValueError: ``num`` is negative or above ``MAX_VAR_UINT``.

    Example:
        >>> write_var_uint(300)
        b'\\xac\\x02'
    """
    if isinstance(num, bool) or not isinstance(num, int):
        raise TypeError(f"a varUint must be an int, not '{type(num).__name__}'")
    if num < 0 or num > MAX_VAR_UINT:
        raise ValueError(f"a varUint must be in [0, 2**53 - 1], not {num}")
    if num < 0x80:
        return bytes((num,))
    out = bytearray()
    while num > 0x7F:
        out.append(0x80 | (num & 0x7F))
        num >>= 7
    out.append(num)
    return bytes(out)


def write_var_bytes(data: bytes) -> bytes:
    """Encodes a varUint8Array: the length, then the bytes.

    Example:
        >>> write_var_bytes(b"ab")
        b'\\x02ab'
    """
    return write_var_uint(len(data)) + bytes(data)


def encode_utf8(text: str) -> bytes:
    """UTF-8 bytes of ``text`` as JavaScript's ``TextEncoder`` makes them.

    A Python str can hold surrogate code points (from JSON ``\\ud83d`` escapes, say): a
    high/low pair becomes the character it encodes and a lone surrogate becomes U+FFFD.

    Example:
        >>> encode_utf8("a\\ud83db")
        b'a\\xef\\xbf\\xbdb'
    """
    if _SURROGATE.search(text) is not None:
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return text.encode("utf-8")


def write_var_string(text: str) -> bytes:
    """Encodes a varString: the UTF-8 byte length, then the UTF-8 bytes.

    Example:
        >>> write_var_string("é")
        b'\\x02\\xc3\\xa9'
    """
    return write_var_bytes(encode_utf8(text))


class Reader:
    """A bounds-checked cursor over bytes (lib0 ``Decoder``).

    Args:
        data: The bytes to read.
        pos: Where to start.

    Example:
        >>> reader = Reader(b"\\x02ab\\x05")
        >>> reader.read_var_bytes(), reader.read_var_uint(), reader.at_end
        (b'ab', 5, True)
    """

    __slots__ = ("data", "pos")

    def __init__(self, data: bytes, pos: int = 0) -> None:
        self.data = data
        self.pos = pos

    @property
    def at_end(self) -> bool:
        """Whether every byte was read."""
        return self.pos >= len(self.data)

    def read_var_uint(self) -> int:
        """Reads a varUint.

        Raises:
            ProtocolError: The input ends inside the number or it exceeds 2**53 - 1.
        """
        data, start = self.data, self.pos
        if start < len(data) and data[start] < 0x80:  # the common one-byte case
            self.pos = start + 1
            return data[start]
        num, shift, pos = 0, 0, start
        while pos < len(data):
            byte = data[pos]
            pos += 1
            num |= (byte & 0x7F) << shift
            shift += 7
            if num > MAX_VAR_UINT:
                raise ProtocolError(f"varUint at offset {start} exceeds 2**53 - 1")
            if byte < 0x80:
                self.pos = pos
                return num
        raise ProtocolError(f"truncated message: varUint at offset {start} runs past the end")

    def read_var_bytes(self) -> bytes:
        """Reads a varUint8Array.

        Raises:
            ProtocolError: The input ends before the announced length.
        """
        size = self.read_var_uint()
        start = self.pos
        left = len(self.data) - start
        if size > left:
            raise ProtocolError(
                f"truncated message: {size} bytes announced at offset {start}, {left} left"
            )
        self.pos = start + size
        return bytes(self.data[start : self.pos])

    def read_var_string(self) -> str:
        """Reads a varString.

        Raises:
            ProtocolError: Truncated input or invalid UTF-8.
        """
        start = self.pos
        raw = self.read_var_bytes()
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ProtocolError(f"invalid UTF-8 in the string at offset {start}") from None

    def expect_end(self, what: str) -> None:
        """Raises ProtocolError when bytes are left after ``what``."""
        if self.pos < len(self.data):
            extra = len(self.data) - self.pos
            raise ProtocolError(f"{extra} unexpected bytes after {what} at offset {self.pos}")
