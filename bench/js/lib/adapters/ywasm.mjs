// ywasm (Yrs compiled to wasm) as its README and typings show it: YDoc,
// doc.getText(), doc.beginTransaction() released with txn.free(),
// encodeStateAsUpdate / applyUpdate, doc.onUpdate().

import * as Y from 'ywasm';

export const name = 'ywasm';
export const unit = 'utf16';
export const nativeFormat = 'Yjs update v1 (encodeStateAsUpdate)';

class YwasmDoc {
  constructor(doc) {
    this.doc = doc;
    // Root types are fetched up front: getArray/getMap while a transaction is
    // open panics in ywasm (it needs its own transaction).
    this.ytext = doc.getText('text');
    this.yarray = doc.getArray('array');
    this.ymap = doc.getMap('map');
    this.txn = undefined;
    this.applying = false;
    this.observers = [];
  }

  edit(pos, del, ins) {
    const txn = this.doc.beginTransaction();
    try {
      if (del > 0) this.ytext.delete(pos, del, txn);
      if (ins.length > 0) this.ytext.insert(pos, ins, undefined, txn);
    } finally {
      txn.free();
    }
  }

  transact(fn) {
    if (this.txn) {
      fn();
      return;
    }
    this.txn = this.doc.beginTransaction();
    try {
      fn();
    } finally {
      const txn = this.txn;
      this.txn = undefined;
      txn.free();
    }
  }

  ins(pos, s) {
    this.ytext.insert(pos, s, undefined, this.txn);
  }

  del(pos, n) {
    this.ytext.delete(pos, n, this.txn);
  }

  free() {
    for (const o of this.observers) o.free();
    this.observers = [];
    this.doc.free();
  }

  text() {
    return this.ytext.toString(undefined);
  }

  encode() {
    return Y.encodeStateAsUpdate(this.doc);
  }

  onLocal(cb) {
    // onUpdate also fires for remote updates: skip those while applying.
    this.observers.push(
      this.doc.onUpdate((update) => {
        if (!this.applying) cb(update);
      }),
    );
  }

  apply(bytes) {
    this.applying = true;
    try {
      Y.applyUpdate(this.doc, bytes, undefined);
    } finally {
      this.applying = false;
    }
  }

  applyMany(list) {
    this.applying = true;
    const txn = this.doc.beginTransaction();
    try {
      for (const u of list) txn.applyV1(u);
    } finally {
      txn.free();
      this.applying = false;
    }
  }

  arrInsert(i, values) {
    this.yarray.insert(i, values, this.txn);
  }

  arrJson() {
    return this.yarray.toJson(undefined);
  }

  mapSet(k, v) {
    this.ymap.set(k, v, this.txn);
  }

  mapJson() {
    return this.ymap.toJson(undefined);
  }
}

export function createPeers(ids) {
  return ids.map((id) => new YwasmDoc(new Y.YDoc({ clientID: id })));
}

export function load(bytes) {
  const d = new YwasmDoc(new Y.YDoc({ clientID: 0x7fffffff }));
  Y.applyUpdate(d.doc, bytes, undefined);
  return d;
}
