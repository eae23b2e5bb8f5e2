"""UndoManager against Yjs: the same random sessions, the same documents, byte for byte.

Random sessions (fixed seeds plus random ones, see interop_util.interop_seeds) over two or
three documents, each with an UndoManager over a random subset of the roots text, array
and map (random ignore_remote_map_changes). Steps: transactions of one to three edits
(text inserts with and without attributes, deletes, formatting; array and map edits,
nested Text/Array/Map values and edits inside them) with a tracked (None) or an untracked
origin; syncs between documents in random directions (mostly with an untracked origin,
sometimes with None, which Yjs tracks); undo, redo, stop_capturing and clear. The same
steps run on crdtcore (Python) and on Yjs (node, undo_peer.mjs). After every step, for every
document: encodeStateAsUpdate bytes, the roots' JSON, the text's formatting and the
undo/redo stack lengths must be equal, and undo()/redo() must agree on whether they
changed something.

Capture timing is not comparable across processes: a session uses either timeout 0
(every transaction is a stack item) or an endless timeout (Yjs: 10**9 ms; crdtcore: the
same with an injected constant clock), so that only stop_capturing() and undo/redo end a
stack item. Text uses BMP characters only, so code-point and UTF-16 indices agree.
"""

from __future__ import annotations

import base64
import json
import random
from pathlib import Path
from typing import Any

import pytest
from interop_util import interop_seeds, repro
from yjs_peer import PeerError, YjsPeer, yjs_available

from crdtcore import Array, Doc, Map, Text, UndoManager

SCRIPT = Path(__file__).resolve().parent / "undo_peer.mjs"
ROOTS = ("text", "array", "map")
CHARS = "abcxyz é"
ENDLESS = 10**9
STEPS = 70


@pytest.fixture(scope="module")
def undo_peer():
    ok, why = yjs_available()
    if not ok:
        pytest.fail(f"Yjs peer unavailable: {why}", pytrace=False)
    peer = YjsPeer(script=SCRIPT).start()
    yield peer
    peer.close()


# -- the crdtcore side ------------------------------------------------------------------------


def roots(doc: Doc) -> dict[str, Any]:
    return {
        "text": doc.get("text", type=Text),
        "array": doc.get("array", type=Array),
        "map": doc.get("map", type=Map),
    }


def resolve(doc: Doc, target: list[Any]) -> Any:
    root = roots(doc)[target[0]]
    return root if len(target) == 1 else root[target[1]]


def make_value(v: Any) -> Any:
    if isinstance(v, dict) and "$type" in v:
        return {"text": Text, "array": Array, "map": Map}[v["$type"]]()
    return v


def run_op(doc: Doc, op: dict[str, Any]) -> None:
    t = resolve(doc, op["target"])
    kind = op["op"]
    if kind == "text_insert":
        t.insert(op["index"], op["text"], op["attrs"])
    elif kind == "text_delete":
        del t[op["index"] : op["index"] + op["len"]]
    elif kind == "text_format":
        t.format(op["index"], op["index"] + op["len"], op["attrs"])
    elif kind == "array_insert":
        t[op["index"] : op["index"]] = [make_value(v) for v in op["values"]]
    elif kind == "array_delete":
        del t[op["index"] : op["index"] + op["len"]]
    elif kind == "map_set":
        t[op["key"]] = make_value(op["value"])
    elif kind == "map_delete":
        del t[op["key"]]
    else:
        raise AssertionError(kind)


def run_step(docs: dict[str, Doc], ums: dict[str, UndoManager], step: dict[str, Any]) -> Any:
    kind = step["kind"]
    if kind == "txn":
        doc = docs[step["doc"]]
        with doc.transaction(origin=step["origin"]):
            for op in step["ops"]:
                run_op(doc, op)
    elif kind == "sync":
        src, dst = docs[step["from"]], docs[step["to"]]
        dst.apply_update(src.get_update(dst.get_state()), origin=step["origin"])
    elif kind == "undo":
        return ums[step["doc"]].undo()
    elif kind == "redo":
        return ums[step["doc"]].redo()
    elif kind == "stop":
        ums[step["doc"]].stop_capturing()
    elif kind == "clear":
        ums[step["doc"]].clear()
    return None


def state_of(doc: Doc, um: UndoManager) -> dict[str, Any]:
    r = roots(doc)
    return {
        "update": doc.get_update(),
        "json": json.dumps(
            {"text": str(r["text"]), "array": r["array"].to_py(), "map": r["map"].to_py()},
            sort_keys=True,
        ),
        "delta": [[chunk, attrs or None] for chunk, attrs in r["text"].diff()],
        "undo": len(um.undo_stack),
        "redo": len(um.redo_stack),
    }


def yjs_state(view: dict[str, Any]) -> dict[str, Any]:
    return {
        "update": base64.b64decode(view["update"]),
        "json": json.dumps(view["json"], sort_keys=True),
        "delta": [[d["insert"], d["attributes"]] for d in view["delta"]],
        "undo": view["undo"],
        "redo": view["redo"],
    }


# -- random steps (made from crdtcore's state, which must equal Yjs's) -------------------------


def rand_text(rng: random.Random) -> str:
    return "".join(rng.choice(CHARS) for _ in range(rng.randint(1, 3)))


def rand_attrs(rng: random.Random) -> dict[str, Any]:
    return rng.choice([{"bold": True}, {"bold": None}, {"color": "red"}, {"italic": True}])


def rand_value(rng: random.Random, nested: bool) -> Any:
    if nested and rng.random() < 0.3:
        return {"$type": rng.choice(ROOTS)}
    return rng.choice([rng.randint(0, 99), rand_text(rng), True, None, {"k": 1}, [1, "a"]])


def targets(doc: Doc) -> list[tuple[list[Any], str]]:
    out: list[tuple[list[Any], str]] = [([name], name) for name in ROOTS]
    r = roots(doc)
    kinds = {Text: "text", Array: "array", Map: "map"}
    for key in r["map"]:
        v = r["map"][key]
        if type(v) in kinds:
            out.append((["map", key], kinds[type(v)]))
    for i in range(len(r["array"])):
        v = r["array"][i]
        if type(v) in kinds:
            out.append((["array", i], kinds[type(v)]))
    return out


def rand_op(rng: random.Random, doc: Doc) -> dict[str, Any]:
    target, kind = rng.choice(targets(doc))
    t = resolve(doc, target)
    nested = len(target) == 1  # nested values only in the roots (two levels at most)
    n = len(t)
    if kind == "text":
        r = rng.random()
        if n == 0 or r < 0.5:
            attrs = rand_attrs(rng) if rng.random() < 0.3 else None
            return {
                "op": "text_insert",
                "target": target,
                "index": rng.randint(0, n),
                "text": rand_text(rng),
                "attrs": attrs,
            }
        i = rng.randrange(n)
        length = rng.randint(1, min(4, n - i))
        if r < 0.8:
            return {"op": "text_delete", "target": target, "index": i, "len": length}
        return {
            "op": "text_format",
            "target": target,
            "index": i,
            "len": length,
            "attrs": rand_attrs(rng),
        }
    if kind == "array":
        if n == 0 or rng.random() < 0.6:
            values = [rand_value(rng, nested)]
            if rng.random() < 0.3:
                values.append(rand_value(rng, False))
            return {
                "op": "array_insert",
                "target": target,
                "index": rng.randint(0, n),
                "values": values,
            }
        i = rng.randrange(n)
        return {
            "op": "array_delete",
            "target": target,
            "index": i,
            "len": rng.randint(1, min(2, n - i)),
        }
    keys = list(t.keys())
    if keys and rng.random() < 0.25:
        return {"op": "map_delete", "target": target, "key": rng.choice(keys)}
    return {
        "op": "map_set",
        "target": target,
        "key": rng.choice("abcd"),
        "value": rand_value(rng, nested),
    }


def rand_step(rng: random.Random, docs: dict[str, Doc]) -> dict[str, Any]:
    names = list(docs)
    r = rng.random()
    if r < 0.5:
        name = rng.choice(names)
        ops = []
        for _ in range(rng.choice([1, 1, 1, 2, 3])):
            ops.append(rand_op(rng, docs[name]))
            # later ops of the transaction are made from the state after the earlier ones
            run_op(docs[name], ops[-1])
        return {
            "kind": "txn",
            "doc": name,
            "origin": None if rng.random() < 0.75 else "other",
            "ops": ops,
        }
    if r < 0.65:
        src, dst = rng.sample(names, 2)
        return {
            "kind": "sync",
            "from": src,
            "to": dst,
            "origin": "remote" if rng.random() < 0.85 else None,
        }
    if r < 0.8:
        return {"kind": "undo", "doc": rng.choice(names)}
    if r < 0.9:
        return {"kind": "redo", "doc": rng.choice(names)}
    if r < 0.98:
        return {"kind": "stop", "doc": rng.choice(names)}
    return {"kind": "clear", "doc": rng.choice(names)}


# -- the session --------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", interop_seeds(default=25, salt=41))
def test_undo_manager_matches_yjs(undo_peer, seed):
    run_session(undo_peer, seed, STEPS)


# Long sessions that once differed from Yjs (seed: what was fixed): 98, the formatting
# clean-up's client order; 136, a deleted map's entries in key insertion order; 670 and
# 924, a remote item whose origin and right origin name the same unit (made by redo);
# 185, Yjs's own TypeError in redoItem (the comparison stops there).
@pytest.mark.parametrize("seed", [98, 136, 185, 670, 924])
def test_undo_manager_matches_yjs_regressions(undo_peer, seed):
    run_session(undo_peer, seed, 200)


def run_session(undo_peer: YjsPeer, seed: int, steps: int) -> None:
    rng = random.Random(seed)
    undo_peer.request("reset")
    names = ["a", "b", "c"][: rng.choice([2, 3])]
    docs: dict[str, Doc] = {}
    ums: dict[str, UndoManager] = {}
    # A scratch twin of each document, where rand_step tries a transaction's ops out (the
    # real documents then run them as one transaction).
    scratch: dict[str, Doc] = {}
    for i, name in enumerate(names):
        client = 10 + i
        scope = rng.sample(ROOTS, rng.randint(1, 3))
        endless = rng.random() < 0.5
        ignore = rng.random() < 0.25
        docs[name] = Doc(client_id=client)
        r = roots(docs[name])
        ums[name] = UndoManager(
            docs[name],
            scopes=[r[s] for s in scope],
            capture_timeout_millis=ENDLESS if endless else 0,
            timestamp=lambda: 1000,
            ignore_remote_map_changes=ignore,
        )
        undo_peer.request(
            "create",
            doc=name,
            client_id=client,
            scope=scope,
            capture_timeout=ENDLESS if endless else 0,
            ignore_remote_map_changes=ignore,
        )
    for index in range(steps):
        for name in names:
            scratch[name] = Doc(client_id=docs[name].client_id + 1000)
            scratch[name].apply_update(docs[name].get_update())
        step = rand_step(rng, scratch)
        where = repro(seed, step=index) + f" {json.dumps(step)}"
        mine = run_step(docs, ums, step)
        try:
            reply = undo_peer.request("step", step=step)
        except PeerError as e:
            # Yjs 13.6 throws a TypeError in redoItem when an item's parent type was
            # garbage-collected (its content is gone); crdtcore skips such an item. Nothing
            # after this step is comparable.
            if "redoItem" in str(e) and step["kind"] in ("undo", "redo"):
                return
            raise
        assert mine == reply["result"], f"undo/redo result differs {where}"
        for name in names:
            got = state_of(docs[name], ums[name])
            want = yjs_state(reply["docs"][name])
            assert got["json"] == want["json"], f"content of {name} differs {where}"
            assert got["delta"] == want["delta"], f"formatting of {name} differs {where}"
            assert got["update"] == want["update"], f"update bytes of {name} differ {where}"
            assert (got["undo"], got["redo"]) == (want["undo"], want["redo"]), (
                f"stack lengths (undo, redo) of {name} differ: crdtcore "
                f"{(got['undo'], got['redo'])}, Yjs {(want['undo'], want['redo'])} {where}"
            )
