// Byte and value encodings shared by the peer protocol, the generator and the Python client.
//
// JSON cannot carry every Yjs value, so values are "tagged JSON":
//   Uint8Array        -> {"$bytes": "<base64>"}
//   bigint            -> {"$bigint": "<decimal>"}
//   NaN / +-Infinity  -> {"$number": "NaN" | "Infinity" | "-Infinity"}
//   undefined         -> null (crdtcore reads Yjs `undefined` back as None as well)
//   Y.Text            -> {"$text": <delta>}      (deep views only; toJSON gives the string)
//   Y.Array           -> {"$array": [...]}       (deep views only)
//   Y.Map             -> {"$map": {...}}         (deep views only)
// tests/interop/interop_util.py decodes and builds the same shapes on the Python side.

// Uint8Array -> base64 string.
export const toB64 = (u8) => Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength).toString('base64')

// base64 string (or array of byte numbers) -> Uint8Array.
export const fromB64 = (s) => {
  if (Array.isArray(s)) return Uint8Array.from(s)
  if (typeof s !== 'string') throw new TypeError('expected base64 string or byte array')
  return new Uint8Array(Buffer.from(s, 'base64'))
}

// Encodes a Yjs value (as found in toJSON() output or item contents) as tagged JSON.
// `deep` renders nested shared types as deep views instead of their toJSON().
export const encodeValue = (Y, v, deep = false) => {
  if (v === undefined || v === null) return null
  if (v instanceof Uint8Array) return { $bytes: toB64(v) }
  if (typeof v === 'bigint') return { $bigint: v.toString() }
  if (typeof v === 'number') return Number.isFinite(v) ? v : { $number: String(v) }
  if (typeof v === 'string' || typeof v === 'boolean') return v
  if (v instanceof Y.AbstractType) return deep ? deepView(Y, v) : encodeValue(Y, v.toJSON(), false)
  if (Array.isArray(v)) return v.map((x) => encodeValue(Y, x, deep))
  if (typeof v === 'object') {
    const out = {}
    for (const k of Object.keys(v)) out[k] = encodeValue(Y, v[k], deep)
    return out
  }
  throw new TypeError(`cannot encode value of type ${typeof v}`)
}

// Rich-text delta of a Y.Text with embeds / embedded types encoded as deep views.
export const textDelta = (Y, ytext) =>
  ytext.toDelta().map((op) => {
    const insert = typeof op.insert === 'string' ? op.insert : encodeValue(Y, op.insert, true)
    const out = { insert }
    if (op.attributes && Object.keys(op.attributes).length > 0) {
      out.attributes = encodeValue(Y, op.attributes, true)
    }
    return out
  })

// Deep view of a shared type: every nested type rendered with its own kind (see header).
export const deepView = (Y, t) => {
  if (t instanceof Y.Text) return { $text: textDelta(Y, t) }
  if (t instanceof Y.Array) return { $array: t.toArray().map((x) => encodeValue(Y, x, true)) }
  if (t instanceof Y.Map) {
    const out = {}
    for (const k of [...t.keys()].sort()) out[k] = encodeValue(Y, t.get(k), true)
    return { $map: out }
  }
  throw new TypeError(`unsupported shared type ${t.constructor.name}`)
}

// Root accessor by kind name ("text" | "array" | "map").
export const getRoot = (doc, name, kind) => {
  if (kind === 'text') return doc.getText(name)
  if (kind === 'array') return doc.getArray(name)
  if (kind === 'map') return doc.getMap(name)
  throw new Error(`unknown root kind ${kind}`)
}

// View of named roots: {name: {kind, json, deep, string?, delta?}}.
// `json` follows toJSON() (text -> string), `deep` is deepView().
export const viewRoots = (Y, doc, roots) => {
  const out = {}
  for (const [name, kind] of Object.entries(roots)) {
    const t = getRoot(doc, name, kind)
    const entry = { kind, json: encodeValue(Y, t.toJSON(), false), deep: deepView(Y, t) }
    if (kind === 'text') {
      entry.string = t.toString()
      entry.delta = textDelta(Y, t)
    }
    out[name] = entry
  }
  return out
}
