"""Operations on update bytes that need no document (Yjs ``utils/updates.js``)."""

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
