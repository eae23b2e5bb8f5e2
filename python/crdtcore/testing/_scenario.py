"""Scenarios: a whole simulated run (peers, topology, link faults, edits and fault actions)
as JSON data, so a failing run can be saved, replayed, shrunk and kept as a regression.

A scenario drives ``crdtcore.sim.Simulation``::

    {"peers": 4, "topology": "mesh" | "star" | "gossip", "seed": 7,
     "link": {"latency": 20, "jitter": 50, "drop": 0.1, "duplicate": 0.1},  # LinkConfig
     "resync_interval": 1000, "gc": true,
     "yjs_peers": [1],                 # peer ids run by real Yjs (crdtcore.sim.yjs_peer)
     "actions": [
        {"at": 12.5, "do": "edit", "peer": 2, "ops": [op, ...]},   # ops: see crdtcore.model
        {"at": 500, "do": "partition", "groups": [[0, 1], [2, 3]], "until": 900},
        {"at": 1000, "do": "crash", "peer": 1, "restart_at": 1500, "restore": true},
        {"at": 1600, "do": "join"},
        {"at": 1700, "do": "leave", "peer": 0},
        {"at": 1800, "do": "heal"}, {"at": 1900, "do": "restart", "peer": 3}]}

A partition names its healing time (``until``) and a crash its restart (``restart_at``,
``restore``: reload the updates the peer had persisted), so removing one action never
turns a healing partition into a permanent one. Like ops, actions tolerate any deletion:
an edit by a peer that is not live is skipped, a restart of a live peer or a crash of a
dead one does nothing. Peers that join get the next free ids (``peers``, ``peers + 1``...).

Data loss is real: when a peer leaves, or crashes without ``restore``, edits of its that
reached nobody are gone, and updates of its that reached some peers while an earlier one
did not stay pending there for ever (_generate.py keeps random scenarios clear of that).
Failing scenarios are shrunk by _shrink.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from ..sim import LinkConfig, Report, Simulation

Action = dict[str, Any]


@dataclass
class Scenario:
    """One simulated run as data (see the module docstring for the JSON form).

    Example:
        >>> s = Scenario(peers=2, actions=[{"at": 0, "do": "edit", "peer": 0, "ops": [
        ...     {"kind": "text", "action": "insert", "text": "hi"}]}])
        >>> run_scenario(s).converged
        True
        >>> Scenario.from_json(s.to_json()) == s
        True
    """

    peers: int = 3
    topology: str = "mesh"
    seed: int = 0
    link: dict[str, Any] = field(default_factory=dict)
    actions: list[Action] = field(default_factory=list)
    yjs_peers: list[int] = field(default_factory=list)
    resync_interval: float = 1000.0
    gc: bool = True

    def to_json(self) -> str:
        """The scenario as (indented, key-sorted) JSON text."""
        return json.dumps(asdict(self), indent=1, sort_keys=True, ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Scenario:
        """A scenario from its dict form.

        Raises:
            ValueError: Unknown keys (a typo would otherwise be ignored silently).
        """
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown scenario keys: {sorted(unknown)}")
        return cls(**data)

    @classmethod
    def from_json(cls, text: str) -> Scenario:
        """A scenario from ``to_json`` output."""
        return cls.from_dict(json.loads(text))

    @property
    def ops(self) -> int:
        """The number of ops in all edits."""
        return sum(len(a.get("ops", ())) for a in self.actions if a["do"] == "edit")


class ScriptedWorkload:
    """The edits of a scenario as a ``crdtcore.sim`` workload (fixed times and peers).

    Args:
        edits: ``(time, peer, ops)`` triples.
    """

    tracks_deletes: bool = False
    expected: dict[str, Any] | None = None

    def __init__(self, edits: list[tuple[float, int, list[dict[str, Any]]]]) -> None:
        self.edits = edits
        self._done = 0
        self._ops = 0
        self._sim: Simulation | None = None

    @property
    def done(self) -> bool:
        return self._done >= len(self.edits)

    @property
    def progress(self) -> float:
        return 1.0 if not self.edits else self._done / len(self.edits)

    @property
    def ops_done(self) -> int:
        return self._ops

    def start(self, sim: Simulation) -> None:
        self._sim = sim
        for index, (time, _, _) in enumerate(self.edits):
            sim.scheduler.at(max(time, sim.now), self._edit, index)

    def _edit(self, index: int) -> None:
        sim = self._sim
        assert sim is not None
        _, peer, ops = self.edits[index]
        live = sim.live_peers()
        if peer in live:
            sim.perform(peer, ops)
            self._ops += len(ops)
        self._done += 1


def build_simulation(
    scenario: Scenario, *, peer_factory: Callable[..., Any] | None = None, **options: Any
) -> Simulation:
    """The ``Simulation`` a scenario describes, with its actions scheduled (not run yet).

    Args:
        scenario: The scenario.
        peer_factory: Builds peers (see ``crdtcore.sim.Simulation``); needed when the
            scenario names ``yjs_peers`` (``crdtcore.sim.yjs_peer.mixed_factory``).
        **options: More ``Simulation`` arguments (``settle``, ``max_time``...).

    Raises:
        ValueError: An unknown action, or Yjs peers without a peer factory.
    """
    if scenario.yjs_peers and peer_factory is None:
        raise ValueError("a scenario with yjs_peers needs a peer_factory (sim.yjs_peer)")
    edits = []
    for action in scenario.actions:
        if action["do"] == "edit":
            edits.append((float(action["at"]), int(action["peer"]), action["ops"]))
    if peer_factory is not None:
        options["peer_factory"] = peer_factory
    sim = Simulation(
        peers=scenario.peers,
        topology=scenario.topology,
        link=LinkConfig(**scenario.link),
        seed=scenario.seed,
        workload=ScriptedWorkload(edits),
        resync_interval=scenario.resync_interval,
        gc=scenario.gc,
        **options,
    )
    for action in scenario.actions:
        do, at = action["do"], float(action["at"])
        if do == "edit":
            continue
        if do == "partition":
            sim.partition(action["groups"], at=at, until=action.get("until"))
        elif do == "heal":
            sim.heal(at=at)
        elif do == "crash":
            sim.crash(
                action["peer"],
                at=at,
                restart_at=action.get("restart_at"),
                restore=action.get("restore", True),
            )
        elif do == "restart":
            sim.restart(action["peer"], at=at, restore=action.get("restore", True))
        elif do == "join":
            sim.join(at=at)
        elif do == "leave":
            sim.leave(action["peer"], at=at)
        else:
            raise ValueError(f"unknown scenario action {do!r}")
    return sim


def run_scenario(
    scenario: Scenario, *, peer_factory: Callable[..., Any] | None = None, **options: Any
) -> Report:
    """Runs a scenario to quiescence and returns the simulation's report.

    Args:
        scenario: The scenario.
        peer_factory: See ``build_simulation``.
        **options: More ``Simulation`` arguments.

    Returns:
        The ``crdtcore.sim.Report`` (``converged``, ``differences``, traffic...).

    Example:
        >>> split = Scenario(peers=2, actions=[
        ...     {"at": 0, "do": "partition", "groups": [[0], [1]], "until": 500},
        ...     {"at": 100, "do": "edit", "peer": 1, "ops": [{"kind": "map", "action": "set",
        ...                                                   "key": "k", "value": 1}]}])
        >>> report = run_scenario(split)
        >>> report.converged, report.partition_drops > 0
        (True, True)
    """
    last = max((float(a["at"]) for a in scenario.actions), default=0.0)
    options.setdefault("max_time", last + 600_000.0)
    options.setdefault("settle", 30_000.0)
    return build_simulation(scenario, peer_factory=peer_factory, **options).run()


def save_scenario(scenario: Scenario, path: str | Path, **meta: Any) -> Path:
    """Writes a scenario file (``{"scenario": ..., **meta}``); returns the path.

    ``meta`` may say why it exists: ``description``, ``found_by``, ``xfail`` (a reason:
    the regression test then expects the failure, strictly).

    Args:
        scenario: The scenario.
        path: The file to write (parent directories are created).
        **meta: JSON-able notes stored beside the scenario.

    Returns:
        The path written.

    Example:
        >>> import tempfile
        >>> path = save_scenario(Scenario(peers=2), tempfile.mkdtemp() + "/s.json", found_by="me")
        >>> scenario, meta = load_scenario(path)
        >>> scenario == Scenario(peers=2), meta
        (True, {'found_by': 'me'})
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    data = {**meta, "scenario": json.loads(scenario.to_json())}
    target.write_text(json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    return target


def load_scenario(path: str | Path) -> tuple[Scenario, dict[str, Any]]:
    """Reads a scenario file: ``(scenario, meta)`` (see ``save_scenario`` for an example).

    Args:
        path: The file.

    Returns:
        The scenario and the other keys of the file.

    Raises:
        ValueError: The file holds no ``scenario``.
    """
    data = json.loads(Path(path).read_text())
    if "scenario" not in data:
        raise ValueError(f"{path}: not a scenario file (no 'scenario' key)")
    scenario = Scenario.from_dict(data.pop("scenario"))
    return scenario, data
