// Yjs peers for crdtcore's network simulator (client: python/crdtcore/sim/yjs_peer.py).
//
// One node process hosts many simulated peers. Each is a Y.Doc with one y-protocols sync
// connection per neighbour, driven exactly like a crdtcore peer (python/crdtcore/sim/peer.py):
// frames in, frames out, edits as ops of crdtcore.testing's op model, reduced against the
// Y.Doc by the same rules as python/crdtcore/model/_ops.py (mirrored in `applyOp` below).
//
// Protocol: one JSON request per line on stdin, one JSON response per line on stdout:
//   request:  {"id": n, "cmd": "<name>", ...arguments}
//   response: {"id": n, "ok": true, "result": {...}} or {"id": n, "ok": false, "error": "..."}
// Bytes travel as base64. Every command that may change a peer answers with its `version`
// (count of the doc's 'update' events), `state_vector`, `fingerprint` (pending byte, state
// vector, state as update against that vector: equal for peers holding the same state, and
// byte-identical to a crdtcore peer's) and `out`: the frames queued since the last answer, as
// [neighbor, frame] pairs.
//
// Commands (arguments -> extra result fields):
//   ping                                         -> {yjs, node}
//   create   {peer, client_id, gc, relay, restore: [update]}
//   dispose  {peer}
//   open     {peer, neighbor}        new connection; queues SyncStep1
//   close    {peer, neighbor}
//   receive  {peer, neighbor, frame} y-protocols messages (sync handled; awareness, auth and
//                                    query-awareness ignored: simulated peers have none)
//   resync   {peer}                  SyncStep1 on every connection (anti-entropy)
//   perform  {peer, ops}             ops (crdtcore.testing op model) in one transaction
//   perform_update {peer, update}    a local edit given as an update
//   snapshot {peer}                  -> {content, deltas, state_vector, pending, update}
//   persisted {peer}                 -> {updates}   every update event, compacted
//   stats    {peer}                  -> {stats}     protocol counters (crdtcore's names)
//   covers   {peer, state_vector, delete_set} -> {covers}
//   shutdown                         then exit
// An update that Yjs fails to apply is an error of the command (crdtcore peers never send
// malformed updates, so it is a finding, not noise).

import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import * as syncProtocol from 'y-protocols/sync'
import { need, named, serveJsonLines } from './lib/jsonl_server.mjs'
import { loadYjs } from './lib/load_yjs.mjs'
import { cpToUtf16, decodeValue } from './lib/replay.mjs'
import { encodeValue, fromB64, getRoot, textDelta, toB64 } from './lib/view.mjs'

console.log = (...args) => console.error(...args) // stdout carries protocol lines only

const { Y, version } = await loadYjs()

const ROOTS = [['text', 'text'], ['array', 'array'], ['map', 'map']] // _ops.ROOTS, in order
const KINDS = { text: Y.Text, array: Y.Array, map: Y.Map }
const COMPACT_EVERY = 256
const MESSAGE_SYNC = 0
const MESSAGE_AWARENESS = 1
const MESSAGE_AUTH = 2
const MESSAGE_QUERY_AWARENESS = 3

const peers = new Map() // name -> peer
let outbox = [] // [neighbor, frame] of the peer being served

// -- the op model (python/crdtcore/model/_ops.py) --------------------------------------------

const isShared = (v) => v instanceof Y.Text || v instanceof Y.Array || v instanceof Y.Map
const mod = (a, m) => ((a % m) + m) % m

// Every shared type of `doc` with its path, in pre-order: roots in ROOTS order, array
// elements by index, map entries by key in UTF-16 order (Array.prototype.sort's default).
function * walk (doc) {
  const visit = function * (path, node) {
    yield [path, node]
    if (node instanceof Y.Array) {
      const items = node.toArray()
      for (let i = 0; i < items.length; i++) {
        if (isShared(items[i])) yield * visit([...path, i], items[i])
      }
    } else if (node instanceof Y.Map) {
      for (const key of [...node.keys()].sort()) {
        const child = node.get(key)
        if (isShared(child)) yield * visit([...path, key], child)
      }
    }
  }
  for (const [name, kind] of ROOTS) yield * visit([name], getRoot(doc, name, kind))
}

// Code points in a Y.Text (Python's len(Text)); an embed counts one.
const cpLength = (ytext) => {
  let n = 0
  for (const op of ytext.toDelta()) n += typeof op.insert === 'string' ? [...op.insert].length : 1
  return n
}

const span = (op, n) => {
  if (n === 0) return null
  const start = mod(op.index ?? 0, n)
  return [start, start + Math.min(Math.max(1, op.length ?? 1), n - start)]
}

const attrsOf = (a) => (a == null ? undefined : decodeValue(Y, a))

const applyOp = (doc, op) => {
  const cls = KINDS[op.kind]
  if (!cls) throw new Error(`unknown op kind ${JSON.stringify(op.kind)}`)
  const candidates = [...walk(doc)].map(([, t]) => t).filter((t) => t instanceof cls)
  const t = candidates[mod(op.target ?? 0, candidates.length)]
  const a = op.action
  if (op.kind === 'text') {
    const n = cpLength(t)
    if (a === 'insert' || a === 'embed') {
      const at = cpToUtf16(t, mod(op.index ?? 0, n + 1))
      if (a === 'insert') t.insert(at, op.text, attrsOf(op.attrs))
      else t.insertEmbed(at, decodeValue(Y, op.value), attrsOf(op.attrs))
      return
    }
    if (a === 'delete' || a === 'format') {
      const s = span(op, n)
      if (!s) return
      const [from, to] = [cpToUtf16(t, s[0]), cpToUtf16(t, s[1])]
      if (a === 'delete') t.delete(from, to - from)
      else t.format(from, to - from, decodeValue(Y, op.attrs))
      return
    }
  } else if (op.kind === 'array') {
    const n = t.length
    if (a === 'insert') {
      const values = op.values.map((v) => decodeValue(Y, v))
      if (values.length > 0) t.insert(mod(op.index ?? 0, n + 1), values)
      return
    }
    if (a === 'delete') {
      const s = span(op, n)
      if (s) t.delete(s[0], s[1] - s[0])
      return
    }
  } else {
    if (a === 'set') return t.set(op.key, decodeValue(Y, op.value))
    if (a === 'delete') {
      if (t.has(op.key)) t.delete(op.key)
      return
    }
  }
  throw new Error(`unknown ${op.kind} action ${JSON.stringify(a)}`)
}

// -- peers ----------------------------------------------------------------------------------

const frame = (write) => {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MESSAGE_SYNC)
  write(encoder)
  return encoding.toUint8Array(encoder)
}

const send = (conn, data) => {
  conn.stats.messages_out += 1
  conn.stats.bytes_out += data.length
  outbox.push([conn.neighbor, toB64(data)])
}

const createPeer = (req) => {
  const doc = new Y.Doc({ gc: req.gc !== false })
  doc.clientID = Number(req.client_id)
  for (const [name, kind] of ROOTS) getRoot(doc, name, kind)
  const peer = {
    doc, relay: req.relay !== false, conns: new Map(), version: 0, log: [], closed: zeroStats()
  }
  doc.on('update', (update, origin) => {
    peer.version += 1
    peer.log.push(update)
    if (peer.log.length >= COMPACT_EVERY) peer.log = [Y.mergeUpdates(peer.log)]
    const fromConn = origin != null && origin.isConnection === true
    if (fromConn && !peer.relay) return // a full-mesh member forwards only its own edits
    for (const conn of peer.conns.values()) {
      if (conn === origin) continue // no echo
      conn.stats.updates_out += 1
      send(conn, frame((e) => syncProtocol.writeUpdate(e, update)))
    }
  })
  const restore = (req.restore || []).map(fromB64)
  if (restore.length > 0) Y.applyUpdate(doc, Y.mergeUpdates(restore), 'restore')
  return peer
}

const zeroStats = () => ({
  messages_in: 0,
  messages_out: 0,
  bytes_in: 0,
  bytes_out: 0,
  updates_in: 0,
  updates_out: 0,
  writes_dropped: 0
})

const closeConn = (peer, neighbor) => {
  const conn = peer.conns.get(neighbor)
  if (!conn) return
  for (const [k, v] of Object.entries(conn.stats)) peer.closed[k] += v
  peer.conns.delete(neighbor)
}

const openConn = (peer, neighbor) => {
  closeConn(peer, neighbor)
  const conn = { neighbor, isConnection: true, stats: zeroStats() }
  peer.conns.set(neighbor, conn)
  send(conn, frame((e) => syncProtocol.writeSyncStep1(e, peer.doc)))
}

const receive = (peer, neighbor, data) => {
  const conn = peer.conns.get(neighbor)
  if (!conn) return
  conn.stats.bytes_in += data.length
  const decoder = decoding.createDecoder(data)
  let failure = null
  const onError = (e) => { failure = e }
  while (decoding.hasContent(decoder)) {
    conn.stats.messages_in += 1
    const type = decoding.readVarUint(decoder)
    if (type === MESSAGE_SYNC) {
      const reply = encoding.createEncoder()
      encoding.writeVarUint(reply, MESSAGE_SYNC)
      const sub = syncProtocol.readSyncMessage(decoder, reply, peer.doc, conn, onError)
      if (failure) throw new Error(`Yjs could not apply an update: ${failure.stack || failure}`)
      if (sub !== syncProtocol.messageYjsSyncStep1) conn.stats.updates_in += 1
      if (encoding.length(reply) > 1) send(conn, encoding.toUint8Array(reply))
    } else if (type === MESSAGE_AWARENESS) {
      decoding.readVarUint8Array(decoder)
    } else if (type === MESSAGE_AUTH) {
      decoding.readVarUint(decoder)
      decoding.readVarString(decoder)
    } else if (type !== MESSAGE_QUERY_AWARENESS) {
      throw new Error(`unknown message type ${type}`)
    }
  }
}

const pending = (doc) => doc.store.pendingStructs !== null || doc.store.pendingDs !== null

const fingerprint = (doc, sv) => {
  const update = Y.encodeStateAsUpdate(doc, sv)
  const out = new Uint8Array(1 + sv.length + update.length)
  out[0] = pending(doc) ? 1 : 0
  out.set(sv, 1)
  out.set(update, 1 + sv.length)
  return toB64(out)
}

const snapshot = (doc) => {
  const content = {}
  for (const [name, kind] of ROOTS) {
    content[name] = encodeValue(Y, getRoot(doc, name, kind).toJSON())
  }
  const deltas = {}
  for (const [path, t] of walk(doc)) {
    if (t instanceof Y.Text) deltas[path.join('/')] = textDelta(Y, t)
  }
  return {
    content,
    deltas,
    state_vector: toB64(Y.encodeStateVector(doc)),
    pending: pending(doc),
    update: toB64(Y.encodeStateAsUpdate(doc))
  }
}

// Whether every clock below the state vector is known and every range of the delete set
// (v1 encoding) is deleted in `doc`.
const covers = (doc, sv, ds) => {
  for (const [client, clock] of Y.decodeStateVector(sv)) {
    if (Y.getState(doc.store, client) < clock) return false
  }
  const { ds: wanted } = Y.decodeUpdate(Uint8Array.from([0, ...ds]))
  for (const [client, ranges] of wanted.clients) {
    for (const { clock, len } of ranges) {
      for (let c = clock; c < clock + len;) {
        const struct = Y.getItem(doc.store, Y.createID(client, c))
        if (!struct.deleted) return false
        c = struct.id.clock + struct.length
      }
    }
  }
  return true
}

const stats = (peer) => {
  const total = { ...peer.closed }
  for (const conn of peer.conns.values()) {
    for (const [k, v] of Object.entries(conn.stats)) total[k] += v
  }
  return total
}

// -- requests -------------------------------------------------------------------------------

const getPeer = (req) => named(peers, req, 'peer')

const handlers = {
  ping: () => ({ yjs: version, node: process.version }),
  create: (req) => {
    if (peers.has(need(req, 'peer'))) throw new Error(`peer ${req.peer} exists`)
    peers.set(req.peer, createPeer(req))
  },
  dispose: (req) => { getPeer(req).doc.destroy(); peers.delete(req.peer) },
  open: (req) => openConn(getPeer(req), need(req, 'neighbor')),
  close: (req) => closeConn(getPeer(req), need(req, 'neighbor')),
  receive: (req) => receive(getPeer(req), need(req, 'neighbor'), fromB64(need(req, 'frame'))),
  resync: (req) => {
    const peer = getPeer(req)
    for (const conn of peer.conns.values()) {
      send(conn, frame((e) => syncProtocol.writeSyncStep1(e, peer.doc)))
    }
  },
  perform: (req) => {
    const { doc } = getPeer(req)
    doc.transact(() => need(req, 'ops').forEach((op) => applyOp(doc, op)))
  },
  perform_update: (req) => Y.applyUpdate(getPeer(req).doc, fromB64(need(req, 'update'))),
  snapshot: (req) => snapshot(getPeer(req).doc),
  persisted: (req) => ({ updates: getPeer(req).log.map(toB64) }),
  stats: (req) => ({ stats: stats(getPeer(req)) }),
  covers: (req) => ({
    covers: covers(
      getPeer(req).doc, fromB64(need(req, 'state_vector')), fromB64(need(req, 'delete_set'))
    )
  }),
  shutdown: () => ({})
}

const STATELESS = new Set([
  'ping', 'dispose', 'shutdown', 'snapshot', 'persisted', 'stats', 'covers'
])

// Wraps a handler: a command that may change a peer also answers with the peer's version,
// state vector, fingerprint and the frames queued while it ran.
const withState = (cmd, h) => (req) => {
  outbox = []
  const result = h(req) || {}
  if (!STATELESS.has(cmd)) {
    const peer = getPeer(req)
    const sv = Y.encodeStateVector(peer.doc)
    result.version = peer.version
    result.state_vector = toB64(sv)
    result.fingerprint = fingerprint(peer.doc, sv)
    result.out = outbox
  }
  return result
}

serveJsonLines(
  Object.fromEntries(Object.entries(handlers).map(([cmd, h]) => [cmd, withState(cmd, h)])),
  { errorFields: (e) => ({ error: String(e && e.stack ? e.stack : e) }) }
)
