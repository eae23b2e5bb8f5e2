"""Type-level events against Yjs: the same remote transactions, the same deep events.

Random sessions (fixed seeds plus random ones, see interop_util.interop_seeds): three
crdtcore peers edit text (with emoji and formatting), an array and a map (with nested
types, edited too), syncing now and then so that edits are concurrent. Every update they
produce goes, shuffled and with duplicates (so that updates arrive before their
dependencies and later unlock pending structs), to one crdtcore document and one Yjs
document, each observing its three roots with observe_deep. After every update the two
must report the same calls: same roots, events, paths, deltas, map key changes and the
items of changes.added / changes.deleted.

Yjs counts text in UTF-16 units, crdtcore in code points (or UTF-8 bytes: the receiving
document runs once in each unit): crdtcore's text deltas are converted with the text as it
was before the update.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from interop_util import interop_seeds, repro
from yjs_peer import YjsPeer, b64, yjs_available

from crdtcore import Array, Doc, Map, OffsetKind, Text

SCRIPT = Path(__file__).resolve().parent / "events_peer.mjs"
ROOT_TYPES = {"text": Text, "array": Array, "map": Map}
CHARS = ["a", "b", "c", "x", " ", "é", "😀", "🎉", "\n"]


@pytest.fixture(scope="module")
def events_peer():
    ok, why = yjs_available()
    if not ok:
        pytest.fail(f"Yjs peer unavailable: {why}", pytrace=False)
    peer = YjsPeer(script=SCRIPT).start()
    yield peer
    peer.close()


# -- random sessions ------------------------------------------------------------------------


def rand_text(rng: random.Random) -> str:
    return "".join(rng.choice(CHARS) for _ in range(rng.randint(1, 4)))


def rand_attrs(rng: random.Random) -> dict[str, Any]:
    return rng.choice([{"bold": True}, {"bold": None}, {"color": "red"}, {"color": None}])


def rand_value(rng: random.Random) -> Any:
    return rng.choice([rng.randint(-5, 100), rand_text(rng), True, None, {"k": 1}, [1, "a"]])


def rand_prelim(rng: random.Random) -> Any:
    kind = rng.randrange(3)
    if kind == 0:
        return Text(rand_text(rng))
    if kind == 1:
        return Array([rng.randint(0, 9)])
    return Map({"n": rng.randint(0, 9)})


def types_of(doc: Doc) -> list[Any]:
    """Every shared type of `doc` (roots and nested), depth-first."""
    out: list[Any] = []
    stack = [doc.get(name, type=cls) for name, cls in ROOT_TYPES.items()]
    while stack:
        t = stack.pop()
        out.append(t)
        if isinstance(t, Array):
            stack.extend(v for v in t if isinstance(v, (Text, Array, Map)))
        elif isinstance(t, Map):
            stack.extend(v for v in t.values() if isinstance(v, (Text, Array, Map)))
    return out


def edit_text(t: Text, rng: random.Random) -> None:
    n = len(t)
    r = rng.random()
    if r < 0.5 or n == 0:
        attrs = rand_attrs(rng) if rng.random() < 0.3 else None
        t.insert(rng.randint(0, n), rand_text(rng), attrs)
    elif r < 0.75:
        i = rng.randrange(n)
        del t[i : min(n, i + rng.randint(1, 3))]
    elif r < 0.95:
        i = rng.randrange(n)
        t.format(i, min(n, i + rng.randint(1, 4)), rand_attrs(rng))
    else:
        t.insert_embed(rng.randint(0, n), {"img": rng.randint(0, 9)})


def edit_array(a: Array, rng: random.Random) -> None:
    n = len(a)
    r = rng.random()
    if r < 0.45 or n == 0:
        a.insert(rng.randint(0, n), rand_value(rng))
    elif r < 0.6:
        a.insert(rng.randint(0, n), rand_prelim(rng))
    else:
        i = rng.randrange(n)
        del a[i : min(n, i + rng.randint(1, 2))]


def edit_map(m: Map, rng: random.Random) -> None:
    key = rng.choice("abcd")
    r = rng.random()
    if r < 0.5:
        m[key] = rand_value(rng)
    elif r < 0.7:
        m[key] = rand_prelim(rng)
    elif key in m:
        del m[key]


def random_edit(doc: Doc, rng: random.Random) -> None:
    t = rng.choice(types_of(doc))
    if isinstance(t, Text):
        edit_text(t, rng)
    elif isinstance(t, Array):
        edit_array(t, rng)
    else:
        edit_map(t, rng)


def session_updates(seed: int, steps: int = 60) -> list[bytes]:
    rng = random.Random(seed)
    peers = [Doc(client_id=c) for c in (11, 22, 33)]
    updates: list[bytes] = []
    for p in peers:
        for name, cls in ROOT_TYPES.items():
            p.get(name, type=cls)
        p.observe(lambda event: updates.append(event.update))
    for _ in range(steps):
        p = rng.choice(peers)
        if rng.random() < 0.15:
            q = rng.choice(peers)
            if q is not p:
                q.apply_update(p.get_update(q.get_state()))
            continue
        with p.transaction():
            for _ in range(rng.choice([1, 1, 1, 2, 3])):
                random_edit(p, rng)
    updates = [u for u in updates if u]
    order = list(updates) + [rng.choice(updates) for _ in range(len(updates) // 4)]
    rng.shuffle(order)
    # Every update at least once more at the end, in order, so the documents complete.
    return order + updates


# -- comparison ----------------------------------------------------------------------------


def utf16_len(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


def norm_value(v: Any) -> Any:
    if isinstance(v, Text):
        return {"$type": "text"}
    if isinstance(v, Array):
        return {"$type": "array"}
    if isinstance(v, Map):
        return {"$type": "map"}
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return v
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, list):
        return [norm_value(x) for x in v]
    if isinstance(v, dict):
        return {k: norm_value(x) for k, x in v.items()}
    return v


def text_delta_utf16(
    delta: list[dict[str, Any]], before: list[tuple[int, int]]
) -> list[dict[str, Any]]:
    """A text delta in the document's unit converted to UTF-16 units; `before` holds, for
    each character (or embed) of the text it applies to, its length in the document's unit
    and in UTF-16 units."""
    out = []
    pos = 0  # characters into `before`
    for op in delta:
        op = dict(op)
        if "retain" in op or "delete" in op:
            key = "retain" if "retain" in op else "delete"
            n = op[key]
            utf16 = 0
            while n > 0:
                doc_units, u16 = before[pos]
                assert doc_units <= n, f"delta splits a character: {delta}"
                n -= doc_units
                utf16 += u16
                pos += 1
            op[key] = utf16
        out.append(op)
    return out


def crdtcore_calls(
    doc: Doc, update: bytes, calls: list[Any], texts_before: dict[int, list[tuple[int, int]]]
) -> list[Any]:
    calls.clear()
    doc.apply_update(update)
    result = []
    for root, events in calls:
        views = []
        for e in events:
            kind = type(e.target).__name__.lower()
            if kind == "text":
                before = texts_before.get(e.target._identity(), [])
                delta = text_delta_utf16(e.delta, before)
            elif kind == "array":
                delta = e.delta
            else:
                delta = []
            keys = e.keys if kind == "map" else {}
            changes = e.changes
            views.append(
                {
                    "path": e.path,
                    "kind": kind,
                    "delta": delta,
                    "keys": keys,
                    "added": changes["added"],
                    "deleted": changes["deleted"],
                }
            )
        result.append({"root": root, "events": views})
    return norm_calls(result)


def norm_calls(calls: list[Any]) -> list[Any]:
    out = []
    for call in calls:
        events = []
        for e in call["events"]:
            delta = []
            for op in e["delta"]:
                op = dict(op)
                if "insert" in op and not isinstance(op["insert"], str):
                    op["insert"] = norm_value(op["insert"])
                if "attributes" in op:
                    op["attributes"] = norm_value(op["attributes"])
                delta.append(op)
            keys = {k: {f: norm_value(x) for f, x in ch.items()} for k, ch in e["keys"].items()}
            events.append(
                {
                    "path": list(e["path"]),
                    "kind": e["kind"],
                    "delta": delta,
                    "keys": keys,
                    "added": [list(r) for r in e["added"]],
                    "deleted": [list(r) for r in e["deleted"]],
                }
            )
        out.append({"root": call["root"], "events": events})
    return out


def text_units(t: Text, kind: OffsetKind) -> list[tuple[int, int]]:
    units: list[tuple[int, int]] = []
    for content, _attrs in t._diff():
        if isinstance(content, str):
            units.extend((kind.units(c), utf16_len(c)) for c in content)
        else:
            units.append((1, 1))
    return units


def texts_of(doc: Doc) -> dict[int, list[tuple[int, int]]]:
    kind = doc.offset_kind
    return {t._identity(): text_units(t, kind) for t in types_of(doc) if isinstance(t, Text)}


@pytest.mark.parametrize("kind", [OffsetKind.CODE_POINT, OffsetKind.UTF8])
@pytest.mark.parametrize("seed", interop_seeds(default=12, salt=7))
def test_remote_events_match_yjs(events_peer, seed, kind):
    updates = session_updates(seed)
    name = f"events-{seed}-{kind.value}"
    events_peer.request("create", doc=name, client_id=5)
    doc = Doc(client_id=5, offset_kind=kind)
    calls: list[Any] = []
    for root, cls in ROOT_TYPES.items():
        doc.get(root, type=cls).observe_deep(lambda events, root=root: calls.append((root, events)))
    for step, update in enumerate(updates):
        texts_before = texts_of(doc)
        ours = crdtcore_calls(doc, update, calls, texts_before)
        theirs = norm_calls(events_peer.request("apply", doc=name, update=b64(update))["calls"])
        assert ours == theirs, f"update {step} of {len(updates)}: {ours} != {theirs} " + repro(seed)
