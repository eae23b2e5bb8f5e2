// The Yjs adapter, given the Yjs module: yjs.mjs passes the ES module build
// (`import`, what the suite measures), yjs-cjs.mjs the CommonJS one (`require`).

export function yjsAdapter(Y, name) {
  const REMOTE = Symbol('remote');

  class YjsDoc {
    constructor(doc) {
      this.doc = doc;
      this.ytext = doc.getText('text');
      this.yarray = null;
      this.ymap = null;
    }

    edit(pos, del, ins) {
      const { ytext } = this;
      this.doc.transact(() => {
        if (del > 0) ytext.delete(pos, del);
        if (ins.length > 0) ytext.insert(pos, ins);
      });
    }

    transact(fn) {
      this.doc.transact(fn);
    }

    ins(pos, s) {
      this.ytext.insert(pos, s);
    }

    del(pos, n) {
      this.ytext.delete(pos, n);
    }

    text() {
      return this.ytext.toString();
    }

    encode() {
      return Y.encodeStateAsUpdate(this.doc);
    }

    onLocal(cb) {
      this.doc.on('update', (update, origin) => {
        if (origin !== REMOTE) cb(update);
      });
    }

    apply(bytes) {
      Y.applyUpdate(this.doc, bytes, REMOTE);
    }

    applyMany(list) {
      this.doc.transact(() => {
        for (const u of list) Y.applyUpdate(this.doc, u, REMOTE);
      }, REMOTE);
    }

    arrInsert(i, values) {
      (this.yarray ??= this.doc.getArray('array')).insert(i, values);
    }

    arrJson() {
      return (this.yarray ??= this.doc.getArray('array')).toJSON();
    }

    mapSet(k, v) {
      (this.ymap ??= this.doc.getMap('map')).set(k, v);
    }

    mapJson() {
      return (this.ymap ??= this.doc.getMap('map')).toJSON();
    }
  }

  function createPeers(ids) {
    return ids.map((id) => {
      const doc = new Y.Doc();
      doc.clientID = id;
      return new YjsDoc(doc);
    });
  }

  function load(bytes) {
    const doc = new Y.Doc();
    doc.clientID = 0x7fffffff;
    Y.applyUpdate(doc, bytes);
    return new YjsDoc(doc);
  }

  return { name, unit: 'utf16', nativeFormat: 'Yjs update v1 (Y.encodeStateAsUpdate)', createPeers, load };
}
