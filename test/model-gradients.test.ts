/**
 * BPTT correctness.
 * Oracle 1: central finite differences of the float64 instantiation of the
 *   scalar reference core (binding().referenceLossAndGradients), eps = 1e-6.
 *   In float64 the truncation error is O(eps^2) ~ 1e-12 and the rounding error
 *   ~ 1e-16 / eps = 1e-10, so we require |fd - analytic| <= 1e-8 + 1e-6 |fd|.
 * Oracle 2: the float32 training path (model.lossAndGradients, active ISA)
 *   against that float64 analytic gradient at the same (float32-rounded)
 *   weights: float32 sums of at most a few hundred terms lose ~1e-6 relative,
 *   so we require |g32 - g64| <= 1e-6 + 1e-4 |g64|.
 * Every parameter of every case is checked, stateless and stateful, on
 * every compute backend (test/helpers/backends.ts).
 */
import t from 'tap';
import { binding, type NativeSpec } from '../lib/native/binding.js';
import { toNativeSpec } from '../lib/model/config.js';
import { sequential, type Sequential } from '../lib/model/sequential.js';
import { dense, dropout, gru, isRecurrent, lstm, simpleRnn, type LayerConfig } from '../lib/model/layers.js';
import { firstMismatch, rng, uniform } from './helpers/random.js';
import { testEachBackend } from './helpers/backends.js';

interface Case {
  name: string;
  steps: number;
  features: number;
  n: number;
  layers: LayerConfig[];
  stateful: boolean;
}

const cases: Case[] = [
  {
    name: '2-layer LSTM + Dense(tanh), stateless',
    steps: 4, features: 2, n: 3, stateful: false,
    layers: [lstm(3, { returnSequences: true }), lstm(4), dense(2, { activation: 'tanh' })],
  },
  {
    name: '2-layer LSTM + Dense(tanh), stateful with a nonzero carried state',
    steps: 5, features: 3, n: 2, stateful: true,
    layers: [lstm(4, { returnSequences: true, stateful: true }), lstm(3, { stateful: true }), dense(1, { activation: 'tanh' })],
  },
  {
    name: 'sequence output: LSTM(returnSequences) + Dense(linear) per step',
    steps: 3, features: 1, n: 2, stateful: false,
    layers: [lstm(3, { returnSequences: true }), dense(2)],
  },
  {
    name: 'GRU and simple RNN stacked on an LSTM, stateful',
    steps: 4, features: 2, n: 3, stateful: true,
    layers: [lstm(3, { returnSequences: true, stateful: true }), gru(4, { returnSequences: true, stateful: true }), simpleRnn(3, { stateful: true }), dense(2)],
  },
  {
    name: 'simple RNN with relu',
    steps: 4, features: 2, n: 3, stateful: false,
    layers: [simpleRnn(5, { returnSequences: true, activation: 'relu' }), simpleRnn(3, { activation: 'relu' }), dense(2)],
  },
  {
    name: 'hard-sigmoid gates (Keras 2)',
    steps: 4, features: 2, n: 3, stateful: false,
    layers: [lstm(4, { returnSequences: true, recurrentActivation: 'hard_sigmoid' }), lstm(3, { recurrentActivation: 'hard_sigmoid' }), dense(2)],
  },
  {
    name: 'dropout between the layers (training masks, fixed per call)',
    steps: 3, features: 2, n: 3, stateful: false,
    layers: [lstm(4, { returnSequences: true }), dropout(0.3), lstm(3), dropout(0.5), dense(2)],
  },
  {
    name: 'LSTM only, Dense(sigmoid) then Dense(relu)',
    steps: 3, features: 2, n: 4, stateful: false,
    layers: [lstm(5), dense(4, { activation: 'sigmoid' }), dense(2, { activation: 'relu' })],
  },
];

/** The oracle: (loss(p + eps e_i) - loss(p - eps e_i)) / (2 eps) for every parameter, eps = 1e-6. */
function centralDifferences(loss: (p: Float64Array) => number, params: Float64Array, eps = 1e-6): Float64Array {
  const p = Float64Array.from(params);
  const fd = new Float64Array(p.length);
  for (let i = 0; i < p.length; i++) {
    const v = p[i]!;
    p[i] = v + eps;
    const up = loss(p);
    p[i] = v - eps;
    const down = loss(p);
    p[i] = v;
    fd[i] = (up - down) / (2 * eps);
  }
  return fd;
}

function nativeSpec(model: Sequential): NativeSpec {
  return toNativeSpec(model.config.inputShape as [number, number], model.config.layers);
}

for (const c of cases) {
  testEachBackend(c.name, {}, async (t) => {
    const model = sequential({ inputShape: [c.steps, c.features], layers: c.layers, seed: 7 });
    t.teardown(() => model.dispose());
    const rand = rng(1234);
    // Float32-representable weights so both paths see identical parameters.
    const params = Float64Array.from(new Float32Array(uniform(rand, model.paramCount, -0.6, 0.6)));
    const outPer = model.outputShape.reduce((a, b) => a * b, 1);
    const x = Float64Array.from(new Float32Array(uniform(rand, c.n * c.steps * c.features, -1, 1)));
    const y = Float64Array.from(new Float32Array(uniform(rand, c.n * outPer, -0.9, 0.9)));
    const states = model.config.layers.map((l) =>
      isRecurrent(l) && c.stateful
        ? {
            h: Float64Array.from(new Float32Array(uniform(rand, c.n * l.units, -0.7, 0.7))),
            c: Float64Array.from(new Float32Array(uniform(rand, c.n * l.units, -1.5, 1.5))),
          }
        : null,
    );
    const spec = nativeSpec(model);
    // seed: the float32 model's, so dropout layers draw the same masks.
    const ref = binding().referenceLossAndGradients(spec, params, x, y, c.n, states, { seed: 7 });
    const loss = (p: Float64Array) => binding().referenceLossAndGradients(spec, p, x, y, c.n, states, { seed: 7 }).loss;

    const fd = centralDifferences(loss, params);
    const bad = firstMismatch(ref.gradients, fd, 1e-8, 1e-6);
    t.equal(bad, null, `float64 BPTT == central differences for all ${params.length} parameters (atol 1e-8, rtol 1e-6)`);
    t.ok(fd.some((g) => Math.abs(g) > 1e-3), 'the check is not vacuous: some gradients are large');

    // Float32 path at the same weights and state.
    const flat = new Float32Array(params);
    const weights: Record<string, Float32Array> = {};
    for (const e of model._layout()) weights[e.name] = flat.slice(e.offset, e.offset + e.length);
    model.setWeights(weights);
    if (c.stateful) {
      model.setStates(
        states.flatMap((s, k) => (s ? [{ layer: k, h: new Float32Array(s.h), c: new Float32Array(s.c), rows: c.n }] : [])),
      );
    }
    const before = model.getStates();
    const got = await model.lossAndGradients(
      { data: new Float32Array(x), shape: [c.n, c.steps, c.features] },
      { data: new Float32Array(y), shape: [c.n, ...model.outputShape] },
    );
    t.ok(Math.abs(got.loss - ref.loss) <= 1e-6 + 1e-5 * ref.loss, `float32 loss ${got.loss} == float64 loss ${ref.loss} (rtol 1e-5)`);
    const g32 = new Float64Array(params.length);
    for (const e of model._layout()) g32.set(got.gradients[e.name]!, e.offset);
    t.equal(firstMismatch(g32, ref.gradients, 1e-6, 1e-4), null, 'float32 gradients == float64 reference (atol 1e-6, rtol 1e-4)');
    const after = model.getStates();
    t.same(after, before, 'lossAndGradients leaves the stored state untouched');
  });
}

testEachBackend('MAE and Huber: float64 BPTT == central differences', {}, async (t) => {
  // Same oracle; targets spread so that Huber's two branches both occur (delta 0.3).
  const model = sequential({ inputShape: [4, 2], layers: [lstm(5, { returnSequences: true }), lstm(3), dense(3)], seed: 7 });
  t.teardown(() => model.dispose());
  const rand = rng(99);
  const n = 4;
  const params = Float64Array.from(new Float32Array(uniform(rand, model.paramCount, -0.6, 0.6)));
  const x = Float64Array.from(new Float32Array(uniform(rand, n * 8, -1, 1)));
  const y = Float64Array.from(new Float32Array(uniform(rand, n * 3, -0.9, 0.9)));
  const spec = nativeSpec(model);
  for (const options of [{ loss: 'mae' as const }, { loss: 'huber' as const, huberDelta: 0.3 }]) {
    const ref = binding().referenceLossAndGradients(spec, params, x, y, n, [], options);
    const errors = Array.from(ref.output, (o, i) => Math.abs(o - y[i]!));
    if (options.loss === 'huber') t.ok(errors.some((e) => e < 0.3) && errors.some((e) => e > 0.3), 'both Huber branches occur');
    t.ok(errors.every((e) => e > 1e-4), 'no |e| at a kink within the finite-difference step');
    const loss = (p: Float64Array) => binding().referenceLossAndGradients(spec, p, x, y, n, [], options).loss;
    const fd = centralDifferences(loss, params);
    t.equal(firstMismatch(ref.gradients, fd, 1e-8, 1e-6), null, `${options.loss}: all ${params.length} parameters (atol 1e-8, rtol 1e-6)`);
  }
});
