"""Loading and replaying the editing traces (bench/traces/README.md).

The sequential traces are vendored in ``bench/traces``, the concurrent ones ship
in the package (``crdtcore.sim.traces.traces_dir``); ``$CRDTCORE_TRACES``
overrides both. Every trace is a gzip-compressed JSON file:

* ``sequential/<name>.json.gz``: one editor; every patch ``[pos, n_deleted,
  inserted]`` applies, in order, to the result of the previous one.
* ``concurrent/<name>.json.gz``: several agents; each txn was made by
  ``agent`` on the state reached after every txn listed in ``parents``.

Positions count Unicode code points, which is what crdtcore's Python ``Text``
indexes by, so the patches go to the API unchanged.

Besides the replays used by ``test_trace_replay.py`` this module finds the
smallest prefix of a sequential trace on which crdtcore disagrees with a plain
``str`` model, so that a failing trace can be turned into a short
reproduction::

    python tests/traces/_traces.py repro automerge-paper
"""

from __future__ import annotations

import functools
import gzip
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crdtcore.sim import traces as sim_traces

REPO_ROOT = Path(__file__).resolve().parents[2]

Patch = tuple[int, int, str]


def traces_dir(kind: str) -> Path:
    """The directory holding the traces of ``kind`` ("sequential" or "concurrent"):
    ``$CRDTCORE_TRACES/<kind>``, else bench/traces/sequential or the package's traces."""
    if kind == "concurrent":
        return sim_traces.traces_dir()
    override = os.environ.get(sim_traces.TRACES_ENV)
    return Path(override) / kind if override else REPO_ROOT / "bench" / "traces" / kind


def trace_names(kind: str) -> list[str]:
    """Sorted names (file name without ``.json.gz``) of the traces of ``kind``."""
    directory = traces_dir(kind)
    if not directory.is_dir():
        return []
    return sorted(p.name[: -len(".json.gz")] for p in directory.glob("*.json.gz"))


@functools.cache
def load_trace(kind: str, name: str) -> dict[str, Any]:
    """The decoded JSON of trace ``name`` of ``kind`` (cached; do not mutate it)."""
    with gzip.open(traces_dir(kind) / f"{name}.json.gz", "rt", encoding="utf-8") as f:
        return json.load(f)


def patches_of(trace: dict[str, Any]) -> list[Patch]:
    """All patches of a sequential trace, flattened in replay order."""
    return [(p[0], p[1], p[2]) for txn in trace["txns"] for p in txn["patches"]]


def apply_to_str(s: str, patches: list[Patch]) -> str:
    """The plain-string model: ``s`` after ``patches``."""
    for pos, n_del, ins in patches:
        s = s[:pos] + ins + s[pos + n_del :]
    return s


# --- sequential replay -------------------------------------------------------------


def new_text_doc(client_id: int = 1) -> tuple[Any, Any]:
    """A fresh ``(Doc, Text)`` pair; the text is the root named "text"."""
    from crdtcore import Doc, Text

    doc = Doc(client_id=client_id)
    return doc, doc.get("text", type=Text)


def apply_patch(doc: Any, text: Any, patch: Patch) -> None:
    """Applies one patch as one transaction: delete, then insert."""
    pos, n_del, ins = patch
    with doc.transaction():
        if n_del:
            del text[pos : pos + n_del]
        if ins:
            text.insert(pos, ins)


def replay_sequential(patches: list[Patch], client_id: int = 1) -> tuple[Any, Any]:
    """Replays ``patches`` into a fresh document, one transaction per patch."""
    doc, text = new_text_doc(client_id)
    for patch in patches:
        apply_patch(doc, text, patch)
    return doc, text


def text_of_update(update: bytes) -> str:
    """The "text" root of a fresh Doc after applying ``update``."""
    doc, text = new_text_doc(client_id=999)
    doc.apply_update(update)
    return str(text)


# --- concurrent replay -------------------------------------------------------------


@dataclass
class Replica:
    """One agent's document plus the set of txn indices it has integrated."""

    doc: Any
    text: Any
    seen: bytearray  # seen[i] == 1 once txn i is in this doc
    capturing: bool = False
    captured: list[bytes] = field(default_factory=list)


def _missing_past(txns: list[dict[str, Any]], index: int, seen: bytearray) -> list[int]:
    """Indices of txn ``index``'s causal past not yet in ``seen``, in index order."""
    missing: list[int] = []
    stack = list(txns[index]["parents"])
    visited: set[int] = set()
    while stack:
        j = stack.pop()
        if seen[j] or j in visited:
            continue
        visited.add(j)
        missing.append(j)
        stack.extend(txns[j]["parents"])
    missing.sort()
    return missing


def replay_concurrent(
    trace: dict[str, Any], capture: str = "observe"
) -> tuple[list[Replica], list[bytes | None]]:
    """Replays a concurrent trace with one Doc per agent (client id ``agent + 1``).

    Before txn ``i`` runs on its agent's doc, every txn of its causal past that
    doc lacks is applied there, in index order, from the update captured when
    that txn ran. ``capture`` picks how the update of a txn is obtained:
    "observe" (``TransactionEvent.update``) or "state_diff"
    (``get_update(state before the txn)``). Returns the replicas (not synced)
    and the update of every txn (None for a txn that changed nothing).

    Raises AssertionError when a doc holds a txn outside the causal past of the
    next txn it runs (the trace would then be replayed on the wrong state).
    """
    from crdtcore import Doc, Text

    txns = trace["txns"]
    n = len(txns)
    replicas: list[Replica] = []
    for agent in range(trace["numAgents"]):
        doc = Doc(client_id=agent + 1)
        replica = Replica(doc=doc, text=doc.get("text", type=Text), seen=bytearray(n))
        if capture == "observe":
            doc.observe(_capture_into(replica))
        replicas.append(replica)

    updates: list[bytes | None] = [None] * n
    for i, txn in enumerate(txns):
        r = replicas[txn["agent"]]
        missing = _missing_past(txns, i, r.seen)
        for j in missing:
            update = updates[j]
            if update is not None:
                r.doc.apply_update(update)
            r.seen[j] = 1
        before = r.doc.get_state() if capture == "state_diff" else None
        r.capturing = True
        r.captured.clear()
        try:
            with r.doc.transaction():
                for pos, n_del, ins in txn["patches"]:
                    if n_del:
                        del r.text[pos : pos + n_del]
                    if ins:
                        r.text.insert(pos, ins)
        finally:
            r.capturing = False
        if capture == "state_diff":
            updates[i] = r.doc.get_update(before)
        else:
            assert len(r.captured) <= 1, f"txn {i}: {len(r.captured)} events for one txn"
            updates[i] = r.captured[0] if r.captured else None
        r.seen[i] = 1
    return replicas, updates


def _capture_into(replica: Replica) -> Callable[[Any], None]:
    def on_txn(event: Any) -> None:
        if replica.capturing:
            replica.captured.append(event.update)

    return on_txn


def sync_all(replicas: list[Replica]) -> None:
    """Full mesh sync: every doc receives from every other what it lacks."""
    for dst in replicas:
        for src in replicas:
            if src is not dst:
                dst.doc.apply_update(src.doc.get_update(dst.doc.get_state()))


# --- minimal reproduction of a sequential divergence --------------------------------


@dataclass
class Divergence:
    """The first patch after which crdtcore and the ``str`` model disagree."""

    index: int  # 0-based index of the patch; the reproduction is patches[: index + 1]
    patch: Patch
    expected: str
    actual: str | None  # None when the patch raised
    error: str | None = None

    def describe(self, context: int = 30) -> str:
        lines = [f"first divergence after patch #{self.index} {self.patch!r}"]
        if self.error is not None:
            lines.append(f"  raised: {self.error}")
            return "\n".join(lines)
        assert self.actual is not None
        at = next(
            (k for k, (a, b) in enumerate(zip(self.expected, self.actual, strict=False)) if a != b),
            min(len(self.expected), len(self.actual)),
        )
        lo = max(0, at - context)
        lines.append(f"  lengths: expected {len(self.expected)}, got {len(self.actual)}")
        lines.append(f"  first differing char at {at}")
        lines.append(f"  expected[{lo}:]: {self.expected[lo : at + context]!r}")
        lines.append(f"  actual  [{lo}:]: {self.actual[lo : at + context]!r}")
        return "\n".join(lines)


def first_divergence(patches: list[Patch], check_every: int = 512) -> Divergence | None:
    """Finds the first patch whose result differs from the ``str`` model.

    Cheap checks (``len``) run after every patch and full comparisons every
    ``check_every`` patches; a failed full comparison is narrowed down by
    replaying the last good window patch by patch.
    """
    doc, text = new_text_doc()
    model = ""
    last_good = 0  # number of patches known to give equal text
    for k, patch in enumerate(patches):
        model = apply_to_str(model, [patch])
        try:
            apply_patch(doc, text, patch)
        except Exception as e:
            return Divergence(k, patch, model, None, f"{type(e).__name__}: {e}")
        if len(text) != len(model) or (k + 1) % check_every == 0 or k + 1 == len(patches):
            if str(text) == model:
                last_good = k + 1
                continue
            return _narrow(patches, last_good, k + 1)
    return None


def _narrow(patches: list[Patch], good: int, bad: int) -> Divergence:
    doc, text = new_text_doc()
    for patch in patches[:good]:
        apply_patch(doc, text, patch)
    model = apply_to_str("", patches[:good])
    for k in range(good, bad):
        model = apply_to_str(model, [patches[k]])
        apply_patch(doc, text, patches[k])
        actual = str(text)
        if actual != model:
            return Divergence(k, patches[k], model, actual)
    raise AssertionError(f"divergence between {good} and {bad} did not reproduce")


def first_roundtrip_divergence(patches: list[Patch]) -> int | None:
    """The smallest prefix length whose encoded update decodes to other text.

    Binary search (assumes a failure persists once it appears); None if the
    full trace round-trips.
    """

    def fails(n: int) -> bool:
        doc, text = replay_sequential(patches[:n])
        try:
            return text_of_update(doc.get_update()) != str(text)
        except Exception:
            return True

    if not fails(len(patches)):
        return None
    lo, hi = 0, len(patches)  # fails(hi) holds, fails(lo) does not (empty doc)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if fails(mid):
            hi = mid
        else:
            lo = mid
    return hi


def _main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] != "repro":
        print("usage: _traces.py repro <sequential-trace-name>", file=sys.stderr)
        return 2
    patches = patches_of(load_trace("sequential", argv[1]))
    found = first_divergence(patches)
    if found is None:
        print(f"{argv[1]}: all {len(patches)} patches match the str model")
    else:
        print(found.describe())
        lo = max(0, found.index - 5)
        print(f"  patches[{lo}:{found.index + 1}] = {patches[lo : found.index + 1]!r}")
        out = Path(os.environ.get("TMPDIR", "/tmp")) / f"crdtcore-repro-{argv[1]}.json"
        out.write_text(json.dumps(patches[: found.index + 1]))
        print(f"  the {found.index + 1} patches of the reproduction: {out}")
    n = first_roundtrip_divergence(patches) if found is None else None
    if n is not None:
        print(f"get_update round trip first fails with the first {n} patches")
        print(f"  last patches: {patches[max(0, n - 5) : n]!r}")
    return 0 if found is None and n is None else 1


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
