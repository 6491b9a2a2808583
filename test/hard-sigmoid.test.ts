/**
 * LSTM with Keras 2's hard-sigmoid gates, clip(0.2 z + 0.5, 0, 1), against
 * the cell written out on torch tensors (float64 autograd,
 * scripts/gen-golden-hard-sigmoid.py; parameters scaled so gates are both
 * clipped and linear). The float64 reference core must match to 1e-10
 * relative; the float32 path within the golden tolerance 1e-5 + 1e-4 |torch|.
 * Also: onnxruntime runs the exported HardSigmoid gates (1e-5, as
 * onnx-parity.test.ts), and the option round-trips through save/load.
 */
import t from 'tap';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sequential } from '../lib/model/sequential.js';
import { dense, lstm } from '../lib/model/layers.js';
import { loadModel } from '../lib/model/load.js';
import { onnxModel } from '../lib/onnx/export.js';
import { OnnxForecaster } from '../lib/onnx/forecaster.js';
import { firstMismatch, maxAbsDiff } from './helpers/random.js';
import { float64Reference, loadGolden } from './helpers/golden.js';

const golden = loadGolden<{ loss: number }>('hard_sigmoid');
const { meta, tensor } = golden;
const small = loadGolden('small');
const { B, T, F } = small.meta.config;

function model() {
  const m = sequential({
    inputShape: [T, F],
    layers: [lstm(7, { returnSequences: true, recurrentActivation: 'hard_sigmoid' }), lstm(5, { recurrentActivation: 'hard_sigmoid' }), dense(2)],
    seed: 1,
  });
  const w: Record<string, Float32Array> = {};
  for (const name of Object.keys(m.parameterShapes)) w[name] = new Float32Array(tensor(`params.${name}`));
  m.setWeights(w);
  return m;
}

t.test('hard-sigmoid gates: loss and every gradient vs torch', async (t) => {
  const m = model();
  t.teardown(() => m.dispose());
  m.compile();
  const x = { data: new Float32Array(small.tensor('input')), shape: [B, T, F] };
  const y = { data: new Float32Array(small.tensor('target')), shape: [B, 2] };
  const { loss, gradients } = await m.lossAndGradients(x, y);
  t.ok(Math.abs(loss - meta.loss) <= 1e-5 + 1e-4 * meta.loss, `float32 loss ${loss} vs torch ${meta.loss}`);
  for (const p of Object.keys(gradients)) t.equal(firstMismatch(gradients[p]!, tensor(`grad.${p}`), 1e-5, 1e-4), null, `float32 grad ${p}`);
  t.equal(firstMismatch((await m.predict(x)).data, tensor('output'), 1e-5, 1e-4), null, 'forward output');

  const ref = float64Reference(m, golden, small.tensor('input'), small.tensor('target'), B);
  t.ok(Math.abs(ref.loss - meta.loss) <= 1e-10 * meta.loss, `float64 loss ${ref.loss}`);
  t.same(ref.mismatched, [], 'float64 gradients == torch autograd (atol 1e-12, rtol 1e-9)');
});

t.test('hard-sigmoid gates export to ONNX HardSigmoid and survive save/load', async (t) => {
  const m = model();
  t.teardown(() => m.dispose());
  const x = { data: new Float32Array(small.tensor('input')), shape: [B, T, F] };
  const f = await OnnxForecaster.load(onnxModel(m).bytes);
  const d = maxAbsDiff((await f.predict(x)).data, (await m.predict(x)).data);
  t.ok(d.max <= 1e-5, `onnxruntime vs native: ${d.max.toExponential(2)}`);
  await f.dispose();
  const path = join(mkdtempSync(join(tmpdir(), 'flowcast-hs-')), 'm.safetensors');
  await m.save(path);
  const loaded = await loadModel(path);
  t.equal(loaded.config.layers[0]!.type === 'lstm' && loaded.config.layers[0]!.recurrentActivation, 'hard_sigmoid');
  t.same((await loaded.predict(x)).data, (await m.predict(x)).data);
  loaded.dispose();
  t.throws(() => lstm(3, { recurrentActivation: 'relu' as 'sigmoid' }), { name: 'InvalidArgumentError', message: /options.recurrentActivation/ });
});
