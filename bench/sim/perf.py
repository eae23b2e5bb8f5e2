"""Speed of the network simulator itself (issue 4's target: 20 peers x 10,000 operations with
10 % drop and duplication in under 60 s of wall time on the project's 2-core machine).

    python bench/sim/perf.py                      # mesh, star and gossip, 20 peers, 10,000 ops
    python bench/sim/perf.py --topologies mesh --ops 2000 --json out.json

Prints one line per topology (wall time, virtual convergence time, messages) and exits 1 when a
run did not converge. It reports; it asserts nothing about speed (that is for a reader of the
figures, never a test).
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from crdtcore.sim import LinkConfig, RandomWorkload, Simulation

TARGET_S = 60.0


def measure(topology: str, peers: int, ops: int, seed: int) -> dict:
    """One simulation: 20 ms latency + up to 50 ms jitter, 10 % drop and duplication, the
    edits spread over 60 s of virtual time."""
    sim = Simulation(
        peers=peers,
        topology=topology,
        seed=seed,
        link=LinkConfig(latency=20, jitter=50, drop=0.1, duplicate=0.1),
        workload=RandomWorkload(ops=ops, duration=60_000),
    )
    started = time.perf_counter()
    report = sim.run()
    wall = time.perf_counter() - started
    return {
        "topology": topology,
        "peers": peers,
        "ops": report.ops,
        "wall_s": round(wall, 2),
        "converged": report.converged,
        "convergence_time_ms": report.convergence_time,
        "messages": report.messages,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--topologies", default="mesh,star,gossip")
    parser.add_argument("--peers", type=int, default=20)
    parser.add_argument("--ops", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)
    rows = []
    for topology in args.topologies.split(","):
        row = measure(topology, args.peers, args.ops, args.seed)
        rows.append(row)
        mark = "within" if row["wall_s"] < TARGET_S else "OVER"
        print(
            f"{topology:<7} {row['peers']} peers x {row['ops']} ops: {row['wall_s']:.1f} s wall "
            f"({mark} the {TARGET_S:g} s target), converged={row['converged']}, "
            f"{row['messages']} messages, virtual convergence {row['convergence_time_ms']:.0f} ms"
        )
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(rows, f, indent=2)
    return 0 if all(r["converged"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
