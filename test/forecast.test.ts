/**
 * The forecasting pipeline and the evaluation against naive.
 * Oracles: exact algebra (scaled targets mapped back must give the observed
 * prices, to 1e-9 relative: float64 min-max scaling and one addition), and
 * independent re-computation of every reported metric from the raw prices.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCsv } from '../lib/data/csv.js';
import { Series } from '../lib/data/series.js';
import { ForecastPipeline } from '../lib/data/pipeline.js';
import { evaluateForecast } from '../lib/model/evaluate-forecast.js';
import { mae, rmse } from '../lib/stats/metrics.js';
import { sequential } from '../lib/model/sequential.js';
import { dense, lstm } from '../lib/model/layers.js';

const fixture = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'btc_2017-01-01_03.csv');
const series = Series.fromTable(parseCsv(readFileSync(fixture)), { time: 'Timestamp', timeUnit: 's', values: ['Close'] });
const train = series.slice('2017-01-01', '2017-01-02', { bounds: '(]' }).values('Close');
const test = series.slice('2017-01-02', '2017-01-03', { bounds: '(]' }).values('Close');

t.test('pipeline: windows and their exact inverse to prices', async (t) => {
  const p = new ForecastPipeline({ lags: 10 }).fit(train);
  const w = p.windows(test);
  t.same(w.x.shape, [test.length, 10, 1], 'one zero-padded window per row, as the book');
  t.equal(w.targetIndex[0], 0);
  const back = p.toLevels(Float64Array.from(p.transform(test)), test, w.targetIndex);
  t.ok(Number.isNaN(back[0]!), 'no previous price for the first row: NaN, not a guess');
  let worst = 0;
  for (let i = 1; i < test.length; i++) worst = Math.max(worst, Math.abs(back[i]! - test[i]!) / test[i]!);
  t.ok(worst < 1e-9, `true scaled targets map back to the observed prices (max rel err ${worst})`);
  t.ok(Math.abs(p.scaler.inverseTransform([p.scaledZero()])[0]!) < 1e-12, 'scaledZero is "no change"');

  const again = ForecastPipeline.fromJSON(JSON.parse(JSON.stringify(p.toJSON())));
  t.same(again.windows(test).x.data, w.x.data, 'JSON round trip gives identical windows');
  t.throws(() => new ForecastPipeline({ lags: 10 }).windows(test), { name: 'StateError', message: /call pipeline.fit/ });
  t.throws(() => new ForecastPipeline({ lags: 0 }), { message: /Expected positive integer for config.lags but received 0/ });
  t.throws(() => ForecastPipeline.fromJSON({ type: 'other' }), { name: 'FormatError' });
  t.throws(() => p.fit([1, NaN, 2]), { message: /Expected finite values for levels but received NaN at index 1/ });
});

t.test('evaluateForecast: model and naive on the same targets, both unit systems', async (t) => {
  const p = new ForecastPipeline({ lags: 10 }).fit(train);
  const model = sequential({ inputShape: [10, 1], layers: [lstm(6, { stateful: true }), dense(1, { activation: 'tanh' })], seed: 5 });
  t.teardown(() => model.dispose());
  const ev = await evaluateForecast(model, p, test, { batchSize: 100 });
  t.equal(ev.samples, test.length);
  t.equal(ev.levelSamples, test.length - 1, 'price metrics skip only the first row');

  // Independent naive in USD: p_hat_t = p_{t-1}.
  const actual = Array.from(test.subarray(1));
  const prev = Array.from(test.subarray(0, -1));
  t.ok(Math.abs(ev.naive.rmseLevel - rmse(actual, prev)) < 1e-9, `naive RMSE USD ${ev.naive.rmseLevel}`);
  t.ok(Math.abs(ev.naive.maeLevel - mae(actual, prev)) < 1e-9);
  // Naive in scaled units: "no change" against the scaled targets.
  const targets = p.transform(test);
  const zero = new Float64Array(test.length).fill(p.scaledZero());
  t.ok(Math.abs(ev.naive.rmse - rmse(Float32Array.from(targets), zero)) < 1e-9, 'naive RMSE in scaled units');
  // Model in USD from its own scaled predictions.
  const lv = Array.from(ev.predictions.scaled.subarray(1), (s, i) => test[i]! + p.scaler.inverseTransform([s])[0]!);
  t.ok(Math.abs(ev.model.rmseLevel - rmse(actual, lv)) < 1e-9, 'model RMSE USD from its predictions');
  t.ok(Math.abs(ev.skillVsNaive - (1 - ev.model.rmseLevel / ev.naive.rmseLevel)) < 1e-15, 'skill ratio');
  t.ok(ev.naive.rmseLevel > 0 && ev.model.rmseLevel > 0);
});

t.test('metrics reject mismatched or empty input', async (t) => {
  t.equal(rmse([1, 2], [1, 4]), Math.sqrt(2));
  t.equal(mae([1, 2], [2, 4]), 1.5);
  t.throws(() => rmse([1], [1, 2]), { name: 'InvalidArgumentError', message: /predicted.length to equal actual.length 1 but received 2/ });
  t.throws(() => mae([], []), { message: /at least one value/ });
});

t.test('pipeline.levelWindows: level windows whose scaled flows are the padded windows', async (t) => {
  // Oracle: windows(levels).x, recomputed from each level window as the ONNX
  // graph does (difference, then scale in float64, then float32).
  for (const difference of [true, false]) {
    const p = new ForecastPipeline({ lags: 10, difference }).fit(train);
    const w = p.windows(test);
    const lw = p.levelWindows(test);
    const width = 10 + (difference ? 1 : 0);
    t.same(lw.shape, [test.length, width]);
    let worst = 0;
    for (let i = 0; i < test.length; i++) {
      const row = lw.data.subarray(i * width, (i + 1) * width);
      const flows = difference ? row.subarray(1).map((v, j) => v - row[j]!) : row;
      const scaled = Float32Array.from(p.scaler.transform(flows));
      for (let j = 0; j < 10; j++) worst = Math.max(worst, Math.abs(scaled[j]! - w.x.data[i * 10 + j]!));
    }
    t.ok(worst <= 1e-9, `difference ${difference}: max |scaled level window - padded window| = ${worst}`);
  }
  t.throws(() => new ForecastPipeline({ lags: 3, padding: 'drop' }).fit(train).levelWindows(test), { name: 'StateError' });
});

t.test('evaluateForecast: the drift baseline uses only the past of each origin', async (t) => {
  // Oracle: the drift forecast recomputed here from the prices.
  const p = new ForecastPipeline({ lags: 10 }).fit(train);
  const model = sequential({ inputShape: [10, 1], layers: [lstm(4), dense(1, { activation: 'tanh' })], seed: 3 });
  const ev = await evaluateForecast(model, p, test);
  const expected: number[] = [];
  const actual: number[] = [];
  for (let t = 1; t < test.length; t++) {
    const b = t >= 2 ? (test[t - 1]! - test[0]!) / (t - 1) : 0;
    expected.push(test[t - 1]! + b);
    actual.push(test[t]!);
  }
  t.same(Array.from(ev.predictions.driftLevels).slice(1), expected, 'p_{t-1} + (p_{t-1} - p_0) / (t - 1)');
  t.ok(Math.abs(ev.drift.rmseLevel - rmse(actual, expected)) < 1e-9, `drift RMSE ${ev.drift.rmseLevel} USD`);
  t.ok(Math.abs(ev.skillVsDrift - (1 - ev.model.rmseLevel / ev.drift.rmseLevel)) < 1e-12);
  // model.evaluate(pipeline, levels) is the same report (the Keras-style entry point).
  const viaModel = await model.evaluate(p, test);
  t.same(viaModel.drift, ev.drift, 'model.evaluate(pipeline, levels): the same drift baseline');
  t.same(viaModel.naive, ev.naive, 'and the same naive baseline');
  t.equal(viaModel.skillVsNaive, ev.skillVsNaive);
  model.dispose();
});
