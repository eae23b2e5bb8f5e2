"""Load benchmark of ``crdtcore serve`` (issue 5 §4): many clients editing, then convergence.

Each scenario starts ``python -m crdtcore serve`` as a child process (a SQLite store in a
temporary directory, a free port), connects its clients from this one asyncio process, lets
every client edit at a steady rate for ``--seconds`` (random Text inserts and deletes, a few
Map sets; see load_client.py), then checks that every replica converged (with each other and
with a fresh client that syncs from the server) and that the store, reopened after a graceful
shutdown, holds the same document. Scenarios:

  one-room     50 clients in one room: every update is broadcast to 49 others
  many-rooms   200 rooms x 2 clients: many small rooms, one broadcast per update

Reported per scenario (JSON in bench/net/results/latest.json, a markdown table on stdout and
in bench/net/results/latest.md): updates/s the server applied (the clients' edits, all found
in the server's state at the end), p50/p90/p99/max broadcast latency (a client's send to
another client's receipt of the server's copy), bytes on the wire, document and store size,
the server's and the clients' CPU use, and how far the editors fell behind their schedule
(a client process that cannot keep up shows here, and inflates the latencies).

Usage::

    python bench/net/load.py                      # both scenarios, 30 s each
    python bench/net/load.py --quick              # 3 s, fewer clients: a smoke test
    python bench/net/load.py --scenarios one-room --clients 20 --rate 5 --seconds 10

Exit status 1 when a scenario does not converge or a client connection fails.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import itertools
import json
import math
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from harness.progress import Progress  # noqa: E402
from harness.results import git_info, machine_info  # noqa: E402
from load_client import LoadClient, Recorder  # noqa: E402
from server_process import ServeProcess  # noqa: E402

from crdtcore import Doc  # noqa: E402
from crdtcore.store import open_store  # noqa: E402
from crdtcore.testing import ConvergenceError, assert_converges, compare_snapshots  # noqa: E402
from crdtcore.testing import snapshot as take_snapshot  # noqa: E402

RESULTS = HERE / "results"
SCENARIOS = ("one-room", "many-rooms")
SCHEMA = 1


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench/net/load.py",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--seconds", type=float, default=30.0, help="editing time (30)")
    parser.add_argument("--rate", type=float, default=5.0, help="edits/s per client (5)")
    parser.add_argument("--clients", type=int, default=50, help="one-room: clients (50)")
    parser.add_argument("--rooms", type=int, default=200, help="many-rooms: rooms (200)")
    parser.add_argument("--per-room", type=int, default=2, help="many-rooms: clients/room (2)")
    parser.add_argument("--scenarios", default=",".join(SCENARIOS), help="comma-separated")
    parser.add_argument("--store-kind", choices=("sqlite", "file"), default="sqlite")
    parser.add_argument("--seed", type=int, default=1, help="seeds every client's edits")
    parser.add_argument(
        "--quick", action="store_true", help="3 s, 8 clients, 20 rooms: a smoke test"
    )
    parser.add_argument("--out", type=Path, help="the JSON file (default results/latest.json)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    if args.quick:
        args.seconds, args.clients, args.rooms = 3.0, 8, 20
    if args.out is None:
        args.out = RESULTS / ("tmp/quick.json" if args.quick else "latest.json")
    args.scenarios = [name.strip() for name in args.scenarios.split(",") if name.strip()]
    unknown = set(args.scenarios) - set(SCENARIOS)
    if unknown or args.rate <= 0 or args.seconds <= 0 or args.per_room < 2:
        parser.error(f"bad options (scenarios {SCENARIOS}, rate/seconds > 0, per-room >= 2)")
    return args


def percentiles(values: list[float]) -> dict[str, float | int | None]:
    """p50/p90/p99 (nearest rank) and max of ``values`` (seconds) in milliseconds, and the
    sample count.

    Example:
        >>> percentiles([0.001 * i for i in range(1, 101)])["p99_ms"]
        99.0
    """
    if not values:
        return {"samples": 0, "p50_ms": None, "p90_ms": None, "p99_ms": None, "max_ms": None}
    ordered = sorted(values)

    def at(q: float) -> float:  # nearest rank
        return round(1000 * ordered[max(0, math.ceil(q * len(ordered)) - 1)], 3)

    return {
        "samples": len(ordered),
        "p50_ms": at(0.50),
        "p90_ms": at(0.90),
        "p99_ms": at(0.99),
        "max_ms": round(1000 * ordered[-1], 3),
    }


async def connect_all(clients: list[LoadClient], timeout: float = 120.0) -> None:
    """Connects ``clients`` (50 handshakes at a time) and waits until all are synced."""
    gate = asyncio.Semaphore(50)

    async def one(client: LoadClient) -> None:
        async with gate:
            await client.connect()

    await asyncio.gather(*(one(client) for client in clients))
    await wait_for(lambda: all(client.synced for client in clients), timeout, "initial sync")


async def wait_for(predicate: Any, timeout: float, what: str, every: float = 0.02) -> None:
    """Polls ``predicate`` until true; raises TimeoutError naming ``what``."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not done after {timeout:g} s")
        await asyncio.sleep(every)


def quiescent(groups: dict[str, list[LoadClient]]) -> bool:
    """Whether the replicas of every room agree on state vector and content (once every
    editor stopped, that means every edit reached every replica)."""
    for clients in groups.values():
        first = take_snapshot(clients[0].doc)
        for client in clients[1:]:
            if compare_snapshots(first, take_snapshot(client.doc), check_deletes=False):
                return False
    return True


async def verify(
    server: ServeProcess, groups: dict[str, list[LoadClient]], recorder: Recorder
) -> dict[str, Doc]:
    """A fresh client per room syncs from the server; every replica must equal it.

    Returns:
        The fresh clients' documents by room.

    Raises:
        ConvergenceError: A replica differs from the server's state.
    """
    fresh = {
        room: LoadClient(server.url(room), seed=-1 - i, recorder=recorder)
        for i, room in enumerate(groups)
    }
    await connect_all(list(fresh.values()))
    for room, clients in groups.items():
        docs = [fresh[room].doc, *(client.doc for client in clients)]
        assert_converges(*docs, names=["server", *(f"{room}/{i}" for i in range(len(clients)))])
    for client in fresh.values():
        await client.close()
    return {room: client.doc for room, client in fresh.items()}


def check_store(location: str, docs: dict[str, Doc]) -> list[str]:
    """Rooms whose stored records do not rebuild the document the server served."""
    problems = []
    store = open_store(location)
    try:
        for room, served in docs.items():
            stored = Doc()
            for record in store.read(room):
                stored.apply_update(record)
            if compare_snapshots(take_snapshot(served), take_snapshot(stored)):
                problems.append(room)
    finally:
        store.close()
    return problems


async def run_scenario(name: str, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    """Runs one scenario against a fresh server; returns its result record."""
    if name == "one-room":
        groups_spec = {"one": args.clients}
    else:
        groups_spec = {f"room-{i}": args.per_room for i in range(args.rooms)}
    location = workdir / (f"{name}.sqlite" if args.store_kind == "sqlite" else name)
    store_arg = f"{args.store_kind}:{location}"
    server = ServeProcess(location, workdir / f"{name}.log", args=("--store-kind", args.store_kind))
    await server.start()
    recorder = Recorder()
    seeds = itertools.count(args.seed * 1_000_003)  # one seed per client, fixed by --seed
    groups = {
        room: [LoadClient(server.url(room), seed=next(seeds), recorder=recorder) for _ in range(n)]
        for room, n in groups_spec.items()
    }
    clients = [client for group in groups.values() for client in group]
    result: dict[str, Any] = {"rooms": len(groups), "clients": len(clients), "converged": False}
    served: dict[str, Doc] = {}
    try:
        await connect_all(clients)
        await edit_phase(name, clients, args, server, result)
        drain_start = time.monotonic()
        await wait_for(lambda: quiescent(groups), 120.0, "convergence", every=0.1)
        result["drain_s"] = round(time.monotonic() - drain_start, 3)
        served = await verify(server, groups, recorder)
        result["converged"] = True
    except (ConvergenceError, TimeoutError) as exc:
        result["error"] = str(exc)[:2000]
    finally:
        for client in clients:
            await client.close()
        ended = len(clients) + len(served)  # the verifiers' connections too
        with contextlib.suppress(TimeoutError):  # the server logs each connection's end
            await wait_for(lambda: server.counters()["connections"] >= ended, 10.0, "logs")
        result["server_exit"] = await server.stop()
    failed = [client.error for client in clients if client.error is not None]
    if failed:
        result["converged"] = False
        result["error"] = f"{len(failed)} client connections failed, e.g. {failed[0]!r}"
    result["store_mismatches"] = check_store(store_arg, served) if served else None
    finish(result, clients, recorder, server, served, location)
    return result


async def edit_phase(
    name: str,
    clients: list[LoadClient],
    args: argparse.Namespace,
    server: ServeProcess,
    result: dict[str, Any],
) -> None:
    """Every client edits for ``args.seconds``; records the phase's time and CPU use."""
    progress = Progress(max(1, round(args.seconds)), enabled=not args.no_progress)
    cpu_server, cpu_clients = server.cpu_seconds(), time.process_time()
    start = time.monotonic() + 0.1
    stop = start + args.seconds
    editors = asyncio.gather(*(client.run_edits(start, stop, args.rate) for client in clients))
    ticks = 0
    while not editors.done():
        await asyncio.wait({editors}, timeout=1.0)
        elapsed = min(args.seconds, time.monotonic() - start)
        if round(elapsed) > ticks:
            progress.describe(f"{name}: {sum(c.edits for c in clients)} edits")
            progress.advance(round(elapsed) - ticks, args.seconds - elapsed)
            ticks = round(elapsed)
    await editors
    progress.close()
    duration = time.monotonic() - start
    result["seconds"] = round(duration, 3)
    server_cpu = server.cpu_seconds()
    if cpu_server is not None and server_cpu is not None:
        result["server_cpu_percent"] = round(100 * (server_cpu - cpu_server) / duration, 1)
    result["clients_cpu_percent"] = round(100 * (time.process_time() - cpu_clients) / duration, 1)


def finish(
    result: dict[str, Any],
    clients: list[LoadClient],
    recorder: Recorder,
    server: ServeProcess,
    served: dict[str, Doc],
    location: Path,
) -> None:
    """Adds the counters, latencies and sizes to ``result``."""
    edits = sum(client.edits for client in clients)
    result["updates"] = edits
    result["updates_per_s"] = round(edits / result["seconds"], 1) if "seconds" in result else None
    result["latency"] = percentiles(recorder.latencies())
    result["latency"]["timed_updates"] = len(recorder.sends)
    result["max_editor_lag_ms"] = round(1000 * max(c.max_lag for c in clients), 1)
    files = [location] if location.is_file() else sorted(location.glob("*"))
    files += [Path(f"{location}-wal")] if location.is_file() else []
    result["bytes"] = {
        "sent_by_clients": sum(client.bytes_sent for client in clients),
        "received_by_clients": sum(client.bytes_received for client in clients),
        "documents": sum(len(doc.get_update()) for doc in served.values()),
        "store": sum(path.stat().st_size for path in files if path.exists()),
    }
    counters = result["server"] = server.counters()
    # Each client (and each verifier) sent SyncStep1 and SyncStep2, then one Update per edit.
    counters["updates_in"] = counters["messages_in"] - 2 * counters["connections"]


def markdown(document: dict[str, Any]) -> str:
    """The results as a short markdown summary."""
    config = document["config"]
    lines = [
        f"# crdtcore serve load benchmark ({document['date'][:10]})",
        "",
        f"{config['seconds']:g} s of editing at {config['rate']:g} edits/s per client, "
        f"{config['store_kind']} store; machine: {document['machine']['cpu']}, "
        f"{document['machine']['cores']} cores, load average {document['machine']['loadavg']} "
        f"before, {document.get('loadavg_after')} after.",
        "",
        "| scenario | clients | updates/s | p50 ms | p99 ms | max ms | server CPU | "
        "clients CPU | editor lag ms | converged |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, r in document["scenarios"].items():
        lat = r["latency"]
        lines.append(
            f"| {name} | {r['clients']} in {r['rooms']} room{'s' * (r['rooms'] != 1)} | "
            f"{r['updates_per_s']} | "
            f"{lat['p50_ms']} | {lat['p99_ms']} | {lat['max_ms']} | "
            f"{r.get('server_cpu_percent')} % | {r.get('clients_cpu_percent')} % | "
            f"{r['max_editor_lag_ms']} | {'yes' if r['converged'] else 'NO'} |"
        )
    return "\n".join(lines) + "\n"


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    document: dict[str, Any] = {
        "schema": SCHEMA,
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine_info(),
        "git": git_info(),
        "config": {
            key: getattr(args, key)
            for key in ("seconds", "rate", "clients", "rooms", "per_room", "seed", "quick")
        }
        | {"store_kind": args.store_kind},
        "scenarios": {},
    }
    with tempfile.TemporaryDirectory(prefix="crdtcore-load-") as workdir:
        for name in args.scenarios:
            document["scenarios"][name] = await run_scenario(name, args, Path(workdir))
    document["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    return document


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    document = asyncio.run(main_async(args))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(document, indent=2) + "\n")
    summary = markdown(document)
    args.out.with_suffix(".md").write_text(summary)
    print(summary)
    ok = all(
        r["converged"] and r["server_exit"] == 0 and not r["store_mismatches"]
        for r in document["scenarios"].values()
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
