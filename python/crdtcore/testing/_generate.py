"""Random scenarios: seeded runs over every topology and fault mix (Loro-style action lists).

``random_scenario(seed, ...)`` is a pure function of its arguments, so a seed names a run.
Edits come from ``crdtcore.sim.random_op``; faults from a named mix (``FAULT_MIXES``).

Data loss is avoided on purpose: when a peer leaves, or crashes without ``restore``, edits
of its that reached nobody are gone, and updates of its that reached some peers while an
earlier one did not stay pending there for ever. That is real (Yjs behaves the same), but
it is not a convergence bug, so a peer about to lose data stops editing ``LOSS_GUARD`` ms
before it goes, time for anti-entropy to spread its edits.
"""

from __future__ import annotations

import random
from typing import Any

from ..sim import random_op
from ._scenario import Action, Scenario

TOPOLOGIES = ("mesh", "star", "gossip")

#: Named fault mixes for ``random_scenario``: link settings and which fault actions to draw.
FAULT_MIXES: dict[str, dict[str, Any]] = {
    "clean": {"link": {"latency": 20.0}, "faults": ()},
    "lossy": {
        "link": {"latency": 20.0, "jitter": 60.0, "drop": 0.2, "duplicate": 0.2},
        "faults": (),
    },
    "partition": {
        "link": {"latency": 10.0, "jitter": 30.0, "drop": 0.05, "duplicate": 0.05},
        "faults": ("partition",),
    },
    "churn": {
        "link": {"latency": 20.0, "jitter": 40.0, "drop": 0.05},
        "faults": ("crash", "join", "leave"),
    },
    "chaos": {
        "link": {
            "latency": 15.0,
            "jitter": 80.0,
            "distribution": "exponential",
            "drop": 0.15,
            "duplicate": 0.15,
        },
        "faults": ("partition", "crash", "join", "leave"),
    },
}


def random_scenario(
    seed: int,
    *,
    peers: int | None = None,
    topology: str | None = None,
    mix: str = "chaos",
    ops: int = 60,
    duration: float = 5000.0,
    txn_ops: int = 3,
) -> Scenario:
    """A random scenario, a pure function of its arguments.

    Edits arrive as a Poisson process over ``duration`` virtual ms, each a transaction of
    1 to ``txn_ops`` ops of ``crdtcore.sim.random_op``, by random peers (joined ones too).
    Fault actions follow ``mix`` (see ``FAULT_MIXES``); partitions always heal, a star's
    hub only crashes to restart, and peers about to lose data stop editing in time (see
    the module docstring).

    Args:
        seed: Seeds the generator and the simulation.
        peers: Number of peers (random 3..6 when None).
        topology: ``"mesh"``, ``"star"`` or ``"gossip"`` (random when None).
        mix: A key of ``FAULT_MIXES``.
        ops: Number of ops (at least; they come in transactions).
        duration: Virtual time over which edits are spread.
        txn_ops: Maximum ops per transaction.

    Raises:
        ValueError: Unknown ``mix`` or ``topology``.

    Example:
        >>> a = random_scenario(5, mix="lossy", ops=10)
        >>> a == random_scenario(5, mix="lossy", ops=10), a.ops >= 10
        (True, True)
    """
    if mix not in FAULT_MIXES:
        raise ValueError(f"mix must be one of {sorted(FAULT_MIXES)}")
    rng = random.Random(f"crdtcore-scenario-{seed}")
    n = peers if peers is not None else rng.randint(3, 6)
    top = topology if topology is not None else rng.choice(TOPOLOGIES)
    if top not in TOPOLOGIES:
        raise ValueError(f"topology must be one of {TOPOLOGIES}")
    faults = _random_faults(rng, FAULT_MIXES[mix]["faults"], n, top, duration)
    editors = n + sum(1 for f in faults if f["do"] == "join")
    gone = {f["peer"]: f["at"] for f in faults if _loses_data(f)}
    actions: list[Action] = []
    time, made = 0.0, 0
    while made < ops:
        time += rng.expovariate(max(ops, 1) * 2 / (1 + txn_ops) / duration)
        peer = rng.randrange(editors)
        if peer in gone and time > gone[peer] - LOSS_GUARD:
            continue
        count = rng.randint(1, txn_ops)
        txn = [random_op(rng) for _ in range(count)]
        actions.append({"at": round(time, 3), "do": "edit", "peer": peer, "ops": txn})
        made += count
    actions.extend(faults)
    actions.sort(key=lambda a: a["at"])
    return Scenario(
        peers=n, topology=top, seed=seed, link=dict(FAULT_MIXES[mix]["link"]), actions=actions
    )


#: How long before leaving (or crashing for good) a peer of ``random_scenario`` stops editing.
LOSS_GUARD = 10_000.0


def _loses_data(action: Action) -> bool:
    return action["do"] == "leave" or (action["do"] == "crash" and not action.get("restore"))


def _random_faults(
    rng: random.Random, kinds: tuple[str, ...], n: int, topology: str, duration: float
) -> list[Action]:
    out: list[Action] = []

    def moment() -> float:
        return round(rng.uniform(0, duration), 3)

    if "partition" in kinds:
        for _ in range(rng.randint(1, 2)):
            start = moment()
            members = list(range(n))
            rng.shuffle(members)
            cut = rng.randint(1, n - 1)
            out.append(
                {
                    "at": start,
                    "do": "partition",
                    "groups": [sorted(members[:cut]), sorted(members[cut:])],
                    "until": round(start + rng.uniform(100, duration / 2), 3),
                }
            )
    if "crash" in kinds:
        for _ in range(rng.randint(1, 2)):
            start = moment()
            out.append(
                {
                    "at": start,
                    "do": "crash",
                    "peer": rng.randrange(n),
                    "restart_at": round(start + rng.uniform(50, 2000), 3),
                    "restore": rng.random() < 0.7,
                }
            )
    if "join" in kinds:
        for _ in range(rng.randint(1, 2)):
            out.append({"at": moment(), "do": "join"})
    if "leave" in kinds and n > 2:
        leaving = rng.randrange(1 if topology == "star" else 0, n)  # the hub never leaves
        out.append({"at": moment(), "do": "leave", "peer": leaving})
    return out
