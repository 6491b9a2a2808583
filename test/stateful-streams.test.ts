/**
 * One long series as parallel streams for a stateful model.
 * Oracles: the layout written out by hand; and, for the stateful contract,
 * each stream stepped alone, one value at a time, through model.stream()
 * (batch 1): the stateful model over stream-ordered batches, ragged last
 * batch included, must give the same outputs (atol 1e-6: the same kernels,
 * with the input projection grouped per chunk vs per step).
 */
import t from 'tap';
import { reorder, restoreOrder, streamOrder } from '../lib/data/streams.js';
import { sequential } from '../lib/model/sequential.js';
import { dense, lstm } from '../lib/model/layers.js';
import { maxAbsDiff, rng, uniform } from './helpers/random.js';

t.test('streamOrder: contiguous segments, one sample of each per batch, nothing dropped', async (t) => {
  const s = streamOrder(10, 3);
  t.same(s.lengths, [4, 3, 3]);
  t.same(Array.from(s.order), [0, 4, 7, 1, 5, 8, 2, 6, 9, 3], 'batches [0 4 7] [1 5 8] [2 6 9] and a ragged [3]');
  t.equal(s.batchSize, 3);
  t.same(Array.from(streamOrder(6, 1).order), [0, 1, 2, 3, 4, 5]);
  const x = { data: Float32Array.from({ length: 20 }, (_, i) => i), shape: [10, 2] };
  t.same(restoreOrder(reorder(x, s.order), s.order), x, 'restoreOrder undoes reorder');
  t.throws(() => streamOrder(3, 4), { name: 'InvalidArgumentError', message: /streams <= n \(3\)/ });
  t.throws(() => streamOrder(3, 0), { name: 'InvalidArgumentError', message: /streams/ });
  t.throws(() => reorder(x, new Int32Array(3)), { name: 'InvalidArgumentError', message: /order/ });
});

t.test('a stateful model over stream-ordered chunks == each stream stepped alone', async (t) => {
  const T = 4;
  const chunks = 10;
  const series = new Float32Array(uniform(rng(3), chunks * T, -1, 1));
  // Non-overlapping chunks: sample j is series[j*T .. (j+1)*T).
  const x = { data: series, shape: [chunks, T, 1] };
  const model = sequential({ inputShape: [T, 1], layers: [lstm(6, { returnSequences: true, stateful: true }), lstm(5, { stateful: true }), dense(1)], seed: 2 });
  const { order, batchSize, lengths } = streamOrder(chunks, 3);
  const pred = restoreOrder(await model.predict(reorder(x, order), { batchSize }), order);

  let worst = 0;
  let start = 0;
  for (const len of lengths) {
    const s = model.stream(); // batch 1, its own state: a model trained stateful predicts at any batch size
    for (let j = start; j < start + len; j++) {
      let out: Float32Array | Float64Array = new Float32Array(0);
      for (let k = 0; k < T; k++) out = s.step([series[j * T + k]!]);
      worst = Math.max(worst, maxAbsDiff(out, pred.data.subarray(j, j + 1)).max);
    }
    s.dispose();
    start += len;
  }
  t.ok(worst <= 1e-6, `all ${chunks} chunks, ragged last batch included: max diff ${worst.toExponential(2)}`);
  model.dispose();
});
