// json-joy's JSON CRDT (npm json-joy) as its typings and spec show it: a
// Model created from a schema, text edited through model.api.str(path)
// ins/del (UTF-16 indices), model.api.transaction() + model.api.flush() to
// end a transaction as one Patch, model.toBinary() / Model.fromBinary(), and
// patch.toBinary() / Patch.fromBinary() + model.applyPatch() for exchange.

import { Model } from 'json-joy/lib/json-crdt/index.js';
import { Patch, s } from 'json-joy/lib/json-crdt-patch/index.js';

export const name = 'json-joy';
export const unit = 'utf16';
export const nativeFormat = 'json-joy structural binary (model.toBinary)';

// json-joy session ids must be >= 65536: client id 1 -> 65537, ...
const SID_BASE = 65536;

class JsonJoyDoc {
  constructor(model) {
    this.model = model;
    this.api = model.api;
    this.str = model.api.str(['text']);
    this.inTxn = false;
    this.cb = null;
  }

  // Ends a local transaction: the buffered operations become one Patch.
  flush() {
    const patch = this.api.flush();
    if (this.cb && patch.ops.length > 0) this.cb(patch.toBinary());
  }

  edit(pos, del, ins) {
    const { str } = this;
    this.api.transaction(() => {
      if (del > 0) str.del(pos, del);
      if (ins.length > 0) str.ins(pos, ins);
    });
    this.flush();
  }

  transact(fn) {
    if (this.inTxn) {
      fn();
      return;
    }
    this.inTxn = true;
    try {
      this.api.transaction(fn);
    } finally {
      this.inTxn = false;
      this.flush();
    }
  }

  ins(pos, s1) {
    this.str.ins(pos, s1);
    if (!this.inTxn) this.flush();
  }

  del(pos, n) {
    this.str.del(pos, n);
    if (!this.inTxn) this.flush();
  }

  text() {
    return this.str.view();
  }

  encode() {
    return this.model.toBinary();
  }

  onLocal(cb) {
    this.cb = cb;
  }

  apply(bytes) {
    this.model.applyPatch(Patch.fromBinary(bytes));
  }

  applyMany(list) {
    this.model.applyBatch(list.map((b) => Patch.fromBinary(b)));
  }

  arrInsert(i, values) {
    this.api.arr(['array']).ins(i, values);
    if (!this.inTxn) this.flush();
  }

  arrJson() {
    return this.api.arr(['array']).view();
  }

  mapSet(k, v) {
    this.api.obj(['map']).set({ [k]: v });
    if (!this.inTxn) this.flush();
  }

  mapJson() {
    return this.api.obj(['map']).view();
  }
}

const schema = () => s.obj({ text: s.str(''), array: s.arr([]), map: s.obj({}) });

// All peers fork one base model (session SID_BASE) that holds the root
// objects, so that they edit the same string/array/map nodes.
export function createPeers(ids) {
  const base = Model.create(schema(), SID_BASE);
  base.api.flush();
  return ids.map((id) => new JsonJoyDoc(base.fork(SID_BASE + id)));
}

export function load(bytes) {
  return new JsonJoyDoc(Model.fromBinary(bytes));
}
