"""The convergence figure of a simulation run (``Report.plot``, ``simulate --plot``).

Two panels over virtual time. Top: how many distinct document states the live peers hold
(left axis) and which fraction of them holds the most common one (right axis), with the moment
all peers agree marked. Bottom: frames sent so far. Partitions are shaded from ``partition``
to the next ``heal`` (or the end of the run); every labelled action (partition, heal, crash,
restart, join, leave) is a dotted line across both panels, named on a time axis above the
figure so that no label is drawn over the data or cut off at the edge. One legend below the
panels names every line, span and marker; colours come from ``crdtcore.palette``.

The figure is a ``matplotlib.figure.Figure`` built without pyplot, so drawing it neither
needs nor changes a GUI backend (it can be saved from a notebook or a server alike).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from crdtcore.palette import colour

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from .report import Report

PARTITION, HEAL = "partition", "heal"


def partition_spans(report: Report) -> list[tuple[float, float]]:
    """The ``(start, end)`` virtual ms of each partition: to the next heal, or the run's end.

    Example:
        >>> from crdtcore.sim import Simulation
        >>> sim = Simulation(peers=4, seed=1)
        >>> sim.partition([[0, 1], [2, 3]], at=100, until=300)
        >>> partition_spans(sim.run())
        [(100, 300)]
    """
    spans, start = [], None
    for time, label in report.actions:
        if label == PARTITION and start is None:
            start = time
        elif label == HEAL and start is not None:
            spans.append((start, time))
            start = None
    if start is not None:
        spans.append((start, report.end_time))
    return spans


def convergence_figure(report: Report) -> Figure:
    """Draws ``report``'s samples and actions (see the module docstring).

    Raises:
        ImportError: matplotlib is not installed.
    """
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.ticker import MaxNLocator

    times = [s.time / 1000 for s in report.samples]
    fig = Figure(figsize=(9, 6.5), layout="constrained")
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=[3, 2])
    share = top.twinx()

    handles: list[Any] = []
    handles += top.step(
        times,
        [s.states for s in report.samples],
        where="post",
        color=colour("distinct states"),
        label="distinct states (left axis)",
    )
    handles += share.plot(
        times,
        [s.agreeing for s in report.samples],
        color=colour("agreeing"),
        label="fraction of peers agreeing (right axis)",
    )
    top.set_ylabel("distinct document states", color=colour("distinct states"))
    top.set_ylim(bottom=0)
    top.yaxis.set_major_locator(MaxNLocator(integer=True))
    share.set_ylabel("fraction of peers agreeing", color=colour("agreeing"))
    share.set_ylim(0, 1.05)
    bottom.plot(times, [s.messages for s in report.samples], color=colour("messages"))
    bottom.set_ylabel("frames sent so far")
    bottom.set_xlabel("virtual time (s)")
    bottom.set_ylim(bottom=0)

    for start, end in partition_spans(report):
        for ax in (top, bottom):
            ax.axvspan(start / 1000, end / 1000, color=colour("partition"), alpha=0.3, lw=0)
    if partition_spans(report):
        handles.append(Patch(color=colour("partition"), alpha=0.3, label="partitioned"))
    for time, _ in report.actions:
        for ax in (top, bottom):
            ax.axvline(time / 1000, color=colour("fault"), linestyle=":", linewidth=1)
    if report.actions:
        handles.append(
            Line2D([], [], color=colour("fault"), linestyle=":", label="action (named on top)")
        )
        names = top.secondary_xaxis("top")
        names.set_xticks(
            [time / 1000 for time, _ in report.actions], [label for _, label in report.actions]
        )
        names.tick_params(labelsize=8, colors=colour("fault"))
    if report.convergence_time is not None:
        converged = report.convergence_time / 1000
        for ax in (top, bottom):
            ax.axvline(converged, color=colour("converged"), linestyle="--", linewidth=1.2)
        handles.append(
            Line2D(
                [],
                [],
                color=colour("converged"),
                linestyle="--",
                label=f"all peers agree ({converged:.2f} s)",
            )
        )
    for ax in (top, bottom):
        ax.grid(alpha=0.3)
    outcome = "converged" if report.converged else "did NOT converge"
    fig.suptitle(f"{outcome}: {report.peers} peers, {report.ops} edits, seed {report.seed}")
    fig.legend(handles=handles, loc="outside lower center", ncols=3, fontsize=8, frameon=False)
    return fig
