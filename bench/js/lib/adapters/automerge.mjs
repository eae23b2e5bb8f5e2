// Automerge 3 (npm @automerge/automerge) as its docs show it: immutable
// documents changed with Automerge.change(), text edited with
// Automerge.splice(), Automerge.save()/load(), and per-change exchange with
// getLastLocalChange()/applyChanges(). Strings index UTF-16 code units.

import * as A from '@automerge/automerge';

export const name = 'automerge';
export const unit = 'utf16';
export const nativeFormat = 'Automerge document (Automerge.save)';

const PATH = ['text'];

// Automerge actor ids are hex strings; client id 1 -> "01", 2 -> "02", ...
const actorOf = (id) => {
  const hex = id.toString(16);
  return hex.length % 2 ? `0${hex}` : hex;
};

class AutomergeDoc {
  constructor(doc) {
    this.doc = doc;
    this.draft = null;
    this.cb = null;
  }

  commit(next) {
    if (next === this.doc) return;
    this.doc = next;
    if (this.cb) this.cb(A.getLastLocalChange(next));
  }

  edit(pos, del, ins) {
    this.commit(A.change(this.doc, (d) => {
      A.splice(d, PATH, pos, del, ins);
    }));
  }

  transact(fn) {
    if (this.draft) {
      fn();
      return;
    }
    const next = A.change(this.doc, (d) => {
      this.draft = d;
      try {
        fn();
      } finally {
        this.draft = null;
      }
    });
    this.commit(next);
  }

  ins(pos, s) {
    if (this.draft) A.splice(this.draft, PATH, pos, 0, s);
    else this.edit(pos, 0, s);
  }

  del(pos, n) {
    if (this.draft) A.splice(this.draft, PATH, pos, n);
    else this.edit(pos, n, '');
  }

  free() {
    A.free(this.doc);
  }

  text() {
    return this.doc.text;
  }

  encode() {
    return A.save(this.doc);
  }

  onLocal(cb) {
    this.cb = cb;
  }

  apply(bytes) {
    [this.doc] = A.applyChanges(this.doc, [bytes]);
  }

  applyMany(list) {
    [this.doc] = A.applyChanges(this.doc, list);
  }

  arrInsert(i, values) {
    if (!this.draft) {
      this.transact(() => this.arrInsert(i, values));
      return;
    }
    A.insertAt(this.draft.array, i, ...values);
  }

  arrJson() {
    return A.toJS(this.doc).array;
  }

  mapSet(k, v) {
    if (!this.draft) {
      this.transact(() => this.mapSet(k, v));
      return;
    }
    this.draft.map[k] = v;
  }

  mapJson() {
    return A.toJS(this.doc).map;
  }
}

// All peers start from one base document (actor "00") holding the root
// objects, so that they edit the same text/array/map objects.
export function createPeers(ids) {
  const base = A.from({ text: '', array: [], map: {} }, { actor: '00' });
  const bytes = A.save(base);
  return ids.map((id) => new AutomergeDoc(A.load(bytes, { actor: actorOf(id) })));
}

export function load(bytes) {
  return new AutomergeDoc(A.load(bytes, { actor: 'ff' }));
}
