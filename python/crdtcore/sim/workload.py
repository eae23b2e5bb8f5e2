"""Workloads: what the simulated users do, and when.

A workload schedules edits on the simulation's clock and hands each edit to a live peer
as op data (``Simulation.perform``), in the op model of ``crdtcore.model`` (plain JSON
dicts whose indices are reduced against the document when applied, so any op is valid
on any replica, and a Yjs peer can perform the same ops). ``RandomWorkload`` follows
Yjs's ``applyRandomTests``: each step picks a random live peer and a random edit: Text
inserts with emoji and other multi-unit characters, embeds, deletes and formatting;
Array inserts (plain values and nested Text/Array/Map) and deletes; Map sets and
deletes; edits inside nested types too (an op's ``target`` picks any shared type of its
kind). Steps arrive as a Poisson process, so several users often edit at nearly the same
moment. ``TraceWorkload`` (traces.py) replays recorded concurrent editing sessions.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any, Protocol

from ..model import ROOTS, tag

if TYPE_CHECKING:
    from .simulation import Simulation

# Single code points and multi-code-point clusters (a skin-tone emoji, a flag): inserting
# and deleting by code point may split a cluster, which every replica must do alike.
_CHUNKS = ("a", "b", "c", "xyz", " ", "\n", "é", "ß", "中文", "😀", "👍🏽", "🇫🇷", "𝄞")
_ATTRS: tuple[dict[str, Any], ...] = (
    {"bold": True},
    {"italic": True},
    {"color": "#ff0000"},
    {"bold": None},
    {"link": "https://example.org", "bold": True},
)
_KEYS = ("a", "b", "c", "d", "k", "1", "ü", "😀", "")
_TARGETS = 1 << 16  # abstract indices, reduced modulo the document's sizes


class Workload(Protocol):
    """What a simulation needs from a workload.

    Attributes:
        tracks_deletes: Whether ``SimPeer.covers`` is used (the peer must track deletes).
        expected: The root values every peer must end with, or None if unknown.
    """

    tracks_deletes: bool
    expected: dict[str, Any] | None

    def start(self, sim: Simulation) -> None:
        """Schedules the workload's first steps on ``sim``'s clock."""

    @property
    def done(self) -> bool:
        """Whether every edit has been made."""

    @property
    def progress(self) -> float:
        """The fraction of the edits made, in [0, 1]."""

    @property
    def ops_done(self) -> int:
        """The number of ops performed so far."""


class RandomWorkload:
    """Random edits by random live peers (Yjs ``applyRandomTests``).

    Args:
        ops: Number of edits.
        duration: Virtual milliseconds over which the edits are spread (Poisson arrivals).
        nest: Probability that an inserted value is a new nested shared type.
        kinds: The kinds of shared type edited, with weights.

    Example:
        >>> from crdtcore.sim import Simulation
        >>> report = Simulation(peers=3, workload=RandomWorkload(ops=30), seed=1).run()
        >>> report.converged, report.ops
        (True, 30)
    """

    tracks_deletes: bool = False
    expected: dict[str, Any] | None = None

    def __init__(
        self,
        ops: int = 1000,
        duration: float = 10_000.0,
        *,
        nest: float = 0.1,
        kinds: dict[str, float] | None = None,
    ) -> None:
        if ops < 0 or duration <= 0:
            raise ValueError("ops must be >= 0 and duration > 0")
        self.ops = ops
        self.duration = duration
        self.nest = nest
        self.kinds = dict(kinds or {"text": 0.45, "array": 0.3, "map": 0.25})
        if not self.kinds or set(self.kinds) - set(ROOTS):
            raise ValueError(f"kinds must name some of {sorted(ROOTS)}")
        self._done = 0
        self._sim: Simulation | None = None

    @property
    def done(self) -> bool:
        return self._done >= self.ops

    @property
    def progress(self) -> float:
        return 1.0 if not self.ops else self._done / self.ops

    @property
    def ops_done(self) -> int:
        return self._done

    def start(self, sim: Simulation) -> None:
        self._sim = sim
        if self.ops:
            sim.scheduler.after(self._gap(sim.scheduler.rng), self._step)

    def _gap(self, rng: random.Random) -> float:
        return rng.expovariate(self.ops / self.duration)

    def _step(self) -> None:
        sim = self._sim
        assert sim is not None
        rng = sim.scheduler.rng
        peers = sim.live_peers()
        if peers:
            peer = rng.choice(peers)
            sim.perform(peer, [random_op(rng, self.kinds, self.nest)])
        self._done += 1
        if self._done < self.ops:
            sim.scheduler.after(self._gap(rng), self._step)


def random_op(
    rng: random.Random, kinds: dict[str, float] | None = None, nest: float = 0.1
) -> dict[str, Any]:
    """One random op of the ``crdtcore.model`` op model.

    Args:
        rng: The random generator.
        kinds: Weights of the shared-type kinds (default: all three alike).
        nest: Probability that an inserted value is a new nested shared type.

    Example:
        >>> from crdtcore.model import apply_ops, new_doc
        >>> doc, rng = new_doc(1), random.Random(1)
        >>> for _ in range(50):
        ...     apply_ops(doc, [random_op(rng)])
        >>> len(doc["text"]) + len(doc["array"]) + len(doc["map"]) > 0
        True
    """
    weights = kinds or {"text": 1.0, "array": 1.0, "map": 1.0}
    names = sorted(weights)
    kind = rng.choices(names, [weights[n] for n in names])[0]
    target = rng.randrange(_TARGETS)
    index = rng.randrange(_TARGETS)
    roll = rng.random()
    if kind == "text":
        if roll < 0.3:
            return {"kind": kind, "action": "delete", "target": target, "index": index,
                    "length": rng.randint(1, 6)}  # fmt: skip
        if roll < 0.4:
            return {"kind": kind, "action": "format", "target": target, "index": index,
                    "length": rng.randint(1, 10), "attrs": rng.choice(_ATTRS)}  # fmt: skip
        attrs = rng.choice(_ATTRS) if rng.random() < 0.2 else None
        if roll < 0.43:
            return {"kind": kind, "action": "embed", "target": target, "index": index,
                    "value": {"image": _string(rng)}, "attrs": attrs}  # fmt: skip
        return {"kind": kind, "action": "insert", "target": target, "index": index,
                "text": _string(rng), "attrs": attrs}  # fmt: skip
    if kind == "array":
        if roll < 0.5:  # as many deletes as inserts keeps arrays short (ops walk them)
            return {"kind": kind, "action": "delete", "target": target, "index": index,
                    "length": rng.randint(1, 3)}  # fmt: skip
        values = [_value(rng, nest) for _ in range(rng.randint(1, 3))]
        return {"kind": kind, "action": "insert", "target": target, "index": index,
                "values": values}  # fmt: skip
    if roll < 0.25:
        return {"kind": kind, "action": "delete", "target": target, "key": rng.choice(_KEYS)}
    return {"kind": kind, "action": "set", "target": target, "key": rng.choice(_KEYS),
            "value": _value(rng, nest)}  # fmt: skip


def _string(rng: random.Random) -> str:
    return "".join(rng.choice(_CHUNKS) for _ in range(rng.randint(1, 4)))


def _value(rng: random.Random, nest: float) -> Any:
    """A tagged value (crdtcore.model): plain, or ``{"$new": kind, "init": ...}``."""
    if rng.random() < nest:
        kind = rng.choice(("text", "array", "map"))
        if kind == "text":
            return {"$new": "text", "init": _string(rng)}
        if kind == "array":
            return {"$new": "array", "init": [_value(rng, 0.0) for _ in range(rng.randint(0, 2))]}
        return {"$new": "map", "init": [[rng.choice(_KEYS), _value(rng, nest / 2)]]}
    roll = rng.randrange(8)
    if roll == 0:
        return rng.randint(-(2**40), 2**40)
    if roll == 1:
        return rng.randint(-100, 100)
    if roll == 2:
        return round(rng.uniform(-1e6, 1e6), 3)
    if roll == 3:
        return _string(rng)
    if roll == 4:
        return rng.choice((True, False, None))
    if roll == 5:
        return [rng.randint(0, 9), _string(rng)]
    if roll == 6:
        return {"k": rng.randint(0, 9), "s": _string(rng)}
    return tag(bytes(rng.randrange(256) for _ in range(rng.randint(0, 3))))
