// gen_fuzz_corpus.mjs — writes the seed corpus of the decode robustness test
// (tests/cpp/fuzz/decode_robustness_test.cpp, tests/python/test_bad_input.py):
// ~40 real Yjs v1 updates in tests/cpp/fixtures/corpus/*.bin.
//
// Every update is produced by the real `yjs` package (13.6.x), except
// json_legacy_content.bin, a hand-built ContentJSON (ref 2) update that Yjs no
// longer creates but still reads; the script checks that Yjs applies it.
// The corpus covers: text with emoji and formatting, arrays holding every value
// kind, maps, nested types 3 deep, deletions with gc on and off, merged updates
// (Skip structs), diffs against state vectors (first struct with an offset),
// a subdocument (ContentDoc), XML types (type refs 3..6) and seeded random
// multi-client sessions. Output is deterministic (fixed client ids, seeded PRNG).
//
// Run: node tests/interop/gen_fuzz_corpus.mjs [outDir]
// (from a directory whose node_modules holds yjs, or with NODE_PATH set).

import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

// ESM resolution ignores NODE_PATH; fall back to require() so that a yjs
// installed elsewhere (NODE_PATH=/some/node_modules) works too.
let Y
try {
  Y = await import('yjs')
} catch {
  Y = createRequire(import.meta.url)('yjs')
}

const here = path.dirname(fileURLToPath(import.meta.url))
const outDir = process.argv[2] ?? path.join(here, '..', 'cpp', 'fixtures', 'corpus')
const kMaxBytes = 20 * 1024

// mulberry32: small deterministic PRNG.
function makeRng (seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6D2B79F5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function newDoc (client, opts = {}) {
  const doc = new Y.Doc({ gc: opts.gc ?? true, guid: opts.guid ?? `doc-${client}` })
  doc.clientID = client
  return doc
}

const state = (doc, sv) => Y.encodeStateAsUpdate(doc, sv)

function sync (...docs) {
  for (const a of docs) {
    for (const b of docs) {
      if (a !== b) Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)))
    }
  }
}

// Collects the 'update' event of every transaction of `doc`.
function recordUpdates (doc) {
  const list = []
  doc.on('update', (u) => list.push(u))
  return list
}

const corpus = new Map()
function add (name, bytes) {
  if (corpus.has(name)) throw new Error(`duplicate corpus name ${name}`)
  const u = Uint8Array.from(bytes)
  if (u.length > kMaxBytes) throw new Error(`${name}: ${u.length} bytes is too large`)
  // Every entry must be readable by Yjs itself.
  Y.applyUpdate(new Y.Doc(), u)
  corpus.set(name, u)
}

// ---------------------------------------------------------------- text

{
  const doc = newDoc(1)
  const t = doc.getText('t')
  t.insert(0, 'hello world')
  add('text_plain', state(doc))
}

{
  const doc = newDoc(7)
  const updates = recordUpdates(doc)
  const t = doc.getText('emoji')
  t.insert(0, 'a😀b🎉c👩‍👩‍👧')
  t.insert(2, 'X')           // between the halves of 😀: U+FFFD on both sides
  t.insert(t.length, '𝄞 done')
  t.delete(5, 2)
  add('text_emoji_state', state(doc))
  add('text_emoji_txn_insert_middle', updates[1])
  add('text_emoji_diff_inside_pair', state(doc, Y.encodeStateVector(newDocWithSv(7, 3))))
}

// A document with client `client` at clock `clock` (only its state vector is used).
function newDocWithSv (client, clock) {
  const d = newDoc(client)
  d.getText('_').insert(0, 'x'.repeat(clock))
  return d
}

{
  const doc = newDoc(3)
  const updates = recordUpdates(doc)
  const t = doc.getText('rich')
  t.insert(0, 'hello bold world', { bold: true })
  t.format(6, 4, { italic: true, color: '#ff0000' })
  t.insertEmbed(3, { image: 'https://example.com/a.png', size: [10, 20] })
  t.format(0, 2, { bold: null })
  t.insert(1, 'ü€', { link: { href: 'x', n: 1.5 } })
  t.setAttribute('lang', 'de')
  add('text_format_state', state(doc))
  add('text_format_txn_format', updates[1])
  add('text_format_txn_embed', updates[2])
}

{
  const a = newDoc(11)
  const b = newDoc(22)
  const c = newDoc(0xFFFFFFFF)
  a.getText('t').insert(0, 'AAA')
  b.getText('t').insert(0, 'BBB')
  c.getText('t').insert(0, 'CCC')
  sync(a, b, c)
  a.getText('t').insert(4, 'aa')
  b.getText('t').delete(2, 3)
  c.getText('t').insert(0, 'c')
  sync(a, b, c)
  add('text_three_clients', state(a))
}

// ---------------------------------------------------------------- arrays and maps

{
  const doc = newDoc(1)
  const a = doc.getArray('a')
  a.insert(0, [0, 1, -1, 63, 64, -64, 2147483647, -2147483647, 2147483648, -2147483648,
    2 ** 53, 2 ** 53 + 2, -(2 ** 60), 1.5, 0.1, -0, 1e300, -1e-300, Infinity, -Infinity, NaN])
  a.push(['', 'short', 'ünïcödé 😀', 'x'.repeat(300), true, false, null])
  a.push([
    { x: 1, b: { c: [1, 2, { d: null }] }, 1: 'int-key', '': 'empty key' },
    [[], [[]], [1, [2, [3]]]]
  ])
  a.push([new Uint8Array([]), new Uint8Array([0, 1, 2, 255])])
  a.insert(3, ['inserted'])
  add('array_all_values', state(doc))
}

{
  const doc = newDoc(5)
  const updates = recordUpdates(doc)
  const m = doc.getMap('m')
  m.set('int', 42)
  m.set('big', 10n)
  m.set('neg big', -(2n ** 63n))
  m.set('undef', undefined)
  m.set('str', 'value')
  m.set('bin', new Uint8Array([9, 8, 7]))
  m.set('obj', { nested: { deep: [true, null, 'x'] } })
  m.set('', 'empty key')
  m.set('ключ', 'non-ascii key')
  m.set('int', 43)  // overwrite
  m.delete('str')
  add('map_values_state', state(doc))
  add('map_txn_overwrite', updates[9])
  add('map_txn_delete', updates[10])
}

{
  const a = newDoc(1)
  const b = newDoc(2)
  a.getMap('m').set('k', 'one')
  b.getMap('m').set('k', 'two')
  sync(a, b)
  add('map_concurrent_set', state(a))
}

{
  const doc = newDoc(9)
  const root = doc.getMap('root')
  const arr = new Y.Array()
  root.set('list', arr)
  const inner = new Y.Map()
  arr.insert(0, ['first', inner, 'last'])
  const txt = new Y.Text()
  inner.set('text', txt)
  txt.insert(0, 'three deep')
  const deeper = new Y.Array()
  inner.set('arr', deeper)
  deeper.push([1, 2, 3])
  add('nested_three_deep', state(doc))
}

// ---------------------------------------------------------------- deletions and gc

function deletionSession (gc) {
  const doc = newDoc(4, { gc })
  const t = doc.getText('t')
  const a = doc.getArray('a')
  t.insert(0, 'the quick brown fox jumps')
  t.delete(4, 6)
  t.delete(0, 1)
  const m = new Y.Map()
  a.push([1, 2, m, 3])
  m.set('x', 'y')
  m.set('z', new Y.Text('zz'))
  a.delete(1, 2)   // deletes the nested map: its children become GC with gc on
  a.insert(0, ['again'])
  a.delete(0, 1)
  return doc
}

{
  const on = deletionSession(true)
  const off = deletionSession(false)
  add('deletions_gc_on', state(on))
  add('deletions_gc_off', state(off))
  add('deletions_gc_off_sv_diff', state(off, Y.encodeStateVector(newDocWithSv(4, 5))))
}

{
  const doc = newDoc(6)
  const updates = recordUpdates(doc)
  const t = doc.getText('t')
  t.insert(0, 'abcdefgh')
  t.delete(2, 3)
  add('delete_only_txn', updates[1])
}

// ---------------------------------------------------------------- merges and diffs

{
  const doc = newDoc(1)
  const updates = recordUpdates(doc)
  const t = doc.getText('t')
  for (const ch of 'abcdef') t.insert(t.length, ch)
  doc.getMap('m').set('k', 'v')
  // Non-contiguous inputs: the merge inserts Skip structs (ref 10) for the gaps.
  add('merged_with_skips', Y.mergeUpdates([updates[0], updates[2], updates[5], updates[6]]))
  add('merged_contiguous', Y.mergeUpdates(updates))
  add('pending_gap_txn', updates[3])  // clock 3 alone: its predecessor is missing
}

{
  const a = newDoc(10)
  const b = newDoc(20)
  const ua = recordUpdates(a)
  const ub = recordUpdates(b)
  a.getArray('x').push([1, 2, 3])
  b.getArray('x').push(['b'])
  a.getText('t').insert(0, 'from a')
  b.getMap('m').set('k', 1)
  add('merged_two_clients', Y.mergeUpdates([ub[1], ua[0], ub[0], ua[1]]))
}

{
  const doc = newDoc(8)
  const t = doc.getText('t')
  t.insert(0, 'abcdefghij')
  const arr = doc.getArray('a')
  arr.push([1, 2, 3, 4, 5])
  const full = state(doc)
  // Offsets into the string item and into the ContentAny item.
  const sv = Y.encodeStateVector(newDocWithSv(8, 4))
  add('diff_offset_string', Y.diffUpdate(full, sv))
  const sv2 = Y.encodeStateVector(newDocWithSv(8, 12))
  add('diff_offset_any', Y.diffUpdate(full, sv2))
  add('state_vs_sv_offset', state(doc, sv))
}

// ---------------------------------------------------------------- subdocument, XML, ids

{
  const doc = newDoc(12)
  const m = doc.getMap('docs')
  m.set('sub', new Y.Doc({ guid: 'sub-guid-1' }))
  m.set('sub-nogc', new Y.Doc({ guid: 'sub-guid-2', gc: false, meta: { title: 'x' } }))
  doc.getArray('list').push([new Y.Doc({ guid: 'sub-guid-3', autoLoad: true })])
  add('subdoc', state(doc))
}

{
  const doc = newDoc(13)
  const frag = doc.getXmlFragment('xml')
  const p = new Y.XmlElement('p')
  const text = new Y.XmlText()
  const hook = new Y.XmlHook('my-hook')
  frag.insert(0, [p, new Y.XmlElement('br')])
  p.insert(0, [text, hook])
  text.insert(0, 'xml text', { b: true })
  p.setAttribute('class', 'para')
  hook.set('hookdata', 'v')
  const nested = new Y.XmlElement('span')
  p.insert(1, [nested])
  nested.insert(0, [new Y.XmlText('inner')])
  add('xml_types', state(doc))
}

{
  const doc = newDoc(2 ** 53 - 1)
  doc.getText('t').insert(0, 'max client id')
  add('client_max_safe', state(doc))
}

{
  const doc = newDoc(0)
  doc.getText('').insert(0, 'client zero, empty root name')
  add('client_zero_empty_root', state(doc))
}

add('empty_update', [0, 0])

// ---------------------------------------------------------------- legacy ContentJSON

{
  // Hand-built: client 3, root array "j", ContentJSON with 4 elements (the last
  // one the literal `undefined` Yjs writes for JS undefined), then a string item.
  const enc = new TextEncoder()
  const bytes = [1, 2, 3, 0, 2, 1, 1, 106, 4]
  for (const s of ['1', '"two"', '{"a":[1,2]}', 'undefined']) {
    const b = enc.encode(s)
    bytes.push(b.length, ...b)
  }
  bytes.push(136, 3, 3, 1, 119, 1, 122)  // Any item, origin (3,3), "z"
  bytes.push(0)                           // empty delete set
  const check = new Y.Doc()
  Y.applyUpdate(check, Uint8Array.from(bytes))
  const got = JSON.stringify(check.getArray('j').toJSON())
  if (got !== '[1,"two",{"a":[1,2]},null,"z"]') throw new Error(`ContentJSON check: ${got}`)
  add('json_legacy_content', bytes)
}

// ---------------------------------------------------------------- seeded random sessions

function randomText (rng, n) {
  const alphabet = ['a', 'b', 'c', ' ', 'é', '中', '😀', '\n', '🎉']
  let s = ''
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(rng() * alphabet.length)]
  return s
}

function randomValue (rng, depth = 0) {
  const r = Math.floor(rng() * (depth > 2 ? 6 : 8))
  switch (r) {
    case 0: return Math.floor(rng() * 2000) - 1000
    case 1: return rng() * 1e6
    case 2: return randomText(rng, 1 + Math.floor(rng() * 5))
    case 3: return rng() < 0.5
    case 4: return null
    case 5: return 2 ** 40 + Math.floor(rng() * 1000)
    case 6: return [randomValue(rng, depth + 1), randomValue(rng, depth + 1)]
    default: return { k: randomValue(rng, depth + 1), n: depth }
  }
}

function randomEdit (rng, doc) {
  const t = doc.getText('t')
  const a = doc.getArray('a')
  const m = doc.getMap('m')
  const op = Math.floor(rng() * 9)
  if (op <= 2) {
    t.insert(Math.floor(rng() * (t.length + 1)), randomText(rng, 1 + Math.floor(rng() * 6)),
      rng() < 0.3 ? { bold: true } : undefined)
  } else if (op === 3 && t.length > 0) {
    const i = Math.floor(rng() * t.length)
    t.delete(i, Math.min(t.length - i, 1 + Math.floor(rng() * 4)))
  } else if (op === 4 && t.length > 1) {
    t.format(0, Math.floor(rng() * t.length), { italic: rng() < 0.5 ? true : null })
  } else if (op === 5) {
    a.insert(Math.floor(rng() * (a.length + 1)), [randomValue(rng), randomValue(rng)])
  } else if (op === 6 && a.length > 0) {
    a.delete(Math.floor(rng() * a.length), 1)
  } else if (op === 7) {
    m.set(`k${Math.floor(rng() * 5)}`, rng() < 0.2 ? new Y.Map() : randomValue(rng))
  } else {
    m.delete(`k${Math.floor(rng() * 5)}`)
  }
}

for (let session = 0; session < 6; session++) {
  const rng = makeRng(0xC0FFEE + session)
  const gc = session % 2 === 0
  const docs = [newDoc(100 + session, { gc }), newDoc(200 + session, { gc }), newDoc(300, { gc })]
  const updates = recordUpdates(docs[0])
  for (let round = 0; round < 6; round++) {
    for (const d of docs) {
      const n = 1 + Math.floor(rng() * 4)
      for (let i = 0; i < n; i++) randomEdit(rng, d)
    }
    if (rng() < 0.7) sync(...docs)
  }
  sync(...docs)
  add(`random_session_${session}_state`, state(docs[0]))
  if (session < 3) {
    add(`random_session_${session}_txn`, updates[Math.floor(updates.length / 2)])
    const half = updates.slice(0, Math.floor(updates.length / 2))
    const pick = half.filter((_, i) => i % 2 === 0)
    add(`random_session_${session}_merge`, Y.mergeUpdates(pick))
  } else {
    add(`random_session_${session}_diff`, Y.diffUpdate(state(docs[0]), Y.encodeStateVector(
      newDocWithSv(100 + session, 2))))
  }
}

// ---------------------------------------------------------------- write

fs.mkdirSync(outDir, { recursive: true })
for (const f of fs.readdirSync(outDir)) {
  if (f.endsWith('.bin')) fs.unlinkSync(path.join(outDir, f))
}
let total = 0
for (const [name, bytes] of corpus) {
  fs.writeFileSync(path.join(outDir, `${name}.bin`), bytes)
  total += bytes.length
}
console.log(`wrote ${corpus.size} files (${total} bytes) to ${outDir}`)
