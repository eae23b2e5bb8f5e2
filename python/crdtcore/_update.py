"""Operations on update bytes that need no document (Yjs ``utils/updates.js``), and the
core's decoders of state vectors, delete sets and updates as plain Python data.

Each is a pure function of its input bytes: from 16 KiB of input on, the native work runs
without the GIL, so other threads keep running meanwhile (a bytes argument is read in
place, any other buffer is copied first; see ``Doc``'s paragraph on threads)."""

from __future__ import annotations

from . import _core


def merge_updates(*updates: bytes) -> bytes:
    """Merges v1 updates into one (Yjs ``mergeUpdates``).

    Args:
        *updates: v1 updates, in any order.

    Returns:
        One v1 update with the content of all of them (``b"\\x00\\x00"`` for none).

    Raises:
        DecodeError: An update is malformed.

    Example:
        >>> a, b = Doc({"t": Text("a")}), Doc({"m": Map({"k": 1})})
        >>> doc = Doc()
        >>> doc.apply_update(merge_updates(a.get_update(), b.get_update()))
        >>> sorted(doc.keys())
        ['m', 't']
    """
    return _core.merge_updates(updates)


def get_state(update: bytes) -> bytes:
    """The state vector of an update (Yjs ``encodeStateVectorFromUpdate``).

    Raises:
        DecodeError: ``update`` is malformed.

    Example:
        >>> doc = Doc({"t": Text("a")})
        >>> get_state(doc.get_update()) == doc.get_state()
        True
    """
    return _core.encode_state_vector_from_update(update)


def get_update(update: bytes, state: bytes) -> bytes:
    """The part of ``update`` that a peer with state vector ``state`` lacks (Yjs ``diffUpdate``).

    Raises:
        DecodeError: ``update`` or ``state`` is malformed.

    Example:
        >>> doc = Doc({"t": Text("a")})
        >>> full = doc.get_update()
        >>> get_update(full, doc.get_state())  # nothing is missing
        b'\\x00\\x00'
    """
    return _core.diff_update(update, state)


def decode_state_vector(state: bytes) -> dict[int, int]:
    """A v1 state vector as ``{client: clock}`` (Yjs ``decodeStateVector``).

    Clients come in descending order, as Yjs writes them; a client listed twice keeps its
    last clock. Bytes after the last entry are ignored, as Yjs ignores them.

    Raises:
        DecodeError: ``state`` is truncated or malformed.

    Example:
        >>> decode_state_vector(Doc({"t": Text("ab")}, client_id=5).get_state())
        {5: 2}
        >>> decode_state_vector(b"\\x02\\x01")  # announces 2 clients, holds 1 byte
        Traceback (most recent call last):
        ...
        crdtcore.errors.DecodeError: malformed state vector: count larger than the remaining input
    """
    return _core.decode_state_vector(state)


def decode_delete_set(delete_set: bytes) -> dict[int, list[tuple[int, int]]]:
    """A v1 delete set as ``{client: [(clock, length), ...]}``.

    The ranges of a client are kept as written (not sorted or merged); ranges of length 0
    (which Yjs never writes) are dropped, and so are clients left without ranges. Clients
    come in descending order, as Yjs writes them.

    Args:
        delete_set: The delete set's bytes, e.g. ``TransactionEvent.delete_set``.

    Raises:
        DecodeError: ``delete_set`` is truncated or malformed.

    Example:
        >>> doc, seen = Doc({"t": Text("abcdef")}, client_id=5), []
        >>> sub = doc.observe(seen.append)
        >>> with doc.transaction():
        ...     del doc["t"][4:6]
        ...     del doc["t"][0:1]
        >>> decode_delete_set(seen[0].delete_set)
        {5: [(0, 1), (4, 2)]}
    """
    return _core.decode_delete_set(delete_set)


def validate_update(update: bytes) -> None:
    """Raises DecodeError unless ``update`` is a well-formed v1 update.

    The check is the one ``Doc.apply_update`` makes before it changes anything: the whole
    update is decoded (structs, contents and delete set). Bytes after the delete set are
    ignored, as Yjs ignores them.

    Raises:
        DecodeError: ``update`` is truncated or malformed.

    Example:
        >>> validate_update(Doc({"t": Text("a")}).get_update())
        >>> validate_update(b"\\x01")
        Traceback (most recent call last):
        ...
        crdtcore.errors.DecodeError: malformed update: count larger than the remaining input
    """
    _core.validate_update(update)
