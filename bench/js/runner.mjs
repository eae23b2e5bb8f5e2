#!/usr/bin/env node
// JS runner of crdtcore's benchmark suite (protocol: bench/README.md). One
// measurement of one (library, workload, input) per process; prints exactly
// one JSON line on stdout. Repetition, warm-up and statistics belong to the
// orchestrator (bench/run.py).
//
//   node --expose-gc bench/js/runner.mjs --lib L --workload W [--input I]
//
// L: yjs | yjs-cjs (the CommonJS build; a variant) | ywasm | automerge | loro | json-joy | diamond-types
// W: replay | encode | load | replay_sync   (I: trace name or path, b4, b4xK)
//    concurrent                             (I: concurrent trace name or path)
//    b1.1..b1.4 | b2.1..b2.4 | b3.1..b3.4   (I: optional N, "6000" or "b1.1:6000")
//    b4 | b4xK                              (automerge-paper, or the trace I, K times;
//                                            b4xK records extra.checkpoints, lib/growth.mjs)
//    growth:b4:P | growth:b4x:K | growth:b3:C      (I ignored)
// --budget-s S (or $CRDTCORE_BENCH_BUDGET_S): give up with ok=false,
// error "timeout: ..." once the timed part of a replay, replay_sync or
// concurrent run (b4 and growth:b4 points too: they are replays) exceeds S
// seconds. b4xK has no budget.
// replay, encode, load, replay_sync and concurrent also report a warm figure
// (extra.warm_ms: lib/warm.mjs; $CRDTCORE_BENCH_WARM_REPEATS, _WARM_S, _WARM_TOL).

import { loadAdapter, packageVersion, LIBS } from './lib/adapters/index.mjs';
import { MEM_METHOD, canMeasureMemory } from './lib/measure.mjs';
import { sequentialInput, concurrentInput } from './lib/traces.mjs';
import { replay, encode, load, replaySync, encodeTo, budget } from './lib/sequential.mjs';
import { concurrent } from './lib/concurrent.mjs';
import { replayPasses } from './lib/growth.mjs';
import { crdtBenchmark, b3, twice } from './lib/crdt_benchmarks.mjs';

function parseArgs(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    const eq = a.indexOf('=');
    if (eq > 0) args[a.slice(2, eq)] = a.slice(eq + 1);
    else if (i + 1 < argv.length) args[a.slice(2)] = argv[++i];
    else throw new Error(`missing value for ${a}`);
  }
  return args;
}

// N of a B1-B3 run: the ":N" of the workload or input ("b1.1:6000"), or a
// bare number as input, else 6000 (as the C++ runner).
function parseN(workload, input) {
  for (const s of [workload, input]) {
    const colon = s.lastIndexOf(':');
    if (colon >= 0) {
      const v = s.slice(colon + 1);
      if (!/^\d+$/.test(v)) throw new Error(`bad size "${v}"`);
      return Number(v);
    }
  }
  if (/^\d+$/.test(input)) return Number(input);
  return 6000;
}

// The sequential input of b4 / b4xK: the input when it names a trace, else
// automerge-paper.
function b4Trace(input) {
  return !input || /^(b\d.*|growth.*|\d+|-)$/i.test(input) ? 'automerge-paper' : input;
}

// Runs one measurement and returns the protocol's fields.
async function measure(args) {
  const { lib, workload } = args;
  const input = args.input ?? '';
  const budgetS = Number(args['budget-s'] ?? process.env.CRDTCORE_BENCH_BUDGET_S ?? 0);
  if (budgetS > 0) budget.ms = budgetS * 1000;
  const adapter = await loadAdapter(lib);
  const version = packageVersion(lib);
  const wl = workload.toLowerCase();
  let m;
  if (wl === 'replay') return replay(adapter, sequentialInput(input), true);
  if (wl === 'encode') return encode(adapter, sequentialInput(input));
  if (wl === 'load') return load(adapter, sequentialInput(input), lib, version);
  if (wl === 'replay_sync') return replaySync(adapter, sequentialInput(input));
  if (wl === 'concurrent') return concurrent(adapter, concurrentInput(input));
  if (wl === '_encode_to') return encodeTo(adapter, sequentialInput(input), args.out);
  if ((m = /^(b[123]\.[1-4])(:\d+)?$/.exec(wl))) return crdtBenchmark(adapter, m[1], parseN(wl, input));
  if (wl === 'b4') return replay(adapter, sequentialInput(b4Trace(input)));
  if ((m = /^b4x(\d+)$/.exec(wl)) && Number(m[1]) >= 1) {
    return replayPasses(adapter, sequentialInput(b4Trace(input)), Number(m[1]));
  }
  let spec = wl;
  if (wl === 'growth') spec = `growth:${input}`;
  if ((m = /^growth:b4:(\d+)$/.exec(spec))) {
    return replay(adapter, sequentialInput(`prefix:${m[1]}:automerge-paper`));
  }
  if ((m = /^growth:b4x:(\d+)$/.exec(spec))) {
    return replay(adapter, sequentialInput(`b4x${m[1]}`));
  }
  if ((m = /^growth:b3:(\d+)$/.exec(spec))) {
    const c = Number(m[1]);
    return twice((first) => b3(adapter, 1, c, c * c, first));
  }
  return { ok: false, error: `unsupported: unknown workload "${workload}"` };
}

async function main() {
  let args = {};
  const out = {
    lib: null,
    workload: null,
    input: null,
    ok: false,
    ms: null,
    ops: null,
    bytes: null,
    mem_bytes: null,
    mem_method: null,
    version: null,
    error: null,
  };
  let code = 0;
  try {
    args = parseArgs(process.argv.slice(2));
    out.lib = args.lib ?? null;
    out.workload = args.workload ?? null;
    out.input = args.input ?? null;
    if (!args.lib || !args.workload) {
      throw new Error(`usage: runner.mjs --lib {${LIBS.join(',')}} --workload W [--input I]`);
    }
    out.version = packageVersion(args.lib);
    const res = await measure(args);
    Object.assign(out, res);
    out.ok = !!res.ok && !res.error;
    if (out.ms != null) out.ms = Math.round(out.ms * 1000) / 1000;
    if (out.mem_bytes != null) out.mem_method = MEM_METHOD;
    else if (!canMeasureMemory()) out.mem_method = 'unavailable: run node with --expose-gc';
  } catch (e) {
    out.ok = false;
    out.ms = null;
    out.error = e && e.message ? e.message : String(e);
    if (process.env.CRDTCORE_BENCH_DEBUG) process.stderr.write(`${e?.stack ?? e}\n`);
    if (!out.lib || !out.workload) code = 2;
  }
  if (!out.ok) out.ms = null;
  process.stdout.write(`${JSON.stringify(out)}\n`);
  // Large wasm heaps can make a natural exit slow; the answer is written.
  process.exit(code);
}

main();
