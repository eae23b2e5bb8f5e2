"""The convergence check at quiescence: do all live peers hold the same document?

Built on the oracle of ``crdtcore.model`` (Yjs ``tests/testHelper.js`` ``compare``):
every peer is compared with the lowest-numbered one on each root's ``to_py()``, the delta
of every Text (nested ones too), the state vector, pending content and the delete set.
Two documents rebuilt from updates, one from the reference peer's and one from
``merge_updates`` of all peers' updates, must read the same. When the workload knows the
final content (a trace's ``endContent``), every peer must hold it. ``check_bytes`` also
requires byte-identical state as update, i.e. identical struct stores, as Yjs's
``compare`` does; it is off by default because peers that saw the same changes in
different batches can keep adjacent garbage-collected structs split differently. Yjs
does the same: a simulation of Yjs peers (sim/yjs_peer.py) with seed 35, 2 peers and
100 random ops ends with the same 2-byte difference as the crdtcore peers.

Unlike ``assert_converges`` this returns the differences as data (``Difference``), so the
simulation can put them in its report.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .. import Doc, merge_updates
from ..model import Snapshot, compare_snapshots, first_difference, snapshot, tag


@dataclass(frozen=True)
class Difference:
    """One way a peer differs from the reference peer (or from the expected content).

    Attributes:
        peer: The differing peer (-1 for a document rebuilt from updates).
        reference: The peer compared with (-1 when compared with the expected content).
        problem: What differs, e.g. ``"content /text: 'ab' != 'ba'"``.
    """

    peer: int
    reference: int
    problem: str

    def __str__(self) -> str:
        who = "rebuilt document" if self.peer < 0 else f"peer {self.peer}"
        against = "the expected content" if self.reference < 0 else f"peer {self.reference}"
        return f"{who} vs {against}: {self.problem}"


def compare_peers(
    snapshots: Mapping[int, Snapshot],
    expected: Mapping[str, Any] | None = None,
    *,
    check_bytes: bool = False,
    check_encoding: bool = True,
) -> list[Difference]:
    """Every difference between the peers' snapshots (empty when they converged).

    Args:
        snapshots: Peer id -> snapshot (``SimPeer.snapshot()``).
        expected: Root name -> the value every peer must hold (plain ``to_py()`` values).
        check_bytes: Also require byte-identical state as update (identical structs).
        check_encoding: Also compare documents rebuilt from the updates.

    Returns:
        The differences, reference peer first compared with each other in id order.

    Example:
        >>> from crdtcore import Text
        >>> from crdtcore.model import snapshot
        >>> a, b = Doc({"text": Text("a")}, client_id=1), Doc({"text": Text("b")}, client_id=2)
        >>> [str(d) for d in compare_peers({0: snapshot(a), 1: snapshot(b)}, check_bytes=False)]
        ["peer 1 vs peer 0: content /text: 'a' != 'b'", "peer 1 vs peer 0: delta of text: [0]/insert: 'a' != 'b'", 'peer 1 vs peer 0: state vector {1: 1} != {2: 1}']
    """
    ids = sorted(snapshots)
    if not ids:
        return []
    ref_id = ids[0]
    ref = snapshots[ref_id]
    out: list[Difference] = []
    if ref.pending:
        out.append(Difference(ref_id, ref_id, "has pending updates"))
    for peer in ids[1:]:
        snap = snapshots[peer]
        for problem in compare_snapshots(ref, snap, check_bytes=check_bytes):
            out.append(Difference(peer, ref_id, problem))
    if check_encoding and not out:
        merged = merge_updates(*(snapshots[peer].update for peer in ids))
        for update in (ref.update, merged):
            for problem in compare_snapshots(ref, _rebuilt(update), check_bytes=False):
                out.append(Difference(-1, ref_id, problem))
    if expected is not None:
        for peer in ids:
            for root, value in sorted(expected.items()):
                found = first_difference(tag(value), snapshots[peer].content.get(root), f"/{root}")
                if found:
                    out.append(Difference(peer, -1, f"content {found}"))
    return out


def _rebuilt(update: bytes) -> Snapshot:
    doc = Doc(client_id=0)
    doc.apply_update(update)
    return snapshot(doc, "rebuilt")
