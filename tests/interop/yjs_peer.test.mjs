// node:test checks of the Yjs peer itself (run: `node --test tests/interop/`).
// They prove the oracle before it is used to judge crdtcore.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { loadYjs } from './lib/load_yjs.mjs'
import { generateSession, stableStringify, ROOTS } from './lib/session_gen.mjs'
import { cpToUtf16, replayOps } from './lib/replay.mjs'
import { fromB64, toB64, viewRoots, encodeValue } from './lib/view.mjs'
import { makeRng } from './lib/rng.mjs'

const { Y } = await loadYjs()
const bytes = (rec) => fromB64(rec.update)

test('rng is deterministic and in range', () => {
  const a = makeRng(42)
  const b = makeRng(42)
  for (let i = 0; i < 1000; i++) {
    const x = a.next()
    assert.equal(x, b.next())
    assert.ok(x >= 0 && x < 1)
  }
  assert.notEqual(makeRng(1).next(), makeRng(2).next())
})

test('generator is deterministic per seed', () => {
  for (const seed of [0, 1, 99]) {
    assert.equal(JSON.stringify(generateSession(Y, seed)), JSON.stringify(generateSession(Y, seed)))
  }
  const updatesOf = (seed) => JSON.stringify(generateSession(Y, seed).updates)
  assert.notEqual(updatesOf(1), updatesOf(2))
})

test('generator honours explicit client ids and counts', () => {
  const s = generateSession(Y, 3, { clientIds: [5, 9, 2 ** 40] })
  assert.deepEqual(s.client_ids, [5, 9, 2 ** 40])
  const clients = new Set(s.updates.map((u) => u.client))
  assert.ok([...clients].every((c) => s.client_ids.includes(c)))
  assert.equal(generateSession(Y, 4, { clients: 3 }).client_ids.length, 3)
})

test('sessions replay to the reference state in creation and in shuffled order', () => {
  for (let seed = 0; seed < 25; seed++) {
    const s = generateSession(Y, seed)
    const d = new Y.Doc()
    s.updates.forEach((u) => Y.applyUpdate(d, bytes(u)))
    assert.equal(toB64(Y.encodeStateAsUpdate(d)), s.state, `seed ${seed}`)
    assert.equal(toB64(Y.encodeStateVector(d)), s.state_vector, `seed ${seed}`)
    const e = new Y.Doc()
    const all = s.updates.concat(s.relayed)
    makeRng(seed).shuffle(all).forEach((u) => Y.applyUpdate(e, bytes(u)))
    assert.equal(stableStringify(viewRoots(Y, e, ROOTS)), stableStringify(s.final), `seed ${seed}`)
    const m = new Y.Doc()
    Y.applyUpdate(m, Y.mergeUpdates(s.updates.map(bytes)))
    const merged = stableStringify(viewRoots(Y, m, ROOTS))
    assert.equal(merged, stableStringify(s.final), `merged, seed ${seed}`)
  }
})

test('sessions exercise the advertised op mix', () => {
  const seen = new Set()
  for (let seed = 0; seed < 30; seed++) {
    const s = generateSession(Y, seed)
    const text = JSON.stringify(s.final)
    if (s.final.text.delta.some((op) => op.attributes)) seen.add('attrs')
    if (s.final.text.delta.some((op) => typeof op.insert !== 'string')) seen.add('embed')
    if (/[\u{1F600}-\u{1F64F}]/u.test(text)) seen.add('emoji')
    if (text.includes('$bytes')) seen.add('bytes')
    if (text.includes('$text')) seen.add('nested text')
    if (s.relayed.length > 0) seen.add('relayed')
    if (s.client_ids.some((c) => c > 2 ** 32)) seen.add('53-bit client')
  }
  const all = ['53-bit client', 'attrs', 'bytes', 'embed', 'emoji', 'nested text', 'relayed']
  assert.deepEqual([...seen].sort(), all)
})

test('split-surrogate sessions report convergence instead of throwing', () => {
  let diverged = 0
  for (let seed = 0; seed < 40; seed++) {
    const s = generateSession(Y, seed, { splitSurrogates: true, requireConvergence: false })
    if (!s.converged) diverged++
  }
  assert.ok(diverged < 40)
})

test('cpToUtf16 counts code points, embeds as one', () => {
  const d = new Y.Doc()
  const t = d.getText('text')
  t.insert(0, 'a😀b')
  t.insertEmbed(3, { image: 'x' })
  t.insert(5, '漢')
  assert.deepEqual([0, 1, 2, 3, 4, 5].map((cp) => cpToUtf16(t, cp)), [0, 1, 3, 4, 5, 6])
  assert.throws(() => cpToUtf16(t, 6), RangeError)
})

test('replayed op logs produce the bytes of the direct API calls', () => {
  const direct = new Y.Doc()
  direct.clientID = 7
  const got = []
  const replayed = new Y.Doc()
  replayed.clientID = 7
  const want = []
  direct.on('update', (u) => want.push(toB64(u)))
  replayed.on('update', (u) => got.push(toB64(u)))
  direct.getText('text').insert(0, 'h😀llo', { bold: true })
  direct.getText('text').format(1, 2, { italic: true })
  direct.getText('text').delete(0, 1)
  direct.getArray('array').insert(0, [1, 'x', Uint8Array.of(1, 2), new Y.Map([['k', 1], ['1', 2]])])
  direct.getArray('array').get(3).set('n', new Y.Text('in'))
  direct.getMap('map').set('a', { b: [1, 2] })
  direct.getMap('map').delete('a')
  replayOps(Y, replayed, [
    [{ path: ['text'], op: 'insert', index: 0, text: 'h😀llo', attrs: { bold: true } }],
    [{ path: ['text'], op: 'format', index: 1, length: 1, attrs: { italic: true } }],
    [{ path: ['text'], op: 'delete', index: 0, length: 1 }],
    [{
      path: ['array'],
      op: 'insert',
      index: 0,
      values: [1, 'x', { $bytes: 'AQI=' }, { $new: 'map', init: [['k', 1], ['1', 2]] }]
    }],
    [{ path: ['array', 3], op: 'set', key: 'n', value: { $new: 'text', init: 'in' } }],
    [{ path: ['map'], op: 'set', key: 'a', value: { b: [1, 2] } }],
    [{ path: ['map'], op: 'delete', key: 'a' }]
  ])
  assert.deepEqual(got, want)
})

test('tagged values', () => {
  assert.deepEqual(encodeValue(Y, { a: Uint8Array.of(255), b: 10n, c: NaN, d: undefined }),
    { a: { $bytes: '/w==' }, b: { $bigint: '10' }, c: { $number: 'NaN' }, d: null })
})

// Runs the peer as a child process and talks JSON lines to it.
const startPeer = () => {
  const script = fileURLToPath(new URL('./yjs_peer.mjs', import.meta.url))
  const child = spawn(process.execPath, [script], { stdio: ['pipe', 'pipe', 'inherit'] })
  const lines = createInterface({ input: child.stdout })
  const waiting = []
  lines.on('line', (l) => waiting.shift()(JSON.parse(l)))
  const send = (req) => new Promise((resolve) => {
    waiting.push(resolve)
    child.stdin.write(typeof req === 'string' ? req + '\n' : JSON.stringify(req) + '\n')
  })
  return { child, send }
}

test('peer process: request/response, errors, shutdown', async () => {
  const { child, send } = startPeer()
  const exited = new Promise((resolve) => child.on('exit', resolve))
  assert.match((await send({ id: 1, cmd: 'ping' })).result.yjs, /^13\.6\./)
  assert.equal((await send({ id: 2, cmd: 'nope' })).ok, false)
  assert.equal((await send('{not json')).ok, false)
  assert.equal((await send({ id: 3, cmd: 'create_doc', doc: 'a', client_id: 2 })).ok, true)
  const ab = toB64(Uint8Array.from([1, 1, 1, 0, 4, 1, 1, 116, 2, 97, 98, 0]))
  const applied = await send({ id: 4, cmd: 'apply_update', doc: 'a', update: ab })
  assert.deepEqual(applied.result.events, [{ update: ab, local: false, origin: 'remote' }])
  assert.equal((await send({ id: 5, cmd: 'encode_state_as_update', doc: 'a' })).result.update, ab)
  const view = await send({ id: 6, cmd: 'view', doc: 'a', roots: { t: 'text' } })
  assert.equal(view.result.roots.t.string, 'ab')
  const bad = await send({ id: 7, cmd: 'apply_update', doc: 'a', update: [1, 9] })
  assert.equal(bad.ok, false)
  assert.equal(bad.id, 7)
  const gen = await send({ id: 8, cmd: 'gen_session', seed: 5 })
  assert.equal(JSON.stringify(gen.result), JSON.stringify(generateSession(Y, 5)))
  assert.equal((await send({ id: 9, cmd: 'shutdown' })).ok, true)
  assert.equal(await exited, 0)
})
