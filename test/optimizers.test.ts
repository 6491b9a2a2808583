/**
 * Optimizers and gradient clipping against torch.optim: 5 steps on the
 * 'small' golden model and batch (scripts/gen-golden-optimizers.py, torch
 * in float64), comparing the loss before every step and the weights after
 * the fifth.
 * Tolerance |flowcast - torch| <= 1e-5 + 1e-4 |torch|, as in
 * model-golden.test.ts: float32 gradients are within ~1e-6 of torch's, and
 * 5 steps at these learning rates move weights by 1e-3..1e-1, so rounding
 * stays far below the tolerance while a wrong rule (momentum order, where
 * epsilon sits, decay coupled or not, a missed clip) is off by 1e-3 or more.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { adam, adamW, checkOptimizerConfig, rmsprop, sgd } from '../lib/model/optimizers.js';
import { firstMismatch } from './helpers/random.js';
import { goldenModel, loadGolden } from './helpers/golden.js';

const ATOL = 1e-5;
const RTOL = 1e-4;

const dir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'golden');
const traj = JSON.parse(readFileSync(join(dir, 'optimizers.json'), 'utf8')) as {
  runs: { name: string; config: Record<string, unknown>; losses: number[] }[];
  steps: number;
};
const raw = readFileSync(join(dir, 'optimizers.f64'));
const all = new Float64Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
const index = JSON.parse(readFileSync(join(dir, 'optimizers.json'), 'utf8')).tensors as Record<string, { offset: number; length: number }>;
const tensor = (name: string) => all.subarray(index[name]!.offset, index[name]!.offset + index[name]!.length);

const g = loadGolden('small');
const { B, T, F } = g.meta.config;

for (const run of traj.runs) {
  t.test(`${run.name} matches torch.optim over ${traj.steps} steps`, async (t) => {
    const model = goldenModel(g);
    t.teardown(() => model.dispose());
    model.compile({ optimizer: checkOptimizerConfig('optimizer', run.config) });
    const x = { data: new Float32Array(g.tensor('input')), shape: [B, T, F] };
    const y = { data: new Float32Array(g.tensor('target')), shape: [B, ...model.outputShape] };
    // One batch per epoch: epoch k's loss is the loss before step k.
    const history = await model.fit(x, y, { batchSize: B, epochs: traj.steps, shuffle: false });
    t.equal(firstMismatch(history.loss, run.losses, ATOL, RTOL), null, `losses ${history.loss.map((l) => l.toPrecision(6))}`);
    const w = model.getWeights();
    for (const p of Object.keys(w)) {
      t.equal(firstMismatch(w[p]!, tensor(`${run.name}.${p}`), ATOL, RTOL), null, `${p} after ${traj.steps} steps`);
    }
  });
}

t.test('optimizer options: defaults and clear errors', async (t) => {
  t.same(sgd(), { type: 'sgd', learningRate: 0.01, momentum: 0, nesterov: false, weightDecay: 0 });
  t.same(rmsprop(), { type: 'rmsprop', learningRate: 0.01, alpha: 0.99, epsilon: 1e-8, momentum: 0, centered: false, weightDecay: 0 });
  t.same(adamW(), { type: 'adamw', learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.01 });
  t.same(adam({ clipNorm: 1 }).clipNorm, 1);
  t.throws(() => sgd({ nesterov: true }), { name: 'InvalidArgumentError', message: /momentum > 0 with nesterov/ });
  t.throws(() => sgd({ momentum: 1 }), { name: 'InvalidArgumentError', message: /options.momentum/ });
  t.throws(() => rmsprop({ alpha: -0.1 }), { name: 'InvalidArgumentError', message: /options.alpha/ });
  t.throws(() => adamW({ weightDecay: -1 }), { name: 'InvalidArgumentError', message: /options.weightDecay/ });
  t.throws(() => adam({ clipNorm: 0 }), { name: 'InvalidArgumentError', message: /options.clipNorm/ });
  t.throws(() => sgd({ clipValue: NaN }), { name: 'InvalidArgumentError', message: /options.clipValue/ });
  t.throws(() => checkOptimizerConfig('optimizer', { type: 'adagrad' }), { name: 'InvalidArgumentError', message: /optimizer.type/ });
});

t.test('a diverging step writes nothing, whatever the optimizer', async (t) => {
  // Oracle: the weights before the failing fit. A learning rate of 1e30 makes
  // the first SGD update overflow to infinity.
  const model = goldenModel(g);
  t.teardown(() => model.dispose());
  const before = model.getWeights();
  model.compile({ optimizer: sgd({ learningRate: 1e38, momentum: 0.5 }) });
  const x = { data: new Float32Array(g.tensor('input')).map((v) => v * 1e4), shape: [B, T, F] };
  const y = { data: new Float32Array(g.tensor('target')).map((v) => v * 1e30), shape: [B, ...model.outputShape] };
  await t.rejects(model.fit(x, y, { batchSize: B, epochs: 1 }), { name: 'NativeError', status: 'FC_STATUS_NON_FINITE' });
  t.same(model.getWeights(), before, 'weights unchanged');
});
