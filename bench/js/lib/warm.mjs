// Warm figures: the same measurement repeated in one process until its time
// stabilizes, the way a long-running server sees a library once V8 has
// tiered its JS and wasm code up. The runner's `ms` stays the cold figure (a
// fresh process, the short warm-up of sequential.mjs); the warm one goes to
// `extra.warm_ms` (bench/README.md, "Cold and warm").
//
// Settings (bench/run.py exports them; --quick uses 3 repeats):
//   CRDTCORE_BENCH_WARM_REPEATS  at most this many repeats (default 10; 0: no warm figure)
//   CRDTCORE_BENCH_WARM_S        no new repeat once the repeats so far and one more would
//                                pass this many seconds (default 60); at least one runs
//   CRDTCORE_BENCH_WARM_TOL      stable: the last WINDOW times lie within this fraction of
//                                their median (default 0.1)

import { now, fullGc } from './measure.mjs';

export const WINDOW = 3;

// Thrown by a repeat that passed the measurement's time budget
// ($CRDTCORE_BENCH_BUDGET_S): it ends the repeats without a time, and the cold
// result stays good (as in the C++ and Python runners).
export class BudgetExceeded extends Error {}

export function warmSettings(env = process.env) {
  const num = (v, d) => (v === undefined || v === '' || !Number.isFinite(Number(v)) ? d : Number(v));
  return {
    repeats: Math.max(0, Math.floor(num(env.CRDTCORE_BENCH_WARM_REPEATS, 10))),
    budgetMs: num(env.CRDTCORE_BENCH_WARM_S, 60) * 1000,
    tolerance: num(env.CRDTCORE_BENCH_WARM_TOL, 0.1),
    window: WINDOW,
  };
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

// True when the last `window` times exist and (max - min) <= tolerance * median.
export function isStable(times, window, tolerance) {
  if (times.length < window) return false;
  const last = times.slice(-window);
  return Math.max(...last) - Math.min(...last) <= tolerance * median(last);
}

// Repeats runOnce(i) (which returns the timed ms of repeat i, or throws for a
// wrong result) until the last `window` times are stable, `repeats` ran, one
// more repeat would pass `budgetMs` (estimated from the slowest repeat so far;
// before the first, from expectMs, the cold time), or a repeat throws
// BudgetExceeded (that repeat has no time).
// Before each repeat, between() runs (a full GC: the previous repeat's garbage
// is not collected inside the next one's timed span). Returns the extra fields:
// warm_ms (median of the last `window` times, or of all when fewer ran),
// warm_times_ms, warm_stable (warm_ms is null when not even one repeat fits
// the budget); or {} when settings.repeats is 0.
export function warmRepeats(runOnce, settings = warmSettings(), options = {}) {
  const { between = fullGc, clock = now, expectMs = 0 } = options;
  const { repeats, budgetMs, tolerance, window } = settings;
  if (!(repeats > 0)) return {};
  const times = [];
  const t0 = clock();
  while (times.length < repeats) {
    const next = times.length > 0 ? Math.max(...times) : expectMs;
    if (clock() - t0 + next > budgetMs) break;
    between();
    try {
      times.push(runOnce(times.length));
    } catch (e) {
      if (e instanceof BudgetExceeded) break;
      throw e;
    }
    if (isStable(times, window, tolerance)) break;
  }
  const round = (t) => Math.round(t * 1000) / 1000;
  return {
    warm_ms: times.length > 0 ? round(median(times.slice(-window))) : null,
    warm_times_ms: times.map(round),
    warm_stable: isStable(times, window, tolerance),
  };
}
