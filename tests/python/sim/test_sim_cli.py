"""``python -m crdtcore simulate``: argument syntax, output, exit status, plot, progress."""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys

import pytest

from crdtcore.__main__ import main
from crdtcore.sim.cli import (
    ProgressBar,
    parse_crash,
    parse_leave,
    parse_partition,
    parse_peers,
    parse_time,
)


def test_times_peers_and_fault_specs_parse():
    assert [parse_time(t) for t in ("250", "50ms", "2s", "0.5m", " 1.5s ")] == [
        250.0,
        50.0,
        2000.0,
        30000.0,
        1500.0,
    ]
    assert parse_peers("0-2,5,9-10") == [0, 1, 2, 5, 9, 10]
    assert parse_partition("0-9/10-19@2s-8s") == (
        [list(range(10)), list(range(10, 20))],
        2000.0,
        8000.0,
    )
    assert parse_partition("3@1s") == ([[3]], 1000.0, None)
    assert parse_crash("3@2s-5s") == (3, 2000.0, 5000.0, True)
    assert parse_crash("3@2s-5s:wipe") == (3, 2000.0, 5000.0, False)
    assert parse_leave("7@100") == (7, 100.0)


@pytest.mark.parametrize(
    ("parse", "text"),
    [
        (parse_time, "2 hours"),
        (parse_time, "-5ms"),
        (parse_peers, "a-b"),
        (parse_peers, "5-2"),
        (parse_partition, "0-4/5-9"),
        (parse_partition, "0@1s@2s"),
        (parse_crash, "3@2s:forever"),
        (parse_crash, "x@2s"),
        (parse_leave, "3"),
    ],
)
def test_malformed_specs_are_refused(parse, text):
    with pytest.raises(argparse.ArgumentTypeError):
        parse(text)


def test_simulate_prints_a_report_and_exits_0_when_converged(capsys):
    status = main([
        "simulate", "--peers", "6", "--topology", "gossip", "--ops", "120", "--duration",
        "1s", "--drop", "0.1", "--dup", "0.1", "--jitter", "30ms", "--seed", "3",
        "--partition", "0-2/3-5@200ms-700ms", "--crash", "4@300ms-900ms:wipe",
        "--join", "400ms", "--leave", "1@500ms", "--no-progress",
    ])  # fmt: skip
    out = capsys.readouterr().out
    assert status == 0
    assert "converged: yes, 6 peers, 120 ops, seed 3" in out
    assert "lost to partitions" in out and "wall time:" in out


def test_simulate_exits_1_and_lists_differences_when_peers_diverge(capsys):
    status = main([
        "simulate", "--peers", "4", "--ops", "30", "--duration", "300ms",
        "--partition", "0-1/2-3@0", "--max-time", "5s",
    ])  # fmt: skip
    out = capsys.readouterr().out
    assert status == 1 and "converged: NO" in out and "vs peer 0" in out


def test_simulate_replays_a_trace(capsys):
    status = main(["simulate", "--peers", "3", "--trace", "friendsforever:300", "--drop", "0.2"])
    assert status == 0 and "300 ops" in capsys.readouterr().out


def test_bad_arguments_exit_2(capsys):
    assert main(["simulate", "--drop", "1.5"]) == 2
    assert "drop must be" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["simulate", "--partition", "nonsense"])


def test_plot_writes_a_png(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    path = tmp_path / "run.png"
    assert main(["simulate", "--peers", "3", "--ops", "20", "--plot", str(path)]) == 0
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert f"plot: {path}" in capsys.readouterr().out


def test_plot_without_matplotlib_is_refused_before_the_run(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # `import matplotlib` fails
    plot = tmp_path / "x.png"
    status = main(["simulate", "--peers", "2", "--ops", "5", "--no-progress", "--plot", str(plot)])
    captured = capsys.readouterr()
    assert status == 2
    assert 'needs matplotlib, which is not installed: pip install "crdtcore[plot]"' in captured.err
    assert captured.out == ""  # no report: the simulation never ran
    assert not plot.exists()


def test_plot_into_a_missing_directory_is_refused_before_the_run(tmp_path, capsys):
    plot = tmp_path / "missing" / "x.png"
    status = main(["simulate", "--peers", "2", "--ops", "5", "--no-progress", "--plot", str(plot)])
    captured = capsys.readouterr()
    assert status == 2
    assert f"the directory '{plot.parent}' does not exist" in captured.err
    assert captured.out == ""


def command_parsers() -> dict[str, argparse.ArgumentParser]:
    """The parsers of the simulate and serve sub-commands, built as __main__ builds them."""
    from crdtcore.asyncio import _cli as serve_cli
    from crdtcore.sim import cli as sim_cli

    commands = argparse.ArgumentParser(prog="crdtcore").add_subparsers()
    return {"simulate": sim_cli.add_parser(commands), "serve": serve_cli.add_parser(commands)}


@pytest.mark.parametrize("command", ["simulate", "serve"])
def test_every_option_has_help(command):
    parser = command_parsers()[command]
    for action in parser._actions:
        assert action.help and action.help != argparse.SUPPRESS, action.option_strings


@pytest.mark.parametrize("command", ["simulate", "serve"])
def test_help_is_plain_text(command, capsys):
    with pytest.raises(SystemExit) as exited:
        main([command, "--help"])
    assert exited.value.code == 0
    text = capsys.readouterr().out
    for markup in ("``", ":class:", ":func:", ":meth:", ":mod:", "\n* ", "\n.. "):
        assert markup not in text, markup
    if command == "simulate":
        assert "--partition GROUPS@START[-END]" in text  # the option syntax is explained
        assert "python -m crdtcore simulate --peers 20" in text  # the example


def test_progress_bar_on_request(capsys):
    assert main(["simulate", "--peers", "2", "--ops", "50", "--progress"]) == 0
    err = capsys.readouterr().err
    assert "\r[" in err and "100% settling" in err and err.endswith("\n")


def test_progress_bar_redraws_only_on_change():
    stream = io.StringIO()
    bar = ProgressBar(stream, width=4)
    for fraction in (0.0, 0.001, 0.5, 0.5):
        bar.update(fraction, 0.0)
    assert stream.getvalue().count("\r") == 2


def test_demo_still_works_and_the_module_runs():
    assert main(["demo"]) == 0
    result = subprocess.run(
        [sys.executable, "-m", "crdtcore", "simulate", "--peers", "2", "--ops", "10"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0 and "converged: yes" in result.stdout


def test_runs_do_not_depend_on_string_hashing():
    args = ["simulate", "--peers", "8", "--topology", "gossip", "--drop", "0.2", "--dup", "0.2",
            "--jitter", "80ms", "--ops", "150", "--partition", "0-3/4-7@200ms-900ms",
            "--crash", "3@300ms-1s", "--join", "500ms", "--leave", "6@700ms", "--seed", "9"]  # fmt: skip
    outputs = []
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        result = subprocess.run(
            [sys.executable, "-m", "crdtcore", *args], capture_output=True, text=True, env=env,
            check=True,
        )  # fmt: skip
        outputs.append([line for line in result.stdout.splitlines() if "wall" not in line])
    assert outputs[0] == outputs[1] and "converged: yes" in outputs[0][0]
