"""The convergence figure (crdtcore.sim.plot): a legend for every series, labels inside the
figure, the shared palette's colours, partitions shaded from partition to heal."""

import pytest

pytest.importorskip("matplotlib")

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex

from crdtcore.palette import colour
from crdtcore.sim import LinkConfig, RandomWorkload, Simulation
from crdtcore.sim.plot import convergence_figure, partition_spans


@pytest.fixture(scope="module")
def report():
    sim = Simulation(
        peers=6,
        topology="mesh",
        link=LinkConfig(latency=20, jitter=30, drop=0.1),
        seed=3,
        workload=RandomWorkload(ops=60, duration=2000),
        sample_interval=50,
    )
    sim.partition([range(0, 3), range(3, 6)], at=500, until=1500)
    sim.crash(4, at=700, restart_at=900)
    result = sim.run()
    assert result.converged
    return result


def legend_texts(fig):
    assert len(fig.legends) == 1, "one figure legend"
    return [text.get_text() for text in fig.legends[0].get_texts()]


def test_legend_names_every_series(report):
    texts = legend_texts(convergence_figure(report))
    for expected in ("distinct states", "agreeing", "partitioned", "action", "all peers agree"):
        assert any(expected in text for text in texts), (expected, texts)


def test_colours_come_from_the_palette(report):
    fig = convergence_figure(report)
    top, bottom, share = fig.axes[0], fig.axes[1], fig.axes[2]
    assert to_hex(top.get_lines()[0].get_color()) == colour("distinct states")
    assert to_hex(share.get_lines()[0].get_color()) == colour("agreeing")
    assert to_hex(bottom.get_lines()[0].get_color()) == colour("messages")
    handles = {h.get_label(): h for h in fig.legends[0].legend_handles}
    partitioned = next(h for label, h in handles.items() if label == "partitioned")
    assert to_hex(partitioned.get_facecolor()) == colour("partition")


def test_action_labels_and_legend_lie_inside_the_figure(report):
    fig = convergence_figure(report)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    box = fig.bbox
    # The action names: tick labels of the time axis drawn above the top panel.
    texts = [t for child in fig.axes[0].child_axes for t in child.get_xticklabels()]
    names = {t.get_text() for t in texts}
    assert {"partition", "heal", "crash 4", "restart 4"} <= names
    for artist in [*texts, fig.legends[0], fig._suptitle]:
        extent = artist.get_window_extent(renderer)
        assert box.x0 - 1 <= extent.x0 and extent.x1 <= box.x1 + 1, artist
        assert box.y0 - 1 <= extent.y0 and extent.y1 <= box.y1 + 1, artist


def test_partition_spans_pair_partition_with_heal(report):
    assert partition_spans(report) == [(500.0, 1500.0)]


def test_an_unhealed_partition_lasts_to_the_end():
    sim = Simulation(peers=4, seed=1, max_time=3000)
    sim.partition([[0, 1], [2, 3]], at=100)
    result = sim.run()
    assert partition_spans(result) == [(100.0, result.end_time)]


def test_report_plot_writes_a_png(report, tmp_path):
    path = tmp_path / "run.png"
    report.plot(path)
    assert path.read_bytes().startswith(b"\x89PNG")
