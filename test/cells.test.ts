/**
 * GRU and simple-RNN (tanh and relu) layers against torch.nn.GRU / torch.nn.RNN (float64
 * autograd; scripts/gen-golden-cells.py) on the 'small' golden batch:
 * output, loss, every gradient and the final hidden states. The float64
 * reference core must match to 1e-10 relative; the float32 path within the
 * golden tolerance 1e-5 + 1e-4 |torch| (see model-golden.test.ts). Also:
 * stacking with LSTM, stateful carry-over, onnxruntime parity of the
 * exported GRU/RNN nodes (1e-5), and streams.
 */
import t from 'tap';
import { sequential, type Sequential } from '../lib/model/sequential.js';
import { dense, gru, lstm, simpleRnn } from '../lib/model/layers.js';
import { onnxModel } from '../lib/onnx/export.js';
import { OnnxForecaster } from '../lib/onnx/forecaster.js';
import { firstMismatch, maxAbsDiff, rng, uniform } from './helpers/random.js';
import { float64Reference, loadGolden } from './helpers/golden.js';

const small = loadGolden('small');
const { B, T, F } = small.meta.config;

for (const cell of ['gru', 'rnn', 'rnn_relu'] as const) {
  t.test(`${cell} vs torch.nn.${cell === 'gru' ? 'GRU' : 'RNN'}`, async (t) => {
    const golden = loadGolden<{ loss: number }>(cell);
    const { meta, tensor } = golden;
    const make = (units: number, o: { returnSequences?: boolean; stateful: boolean }) =>
      cell === 'gru' ? gru(units, o) : simpleRnn(units, { ...o, activation: cell === 'rnn_relu' ? 'relu' : 'tanh' });
    const model = sequential({ inputShape: [T, F], layers: [make(7, { returnSequences: true, stateful: true }), make(5, { stateful: true }), dense(2)], seed: 1 });
    t.teardown(() => model.dispose());
    const w: Record<string, Float32Array> = {};
    for (const n of Object.keys(model.parameterShapes)) {
      t.same(model.parameterShapes[n], golden.shape(`params.${n}`), `${n}: torch's shape`);
      w[n] = new Float32Array(tensor(`params.${n}`));
    }
    model.setWeights(w);
    model.compile();
    const x = { data: new Float32Array(small.tensor('input')), shape: [B, T, F] };
    const y = { data: new Float32Array(small.tensor('target')), shape: [B, 2] };
    const { loss, gradients } = await model.lossAndGradients(x, y);
    t.ok(Math.abs(loss - meta.loss) <= 1e-5 + 1e-4 * meta.loss, `float32 loss ${loss} vs torch ${meta.loss}`);
    for (const p of Object.keys(gradients)) t.equal(firstMismatch(gradients[p]!, tensor(`grad.${p}`), 1e-5, 1e-4), null, `float32 grad ${p}`);
    t.equal(firstMismatch((await model.predict(x, { batchSize: B })).data, tensor('output'), 1e-5, 1e-4), null, 'forward output');
    const states = model.getStates();
    t.equal(firstMismatch(states[0]!.h, tensor('hn.0'), 1e-5, 1e-4), null, 'final h of layer 0 (carried by the stateful predict)');
    t.equal(firstMismatch(states[1]!.h, tensor('hn.1'), 1e-5, 1e-4), null, 'final h of layer 1');
    t.ok(states[0]!.c.every((v) => v === 0), 'no cell state: c stays zero');

    const ref = float64Reference(model, golden, small.tensor('input'), small.tensor('target'), B);
    t.ok(Math.abs(ref.loss - meta.loss) <= 1e-10 * meta.loss, `float64 loss ${ref.loss}`);
    t.same(ref.mismatched, [], 'float64 gradients == torch autograd (atol 1e-12, rtol 1e-9)');
  });
}

function mixed(stateful = false): Sequential {
  return sequential({
    inputShape: [6, 3],
    layers: [lstm(5, { returnSequences: true, stateful }), gru(4, { returnSequences: true, stateful }), simpleRnn(3, { stateful, activation: 'relu' }), dense(2)],
    seed: 9,
  });
}

t.test('LSTM, GRU and RNN stacked: onnxruntime, streams and stateful carry-over agree', async (t) => {
  const x = { data: new Float32Array(uniform(rng(2), 8 * 18, -1, 1)), shape: [8, 6, 3] };
  const m = mixed();
  t.match(m.summary(), /gru\(4\)[\s\S]*simpleRnn\(3\)/);
  const f = await OnnxForecaster.load(onnxModel(m, { allowUntrained: true, state: true }).bytes);
  const native = await m.predict(x);
  t.ok(maxAbsDiff((await f.predict(x)).data, native.data).max <= 1e-5, 'onnxruntime (LSTM, GRU, RNN nodes) == native');
  t.same(f.signature.state.map((s) => [s.hIn, s.cIn]), [['h_in.0', 'c_in.0'], ['h_in.1', ''], ['h_in.2', '']], 'GRU and RNN carry h only');
  // A stream stepped through each window from a reset state == batch predict.
  const s = m.stream({ series: 8 });
  let last: Float32Array | Float64Array = new Float32Array(0);
  for (let k = 0; k < 6; k++) {
    const v = new Float32Array(8 * 3);
    for (let b = 0; b < 8; b++) v.set(x.data.subarray((b * 6 + k) * 3, (b * 6 + k + 1) * 3), b * 3);
    last = s.step(v);
  }
  t.ok(maxAbsDiff(last, native.data).max <= 1e-6, 'native stream == predict');
  const os = await OnnxForecaster.load(onnxModel(m, { allowUntrained: true, state: true }).bytes, { series: 8 });
  for (let k = 0; k < 6; k++) {
    const v = new Float32Array(8 * 3);
    for (let b = 0; b < 8; b++) v.set(x.data.subarray((b * 6 + k) * 3, (b * 6 + k + 1) * 3), b * 3);
    last = await os.step(v);
  }
  t.ok(maxAbsDiff(last, native.data).max <= 1e-5, 'onnxruntime stream == predict');
  t.same(os.state.layers[1]!.c, new Array(8 * 4).fill(0), 'GRU layers report zero cell state');
  s.dispose();
  for (const g of [f, os]) await g.dispose();

  // Stateful: two batches of 3 steps == one batch of the 6 steps, stateless.
  const sf = sequential({ inputShape: [3, 3], layers: mixed(true).config.layers, seed: 9 });
  sf.setWeights(m.getWeights());
  const first = { data: new Float32Array(8 * 9), shape: [8, 3, 3] };
  const second = { data: new Float32Array(8 * 9), shape: [8, 3, 3] };
  for (let b = 0; b < 8; b++) {
    first.data.set(x.data.subarray(b * 18, b * 18 + 9), b * 9);
    second.data.set(x.data.subarray(b * 18 + 9, b * 18 + 18), b * 9);
  }
  await sf.predict(first, { batchSize: 8 });
  t.ok(maxAbsDiff((await sf.predict(second, { batchSize: 8 })).data, native.data).max <= 1e-6, 'stateful carry-over through GRU and RNN');
  sf.dispose();
  m.dispose();
});

t.test('recurrent layer rules: clear errors', async (t) => {
  t.throws(() => sequential({ inputShape: [4, 1], layers: [gru(3), gru(2)] }), { name: 'InvalidArgumentError', message: /returnSequences: true for config.layers\[0\]/ });
  t.throws(() => sequential({ inputShape: [4, 1], layers: [dense(3), simpleRnn(2)] }), { name: 'InvalidArgumentError', message: /recurrent layer/ });
  t.throws(() => gru(0), { name: 'InvalidArgumentError', message: /units/ });
  t.throws(() => simpleRnn(3, { activation: 'sigmoid' as 'tanh' }), { name: 'InvalidArgumentError', message: /options.activation/ });
});
