/**
 * Streaming inference: the native model.stream() and OnnxForecaster.step().
 * Oracles: batch predict() on the same windows (stepping a window's values
 * one at a time from a reset stream is the same recurrence), the native
 * stateful model over consecutive chunks, and a stream resumed from a saved
 * state against the uninterrupted stream (bitwise: same kernels, same inputs).
 * Native stream vs batch predict: atol 1e-6 (the same kernels, but batch
 * predict hoists the input projection over all steps: another summation
 * grouping in float32). ONNX vs native: atol 1e-5 (see onnx-parity.test.ts).
 */
import t from 'tap';
import { ForecastPipeline } from '../lib/data/pipeline.js';
import { sequential, type Sequential } from '../lib/model/sequential.js';
import { dense, lstm } from '../lib/model/layers.js';
import { onnxModel } from '../lib/onnx/export.js';
import { OnnxForecaster } from '../lib/onnx/forecaster.js';
import { maxAbsDiff, rng, uniform } from './helpers/random.js';

function model(opts: { stateful?: boolean; features?: number; steps?: number; out?: number } = {}): Sequential {
  const m = sequential({
    inputShape: [opts.steps ?? 6, opts.features ?? 1],
    layers: [lstm(9, { returnSequences: true, stateful: opts.stateful }), lstm(7, { stateful: opts.stateful }), dense(opts.out ?? 1, { activation: 'tanh' })],
    seed: 21,
  });
  const rand = rng(22);
  const w = m.getWeights();
  for (const k of Object.keys(w)) w[k] = new Float32Array(uniform(rand, w[k]!.length, -0.5, 0.5));
  m.setWeights(w);
  return m;
}

t.test('native stream: stepping each window from a reset stream equals predict on the windows', async (t) => {
  const T = 6;
  const F = 2;
  const B = 3;
  const m = model({ features: F, steps: T, out: 2 });
  const x = new Float32Array(uniform(rng(5), B * T * F, -1, 1));
  const batch = await m.predict({ data: x, shape: [B, T, F] });
  const s = m.stream({ series: B });
  // All B windows stepped together as B series: step t feeds x[b, t, :] for every b.
  let last: Float32Array | Float64Array = new Float32Array(0);
  for (let step = 0; step < T; step++) {
    const values = new Float32Array(B * F);
    for (let b = 0; b < B; b++) values.set(x.subarray((b * T + step) * F, (b * T + step + 1) * F), b * F);
    last = s.step(values);
  }
  t.equal(s.batch, B);
  const d = maxAbsDiff(last, batch.data);
  t.ok(d.max <= 1e-6, `max |stream - predict| = ${d.max.toExponential(2)}`);
  s.dispose();
  m.dispose();
});

t.test('native stream over a long series equals the stateful model over consecutive chunks', async (t) => {
  const T = 5;
  const chunks = 6;
  const stateful = model({ stateful: true, steps: T });
  const series = new Float32Array(uniform(rng(6), T * chunks, -1, 1));
  const s = stateful.stream();
  let worst = 0;
  for (let k = 0; k < chunks; k++) {
    const chunk = series.subarray(k * T, (k + 1) * T);
    const expected = (await stateful.predict({ data: chunk, shape: [1, T, 1] }, { batchSize: 1 })).data;
    let got: Float32Array | Float64Array = new Float32Array(0);
    for (const v of chunk) got = s.step([v]);
    worst = Math.max(worst, maxAbsDiff(got, expected).max);
  }
  t.ok(worst <= 1e-6, `${chunks * T} steps, ${chunks} chunk boundaries: max diff ${worst.toExponential(2)}`);
  s.dispose();
  stateful.dispose();
});

t.test('native stream: saved state resumes exactly; reset starts over', async (t) => {
  const m = model();
  const values = uniform(rng(7), 40, -1, 1);
  const a = m.stream({ series: 2 });
  for (let i = 0; i < 20; i++) a.step([values[i]!, -values[i]!]);
  const saved = JSON.parse(JSON.stringify(a.state));
  t.equal(saved.batch, 2);
  t.throws(() => (m.stream().state = saved), { name: 'InvalidArgumentError', message: /state.batch/ }, 'a 2-series state does not fit a 1-series stream');
  const b = m.stream({ series: 2 });
  b.state = saved;
  for (let i = 20; i < 40; i++) {
    const ya = a.step([values[i]!, -values[i]!]);
    const yb = b.step([values[i]!, -values[i]!]);
    if (maxAbsDiff(ya, yb).max !== 0) {
      t.fail(`step ${i}: resumed stream differs`);
      break;
    }
  }
  t.pass('20 steps after a JSON round trip of the state are bitwise identical');
  const fresh = m.stream({ series: 2 });
  a.reset();
  t.equal(a.batch, 0, 'reset: no state');
  t.same(Array.from(a.step([0.25, -0.25])), Array.from(fresh.step([0.25, -0.25])), 'after reset() the state is zero');
  t.throws(() => a.step([1]), { name: 'InvalidArgumentError', argument: 'values', message: /width 2 \(2 series x 1 feature;.* but received 1 values/ }, 'the width is fixed by the series option');
  t.throws(() => a.step([NaN]), { name: 'InvalidArgumentError', message: /values/ });
  t.throws(() => (b.state = { batch: 2, layers: [] }), { name: 'InvalidArgumentError', message: /state.layers/ });
  for (const s of [a, b, fresh]) s.dispose();
  t.throws(() => a.step([1]), { name: 'DisposedError' });
  m.dispose();
});

t.test('native stream with the pipeline: prices in, price forecasts out', async (t) => {
  // Oracle: the TS pipeline on the whole series + predict on zero-padded windows
  // (from the first price, a stream sees the same flows as the padded windows
  // see at their start only for the first `lags` rows; beyond, windows and the
  // stream differ in history length, so compare the first lags rows).
  const lags = 6;
  const prices = Array.from(uniform(rng(8), 30, 0, 1), (u, i) => 1000 + 10 * Math.sin(i / 3) + u);
  const pipeline = new ForecastPipeline({ lags }).fit(prices);
  const m = model({ steps: lags });
  const w = pipeline.windows(prices);
  const levels = pipeline.toLevels((await m.predict(w.x)).data, prices, w.targetIndex);
  const s = m.stream({ pipeline });
  // Window for target t = lags - 1 holds flows d_0..d_{lags-1} (d_0 = 0): stepping p_0..p_{lags-1}
  // gives the forecast for t = lags; compare with the window whose target is t = lags.
  let got: Float32Array | Float64Array = new Float64Array(0);
  for (let i = 0; i < lags; i++) got = s.step([prices[i]!]);
  t.ok(got instanceof Float64Array, 'levels are float64');
  t.ok(Math.abs(got[0]! - levels[lags]!) <= 1e-4, `forecast of p_${lags}: stream ${got[0]} vs windows ${levels[lags]} USD`);
  t.same(s.state.lastLevels, [prices[lags - 1]], 'the state carries the last price');
  s.dispose();
  t.throws(() => m.stream({ pipeline: true }), { name: 'StateError', message: /no fitted pipeline/ });
  t.throws(() => model({ features: 2 }).stream({ pipeline }), { name: 'InvalidArgumentError', message: /1 feature/ });
  m.dispose();
});

t.test('OnnxForecaster.step equals the native stream; its state resumes exactly', async (t) => {
  const m = model();
  const native = m.stream({ series: 3 });
  const f = await OnnxForecaster.load(onnxModel(m, { state: true }).bytes, { series: 3 });
  const values = uniform(rng(9), 60, -1, 1);
  let worst = 0;
  for (let i = 0; i < 20; i++) {
    const v = [values[3 * i]!, values[3 * i + 1]!, values[3 * i + 2]!];
    worst = Math.max(worst, maxAbsDiff(await f.step(v), native.step(v)).max);
  }
  t.ok(worst <= 1e-5, `20 steps of 3 series: max |onnx - native| = ${worst.toExponential(2)}`);
  const saved = JSON.parse(JSON.stringify(f.state));
  const g = await OnnxForecaster.load(onnxModel(m, { state: true }).bytes, { series: 3 });
  g.state = saved;
  const next = [0.1, 0.2, 0.3];
  t.same(Array.from(await g.step(next)), Array.from(await f.step(next)), 'resumed from saved state: identical');
  t.same(f.state.layers.map((l) => l.layer), [0, 1]);
  const stateless = await OnnxForecaster.load(onnxModel(m).bytes);
  await t.rejects(stateless.step([1]), { name: 'StateError', message: /state: true/ });
  for (const x of [f, g, stateless]) await x.dispose();
  await t.rejects(f.step([1]), { name: 'DisposedError' });
  native.dispose();
  m.dispose();
});

t.test('OnnxForecaster with pipeline and state: price steps equal the native pipeline stream', async (t) => {
  const lags = 5;
  const prices = Array.from(uniform(rng(10), 40, 0, 1), (u, i) => 2500 + 20 * Math.cos(i / 4) + 3 * u);
  const pipeline = new ForecastPipeline({ lags }).fit(prices.slice(0, 30));
  const m = model({ steps: lags });
  const native = m.stream({ pipeline });
  const f = await OnnxForecaster.load(onnxModel(m, { state: true, pipeline }).bytes);
  t.ok(f.pipeline);
  let worst = 0;
  for (const p of prices) worst = Math.max(worst, Math.abs((await f.step([p]))[0]! - native.step([p])[0]!));
  t.ok(worst <= 1e-3, `${prices.length} price steps: max |onnx - native| = ${worst.toExponential(2)} USD`);
  await f.dispose();
  native.dispose();
  m.dispose();
});

t.test('a step of the wrong width is an error naming the argument, the expected and the received width', async (t) => {
  const m = model(); // 1 feature
  t.teardown(() => m.dispose());
  const s = m.stream();
  t.equal(s.series, 1, 'one series by default');
  t.throws(() => s.step([1, 2, 3]), {
    name: 'InvalidArgumentError',
    argument: 'values',
    message: /^Expected values of width 1 \(1 series x 1 feature; the stream's series option sets the series\) but received 3 values$/,
  }, 'three values for a one-feature model are not three series');
  t.throws(() => s.step([]), { name: 'InvalidArgumentError', message: /width 1 .* received 0 values/ });
  t.equal(s.batch, 0, 'a refused step leaves no state');
  t.throws(() => s.step('1' as unknown as number[]), { name: 'InvalidArgumentError', message: /array of numbers of width 1/ });
  const three = m.stream({ series: 3 });
  t.equal(three.step([1, 2, 3]).length, 3, 'with series: 3, three values are one step of three series');
  t.throws(() => three.step([1, 2]), { name: 'InvalidArgumentError', message: /width 3 \(3 series x 1 feature;.*received 2 values/ });
  const two = model({ features: 2 }).stream();
  t.throws(() => two.step([1, 2, 3]), { name: 'InvalidArgumentError', message: /width 2 \(1 series x 2 features;.*received 3 values/ });
  for (const bad of [0, 1.5, -2, '2']) t.throws(() => m.stream({ series: bad as number }), { name: 'InvalidArgumentError', argument: 'options.series' }, `series ${String(bad)}`);
  const f = await OnnxForecaster.load(onnxModel(m, { state: true }).bytes);
  await t.rejects(f.step([1, 2, 3]), { name: 'InvalidArgumentError', argument: 'values', message: /width 1 \(1 series x 1 feature;.*received 3 values/ }, 'OnnxForecaster.step too');
  await t.rejects(OnnxForecaster.load(onnxModel(m, { state: true }).bytes, { series: 0 }), { name: 'InvalidArgumentError', argument: 'options.series' });
  for (const x of [s, three, two]) x.dispose();
  await f.dispose();
});
