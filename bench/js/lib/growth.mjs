// B4xK with checkpoints, the source of the growth_history curves: K passes
// of a sequential trace into one document, each pass typing its text in front
// of the previous ones, so the result is endContent repeated K times (as the
// C++ and Python runners do for b4x10).
//
// Checkpoints: after 10 %, 20 %, ... 100 % of the first pass, then at the end
// of every later pass (9 + K of them). At each one the clock is paused while
// the memory is read (memNow(): global.gc(), then process.memoryUsage()),
// and { patches, ms, mem_bytes } is recorded: patches applied so far, the
// timed ms so far (checkpoint reads excluded), and the memory held since
// before the document was made. They are returned as extra.checkpoints;
// ms and mem_bytes of the result are those of the last checkpoint.
//
// Unlike replay, no budget applies: the orchestrator's per-call timeout
// bounds a run. The forced GC at a checkpoint shrinks V8's young
// generation, so the patches after it pay for regrowing it; that is a few
// ms per checkpoint against seconds per pass.

import { now, memNow, memDelta } from './measure.mjs';
import { patchesFor, checkText, warmUp } from './sequential.mjs';

// Documents kept alive until exit, so that the collector cannot free one
// before its last memory reading.
const keep = [];

// Slices of the first pass that get a checkpoint each.
export const FIRST_PASS_SLICES = 10;

// The patch counts (cumulative over passes) after which a checkpoint is
// taken: floor(perPass * s / 10) for s = 1..10, then perPass * k for k = 2..passes.
export function checkpointCounts(perPass, passes) {
  const counts = [];
  for (let s = 1; s <= FIRST_PASS_SLICES; s++) {
    counts.push(Math.floor((perPass * s) / FIRST_PASS_SLICES));
  }
  for (let k = 2; k <= passes; k++) counts.push(perPass * k);
  return counts;
}

// b4xK: `passes` replays of the sequential input into one document, every
// patch its own transaction, with checkpoints.
export function replayPasses(adapter, input, passes) {
  const patches = patchesFor(adapter, input);
  const n = patches.length;
  const m0 = memNow(); // before the warm-up, as in replay()
  warmUp(adapter, patches, false);
  const [doc] = adapter.createPeers([1]);
  const checkpoints = [];
  let ms = 0;
  let done = 0;
  for (const count of checkpointCounts(n, passes)) {
    const base = Math.floor(done / n) * n; // start of the pass this segment is in
    const from = done - base;
    const to = count - base;
    const t0 = now();
    for (let i = from; i < to; i++) {
      const p = patches[i];
      doc.edit(p[0], p[1], p[2]);
    }
    ms += now() - t0;
    done = count;
    const memBytes = memDelta(m0, memNow());
    checkpoints.push({ patches: count, ms: Math.round(ms * 1000) / 1000, mem_bytes: memBytes });
  }
  keep.push(doc);
  const error = checkText('replayed', doc.text(), input.expected.repeat(passes));
  const bytes = error ? null : doc.encode().length;
  return {
    ok: !error,
    ms,
    ops: n * passes,
    bytes,
    mem_bytes: checkpoints[checkpoints.length - 1].mem_bytes,
    error,
    extra: { checkpoints },
  };
}
