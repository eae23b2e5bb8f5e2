// Sequential-trace workloads: replay, encode, load, replay_sync (and, through
// replay, B4 and the growth:b4 points; B4xK is growth.mjs). Each returns a partial result object
// { ok, ms, ops, bytes, mem_bytes, error, extra } for runner.mjs.
//
// replay, encode, load and replay_sync (not b4 and the growth points) also
// give a warm figure: after the cold measurement (`ms`), the same measurement
// is repeated in this process (warm.mjs); extra.warm_ms, warm_times_ms,
// warm_stable. Every repeat checks its result like the cold one.
//
// Timed parts exclude reading/parsing the trace and the index conversion;
// correctness checks run after the clock stops.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { now, memNow, memDelta, warmUpRuns } from './measure.mjs';
import { toUtf16 } from './traces.mjs';
import { BudgetExceeded, warmRepeats } from './warm.mjs';

const runnerPath = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'runner.mjs');

// Objects kept alive until exit, so the collector cannot free a document
// between the timed part and the memory reading.
const keep = [];

// Patches in the adapter's index unit.
export function patchesFor(adapter, input) {
  return adapter.unit === 'utf16' ? toUtf16(input.patches) : input.patches;
}

// First index where two strings differ, for error messages.
function firstDiff(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return n;
}

// Returns null when `actual` equals `expected`, else an error message.
export function checkText(what, actual, expected) {
  if (actual === expected) return null;
  const at = firstDiff(actual, expected);
  return (
    `wrong result: ${what} text differs from endContent at UTF-16 offset ${at} ` +
    `(length ${actual.length} vs ${expected.length}): ` +
    `got ${JSON.stringify(actual.slice(at, at + 20))}, want ${JSON.stringify(expected.slice(at, at + 20))}`
  );
}

// Time budget in ms for one measurement (--budget-s or
// $CRDTCORE_BENCH_BUDGET_S), or Infinity. Loops check it between chunks of
// patches, so a library that is far too slow for an input answers ok=false
// ("timeout: ...") instead of running for hours.
export const budget = { ms: Infinity };

const CHUNK = 4096;

// Applies patches[0..] to doc, one transaction each, starting the budget clock
// at t0. Returns the number of patches applied (< length when over budget).
function playPatches(doc, patches, t0) {
  const n = patches.length;
  for (let start = 0; start < n; start += CHUNK) {
    const end = Math.min(n, start + CHUNK);
    for (let i = start; i < end; i++) {
      const p = patches[i];
      doc.edit(p[0], p[1], p[2]);
    }
    if (now() - t0 > budget.ms) return end;
  }
  return n;
}

export function overBudget(done, total, what) {
  return {
    ok: false,
    error: `timeout: budget of ${budget.ms / 1000} s exceeded after ${done} of ${total} ${what}`,
  };
}

// Replays every patch as its own transaction into a fresh document.
export function replayDoc(adapter, patches) {
  const [doc] = adapter.createPeers([1]);
  for (let i = 0; i < patches.length; i++) {
    const p = patches[i];
    doc.edit(p[0], p[1], p[2]);
  }
  return doc;
}

// JIT warm-up before a timed replay: the first WARMUP_PATCHES patches into a
// throwaway document (or pair, for sync), so that the timed part does not
// include compiling the library's JS and wasm code. Small, so that the wasm
// memory it leaves behind hardly affects the memory figures.
export const WARMUP_PATCHES = Number(process.env.CRDTCORE_BENCH_WARMUP ?? 2000);

export function warmUp(adapter, patches, sync) {
  if (!(WARMUP_PATCHES > 0)) return;
  const part = patches.slice(0, Math.min(WARMUP_PATCHES, patches.length));
  const docs = adapter.createPeers(sync ? [1, 2] : [1]);
  if (sync) docs[0].onLocal((u) => docs[1].apply(u));
  for (const p of part) docs[0].edit(p[0], p[1], p[2]);
  docs.forEach((d) => d.free?.());
}

// A wrong result or a timeout in warm repeat i (0-based), as an Error whose
// message keeps the runner's prefixes ("wrong result: ...", "timeout: ...").
function repeatError(i, message) {
  return new Error(`${message} (warm repeat ${i + 1})`);
}

// Adds the warm figure (warm.mjs) of a cold result `res` (timed `res.ms`):
// runOnce(i) times repeat i, throws BudgetExceeded when it passed the budget
// (the repeats end, the cold result stays) and another error for a wrong
// result (which fails the whole measurement).
export function withWarm(res, runOnce) {
  if (!res.ok) return res;
  try {
    const warm = warmRepeats(runOnce, undefined, { expectMs: res.ms });
    return { ...res, extra: { ...(res.extra ?? {}), ...warm } };
  } catch (e) {
    return { ok: false, error: e && e.message ? e.message : String(e) };
  }
}

// One replay into a fresh document after the warm-up: { doc, ms, done }.
function replayOnce(adapter, patches) {
  warmUp(adapter, patches, false);
  const [doc] = adapter.createPeers([1]);
  const t0 = now();
  const done = playPatches(doc, patches, t0);
  return { doc, ms: now() - t0, done };
}

// replay: timed replay of a sequential input; mem_bytes = memory held by the
// final document; bytes = size of its native encoding (not timed). With
// `warm`, the warm figure too (each repeat a fresh document, checked).
export function replay(adapter, input, warm = false) {
  const patches = patchesFor(adapter, input);
  // The memory reading comes before the warm-up, and no full GC comes right
  // before the timed part (see twice() in crdt_benchmarks.mjs); the warm-up
  // document is garbage by the second reading (for wasm libraries its freed
  // memory still counts in the high-water mark: 2000 patches' worth).
  const m0 = memNow();
  const { doc, ms, done } = replayOnce(adapter, patches);
  if (done < patches.length) return overBudget(done, patches.length, 'patches');
  const error = checkText('replayed', doc.text(), input.expected);
  const m1 = memNow();
  const bytes = error ? null : doc.encode().length;
  const res = { ok: !error, ms, ops: patches.length, bytes, mem_bytes: memDelta(m0, m1), error };
  if (!warm) {
    keep.push(doc);
    return res;
  }
  doc.free?.(); // read: the repeats start without it
  return withWarm(res, (i) => {
    const r = replayOnce(adapter, patches);
    const over = r.done < patches.length;
    const err = over ? null : checkText('replayed', r.doc.text(), input.expected);
    r.doc.free?.();
    if (over) throw new BudgetExceeded(overBudget(r.done, patches.length, 'patches').error);
    if (err) throw repeatError(i, err);
    return r.ms;
  });
}

// True when two byte arrays are equal.
function sameBytes(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// encode: replay (not timed), encode as JIT warm-up (warmUpRuns; the first
// time is extra.cold_ms), then time one more encoding of the whole document.
// The encoding is checked by loading it into a fresh document (not timed).
export function encode(adapter, input) {
  const patches = patchesFor(adapter, input);
  const doc = replayDoc(adapter, patches);
  let error = checkText('replayed', doc.text(), input.expected);
  if (error) return { ok: false, error };
  const { first: coldMs, runs } = warmUpRuns(() => {
    const t = now();
    doc.encode();
    return now() - t;
  });
  const t0 = now();
  const bytes = doc.encode();
  const ms = now() - t0;
  error = checkText('reloaded', adapter.load(bytes).text(), input.expected);
  const extra = { cold_ms: coldMs, warmup_runs: runs };
  const res = { ok: !error, ms, ops: patches.length, bytes: bytes.length, error, extra };
  // Warm repeats encode the same document (encoding does not change it): after
  // the GC, the same untimed encodings as the cold run's warm-up (warmUpRuns:
  // they regrow the young generation that the forced GC shrank; one is not
  // enough for Yjs), then a timed one, which must equal the checked encoding
  // byte for byte, or else reload to the right text.
  return withWarm(res, (i) => {
    warmUpRuns(() => doc.encode());
    const t = now();
    const again = doc.encode();
    const repeatMs = now() - t;
    if (!sameBytes(again, bytes)) {
      const err = checkText('reloaded', adapter.load(again).text(), input.expected);
      if (err) throw repeatError(i, err);
    }
    return repeatMs;
  });
}

// The encoding of a replayed input, made by a child process (so this
// process's heap and wasm memory hold only the loaded document) and cached
// under the OS temp dir, keyed by library version and trace file stamp.
function cachedEncoding(lib, version, input) {
  const st = fs.statSync(input.file);
  const safe = input.name.replace(/[^A-Za-z0-9_.:-]/g, '_').replace(/:/g, '-');
  const dir = path.join(os.tmpdir(), 'crdtcore-bench-js');
  const file = path.join(dir, `${lib}@${version}-${safe}-${st.size}-${Math.floor(st.mtimeMs)}.bin`);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dir, { recursive: true });
    const res = spawnSync(
      process.execPath,
      [runnerPath, '--lib', lib, '--workload', '_encode_to', '--input', input.name, '--out', file],
      { encoding: 'utf8', maxBuffer: 1 << 26 },
    );
    const line = (res.stdout || '').trim().split('\n').pop() || '';
    let parsed = null;
    try {
      parsed = JSON.parse(line);
    } catch {
      /* reported below */
    }
    if (res.status !== 0 || !parsed || !parsed.ok || !fs.existsSync(file)) {
      const why = parsed?.error || res.stderr?.trim().split('\n').pop() || `exit ${res.status}`;
      throw new Error(`could not produce the encoding to load: ${why}`);
    }
  }
  return new Uint8Array(fs.readFileSync(file));
}

// _encode_to (internal): replay, verify, write the encoding to `out`.
export function encodeTo(adapter, input, out) {
  const doc = replayDoc(adapter, patchesFor(adapter, input));
  const error = checkText('replayed', doc.text(), input.expected);
  if (error) return { ok: false, error };
  const bytes = doc.encode();
  const tmp = `${out}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, bytes);
  fs.renameSync(tmp, out);
  return { ok: true, ms: null, ops: input.patches.length, bytes: bytes.length, error: null };
}

// load: loading the encoding into a fresh document and reading its text
// once (so that lazy loaders pay for decoding). The first (cold) load gives
// mem_bytes, the memory held by the loaded document, and extra.cold_ms; it is
// dropped, more untimed loads warm the JIT (warmUpRuns), and one more load is
// timed.
export function load(adapter, input, lib, version) {
  const bytes = cachedEncoding(lib, version, input);
  let error = null;
  let memBytes = null;
  const loadOnce = (first) => {
    const m0 = first ? memNow() : null;
    const t = now();
    let doc = adapter.load(bytes);
    let text = doc.text();
    const coldMs = now() - t;
    error = error || checkText('loaded', text, input.expected);
    text = null;
    if (first) memBytes = memDelta(m0, memNow());
    doc.free?.();
    doc = null;
    return coldMs;
  };
  const coldMs = loadOnce(true);
  const { runs } = warmUpRuns(() => loadOnce(false));
  const t0 = now();
  const doc = adapter.load(bytes);
  const text = doc.text();
  const ms = now() - t0;
  error = error || checkText('loaded again', text, input.expected);
  doc.free?.();
  const res = {
    ok: !error,
    ms,
    ops: input.patches.length,
    bytes: bytes.length,
    mem_bytes: memBytes,
    error,
    extra: { cold_ms: coldMs, warmup_runs: runs + 1 },
  };
  // Warm repeats: after the GC, the same untimed loads as the cold run's
  // warm-up (warmUpRuns: they regrow the young generation that the forced GC
  // shrank), then a timed load and read into a fresh document, checked.
  return withWarm(res, (i) => {
    warmUpRuns(() => loadOnce(false));
    const t = now();
    const d = adapter.load(bytes);
    const s = d.text();
    const repeatMs = now() - t;
    const err = checkText('loaded', s, input.expected);
    d.free?.();
    if (err) throw repeatError(i, err);
    return repeatMs;
  });
}

// replay_sync: replay where each transaction's update is applied to a second
// document at once (crdt-benchmarks "B4 with sync"); both are verified.
// Warm repeats: each a fresh pair after the same warm-up, checked.
export function replaySync(adapter, input) {
  const patches = patchesFor(adapter, input);
  const once = () => {
    warmUp(adapter, patches, true);
    const [a, b] = adapter.createPeers([1, 2]);
    let updateBytes = 0;
    a.onLocal((u) => {
      updateBytes += u.length;
      b.apply(u);
    });
    const t0 = now();
    const done = playPatches(a, patches, t0);
    const ms = now() - t0;
    let error = null;
    if (done < patches.length) error = overBudget(done, patches.length, 'patches').error;
    else error = checkText('sender', a.text(), input.expected) || checkText('receiver', b.text(), input.expected);
    a.free?.();
    b.free?.();
    return { ms, error, updateBytes, over: done < patches.length };
  };
  const r = once();
  if (r.over) return { ok: false, error: r.error };
  const res = { ok: !r.error, ms: r.ms, ops: patches.length, error: r.error, extra: { update_bytes: r.updateBytes } };
  return withWarm(res, (i) => {
    const again = once();
    if (again.over) throw new BudgetExceeded(again.error);
    if (again.error) throw repeatError(i, again.error);
    return again.ms;
  });
}
