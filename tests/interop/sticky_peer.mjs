// Yjs relative-position peer for crdtcore's StickyIndex interop tests
// (tests/interop/test_sticky_interop.py).
//
// Same JSON-lines protocol as yjs_peer.mjs (lib/jsonl_server.mjs; bytes as base64), so
// yjs_peer.py's YjsPeer client drives it. Each doc is a Y.Doc (gc on) with roots "text"
// (Y.Text) and "array" (Y.Array) typed at creation, and "map" (Y.Map) whose entries may hold
// nested Y.Text. Indices are Yjs's: UTF-16 units for text, elements for arrays.
//
// A target names a sequence: "text", "array", or "map/<key>" (a Y.Text nested in "map").
//
// Commands (arguments -> result):
//   ping                                    -> {yjs, node}
//   new_doc {doc, client_id}                -> {}
//   destroy_doc {doc}                       -> {}
//   apply_update {doc, update}              -> {}
//   update {doc, state_vector?}             -> {update}   Y.encodeStateAsUpdate
//   state_vector {doc}                      -> {state_vector}
//   edit {doc, ops}                         -> {}   ops: [{target, index, insert} |
//        {target, index, delete} | {nested: key, insert}]  (insert: a string for text, a list
//        for arrays; nested: map.set(key, new Y.Text(insert)))
//   content {doc, target}                   -> {value}   toString() / toJSON()
//   create {doc, target, index, assoc}      -> {bytes, json, object}
//        createRelativePositionFromTypeIndex; bytes: encodeRelativePosition, json:
//        relativePositionToJSON, object: JSON.stringify of the RelativePosition itself (what
//        y-codemirror.next / y-prosemirror put in awareness states), parsed
//   resolve {doc, bytes? | json?, target}   -> {index, in_target} or null
//        createAbsolutePositionFromRelativePosition of decodeRelativePosition(bytes) or
//        createRelativePositionFromJSON(json); in_target: whether its type is `target`
//   shutdown                                -> {} then exit

import * as Y from 'yjs'
import { need, named, serveJsonLines } from './lib/jsonl_server.mjs'

const toB64 = (bytes) => Buffer.from(bytes).toString('base64')
const fromB64 = (text) => new Uint8Array(Buffer.from(text, 'base64'))

const docs = new Map()
const getDoc = (req) => named(docs, req, 'doc')

const target = (doc, name) => {
  if (name === 'text') return doc.getText('text')
  if (name === 'array') return doc.getArray('array')
  if (name.startsWith('map/')) {
    const t = doc.getMap('map').get(name.slice(4))
    if (!(t instanceof Y.Text)) throw new Error(`no nested text at ${name}`)
    return t
  }
  throw new Error(`unknown target ${JSON.stringify(name)}`)
}

const edit = (doc, op) => {
  if (op.nested !== undefined) {
    doc.getMap('map').set(op.nested, new Y.Text(op.insert))
    return
  }
  const t = target(doc, need(op, 'target'))
  if (op.insert !== undefined) {
    t.insert(op.index, op.insert)
  } else {
    t.delete(op.index, op.delete)
  }
}

const handlers = {
  ping: () => ({ yjs: true, node: process.version }),
  new_doc: (req) => {
    const doc = new Y.Doc({ gc: true })
    if (req.client_id != null) doc.clientID = req.client_id
    doc.getText('text')
    doc.getArray('array')
    doc.getMap('map')
    docs.set(need(req, 'doc'), doc)
    return {}
  },
  destroy_doc: (req) => {
    getDoc(req).destroy()
    docs.delete(req.doc)
    return {}
  },
  apply_update: (req) => {
    Y.applyUpdate(getDoc(req), fromB64(need(req, 'update')))
    return {}
  },
  update: (req) => {
    const sv = req.state_vector == null ? undefined : fromB64(req.state_vector)
    return { update: toB64(Y.encodeStateAsUpdate(getDoc(req), sv)) }
  },
  state_vector: (req) => ({ state_vector: toB64(Y.encodeStateVector(getDoc(req))) }),
  edit: (req) => {
    const doc = getDoc(req)
    doc.transact(() => need(req, 'ops').forEach((op) => edit(doc, op)))
    return {}
  },
  content: (req) => {
    const t = target(getDoc(req), need(req, 'target'))
    return { value: t instanceof Y.Text ? t.toString() : t.toJSON() }
  },
  create: (req) => {
    const t = target(getDoc(req), need(req, 'target'))
    const rpos = Y.createRelativePositionFromTypeIndex(t, need(req, 'index'), need(req, 'assoc'))
    return {
      bytes: toB64(Y.encodeRelativePosition(rpos)),
      json: Y.relativePositionToJSON(rpos),
      object: JSON.parse(JSON.stringify(rpos))
    }
  },
  resolve: (req) => {
    const doc = getDoc(req)
    const rpos = req.bytes != null
      ? Y.decodeRelativePosition(fromB64(req.bytes))
      : Y.createRelativePositionFromJSON(need(req, 'json'))
    const abs = Y.createAbsolutePositionFromRelativePosition(rpos, doc)
    if (abs === null) return null
    return { index: abs.index, in_target: abs.type === target(doc, need(req, 'target')) }
  },
  shutdown: () => {
    docs.forEach((doc) => doc.destroy())
    docs.clear()
    return {}
  }
}

serveJsonLines(handlers)
