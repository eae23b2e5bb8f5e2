// Replays an op log recorded by tests/interop/py_session_gen.py on a Y.Doc, so that the same
// user edits made through crdtcore's Python API can be made through Yjs and compared byte by byte.
//
// ops: list of transactions; a transaction is a list of ops; every op is
//   {path: [rootName, step...], op: <name>, ...args}
// where a step is an array index (number) or a map key (string), resolved at replay time.
// Root kinds come from session_gen.ROOTS. Text indices/lengths are Unicode code points (the
// Python API's unit) and are converted to UTF-16 here.
//   text:  insert {index, text, attrs?}, delete {index, length}, format {index, length, attrs},
//          insert_embed {index, value, attrs?}
//   array: insert {index, values}, delete {index, length}
//   map:   set {key, value}, delete {key}
// Values are tagged JSON (lib/view.mjs) plus {"$new": "map"|"array"|"text", "init": ...} for
// preliminary shared types: map init is a list of [key, value] pairs (a JS object would move
// integer-like keys first, but Y.Map keeps the order of set() calls), array init a list, text
// init a string.

import { ROOTS } from './session_gen.mjs'
import { fromB64, getRoot } from './view.mjs'

// UTF-16 offset of code-point index `cp` in a Y.Text (embeds count one unit and one code point).
export const cpToUtf16 = (ytext, cp) => {
  let units = 0
  let left = cp
  for (const op of ytext.toDelta()) {
    if (left === 0) break
    if (typeof op.insert !== 'string') {
      units += 1
      left -= 1
      continue
    }
    for (const ch of op.insert) {
      if (left === 0) break
      units += ch.length
      left -= 1
    }
  }
  if (left > 0) throw new RangeError(`code point index ${cp} beyond text end`)
  return units
}

// Tagged JSON value -> Yjs value (creating preliminary types for "$new").
export const decodeValue = (Y, v) => {
  if (v === null || typeof v !== 'object') return v
  if (Array.isArray(v)) return v.map((x) => decodeValue(Y, x))
  if (v.$bytes !== undefined) return fromB64(v.$bytes)
  if (v.$bigint !== undefined) return BigInt(v.$bigint)
  if (v.$number !== undefined) return Number(v.$number)
  if (v.$new !== undefined) {
    if (v.$new === 'text') return new Y.Text(v.init || '')
    if (v.$new === 'array') {
      const a = new Y.Array()
      if (v.init && v.init.length > 0) a.insert(0, v.init.map((x) => decodeValue(Y, x)))
      return a
    }
    if (v.$new === 'map') {
      const m = new Y.Map()
      for (const [k, x] of v.init || []) m.set(k, decodeValue(Y, x))
      return m
    }
    throw new Error(`unknown $new kind ${v.$new}`)
  }
  const out = {}
  for (const [k, x] of Object.entries(v)) out[k] = decodeValue(Y, x)
  return out
}

// The shared type at `path` ([rootName, step...]) in `doc`.
export const resolve = (Y, doc, path) => {
  let t = getRoot(doc, path[0], ROOTS[path[0]])
  for (const step of path.slice(1)) {
    t = t.get(step)
    if (!(t instanceof Y.AbstractType)) {
      throw new Error(`path ${JSON.stringify(path)} is not a shared type`)
    }
  }
  return t
}

const attrsOf = (Y, op) => (op.attrs == null ? undefined : decodeValue(Y, op.attrs))

const applyOp = (Y, doc, op) => {
  const t = resolve(Y, doc, op.path)
  if (t instanceof Y.Text) {
    if (op.op === 'insert') return t.insert(cpToUtf16(t, op.index), op.text, attrsOf(Y, op))
    if (op.op === 'insert_embed') {
      return t.insertEmbed(cpToUtf16(t, op.index), decodeValue(Y, op.value), attrsOf(Y, op))
    }
    const a = cpToUtf16(t, op.index)
    const b = cpToUtf16(t, op.index + op.length)
    if (op.op === 'delete') return t.delete(a, b - a)
    if (op.op === 'format') return t.format(a, b - a, decodeValue(Y, op.attrs))
  } else if (t instanceof Y.Array) {
    if (op.op === 'insert') return t.insert(op.index, op.values.map((x) => decodeValue(Y, x)))
    if (op.op === 'delete') return t.delete(op.index, op.length)
  } else if (t instanceof Y.Map) {
    if (op.op === 'set') return t.set(op.key, decodeValue(Y, op.value))
    if (op.op === 'delete') return t.delete(op.key)
  }
  throw new Error(`op ${JSON.stringify(op.op)} not valid on ${t.constructor.name}`)
}

// Applies every transaction of `ops` to `doc`, one Yjs transaction each.
export const replayOps = (Y, doc, ops) => {
  for (const txn of ops) doc.transact(() => txn.forEach((op) => applyOp(Y, doc, op)), 'replay')
}
