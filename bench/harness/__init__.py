"""The benchmark orchestrator behind bench/run.py: plan, execute, results, report, plots.

plan      the matrix of (library, workload, input) cells and each cell's runner command
execute   runs cells as subprocesses (warm-up, interleaved counted runs, timeouts)
progress  the progress bar (tqdm when installed)
results   the results document (machine, versions, summaries, raw samples)
targets   the issue's pass/fail performance targets
report    bench/RESULTS.md
plots     matplotlib figures for bench/results/*.png (colours from crdtcore.palette, which
          notebooks/03_benchmarks.ipynb shares; the notebook reads the results file itself)
"""
