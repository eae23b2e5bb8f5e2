"""Random multi-client edit sessions driven through the Python API (crdtcore or pycrdt).

The op mix mirrors lib/session_gen.mjs: roots "text" / "array" / "map", formatted inserts,
format ranges, embeds, nested Map / Array / Text values and edits inside them, pairwise syncs
of random client subsets between rounds and a full sync at the end. Text indices are `str`
indices (code points). pycrdt counts UTF-8 bytes instead, so sessions that include pycrdt
clients must use text_alphabet="ascii".

Every client may use a different module (`mods`), e.g. [crdtcore, pycrdt, crdtcore]: the
documents then exchange updates across implementations. Everything the session did is recorded:
  schedule  list of steps, in order:
              {"step": "txn", "client": i, "ops": [op...], "updates": [bytes...]}
              {"step": "sync", "src": i, "dst": j, "full": bool, "update": bytes,
               "updates": [bytes...]}           (events the receiving doc emitted)
  updates   every local per-transaction update, in order, as (client_index, bytes)
  relayed   update events of remote transactions (applying syncs), as (client_index, bytes)
  timeline  both kinds in the order they happened, as (client_index, bytes, is_local)
Ops use the op-log format of lib/replay.mjs, so the same edits can be replayed through Yjs.
"""

from __future__ import annotations

import base64
import os
import random
from typing import Any

from interop_util import ROOTS, decode_state_vector, root

ASCII_PIECES = ["a", "b", "c", "hello", " ", "xyz", "Q", "\n", "12", "The end."]
UNICODE_PIECES = ["漢字", "中", "é", "e\u0301", "😀", "👍🏽", "🇫🇷", "Ж", "\u00a0", "ß", "𝒳"]  # noqa: RUF001 - a non-BMP letter on purpose
MAP_KEYS = ["a", "b", "key", "k2", "", "1", "10", "z", "ключ", "😀", "鍵"]
INSERT_ATTRS = [{"bold": True}, {"italic": True, "color": "#f00"}, {}, {"bold": None}]
FORMAT_ATTRS = [
    {"bold": True},
    {"bold": None},
    {"italic": True, "color": "#f00"},
    {"italic": None},
    {"color": "#0f0"},
]
EMBEDS = [{"image": "a.png"}, {"formula": "x^2", "n": 3}, {"video": {"src": "v.mp4", "w": 640}}]
SPECIAL_NUMBERS = [
    2**31,
    -(2**31),
    2**31 - 1,
    2**40,
    2**53 - 1,
    -(2**53 - 1),
    1.5,
    -0.25,
    3.141592653589793,
    0.1,
    1e21,
    1e-7,
]


def tag(v: Any) -> Any:
    """Plain Python value -> tagged JSON (lib/view.mjs) for op logs."""
    if isinstance(v, (bytes, bytearray)):
        return {"$bytes": base64.b64encode(bytes(v)).decode("ascii")}
    if isinstance(v, (list, tuple)):
        return [tag(x) for x in v]
    if isinstance(v, dict):
        return {k: tag(x) for k, x in v.items()}
    return v


class PySession:
    """One seeded session; call run() once."""

    def __init__(
        self,
        mods: list[Any],
        seed: int,
        *,
        rounds: int = 6,
        max_ops: int = 4,
        attrs: bool = True,
        embeds: bool = True,
        nested: bool = True,
        text_alphabet: str = "full",
        big_client_ids: bool = True,
        group_p: float | None = None,
        client_ids: list[int] | None = None,
    ) -> None:
        if group_p is None:  # env knob for harness self-tests whose fake backend cannot group
            group_p = float(os.environ.get("CRDTCORE_INTEROP_GROUP_P", "0.25"))
        self.mods, self.seed = mods, seed
        self.rng = random.Random(seed)
        self.rounds, self.max_ops, self.group_p = rounds, max_ops, group_p
        self.attrs, self.embeds, self.nested = attrs, embeds, nested
        self.pieces = ASCII_PIECES + (UNICODE_PIECES if text_alphabet == "full" else [])
        self.client_ids = client_ids or self._pick_ids(len(mods), big_client_ids)
        self.docs = [m.Doc(client_id=c) for m, c in zip(mods, self.client_ids, strict=True)]
        self.schedule: list[dict[str, Any]] = []
        self.updates: list[tuple[int, bytes]] = []
        self.relayed: list[tuple[int, bytes]] = []
        self.timeline: list[tuple[int, bytes, bool]] = []
        self._events: list[list[bytes]] = [[] for _ in self.docs]
        self._remote = [False] * len(self.docs)
        self._subs = [d.observe(self._recorder(i)) for i, d in enumerate(self.docs)]
        for d, m in zip(self.docs, mods, strict=True):
            for name, kind in ROOTS.items():
                root(d, m, name, kind)

    # -- bookkeeping ---------------------------------------------------------------------------

    def _pick_ids(self, n: int, big: bool) -> list[int]:
        ids: list[int] = []
        while len(ids) < n:
            k = self.rng.choices([0, 1, 2], weights=[1, 4, 1 if big else 0])[0]
            c = (
                self.rng.randint(1, 10),
                self.rng.randint(0, 2**32 - 1),
                self.rng.randint(0, 2**53 - 1),
            )[k]
            if c not in ids:
                ids.append(c)
        return ids

    def _recorder(self, i: int):
        def on_event(event: Any) -> None:
            u = bytes(event.update)
            self._events[i].append(u)
            (self.relayed if self._remote[i] else self.updates).append((i, u))
            self.timeline.append((i, u, not self._remote[i]))

        return on_event

    def _take(self, i: int) -> list[bytes]:
        out, self._events[i] = self._events[i], []
        return out

    # -- values --------------------------------------------------------------------------------

    def _text(self) -> str:
        return "".join(self.rng.choice(self.pieces) for _ in range(self.rng.randint(1, 3)))

    def _number(self) -> int | float:
        k = self.rng.randint(0, 3)
        if k == 0:
            return self.rng.randint(-100, 100)
        if k == 1:
            return self.rng.randint(-(2**31) + 1, 2**31 - 1)
        return self.rng.choice(SPECIAL_NUMBERS)

    def _plain(self, depth: int = 0) -> Any:
        k = self.rng.choices(range(7), weights=[3, 3, 1, 1, 1, 1, 1])[0]
        if k == 0:
            return self._number()
        if k == 1:
            return "" if self.rng.random() < 0.1 else self._text()
        if k == 2:
            return self.rng.random() < 0.5
        if k == 3:
            return None
        if k == 4:
            return bytes(self.rng.randint(0, 255) for _ in range(self.rng.randint(0, 4)))
        if depth >= 2:
            return self._number()
        if k == 5:
            return {
                self.rng.choice(MAP_KEYS): self._plain(depth + 1)
                for _ in range(self.rng.randint(0, 3))
            }
        return [self._plain(depth + 1) for _ in range(self.rng.randint(0, 3))]

    def _prelim(self, mod: Any, depth: int = 0) -> tuple[Any, Any]:
        """(preliminary shared type of `mod`, its op-log encoding)."""
        k = self.rng.randint(0, 2)
        if k == 0:
            init, logged = {}, {}
            for _ in range(self.rng.randint(0, 2)):
                key = self.rng.choice(MAP_KEYS)
                init[key], logged[key] = self._value_or_prelim(mod, depth)
            # pairs, not an object: the replay must set keys in this order (lib/replay.mjs)
            return mod.Map(init), {"$new": "map", "init": [[k, x] for k, x in logged.items()]}
        if k == 1:
            pairs = [self._value_or_prelim(mod, depth) for _ in range(self.rng.randint(0, 2))]
            logged = {"$new": "array", "init": [p[1] for p in pairs]}
            return mod.Array([p[0] for p in pairs]), logged
        s = self._text() if self.rng.random() < 0.7 else ""
        return mod.Text(s), {"$new": "text", "init": s}

    def _value_or_prelim(self, mod: Any, depth: int) -> tuple[Any, Any]:
        if depth < 1 and self.rng.random() < 0.2:
            return self._prelim(mod, depth + 1)
        v = self._plain(1)
        return v, tag(v)

    def _value(self, mod: Any) -> tuple[Any, Any]:
        if self.nested and self.rng.random() < 0.2:
            return self._prelim(mod)
        v = self._plain()
        return v, tag(v)

    # -- ops -----------------------------------------------------------------------------------

    def _range(self, n: int) -> tuple[int, int] | None:
        if n == 0:
            return None
        a = self.rng.randint(0, n - 1)
        return a, self.rng.randint(a + 1, min(n, a + 5))

    def _attrs(self, choices: list[dict], p: float) -> dict | None:
        """A copy of one of `choices` with probability p (when attributes are on), else None."""
        return dict(self.rng.choice(choices)) if self.attrs and self.rng.random() < p else None

    def _text_op(self, t: Any, path: list, log: list) -> None:
        n = len(t)
        k = self.rng.choices(
            range(4), weights=[5, 2, 1.5 if self.attrs else 0, 0.7 if self.embeds else 0]
        )[0]
        if k == 0:
            i, s = self.rng.randint(0, n), self._text()
            attrs = self._attrs(INSERT_ATTRS, 0.5)
            t.insert(i, s, attrs)
            log.append({"path": path, "op": "insert", "index": i, "text": s, "attrs": attrs})
        elif k == 1:
            r = self._range(n)
            if r:
                del t[r[0] : r[1]]
                log.append({"path": path, "op": "delete", "index": r[0], "length": r[1] - r[0]})
        elif k == 2:
            r = self._range(n)
            if r:
                attrs = dict(self.rng.choice(FORMAT_ATTRS))
                t.format(r[0], r[1], attrs)
                log.append(
                    {
                        "path": path,
                        "op": "format",
                        "index": r[0],
                        "length": r[1] - r[0],
                        "attrs": attrs,
                    }
                )
        else:
            i, e = self.rng.randint(0, n), dict(self.rng.choice(EMBEDS))
            attrs = self._attrs(INSERT_ATTRS[:2], 0.4)
            log.append(
                {"path": path, "op": "insert_embed", "index": i, "value": tag(e), "attrs": attrs}
            )
            t.insert_embed(i, e, attrs)

    def _array_op(self, a: Any, mod: Any, path: list, log: list) -> None:
        n = len(a)
        k = self.rng.choices(range(5), weights=[2, 2, 2 if n else 0, 1, 1])[0]
        if k in (0, 1):  # insert one value / several values at an index
            i = self.rng.randint(0, n)
            pairs = [self._value(mod) for _ in range(1 if k == 0 else self.rng.randint(1, 3))]
            if k == 0:
                a.insert(i, pairs[0][0])
            else:
                a[i:i] = [p[0] for p in pairs]
            log.append({"path": path, "op": "insert", "index": i, "values": [p[1] for p in pairs]})
        elif k == 2:
            i = self.rng.randint(0, n - 1)
            j = self.rng.randint(i + 1, min(n, i + 3))
            if j == i + 1 and self.rng.random() < 0.5:
                del a[i]
            else:
                del a[i:j]
            log.append({"path": path, "op": "delete", "index": i, "length": j - i})
        else:  # append / extend: replayed in Yjs as insert(length, ...) (lib/replay.mjs)
            pairs = [self._value(mod) for _ in range(1 if k == 3 else self.rng.randint(1, 2))]
            if k == 3:
                a.append(pairs[0][0])
            else:
                a.extend([p[0] for p in pairs])
            log.append({"path": path, "op": "insert", "index": n, "values": [p[1] for p in pairs]})

    def _map_op(self, m: Any, mod: Any, path: list, log: list) -> None:
        keys = list(m.keys())
        if keys and self.rng.random() < 0.25:
            key = self.rng.choice(sorted(keys))
            del m[key]
            log.append({"path": path, "op": "delete", "key": key})
        else:
            key = self.rng.choice(MAP_KEYS)
            v, logged = self._value(mod)
            m[key] = v
            log.append({"path": path, "op": "set", "key": key, "value": logged})

    def _targets(self, t: Any, mod: Any, path: list, out: list) -> None:
        if isinstance(t, mod.Array):
            children = list(enumerate(t))
        elif isinstance(t, mod.Map):
            children = [(k, t[k]) for k in sorted(t.keys())]
        else:
            return
        for step, v in children:
            if isinstance(v, (mod.Text, mod.Array, mod.Map)):
                out.append((v, [*path, step]))
                self._targets(v, mod, [*path, step], out)

    def _op(self, i: int, log: list) -> None:
        doc, mod = self.docs[i], self.mods[i]
        roots = [(root(doc, mod, name, kind), [name]) for name, kind in ROOTS.items()]
        target, path = self.rng.choice(roots)
        if self.nested and self.rng.random() < 0.4:
            nested: list = []
            for t, p in roots:
                self._targets(t, mod, p, nested)
            if nested:
                target, path = self.rng.choice(nested)
        if isinstance(target, mod.Text):
            self._text_op(target, path, log)
        elif isinstance(target, mod.Array):
            self._array_op(target, mod, path, log)
        else:
            self._map_op(target, mod, path, log)

    # -- session -------------------------------------------------------------------------------

    def sync(self, src: int, dst: int, full: bool) -> None:
        a, b = self.docs[src], self.docs[dst]
        update = a.get_update() if full else a.get_update(b.get_state())
        self._remote[dst] = True
        try:
            b.apply_update(update)
        finally:
            self._remote[dst] = False
        self.schedule.append(
            {
                "step": "sync",
                "src": src,
                "dst": dst,
                "full": full,
                "update": update,
                "updates": self._take(dst),
            }
        )

    def run(self) -> PySession:
        n = len(self.docs)
        for _ in range(self.rounds):
            for i, doc in enumerate(self.docs):
                for _ in range(self.rng.randint(1, self.max_ops)):
                    log: list = []
                    count = self.rng.randint(2, 3) if self.rng.random() < self.group_p else 1
                    with doc.transaction():
                        for _ in range(count):
                            self._op(i, log)
                    self.schedule.append(
                        {"step": "txn", "client": i, "ops": log, "updates": self._take(i)}
                    )
            subset = self.rng.sample(range(n), self.rng.randint(0, n))
            for s in subset:
                for d in subset:
                    if s != d:
                        self.sync(s, d, self.rng.random() < 0.15)
        for _ in range(20):  # full sync until nobody emits anything new
            before = len(self.updates)
            for s in range(n):
                for d in range(n):
                    if s != d:
                        self.sync(s, d, False)
            states = [decode_state_vector(bytes(d.get_state())) for d in self.docs]
            if len(self.updates) == before and all(st == states[0] for st in states):
                return self
        raise AssertionError(f"seed {self.seed}: Python session did not quiesce")


def replay_in_yjs(peer: Any, make_doc: Any, session: PySession) -> list[str]:
    """Performs `session`'s schedule through Yjs (same client ids, same ops, same syncs) and
    returns byte mismatches against what the Python documents produced, as messages:
      txn steps   the local update of each transaction
      sync steps  the update sent (get_update(state) vs encodeStateAsUpdate(doc, sv)) and the
                  update events the receiver emitted (remote transaction, format cleanup)
    `make_doc(client_id)` creates a peer document and returns its name."""
    names = [make_doc(c) for c in session.client_ids]
    problems: list[str] = []
    for k, st in enumerate(session.schedule):
        if st["step"] == "txn":
            events = peer.replay_ops(names[st["client"]], [st["ops"]])
            got = [e["update"] for e in events if e["local"]]
            if got != st["updates"]:
                problems.append(
                    f"step {k} txn of client {st['client']} ops={st['ops']!r:.600}: "
                    f"yjs {[list(u) for u in got]!r:.600} vs python "
                    f"{[list(u) for u in st['updates']]!r:.600}"
                )
        else:
            src, dst = names[st["src"]], names[st["dst"]]
            sv = None if st["full"] else peer.encode_state_vector(dst)
            update = peer.encode_state_as_update(src, sv)
            if update != st["update"]:
                problems.append(
                    f"step {k} sync {st['src']}->{st['dst']} full={st['full']}: "
                    f"yjs {list(update)!r:.600} vs python {list(st['update'])!r:.600}"
                )
            got = [e["update"] for e in peer.apply_update(dst, update)]
            if got != st["updates"]:
                problems.append(
                    f"step {k} sync {st['src']}->{st['dst']}: receiver events "
                    f"yjs {[list(u) for u in got]!r:.600} vs python "
                    f"{[list(u) for u in st['updates']]!r:.600}"
                )
        if len(problems) >= 5:
            break
    return problems
