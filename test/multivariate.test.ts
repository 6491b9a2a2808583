/**
 * Covariates and multi-step horizons end to end on real data: S&P 500 daily
 * closes 2018-2020 (test/fixtures/sp500_daily_2018-2020.csv, a cut of
 * ../shared/data/sp500_daily_2000-2020.csv) with volume and the daily
 * high-low range as covariates.
 * Oracles: the scalers applied by hand to each column (window contents);
 * exact algebra for the inverse (true scaled targets map back to the
 * observed closes, 1e-9 relative); model.predict on hand-built windows for
 * the recursive forecast.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ForecastPipeline } from '../lib/data/pipeline.js';
import { evaluateForecast } from '../lib/model/evaluate-forecast.js';
import { forecastRecursive } from '../lib/forecast/recursive.js';
import { sequential } from '../lib/model/sequential.js';
import { dense, lstm } from '../lib/model/layers.js';
import { adam } from '../lib/model/optimizers.js';

const file = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'sp500_daily_2018-2020.csv');
const rows = readFileSync(file, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
const col = (i: number, from: number, to: number) => Float64Array.from(rows.slice(from, to), (r) => Number(r[i]));
const TRAIN = 500;
const close = col(4, 0, TRAIN);
const volume = col(6, 0, TRAIN);
const range = Float64Array.from(rows.slice(0, TRAIN), (r) => Number(r[2]) - Number(r[3]));
const testClose = col(4, TRAIN, rows.length);
const testCov = [col(6, TRAIN, rows.length), Float64Array.from(rows.slice(TRAIN), (r) => Number(r[2]) - Number(r[3]))];

t.test('covariate windows: each column scaled by its own scaler, same past rows', async (t) => {
  const p = new ForecastPipeline({ lags: 5, horizon: 3, covariates: 2 }).fit(close, [volume, range]);
  const w = p.windows(close, [volume, range]);
  t.same(w.x.shape, [TRAIN - 2, 5, 3], 'one sample per row with 3 targets ahead; features 1 + 2');
  t.same(w.y.shape, [TRAIN - 2, 3]);
  const sVol = p.covariateScalers[0]!.transform(volume);
  const sRange = p.covariateScalers[1]!.transform(range);
  const sClose = p.transform(close);
  const i = 100; // target row t = 100: window rows 95..99
  for (let k = 0; k < 5; k++) {
    const base = (i * 5 + k) * 3;
    t.equal(w.x.data[base], Math.fround(sClose[95 + k]!), `step ${k}: scaled close flow`);
    t.equal(w.x.data[base + 1], Math.fround(sVol[95 + k]!), `step ${k}: volume, own scaler`);
    t.equal(w.x.data[base + 2], Math.fround(sRange[95 + k]!), `step ${k}: range, own scaler`);
  }
  t.same(Array.from(w.y.data.subarray(i * 3, i * 3 + 3)), [100, 101, 102].map((r) => Math.fround(sClose[r]!)), 'targets s_t .. s_t+2');
  t.ok(Math.max(...p.covariateScalers[0]!.transform(volume)) <= 1 + 1e-12, 'volume scaled into [-1, 1] on the training part');
});

t.test('horizon inverse: true scaled targets map back to the observed closes', async (t) => {
  const p = new ForecastPipeline({ lags: 5, horizon: 4 }).fit(close);
  const w = p.windows(close);
  // Use the float64 targets (not the float32 tensor) so the check is exact algebra.
  const s = p.transform(close);
  const exact = new Float64Array(w.targetIndex.length * 4);
  w.targetIndex.forEach((tt, i) => { for (let j = 0; j < 4; j++) exact[i * 4 + j] = s[tt + j]!; });
  const levels = p.toLevels(exact, close, w.targetIndex);
  let worst = 0;
  w.targetIndex.forEach((tt, i) => {
    for (let j = 0; j < 4; j++) if (tt >= 1) worst = Math.max(worst, Math.abs(levels[i * 4 + j]! - close[tt + j]!) / close[tt + j]!);
  });
  t.ok(worst < 1e-9, `p_{t-1} + cumulative unscaled flows == p_{t+j} (max relative error ${worst.toExponential(1)})`);
  t.ok(Number.isNaN(levels[0]!), 't = 0 has no previous close');
});

t.test('direct 5-step model with covariates, trained and evaluated against naive', async (t) => {
  const p = new ForecastPipeline({ lags: 10, horizon: 5, covariates: 2 }).fit(close, [volume, range]);
  const w = p.windows(close, [volume, range]);
  const model = sequential({ inputShape: [10, 3], layers: [lstm(16), dense(5, { activation: 'tanh' })], seed: 4 });
  model.compile({ optimizer: adam({ learningRate: 0.005 }) });
  const h = await model.fit(w.x, w.y, { batchSize: 32, epochs: 3, validationSplit: 0.1 });
  t.ok(h.loss.every(Number.isFinite) && h.valLoss!.every(Number.isFinite));
  const ev = await evaluateForecast(model, p, testClose, { covariates: testCov });
  t.equal(ev.samples, testClose.length - 4, 'one sample per test row with 5 targets');
  t.equal(ev.levelSamples, (testClose.length - 5) * 5, 'samples with a previous close, times 5 steps');
  t.equal(ev.predictions.levels.length, ev.samples * 5);
  t.ok(Number.isFinite(ev.model.rmseLevel) && Number.isFinite(ev.naive.rmseLevel) && Number.isFinite(ev.skillVsNaive));
  // The naive level forecast for every step is the last observed close.
  t.equal(ev.predictions.naiveLevels[5 * 7 + 3], testClose[6]);
  await t.rejects(evaluateForecast(model, p, testClose), { name: 'InvalidArgumentError', message: /covariates/ });
  model.dispose();
});

t.test('recursive multi-step forecast feeds predictions back', async (t) => {
  const p = new ForecastPipeline({ lags: 6 }).fit(close);
  const w = p.windows(close);
  const model = sequential({ inputShape: [6, 1], layers: [lstm(8), dense(1, { activation: 'tanh' })], seed: 6 });
  model.compile();
  await model.fit(w.x, w.y, { batchSize: 50, epochs: 1 });
  const next = await forecastRecursive(model, p, close, 3);
  // By hand: window of the last 6 flows, then the prediction appended.
  const flows = Array.from(p.transform(close));
  let level = close[close.length - 1]!;
  for (let k = 0; k < 3; k++) {
    const s = (await model.predict({ data: Float32Array.from(flows.slice(-6)), shape: [1, 6, 1] })).data[0]!;
    flows.push(s);
    level += p.scaler.inverseTransform([s])[0]!;
    t.equal(next[k], level, `step ${k + 1}`);
  }
  const multi = new ForecastPipeline({ lags: 6, covariates: 1 }).fit(close, [volume]);
  await t.rejects(forecastRecursive(model, multi, close, 2), { name: 'InvalidArgumentError', message: /univariate one-step pipeline/ });
  await t.rejects(forecastRecursive(model, p, close, 0), { name: 'InvalidArgumentError', message: /steps/ });
  model.dispose();
});

t.test('covariate options: saved in JSON, clear errors', async (t) => {
  const p = new ForecastPipeline({ lags: 4, horizon: 2, covariates: 1, covariateDifference: true }).fit(close, [volume]);
  const q = ForecastPipeline.fromJSON(JSON.parse(JSON.stringify(p.toJSON())));
  t.same(q.windows(close, [volume]), p.windows(close, [volume]), 'fromJSON(toJSON()) gives the same windows');
  t.throws(() => p.windows(close), { name: 'InvalidArgumentError', message: /an array of 1 series/ });
  t.throws(() => p.windows(close, [volume.subarray(1)]), { name: 'InvalidArgumentError', message: /covariates\[0\]/ });
  const bad = Float64Array.from(volume);
  bad[3] = NaN;
  t.throws(() => p.fit(close, [bad]), { name: 'InvalidArgumentError', message: /covariates\[0\]/ });
  t.throws(() => new ForecastPipeline({ lags: 4, horizon: 0 }), { name: 'InvalidArgumentError', message: /config.horizon/ });
  t.throws(() => p.levelWindows(close), { name: 'StateError', message: /univariate/ });
});
