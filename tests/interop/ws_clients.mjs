// y-websocket clients for crdtcore's networking interop tests (tests/interop/test_net_yjs.py).
//
// One node process hosts several named clients, each a Y.Doc + Awareness connected by the real
// y-websocket@2 WebsocketProvider (pinned in ./package.json; the `ws` package is its WebSocket
// in node). BroadcastChannel sharing is disabled, so every byte goes through the server.
// Same JSON-lines protocol as yjs_peer.mjs (one request per stdin line, one response per stdout
// line), so yjs_peer.py's YjsPeer client drives it. Every command returns at once; callers poll
// `view` until what they wait for is there.
//
// Roots: Y.Text "text" and Y.Map "map" (typed when the client is created).
//
// Commands (arguments -> result):
//   ping                                       -> {yjs, y_websocket, node}
//   open {name, server, room, client_id, state?, max_backoff?}
//                                              -> {}   state: local awareness state (null: none)
//   edit {name, ops}                           -> {}   ops: [{insert, index, text}
//                                                          | {delete, index, length} | {key, value}]
//   set_awareness {name, state}                -> {}   awareness.setLocalState(state)
//   disconnect {name} / connect {name}         -> {}   provider.disconnect() / provider.connect()
//   view {name}                                -> {text, map, states, synced, connected}
//                                                 states: [[clientID, state], ...]
//   close {name}                               -> {}   provider.destroy() + doc.destroy()
//   shutdown                                   -> {} then exit

import { readFileSync } from 'node:fs'
import * as Y from 'yjs'
import * as awarenessProtocol from 'y-protocols/awareness'
import { WebsocketProvider } from 'y-websocket'
import WebSocket from 'ws'
import { need, named, serveJsonLines } from './lib/jsonl_server.mjs'

console.log = (...args) => console.error(...args) // stdout carries protocol lines only
console.warn = (...args) => console.error(...args)

const version = (name) =>
  JSON.parse(readFileSync(new URL(`./node_modules/${name}/package.json`, import.meta.url))).version

const clients = new Map()

const getClient = (req) => named(clients, req, 'name', 'client')

const destroy = ({ provider, awareness, doc }) => {
  provider.destroy()
  awareness.destroy()
  doc.destroy()
}

const handlers = {
  ping: () => ({ yjs: version('yjs'), y_websocket: version('y-websocket'), node: process.version }),
  open: (req) => {
    const doc = new Y.Doc()
    doc.clientID = Number(need(req, 'client_id'))
    doc.getText('text')
    doc.getMap('map')
    const awareness = new awarenessProtocol.Awareness(doc)
    awareness.setLocalState(req.state === undefined ? null : req.state)
    const provider = new WebsocketProvider(need(req, 'server'), need(req, 'room'), doc, {
      awareness,
      WebSocketPolyfill: WebSocket,
      disableBc: true,
      maxBackoffTime: req.max_backoff ?? 2500
    })
    const old = clients.get(req.name)
    if (old) destroy(old)
    clients.set(need(req, 'name'), { doc, awareness, provider })
    return {}
  },
  edit: (req) => {
    const { doc } = getClient(req)
    doc.transact(() => {
      for (const op of need(req, 'ops')) {
        if (op.insert !== undefined) doc.getText('text').insert(op.index, op.insert)
        else if (op.delete !== undefined) doc.getText('text').delete(op.index, op.length)
        else doc.getMap('map').set(op.key, op.value)
      }
    })
    return {}
  },
  set_awareness: (req) => {
    getClient(req).awareness.setLocalState(req.state ?? null)
    return {}
  },
  disconnect: (req) => {
    getClient(req).provider.disconnect()
    return {}
  },
  connect: (req) => {
    getClient(req).provider.connect()
    return {}
  },
  view: (req) => {
    const { doc, awareness, provider } = getClient(req)
    return {
      text: doc.getText('text').toString(),
      map: doc.getMap('map').toJSON(),
      states: Array.from(awareness.getStates().entries()),
      synced: provider.synced,
      connected: provider.wsconnected
    }
  },
  close: (req) => {
    destroy(getClient(req))
    clients.delete(req.name)
    return {}
  },
  shutdown: () => {
    for (const client of clients.values()) destroy(client)
    clients.clear()
    return {}
  }
}

// Exit at once on stdin close: live providers would keep reconnecting.
serveJsonLines(handlers, { onClose: () => process.exit(0) })
