"""crdtcore.StickyIndex against real Yjs RelativePosition (sticky_peer.mjs).

Both directions, on random sessions with non-BMP text (so UTF-16 clocks and code-point
indices differ): positions Yjs creates (encodeRelativePosition bytes, relativePositionToJSON,
and the RelativePosition object as awareness carries it) resolve in crdtcore to the same
character as in Yjs after random concurrent edits on both sides, and positions crdtcore
creates are byte- and JSON-identical to Yjs's for the same place and resolve in Yjs to the
same character. Deleted characters, replaced (deleted, garbage-collected) nested texts and
end positions are part of the sessions.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
import yjs_peer
from interop_util import interop_seeds, repro
from yjs_peer import YjsPeer, b64, unb64, yjs_available

from crdtcore import Array, Assoc, Doc, Map, StickyIndex, Text
from crdtcore.sync import relative_position_object

STICKY_PEER_SCRIPT = Path(__file__).resolve().parent / "sticky_peer.mjs"
TARGETS = ("text", "array", "map/inner")
PIECES = ["a", "bc", "😀", "é", "🎉x", "中文", "\U0001f9d1\u200d\U0001f4bb", " "]


class StickyPeer(YjsPeer):
    """YjsPeer's process handling and JSON-lines client, running sticky_peer.mjs."""

    def start(self) -> StickyPeer:
        saved = yjs_peer.PEER_SCRIPT
        yjs_peer.PEER_SCRIPT = STICKY_PEER_SCRIPT
        try:
            super().start()
        finally:
            yjs_peer.PEER_SCRIPT = saved
        return self


@pytest.fixture(scope="module")
def node():
    ok, why = yjs_available()
    if not ok:
        pytest.fail(f"Yjs peer unavailable: {why}", pytrace=False)
    peer = StickyPeer().start()
    yield peer
    peer.close()


def u16(s: str, cp: int) -> int:
    """UTF-16 index of code-point index `cp` of `s`."""
    return len(s[:cp].encode("utf-16-le")) // 2


def cp_of(s: str, u: int) -> int:
    """Code-point index of UTF-16 index `u` of `s` (which must fall between characters)."""
    pos = 0
    for i, ch in enumerate(s):
        if pos == u:
            return i
        pos += 2 if ord(ch) > 0xFFFF else 1
    assert pos == u, f"UTF-16 index {u} is not on a character boundary of {s!r}"
    return len(s)


class Session:
    """One Yjs doc (in node) and one crdtcore doc, with the three targets."""

    def __init__(self, node: StickyPeer, name: str, rng: random.Random) -> None:
        self.node, self.name, self.rng = node, name, rng
        node.request("new_doc", doc=name, client_id=rng.randrange(100, 2**31))
        self.doc = Doc(client_id=rng.randrange(100, 2**31))
        self.doc.get("text", type=Text)
        self.doc.get("array", type=Array)
        self.doc.get("map", type=Map)

    def seq(self, target: str) -> Text | Array | None:
        if target == "map/inner":
            inner = self.doc["map"].get("inner")
            return inner if isinstance(inner, Text) else None
        return self.doc[target]

    def yjs_content(self, target: str) -> Any:
        return self.node.request("content", doc=self.name, target=target)["value"]

    def units(self, target: str, cp_index: int) -> int:
        """A crdtcore index in Yjs's unit."""
        if target == "array":
            return cp_index
        return u16(self.yjs_content(target), cp_index)

    def sync(self) -> None:
        sv = unb64(self.node.request("state_vector", doc=self.name)["state_vector"])
        self.node.request("apply_update", doc=self.name, update=b64(self.doc.get_update(sv)))
        update = self.node.request("update", doc=self.name, state_vector=b64(self.doc.get_state()))
        self.doc.apply_update(unb64(update["update"]))

    def random_edits(self, count: int, may_replace_inner: bool) -> None:
        """`count` random edits per target in Yjs, then as many in crdtcore (concurrent)."""
        rng = self.rng
        for target in TARGETS:
            for _ in range(count):
                if target == "map/inner" and not self._yjs_has_inner():
                    continue
                value = self.yjs_content(target)  # str (code points) or list
                n = len(value)
                op: dict[str, Any] = {"target": target}
                if n == 0 or rng.random() < 0.6:
                    i = rng.randint(0, n)
                    if target == "array":
                        op.update(index=i, insert=[rng.randrange(100)])
                    else:
                        op.update(index=u16(value, i), insert=rng.choice(PIECES))
                else:
                    i = rng.randrange(n)
                    k = rng.randint(1, min(3, n - i))
                    if target == "array":
                        op.update(index=i, delete=k)
                    else:
                        op.update(index=u16(value, i), delete=u16(value, i + k) - u16(value, i))
                self.node.request("edit", doc=self.name, ops=[op])
        if may_replace_inner and rng.random() < 0.3:
            # The nested text is replaced: positions in the old one resolve nowhere.
            self.node.request("edit", doc=self.name, ops=[{"nested": "inner", "insert": "new"}])
        for target in TARGETS:
            for _ in range(count):
                seq = self.seq(target)
                if seq is None:
                    continue
                n = len(seq)
                if n == 0 or rng.random() < 0.6:
                    i = rng.randint(0, n)
                    if isinstance(seq, Text):
                        seq.insert(i, rng.choice(PIECES))
                    else:
                        seq.insert(i, rng.randrange(100))
                else:
                    i = rng.randrange(n)
                    del seq[i : i + rng.randint(1, min(3, n - i))]

    def _yjs_has_inner(self) -> bool:
        try:
            self.yjs_content("map/inner")
        except yjs_peer.PeerError:
            return False
        return True

    def yjs_resolve(
        self, target: str, *, data: bytes | None = None, json: Any = None
    ) -> int | None:
        if data is not None:
            res = self.node.request("resolve", doc=self.name, target=target, bytes=b64(data))
        else:
            res = self.node.request("resolve", doc=self.name, target=target, json=json)
        if res is None or not res["in_target"]:
            return None
        if target == "array":
            return int(res["index"])
        return cp_of(self.yjs_content(target), res["index"])


def check_session(node: StickyPeer, seed: int) -> None:
    rng = random.Random(seed)
    s = Session(node, f"sticky-{seed}", rng)
    try:
        node.request(
            "edit",
            doc=s.name,
            ops=[
                {
                    "target": "text",
                    "index": 0,
                    "insert": "".join(rng.choice(PIECES) for _ in range(8)),
                },
                {"target": "array", "index": 0, "insert": list(range(6))},
                {"nested": "inner", "insert": "in😀ner"},
            ],
        )
        s.sync()
        yjs_made: list[tuple[str, dict[str, Any]]] = []
        ours: list[tuple[str, StickyIndex]] = []
        for rnd in range(3):
            for target in TARGETS:
                seq = s.seq(target)
                if seq is None:
                    continue
                for _ in range(4):
                    i = rng.randint(0, len(seq))
                    assoc = rng.choice(list(Assoc))
                    # Yjs creates one at the same place: crdtcore's must be identical.
                    made = node.request(
                        "create",
                        doc=s.name,
                        target=target,
                        index=s.units(target, i),
                        assoc=int(assoc),
                    )
                    mine = seq.sticky_index(i, assoc)
                    where = repro(seed, round=rnd, target=target, index=i, assoc=int(assoc))
                    assert mine.encode() == unb64(made["bytes"]), where
                    assert mine.to_json() == made["json"], where
                    assert relative_position_object(mine) == made["object"], where
                    yjs_made.append((target, made))
                    ours.append((target, mine))
            s.random_edits(3, may_replace_inner=rnd == 2)
            s.sync()
            for target in TARGETS:
                seq = s.seq(target)
                if seq is not None:
                    assert s.yjs_content(target) == seq.to_py(), repro(seed, target=target)
            for target, made in yjs_made:  # Yjs -> crdtcore
                seq = s.seq(target)
                expected = s.yjs_resolve(target, data=unb64(made["bytes"]))
                assert s.yjs_resolve(target, json=made["json"]) == expected
                where = repro(seed, round=rnd, target=target, position=made["json"])
                got = []
                for pos in (
                    StickyIndex.decode(unb64(made["bytes"]), seq),
                    StickyIndex.from_json(made["json"], seq),
                    StickyIndex.from_json(made["object"], seq),
                ):
                    got.append(None if seq is None else pos.resolve(seq))
                assert got == [expected] * 3, where
            for target, mine in ours:  # crdtcore -> Yjs
                seq = s.seq(target)
                here = None if seq is None else mine.resolve(seq)
                where = repro(seed, round=rnd, target=target, position=mine.to_json())
                assert s.yjs_resolve(target, data=mine.encode()) == here, where
                assert s.yjs_resolve(target, json=mine.to_json()) == here, where
                assert s.yjs_resolve(target, json=relative_position_object(mine)) == here, where
    finally:
        node.request("destroy_doc", doc=s.name)


@pytest.mark.parametrize("seed", interop_seeds(default=12, salt=41))
def test_positions_resolve_alike_in_yjs_and_crdtcore(node, seed):
    check_session(node, seed)


def test_fixed_vectors(node):
    """A hand-checked case: cursors around an astral character, before and after edits."""
    node.request("new_doc", doc="fixed", client_id=7)
    try:
        node.request("edit", doc="fixed", ops=[{"target": "text", "index": 0, "insert": "a😀b"}])
        doc = Doc(client_id=8)
        doc.get("text", type=Text)
        doc.apply_update(unb64(node.request("update", doc="fixed")["update"]))
        text = doc["text"]
        after_emoji = node.request("create", doc="fixed", target="text", index=3, assoc=-1)
        assert after_emoji["json"] == {
            "tname": "text",
            "item": {"client": 7, "clock": 2},
            "assoc": -1,
        }
        assert StickyIndex.decode(unb64(after_emoji["bytes"]), text).get_index() == 2
        assert text.sticky_index(2, Assoc.BEFORE).encode() == unb64(after_emoji["bytes"])
        node.request("edit", doc="fixed", ops=[{"target": "text", "index": 3, "insert": "🎉"}])
        doc.apply_update(unb64(node.request("update", doc="fixed")["update"]))
        assert str(text) == "a😀🎉b"
        assert StickyIndex.from_json(after_emoji["json"], text).get_index() == 2
        mine = text.sticky_index(3)  # before "b"
        node.request("edit", doc="fixed", ops=[{"target": "text", "index": 0, "delete": 1}])
        doc.apply_update(unb64(node.request("update", doc="fixed")["update"]))
        res = node.request("resolve", doc="fixed", target="text", bytes=b64(mine.encode()))
        assert res == {"index": 4, "in_target": True}  # UTF-16: "😀🎉" is 4 units
        assert mine.get_index() == 2
    finally:
        node.request("destroy_doc", doc="fixed")
