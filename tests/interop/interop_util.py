"""Shared helpers of the interop tests: seeds, canonical values, document views, comparisons.

Canonical form (`canon`): what two implementations must agree on, independent of how each
binding spells numbers. `bool` -> ("b", v) and every number -> ("n", float(v)) so that
True != 1 and 1 == 1.0; bytes-like -> bytes; lists, dicts, str unchanged in shape.
Shared types (deep views) -> ("text", normalized delta) / ("array", [...]) / ("map", {...}).

The Yjs peer returns "tagged JSON" (lib/view.mjs); `canon_tagged` maps it to the same form.
"""

from __future__ import annotations

import base64
import os
import random
from collections.abc import Iterable
from typing import Any

DEFAULT_SEEDS = 20
ROOTS = {"text": "text", "array": "array", "map": "map"}
# Aspects compared when formatting may legitimately differ (other delivery order, or a peer
# without Yjs's format cleanup): text and values only.
CONTENT = ("string", "json")


# -- seeds ------------------------------------------------------------------------------------


def interop_seeds(default: int = DEFAULT_SEEDS, salt: int = 0) -> list[int]:
    """Seeds for parametrized interop tests.

    CRDTCORE_INTEROP_SEED=1,2,3   exactly these seeds (reproduce a failure)
    CRDTCORE_INTEROP_SEEDS=N      N seeds (default `default`)
    CRDTCORE_INTEROP_RANDOM=1     random seeds instead of fixed ones; the seed is in the test id
    CRDTCORE_INTEROP_EXTRA=K      K random seeds added to the fixed ones (default 2, so every
                                  run also explores new sessions; 0 for a fully fixed run)
    `salt` shifts the fixed seeds so that different tests do not all use the same sessions.
    A failing test's id and message name its seed and the command that reruns it.
    """
    explicit = os.environ.get("CRDTCORE_INTEROP_SEED")
    if explicit:
        return [int(s) for s in explicit.replace(" ", "").split(",") if s]
    n = int(os.environ.get("CRDTCORE_INTEROP_SEEDS", default))
    if os.environ.get("CRDTCORE_INTEROP_RANDOM"):
        sysrand = random.SystemRandom()
        return [sysrand.randrange(2**31) for _ in range(n)]
    fixed = [salt * 100_000 + i for i in range(n)]
    extra = int(os.environ.get("CRDTCORE_INTEROP_EXTRA", "2"))
    sysrand = random.SystemRandom()
    return fixed + [1_000_000_000 + sysrand.randrange(2**30) for _ in range(extra)]


def repro(seed: int, **extra: Any) -> str:
    """Message suffix telling how to rerun one seed."""
    bits = "".join(f" {k}={v}" for k, v in extra.items())
    return f"[seed={seed}{bits}; rerun with CRDTCORE_INTEROP_SEED={seed}]"


def shuffled_with_duplicates(items: list[Any], rng: random.Random, dup_p: float = 0.3) -> list[Any]:
    """`items` plus random repeats of some of them, in random order."""
    out = list(items) + [x for x in items if rng.random() < dup_p]
    rng.shuffle(out)
    return out


# -- canonical values -------------------------------------------------------------------------


def canon(v: Any) -> Any:
    """Canonical form of a plain Python value (see module docstring)."""
    if v is None:
        return None
    if isinstance(v, bool):
        return ("b", v)
    if isinstance(v, (int, float)):
        return ("n", float(v))
    if isinstance(v, str):
        return v
    if isinstance(v, (bytes, bytearray, memoryview)):
        return bytes(v)
    if isinstance(v, (list, tuple)):
        return [canon(x) for x in v]
    if isinstance(v, dict):
        return {k: canon(x) for k, x in v.items()}
    raise TypeError(f"cannot canonicalize {type(v).__name__}: {v!r}")


def canon_tagged(v: Any) -> Any:
    """Canonical form of a tagged-JSON value coming from the Yjs peer."""
    if isinstance(v, dict):
        if len(v) == 1:
            ((k, x),) = v.items()
            if k == "$bytes":
                return base64.b64decode(x)
            if k == "$bigint":
                return ("n", float(int(x)))
            if k == "$number":
                return ("n", float(x))
            if k == "$text":
                return (
                    "text",
                    normalize_delta(
                        [(op["insert"], op.get("attributes")) for op in x], canon_tagged
                    ),
                )
            if k == "$array":
                return ("array", [canon_tagged(y) for y in x])
            if k == "$map":
                return ("map", {key: canon_tagged(y) for key, y in x.items()})
        return {k: canon_tagged(x) for k, x in v.items()}
    if isinstance(v, list):
        return [canon_tagged(x) for x in v]
    return canon(v)


def normalize_delta(chunks: Iterable[tuple[Any, dict | None]], conv=canon) -> list[dict]:
    """Canonical rich-text delta: adjacent strings with equal attributes merged, empty dropped,
    attributes without None values, `conv` applied to embeds and attribute values."""
    out: list[dict] = []
    for content, attrs in chunks:
        a = {k: conv(x) for k, x in (attrs or {}).items() if x is not None}
        if isinstance(content, str):
            if content == "":
                continue
            if out and isinstance(out[-1]["insert"], str) and out[-1]["attributes"] == a:
                out[-1]["insert"] += content
                continue
            out.append({"insert": content, "attributes": a})
        else:
            out.append({"insert": conv(content), "attributes": a})
    return out


def exact_delta_tagged(delta: list[dict]) -> list[dict]:
    """A Yjs toDelta() result with values canonicalized but chunking kept as is."""
    return [
        {
            "insert": op["insert"] if isinstance(op["insert"], str) else canon_tagged(op["insert"]),
            "attributes": {k: canon_tagged(x) for k, x in (op.get("attributes") or {}).items()},
        }
        for op in delta
    ]


def exact_delta_py(delta: list[dict], mod: Any) -> list[dict]:
    """crdtcore's Text.to_delta() in the form of exact_delta_tagged()."""
    return [
        {
            "insert": op["insert"]
            if isinstance(op["insert"], str)
            else deep_view(op["insert"], mod),
            "attributes": {k: canon(x) for k, x in (op.get("attributes") or {}).items()},
        }
        for op in delta
    ]


# -- views of Python documents (crdtcore or pycrdt: same API) ---------------------------------


def text_chunks(t: Any) -> list[tuple[Any, dict | None]]:
    """(content, attributes) chunks of a Text; to_delta() when the binding has it."""
    if hasattr(t, "to_delta"):
        return [(op["insert"], op.get("attributes")) for op in t.to_delta()]
    return list(t.diff())


def deep_view(v: Any, mod: Any) -> Any:
    """Canonical deep view of a value read from a `mod` (crdtcore / pycrdt) document."""
    if isinstance(v, mod.Text):
        return ("text", normalize_delta(text_chunks(v), lambda x: deep_view(x, mod)))
    if isinstance(v, mod.Array):
        return ("array", [deep_view(x, mod) for x in v])
    if isinstance(v, mod.Map):
        return ("map", {k: deep_view(v[k], mod) for k in list(v.keys())})
    return canon(v)


def root(doc: Any, mod: Any, name: str, kind: str) -> Any:
    cls = {"text": mod.Text, "array": mod.Array, "map": mod.Map}[kind]
    return doc.get(name, type=cls)


def new_doc(mod: Any, **kwargs: Any) -> Any:
    """`mod.Doc(**kwargs)` with the session roots typed before any update arrives. Yjs's format
    cleanup after remote transactions depends on it (yjs_peer.mjs create_doc), so every doc
    compared with a Yjs reference is made this way, as Yjs docs are."""
    doc = mod.Doc(**kwargs)
    for name, kind in ROOTS.items():
        root(doc, mod, name, kind)
    return doc


def py_views(doc: Any, mod: Any, roots: dict[str, str] = ROOTS) -> dict[str, dict[str, Any]]:
    """{root: {"json": canon(to_py()), "deep": deep view, "string"?: str}} of a Python doc."""
    out = {}
    for name, kind in roots.items():
        t = root(doc, mod, name, kind)
        entry = {"json": canon(t.to_py() if kind != "text" else str(t)), "deep": deep_view(t, mod)}
        if kind == "text":
            entry["string"] = str(t)
        out[name] = entry
    return out


def yjs_views(raw: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The same shape from a peer `view` / session `final` result."""
    out = {}
    for name, r in raw.items():
        entry = {"json": canon_tagged(r["json"]), "deep": canon_tagged(r["deep"])}
        if r["kind"] == "text":
            entry["string"] = r["string"]
        out[name] = entry
    return out


# -- comparison -------------------------------------------------------------------------------


def first_difference(a: Any, b: Any, path: str = "") -> str | None:
    """Human-readable location of the first difference between two canonical values."""
    if type(a) is not type(b):
        return f"{path or '<top>'}: {a!r:.200} != {b!r:.200}"
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b), key=str):
            if k not in a or k not in b:
                return f"{path}/{k}: only in {'right' if k not in a else 'left'}"
            d = first_difference(a[k], b[k], f"{path}/{k}")
            if d:
                return d
        return None
    if isinstance(a, (list, tuple)):
        for i, (x, y) in enumerate(zip(a, b, strict=False)):  # lengths compared below
            d = first_difference(x, y, f"{path}[{i}]")
            if d:
                return d
        if len(a) != len(b):
            return f"{path}: length {len(a)} != {len(b)}"
        return None
    return None if a == b else f"{path or '<top>'}: {a!r:.200} != {b!r:.200}"


def assert_same_views(
    expected: dict, actual: dict, what: str, aspects: tuple[str, ...] = ("string", "json", "deep")
) -> None:
    """Asserts two view dicts (yjs_views / py_views) agree; `what` names the comparison."""
    problems = []
    for name in expected:
        for aspect in aspects:
            if aspect not in expected[name]:
                continue
            e, a = expected[name][aspect], actual[name].get(aspect)
            if e != a:
                problems.append(f"root {name!r} {aspect}: {first_difference(e, a)}")
    assert not problems, f"{what}:\n  " + "\n  ".join(problems)


def yjs_view_after(yjs: Any, yjs_doc: Any, updates: list[bytes]) -> tuple[dict, bytes]:
    """(views, state vector) of a fresh Yjs doc after applying `updates` in this order —
    the reference for any implementation that applied the same sequence."""
    name = yjs_doc()
    yjs.apply_updates(name, updates)
    return yjs_views(yjs.view(name, ROOTS)), yjs.encode_state_vector(name)


def hexdiff(expected: bytes, actual: bytes) -> str:
    """Short description of where two byte strings first differ."""
    if expected == actual:
        return "identical"
    n = next(
        (i for i, (x, y) in enumerate(zip(expected, actual, strict=False)) if x != y),
        min(len(expected), len(actual)),
    )
    lo = max(0, n - 8)
    return (
        f"first difference at byte {n} (len {len(expected)} vs {len(actual)}): "
        f"expected ...{list(expected[lo : n + 12])} got ...{list(actual[lo : n + 12])}"
    )


# -- tiny lib0 readers (test-side decoding of state vectors) ----------------------------------


def read_var_uint(data: bytes, pos: int) -> tuple[int, int]:
    """lib0 varUint at `pos` -> (value, next position)."""
    value, shift = 0, 0
    while True:
        if pos >= len(data):
            raise ValueError("truncated varUint")
        b = data[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        shift += 7
        if b < 0x80:
            return value, pos


def decode_state_vector(data: bytes) -> dict[int, int]:
    """State vector bytes -> {client: clock} (order-insensitive comparison of peers)."""
    n, pos = read_var_uint(data, 0)
    out = {}
    for _ in range(n):
        client, pos = read_var_uint(data, pos)
        out[client], pos = read_var_uint(data, pos)
    if pos != len(data):
        raise ValueError("trailing bytes after state vector")
    return out


def write_var_uint(n: int) -> bytes:
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def encode_state_vector(sv: dict[int, int], order: list[int] | None = None) -> bytes:
    """{client: clock} -> state vector bytes; clients descending (Yjs order) unless `order`."""
    clients = order if order is not None else sorted(sv, reverse=True)
    return write_var_uint(len(clients)) + b"".join(
        write_var_uint(c) + write_var_uint(sv[c]) for c in clients
    )


def in_order_with_duplicates(items: list[Any], rng: random.Random, dup_p: float = 0.3) -> list[Any]:
    """`items` in their order, plus repeats of some, each placed somewhere after its original.
    For receivers that mishandle out-of-order delivery (pycrdt/yrs loses content then)."""
    out = []
    pending: list[tuple[int, Any]] = []
    for i, x in enumerate(items):
        out.append(x)
        if rng.random() < dup_p:
            pending.append((rng.randint(i, len(items) - 1), x))
        out.extend(d for due, d in pending if due == i)
        pending = [(due, d) for due, d in pending if due != i]
    return out
