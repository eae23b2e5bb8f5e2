// diamond-types (npm diamond-types-node, wasm) as its README shows it: a Doc
// (oplog + checkout) edited with doc.ins/doc.del (code-point positions),
// doc.toBytes() / Doc.fromBytes(), doc.getPatchSince(version) and
// doc.mergeBytes() for exchanging changes. It has text only: no arrays/maps.

import dt from 'diamond-types-node';

const { Doc } = dt;

export const name = 'diamond-types';
export const unit = 'codepoint';
export const nativeFormat = 'diamond-types oplog bytes (doc.toBytes)';

// Agent names order concurrent inserts; zero-pad so they sort like the ids.
const agentOf = (id) => `agent${String(id).padStart(8, '0')}`;

class DiamondDoc {
  constructor(doc) {
    this.doc = doc;
    this.inTxn = false;
    this.cb = null;
    this.version = null;
  }

  begin() {
    if (this.cb) this.version = this.doc.getLocalVersion();
  }

  end() {
    if (this.cb) this.cb(this.doc.getPatchSince(this.version));
  }

  edit(pos, del, ins) {
    this.begin();
    if (del > 0) this.doc.del(pos, del);
    if (ins.length > 0) this.doc.ins(pos, ins);
    this.end();
  }

  transact(fn) {
    if (this.inTxn) {
      fn();
      return;
    }
    this.inTxn = true;
    this.begin();
    try {
      fn();
    } finally {
      this.inTxn = false;
      this.end();
    }
  }

  ins(pos, s) {
    if (this.inTxn) this.doc.ins(pos, s);
    else this.edit(pos, 0, s);
  }

  del(pos, n) {
    if (this.inTxn) this.doc.del(pos, n);
    else this.edit(pos, n, '');
  }

  free() {
    this.doc.free();
  }

  text() {
    return this.doc.get();
  }

  encode() {
    return this.doc.toBytes();
  }

  onLocal(cb) {
    this.cb = cb;
  }

  apply(bytes) {
    this.doc.mergeBytes(bytes);
  }

  applyMany(list) {
    for (const b of list) this.doc.mergeBytes(b);
  }
}

export function createPeers(ids) {
  return ids.map((id) => new DiamondDoc(new Doc(agentOf(id))));
}

export function load(bytes) {
  return new DiamondDoc(Doc.fromBytes(bytes, 'loader'));
}
