// Long-lived Yjs peer for the crdtcore interop tests (client: tests/interop/yjs_peer.py).
//
// Protocol: one JSON request per line on stdin, one JSON response per line on stdout.
//   request:  {"id": <any>, "cmd": "<name>", ...arguments}
//   response: {"id": <same>, "ok": true, "result": {...}}
//          or {"id": <same>, "ok": false, "error": "<message>", "stack": "<js stack>"}
// Bytes travel as base64 strings (arrays of byte numbers are accepted too). Values use the
// tagged JSON of lib/view.mjs. Diagnostics go to stderr; stdout carries protocol lines only.
//
// Commands (arguments -> result):
//   ping                                       -> {yjs, node, source}
//   create_doc {doc, client_id, gc=true, roots?} -> {client_id}  named Y.Doc (replaces an old
//                                              one); roots {name: kind} are typed right away
//   destroy_doc {doc}                          -> {}
//   apply_update {doc, update, origin?}        -> {events}    Y.applyUpdate; events emitted by it
//   apply_updates {doc, updates}               -> {events}    one applyUpdate per update
//   encode_state_as_update {doc, state_vector?} -> {update}
//   encode_state_vector {doc}                  -> {state_vector}
//   view {doc, roots}                          -> {roots}     roots = {name: "text"|"array"|"map"}
//   take_events {doc}                          -> {events}    every 'update' event since last take
//   merge_updates {updates}                    -> {update}    Y.mergeUpdates
//   diff_update {update, state_vector}         -> {update}    Y.diffUpdate
//   state_vector_from_update {update}          -> {state_vector}  Y.encodeStateVectorFromUpdate
//   gen_session {seed, options?}               -> session (lib/session_gen.mjs)
//   replay_ops {doc, ops}                      -> {events}    lib/replay.mjs op log on a doc
//   read {doc, path}                           -> {deep}      deep view of the type at a path
//   shutdown                                   -> {} then exit
// An event is {update, local, origin}: the v1 update of one transaction, whether it was local.

import { loadYjs } from './lib/load_yjs.mjs'
import { deepView, fromB64, getRoot, toB64, viewRoots } from './lib/view.mjs'
import { generateSession } from './lib/session_gen.mjs'
import { replayOps, resolve } from './lib/replay.mjs'
import { need, named, serveJsonLines } from './lib/jsonl_server.mjs'

// Keep stdout for protocol lines (libraries may console.log).
console.log = (...args) => console.error(...args)

const { Y, version, source } = await loadYjs()

// name -> {doc, events: [...], taken: index of first event not yet taken}
const docs = new Map()

const getDoc = (req) => named(docs, req, 'doc')

// Runs fn(doc) and returns the 'update' events it caused.
const capture = (entry, fn) => {
  const start = entry.events.length
  fn(entry.doc)
  return entry.events.slice(start)
}

const handlers = {
  ping: () => ({ yjs: version, node: process.version, source }),

  create_doc: (req) => {
    const name = need(req, 'doc')
    const doc = new Y.Doc({ gc: req.gc === undefined ? true : Boolean(req.gc) })
    if (req.client_id !== undefined && req.client_id !== null) doc.clientID = Number(req.client_id)
    // Typing a root before updates arrive matters: a Y.Text created later from an untyped root
    // has lost `_hasFormatting`, which switches off format cleanup after remote transactions.
    for (const [root, kind] of Object.entries(req.roots || {})) getRoot(doc, root, kind)
    const entry = { doc, events: [], taken: 0 }
    doc.on('update', (u, origin, d, tr) => {
      const o = origin == null ? null : String(origin)
      entry.events.push({ update: toB64(u), local: tr.local, origin: o })
    })
    const old = docs.get(name)
    if (old) old.doc.destroy()
    docs.set(name, entry)
    return { client_id: doc.clientID }
  },

  destroy_doc: (req) => {
    const entry = getDoc(req)
    entry.doc.destroy()
    docs.delete(req.doc)
    return {}
  },

  apply_update: (req) => {
    const entry = getDoc(req)
    const u = fromB64(need(req, 'update'))
    return { events: capture(entry, (d) => Y.applyUpdate(d, u, req.origin ?? 'remote')) }
  },

  apply_updates: (req) => {
    const entry = getDoc(req)
    const us = need(req, 'updates').map(fromB64)
    const origin = req.origin ?? 'remote'
    return { events: capture(entry, (d) => us.forEach((u) => Y.applyUpdate(d, u, origin))) }
  },

  encode_state_as_update: (req) => {
    const { doc } = getDoc(req)
    const sv = req.state_vector == null ? undefined : fromB64(req.state_vector)
    return { update: toB64(Y.encodeStateAsUpdate(doc, sv)) }
  },

  encode_state_vector: (req) => ({ state_vector: toB64(Y.encodeStateVector(getDoc(req).doc)) }),

  view: (req) => ({ roots: viewRoots(Y, getDoc(req).doc, need(req, 'roots')) }),

  take_events: (req) => {
    const entry = getDoc(req)
    const events = entry.events.slice(entry.taken)
    entry.taken = entry.events.length
    return { events }
  },

  merge_updates: (req) => ({ update: toB64(Y.mergeUpdates(need(req, 'updates').map(fromB64))) }),

  diff_update: (req) => ({
    update: toB64(Y.diffUpdate(fromB64(need(req, 'update')), fromB64(need(req, 'state_vector'))))
  }),

  state_vector_from_update: (req) => ({
    state_vector: toB64(Y.encodeStateVectorFromUpdate(fromB64(need(req, 'update'))))
  }),

  gen_session: (req) => generateSession(Y, need(req, 'seed'), req.options || {}),

  replay_ops: (req) => {
    const entry = getDoc(req)
    return { events: capture(entry, (d) => replayOps(Y, d, need(req, 'ops'))) }
  },

  read: (req) => ({ deep: deepView(Y, resolve(Y, getDoc(req).doc, need(req, 'path'))) }),

  shutdown: () => ({})
}

serveJsonLines(handlers)
