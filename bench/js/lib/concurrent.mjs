// The concurrent workload: one document per agent (client id = agent + 1).
// Before agent a makes txn i, a receives every txn of i's causal past that it
// lacks, in index order (a txn's parents always have smaller indices, so
// index order is causal). Each txn is one local transaction whose update is
// kept for delivery. At the end every document receives what it lacks, and
// all must equal endContent. Timed: the whole exchange. bytes: size of the
// final document's native encoding (not timed). Warm figure (warm.mjs): the
// whole exchange repeated with fresh documents, every repeat checked.

import { now } from './measure.mjs';
import { hasAstral } from './traces.mjs';
import { checkText, budget, overBudget, withWarm } from './sequential.mjs';
import { BudgetExceeded } from './warm.mjs';

export function concurrent(adapter, input) {
  const { txns, numAgents } = input;
  if (adapter.unit === 'utf16') {
    for (const t of txns) {
      if (hasAstral(t.patches)) {
        return { ok: false, error: 'unsupported: non-BMP text in a concurrent trace (no UTF-16 conversion)' };
      }
    }
  }
  for (let i = 0; i < txns.length; i++) {
    const t = txns[i];
    if (!(t.agent >= 0 && t.agent < numAgents)) throw new Error(`txn ${i}: bad agent ${t.agent}`);
    for (const p of t.parents) if (!(p >= 0 && p < i)) throw new Error(`txn ${i}: parent ${p} is not earlier`);
  }
  const first = exchange(adapter, input);
  if (first.over) return { ok: false, error: first.error };
  const { ms, error, bytes, updateBytes } = first;
  const ops = txns.reduce((n, t) => n + t.patches.length, 0);
  const res = { ok: !error, ms, ops, bytes, error, extra: { txns: txns.length, agents: numAgents, update_bytes: updateBytes } };
  return withWarm(res, (i) => {
    const again = exchange(adapter, input);
    if (again.over) throw new BudgetExceeded(again.error);
    if (again.error) throw new Error(`${again.error} (warm repeat ${i + 1})`);
    return again.ms;
  });
}

// One timed exchange with fresh documents: { ms, error, bytes, updateBytes, over }.
function exchange(adapter, input) {
  const { txns, numAgents, expected } = input;
  const ids = Array.from({ length: numAgents }, (_, a) => a + 1);
  const docs = adapter.createPeers(ids);
  const updates = new Array(txns.length);
  let current = -1;
  let updateBytes = 0;
  for (const d of docs) {
    d.onLocal((u) => {
      updates[current] = u;
      updateBytes += u.length;
    });
  }
  const known = docs.map(() => new Uint8Array(txns.length));

  // Delivers to agent a everything reachable from `roots` that it lacks.
  const deliver = (a, roots) => {
    const have = known[a];
    const stack = roots.slice();
    const todo = [];
    while (stack.length > 0) {
      const j = stack.pop();
      if (have[j]) continue;
      have[j] = 1;
      todo.push(j);
      for (const p of txns[j].parents) if (!have[p]) stack.push(p);
    }
    todo.sort((x, y) => x - y);
    const doc = docs[a];
    for (const j of todo) if (updates[j] !== undefined) doc.apply(updates[j]);
  };

  const t0 = now();
  for (let i = 0; i < txns.length; i++) {
    const t = txns[i];
    deliver(t.agent, t.parents);
    const doc = docs[t.agent];
    const { patches } = t;
    current = i;
    doc.transact(() => {
      for (const [pos, del, ins] of patches) {
        if (del > 0) doc.del(pos, del);
        if (ins.length > 0) doc.ins(pos, ins);
      }
    });
    known[t.agent][i] = 1;
    if ((i & 1023) === 1023 && now() - t0 > budget.ms) {
      docs.forEach((d) => d.free?.());
      return { over: true, error: overBudget(i + 1, txns.length, 'txns').error };
    }
  }
  current = -1;
  const all = Array.from({ length: txns.length }, (_, i) => i);
  for (let a = 0; a < numAgents; a++) deliver(a, all);
  const ms = now() - t0;

  let error = null;
  for (let a = 0; a < numAgents && !error; a++) error = checkText(`agent ${a}`, docs[a].text(), expected);
  const bytes = error ? null : docs[0].encode().length;
  docs.forEach((d) => d.free?.());
  return { ms, error, bytes, updateBytes, over: false };
}
