// Loro (npm loro-crdt) as its README shows it: LoroDoc, doc.getText(),
// text.insert/delete (UTF-16 indices), doc.commit() ends a transaction,
// export({mode: 'snapshot'}) / LoroDoc.fromSnapshot, and
// subscribeLocalUpdates() + import() for exchanging updates.

import { LoroDoc } from 'loro-crdt';

export const name = 'loro';
export const unit = 'utf16';
export const nativeFormat = "Loro snapshot (export({mode: 'snapshot'}))";

class LoroWrap {
  constructor(doc) {
    this.doc = doc;
    this.ltext = doc.getText('text');
    this.llist = null;
    this.lmap = null;
    this.inTxn = false;
  }

  edit(pos, del, ins) {
    if (del > 0) this.ltext.delete(pos, del);
    if (ins.length > 0) this.ltext.insert(pos, ins);
    this.doc.commit();
  }

  transact(fn) {
    if (this.inTxn) {
      fn();
      return;
    }
    this.inTxn = true;
    try {
      fn();
    } finally {
      this.inTxn = false;
      this.doc.commit();
    }
  }

  ins(pos, s) {
    this.ltext.insert(pos, s);
    if (!this.inTxn) this.doc.commit();
  }

  del(pos, n) {
    this.ltext.delete(pos, n);
    if (!this.inTxn) this.doc.commit();
  }

  free() {
    this.doc.free();
  }

  text() {
    return this.ltext.toString();
  }

  encode() {
    return this.doc.export({ mode: 'snapshot' });
  }

  onLocal(cb) {
    // Called synchronously by commit() with the new local changes.
    this.doc.subscribeLocalUpdates(cb);
  }

  apply(bytes) {
    this.doc.import(bytes);
  }

  applyMany(list) {
    this.doc.importBatch(list);
  }

  arrInsert(i, values) {
    const list = (this.llist ??= this.doc.getList('array'));
    for (let k = 0; k < values.length; k++) list.insert(i + k, values[k]);
    if (!this.inTxn) this.doc.commit();
  }

  arrJson() {
    return (this.llist ??= this.doc.getList('array')).toJSON();
  }

  mapSet(k, v) {
    (this.lmap ??= this.doc.getMap('map')).set(k, v);
    if (!this.inTxn) this.doc.commit();
  }

  mapJson() {
    return (this.lmap ??= this.doc.getMap('map')).toJSON();
  }
}

export function createPeers(ids) {
  return ids.map((id) => {
    const doc = new LoroDoc();
    doc.setPeerId(id);
    return new LoroWrap(doc);
  });
}

export function load(bytes) {
  return new LoroWrap(LoroDoc.fromSnapshot(bytes));
}
