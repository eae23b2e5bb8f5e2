"""``python -m crdtcore demo``: three peers edit concurrently and converge.

Alice, Bob and Carol each own a Doc. Every committed transaction produces an update
(recorded through ``Doc.observe``); the demo then delivers those updates out of
order and with duplicates, printing which update goes where, whether it has to wait
as pending, and what each document looks like. At the end the three documents must
be identical: exit status 0 when they converged, 1 otherwise.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any, TextIO

from ._array import Array
from ._doc import Doc
from ._map import Map
from ._text import Text


class Peer:
    """A named Doc plus the updates it produced, labelled ``name#n``."""

    def __init__(self, name: str, client_id: int, out: TextIO) -> None:
        self.name = name
        self.doc = Doc(client_id=client_id)
        self.sent: dict[str, bytes] = {}
        self._out = out
        self.doc.observe(self._record)

    def _record(self, event: Any) -> None:
        if event.transaction.origin == "remote":
            return  # only this peer's own edits are new updates to send
        label = f"{self.name}#{len(self.sent) + 1}"
        self.sent[label] = event.update
        print(f"    -> new update {label} ({len(event.update)} bytes)", file=self._out)

    def edit(self, what: str, change: Callable[[Doc], None]) -> None:
        print(f"  {self.name} {what}", file=self._out)
        with self.doc.transaction(origin=self.name):
            change(self.doc)

    def receive(self, label: str, update: bytes) -> None:
        before, was_pending = self.doc.get_state(), self.doc.has_pending
        with self.doc.transaction(origin="remote"):
            self.doc.apply_update(update)
        if self.doc.has_pending:
            status = "pending: waits for an update it depends on"
        elif self.doc.get_state() == before:
            status = "nothing new (duplicate)"
        elif was_pending:
            status = "integrated, together with the pending updates it unblocked"
        else:
            status = "integrated"
        print(f"  {self.name:5} <- {label:8} {status}", file=self._out)

    def show(self) -> None:
        text = self.doc.get("text", type=Text)
        todo = self.doc.get("todo", type=Array)
        meta = self.doc.get("meta", type=Map)
        print(f"    {self.name:5} text: {render(text.to_delta())}", file=self._out)
        print(f"          todo: {todo.to_py()}  meta: {meta.to_py()}", file=self._out)

    def snapshot(self) -> tuple[Any, ...]:
        doc = self.doc
        return (
            doc.get("text", type=Text).to_delta(),
            doc.get("todo", type=Array).to_py(),
            doc.get("meta", type=Map).to_py(),
            doc.get_state(),
        )


def render(delta: list[dict[str, Any]]) -> str:
    """Delta as text with **bold** and _italic_ marks."""
    parts = []
    for op in delta:
        s = op["insert"] if isinstance(op["insert"], str) else f"[{op['insert']}]"
        attrs = op.get("attributes", {})
        if attrs.get("italic"):
            s = f"_{s}_"
        if attrs.get("bold"):
            s = f"**{s}**"
        parts.append(s)
    return repr("".join(parts))


def step(out: TextIO, title: str) -> None:
    print(f"\n== {title}", file=out)


def run(out: TextIO, seed: int = 7) -> int:
    """Runs the scenario, printing to ``out``; returns 0 when the peers converged."""
    alice, bob, carol = Peer("alice", 1, out), Peer("bob", 2, out), Peer("carol", 3, out)
    peers = (alice, bob, carol)

    step(out, "1. Alice creates the document")

    def create(d: Doc) -> None:
        d["text"] = Text("Hello 🌍!")
        d["todo"] = Array(["buy milk"])
        d["meta"] = Map({"title": "Demo"})

    alice.edit("writes a text, a todo list and a map", create)
    bob.receive("alice#1", alice.sent["alice#1"])

    step(out, "2. Bob and Alice edit concurrently (neither sees the other)")

    def bob_edit(d: Doc) -> None:
        d["text"].insert(0, "😀 ")  # code-point index: the emoji counts as 1
        d["text"].format(2, 7, {"bold": True})  # "Hello"
        d["todo"].append("walk the dog")
        d["meta"]["owner"] = "bob"

    def alice_edit(d: Doc) -> None:
        d["text"].insert(len(d["text"]) - 1, " from Alice")
        d["todo"].insert(0, "wake up")
        d["meta"]["title"] = "Alice's demo"

    bob.edit("adds an emoji, bolds 'Hello', appends a todo, sets an owner", bob_edit)
    alice.edit("appends to the greeting, prepends a todo, renames the title", alice_edit)
    for peer in (alice, bob):
        peer.show()

    step(out, "3. Carol receives everything out of order, with a duplicate")
    for label, source in (("bob#1", bob), ("alice#2", alice), ("alice#1", alice), ("bob#1", bob)):
        carol.receive(label, source.sent[label])
    carol.show()

    step(out, "4. Carol edits on top of what she has")

    def carol_edit(d: Doc) -> None:
        text = d["text"]
        at = str(text).index("🌍")
        text.format(at, at + 1, {"italic": True})
        d["todo"].append(Map({"task": "celebrate", "done": False}))
        d["meta"]["title"] = "Carol's demo"

    carol.edit("makes the globe italic, appends a nested Map, renames the title", carol_edit)

    step(out, "5. Everyone gets what they miss, shuffled and duplicated")
    rng = random.Random(seed)
    for peer in (alice, bob):
        mail = [
            (label, update)
            for other in peers
            if other is not peer
            for label, update in other.sent.items()
        ]
        mail += rng.sample(mail, 2)
        rng.shuffle(mail)
        for label, update in mail:
            peer.receive(label, update)

    step(out, "Final state")
    for peer in peers:
        peer.show()
    snapshots = [peer.snapshot() for peer in peers]
    converged = all(s == snapshots[0] for s in snapshots) and not any(
        peer.doc.has_pending for peer in peers
    )
    if converged:
        print("\nconverged: all three documents are identical", file=out)
        return 0
    print("\nNOT converged: the documents differ", file=out)
    return 1
