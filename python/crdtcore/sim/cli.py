"""python -m crdtcore simulate: run a simulation from the command line.

Peers edit a document over a simulated network with faults, then the command checks
that they converge (exit status 0) or not (1); 2 means bad arguments.

Times are numbers with an optional unit: ms (the default), s or m, e.g. 50ms, 2s, 1.5m
or 250. Peer sets are comma-separated ids and ranges, e.g. 0-4,7.

Faults (each option can be repeated):

  --partition GROUPS@START[-END]
      From START the peers are split into GROUPS, separated by "/" (peers not listed
      form one more group); the partition heals at END (never without one). A later
      partition replaces an earlier one. 0-9/10-19@2s-8s cuts 20 peers in two halves
      from 2 s to 8 s.
  --crash PEER@TIME[-RESTART][:wipe]
      The peer crashes at TIME and, with RESTART, comes back then with the updates it
      had persisted (with ":wipe": with nothing). Example: 3@2s-5s.
  --join TIME
      A new peer joins at TIME.
  --leave PEER@TIME
      The peer leaves for good at TIME.

Example:
  python -m crdtcore simulate --peers 20 --topology mesh --drop 0.1 --dup 0.1 \\
      --jitter 50ms --partition 0-9/10-19@2s-8s --seed 1 --plot out.png
"""
# The docstring above is printed by `simulate --help` as it is: plain text, no markup.

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from .network import LinkConfig
from .simulation import Simulation
from .topology import TOPOLOGIES
from .traces import TraceWorkload
from .workload import RandomWorkload

_UNITS = {"ms": 1.0, "s": 1000.0, "m": 60_000.0}
_TIME = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*(ms|s|m)?\s*$")


def parse_time(text: str) -> float:
    """A duration in virtual milliseconds.

    Raises:
        argparse.ArgumentTypeError: Not a number with an optional ms/s/m unit.

    Example:
        >>> parse_time("50ms"), parse_time("2s"), parse_time("1.5m"), parse_time("7")
        (50.0, 2000.0, 90000.0, 7.0)
    """
    match = _TIME.match(text)
    if match is None:
        raise argparse.ArgumentTypeError(f"bad time {text!r}: use e.g. 50ms, 2s or 1.5m")
    return float(match.group(1)) * _UNITS[match.group(2) or "ms"]


def parse_peers(text: str) -> list[int]:
    """Peer ids from ``"0-4,7"``.

    Raises:
        argparse.ArgumentTypeError: Malformed ids or ranges.

    Example:
        >>> parse_peers("0-2,7")
        [0, 1, 2, 7]
    """
    peers: list[int] = []
    for part in text.split(","):
        bounds = part.strip().split("-")
        if len(bounds) > 2 or not all(b.strip().isdigit() for b in bounds):
            raise argparse.ArgumentTypeError(f"bad peer set {text!r}: use e.g. 0-4,7")
        low, high = int(bounds[0]), int(bounds[-1])
        if high < low:
            raise argparse.ArgumentTypeError(f"bad peer range {part!r}")
        peers.extend(range(low, high + 1))
    return peers


def _split_at(text: str, what: str) -> tuple[str, str]:
    if text.count("@") != 1:
        raise argparse.ArgumentTypeError(f"bad {what} {text!r}: expected one '@'")
    left, right = text.split("@")
    return left, right


def _span(text: str) -> tuple[float, float | None]:
    start, _, end = text.partition("-")
    return parse_time(start), parse_time(end) if end else None


def parse_partition(text: str) -> tuple[list[list[int]], float, float | None]:
    """``GROUPS@START[-END]`` as (groups, start, end).

    Example:
        >>> groups, start, end = parse_partition("0-1/2,3@2s-8s")
        >>> groups, start, end
        ([[0, 1], [2, 3]], 2000.0, 8000.0)
    """
    groups, span = _split_at(text, "partition")
    return [parse_peers(group) for group in groups.split("/")], *_span(span)


def parse_crash(text: str) -> tuple[int, float, float | None, bool]:
    """``PEER@TIME[-RESTART][:wipe]`` as (peer, time, restart, restore).

    Example:
        >>> parse_crash("3@2s-5s"), parse_crash("4@1s:wipe")
        ((3, 2000.0, 5000.0, True), (4, 1000.0, None, False))
    """
    spec, _, flag = text.partition(":")
    if flag not in ("", "wipe"):
        raise argparse.ArgumentTypeError(f"bad crash {text!r}: the only flag is ':wipe'")
    peer, span = _split_at(spec, "crash")
    if not peer.strip().isdigit():
        raise argparse.ArgumentTypeError(f"bad crash {text!r}: expected PEER@TIME")
    return int(peer), *_span(span), flag != "wipe"


def parse_leave(text: str) -> tuple[int, float]:
    """``PEER@TIME`` as (peer, time).

    Example:
        >>> parse_leave("5@3s")
        (5, 3000.0)
    """
    peer, at = _split_at(text, "leave")
    if not peer.strip().isdigit():
        raise argparse.ArgumentTypeError(f"bad leave {text!r}: expected PEER@TIME")
    return int(peer), parse_time(at)


def add_parser(commands: Any) -> argparse.ArgumentParser:
    """Adds the ``simulate`` sub-command to an argparse sub-parsers object; returns its parser.

    The help texts are plain text (no reStructuredText), as ``--help`` prints them.
    """
    p = commands.add_parser(
        "simulate",
        help="run peers over a simulated faulty network and check they converge",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--peers", type=int, default=5, help="number of peers (default 5)")
    p.add_argument(
        "--topology",
        choices=sorted(TOPOLOGIES),
        default="mesh",
        help="who connects to whom: everyone to everyone (mesh), everyone to peer 0 "
        "(star) or a partial relaying overlay (gossip); default mesh",
    )
    p.add_argument(
        "--seed", type=int, default=0, help="seed of every random choice; same seed, same run (0)"
    )
    p.add_argument(
        "--latency", type=parse_time, default=20.0, help="fixed delay per message (20ms)"
    )
    p.add_argument(
        "--jitter", type=parse_time, default=0.0, help="random extra delay per message (0)"
    )
    p.add_argument(
        "--distribution",
        choices=("uniform", "exponential"),
        default="uniform",
        help="distribution of the jitter (default uniform)",
    )
    p.add_argument("--drop", type=float, default=0.0, help="probability that a message is lost (0)")
    p.add_argument(
        "--dup", type=float, default=0.0, help="probability that a message is duplicated (0)"
    )
    p.add_argument(
        "--bandwidth", type=float, default=None, help="kB/s per link (default unlimited)"
    )
    p.add_argument("--ops", type=int, default=1000, help="number of random edits (default 1000)")
    p.add_argument(
        "--duration",
        type=parse_time,
        default=10_000.0,
        help="virtual time over which the edits are spread (10s)",
    )
    p.add_argument(
        "--trace",
        default=None,
        metavar="NAME[:TXNS]",
        help="replay a concurrent editing trace (its first TXNS transactions) instead of "
        "random edits",
    )
    p.add_argument(
        "--partition",
        type=parse_partition,
        action="append",
        default=[],
        metavar="GROUPS@START[-END]",
        help="split the peers into groups from START to END, e.g. 0-4/5-9@1s-3s",
    )
    p.add_argument(
        "--crash",
        type=parse_crash,
        action="append",
        default=[],
        metavar="PEER@TIME[-RESTART][:wipe]",
        help="crash a peer at TIME, restart it at RESTART (with ':wipe': without its data)",
    )
    p.add_argument(
        "--join",
        type=parse_time,
        action="append",
        default=[],
        metavar="TIME",
        help="a new peer joins at TIME",
    )
    p.add_argument(
        "--leave",
        type=parse_leave,
        action="append",
        default=[],
        metavar="PEER@TIME",
        help="a peer leaves for good at TIME",
    )
    p.add_argument(
        "--resync",
        type=parse_time,
        default=1000.0,
        help="period of the anti-entropy exchange that repairs lost messages (1s)",
    )
    p.add_argument(
        "--max-time",
        type=parse_time,
        default=None,
        help="stop at this virtual time even if the peers have not converged",
    )
    p.add_argument(
        "--strict", action="store_true", help="require byte-identical documents at the end"
    )
    p.add_argument(
        "--plot",
        default=None,
        metavar="PNG",
        help="draw convergence over time into this file (needs matplotlib: pip install "
        '"crdtcore[plot]")',
    )
    p.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress bar on stderr (default: when stderr is a terminal)",
    )
    return p


def run(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Runs the ``simulate`` command; returns 0 if the peers converged, 1 if not, 2 on error.

    Args:
        args: Parsed arguments (see ``add_parser``).
        out: Where the report goes (stdout by default).
        err: Where errors and the progress bar go (stderr by default).
    """
    out = out or sys.stdout
    err = err or sys.stderr
    problem = plot_problem(args.plot) if args.plot else None
    if problem is not None:  # found before the run, not after it
        print(f"error: {problem}", file=err)
        return 2
    try:
        sim = build(args)
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=err)
        return 2
    show = args.progress if args.progress is not None else err.isatty()
    bar = ProgressBar(err) if show else None
    started = time.perf_counter()  # wall time of the command, reported only
    report = sim.run(progress=bar.update if bar else None)
    if bar:
        bar.update(sim.workload.progress, report.end_time)
        bar.close()
    print(report.summary(), file=out)
    print(f"wall time: {time.perf_counter() - started:.2f} s", file=out)
    if args.plot:
        try:
            report.plot(args.plot)
        except RuntimeError as exc:
            print(f"error: {exc}", file=err)
            return 2
        print(f"plot: {args.plot}", file=out)
    return 0 if report.converged else 1


def plot_problem(path: str) -> str | None:
    """Why ``--plot path`` could not be drawn after the run, or None if it can.

    Checked before the simulation runs, so a missing plotting library or a bad directory
    is reported at once rather than after the whole run.

    Example:
        >>> plot_problem("/no/such/dir/out.png")
        "cannot write the plot: the directory '/no/such/dir' does not exist"
    """
    directory = Path(path).parent
    if not directory.is_dir():
        return f"cannot write the plot: the directory '{directory}' does not exist"
    try:
        import matplotlib  # noqa: F401  (imported again by SimulationReport.plot)
    except ImportError:
        return (
            "--plot needs matplotlib, which is not installed: "
            'pip install "crdtcore[plot]" (or pip install matplotlib)'
        )
    return None


def build(args: argparse.Namespace) -> Simulation:
    """The Simulation the parsed arguments describe.

    Raises:
        ValueError: Inconsistent arguments (a bad link setting, a trace needing more peers).
        OSError: The trace file cannot be read.
    """
    link = LinkConfig(
        latency=args.latency,
        jitter=args.jitter,
        distribution=args.distribution,
        drop=args.drop,
        duplicate=args.dup,
        bandwidth=args.bandwidth,
    )
    workload: Any
    if args.trace:
        name, _, limit = args.trace.partition(":")
        workload = TraceWorkload(name, limit=int(limit) if limit else None)
    else:
        workload = RandomWorkload(ops=args.ops, duration=args.duration)
    sim = Simulation(
        peers=args.peers,
        topology=args.topology,
        link=link,
        seed=args.seed,
        workload=workload,
        resync_interval=args.resync,
        max_time=args.max_time,
        strict=args.strict,
    )
    for groups, start, end in args.partition:
        sim.partition(groups, at=start, until=end)
    for peer, at, restart, restore in args.crash:
        sim.crash(peer, at=at, restart_at=restart, restore=restore)
    for at in args.join:
        sim.join(at=at)
    for peer, at in args.leave:
        sim.leave(peer, at=at)
    return sim


class ProgressBar:
    """A one-line progress bar on a text stream (no dependency on tqdm).

    Example:
        >>> import io
        >>> stream = io.StringIO()
        >>> bar = ProgressBar(stream, width=10)
        >>> bar.update(0.5, 1500.0)
        >>> stream.getvalue()
        '\\r[#####.....]  50% edits, t=1.5 s'
    """

    def __init__(self, stream: TextIO, width: int = 30) -> None:
        self.stream = stream
        self.width = width
        self._last: tuple[int, str] | None = None

    def update(self, fraction: float, now: float) -> None:
        """Redraws the bar if the percentage or the phase changed."""
        percent = int(fraction * 100)
        phase = "edits" if fraction < 1 else "settling"
        if (percent, phase) == self._last and phase == "edits":
            return
        self._last = (percent, phase)
        filled = int(fraction * self.width)
        bar = "#" * filled + "." * (self.width - filled)
        self.stream.write(f"\r[{bar}] {percent:3d}% {phase}, t={now / 1000:.1f} s")
        self.stream.flush()

    def close(self) -> None:
        """Ends the line."""
        self.stream.write("\n")
        self.stream.flush()
