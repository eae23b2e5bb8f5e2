// Yjs (npm yjs) as its README shows it: Y.Doc, doc.getText(), doc.transact(),
// Y.encodeStateAsUpdate / Y.applyUpdate, the doc 'update' event.

import * as Y from 'yjs';
import { yjsAdapter } from './yjs_common.mjs';

export const { name, unit, nativeFormat, createPeers, load } = yjsAdapter(Y, 'yjs');
