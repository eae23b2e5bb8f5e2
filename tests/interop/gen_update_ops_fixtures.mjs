// gen_update_ops_fixtures.mjs — writes tests/cpp/fixtures/update_ops.json, the expected
// outputs of Y.mergeUpdates, Y.diffUpdate and Y.encodeStateVectorFromUpdate that
// tests/cpp/update_ops_test.cpp compares crdtcore against byte for byte.
//
// For each seed, a random multi-client session (lib/session_gen.mjs: text with emoji and
// formatting, arrays, maps, nested types, deletions; some sessions with gc off, some that
// split surrogate pairs) provides a pool of real v1 updates: a sample of per-transaction
// updates, updates emitted while integrating remote data (these may carry GC structs),
// and the full document state. Then, all drawn from a seeded PRNG:
//   * merges of random subsets in random order (each result joins the pool, so later
//     merges and diffs also see Skip structs and pre-merged input), and in every tenth
//     session one merge of 64..96 inputs (V8 sorts those with full TimSort);
//   * diffs of pool updates against state vectors of other pool entries, random clocks
//     (often inside structs, i.e. written with an offset) or the empty vector;
//   * encodeStateVectorFromUpdate of every pool entry.
//
// Output (arrays of byte values):
//   {"yjs": version, "sessions": [{"seed", "updates": [[...]...],
//     "merges": [{"inputs": [i...], "out": k}],     // mergeUpdates(inputs) == updates[k]
//     "diffs": [{"update": i, "sv": [...], "out": [...]}],
//     "state_vectors": [[...] per update]}]}
//
// Run from tests/interop (after `npm ci`): node gen_update_ops_fixtures.mjs [count] [outFile]

import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import * as encoding from 'lib0/encoding'
import * as Y from 'yjs'
import { makeRng } from './lib/rng.mjs'
import { generateSession } from './lib/session_gen.mjs'
import { fromB64 } from './lib/view.mjs'

const here = path.dirname(fileURLToPath(import.meta.url))
const count = Number(process.argv[2] ?? 300)
const outFile = process.argv[3] ?? path.join(here, '..', 'cpp', 'fixtures', 'update_ops.json')
const kMaxPoolUpdateBytes = 600 // keeps the fixture file small
const kFirstSeed = 7000

const yjsVersion = JSON.parse(
  fs.readFileSync(path.join(here, 'node_modules', 'yjs', 'package.json'), 'utf8')).version

const sessionOptions = (rng) => ({
  rounds: rng.int(2, 3),
  maxOps: 3,
  gc: !rng.chance(0.25),
  splitSurrogates: rng.chance(0.2),
  requireConvergence: false
})

// Random client -> clock map for diffs: clocks around the update's own ranges.
const randomStateVector = (rng, update) => {
  const meta = Y.parseUpdateMeta(update)
  const sv = new Map()
  for (const [client, to] of meta.to) {
    if (rng.chance(0.3)) continue
    const from = meta.from.get(client) ?? 0
    sv.set(client, rng.int(Math.max(0, from - 1), to + 1))
  }
  if (rng.chance(0.2)) sv.set(rng.int(1, 10), rng.int(0, 5)) // a client the update lacks
  const enc = encoding.createEncoder()
  encoding.writeVarUint(enc, sv.size)
  for (const [client, clock] of [...sv].sort((a, b) => b[0] - a[0])) {
    encoding.writeVarUint(enc, client)
    encoding.writeVarUint(enc, clock)
  }
  return encoding.toUint8Array(enc)
}

const runSession = (seed) => {
  const rng = makeRng(seed * 7919 + 1)
  const session = generateSession(Y, seed, sessionOptions(rng))
  const small = (u) => u.length <= kMaxPoolUpdateBytes
  const local = session.updates.map((r) => fromB64(r.update))
  const relayed = session.relayed.map((r) => fromB64(r.update)).filter(small)
  const pool = []
  // Consecutive runs of local updates (neighbours in a client's history overlap or touch).
  const start = rng.int(0, Math.max(0, local.length - 6))
  pool.push(...local.slice(start, start + 6).filter(small))
  pool.push(...rng.shuffle(relayed).slice(0, 3))
  const state = fromB64(session.state)
  if (small(state)) pool.push(state)
  if (pool.length < 2) pool.push(new Uint8Array([0, 0]))

  const merges = []
  for (let m = 0; m < 4; m++) {
    const inputs = rng.shuffle([...pool.keys()]).slice(0, rng.int(2, Math.min(5, pool.length)))
    const out = Y.mergeUpdates(inputs.map((i) => pool[i]))
    if (!small(out)) continue
    merges.push({ inputs, out: pool.length })
    pool.push(out)
  }

  // Every tenth session: one merge of 64..96 inputs drawn with repetition from the
  // whole history, so V8's full TimSort path (not only insertion sort) orders the
  // decoders, including GC/Item ties at the same id.
  if (seed % 10 === 0) {
    const first = pool.length
    pool.push(...local.filter(small), ...relayed)
    const inputs = []
    for (let n = rng.int(64, 96); n > 0; n--) {
      inputs.push(rng.chance(0.5) ? rng.int(0, pool.length - 1) : rng.int(first, pool.length - 1))
    }
    const out = Y.mergeUpdates(inputs.map((i) => pool[i]))
    if (small(out)) {
      merges.push({ inputs, out: pool.length })
      pool.push(out)
    }
  }

  const diffs = []
  for (let d = 0; d < 5; d++) {
    const update = rng.int(0, pool.length - 1)
    const k = rng.weighted([3, 3, 1])
    const sv = k === 0
      ? Y.encodeStateVectorFromUpdate(pool[rng.int(0, pool.length - 1)])
      : k === 1 ? randomStateVector(rng, pool[update]) : new Uint8Array([0])
    diffs.push({ update, sv: [...sv], out: [...Y.diffUpdate(pool[update], sv)] })
  }

  return {
    seed,
    updates: pool.map((u) => [...u]),
    merges,
    diffs,
    state_vectors: pool.map((u) => [...Y.encodeStateVectorFromUpdate(u)])
  }
}

const sessions = []
for (let i = 0; i < count; i++) sessions.push(runSession(kFirstSeed + i))
const text = JSON.stringify({ yjs: yjsVersion, sessions }) + '\n'
fs.mkdirSync(path.dirname(outFile), { recursive: true })
fs.writeFileSync(outFile, text)
const n = (key) => sessions.reduce((a, s) => a + s[key].length, 0)
console.error(`${outFile}: ${sessions.length} sessions, ${n('merges')} merges, ${n('diffs')} diffs, ` +
  `${n('state_vectors')} state vectors, ${text.length} bytes`)
