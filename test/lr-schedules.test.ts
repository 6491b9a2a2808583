/**
 * Learning-rate schedules. Oracles: the torch.optim.lr_scheduler / Keras
 * formulas written out here, and a run whose rate is changed by hand between
 * fit() calls (the schedule must give bitwise the same weights, which shows
 * the native rate really changed and the optimizer state was kept).
 */
import t from 'tap';
import { sequential, type Sequential } from '../lib/model/sequential.js';
import { dense, lstm } from '../lib/model/layers.js';
import { adam, sgd } from '../lib/model/optimizers.js';
import { cosineDecay, exponentialDecay, reduceLrOnPlateau, stepDecay } from '../lib/model/callbacks/lr-schedules.js';
import type { Callback, EpochLogs } from '../lib/model/callbacks/types.js';
import { rng, uniform } from './helpers/random.js';

const rand = rng(31);
const x = { data: new Float32Array(uniform(rand, 16 * 4, -1, 1)), shape: [16, 4, 1] };
const y = { data: new Float32Array(uniform(rand, 16, -0.5, 0.5)), shape: [16, 1] };

function model(lr = 0.01): Sequential {
  const m = sequential({ inputShape: [4, 1], layers: [lstm(5), dense(1)], seed: 3 });
  m.compile({ optimizer: adam({ learningRate: lr }) });
  return m;
}

function rates(): { cb: Callback; seen: number[] } {
  const seen: number[] = [];
  return { seen, cb: { onEpochEnd: (_e: number, l: EpochLogs) => void seen.push(l.learningRate) } };
}

t.test('stepDecay changes the native rate and keeps the optimizer state', async (t) => {
  const a = model();
  const r = rates();
  await a.fit(x, y, { batchSize: 16, epochs: 4, shuffle: false, callbacks: [stepDecay({ stepSize: 2, gamma: 0.5 }), r.cb] });
  t.same(r.seen, [0.01, 0.01, 0.005, 0.005], 'lr0 * 0.5^floor(epoch / 2)');
  const b = model();
  await b.fit(x, y, { batchSize: 16, epochs: 2, shuffle: false });
  b.learningRate = 0.005;
  await b.fit(x, y, { batchSize: 16, epochs: 2, shuffle: false });
  t.same(a.getWeights(), b.getWeights(), 'same weights as changing the rate by hand between fits');
  const c = model();
  await c.fit(x, y, { batchSize: 16, epochs: 4, shuffle: false });
  t.not(JSON.stringify(Array.from(c.getWeights()['layers.0.weight_hh']!)), JSON.stringify(Array.from(a.getWeights()['layers.0.weight_hh']!)), 'and different from no schedule');
  for (const m of [a, b, c]) m.dispose();
});

t.test('exponentialDecay and cosineDecay follow their formulas', async (t) => {
  const m = model(0.02);
  const e = rates();
  await m.fit(x, y, { batchSize: 16, epochs: 3, callbacks: [exponentialDecay({ gamma: 0.9 }), e.cb] });
  t.same(e.seen, [0.02, 0.02 * 0.9, 0.02 * 0.9 ** 2]);
  const m2 = model(0.02);
  const c = rates();
  await m2.fit(x, y, { batchSize: 16, epochs: 5, callbacks: [cosineDecay({ epochs: 4, minLearningRate: 0.001 }), c.cb] });
  const cos = (k: number) => 0.001 + ((0.02 - 0.001) * (1 + Math.cos((Math.PI * Math.min(k, 4)) / 4))) / 2;
  t.same(c.seen, [0, 1, 2, 3, 4].map(cos), 'eta_min + (lr0 - eta_min)(1 + cos(pi t / T)) / 2, held at eta_min after T');
  m.dispose();
  m2.dispose();
});

t.test('reduceLrOnPlateau: Keras rule on a scripted curve', async (t) => {
  const fake = { learningRate: 0.1 };
  const cb = reduceLrOnPlateau({ monitor: 'loss', factor: 0.5, patience: 2, cooldown: 1, minDelta: 0, minLearningRate: 0.02 });
  cb.onTrainBegin!({ model: fake as unknown as Sequential, epochs: 9, initialEpoch: 0, samples: 1, validationSamples: 0, batchSize: 1, batchesPerEpoch: 1 });
  const curve = [1, 0.9, 0.9, 0.95, 0.9, 0.9, 0.9, 0.8, 0.85, 0.85, 0.85, 0.85];
  const lrs: number[] = [];
  curve.forEach((loss, epoch) => {
    cb.onEpochEnd!(epoch, { loss, seconds: 1, samplesPerSecond: 1, learningRate: fake.learningRate });
    lrs.push(fake.learningRate);
  });
  // Epochs 2, 3 do not improve on 0.9: reduce after epoch 3 (wait reaches 2).
  // Epoch 4 ends the 1-epoch cooldown (wait reset, then counted: Keras counts
  // the epoch the cooldown ends in), epoch 5 makes 2: reduce to 0.025. Epoch 6
  // cools down, 0.8 improves at 7, epochs 8, 9 make 2: 0.0125 is below the
  // floor, so 0.02; at epoch 11 the floor leaves nothing to reduce.
  t.same(lrs, [0.1, 0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.025, 0.025, 0.02, 0.02, 0.02]);
  t.same(cb.reductions, [3, 5, 9]);
});

t.test('schedules and learningRate: clear errors', async (t) => {
  const m = sequential({ inputShape: [4, 1], layers: [lstm(2), dense(1)], seed: 1 });
  t.throws(() => m.learningRate, { name: 'StateError', message: /compile/ });
  m.compile({ optimizer: sgd({ learningRate: 0.1 }) });
  t.equal(m.learningRate, 0.1);
  t.throws(() => (m.learningRate = 0), { name: 'InvalidArgumentError', message: /learningRate/ });
  t.throws(() => stepDecay({ stepSize: 0 }), { name: 'InvalidArgumentError', message: /options.stepSize/ });
  t.throws(() => exponentialDecay({ gamma: 1.5 }), { name: 'InvalidArgumentError', message: /options.gamma/ });
  t.throws(() => cosineDecay({ epochs: 10, minLearningRate: -1 }), { name: 'InvalidArgumentError', message: /options.minLearningRate/ });
  t.throws(() => reduceLrOnPlateau({ factor: 1 }), { name: 'InvalidArgumentError', message: /options.factor/ });
  m.dispose();
  t.throws(() => (m.learningRate = 0.1), { name: 'DisposedError' });
});
