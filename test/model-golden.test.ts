/**
 * The float32 training path against PyTorch (torch.nn.LSTM + nn.Linear in
 * float64, autograd, and Keras's Adam formula written out on torch tensors),
 * from the committed fixtures of scripts/gen-golden-lstm.py.
 *
 * Tolerance for every comparison: |flowcast - torch| <= 1e-5 + 1e-4 |torch|.
 * Why: flowcast computes in float32 (unit roundoff 6e-8); the book case sums
 * 100-term dot products over 10 recurrent steps, so a few 1e-6 of absolute
 * error is expected and 1e-5 leaves headroom without hiding a wrong gate, a
 * wrong layout or a missing term (those give errors of order 1e-2 or more).
 * Adam after 3 steps at lr 0.01 moves weights by ~0.03; float32 gradient
 * errors change a step by < 1e-6, so the same tolerance holds.
 * On every compute backend (test/helpers/backends.ts).
 */
import t from 'tap';
import type { Sequential } from '../lib/model/sequential.js';
import { adam } from '../lib/model/optimizers.js';
import { firstMismatch } from './helpers/random.js';
import { goldenModel as build, loadGolden, type GoldenFixture } from './helpers/golden.js';
import { testEachBackend } from './helpers/backends.js';

const ATOL = 1e-5;
const RTOL = 1e-4;

function setInitialState(model: Sequential, g: GoldenFixture): void {
  const B = g.meta.config.B;
  model.setStates(
    [0, 1].map((k) => ({ layer: k, h: new Float32Array(g.tensor(`h0.${k}`)), c: new Float32Array(g.tensor(`c0.${k}`)), rows: B })),
  );
}

for (const name of ['small', 'book', 'stateful']) {
  testEachBackend(`golden '${name}' vs PyTorch`, {}, async (t) => {
    const g = loadGolden(name);
    const { B, T, F } = g.meta.config;
    const model = build(g);
    t.teardown(() => model.dispose());
    const x = { data: new Float32Array(g.tensor('input')), shape: [B, T, F] };
    const y = { data: new Float32Array(g.tensor('target')), shape: [B, ...model.outputShape] };
    if (g.meta.stateful) setInitialState(model, g);

    const { loss, gradients } = await model.lossAndGradients(x, y);
    t.ok(Math.abs(loss - g.meta.loss) <= ATOL + RTOL * g.meta.loss, `loss ${loss} vs torch ${g.meta.loss}`);
    for (const p of Object.keys(gradients)) {
      t.equal(firstMismatch(gradients[p]!, g.tensor(`grad.${p}`), ATOL, RTOL), null, `grad ${p} (atol ${ATOL}, rtol ${RTOL})`);
    }

    const out = await model.predict(x, { batchSize: B });
    t.equal(firstMismatch(out.data, g.tensor('output'), ATOL, RTOL), null, 'forward output');
    if (g.meta.stateful) {
      const states = model.getStates();
      for (const k of [0, 1]) {
        t.equal(firstMismatch(states[k]!.h, g.tensor(`hn.${k}`), ATOL, RTOL), null, `final h of layer ${k} (state carried out of predict)`);
        t.equal(firstMismatch(states[k]!.c, g.tensor(`cn.${k}`), ATOL, RTOL), null, `final c of layer ${k}`);
      }
    } else {
      // Stateless: 3 Keras-Adam steps on the same batch (1 batch per epoch).
      const a = g.meta.adam;
      model.compile({ optimizer: adam({ learningRate: a.learningRate, beta1: a.beta1, beta2: a.beta2, epsilon: a.epsilon }), loss: 'mse' });
      const history = await model.fit(x, y, { batchSize: B, epochs: a.steps, shuffle: false });
      t.equal(firstMismatch(history.loss, a.losses, ATOL, RTOL), null, `loss before each Adam step ${history.loss} vs torch ${a.losses}`);
      const w = model.getWeights();
      for (const p of Object.keys(w)) {
        t.equal(firstMismatch(w[p]!, g.tensor(`adam3.${p}`), ATOL, RTOL), null, `weights after 3 Adam steps: ${p}`);
      }
    }
  });
}
