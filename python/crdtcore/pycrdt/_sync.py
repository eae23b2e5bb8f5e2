"""pycrdt's y-protocols helpers: crdtcore.sync's functions plus pycrdt's Encoder/Decoder.

The message helpers (``create_sync_message``, ``handle_sync_message``, ...) are
crdtcore.sync's, which already follow pycrdt's names and signatures. ``Encoder`` and
``Decoder`` are pycrdt's lib0 stream helpers (pycrdt-store's FileYStore reads its file with
``Decoder``), here bounds-checked: reading past the end raises ``ProtocolError`` (a
``ValueError``) where pycrdt raises ``RuntimeError`` or ``IndexError``.
"""

from __future__ import annotations

from collections.abc import Iterator

from crdtcore.sync import ProtocolError, decode_awareness_update, read_message, write_var_uint


class Encoder:
    """Writes lib0 varUints and varStrings into a byte stream (pycrdt's ``Encoder``).

    Example:
        >>> encoder = Encoder()
        >>> encoder.write_var_uint(1)
        >>> encoder.write_var_string("é")
        >>> encoder.to_bytes()
        b'\\x01\\x02\\xc3\\xa9'
    """

    def __init__(self) -> None:
        self.stream: list[bytes] = []

    def write_var_uint(self, num: int) -> None:
        """Appends ``num`` as a varUint.

        Raises:
            ValueError: ``num`` is negative or above 2**53 - 1.
        """
        self.stream.append(write_var_uint(num))

    def write_var_string(self, text: str) -> None:
        """Appends ``text`` as a varString: its UTF-8 byte length, then the bytes.

        (pycrdt writes the length in code points, which breaks non-ASCII strings.)
        """
        data = text.encode()
        self.stream.append(write_var_uint(len(data)))
        self.stream.append(data)

    def to_bytes(self) -> bytes:
        """The stream written so far."""
        return b"".join(self.stream)


class Decoder:
    """Reads lib0 varUints and length-prefixed messages from a byte stream (pycrdt's ``Decoder``).

    Args:
        stream: The bytes to read.

    Example:
        >>> list(Decoder(b"\\x02hi\\x00\\x01!").read_messages())
        [b'hi', b'', b'!']
    """

    def __init__(self, stream: bytes) -> None:
        self.stream = bytes(stream)
        self.i0 = 0

    @property
    def length(self) -> int:
        """How many bytes are left to read."""
        return len(self.stream) - self.i0

    def read_var_uint(self) -> int:
        """Reads one varUint.

        Raises:
            ProtocolError: The stream ends inside (or before) the number.
        """
        stream, pos = self.stream, self.i0
        value = shift = 0
        while True:
            if pos >= len(stream):
                raise ProtocolError(f"varUint truncated at offset {self.i0}")
            byte = stream[pos]
            pos += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if byte < 0x80:
                break
            if shift > 63:
                raise ProtocolError(f"varUint longer than 9 bytes at offset {self.i0}")
        self.i0 = pos
        return value

    def read_message(self) -> bytes | None:
        """Reads one length-prefixed message; None at the end of the stream.

        Raises:
            ProtocolError: The message is longer than what is left.
        """
        if self.i0 >= len(self.stream):
            return None
        length = self.read_var_uint()
        end = self.i0 + length
        if end > len(self.stream):
            raise ProtocolError(
                f"message of {length} bytes at offset {self.i0} but {self.length} left"
            )
        message = self.stream[self.i0 : end]
        self.i0 = end
        return message

    def read_messages(self) -> Iterator[bytes]:
        """Yields the messages until the end of the stream."""
        while (message := self.read_message()) is not None:
            yield message

    def read_var_string(self) -> str:
        """Reads one message as a UTF-8 string ("" at the end of the stream).

        Raises:
            UnicodeDecodeError: The message is not valid UTF-8.
        """
        message = self.read_message()
        return "" if message is None else message.decode("utf-8")


def is_awareness_disconnect_message(message: bytes) -> bool:
    """Whether an AWARENESS message body announces that its one client left (a null state).

    Args:
        message: The message after its type byte (``message[1:]``).

    Raises:
        ProtocolError: The message is malformed.

    Example:
        >>> from crdtcore.sync import encode_awareness_update, write_message
        >>> is_awareness_disconnect_message(write_message(encode_awareness_update([(7, 3, None)])))
        True
    """
    entries = decode_awareness_update(read_message(message))
    return len(entries) == 1 and entries[0].state is None
