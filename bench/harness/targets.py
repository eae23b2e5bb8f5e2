"""The issue's performance targets, evaluated on a results document (never as timed tests).

Each target compares medians measured in the same run, each peer at its best: the lower of its
cold and warm medians (results.best_ms; every runner reports a warm one), and the best of its
variants (plan.Lib.variant_of: Yjs's CommonJS build counts as Yjs when measured). crdtcore is
taken at its best the same way (the lower of its cold and warm medians). A peer that failed (wrong result, crash,
timeout) counts as slower than crdtcore when crdtcore finished; a peer that is unsupported or
was not measured is left out of the comparison, and the detail text names it. A target with
nothing to compare is "not measured" (passed = None), never a pass.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .growth import flat_ratio
from .plan import GROWTH_WORKLOAD, LIBS, family
from .results import best_is_warm, best_ms

PYTHON_PEERS = ("pycrdt", "loro-py", "automerge-py")
YJS_FORMAT_PEERS = ("pycrdt", "yjs", "ywasm")
# "Per-operation cost flat on B4 x1..x10": the median cost per patch of pass 10 of b4x10
# (marginal, from its checkpoints) within this factor of that of pass 1.
FLAT_GROWTH_TOLERANCE = 1.3
FLAT_GROWTH_NAME = "flat per-patch cost over B4 x10 passes"
CRDTCORE = ("crdtcore-cpp", "crdtcore-py")
# Issue 12: C++ replay at least this much faster than diamond-types (at its best: warm), and
# automerge-paper under this many milliseconds on the benchmark machine.
DT_FACTOR = 2.0
DT_NAME = "C++ replay >= 2x faster than diamond-types"
ABSOLUTE_REPLAY = ("automerge-paper", 25.0)
ABSOLUTE_NAME = f"C++ replay of {ABSOLUTE_REPLAY[0]} <= {ABSOLUTE_REPLAY[1]:g} ms"
# Issue 12: remote updates (one update per transaction, and the concurrent traces) faster than
# every peer, from C++ and from Python.
REMOTE_NAMES = {
    "replay_sync": "remote updates (replay_sync) faster than every peer",
    "concurrent": "concurrent traces faster than every peer",
}


@dataclass
class Target:
    """One pass/fail line: ``passed`` is None when it could not be evaluated."""

    group: str
    input: str
    lib: str
    name: str
    passed: bool | None
    detail: str
    ratio: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _index(cells: list[dict[str, Any]]) -> dict[tuple[str, str, str], dict[str, Any]]:
    return {(c["group"], c["input"], c["lib"]): c for c in cells}


def _mem(cell: dict[str, Any]) -> float | None:
    return cell.get("mem_bytes")


def _compare(
    ours: dict[str, Any] | None,
    peers: list[dict[str, Any] | None],
    names: list[str],
    factor: float,
    value: Callable[[dict[str, Any]], float | None] = best_ms,
) -> tuple[bool | None, str, float | None]:
    """Whether ours * factor < every peer's ``value`` (lower is better; default: best_ms).

    The detail names the closest peer and its ratio peer / crdtcore (above 1: crdtcore ahead),
    and says when that peer's figure is its warm one or a variant's.
    """
    if ours is None or not ours["ok"] or value(ours) is None:
        return None, "crdtcore not measured" if ours is None else "crdtcore failed", None
    mine = value(ours) * factor
    compared, failed_peers, missing, worst = [], [], [], None
    for name, peer in zip(names, peers, strict=True):
        if peer is None or peer.get("unsupported") or (peer["ok"] and value(peer) is None):
            missing.append(name)
        elif not peer["ok"]:
            failed_peers.append(name)
        else:
            compared.append(name)
            ratio = value(peer) / value(ours)
            if worst is None or ratio < worst[1]:
                how = [peer["lib"]] if peer.get("lib", name) != name else []
                if value is best_ms and best_is_warm(peer):
                    how.append("warm")
                worst = (f"{name} ({', '.join(how)})" if how else name, ratio)
    if not compared and not failed_peers:
        return None, "no peer measured", None
    passed = all(mine < value(p) for p in peers if p and p["ok"] and value(p) is not None)
    parts = []
    if worst:
        parts.append(f"closest: {worst[0]} at {worst[1]:.3g}x")
    if failed_peers:
        parts.append(f"{', '.join(failed_peers)} failed")
    if missing:
        parts.append(f"without {', '.join(missing)}")
    return passed, "; ".join(parts), worst[1] if worst else None


def _peer_list(
    cells: list[dict[str, Any]],
    group: str,
    inp: str,
    names: list[str],
    value: Callable[[dict[str, Any]], float | None] = best_ms,
) -> list[dict[str, Any] | None]:
    """For each peer name, its best cell among its variants (plan.family): the fastest ok one
    by ``value``, else an ok one without a figure, else a failed or unsupported one."""
    out: list[dict[str, Any] | None] = []
    for name in names:
        mine = [
            c
            for c in cells
            if c["group"] == group and c["input"] == inp and family(c["lib"]) == name
        ]
        timed = [c for c in mine if c["ok"] and value(c) is not None]
        if timed:
            out.append(min(timed, key=lambda c: (value(c), c["lib"] != name)))
            continue
        ok = [c for c in mine if c["ok"]]
        failed = [c for c in mine if not c["ok"] and not c.get("unsupported")]
        out.append((ok or failed or mine or [None])[0])
    return out


def _absolute(cpp: dict[str, Any], inp: str) -> Target:
    """The issue's absolute figure for the C++ replay of ``inp``: its median, in ms."""
    limit = ABSOLUTE_REPLAY[1]
    if not cpp["ok"] or cpp.get("median_ms") is None:
        return Target("replay", inp, "crdtcore-cpp", ABSOLUTE_NAME, None, "crdtcore failed")
    ms = cpp["median_ms"]
    detail = f"median {ms:.3g} ms (limit {limit:g} ms)"
    return Target("replay", inp, "crdtcore-cpp", ABSOLUTE_NAME, ms <= limit, detail, limit / ms)


def evaluate(doc: dict[str, Any]) -> list[Target]:
    """Every target of the issue that the cells of ``doc`` allow to evaluate."""
    cells = doc["cells"]
    idx = _index(cells)
    out: list[Target] = []
    non_crdtcore = [n for n, lib in LIBS.items() if n not in CRDTCORE and not lib.variant_of]

    for inp in sorted({c["input"] for c in cells if c["group"] == "replay"}):
        cpp, py = idx.get(("replay", inp, "crdtcore-cpp")), idx.get(("replay", inp, "crdtcore-py"))
        checks = [
            (cpp, "crdtcore-cpp", "C++ replay faster than every peer", non_crdtcore, 1.0),
            (cpp, "crdtcore-cpp", DT_NAME, ["diamond-types"], DT_FACTOR),
            (
                py,
                "crdtcore-py",
                "Python replay >= 3x faster than Python peers",
                list(PYTHON_PEERS),
                3.0,
            ),
            (py, "crdtcore-py", "Python replay >= 15x faster than Yjs (node)", ["yjs"], 15.0),
            (py, "crdtcore-py", "Python replay faster than Loro (node)", ["loro"], 1.0),
        ]
        for ours, lib, name, peers, factor in checks:
            if ours is None:
                continue
            passed, detail, ratio = _compare(
                ours, _peer_list(cells, "replay", inp, peers), peers, factor
            )
            out.append(Target("replay", inp, lib, name, passed, detail, ratio))
        if inp == ABSOLUTE_REPLAY[0] and cpp is not None:
            out.append(_absolute(cpp, inp))

    for group, remote_name in REMOTE_NAMES.items():
        for inp in sorted({c["input"] for c in cells if c["group"] == group}):
            for lib in CRDTCORE:
                ours = idx.get((group, inp, lib))
                if ours is None:
                    continue
                passed, detail, ratio = _compare(
                    ours, _peer_list(cells, group, inp, non_crdtcore), non_crdtcore, 1.0
                )
                out.append(Target(group, inp, lib, remote_name, passed, detail, ratio))

    for group in ("encode", "load"):
        for inp in sorted({c["input"] for c in cells if c["group"] == group}):
            for lib in CRDTCORE:
                ours = idx.get((group, inp, lib))
                if ours is None:
                    continue
                peers = list(YJS_FORMAT_PEERS)
                passed, detail, ratio = _compare(
                    ours, _peer_list(cells, group, inp, peers), peers, 1.0
                )
                out.append(
                    Target(
                        group,
                        inp,
                        lib,
                        f"{group} faster than Yjs-format peers",
                        passed,
                        detail,
                        ratio,
                    )
                )
                if group == "load":
                    passed, detail, ratio = _compare(
                        ours,
                        _peer_list(cells, group, inp, ["yjs"], _mem),
                        ["yjs"],
                        2.0,
                        value=_mem,
                    )
                    out.append(
                        Target(
                            group,
                            inp,
                            lib,
                            "loaded doc memory <= 1/2 of Yjs",
                            passed,
                            detail,
                            ratio,
                        )
                    )

    for lib in CRDTCORE:
        cell = next(
            (c for c in cells if c["lib"] == lib and c["workload"] == GROWTH_WORKLOAD), None
        )
        if cell is None:
            continue
        ratio = flat_ratio(cell.get("checkpoints") or []) if cell["ok"] else None
        if ratio is None:
            why = "b4x10 failed" if not cell["ok"] else "b4x10 has no checkpoints"
            out.append(Target("growth_history", "b4x10", lib, FLAT_GROWTH_NAME, None, why))
            continue
        out.append(
            Target(
                "growth_history",
                "b4x10",
                lib,
                FLAT_GROWTH_NAME,
                ratio <= FLAT_GROWTH_TOLERANCE,
                f"the last pass costs {ratio:.2f}x pass 1 per patch (limit {FLAT_GROWTH_TOLERANCE}x)",
                ratio,
            )
        )
    return out
