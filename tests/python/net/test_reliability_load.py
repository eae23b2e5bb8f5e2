"""bench/net/load.py (issue 5 §4): ``--quick`` runs both scenarios against a real
``crdtcore serve`` process, converges and writes its report. No speed assertions: this keeps
the benchmark from rotting; the figures come from a full run (bench/net/README.md)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from crdtcore import Doc, Map, Text
from crdtcore.sync import SyncProtocol

BENCH_NET = Path(__file__).resolve().parents[3] / "bench" / "net"
sys.path.insert(0, str(BENCH_NET))

from load import percentiles  # noqa: E402
from load_client import Recorder, update_key  # noqa: E402


def test_quick_load_converges_and_reports(tmp_path):
    out = tmp_path / "quick.json"
    command = [sys.executable, str(BENCH_NET / "load.py"), "--quick", "--no-progress"]
    done = subprocess.run(
        [*command, "--out", str(out)], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(out.read_text())
    assert {"schema", "date", "machine", "git", "config", "scenarios"} <= set(report)
    assert report["config"]["quick"] is True
    shapes = {"one-room": (1, 8), "many-rooms": (20, 40)}
    assert set(report["scenarios"]) == set(shapes)
    for name, result in report["scenarios"].items():
        assert (result["rooms"], result["clients"]) == shapes[name]
        assert result["converged"], result.get("error")
        assert result["server_exit"] == 0
        assert result["store_mismatches"] == []
        assert result["server"]["errors"] == 0
        assert result["updates"] > 0
        assert result["server"]["updates_in"] == result["updates"]  # each edit applied once
        assert result["updates_per_s"] > 0
        latency = result["latency"]
        peers = result["clients"] // result["rooms"] - 1
        assert latency["samples"] == latency["timed_updates"] * peers  # every broadcast arrived
        assert 0 <= latency["p50_ms"] <= latency["p90_ms"] <= latency["p99_ms"] <= latency["max_ms"]
        sizes = result["bytes"]
        assert min(sizes.values()) > 0
        assert sizes["received_by_clients"] >= sizes["sent_by_clients"] * peers * 0.9
    summary = out.with_suffix(".md").read_text()
    assert "| one-room | 8 in 1 room |" in summary and "| many-rooms |" in summary
    assert summary in done.stdout


@pytest.mark.parametrize("kind", ["insert", "map set", "insert after a deletion"])
def test_update_key_of_a_broadcast_is_the_senders_key(kind):
    sender, server = Doc(client_id=7), Doc(client_id=1)
    text = sender.get("t", type=Text)
    text.insert(0, "hello")
    server.apply_update(sender.get_update())
    upstream, downstream = SyncProtocol(sender), SyncProtocol(server)  # client -> server
    relay = SyncProtocol(server)  # the server's connection to another client
    if kind == "insert":
        text.insert(2, "xy")
    elif kind == "map set":
        sender.get("m", type=Map)["k"] = 1
    else:
        with sender.transaction():
            del text[0:2]
            text.insert(0, "z")
    (sent,) = upstream.data_to_send()
    downstream.receive_data(sent)
    (broadcast,) = relay.data_to_send()
    assert update_key(sent) == update_key(broadcast) == (7, 5)


def test_pure_deletions_and_other_messages_are_not_timed():
    doc = Doc({"t": Text("hello")}, client_id=7)
    protocol = SyncProtocol(doc)
    protocol.start()
    del doc["t"][0:2]
    step1, deletion = protocol.data_to_send()
    assert update_key(step1) is None
    assert update_key(deletion) is None
    assert update_key(b"\x00\x02") is None  # truncated: no key, no exception
    recorder = Recorder()
    recorder.sent((7, 0), 1.0)
    recorder.received((7, 0), 1.5)
    recorder.received((8, 0), 2.0)
    assert recorder.latencies() == [0.5]
    assert percentiles([0.001 * i for i in range(1, 101)]) == {
        "samples": 100,
        "p50_ms": 50.0,
        "p90_ms": 90.0,
        "p99_ms": 99.0,
        "max_ms": 100.0,
    }
    assert percentiles([])["samples"] == 0
