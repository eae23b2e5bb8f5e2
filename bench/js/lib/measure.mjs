// Timing, memory and random-input helpers shared by the workloads.

import { performance } from 'node:perf_hooks';

export const now = () => performance.now();

export const MEM_METHOD =
  'heapUsed+external delta after global.gc(); wasm memory counts as its high-water mark';

// In-process JIT warm-up of short measurements (encode, load, B1-B3): V8
// needs several calls to move a library's hot code to its optimizing tier,
// so the operation runs untimed at least once, then again while fewer than
// WARMUP.runs runs and less than WARMUP.ms ms have passed; the next run is
// the timed one.
export const WARMUP = {
  runs: Number(process.env.CRDTCORE_BENCH_WARMUP_RUNS ?? 5),
  ms: Number(process.env.CRDTCORE_BENCH_WARMUP_MS ?? 500),
};

// Runs fn as the warm-up above; returns { first: fn's first result, runs }.
export function warmUpRuns(fn) {
  const t0 = now();
  const first = fn();
  let runs = 1;
  while (runs < WARMUP.runs && now() - t0 < WARMUP.ms) {
    fn();
    runs++;
  }
  return { first, runs };
}

// True when node runs with --expose-gc.
export const canMeasureMemory = () => typeof globalThis.gc === 'function';

// Runs a full garbage collection (twice, so finalizers of the first pass
// have run) when available.
export function fullGc() {
  if (typeof globalThis.gc === 'function') {
    globalThis.gc();
    globalThis.gc();
  }
}

// Bytes of JS heap plus external memory (ArrayBuffers, wasm memories) after
// a full collection, or null without --expose-gc. Note: `arrayBuffers` is
// part of `external`; adding both would count plain ArrayBuffers twice and
// wasm memory (which is not in `arrayBuffers`) once.
export function memNow() {
  if (!canMeasureMemory()) return null;
  fullGc();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

// Difference of two memNow() readings (null when unavailable), never below 0.
export function memDelta(before, after) {
  if (before == null || after == null) return null;
  return Math.max(0, after - before);
}

// The deterministic generator of the B1-B3 inputs: SplitMix64 seeded with
// 42, the same as bench/cpp/bench_support.h and bench/python/workloads.py, so
// every runner replays identical edits. 64-bit arithmetic uses BigInt (input
// generation is never timed).
const M64 = (1n << 64n) - 1n;

export class SplitMix64 {
  constructor(seed = 42) {
    this.state = BigInt(seed) & M64;
  }

  // Next 64-bit value (a BigInt).
  next() {
    this.state = (this.state + 0x9e3779b97f4a7c15n) & M64;
    let z = this.state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & M64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & M64;
    return z ^ (z >> 31n);
  }

  // lo + next() % (hi - lo + 1): an integer in [lo, hi].
  intIn(lo, hi) {
    return lo + Number(this.next() % BigInt(hi - lo + 1));
  }

  // 'a' + next() % 26.
  letter() {
    return String.fromCharCode(97 + Number(this.next() % 26n));
  }

  // n letters.
  word(n) {
    let s = '';
    for (let i = 0; i < n; i++) s += this.letter();
    return s;
  }

  // next() % 2^31: an array element.
  number() {
    return Number(this.next() % 0x80000000n);
  }
}
