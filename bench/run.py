"""Runs crdtcore's benchmark suite against its peers and publishes the results (issues 3 and 12).

Plans the matrix (libraries x workloads x inputs), runs each cell through its language's runner
(one measurement per process; protocol in bench/README.md), one warm-up then ``--runs`` counted
calls per cell, interleaved across libraries (A B C A B C) so machine noise hits all alike. Then
writes bench/results/latest.json (machine, versions, every raw sample), regenerates
bench/RESULTS.md (tables, ratios, pass/fail targets) and draws bench/results/*.png.

Usage (normally through ``./run bench``, which installs the peers and builds the runners)::

    python bench/run.py                         # everything (about an hour on 2 cores)
    python bench/run.py --quick                 # smoke (./run test stage 5): one small trace
    python bench/run.py --workloads growth:b4:50 --libs crdtcore-cpp   # a growth point by hand
    python bench/run.py --workloads replay,load --inputs automerge-paper --runs 7
    python bench/run.py --libs crdtcore-cpp,yjs --workloads growth_history --merge
    python bench/run.py --report-only           # RESULTS.md and plots from latest.json
    python bench/run.py --dry-run               # print the plan
    python bench/run.py --sample                # bench/results/sample.json (notebook test data)

--quick checks correctness only: it exits 1 when a library gives a wrong result, crashes or
times out (an "unsupported" answer is not a failure) and asserts nothing about speed. It writes
bench/results/tmp/quick.json and leaves latest.json and RESULTS.md alone.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import plan, results
from harness.execute import print_failures, run_all

BENCH = Path(__file__).resolve().parent
LATEST = BENCH / "results" / "latest.json"
QUICK_OUTPUT = BENCH / "results" / "tmp" / "quick.json"
SAMPLE = BENCH / "results" / "sample.json"
RESULTS_MD = BENCH / "RESULTS.md"
QUICK_BUDGET_S = 60
# The warm figure of every runner (bench/js/lib/warm.mjs, bench/cpp/bench_warm.h,
# bench/python/warm.py): at most WARM_REPEATS in-process
# repeats (--quick/--sample: QUICK_WARM_REPEATS), until the last 3 lie within WARM_TOLERANCE of
# their median, and no new repeat that would take the repeats past --warm-s seconds.
WARM_REPEATS = 10
QUICK_WARM_REPEATS = 3
WARM_TOLERANCE = 0.1


def _csv(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="bench/run.py",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--quick",
        action="store_true",
        help="one small trace, one run of every available library; correctness only",
    )
    p.add_argument(
        "--sample",
        action="store_true",
        help="--quick plus the growth cells (b4x10, three client counts) of the growth "
        "libraries, into bench/results/sample.json",
    )
    p.add_argument("--libs", type=_csv, default=(), help=f"comma list of: {', '.join(plan.LIBS)}")
    p.add_argument(
        "--workloads",
        type=_csv,
        default=(),
        help=f"comma list of groups ({', '.join(plan.GROUPS)}) or single workloads",
    )
    p.add_argument("--inputs", type=_csv, default=(), help="comma list of trace names / specs")
    p.add_argument("--runs", type=int, help="counted runs per cell (default 5; --quick 1)")
    p.add_argument("--warmup", type=int, help="warm-up calls per cell (default 1; --quick 0)")
    p.add_argument(
        "--timeout",
        type=float,
        help="seconds per call; a slower call shows as '> T' (default 300; --quick 58)",
    )
    p.add_argument(
        "--jobs",
        type=int,
        help="parallel calls within a round (default 1; --quick 2): correctness only",
    )
    p.add_argument(
        "--budget-s",
        type=float,
        help="seconds after which a runner gives up a replay, replay_sync or concurrent run and "
        "answers 'timeout' (exported as CRDTCORE_BENCH_BUDGET_S; default 60; --quick none)",
    )
    p.add_argument(
        "--warm-repeats",
        type=int,
        help="every runner (JS, C++, Python): at most this many in-process repeats for the warm "
        "figure of replay, replay_sync, encode, load and concurrent (exported as "
        f"CRDTCORE_BENCH_WARM_REPEATS; default {WARM_REPEATS}; --quick {QUICK_WARM_REPEATS}; "
        "0: cold only)",
    )
    p.add_argument(
        "--warm-s",
        type=float,
        help="every runner: seconds the warm repeats of one call may take (exported as "
        "CRDTCORE_BENCH_WARM_S; default 60; --quick 10)",
    )
    p.add_argument("--output", type=Path, help="results file (default bench/results/latest.json)")
    p.add_argument(
        "--merge",
        action="store_true",
        help="keep the cells of the existing results file that this run does not measure",
    )
    p.add_argument(
        "--no-report", action="store_true", help="do not regenerate RESULTS.md and plots"
    )
    p.add_argument(
        "--report-only",
        action="store_true",
        help="regenerate RESULTS.md and plots from the results file, run nothing",
    )
    p.add_argument("--dry-run", action="store_true", help="print the planned cells and exit")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    args = p.parse_args(argv)
    small = args.quick or args.sample
    args.runs = args.runs if args.runs is not None else (1 if small else 5)
    args.warmup = args.warmup if args.warmup is not None else (0 if small else 1)
    args.timeout = args.timeout if args.timeout is not None else (58.0 if args.quick else 300.0)
    args.jobs = args.jobs if args.jobs is not None else (2 if args.quick else 1)
    args.budget_s = args.budget_s if args.budget_s is not None else (0.0 if small else 60.0)
    if args.warm_repeats is None:
        args.warm_repeats = QUICK_WARM_REPEATS if small else WARM_REPEATS
    args.warm_s = args.warm_s if args.warm_s is not None else (10.0 if args.quick else 60.0)
    args.output = args.output or (SAMPLE if args.sample else QUICK_OUTPUT if args.quick else LATEST)
    if args.runs < 1 or args.warmup < 0 or args.timeout <= 0 or args.jobs < 1 or args.budget_s < 0:
        p.error("--runs must be >= 1, --warmup >= 0, --timeout > 0, --jobs >= 1, --budget-s >= 0")
    if args.warm_repeats < 0 or args.warm_s <= 0:
        p.error("--warm-repeats must be >= 0, --warm-s > 0")
    if args.jobs > 1 and not args.quick:
        print(
            "run.py: warning: --jobs > 1 runs libraries side by side; the times are not comparable",
            file=sys.stderr,
        )
    return args


def publish(doc: dict, output: Path) -> None:
    """Regenerates RESULTS.md and the plots (plots need matplotlib; skipped with a note if absent)."""
    from harness import report

    try:
        from harness import plots
    except ImportError as exc:
        print(f"run.py: no plots ({exc}); install the bench extras", file=sys.stderr)
        saved = {}
    else:
        saved = plots.save_all(doc, output.parent)
    rel = output.parent.relative_to(BENCH) if output.parent.is_relative_to(BENCH) else output.parent
    report.write(doc, RESULTS_MD, {g: f"{rel}/{name}" for g, name in saved.items()})
    print(f"run.py: wrote {RESULTS_MD.relative_to(BENCH.parent)} and {len(saved)} plots")


def print_summary(doc: dict) -> None:
    """One line per cell: outcome and median time."""
    from harness.report import fmt_ms

    for c in doc["cells"]:
        state = "ok  " if c["ok"] else ("n/a " if c["unsupported"] else "FAIL")
        extra = fmt_ms(c["median_ms"]) if c["ok"] else c["error"]
        if c["ok"] and c.get("warm_median_ms") is not None:
            extra = f"cold {extra}, warm {fmt_ms(c['warm_median_ms'])}"
        print(f"{state} {c['lib']:<14} {c['workload']:<16} {c['input']:<22} {extra}")


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if args.report_only:
        publish(results.load(args.output), args.output)
        return 0

    sel = plan.Selection(
        args.libs, args.workloads, args.inputs, quick=args.quick, sample=args.sample
    )
    try:
        cells = plan.plan(sel)
    except ValueError as exc:
        print(f"run.py: {exc}", file=sys.stderr)
        return 2
    for lib, why in sel.skipped_libs.items():
        print(f"run.py: skipping {lib}: {why}", file=sys.stderr)
    if args.dry_run:
        for cell in cells:
            print(" ".join(plan.runner_argv(cell)))
        return 0
    if not cells:
        print(
            "run.py: nothing to run (no runner found, or the filters match nothing)",
            file=sys.stderr,
        )
        return 1

    if args.budget_s:
        os.environ["CRDTCORE_BENCH_BUDGET_S"] = f"{args.budget_s:g}"
    os.environ["CRDTCORE_BENCH_WARM_REPEATS"] = str(args.warm_repeats)
    os.environ["CRDTCORE_BENCH_WARM_S"] = f"{args.warm_s:g}"
    os.environ["CRDTCORE_BENCH_WARM_TOL"] = f"{WARM_TOLERANCE:g}"
    calls = len(cells) * (args.warmup + args.runs)
    print(
        f"run.py: {len(cells)} cells x ({args.warmup} warm-up + {args.runs} runs) = {calls} "
        f"calls, {len({c.lib for c in cells})} libraries",
        file=sys.stderr,
    )
    start = time.monotonic()
    measured = run_all(
        cells,
        args.runs,
        args.warmup,
        args.timeout,
        jobs=args.jobs,
        show_progress=not args.no_progress,
    )
    elapsed = time.monotonic() - start

    config = {
        "runs": args.runs,
        "warmup": args.warmup,
        "timeout_s": args.timeout,
        "jobs": args.jobs,
        "budget_s": args.budget_s,
        "warm_repeats": args.warm_repeats,
        "warm_s": args.warm_s,
        "warm_tolerance": WARM_TOLERANCE,
        "quick": args.quick,
        "sample": args.sample,
        "libs": list(args.libs),
        "workloads": list(args.workloads),
        "inputs": list(args.inputs),
        "elapsed_s": round(elapsed, 1),
    }
    doc = results.build_document(measured, config, sel.skipped_libs)
    if args.merge and args.output.exists():
        doc = results.merge(results.load(args.output), doc)
    results.save(doc, args.output)
    print(f"run.py: {elapsed:.1f} s; wrote {args.output}", file=sys.stderr)
    if args.quick or args.sample:
        print_summary(doc)
    elif args.output == LATEST and not args.no_report:
        publish(doc, args.output)

    failures = print_failures(measured)
    if args.quick:
        if elapsed > QUICK_BUDGET_S:
            print(
                f"run.py: note: --quick took {elapsed:.0f} s (budget {QUICK_BUDGET_S} s)",
                file=sys.stderr,
            )
        return 1 if failures else 0
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:  # the running call was killed with its process group
        print("\nrun.py: interrupted; no results written", file=sys.stderr)
        sys.exit(130)
