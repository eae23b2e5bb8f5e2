// Library adapters: one module per library, loaded on demand so that a
// library that fails to install or load only fails its own measurements.
//
// Every adapter module exports:
//   name, pkg                  library name and npm package
//   unit                       'utf16' or 'codepoint': the index unit of its text API
//   nativeFormat               what encode() produces (e.g. 'Yjs update v1')
//   createPeers(ids)           one fresh document per client id (ids are 1, 2, ...);
//                              they share their root objects, so they can exchange updates
//   load(bytes)                a fresh document loaded from encode() output
// and each document offers:
//   edit(pos, del, ins)        one transaction: delete `del` units at pos, then insert `ins`
//   transact(fn)               runs fn inside one transaction; inside, ins(pos, s)/del(pos, n)
//   ins(pos, s), del(pos, n)   raw text edits (inside transact) or one transaction each
//   text()                     the current text
//   encode()                   the whole document in the library's native format
//   onLocal(cb)                cb(bytes) after each local transaction (only once registered)
//   apply(bytes)               integrate a remote update (does not call onLocal callbacks)
//   applyMany(list)            integrate several updates, in one transaction where possible
//   free()                     (wasm libraries) release the document's wasm memory; optional
// optional (B3 and array benchmarks): arrInsert(i, values), arrJson(), mapSet(k, v), mapJson()

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const nodeModules = path.resolve(here, '..', '..', 'node_modules');

const modules = {
  yjs: './yjs.mjs',
  'yjs-cjs': './yjs-cjs.mjs',
  ywasm: './ywasm.mjs',
  automerge: './automerge.mjs',
  loro: './loro.mjs',
  'json-joy': './jsonjoy.mjs',
  'diamond-types': './diamond.mjs',
};

export const LIBS = Object.keys(modules);

const packages = {
  yjs: 'yjs',
  'yjs-cjs': 'yjs',
  ywasm: 'ywasm',
  automerge: '@automerge/automerge',
  loro: 'loro-crdt',
  'json-joy': 'json-joy',
  'diamond-types': 'diamond-types-node',
};

// Installed version of a library's npm package, or null.
export function packageVersion(lib) {
  const pkg = packages[lib];
  if (!pkg) return null;
  try {
    const json = JSON.parse(fs.readFileSync(path.join(nodeModules, pkg, 'package.json'), 'utf8'));
    return json.version;
  } catch {
    return null;
  }
}

// Imports the adapter for `lib`. Throws an Error whose message starts with
// "not installable:" when the package cannot be loaded.
export async function loadAdapter(lib) {
  const mod = modules[lib];
  if (!mod) throw new Error(`unknown lib "${lib}" (known: ${LIBS.join(', ')})`);
  if (packageVersion(lib) == null) {
    throw new Error(`not installable: npm package ${packages[lib]} is missing; run npm ci in bench/js`);
  }
  try {
    return await import(mod);
  } catch (e) {
    throw new Error(`not installable: ${packages[lib]} failed to load on node ${process.version}: ${e.message}`);
  }
}
