"""The libraries the Python runner measures, each driven the way its documentation shows.

Every peer replays a sequential trace with one transaction per patch
``(pos, n_deleted, inserted)``, positions in code points:

- crdtcore-py: ``with doc.transaction(): del text[pos:pos+n]; text.insert(pos, s)``
- pycrdt: the same code; pycrdt indexes text by UTF-8 bytes, so the patches are
  converted to byte offsets beforehand (``prepare``, not timed) for non-ASCII traces.
- loro-py: ``text.delete(pos, n); text.insert(pos, s); doc.commit()``.
- automerge-py (``automerge.core``): ``with doc.transaction() as tx:`` then
  ``tx.delete(text, pos)`` n times and ``tx.insert(text, pos + k, ScalarType.Str, ch)``
  per character: the Python binding has no splice, and its text is a sequence of
  single-character elements.

Encodings: Yjs v1 updates (``get_update()``) for crdtcore and pycrdt, a Loro snapshot
(``export(ExportMode.Snapshot())``), ``Document.save()`` for automerge.
Sync: the per-transaction update (``doc.observe`` / ``subscribe_local_update``) applied to
a second document; automerge-py offers no change-apply call, so ``peer.merge(doc)``.
``sync_replayer`` connects the two documents and returns the function that replays a piece
of the trace, so the runner can check its time budget between pieces.
"""

from __future__ import annotations

import importlib
import importlib.metadata
from collections.abc import Callable
from typing import Any

from bench_traces import ConcurrentTrace, Patch
from workloads import Budget, Unsupported, missing_past, utf8_patches

Update = bytes
Replicas = list[tuple[Any, Any]]  # (doc, text handle) per agent
Replayer = Callable[[list[Patch]], None]  # replays a piece of a trace (with sync)


class YPeer:
    """crdtcore-py, and the base of pycrdt (same API)."""

    name = "crdtcore-py"
    dist = "crdtcore"

    def __init__(self) -> None:
        # The module and the distribution share a name for both peers of this API.
        self.m = importlib.import_module(self.dist)
        self.version = importlib.metadata.version(self.dist)

    def prepare(self, patches: list[Patch]) -> list[Patch]:
        return patches

    def new_doc(self, client_id: int) -> tuple[Any, Any]:
        doc = self.m.Doc(client_id=client_id)
        return doc, doc.get("text", type=self.m.Text)

    def new_peer(self, doc: Any, client_id: int) -> tuple[Any, Any]:
        """A second, empty replica of ``doc``'s document (replay_sync's receiver)."""
        return self.new_doc(client_id)

    def replay(self, doc: Any, text: Any, patches: list[Patch]) -> None:
        for pos, n_del, ins in patches:
            with doc.transaction():
                if n_del:
                    del text[pos : pos + n_del]
                if ins:
                    text.insert(pos, ins)

    def text(self, doc: Any, text: Any) -> str:
        return str(text)

    def encode(self, doc: Any) -> bytes:
        return doc.get_update()

    def load(self, data: bytes) -> tuple[Any, Any]:
        doc = self.m.Doc()
        doc.apply_update(data)
        return doc, doc.get("text", type=self.m.Text)

    def edit_txn(self, doc: Any, text: Any, patches: list[Patch]) -> None:
        """Applies several patches as one transaction."""
        with doc.transaction():
            for pos, n_del, ins in patches:
                if n_del:
                    del text[pos : pos + n_del]
                if ins:
                    text.insert(pos, ins)

    def on_local_update(self, doc: Any, sink: Callable[[Update], None]) -> Any:
        """Calls ``sink(update)`` after each transaction of ``doc`` (remote ones too)."""
        return doc.observe(lambda event: sink(event.update))

    def apply_update(self, doc: Any, update: Update) -> None:
        doc.apply_update(update)

    def sync_replayer(self, doc: Any, text: Any, peer: Any) -> Replayer:
        """Forwards each transaction's update of ``doc`` to ``peer``; returns the replay."""
        self._subscription = doc.observe(lambda event: peer.apply_update(event.update))
        return lambda patches: self.replay(doc, text, patches)

    def stop_sync(self) -> None:
        """Drops the subscription of ``sync_replayer``, so its documents can be freed."""
        self._subscription = None

    def concurrent(
        self, trace: ConcurrentTrace, patches: list[list[Patch]], budget: Budget
    ) -> Replicas:
        """Runs a concurrent trace (one doc per agent); returns every agent's (doc, text)."""
        return run_concurrent(self, trace, patches, budget)


class PycrdtPeer(YPeer):
    name = "pycrdt"
    dist = "pycrdt"

    def prepare(self, patches: list[Patch]) -> list[Patch]:
        return utf8_patches(patches)


class LoroPeer:
    name = "loro-py"

    def __init__(self) -> None:
        import loro

        self.m = loro
        self.version = importlib.metadata.version("loro")

    def prepare(self, patches: list[Patch]) -> list[Patch]:
        return patches

    def new_doc(self, client_id: int) -> tuple[Any, Any]:
        doc = self.m.LoroDoc()
        doc.peer_id = client_id
        return doc, doc.get_text("text")

    def new_peer(self, doc: Any, client_id: int) -> tuple[Any, Any]:
        return self.new_doc(client_id)

    def replay(self, doc: Any, text: Any, patches: list[Patch]) -> None:
        for pos, n_del, ins in patches:
            if n_del:
                text.delete(pos, n_del)
            if ins:
                text.insert(pos, ins)
            doc.commit()

    def edit_txn(self, doc: Any, text: Any, patches: list[Patch]) -> None:
        for pos, n_del, ins in patches:
            if n_del:
                text.delete(pos, n_del)
            if ins:
                text.insert(pos, ins)
        doc.commit()

    def text(self, doc: Any, text: Any) -> str:
        return text.to_string()

    def encode(self, doc: Any) -> bytes:
        return doc.export(self.m.ExportMode.Snapshot())

    def load(self, data: bytes) -> tuple[Any, Any]:
        doc = self.m.LoroDoc()
        doc.import_(data)
        return doc, doc.get_text("text")

    def on_local_update(self, doc: Any, sink: Callable[[Update], None]) -> Any:
        def forward(update: bytes) -> bool:
            sink(update)
            return True  # stay subscribed

        return doc.subscribe_local_update(forward)

    def apply_update(self, doc: Any, update: Update) -> None:
        doc.import_(update)

    def sync_replayer(self, doc: Any, text: Any, peer: Any) -> Replayer:
        self._subscription = self.on_local_update(doc, peer.import_)
        return lambda patches: self.replay(doc, text, patches)

    def stop_sync(self) -> None:
        """Drops the subscription of ``sync_replayer``, so its documents can be freed."""
        self._subscription = None

    def concurrent(
        self, trace: ConcurrentTrace, patches: list[list[Patch]], budget: Budget
    ) -> Replicas:
        return run_concurrent(self, trace, patches, budget)


def actor_id(client_id: int) -> bytes:
    return client_id.to_bytes(16, "big")


class AutomergePeer:
    name = "automerge-py"

    def __init__(self) -> None:
        self.version = importlib.metadata.version("automerge")
        if not self.version[:1].isdigit() or int(self.version.split(".")[0]) < 1:
            # PyPI's automerge 0.1.x is an older, unrelated binding without text objects.
            raise ImportError(f"automerge {self.version}: need >=1.0.0rc1 (pip install --pre)")
        from automerge import core

        self.m = core

    def prepare(self, patches: list[Patch]) -> list[Patch]:
        return patches

    def new_doc(self, client_id: int) -> tuple[Any, Any]:
        doc = self.m.Document(actor_id(client_id))
        with doc.transaction() as tx:
            text = tx.put_object(self.m.ROOT, "text", self.m.ObjType.Text)
        return doc, text

    def new_peer(self, doc: Any, client_id: int) -> tuple[Any, Any]:
        """A fork (before any edit), so that both replicas share the text object."""
        peer = doc.fork()
        peer.set_actor(actor_id(client_id))
        found = peer.get(self.m.ROOT, "text")
        return peer, found[1]

    def replay(self, doc: Any, text: Any, patches: list[Patch]) -> None:
        str_type = self.m.ScalarType.Str
        for pos, n_del, ins in patches:
            with doc.transaction() as tx:
                for _ in range(n_del):
                    tx.delete(text, pos)
                for k, ch in enumerate(ins):
                    tx.insert(text, pos + k, str_type, ch)

    def text(self, doc: Any, text: Any) -> str:
        return doc.text(text)

    def encode(self, doc: Any) -> bytes:
        return doc.save()

    def load(self, data: bytes) -> tuple[Any, Any]:
        doc = self.m.Document.load(data)
        found = doc.get(self.m.ROOT, "text")
        if found is None:
            raise ValueError("the loaded document has no 'text'")
        return doc, found[1]

    def stop_sync(self) -> None:
        """Nothing to drop: ``sync_replayer`` keeps no subscription here."""

    def sync_replayer(self, doc: Any, text: Any, peer: Any) -> Replayer:
        str_type = self.m.ScalarType.Str

        def replay(patches: list[Patch]) -> None:
            for pos, n_del, ins in patches:
                with doc.transaction() as tx:
                    for _ in range(n_del):
                        tx.delete(text, pos)
                    for k, ch in enumerate(ins):
                        tx.insert(text, pos + k, str_type, ch)
                peer.merge(doc)

        return replay

    def concurrent(
        self, trace: ConcurrentTrace, patches: list[list[Patch]], budget: Budget
    ) -> Replicas:
        raise Unsupported(
            "automerge-py has no call that applies given changes (only merge/sync of whole"
            " documents), so delivering exactly a txn's causal past needs fork(heads) per"
            " merge: over 12 min on friendsforever, which would time the workaround"
        )


def run_concurrent(
    peer: Any, trace: ConcurrentTrace, patches: list[list[Patch]], budget: Budget
) -> Replicas:
    """One doc per agent (client id agent + 1); before agent a runs txn i it receives, in
    index order, the updates of every txn of i's causal past it lacks; at the end every
    agent receives all it lacks. Updates are what each txn produced locally. Checks
    ``budget`` every ``Budget.CHUNK_TXNS`` transactions."""
    n = len(trace.txns)
    updates: list[Update | None] = [None] * n
    current = [-1]  # the txn being made locally, -1 while applying remote updates

    def record(update: Update) -> None:
        if current[0] >= 0:
            updates[current[0]] = update

    docs, texts, subscriptions = [], [], []
    for a in range(trace.num_agents):
        doc, text = peer.new_doc(a + 1)
        docs.append(doc)
        texts.append(text)
        subscriptions.append(peer.on_local_update(doc, record))
    have = [bytearray(n) for _ in range(trace.num_agents)]

    def deliver(agent: int, roots: list[int]) -> None:
        for j in missing_past(have[agent], roots, trace.txns):
            peer.apply_update(docs[agent], updates[j])

    for i, txn in enumerate(trace.txns):
        deliver(txn.agent, txn.parents)
        current[0] = i
        peer.edit_txn(docs[txn.agent], texts[txn.agent], patches[i])
        current[0] = -1
        have[txn.agent][i] = 1
        if (i + 1) % Budget.CHUNK_TXNS == 0:
            budget.check(i + 1, n, "txns")
    everything = list(range(n))
    for a in range(trace.num_agents):
        deliver(a, everything)
    return list(zip(docs, texts, strict=True))


PEERS: dict[str, Callable[[], Any]] = {
    "crdtcore-py": YPeer,
    "pycrdt": PycrdtPeer,
    "loro-py": LoroPeer,
    "automerge-py": AutomergePeer,
}
