"""The convergence oracle: are these replicas the same document?

Follows Yjs's tests/testHelper.js ``compare``: after every message has been delivered, all
replicas must agree on

* content: every root's ``to_py()`` and the delta (with formatting) of every Text, nested
  ones included, compared as tagged JSON so ``nan`` equals ``nan``;
* state: equal state vectors, equal delete sets and nothing left pending;
* optionally bytes: equal ``get_update()``, i.e. identical struct stores, which Yjs's
  ``compare`` asserts for its test network. It does not hold in general: replicas that
  received the same changes in different batches (a restart from merged updates, say) can
  keep adjacent garbage-collected structs split differently. Yjs does exactly the same: a
  simulated run of Yjs peers ends with the same 2-byte difference as the same run of
  crdtcore peers (``random_scenario(20, mix="chaos", ops=60)``). So it is off by default;
* encoding: a fresh document built from one replica's update, and one built from
  ``merge_updates`` of all replicas' updates, read the same content and state (not the
  same bytes: the fresh documents garbage-collect, the replicas may not).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from .. import Doc, Text, decode_state_vector, get_state, get_update, merge_updates
from ._ops import _CLASSES, ROOTS, tag, walk


class ConvergenceError(AssertionError):
    """Replicas that should have converged differ; the message says who and where.

    Example:
        >>> issubclass(ConvergenceError, AssertionError)
        True
    """


@dataclass(frozen=True)
class Snapshot:
    """Everything the oracle compares about one replica.

    Attributes:
        name: Who this is (shown in failure messages).
        content: Root name -> tagged ``to_py()`` value.
        deltas: Text path ("text", "map/k", "array/2") -> tagged delta.
        state_vector: Client id -> next clock.
        pending: Whether received content waits for missing updates.
        update: The replica's state as a v1 update (``get_update()``).
    """

    name: str
    content: dict[str, Any]
    deltas: dict[str, list[Any]]
    state_vector: dict[int, int]
    pending: bool
    update: bytes


class SnapshotSource(Protocol):
    """Anything that is not a Doc but can describe its replica (e.g. a Yjs peer)."""

    def snapshot(self) -> Snapshot:
        """The replica's current snapshot."""
        ...


def snapshot(doc: Doc, name: str = "doc") -> Snapshot:
    """The oracle's view of a crdtcore document.

    Args:
        doc: The document (its ``ROOTS`` need not be typed; untyped ones read as created).
        name: Label for failure messages.

    Example:
        >>> snap = snapshot(Doc({"text": Text("hi")}, client_id=3))
        >>> snap.content["text"], snap.state_vector
        ('hi', {3: 2})
    """
    content = {}
    for root, kind in ROOTS.items():
        content[root] = tag(doc.get(root, type=_CLASSES[kind]).to_py())
    for root in sorted(set(doc.keys()) - set(ROOTS)):
        content[root] = tag(doc[root].to_py())
    deltas = {
        "/".join(map(str, path)): tag(node.to_delta())
        for path, node in walk(doc)
        if isinstance(node, Text)
    }
    return Snapshot(
        name=name,
        content=content,
        deltas=deltas,
        state_vector=decode_state_vector(doc.get_state()),
        pending=doc.has_pending,
        update=doc.get_update(),
    )


def first_difference(a: Any, b: Any, path: str = "") -> str | None:
    """Where two JSON-like values first differ, or None when they are equal.

    Numbers compare by value (``1 == 1.0``: an integral float written by one peer reads back
    as an int on the others, as in JavaScript), booleans only equal booleans.

    Example:
        >>> first_difference({"a": [1, 2]}, {"a": [1.0, 3]})
        '/a[1]: 2 != 3'
    """
    if _is_number(a) and _is_number(b):
        return None if a == b else f"{path or '/'}: {a!r} != {b!r}"
    if type(a) is not type(b):
        return f"{path or '/'}: {a!r:.120} != {b!r:.120}"
    if isinstance(a, dict):
        for key in sorted(set(a) | set(b), key=str):
            if key not in a or key not in b:
                return f"{path}/{key}: only in {'first' if key in a else 'second'}"
            found = first_difference(a[key], b[key], f"{path}/{key}")
            if found:
                return found
        return None
    if isinstance(a, list):
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            found = first_difference(x, y, f"{path}[{i}]")
            if found:
                return found
        return None if len(a) == len(b) else f"{path or '/'}: length {len(a)} != {len(b)}"
    return None if a == b else f"{path or '/'}: {a!r:.120} != {b!r:.120}"


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def delete_set(update: bytes) -> bytes:
    """The v1 delete set of a whole-document update (``Doc.get_update()``), which is
    canonical (sorted, adjacent ranges merged) however the structs are split.

    Diffing the update against its own state vector drops every struct and leaves an empty
    struct section (one zero byte) followed by the delete set.

    Example:
        >>> doc = Doc({"t": Text("ab")}, client_id=5)
        >>> del doc["t"][0]
        >>> delete_set(doc.get_update())  # client 5: clock 0, length 1
        b'\\x01\\x05\\x01\\x00\\x01'
    """
    return get_update(update, get_state(update))[1:]


def compare_snapshots(
    a: Snapshot, b: Snapshot, *, check_bytes: bool = False, check_deletes: bool = True
) -> list[str]:
    """How ``b`` differs from ``a`` (empty when they agree).

    Args:
        a: The reference.
        b: The replica compared with it.
        check_bytes: Also require byte-identical state as update (identical structs).
        check_deletes: Also require equal delete sets.

    Example:
        >>> x = snapshot(Doc({"text": Text("a")}, client_id=1), "x")
        >>> y = snapshot(Doc({"text": Text("b")}, client_id=1), "y")
        >>> compare_snapshots(x, y, check_bytes=False)
        ["content /text: 'a' != 'b'", "delta of text: [0]/insert: 'a' != 'b'"]
    """
    problems = []
    found = first_difference(a.content, b.content)
    if found:
        problems.append(f"content {found}")
    for path in sorted(set(a.deltas) | set(b.deltas)):
        found = first_difference(a.deltas.get(path), b.deltas.get(path))
        if found:
            problems.append(f"delta of {path}: {found}")
    if a.state_vector != b.state_vector:
        problems.append(f"state vector {a.state_vector} != {b.state_vector}")
    if b.pending:
        problems.append("has pending updates")
    if check_deletes and delete_set(a.update) != delete_set(b.update):
        problems.append("delete set differs")
    if check_bytes and not problems and a.update != b.update:
        problems.append(f"state as update differs ({len(a.update)} vs {len(b.update)} bytes)")
    return problems


def _as_snapshot(peer: Doc | Snapshot | SnapshotSource, name: str) -> Snapshot:
    if isinstance(peer, Snapshot):
        return peer
    if isinstance(peer, Doc):
        return snapshot(peer, name)
    return peer.snapshot()


def _rebuilt(update: bytes, name: str) -> Snapshot:
    doc = Doc(client_id=0)
    doc.apply_update(update)
    return snapshot(doc, name)


def assert_converges(
    *peers: Doc | Snapshot | SnapshotSource,
    names: Sequence[str] | None = None,
    check_bytes: bool = False,
    check_deletes: bool = True,
    check_encoding: bool = True,
) -> Snapshot:
    """Asserts that replicas converged (see the module docstring for what is compared).

    Use it at quiescence, after every message was delivered.

    Args:
        *peers: crdtcore Docs, Snapshots, or objects with a ``snapshot()`` method.
        names: Labels for the failure message (default ``peer0``, ``peer1``, ...).
        check_bytes: Also require byte-identical ``get_update()`` output (identical struct
            stores; see the module docstring for why that is not the default).
        check_deletes: Also require equal delete sets (on by default).
        check_encoding: Also rebuild documents from the updates (one replica's, and all
            replicas' merged with ``merge_updates``) and compare those.

    Returns:
        The first replica's snapshot.

    Raises:
        ConvergenceError: Some replica differs; the message lists every difference.
        ValueError: No peers were given.

    Example:
        >>> a, b = Doc({"text": Text("x")}, client_id=1), Doc(client_id=2)
        >>> b.apply_update(a.get_update())
        >>> assert_converges(a, b).content["text"]
        'x'
    """
    if not peers:
        raise ValueError("assert_converges needs at least one replica")
    labels = list(names) if names is not None else [f"peer{i}" for i in range(len(peers))]
    snaps = [_as_snapshot(p, label) for p, label in zip(peers, labels, strict=True)]
    if check_encoding:
        snaps.append(_rebuilt(snaps[0].update, f"doc rebuilt from {snaps[0].name}'s update"))
        merged = merge_updates(*(s.update for s in snaps))
        snaps.append(_rebuilt(merged, "doc rebuilt from merge_updates of all replicas"))
    report: list[str] = []
    for index, other in enumerate(snaps[1:], start=1):
        # A rebuilt document garbage-collects by default, the replicas may not: no bytes.
        rebuilt = index >= len(peers)
        problems = compare_snapshots(
            snaps[0], other, check_bytes=check_bytes and not rebuilt, check_deletes=check_deletes
        )
        report.extend(f"{other.name} vs {snaps[0].name}: {p}" for p in problems)
    if snaps[0].pending:
        report.append(f"{snaps[0].name}: has pending updates")
    if report:
        raise ConvergenceError(f"{len(peers)} replicas did not converge:\n  " + "\n  ".join(report))
    return snaps[0]
