// y-protocols peer for crdtcore's sync-protocol interop tests (tests/interop/test_sync_protocol_bytes.py).
//
// Same JSON-lines protocol as yjs_peer.mjs (one request per line on stdin, one response per line
// on stdout; bytes as base64), so yjs_peer.py's YjsPeer client drives it. It uses the real
// y-protocols (sync.js, awareness.js, auth.js), lib0 and yjs pinned in ./package.json, imported by
// bare name so y-protocols and this script share one Yjs instance.
//
// A peer is a Y.Doc + Awareness that handles frames the way y-websocket's client does: it reads
// every message of a frame, answers SyncStep1 and query-awareness, applies updates with origin
// 'remote', and queues an Update for every other doc update and an awareness message for every
// awareness 'update' event (y-websocket's client broadcasts those whatever their origin).
//
// Commands (arguments -> result):
//   ping                                    -> {yjs, yprotocols, node}
//   new_peer {peer, client_id, state?}      -> {}        state: initial local awareness state
//   destroy_peer {peer}                     -> {}
//   edit {peer, ops}                        -> {}        ops: [{text, index, insert}|{map, key, value}]
//   set_awareness {peer, state}             -> {}        awareness.setLocalState(state)
//   start {peer}                            -> {frames}  y-websocket's on-open: SyncStep1 (+ awareness)
//   receive {peer, frames}                  -> {denied}  handle frames; replies go to the outbox
//   outbox {peer}                           -> {frames}  drain queued frames
//   view {peer}                             -> {text, map, state_vector, states}
//   encode {what, ...}                      -> {frame}   one message made by y-protocols:
//       what=step1 {peer} | step2 {peer, state_vector} | update {update}
//          | awareness {entries: [[client, clock, state as JSON text], ...]} | auth {reason} | query
//       (states travel as JSON text, so lone surrogates survive the JSON-lines transport)
//   shutdown                                -> {} then exit

import { readFileSync } from 'node:fs'
import * as Y from 'yjs'
import * as syncProtocol from 'y-protocols/sync'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as authProtocol from 'y-protocols/auth'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import { need, named, serveJsonLines } from './lib/jsonl_server.mjs'

console.log = (...args) => console.error(...args) // stdout carries protocol lines only

const version = (name) =>
  JSON.parse(readFileSync(new URL(`./node_modules/${name}/package.json`, import.meta.url))).version

const MSG_SYNC = 0
const MSG_AWARENESS = 1
const MSG_AUTH = 2
const MSG_QUERY_AWARENESS = 3

const toB64 = (bytes) => Buffer.from(bytes).toString('base64')
const fromB64 = (text) => new Uint8Array(Buffer.from(text, 'base64'))

const frame = (write) => {
  const encoder = encoding.createEncoder()
  write(encoder)
  return encoding.toUint8Array(encoder)
}

const awarenessFrame = (awareness, clients) => frame((e) => {
  encoding.writeVarUint(e, MSG_AWARENESS)
  encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(awareness, clients))
})

const peers = new Map()

const getPeer = (req) => named(peers, req, 'peer')

const destroyPeer = (peer) => {
  peer.awareness.destroy()
  peer.doc.destroy()
}

const newPeer = (req) => {
  const doc = new Y.Doc()
  doc.clientID = Number(need(req, 'client_id'))
  const awareness = new awarenessProtocol.Awareness(doc)
  if (req.state !== undefined) awareness.setLocalState(req.state)
  const peer = { doc, awareness, outbox: [] }
  doc.on('update', (update, origin) => {
    if (origin !== 'remote') {
      peer.outbox.push(frame((e) => {
        encoding.writeVarUint(e, MSG_SYNC)
        syncProtocol.writeUpdate(e, update)
      }))
    }
  })
  awareness.on('update', ({ added, updated, removed }) => {
    peer.outbox.push(awarenessFrame(awareness, added.concat(updated, removed)))
  })
  const old = peers.get(req.peer)
  if (old) destroyPeer(old)
  peers.set(req.peer, peer)
  return {}
}

// y-websocket's client: every message of the frame, replies into the outbox.
const receive = (peer, data, denied) => {
  const decoder = decoding.createDecoder(data)
  while (decoding.hasContent(decoder)) {
    const type = decoding.readVarUint(decoder)
    if (type === MSG_SYNC) {
      const encoder = encoding.createEncoder()
      encoding.writeVarUint(encoder, MSG_SYNC)
      syncProtocol.readSyncMessage(decoder, encoder, peer.doc, 'remote', (error) => { throw error })
      if (encoding.length(encoder) > 1) peer.outbox.push(encoding.toUint8Array(encoder))
    } else if (type === MSG_AWARENESS) {
      const update = decoding.readVarUint8Array(decoder)
      awarenessProtocol.applyAwarenessUpdate(peer.awareness, update, 'remote')
    } else if (type === MSG_AUTH) {
      authProtocol.readAuthMessage(decoder, peer.doc, (_doc, reason) => denied.push(reason))
    } else if (type === MSG_QUERY_AWARENESS) {
      peer.outbox.push(awarenessFrame(peer.awareness, Array.from(peer.awareness.getStates().keys())))
    } else {
      throw new Error(`unknown message type ${type}`)
    }
  }
}

// One transaction for all ops, like `with doc.transaction():` on the Python side.
const edit = (doc, ops) => doc.transact(() => {
  for (const op of ops) {
    if (op.text !== undefined) doc.getText(op.text).insert(op.index, op.insert)
    else if (op.map !== undefined) doc.getMap(op.map).set(op.key, op.value)
    else throw new Error(`bad op ${JSON.stringify(op)}`)
  }
})

const encoders = {
  step1: (req) => frame((e) => {
    encoding.writeVarUint(e, MSG_SYNC)
    syncProtocol.writeSyncStep1(e, getPeer(req).doc)
  }),
  step2: (req) => frame((e) => {
    encoding.writeVarUint(e, MSG_SYNC)
    syncProtocol.writeSyncStep2(e, getPeer(req).doc, fromB64(need(req, 'state_vector')))
  }),
  update: (req) => frame((e) => {
    encoding.writeVarUint(e, MSG_SYNC)
    syncProtocol.writeUpdate(e, fromB64(need(req, 'update')))
  }),
  awareness: (req) => {
    // encodeAwarenessUpdate reads clocks from awareness.meta and states from the map it is given
    const entries = need(req, 'entries')
    const meta = new Map(entries.map(([client, clock]) => [client, { clock, lastUpdated: 0 }]))
    const states = new Map(entries.map(([client, , state]) => [client, JSON.parse(state)]))
    return frame((e) => {
      encoding.writeVarUint(e, MSG_AWARENESS)
      encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(
        { meta }, entries.map(([client]) => client), states))
    })
  },
  auth: (req) => frame((e) => {
    encoding.writeVarUint(e, MSG_AUTH)
    authProtocol.writePermissionDenied(e, need(req, 'reason'))
  }),
  query: () => frame((e) => encoding.writeVarUint(e, MSG_QUERY_AWARENESS))
}

const handlers = {
  ping: () => ({ yjs: version('yjs'), yprotocols: version('y-protocols'), node: process.version }),
  new_peer: newPeer,
  destroy_peer: (req) => {
    destroyPeer(getPeer(req))
    peers.delete(req.peer)
    return {}
  },
  edit: (req) => {
    edit(getPeer(req).doc, need(req, 'ops'))
    return {}
  },
  set_awareness: (req) => {
    getPeer(req).awareness.setLocalState(need(req, 'state'))
    return {}
  },
  start: (req) => {
    const peer = getPeer(req)
    peer.outbox.push(encoders.step1(req))
    if (peer.awareness.getLocalState() !== null) {
      peer.outbox.push(awarenessFrame(peer.awareness, [peer.doc.clientID]))
    }
    return handlers.outbox(req)
  },
  receive: (req) => {
    const peer = getPeer(req)
    const denied = []
    for (const data of need(req, 'frames')) receive(peer, fromB64(data), denied)
    return { denied }
  },
  outbox: (req) => {
    const peer = getPeer(req)
    const frames = peer.outbox.map(toB64)
    peer.outbox = []
    return { frames }
  },
  view: (req) => {
    const { doc, awareness } = getPeer(req)
    return {
      text: doc.getText('t').toString(),
      map: doc.getMap('m').toJSON(),
      state_vector: toB64(Y.encodeStateVector(doc)),
      states: Array.from(awareness.getStates().entries())
    }
  },
  encode: (req) => {
    const make = encoders[need(req, 'what')]
    if (!make) throw new Error(`cannot encode ${JSON.stringify(req.what)}`)
    return { frame: toB64(make(req)) }
  },
  shutdown: () => {
    for (const peer of peers.values()) destroyPeer(peer)
    peers.clear()
    return {}
  }
}

serveJsonLines(handlers, {
  onClose: () => {
    handlers.shutdown() // clears the awareness timers
    process.stdout.end()
  }
})
