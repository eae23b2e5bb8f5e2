// Yjs side of the UndoManager comparison (tests/interop/test_undo_interop.py).
//
// JSON lines (lib/jsonl_server.mjs):
//   create {doc, client_id, scope, capture_timeout, ignore_remote_map_changes}
//                                -> {}      a Y.Doc with roots text/array/map and a
//                                           Y.UndoManager over the roots named in `scope`
//   step {step}                  -> {result, docs}   runs one step (below); `docs`: per
//                                           document {update, json, undo, redo}
//   ping / shutdown
// Steps (the Python side makes the same calls on crdtcore):
//   {kind: 'txn', doc, origin, ops}  ops in one transaction (origin null or a string)
//   {kind: 'sync', from, to, origin} applyUpdate(to, encodeStateAsUpdate(from, sv(to)), origin)
//   {kind: 'undo'|'redo'|'stop'|'clear', doc}
// An op: {op, target, ...}; target = [root] or [root, key-or-index] (a nested type).

import { loadYjs } from './lib/load_yjs.mjs'
import { toB64 } from './lib/view.mjs'
import { need, named, serveJsonLines } from './lib/jsonl_server.mjs'

console.log = (...args) => console.error(...args)

const { Y } = await loadYjs()

const docs = new Map() // name -> {doc, um}

const roots = (doc) => ({ text: doc.getText('text'), array: doc.getArray('array'), map: doc.getMap('map') })

const resolve = (doc, target) => {
  const root = roots(doc)[target[0]]
  if (target.length === 1) return root
  const t = root instanceof Y.Map ? root.get(target[1]) : root.get(target[1])
  if (!(t instanceof Y.AbstractType)) throw new Error(`no nested type at ${JSON.stringify(target)}`)
  return t
}

const makeValue = (v) => {
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && v.$type !== undefined) {
    return v.$type === 'text' ? new Y.Text() : v.$type === 'array' ? new Y.Array() : new Y.Map()
  }
  return v
}

const runOp = (doc, op) => {
  const t = resolve(doc, op.target)
  switch (op.op) {
    case 'text_insert': t.insert(op.index, op.text, op.attrs ?? undefined); break
    case 'text_delete': t.delete(op.index, op.len); break
    case 'text_format': t.format(op.index, op.len, op.attrs); break
    case 'array_insert': t.insert(op.index, op.values.map(makeValue)); break
    case 'array_delete': t.delete(op.index, op.len); break
    case 'map_set': t.set(op.key, makeValue(op.value)); break
    case 'map_delete': t.delete(op.key); break
    default: throw new Error(`unknown op ${op.op}`)
  }
}

const handlers = {
  create: (req) => {
    const name = need(req, 'doc')
    const doc = new Y.Doc()
    doc.clientID = Number(need(req, 'client_id'))
    const r = roots(doc)
    const scope = need(req, 'scope').map((n) => r[n])
    const um = new Y.UndoManager(scope, {
      captureTimeout: need(req, 'capture_timeout'),
      ignoreRemoteMapChanges: !!req.ignore_remote_map_changes
    })
    docs.set(name, { doc, um })
    return {}
  },
  step: (req) => {
    const step = need(req, 'step')
    let result = null
    if (step.kind === 'txn') {
      const { doc } = named(docs, step, 'doc')
      doc.transact(() => { for (const op of step.ops) runOp(doc, op) }, step.origin)
    } else if (step.kind === 'sync') {
      const from = named(docs, step, 'from').doc
      const to = named(docs, step, 'to').doc
      Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)), step.origin)
    } else if (step.kind === 'undo') {
      result = named(docs, step, 'doc').um.undo() !== null
    } else if (step.kind === 'redo') {
      result = named(docs, step, 'doc').um.redo() !== null
    } else if (step.kind === 'stop') {
      named(docs, step, 'doc').um.stopCapturing()
    } else if (step.kind === 'clear') {
      named(docs, step, 'doc').um.clear()
    } else {
      throw new Error(`unknown step ${step.kind}`)
    }
    const out = {}
    for (const [name, { doc, um }] of docs) {
      const r = roots(doc)
      out[name] = {
        update: toB64(Y.encodeStateAsUpdate(doc)),
        json: { text: r.text.toJSON(), array: r.array.toJSON(), map: r.map.toJSON() },
        delta: r.text.toDelta().map((d) => ({ insert: typeof d.insert === 'string' ? d.insert : '?', attributes: d.attributes ?? null })),
        undo: um.undoStack.length,
        redo: um.redoStack.length
      }
    }
    return { result, docs: out }
  },
  reset: () => {
    for (const { um, doc } of docs.values()) { um.destroy(); doc.destroy() }
    docs.clear()
    return {}
  },
  ping: () => ({}),
  shutdown: () => ({})
}

serveJsonLines(handlers)
