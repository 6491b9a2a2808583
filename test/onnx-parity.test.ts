/**
 * ONNX export against the native model, run in onnxruntime-node.
 * Oracle: flowcast's native predict (and the TS pipeline for prices).
 * Tolerance 1e-5 absolute on network outputs: both sides compute in float32,
 * but onnxruntime sums the gate GEMMs in another order and uses its own
 * sigmoid/tanh (flowcast's vectorized ones are within 8.9e-8 of libm); those
 * rounding differences, propagated through up to 64 recurrent steps of
 * bounded activations, stay around 1e-7..1e-6, so 1e-5 leaves a margin while
 * any real mismatch (a wrong gate, bias or transpose) is off by 1e-2 or more.
 */
import t from 'tap';
import * as ort from 'onnxruntime-node';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCsv } from '../lib/data/csv.js';
import { Series } from '../lib/data/series.js';
import { ForecastPipeline } from '../lib/data/pipeline.js';
import { sequential, type Sequential } from '../lib/model/sequential.js';
import { dense, lstm, type LayerConfig, type DenseActivation } from '../lib/model/layers.js';
import { onnxModel } from '../lib/onnx/export.js';
import { OnnxForecaster } from '../lib/onnx/forecaster.js';
import type { Tensor } from '../lib/core/tensor.js';
import { maxAbsDiff, rng, uniform } from './helpers/random.js';

const ATOL = 1e-5;

function randomTensor(seed: number, shape: number[]): Tensor {
  return { data: new Float32Array(uniform(rng(seed), shape.reduce((a, b) => a * b, 1), -1, 1)), shape };
}

/** Random weights in a wider range than the initializer, so every gate matters. */
function randomizeWeights(model: Sequential, seed: number): void {
  const rand = rng(seed);
  const w = model.getWeights();
  for (const k of Object.keys(w)) w[k] = new Float32Array(uniform(rand, w[k]!.length, -0.6, 0.6));
  model.setWeights(w);
}

interface Case {
  name: string;
  features: number;
  steps: number;
  batch: number;
  layers: LayerConfig[];
}

const cases: Case[] = [
  { name: 'book shape, units 100', features: 1, steps: 10, batch: 100, layers: [lstm(100, { returnSequences: true }), lstm(100), dense(1, { activation: 'tanh' })] },
  { name: 'one unit, one step, batch 1', features: 1, steps: 1, batch: 1, layers: [lstm(1)] },
  { name: '3 LSTM layers, odd sizes', features: 8, steps: 64, batch: 257, layers: [lstm(17, { returnSequences: true }), lstm(3, { returnSequences: true }), lstm(33), dense(4, { activation: 'sigmoid' })] },
  { name: 'units 128, relu and linear heads', features: 5, steps: 23, batch: 7, layers: [lstm(128), dense(9, { activation: 'relu' }), dense(2)] },
  { name: 'sequence output with a Dense per step', features: 3, steps: 12, batch: 31, layers: [lstm(20, { returnSequences: true }), dense(2, { activation: 'tanh' as DenseActivation })] },
];

t.test('parity: onnxruntime equals native predict on random models', async (t) => {
  for (const [i, c] of cases.entries()) {
    const model = sequential({ inputShape: [c.steps, c.features], layers: c.layers, seed: 10 + i });
    randomizeWeights(model, 100 + i);
    const x = randomTensor(200 + i, [c.batch, c.steps, c.features]);
    const native = await model.predict(x, { batchSize: 64 });
    const forecaster = await OnnxForecaster.load(onnxModel(model).bytes);
    const onnx = await forecaster.predict(x);
    t.same(onnx.shape, native.shape, `${c.name}: shape`);
    const d = maxAbsDiff(onnx.data, native.data);
    t.ok(d.max <= ATOL, `${c.name}: max |onnx - native| = ${d.max.toExponential(2)} <= ${ATOL}`);
    await forecaster.dispose();
    model.dispose();
  }
});

t.test('dynamic axes: any batch and window length run', async (t) => {
  // Oracle: a native model with the same weights built for the other window length.
  const model = sequential({ inputShape: [10, 2], layers: [lstm(6, { returnSequences: true }), lstm(5), dense(1)], seed: 4 });
  randomizeWeights(model, 5);
  const forecaster = await OnnxForecaster.load(onnxModel(model).bytes);
  for (const [steps, batch] of [[3, 1], [41, 13]] as const) {
    const other = sequential({ inputShape: [steps, 2], layers: model.config.layers, seed: 4 });
    other.setWeights(model.getWeights());
    const x = randomTensor(steps * batch, [batch, steps, 2]);
    const d = maxAbsDiff((await forecaster.predict(x)).data, (await other.predict(x)).data);
    t.ok(d.max <= ATOL, `window ${steps}, batch ${batch}: max diff ${d.max.toExponential(2)}`);
    other.dispose();
  }
  await forecaster.dispose();
  model.dispose();
});

t.test('stateful parity: chunks through the state I/O equal the native stateful model', async (t) => {
  // Oracle: the native stateful model, which carries (h, c) from one predict batch to the next.
  const B = 5;
  const T = 8;
  const chunks = 4;
  const layers = [lstm(12, { returnSequences: true, stateful: true }), lstm(7, { stateful: true }), dense(1, { activation: 'tanh' as const })];
  const model = sequential({ inputShape: [T, 1], layers, seed: 8 });
  randomizeWeights(model, 9);
  const { bytes, signature } = onnxModel(model, { state: true });
  t.same(
    signature.state.map((s) => [s.hIn, s.cIn, s.hOut, s.cOut]),
    [['h_in.0', 'c_in.0', 'h_out.0', 'c_out.0'], ['h_in.1', 'c_in.1', 'h_out.1', 'c_out.1']],
    'state values are named per layer',
  );
  const session = await ort.InferenceSession.create(bytes, { logSeverityLevel: 3 });
  const state: Record<string, Float32Array> = {};
  for (const s of signature.state) state[s.hIn] = state[s.cIn] = new Float32Array(B * s.units);
  let worst = 0;
  for (let k = 0; k < chunks; k++) {
    const x = randomTensor(50 + k, [B, T, 1]);
    const native = await model.predict(x, { batchSize: B });
    const feeds: Record<string, ort.Tensor> = { window: new ort.Tensor('float32', x.data, x.shape) };
    for (const s of signature.state) {
      feeds[s.hIn] = new ort.Tensor('float32', state[s.hIn]!, [B, s.units]);
      feeds[s.cIn] = new ort.Tensor('float32', state[s.cIn]!, [B, s.units]);
    }
    const out = await session.run(feeds);
    for (const s of signature.state) {
      state[s.hIn] = out[s.hOut]!.data as Float32Array;
      state[s.cIn] = out[s.cOut]!.data as Float32Array;
    }
    worst = Math.max(worst, maxAbsDiff(out.forecast!.data as Float32Array, native.data).max);
  }
  t.ok(worst <= ATOL, `${chunks} chunks of ${T} steps: max diff ${worst.toExponential(2)}`);
  const nativeState = model.getStates();
  for (const s of signature.state) {
    const ns = nativeState.find((n) => n.layer === s.layer)!;
    t.ok(maxAbsDiff(state[s.hIn]!, ns.h).max <= ATOL && maxAbsDiff(state[s.cIn]!, ns.c).max <= ATOL, `final (h, c) of layer ${s.layer} agree`);
  }
  await session.release();
  model.dispose();
});

const fixture = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'btc_2017-01-01_03.csv');
const series = Series.fromTable(parseCsv(readFileSync(fixture)), { time: 'Timestamp', timeUnit: 's', values: ['Close'] });
const train = series.slice('2017-01-01', '2017-01-02', { bounds: '(]' }).values('Close');
const test = series.slice('2017-01-02', '2017-01-03', { bounds: '(]' }).values('Close');

t.test('pipeline parity: prices through the graph equal TS pipeline + native model, in dollars', async (t) => {
  // Oracle: ForecastPipeline.windows -> native predict -> toLevels (float64 TS).
  // Tolerance 1e-4 USD: the graph differences and scales in float64 exactly as
  // the TS pipeline does, so the network sees the same float32 inputs; the
  // remaining difference is the network's float32 rounding (<= 1e-6 scaled)
  // times the unscaling factor (here about 26 USD per scaled unit).
  const lags = 10;
  const pipeline = new ForecastPipeline({ lags }).fit(train);
  const model = sequential({ inputShape: [lags, 1], layers: [lstm(16, { returnSequences: true }), lstm(16), dense(1, { activation: 'tanh' })], seed: 2 });
  randomizeWeights(model, 3);
  model.pipeline = pipeline.toJSON();
  const w = pipeline.windows(test);
  const scaled = await model.predict(w.x, { batchSize: 128 });
  const expected = pipeline.toLevels(scaled.data, test, w.targetIndex);
  // Full windows only: target t needs levels t-lags-1 .. t-1.
  const first = lags + 1;
  const n = test.length - first;
  const levels = new Float64Array(n * (lags + 1));
  for (let i = 0; i < n; i++) for (let j = 0; j <= lags; j++) levels[i * (lags + 1) + j] = test[first + i - lags - 1 + j]!;
  const { bytes, metadata } = onnxModel(model, { pipeline: true });
  const forecaster = await OnnxForecaster.load(bytes);
  const got = await forecaster.predict({ data: levels, shape: [n, lags + 1] });
  t.ok(got.data instanceof Float64Array, 'levels come back as float64');
  t.same(got.shape, [n, 1]);
  const d = maxAbsDiff(got.data, expected.subarray(first));
  t.ok(d.max <= 1e-4, `${n} windows of real BTC prices (2017-01-02): max |onnx - TS| = ${d.max.toExponential(2)} USD`);
  t.equal(metadata['flowcast.lags'], '10');
  t.same(JSON.parse(metadata['flowcast.scaler']!), pipeline.scaler.toJSON(), 'scaler constants are in the metadata');
  await forecaster.dispose();
  model.dispose();
});
