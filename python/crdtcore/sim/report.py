"""The outcome of a simulation run: ``Report``, its text form and its plot.

All times are virtual milliseconds. A report holds no wall-clock time and no object
ids, so two runs with the same seed produce equal reports (``==``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .checker import Difference


@dataclass(frozen=True)
class Sample:
    """The state of the run at one virtual instant (taken every ``sample_interval``).

    Attributes:
        time: Virtual time (ms).
        peers: Live peers.
        states: Distinct document states among them (1 = all agree).
        agreeing: Fraction of live peers holding the most common state.
        messages: Frames sent so far.
        bytes: Bytes sent so far.
        ops: Edits made so far.
    """

    time: float
    peers: int
    states: int
    agreeing: float
    messages: int
    bytes: int
    ops: int


@dataclass(frozen=True)
class Report:
    """What a run did and whether the live peers converged.

    Attributes:
        converged: All live peers hold the same document (and the expected content).
        convergence_time: When the final common state was reached: the last change of
            any document or of the set of live peers (None if not converged).
        settle_time: ``convergence_time`` minus ``last_action_time``: how long the
            network needed after the last edit or fault action (None if not converged).
        end_time: When the run stopped.
        last_action_time: The last edit or scheduled action (partition, heal, crash...).
        seed: The run's seed.
        peers: Live peers at the end.
        ops: Edits made.
        messages: Frames handed to the network (duplicates not counted).
        bytes: Their total size.
        delivered: Frames handed to peers (duplicates counted).
        duplicates: Extra copies made by duplication.
        drops: Copies lost at random.
        partition_drops: Copies lost to partitions.
        closed_drops: Copies lost because their connection closed (crash, leave).
        protocol: Sync protocol counters summed over all peers and connections.
        samples: The run over time, for plotting.
        actions: ``(time, label)`` of the labelled actions that ran (partition, crash...).
        differences: How peers differ when not converged.
    """

    converged: bool
    convergence_time: float | None
    settle_time: float | None
    end_time: float
    last_action_time: float
    seed: int
    peers: int
    ops: int
    messages: int
    bytes: int
    delivered: int
    duplicates: int
    drops: int
    partition_drops: int
    closed_drops: int
    protocol: dict[str, int] = field(default_factory=dict)
    samples: list[Sample] = field(default_factory=list)
    actions: list[tuple[float, str]] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)

    def summary(self) -> str:
        """The report as a few lines of text.

        Example:
            >>> from crdtcore.sim import Simulation
            >>> print(Simulation(peers=2, seed=1).run().summary().splitlines()[0])
            converged: yes, 2 peers, 0 ops, seed 1
        """
        lines = [
            f"converged: {'yes' if self.converged else 'NO'}, {self.peers} peers, "
            f"{self.ops} ops, seed {self.seed}",
        ]
        if self.convergence_time is not None:
            lines.append(
                f"convergence time: {_ms(self.convergence_time)} "
                f"({_ms(self.settle_time or 0.0)} after the last action at "
                f"{_ms(self.last_action_time)})"
            )
        lines.append(f"run ended at: {_ms(self.end_time)} (virtual)")
        lines.append(
            f"traffic: {self.messages} messages, {_bytes(self.bytes)}, "
            f"{self.delivered} delivered, {self.duplicates} duplicated, {self.drops} dropped, "
            f"{self.partition_drops} lost to partitions, {self.closed_drops} to closed links"
        )
        if self.protocol:
            p = self.protocol
            lines.append(
                f"sync messages: {p.get('messages_out', 0)} sent, {p.get('messages_in', 0)} "
                f"handled, {p.get('updates_in', 0)} updates applied"
            )
        for difference in self.differences[:20]:
            lines.append(f"  {difference}")
        if len(self.differences) > 20:
            lines.append(f"  ... {len(self.differences) - 20} more differences")
        return "\n".join(lines)

    def plot(self, path: str | Path) -> None:
        """Draws distinct states and agreement over time, with traffic, into ``path``.

        The figure is ``crdtcore.sim.plot.convergence_figure(self)``; the file type follows
        the suffix of ``path`` (``.png``, ``.svg``, ``.pdf``).

        Raises:
            RuntimeError: matplotlib is not installed.
        """
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            raise RuntimeError(
                'plotting needs matplotlib: pip install "crdtcore[plot]" (or pip install matplotlib)'
            ) from None
        from .plot import convergence_figure

        convergence_figure(self).savefig(path, dpi=100)


def _ms(ms: float) -> str:
    return f"{ms / 1000:.3f} s" if ms >= 1000 else f"{ms:.1f} ms"


def _bytes(n: int) -> str:
    for unit in ("B", "kB", "MB"):
        if n < 1000:
            return f"{n} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000  # type: ignore[assignment]
    return f"{n:.1f} GB"
