// Random multi-client Yjs edit sessions, deterministic per seed.
//
// N clients (explicit client ids) edit three roots — "text" (Y.Text), "array" (Y.Array),
// "map" (Y.Map) — and the shared types nested inside them for K rounds; between rounds random
// subsets of clients sync pairwise. Every per-transaction `update` event is captured. At the end
// all clients sync fully (repeated until no client emits anything new), must agree, and a fresh
// document applies the captured local updates in creation order; its state is the reference
// the Python tests compare crdtcore against.
//
// The replica's result depends only on the order of the updates, so tests compare crdtcore
// with Yjs applying the same updates in the same order.
//
// Text indices are chosen on code-point boundaries (what crdtcore's Python API can express)
// unless options.splitSurrogates is set, which also picks UTF-16 offsets inside surrogate pairs
// (Yjs then rewrites both halves to U+FFFD; see yjs-format.md §4.1).

import { makeRng } from './rng.mjs'
import { deepView, encodeValue, getRoot, toB64, viewRoots } from './view.mjs'

export const ROOTS = { text: 'text', array: 'array', map: 'map' }

export const DEFAULT_OPTIONS = {
  clients: 0, // 0 = random 2..4, or an explicit count
  clientIds: null, // explicit ids (overrides `clients`)
  rounds: 6,
  maxOps: 4, // max op groups per client per round (min 1)
  attrs: true, // formatted inserts and format()
  embeds: true, // Y.Text embeds
  nested: true, // nested Y.Map / Y.Array / Y.Text values and edits inside them
  unicode: 'full', // 'full' (emoji, CJK, combining marks) or 'ascii'
  splitSurrogates: false,
  bigClientIds: true, // sometimes use client ids above 2**32
  gc: true,
  groupP: 0.25, // probability that one transaction holds 2-3 ops
  // Throw when peers or the replay disagree. Off by default: Yjs itself does not always
  // converge — surrogate splits rewrite content locally (U+FFFD), and in ~1% of sessions with
  // concurrent formatting the format cleanup after remote transactions (yjs-format.md §7.6)
  // leaves peers with different attributes. `converged` reports it; `final` is the replica's.
  requireConvergence: false
}

const ASCII_PIECES = ['a', 'b', 'c', 'hello', ' ', 'xyz', 'Q', '\n', '12', 'The end.']
const UNICODE_PIECES = ['漢字', '中', 'é', 'e\u0301', '😀', '👍🏽', '🇫🇷', 'Ж', '\u00a0', 'ß', '𝒳']
const MAP_KEYS_ASCII = ['a', 'b', 'key', 'k2', '', '1', '10', 'z']
const MAP_KEYS_UNICODE = ['ключ', '😀', '鍵']
const INSERT_ATTRS = [{ bold: true }, { italic: true, color: '#f00' }, {}, { bold: null }]
const FORMAT_ATTRS = [
  { bold: true }, { bold: null }, { italic: true, color: '#f00' }, { italic: null }, { color: '#0f0' }
]
const EMBEDS = [{ image: 'a.png' }, { formula: 'x^2', n: 3 }, { video: { src: 'v.mp4', w: 640 } }]
const SPECIAL_NUMBERS = [
  2 ** 31, -(2 ** 31), 2 ** 31 - 1, 2 ** 40, 2 ** 53 - 1, -(2 ** 53 - 1),
  1.5, -0.25, Math.PI, 0.1, 1e21, 1e-7
]

// UTF-16 offsets that fall on code-point boundaries of a Y.Text (embeds count 1).
const textBoundaries = (Y, ytext) => {
  const out = [0]
  let pos = 0
  for (const op of ytext.toDelta()) {
    if (typeof op.insert === 'string') {
      for (const ch of op.insert) {
        pos += ch.length
        out.push(pos)
      }
    } else {
      pos += 1
      out.push(pos)
    }
  }
  return out
}

const makeGen = (Y, rng, opts) => {
  const pieces = opts.unicode === 'ascii' ? ASCII_PIECES : ASCII_PIECES.concat(UNICODE_PIECES)
  const keys = opts.unicode === 'ascii' ? MAP_KEYS_ASCII : MAP_KEYS_ASCII.concat(MAP_KEYS_UNICODE)

  const randText = () => {
    let s = ''
    for (let n = rng.int(1, 3); n > 0; n--) s += rng.pick(pieces)
    return s
  }

  const randNumber = () => {
    const k = rng.int(0, 3)
    if (k === 0) return rng.int(-100, 100)
    if (k === 1) return rng.int(-(2 ** 31) + 1, 2 ** 31 - 1)
    return rng.pick(SPECIAL_NUMBERS)
  }

  // A JSON-like (ContentAny) value; depth bounds nesting of objects / arrays.
  const randPlain = (depth = 0) => {
    const k = rng.weighted([3, 3, 1, 1, 1, 1, 1])
    if (k === 0) return randNumber()
    if (k === 1) return rng.chance(0.1) ? '' : randText()
    if (k === 2) return rng.chance(0.5)
    if (k === 3) return null
    if (k === 4) return Uint8Array.from({ length: rng.int(0, 4) }, () => rng.int(0, 255))
    if (depth >= 2) return randNumber()
    if (k === 5) {
      const obj = {}
      for (let n = rng.int(0, 3); n > 0; n--) obj[rng.pick(keys)] = randPlain(depth + 1)
      return obj
    }
    return Array.from({ length: rng.int(0, 3) }, () => randPlain(depth + 1))
  }

  // A preliminary nested shared type, optionally with content.
  const randPrelim = (depth = 0) => {
    const k = rng.int(0, 2)
    if (k === 0) {
      const m = new Y.Map()
      for (let n = rng.int(0, 2); n > 0; n--) {
        m.set(rng.pick(keys), depth < 1 && rng.chance(0.2) ? randPrelim(depth + 1) : randPlain(1))
      }
      return m
    }
    if (k === 1) {
      const a = new Y.Array()
      const vals = Array.from({ length: rng.int(0, 2) }, () =>
        depth < 1 && rng.chance(0.2) ? randPrelim(depth + 1) : randPlain(1))
      if (vals.length > 0) a.insert(0, vals)
      return a
    }
    return new Y.Text(rng.chance(0.7) ? randText() : '')
  }

  const randValue = () => (opts.nested && rng.chance(0.2) ? randPrelim() : randPlain())

  // Picks a UTF-16 index in [0, length] honouring opts.splitSurrogates.
  const textIndex = (bounds, len) =>
    opts.splitSurrogates && rng.chance(0.3) ? rng.int(0, len) : rng.pick(bounds)

  // Picks a range [a, b) with b > a, at most ~5 code points wide; null if the text is empty.
  const textRange = (bounds, len) => {
    if (len === 0) return null
    if (opts.splitSurrogates && rng.chance(0.3)) {
      const a = rng.int(0, len - 1)
      return [a, rng.int(a + 1, Math.min(len, a + 6))]
    }
    const i = rng.int(0, bounds.length - 2)
    const j = rng.int(i + 1, Math.min(bounds.length - 1, i + 5))
    return [bounds[i], bounds[j]]
  }

  const textOp = (t) => {
    const bounds = textBoundaries(Y, t)
    const len = t.length
    const w = [5, 2, opts.attrs ? 1.5 : 0, opts.embeds ? 0.7 : 0]
    const k = rng.weighted(w)
    if (k === 0) {
      const attrs = opts.attrs && rng.chance(0.5) ? { ...rng.pick(INSERT_ATTRS) } : undefined
      t.insert(textIndex(bounds, len), randText(), attrs)
    } else if (k === 1) {
      const r = textRange(bounds, len)
      if (r) t.delete(r[0], r[1] - r[0])
    } else if (k === 2) {
      const r = textRange(bounds, len)
      if (r) t.format(r[0], r[1] - r[0], { ...rng.pick(FORMAT_ATTRS) })
    } else {
      const attrs = opts.attrs && rng.chance(0.4)
        ? { ...rng.pick(INSERT_ATTRS.slice(0, 2)) }
        : undefined
      t.insertEmbed(textIndex(bounds, len), structuredClone(rng.pick(EMBEDS)), attrs)
    }
  }

  const arrayOp = (a) => {
    const len = a.length
    const k = rng.weighted([4, len > 0 ? 2 : 0, 1])
    if (k === 0) {
      a.insert(rng.int(0, len), Array.from({ length: rng.int(1, 3) }, randValue))
    } else if (k === 1) {
      const i = rng.int(0, len - 1)
      a.delete(i, rng.int(1, Math.min(3, len - i)))
    } else {
      a.push([randValue()])
    }
  }

  const mapOp = (m) => {
    const present = [...m.keys()]
    if (present.length > 0 && rng.chance(0.25)) m.delete(rng.pick(present))
    else m.set(rng.pick(keys), randValue())
  }

  // All live shared types below `t` (not including t).
  const nestedTypes = (t, out) => {
    const visit = (v) => {
      if (v instanceof Y.AbstractType) {
        out.push(v)
        nestedTypes(v, out)
      }
    }
    if (t instanceof Y.Array) t.toArray().forEach(visit)
    else if (t instanceof Y.Map) [...t.values()].forEach(visit)
    return out
  }

  // One random op on a random live type of `doc`.
  const op = (doc) => {
    const roots = Object.entries(ROOTS).map(([name, kind]) => getRoot(doc, name, kind))
    let target = rng.pick(roots)
    if (opts.nested && rng.chance(0.4)) {
      const all = []
      roots.forEach((r) => nestedTypes(r, all))
      if (all.length > 0) target = rng.pick(all)
    }
    if (target instanceof Y.Text) textOp(target)
    else if (target instanceof Y.Array) arrayOp(target)
    else mapOp(target)
  }

  return { op }
}

const pickClientIds = (rng, opts) => {
  if (opts.clientIds) return opts.clientIds.slice()
  const n = opts.clients || rng.int(2, 4)
  const ids = new Set()
  while (ids.size < n) {
    const k = rng.weighted([1, 4, opts.bigClientIds ? 1 : 0])
    if (k === 0) ids.add(rng.int(1, 10))
    else if (k === 1) ids.add(rng.int(0, 2 ** 32 - 1))
    else ids.add(rng.int(0, 2 ** 21 - 1) * 2 ** 32 + rng.int(0, 2 ** 32 - 1))
  }
  return [...ids]
}

// JSON with object keys sorted (Y.Map toJSON key order depends on integration order).
export const stableStringify = (v) => JSON.stringify(v, (k, x) =>
  x && typeof x === 'object' && !Array.isArray(x)
    ? Object.fromEntries(Object.keys(x).sort().map((key) => [key, x[key]]))
    : x)

// Sends everything `to` lacks from `from` (as y-protocols sync step 2 would).
const syncPair = (Y, from, to, rng) => {
  const update = rng && rng.chance(0.15)
    ? Y.encodeStateAsUpdate(from) // full state: exercises duplicate handling
    : Y.encodeStateAsUpdate(from, Y.encodeStateVector(to))
  Y.applyUpdate(to, update, 'sync')
}

// Runs one seeded session; returns the JSON-ready description documented in yjs_peer.mjs.
export const generateSession = (Y, seed, options = {}) => {
  const opts = { ...DEFAULT_OPTIONS, ...options }
  const rng = makeRng(seed)
  const gen = makeGen(Y, rng, opts)
  const ids = pickClientIds(rng, opts)
  const updates = []
  const relayed = []
  const docs = ids.map((id) => {
    const doc = new Y.Doc({ gc: opts.gc })
    doc.clientID = id
    for (const [name, kind] of Object.entries(ROOTS)) getRoot(doc, name, kind)
    doc.on('update', (u, origin, d, tr) => {
      const rec = { client: id, update: toB64(u) }
      if (tr.local) updates.push(rec)
      else relayed.push(rec)
    })
    return doc
  })

  for (let round = 0; round < opts.rounds; round++) {
    for (const doc of docs) {
      for (let g = rng.int(1, opts.maxOps); g > 0; g--) {
        const n = rng.chance(opts.groupP) ? rng.int(2, 3) : 1
        doc.transact(() => {
          for (let i = 0; i < n; i++) gen.op(doc)
        }, 'gen')
      }
    }
    const subset = rng.shuffle(docs.slice()).slice(0, rng.int(0, docs.length))
    for (const a of subset) for (const b of subset) if (a !== b) syncPair(Y, a, b, rng)
  }

  // Full sync until quiet: format cleanup after remote transactions may emit new deletions.
  for (let pass = 0; ; pass++) {
    const before = updates.length
    for (const a of docs) for (const b of docs) if (a !== b) syncPair(Y, a, b, null)
    if (updates.length === before && pass > 0) break
    if (pass > 20) throw new Error(`seed ${seed}: peers did not quiesce`)
  }
  const views = docs.map((d) => stableStringify(viewRoots(Y, d, ROOTS)))
  let converged = views.every((v) => v === views[0])
  if (!converged && opts.requireConvergence) throw new Error(`seed ${seed}: Yjs peers diverged`)

  // Reference replica: applies the local updates in creation order.
  // Roots are typed before any update arrives, as in the peers (see yjs_peer.mjs create_doc).
  const fresh = new Y.Doc({ gc: opts.gc })
  for (const [name, kind] of Object.entries(ROOTS)) getRoot(fresh, name, kind)
  fresh.clientID = 2 ** 32 + 12345 // not a session client (see pickClientIds)
  while (ids.includes(fresh.clientID)) fresh.clientID += 1
  let freshLocal = 0
  fresh.on('update', (u, o, d, tr) => { if (tr.local) freshLocal++ })
  for (const { update } of updates) Y.applyUpdate(fresh, Buffer.from(update, 'base64'), 'replay')
  const final = viewRoots(Y, fresh, ROOTS)
  converged = converged && stableStringify(final) === views[0]
  if (!converged && opts.requireConvergence) {
    throw new Error(`seed ${seed}: replay diverged from peers`)
  }

  return {
    seed,
    options: opts,
    client_ids: ids,
    roots: ROOTS,
    updates,
    relayed,
    final,
    state: toB64(Y.encodeStateAsUpdate(fresh)),
    state_vector: toB64(Y.encodeStateVector(fresh)),
    fresh_cleanup_updates: freshLocal,
    converged,
    // on divergence: the first peer's view, for diagnosis
    peer_view: converged ? null : viewRoots(Y, docs[0], ROOTS)
  }
}

export { deepView, encodeValue }
