// Yjs through its CommonJS build (dist/yjs.cjs, what `require('yjs')` loads),
// driven exactly as yjs.mjs drives the ES module build. A variant of the yjs
// row, not planned by default: `bench/run.py --libs yjs-cjs` measures it.

import { createRequire } from 'node:module';
import { yjsAdapter } from './yjs_common.mjs';

const Y = createRequire(import.meta.url)('yjs');

export const { name, unit, nativeFormat, createPeers, load } = yjsAdapter(Y, 'yjs-cjs');
