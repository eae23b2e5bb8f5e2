// Trace inputs for the JS runner: locating and parsing the editing traces,
// building the synthetic sequential inputs (b4, b4xK, prefixes), and turning
// the traces' code-point positions into the index unit of each library.
//
// Trace format: bench/traces/README.md. Positions there count Unicode
// code points. Yjs, ywasm, Automerge, Loro and json-joy index JS strings by
// UTF-16 code units; diamond-types indexes code points.

import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

// The directory of the traces of `kind` ('sequential' or 'concurrent'): $CRDTCORE_TRACES/<kind>
// when that is set, else bench/traces/sequential or python/crdtcore/sim/concurrent_traces (the
// concurrent traces ship in the Python package).
export function tracesDir(kind) {
  if (process.env.CRDTCORE_TRACES) return path.join(process.env.CRDTCORE_TRACES, kind);
  const root = path.resolve(here, '..', '..', '..');
  if (kind === 'concurrent') return path.join(root, 'python', 'crdtcore', 'sim', 'concurrent_traces');
  return path.join(root, 'bench', 'traces', kind);
}

// Resolves a trace name or path to a file. `kind` ('sequential' or
// 'concurrent') is the directory searched first. Throws when nothing exists.
export function resolveTrace(nameOrPath, kind) {
  if (nameOrPath.includes('/') || nameOrPath.endsWith('.gz') || nameOrPath.endsWith('.json')) {
    if (fs.existsSync(nameOrPath)) return path.resolve(nameOrPath);
    throw new Error(`trace file not found: ${nameOrPath}`);
  }
  const other = kind === 'concurrent' ? 'sequential' : 'concurrent';
  for (const dir of [kind, other]) {
    const file = path.join(tracesDir(dir), `${nameOrPath}.json.gz`);
    if (fs.existsSync(file)) return file;
  }
  throw new Error(`unknown trace "${nameOrPath}" (looked in ${tracesDir(kind)} and ${tracesDir(other)})`);
}

// Reads and parses a (possibly gzipped) trace file.
export function readTrace(file) {
  let raw = fs.readFileSync(file);
  if (file.endsWith('.gz')) raw = zlib.gunzipSync(raw);
  return JSON.parse(raw.toString('utf8'));
}

// Flattens a sequential trace into one array of [pos, del, ins] patches.
export function flattenPatches(trace) {
  const out = [];
  for (const txn of trace.txns) {
    for (const p of txn.patches) out.push([p[0], p[1], p[2]]);
  }
  return out;
}

// True when any inserted text holds a character outside the BMP, i.e. when
// code-point positions and UTF-16 positions can differ.
export function hasAstral(patches) {
  for (const p of patches) {
    if (/[\uD800-\uDBFF]/.test(p[2])) return true;
  }
  return false;
}

// Code-point length of a string.
export function cpLength(s) {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff) n++;
  }
  return n;
}

// First index in the sorted array `a` whose value is >= x.
function lowerBound(a, x) {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// Rewrites code-point patches of one sequential editing session into UTF-16
// patches. It tracks the code-point indices of the astral characters in the
// document (a sorted array), so the cost is proportional to their number and
// nothing is done for BMP-only traces.
export function toUtf16(patches) {
  if (!hasAstral(patches)) return patches;
  const astral = []; // sorted code-point indices of astral characters
  const out = [];
  for (const [pos, del, ins] of patches) {
    const before = lowerBound(astral, pos);
    const end = lowerBound(astral, pos + del);
    const pos16 = pos + before;
    const del16 = del + (end - before);
    // Remove deleted astral characters and shift the ones after the range.
    const insLen = cpLength(ins);
    const shift = insLen - del;
    const added = [];
    let k = 0;
    for (const ch of ins) {
      if (ch.length === 2) added.push(pos + k);
      k++;
    }
    const tail = astral.slice(end).map((x) => x + shift);
    astral.length = before;
    for (const x of added) astral.push(x);
    for (const x of tail) astral.push(x);
    out.push([pos16, del16, ins]);
  }
  return out;
}

// A gap buffer over code points: a plain model of the document used to
// compute the expected text of trace prefixes (not timed).
export class GapBuffer {
  constructor(capacity = 1 << 16) {
    this.buf = new Uint32Array(capacity);
    this.gapStart = 0;
    this.gapEnd = capacity;
  }

  get length() {
    return this.buf.length - (this.gapEnd - this.gapStart);
  }

  moveGap(pos) {
    const { buf } = this;
    if (pos < this.gapStart) {
      const n = this.gapStart - pos;
      buf.copyWithin(this.gapEnd - n, pos, this.gapStart);
      this.gapStart -= n;
      this.gapEnd -= n;
    } else if (pos > this.gapStart) {
      const n = pos - this.gapStart;
      buf.copyWithin(this.gapStart, this.gapEnd, this.gapEnd + n);
      this.gapStart += n;
      this.gapEnd += n;
    }
  }

  grow(extra) {
    const old = this.buf;
    const tailLen = old.length - this.gapEnd;
    const cap = Math.max(old.length * 2, this.length + extra + 1024);
    const buf = new Uint32Array(cap);
    buf.set(old.subarray(0, this.gapStart), 0);
    buf.set(old.subarray(this.gapEnd), cap - tailLen);
    this.buf = buf;
    this.gapEnd = cap - tailLen;
  }

  // Applies one code-point patch.
  apply(pos, del, ins) {
    if (pos + del > this.length) throw new Error(`patch out of range at ${pos}+${del}`);
    this.moveGap(pos);
    this.gapEnd += del;
    const cps = Array.from(ins, (ch) => ch.codePointAt(0));
    if (this.gapEnd - this.gapStart < cps.length) this.grow(cps.length);
    for (const c of cps) this.buf[this.gapStart++] = c;
  }

  toString() {
    const parts = [];
    const push = (a) => {
      for (let i = 0; i < a.length; i += 8192) parts.push(String.fromCodePoint(...a.subarray(i, i + 8192)));
    };
    push(this.buf.subarray(0, this.gapStart));
    push(this.buf.subarray(this.gapEnd));
    return parts.join('');
  }
}

// Plays code-point patches on a gap buffer and returns the final text.
export function simulate(patches, start = '') {
  const g = new GapBuffer();
  if (start) g.apply(0, 0, start);
  for (const [pos, del, ins] of patches) g.apply(pos, del, ins);
  return g.toString();
}

// Builds a sequential input: { name, file, patches (code points), expected }.
// Accepted specs: a trace name or path; "b4" (automerge-paper); "b4xK" or
// "copies:K:NAME" (K replays of the trace into one document, each at position
// 0 like crdt-benchmarks' B4x100 and the C++ runner, so each pass types its
// text in front of the previous ones and the final text is endContent
// repeated K times); "prefix:P:NAME" (the first floor(patches * P / 100)
// patches, P in 1..100).
export function sequentialInput(spec) {
  let m = /^b4(?:x(\d+))?$/i.exec(spec);
  if (m) spec = `copies:${m[1] ?? 1}:automerge-paper`;
  m = /^copies:(\d+):(.+)$/.exec(spec);
  if (m) {
    const k = Number(m[1]);
    if (k < 1) throw new Error('copies must be >= 1');
    const base = sequentialInput(m[2]);
    if (k === 1) return base;
    const patches = [];
    for (let i = 0; i < k; i++) for (const p of base.patches) patches.push(p);
    return { name: spec, file: base.file, patches, expected: base.expected.repeat(k) };
  }
  m = /^prefix:(\d+):(.+)$/.exec(spec);
  if (m) {
    const pct = Number(m[1]);
    if (!(pct >= 1 && pct <= 100)) throw new Error(`unsupported: prefix percentage needs 1 <= P <= 100, got ${pct}`);
    const base = sequentialInput(m[2]);
    if (pct === 100) return base;
    const count = Math.floor((base.patches.length * pct) / 100);
    const patches = base.patches.slice(0, count);
    return { name: spec, file: base.file, patches, expected: simulate(patches) };
  }
  const file = resolveTrace(spec, 'sequential');
  const trace = readTrace(file);
  if (trace.kind === 'concurrent') throw new Error(`${spec} is a concurrent trace`);
  if (trace.startContent) throw new Error(`${spec}: non-empty startContent is not supported`);
  return { name: spec, file, patches: flattenPatches(trace), expected: trace.endContent };
}

// Loads a concurrent trace: { name, file, numAgents, txns, expected }.
export function concurrentInput(spec) {
  const file = resolveTrace(spec, 'concurrent');
  const trace = readTrace(file);
  if (trace.kind !== 'concurrent') throw new Error(`${spec} is not a concurrent trace`);
  return { name: spec, file, numAgents: trace.numAgents, txns: trace.txns, expected: trace.endContent };
}
