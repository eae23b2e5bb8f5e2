"""Loading the editing traces (format: bench/traces/README.md and
python/crdtcore/sim/concurrent_traces/README.md).

Sequential traces flatten to patches ``(pos, n_deleted, inserted)`` with positions in
Unicode code points (Python ``str`` indices); concurrent traces keep their transactions
with ``parents`` and ``agent``. They are read from ``$CRDTCORE_TRACES/<kind>`` when that
is set, else from bench/traces/sequential and from the concurrent traces shipped in the
package, python/crdtcore/sim/concurrent_traces, as ``crdtcore.sim.traces`` does (not
imported here: the other libraries' runners must not load crdtcore). The data is
josephg/editing-traces (CC BY 4.0); see those READMEs for the attribution. Used by
replay.py and runner.py.
"""

from __future__ import annotations

import gzip
import json
import os
from dataclasses import dataclass
from pathlib import Path

Patch = tuple[int, int, str]


ROOT = Path(__file__).resolve().parents[2]


def traces_dir(kind: str) -> Path:
    """The traces of ``kind`` ("sequential" or "concurrent"): ``$CRDTCORE_TRACES/<kind>``,
    else bench/traces/sequential or python/crdtcore/sim/concurrent_traces."""
    if os.environ.get("CRDTCORE_TRACES"):
        return Path(os.environ["CRDTCORE_TRACES"]) / kind
    packaged = ROOT / "python" / "crdtcore" / "sim" / "concurrent_traces"
    return packaged if kind == "concurrent" else ROOT / "bench" / "traces" / kind


def sequential_dir() -> Path:
    return traces_dir("sequential")


def _resolve(name_or_path: str, directory: Path) -> Path:
    path = Path(name_or_path)
    if path.suffix == ".gz" or path.exists():
        return path
    return directory / f"{name_or_path}.json.gz"


def trace_path(name_or_path: str) -> Path:
    """A sequential trace file: an existing path as given, else a name in ``sequential_dir()``."""
    return _resolve(name_or_path, sequential_dir())


def concurrent_path(name_or_path: str) -> Path:
    """A concurrent trace file, found like ``trace_path``."""
    return _resolve(name_or_path, traces_dir("concurrent"))


def load(path: Path) -> tuple[list[Patch], str]:
    """The flattened patches and the expected final text of a sequential trace."""
    with gzip.open(path, "rt", encoding="utf-8") as f:
        trace = json.load(f)
    if trace.get("startContent", ""):
        raise ValueError(f"{path}: non-empty startContent is not supported")
    patches = [(p[0], p[1], p[2]) for txn in trace["txns"] for p in txn["patches"]]
    return patches, trace["endContent"]


@dataclass
class ConcurrentTxn:
    parents: list[int]
    agent: int
    patches: list[Patch]


@dataclass
class ConcurrentTrace:
    name: str
    num_agents: int
    txns: list[ConcurrentTxn]
    end_content: str

    @property
    def patch_count(self) -> int:
        return sum(len(t.patches) for t in self.txns)


def load_concurrent(path: Path) -> ConcurrentTrace:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        data = json.load(f)
    txns = []
    for i, t in enumerate(data["txns"]):
        if any(p >= i for p in t["parents"]) or not 0 <= t["agent"] < data["numAgents"]:
            raise ValueError(f"{path}: txn {i} has a bad parent or agent")
        patches = [(p[0], p[1], p[2]) for p in t["patches"]]
        txns.append(ConcurrentTxn(list(t["parents"]), t["agent"], patches))
    name = path.name.removesuffix(".json.gz")
    return ConcurrentTrace(name, data["numAgents"], txns, data["endContent"])
