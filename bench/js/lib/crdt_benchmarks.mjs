// The crdt-benchmarks shapes B1-B3 exactly as crdtcore's C++ and Python
// runners define them (bench/cpp/bench_runner.cpp, bench/python/
// crdt_benchmarks.py; described in bench/README.md): same SplitMix64 inputs
// drawn in the same order, same timed parts, same checks, so the crdtcore and
// JS rows measure identical edits. B4 / B4xK are sequential replays
// (sequential.mjs).

import { isDeepStrictEqual } from 'node:util';
import { now, memNow, memDelta, SplitMix64, warmUpRuns } from './measure.mjs';

const B2_INIT_CHARS = 100;
const keep = [];

const fail = (error) => ({ ok: false, error });

// B1: one client; every insert is a transaction of its own (B1.2: one insert
// of N characters). Timed: the inserts. Checked: the final text.
function b1(adapter, variant, n) {
  const rng = new SplitMix64(42);
  let edits;
  let expected;
  if (variant === 4) {
    // Insert N characters at random positions: index = int(0, i), then a letter.
    const model = [];
    edits = [];
    for (let i = 0; i < n; i++) {
      const index = rng.intIn(0, i);
      const ch = rng.letter();
      edits.push([index, ch]);
      model.splice(index, 0, ch);
    }
    expected = model.join('');
  } else {
    expected = rng.word(n);
    if (variant === 1) edits = Array.from(expected, (ch, i) => [i, ch]); // append
    else if (variant === 2) edits = [[0, expected]]; // one insert of N chars
    else edits = Array.from(expected, (ch) => [0, ch]).reverse(); // prepend
  }
  const [doc] = adapter.createPeers([1]);
  const t0 = now();
  for (let i = 0; i < edits.length; i++) doc.ins(edits[i][0], edits[i][1]);
  const ms = now() - t0;
  const error = doc.text() === expected ? null : 'wrong result: B1 final text';
  return { ok: !error, ms, ops: n, bytes: doc.encode().length, error };
}

// B2: two synced clients edit concurrently, each client's N edits in one
// transaction, then each receives the other's update. B2.1: N characters at
// random positions; B2.2: one string of N characters at 0; B2.3: append N
// numbers to an array; B2.4: N numbers at random array positions.
function b2(adapter, variant, n) {
  const rng = new SplitMix64(42);
  const init = rng.word(B2_INIT_CHARS);
  const edits = [[], []];
  for (const clientEdits of edits) {
    if (variant === 1) {
      for (let i = 0; i < n; i++) {
        const index = rng.intIn(0, B2_INIT_CHARS + i);
        clientEdits.push([index, rng.letter()]);
      }
    } else if (variant === 2) {
      clientEdits.push([0, rng.word(n)]);
    } else if (variant === 3) {
      for (let i = 0; i < n; i++) clientEdits.push([i, rng.number()]);
    } else {
      for (let i = 0; i < n; i++) {
        const index = rng.intIn(0, i);
        clientEdits.push([index, rng.number()]);
      }
    }
  }
  const textBench = variant <= 2;
  const docs = adapter.createPeers([1, 2]);
  if (!textBench && typeof docs[0].arrInsert !== 'function') {
    return fail(`unsupported: ${adapter.name} has no shared array`);
  }
  const queues = [[], []];
  docs.forEach((d, c) => d.onLocal((u) => queues[c].push(u)));
  if (textBench) {
    docs[0].ins(0, init);
    for (const u of queues[0].splice(0)) docs[1].apply(u);
  }
  const t0 = now();
  for (let c = 0; c < 2; c++) {
    const d = docs[c];
    const list = edits[c];
    d.transact(() => {
      if (textBench) for (let i = 0; i < list.length; i++) d.ins(list[i][0], list[i][1]);
      else for (let i = 0; i < list.length; i++) d.arrInsert(list[i][0], [list[i][1]]);
    });
  }
  for (const u of queues[0]) docs[1].apply(u);
  for (const u of queues[1]) docs[0].apply(u);
  const ms = now() - t0;
  let error = null;
  if (textBench) {
    const t = docs[0].text();
    if (t !== docs[1].text()) error = "wrong result: B2: the clients' texts differ";
    else if (t.length !== 2 * n + B2_INIT_CHARS) error = 'wrong result: B2: wrong text length';
  } else {
    const a0 = normalize(docs[0].arrJson());
    if (!isDeepStrictEqual(a0, normalize(docs[1].arrJson()))) {
      error = "wrong result: B2: the clients' arrays differ";
    } else {
      const got = a0.slice().sort((x, y) => x - y);
      const want = edits.flat().map((e) => e[1]).sort((x, y) => x - y);
      if (!isDeepStrictEqual(got, want)) error = 'wrong result: B2: the array does not hold the inserted numbers';
    }
  }
  return { ok: !error, ms, ops: n, bytes: docs[0].encode().length, error };
}

// B3: C clients (C = isqrt(N) for b3.x, given for growth:b3:C) make one
// change each: B3.1 a letter at text position 0, B3.2 map v = i, B3.3 map v =
// String(i) repeated C times, B3.4 String(i) at array position 0. Client 0
// receives every update (untimed reference); timed: client 1 receives every
// update in one transaction. ops is N (C * C for growth), as the C++ runner.
// mem_bytes (only when measureMem): memory growth of client 1 while applying.
export function b3(adapter, variant, clients, ops, measureMem = true) {
  const rng = new SplitMix64(42);
  if (clients < 2) return fail('B3 needs at least 2 clients');
  const docs = adapter.createPeers(Array.from({ length: clients }, (_, i) => i + 1));
  if (variant !== 1 && (typeof docs[0].mapSet !== 'function' || typeof docs[0].arrInsert !== 'function')) {
    return fail(`unsupported: ${adapter.name} has no shared array/map`);
  }
  const updates = [];
  for (const d of docs) d.onLocal((u) => updates.push(u));
  for (let i = 0; i < clients; i++) {
    const d = docs[i];
    if (variant === 1) d.ins(0, rng.letter());
    else if (variant === 2) d.mapSet('v', i);
    else if (variant === 3) d.mapSet('v', String(i).repeat(clients));
    else d.arrInsert(0, [String(i)]);
  }
  if (updates.length < clients) return fail(`expected ${clients} updates, got ${updates.length}`);
  docs[0].applyMany(updates);
  const m0 = measureMem ? memNow() : null;
  const t0 = now();
  docs[1].applyMany(updates);
  const ms = now() - t0;
  const m1 = measureMem ? memNow() : null;
  keep.push(docs[1]);
  const value = (d) => normalize(variant === 1 ? d.text() : variant === 4 ? d.arrJson() : d.mapJson());
  const v0 = value(docs[0]);
  let error = isDeepStrictEqual(v0, value(docs[1])) ? null : 'wrong result: B3: the synced clients differ';
  if (!error && variant === 1 && v0.length !== clients) error = 'wrong result: B3.1: wrong text length';
  if (!error && variant === 4 && v0.length !== clients) error = 'wrong result: B3.4: wrong array length';
  if (!error && (variant === 2 || variant === 3)) {
    // Which client wins the key is each library's own rule (Yjs: the highest
    // client id); check there is one value, from one of the clients.
    const keys = Object.keys(v0);
    const w = v0.v;
    const fromClient = variant === 2 ? Number.isInteger(w) && w >= 0 && w < clients : typeof w === 'string';
    if (keys.length !== 1 || !fromClient) error = 'wrong result: B3: the map does not hold one client value';
  }
  return { ok: !error, ms, ops, bytes: docs[0].encode().length, mem_bytes: memDelta(m0, m1), error, extra: { clients } };
}

// Plain-object view of a JSON value (ywasm returns Maps for maps).
function normalize(v) {
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [k, normalize(x)]));
  if (Array.isArray(v)) return v.map(normalize);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalize(x)]));
  return v;
}

// Integer square root.
export function isqrt(n) {
  let c = Math.floor(Math.sqrt(n));
  while (c * c > n) c--;
  while ((c + 1) * (c + 1) <= n) c++;
  return c;
}

// Runs a benchmark case several times in this process: run(true) is the
// first (cold) run, which gives mem_bytes and extra.cold_ms; then untimed
// warm-up runs (warmUpRuns); the run after them gives ms. No full GC comes
// right before a timed part: a forced GC shrinks V8's young generation, and
// the next allocation-heavy operation then pays for regrowing it (Yjs load
// of automerge-paper: ~25 ms warm, ~180 ms right after global.gc()).
export function twice(run) {
  const cold = run(true);
  if (!cold.ok) return cold;
  const { runs } = warmUpRuns(() => run(false));
  const warm = run(false);
  return {
    ...warm,
    mem_bytes: cold.mem_bytes ?? null,
    extra: { ...(warm.extra ?? {}), cold_ms: cold.ms, warmup_runs: runs + 1 },
  };
}

// Runs 'bG.V' (G in 1..3, V in 1..4) with parameter n.
export function crdtBenchmark(adapter, id, n) {
  const m = /^b([123])\.([1-4])$/.exec(id);
  if (!m) return fail(`unsupported: unknown benchmark ${id}`);
  const group = Number(m[1]);
  const variant = Number(m[2]);
  if (group === 1) return twice(() => b1(adapter, variant, n));
  if (group === 2) return twice(() => b2(adapter, variant, n));
  return twice((first) => b3(adapter, variant, isqrt(n), n, first));
}
