// The JSON-lines request loop shared by the interop helper processes (yjs_peer.mjs,
// sync_peer.mjs, ws_clients.mjs, sim_yjs_peer.mjs).
//
// One JSON request per line on stdin, one JSON response per line on stdout, in request order:
//   request:  {"id": <any>, "cmd": "<name>", ...arguments}
//   response: {"id": <same>, "ok": true, "result": <handler's return value>}
//          or {"id": <same>, "ok": false, "error": "<message>", ...}
// Blank lines are skipped. A line that is not JSON is answered with id null; a missing id is
// answered as null. After a successful `shutdown` the reply is flushed and the process exits 0.
// Handlers are synchronous: each reply is written before the next line is read.
// `need` and `named` read a handler's arguments, throwing the usual error replies.

import { createInterface } from 'node:readline'

// Argument `key` of request `req`; throws when it is missing.
export const need = (req, key) => {
  if (req[key] === undefined) throw new Error(`missing argument "${key}"`)
  return req[key]
}

// The entry of `map` named by argument `key` of `req` (a `noun` in the error when none is).
export const named = (map, req, key, noun = key) => {
  const entry = map.get(need(req, key))
  if (!entry) throw new Error(`no ${noun} named ${JSON.stringify(req[key])}`)
  return entry
}

// Error reply fields for a handler that threw: its message, plus its JS stack.
const messageAndStack = (e) => ({
  error: String(e && e.message ? e.message : e),
  stack: e && e.stack
})

// Returns the reply object for one request line.
const reply = (handlers, errorFields, line) => {
  let req
  try {
    req = JSON.parse(line)
  } catch (e) {
    return { id: null, ok: false, error: `bad JSON request: ${e.message}` }
  }
  const id = req.id ?? null
  const h = Object.hasOwn(handlers, req.cmd) ? handlers[req.cmd] : null
  if (!h) return { id, ok: false, error: `unknown command ${JSON.stringify(req.cmd)}` }
  try {
    return { id, ok: true, result: h(req) }
  } catch (e) {
    return { id, ok: false, ...errorFields(e) }
  }
}

// Serves `handlers` ({cmd: (req) => result}) over stdin/stdout until stdin closes.
//   onClose:     called when stdin ends (default: end stdout, so the process exits once idle)
//   errorFields: (thrown) -> the fields of an error reply (default: {error: message, stack})
export const serveJsonLines = (handlers, {
  onClose = () => process.stdout.end(),
  errorFields = messageAndStack
} = {}) => {
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity })
  rl.on('line', (line) => {
    if (line.trim() === '') return
    const res = reply(handlers, errorFields, line)
    const done = res.ok && JSON.parse(line).cmd === 'shutdown'
    process.stdout.write(JSON.stringify(res) + '\n', done ? () => process.exit(0) : undefined)
  })
  rl.on('close', onClose)
}
