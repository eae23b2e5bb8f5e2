"""A stand-in for the benchmark runners (bench/README.md protocol), driven by a JSON script.

    python fake_runner.py --kind cpp --lib L --workload W --input I

The orchestrator's tests point CRDTCORE_BENCH_RUNNER_{CPP,PY,JS} at this file. It appends one
JSON line per call ({"kind", "lib", "workload", "input", "warm_repeats": the
$CRDTCORE_BENCH_WARM_REPEATS it saw}) to $FAKE_BENCH_LOG, then behaves as
$FAKE_BENCH_SCRIPT (a JSON object) says for the most specific key present: "L W I", "L W",
"L", else "default". A behaviour is an object:

    mode      ok (default) | wrong | unsupported | budget | crash | signal | sleep | garbage
              | exit_after_ok | no_ms
    ms        the time of an ok answer (default 1.0)
    ok_calls  the first ok_calls calls of this (L, W, I) answer ok; the mode applies after
    record    extra fields merged into the JSON line (e.g. {"extra": {"checkpoints": [...]}})
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time


def behaviour(script: dict, lib: str, workload: str, input_: str) -> dict:
    for key in (f"{lib} {workload} {input_}", f"{lib} {workload}", lib, "default"):
        if key in script:
            return script[key]
    return {}


def previous_calls(log: str, call: dict) -> int:
    """Calls of the same (lib, workload, input) logged before this one."""
    with open(log, encoding="utf-8") as f:
        calls = [json.loads(line) for line in f if line.strip()]
    same = [c for c in calls if all(c[k] == call[k] for k in ("lib", "workload", "input"))]
    return len(same) - 1


def main() -> int:
    p = argparse.ArgumentParser()
    for flag in ("--kind", "--lib", "--workload", "--input"):
        p.add_argument(flag, default="")
    args = p.parse_args()
    call = {"kind": args.kind, "lib": args.lib, "workload": args.workload, "input": args.input}
    call["warm_repeats"] = os.environ.get("CRDTCORE_BENCH_WARM_REPEATS")
    log = os.environ["FAKE_BENCH_LOG"]
    with open(log, "a", encoding="utf-8") as f:
        f.write(json.dumps(call) + "\n")
    with open(os.environ["FAKE_BENCH_SCRIPT"], encoding="utf-8") as f:
        how = behaviour(json.load(f), args.lib, args.workload, args.input)
    mode = how.get("mode", "ok")
    if previous_calls(log, call) < how.get("ok_calls", 0):
        mode = "ok"

    line = {
        **{k: call[k] for k in ("lib", "workload", "input")},
        "ok": True,
        "ms": how.get("ms", 1.0),
        "ops": 100,
        "bytes": 10,
        "mem_bytes": 1000,
        "mem_method": "fake",
        "version": f"{args.kind}-1.0",
        "error": None,
        **how.get("record", {}),
    }
    if mode in ("wrong", "unsupported", "budget"):
        line["ok"], line["ms"] = False, None
        line["error"] = {
            "wrong": "wrong result: text differs",
            "unsupported": "unsupported: no arrays",
            "budget": "timeout: budget of 60 s exceeded after 4096 of 9999 patches",
        }[mode]
        line.pop("extra", None)
    elif mode == "crash":
        sys.stderr.write("Traceback (most recent call last):\nValueError: boom\n")
        return 3
    elif mode == "signal":
        os.kill(os.getpid(), signal.SIGSEGV)
    elif mode == "sleep":
        time.sleep(30)
    elif mode == "garbage":
        print("this is not json {")
        return 0
    elif mode == "no_ms":
        line["ms"] = None
    print(json.dumps(line), flush=True)
    if mode == "exit_after_ok":
        return 4
    return 0 if line["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
