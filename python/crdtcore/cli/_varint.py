"""A strict lib0 reader (varuints, length-prefixed byte strings) for the commands.

Strict means the caller can tell where the input ends: ``inspect`` uses it to accept a
state vector only when the bytes are exactly one, and ``migrate`` to read pycrdt-store's
FileYStore records (each a varuint length and that many bytes).
"""

from __future__ import annotations


class ShortInput(ValueError):
    """The input ended inside a value, or a value is out of range."""


class VarReader:
    """Reads lib0 values from ``data``, front to back.

    Example:
        >>> r = VarReader(b"\\x02\\xac\\x02\\x03abc")
        >>> r.uint(), r.uint(), r.var_bytes(), r.at_end()
        (2, 300, b'abc', True)
    """

    __slots__ = ("data", "pos")

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def at_end(self) -> bool:
        """Whether every byte was read."""
        return self.pos >= len(self.data)

    def remaining(self) -> int:
        """How many bytes are left."""
        return len(self.data) - self.pos

    def uint(self) -> int:
        """A varuint (7 bits a byte, least significant first; at most 64 bits).

        Raises:
            ShortInput: The input ends inside it, or it is longer than 64 bits.
        """
        n = shift = 0
        while True:
            if self.pos >= len(self.data):
                raise ShortInput(f"input ends inside a number at byte {self.pos}")
            b = self.data[self.pos]
            self.pos += 1
            n |= (b & 0x7F) << shift
            if b < 0x80:
                return n
            shift += 7
            if shift > 63:
                raise ShortInput(f"number longer than 64 bits at byte {self.pos}")

    def var_bytes(self) -> bytes:
        """A varuint length and that many bytes.

        Raises:
            ShortInput: Fewer bytes are left than the length says.
        """
        start = self.pos
        n = self.uint()
        if n > self.remaining():
            raise ShortInput(
                f"a {n}-byte record at byte {start} runs past the end ({self.remaining()} left)"
            )
        self.pos += n
        return self.data[self.pos - n : self.pos]
