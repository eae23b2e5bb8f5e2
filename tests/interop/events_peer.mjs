// Yjs side of the type-level event comparison (tests/interop/test_events_interop.py).
//
// JSON lines (lib/jsonl_server.mjs):
//   create {doc, client_id}     -> {}        a Y.Doc with roots text/array/map, each observed
//                                            with observeDeep
//   apply {doc, update}         -> {calls}   Y.applyUpdate; the deep-observer calls it caused
//   ping                        -> {}
//   shutdown                    -> {} then exit
// A call is {root, events: [{path, kind, delta, keys, added, deleted}]}, in the order Yjs made
// them (added/deleted: changes.added/.deleted as [client, clock, length]); deltas, changes
// and keys are read inside the callback (Yjs computes them lazily, before GC). Values:
// plain JSON, shared types as {"$type": "text"|"array"|"map"}. Text deltas are in UTF-16
// units, as Yjs counts; the Python side converts.

import { loadYjs } from './lib/load_yjs.mjs'
import { fromB64 } from './lib/view.mjs'
import { need, named, serveJsonLines } from './lib/jsonl_server.mjs'

console.log = (...args) => console.error(...args)

const { Y } = await loadYjs()

const docs = new Map()  // name -> {doc, calls}

const kindOf = (t) =>
  t instanceof Y.Text ? 'text' : t instanceof Y.Array ? 'array' : t instanceof Y.Map ? 'map' : 'other'

const value = (v) => {
  if (v instanceof Y.AbstractType) return { $type: kindOf(v) }
  if (v instanceof Uint8Array) return { $bytes: Array.from(v) }
  return v === undefined ? null : v
}

const deltaView = (delta) => delta.map((op) => {
  const out = {}
  if (op.insert !== undefined) {
    out.insert = typeof op.insert === 'string' ? op.insert
      : Array.isArray(op.insert) ? op.insert.map(value) : value(op.insert)
  }
  if (op.delete !== undefined) out.delete = op.delete
  if (op.retain !== undefined) out.retain = op.retain
  if (op.attributes !== undefined) out.attributes = op.attributes
  return out
})

const eventView = (e) => {
  const keys = {}
  e.keys.forEach((change, key) => {
    const k = { action: change.action }
    if (change.action !== 'add') k.oldValue = value(change.oldValue)
    if (change.action !== 'delete') k.newValue = value(e.target.get(key))
    keys[key] = k
  })
  const kind = kindOf(e.target)
  // changes.added / .deleted: Sets of Items, in insertion (document) order.
  const ids = (items) => Array.from(items).map((item) => [item.id.client, item.id.clock, item.length])
  const { added, deleted } = e.changes
  return {
    path: e.path,
    kind,
    delta: kind === 'map' ? [] : deltaView(e.delta),
    keys,
    added: ids(added),
    deleted: ids(deleted)
  }
}

const handlers = {
  create: (req) => {
    const name = need(req, 'doc')
    const doc = new Y.Doc()
    doc.clientID = Number(need(req, 'client_id'))
    const entry = { doc, calls: [] }
    const roots = { text: doc.getText('text'), array: doc.getArray('array'), map: doc.getMap('map') }
    for (const [root, type] of Object.entries(roots)) {
      type.observeDeep((events) => entry.calls.push({ root, events: events.map(eventView) }))
    }
    docs.set(name, entry)
    return {}
  },
  apply: (req) => {
    const entry = named(docs, req, 'doc')
    entry.calls = []
    Y.applyUpdate(entry.doc, fromB64(need(req, 'update')))
    return { calls: entry.calls }
  },
  ping: () => ({}),
  shutdown: () => ({})
}

serveJsonLines(handlers)
