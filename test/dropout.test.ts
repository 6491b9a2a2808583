/**
 * Dropout layers: active in training only. Oracles: the same network without
 * the dropout layers (identical at inference; different in training, where
 * masks zero values), repeated runs (same seed, same masks, same weights),
 * and onnxruntime (dropout exports as nothing). Gradients through dropout
 * are checked against finite differences in model-gradients.test.ts.
 */
import t from 'tap';
import { sequential, type Sequential } from '../lib/model/sequential.js';
import { dense, dropout, lstm } from '../lib/model/layers.js';
import { onnxModel } from '../lib/onnx/export.js';
import { OnnxForecaster } from '../lib/onnx/forecaster.js';
import { maxAbsDiff, rng, uniform } from './helpers/random.js';

const rand = rng(17);
const x = { data: new Float32Array(uniform(rand, 40 * 5 * 2, -1, 1)), shape: [40, 5, 2] };
const y = { data: new Float32Array(uniform(rand, 40, -0.5, 0.5)), shape: [40, 1] };

function withDropout(seed = 3): Sequential {
  return sequential({ inputShape: [5, 2], layers: [lstm(8, { returnSequences: true }), dropout(0.4), lstm(6), dropout(0.4), dense(1)], seed });
}
function plainTwin(of: Sequential): Sequential {
  const m = sequential({ inputShape: [5, 2], layers: [lstm(8, { returnSequences: true }), lstm(6), dense(1)], seed: 3 });
  m._setFlatParams(of._flatParams()); // dropout has no parameters: same flat buffer
  return m;
}

t.test('inference ignores dropout; training applies it', async (t) => {
  const a = withDropout();
  const b = plainTwin(a);
  t.same((await a.predict(x)).data, (await b.predict(x)).data, 'predict: identical to the network without dropout');
  t.same(await a.evaluate(x, y), await b.evaluate(x, y), 'evaluate too');
  a.compile();
  b.compile();
  const la = await a.lossAndGradients(x, y);
  const lb = await b.lossAndGradients(x, y);
  t.not(la.loss, lb.loss, `training-mode loss differs (${la.loss} vs ${lb.loss}): masks are applied`);
  t.same((await a.lossAndGradients(x, y)).loss, la.loss, 'the same masks on every lossAndGradients call');
  t.match(a.summary(), /dropout\(0\.4\)\s+\[b, 5, 8\]\s+0/);
  for (const m of [a, b]) m.dispose();
});

t.test('dropout training is deterministic for a seed and differs across seeds', async (t) => {
  const run = async (seed: number) => {
    const m = withDropout(seed);
    m.compile();
    await m.fit(x, y, { batchSize: 8, epochs: 2 });
    const w = m.getWeights();
    m.dispose();
    return w;
  };
  t.same(await run(3), await run(3), 'same seed: identical weights');
  t.not(JSON.stringify(Array.from((await run(4))['layers.4.weight']!)), JSON.stringify(Array.from((await run(3))['layers.4.weight']!)));
});

t.test('ONNX export skips dropout (inference identity)', async (t) => {
  const m = withDropout();
  const f = await OnnxForecaster.load(onnxModel(m, { allowUntrained: true }).bytes);
  const d = maxAbsDiff((await f.predict(x)).data, (await m.predict(x)).data);
  t.ok(d.max <= 1e-5, `onnxruntime vs native ${d.max.toExponential(2)}`);
  await f.dispose();
  m.dispose();
});

t.test('dropout: clear errors', async (t) => {
  t.throws(() => dropout(1), { name: 'InvalidArgumentError', message: /rate/ });
  t.throws(() => dropout(-0.1), { name: 'InvalidArgumentError', message: /rate/ });
  t.throws(() => sequential({ inputShape: [5, 2], layers: [lstm(3), dense(1), dropout(0.1)] }), { name: 'InvalidArgumentError', message: /dropout goes between layers/ });
  t.throws(() => sequential({ inputShape: [5, 2], layers: [dropout(0.1), lstm(3)] }), { name: 'InvalidArgumentError', message: /recurrent layer \(lstm\(\), gru\(\) or simpleRnn\(\)\) first/ });
  t.throws(() => sequential({ inputShape: [5, 2], layers: [lstm(3), { type: 'dropout', rate: 2 } as never, dense(1)] }), { name: 'InvalidArgumentError', message: /config.layers\[1\].rate/ });
});
