// A Yjs document for tests/interop/test_cli_yjs.py (crdtcore inspect on real Yjs bytes):
// prints its v1 and v2 updates, state vector (base64) and each root's toJSON().
import * as Y from 'yjs'
const doc = new Y.Doc()
doc.clientID = 42
const text = doc.getText('text')
text.insert(0, 'hello world')
text.format(0, 5, { bold: true })
const map = doc.getMap('map')
map.set('k', 1)
map.set('nested', new Y.Array())
map.get('nested').insert(0, ['a', 2.5, true, null])
const arr = doc.getArray('list')
arr.insert(0, [1, 'x', { o: [1, 2] }, new Uint8Array([1, 2])])
const gone = doc.getText('deleted_only') // no live content: its type cannot be inferred
gone.insert(0, 'ab')
gone.delete(0, 2)
arr.delete(1, 1)
const b64 = (u) => Buffer.from(u).toString('base64')
console.log(JSON.stringify({
  v1: b64(Y.encodeStateAsUpdate(doc)),
  v2: b64(Y.encodeStateAsUpdateV2(doc)),
  state: b64(Y.encodeStateVector(doc)),
  json: { text: text.toJSON(), deleted_only: gone.toJSON(), map: map.toJSON(), list: arr.toJSON().map(v => v instanceof Uint8Array ? { $bytes: b64(v) } : v) },
}))
