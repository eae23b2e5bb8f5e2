"""The operation model and the convergence oracle: what both the simulator
(``crdtcore.sim``) and the test tools (``crdtcore.testing``) build on.

* **The op model** (_ops.py): edits as JSON data (``apply_op``, ``apply_ops``, ``new_doc``)
  whose indices are reduced against the document when applied, so every op fits every
  replica and a Yjs peer performs the same op (tests/interop/sim_yjs_peer.mjs). Values
  are tagged JSON (``tag``, ``untag``); ``walk`` lists a document's shared types in the
  order ops pick their targets from.
* **The oracle** (_oracle.py): ``snapshot(doc)`` is everything compared about a replica;
  ``assert_converges(*docs)`` compares content, text deltas, state vectors, delete sets
  and pending updates, and rebuilds documents from the updates (Yjs ``testHelper.compare``).

Layering: this package uses only crdtcore's public API; ``crdtcore.sim`` sits on it and
``crdtcore.testing`` on both (tests/lint/check_python_layers.py checks it).

Example:
    >>> from crdtcore.model import apply_ops, assert_converges, new_doc
    >>> a, b = new_doc(1), new_doc(2)
    >>> apply_ops(a, [{"kind": "text", "action": "insert", "index": 0, "text": "hi"}])
    >>> b.apply_update(a.get_update())
    >>> assert_converges(a, b).content["text"]
    'hi'
"""

from ._ops import ROOTS as ROOTS
from ._ops import Op as Op
from ._ops import apply_op as apply_op
from ._ops import apply_ops as apply_ops
from ._ops import new_doc as new_doc
from ._ops import tag as tag
from ._ops import untag as untag
from ._ops import walk as walk
from ._oracle import ConvergenceError as ConvergenceError
from ._oracle import Snapshot as Snapshot
from ._oracle import SnapshotSource as SnapshotSource
from ._oracle import assert_converges as assert_converges
from ._oracle import compare_snapshots as compare_snapshots
from ._oracle import first_difference as first_difference
from ._oracle import snapshot as snapshot

__all__ = [
    "ROOTS",
    "ConvergenceError",
    "Op",
    "Snapshot",
    "SnapshotSource",
    "apply_op",
    "apply_ops",
    "assert_converges",
    "compare_snapshots",
    "first_difference",
    "new_doc",
    "snapshot",
    "tag",
    "untag",
    "walk",
]
