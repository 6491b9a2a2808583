/**
 * Rolling-origin backtests. Oracles: the naive and drift forecasts written
 * out by hand at each origin; for the LSTM, a fresh stream that re-encodes
 * the whole history at each origin (the carried state must give the same
 * forecasts, bit for bit), with its second step fed the first forecast.
 */
import t from 'tap';
import { backtest, lstmBacktest } from '../lib/forecast/backtest.js';
import { drift, historicalMean, naive } from '../lib/classical/simple.js';
import { ets, etsBaseline } from '../lib/classical/ets.js';
import { ForecastPipeline } from '../lib/data/pipeline.js';
import { sequential } from '../lib/model/sequential.js';
import { dense, lstm } from '../lib/model/layers.js';
import { rng, uniform } from './helpers/random.js';

const y = Array.from(uniform(rng(4), 80, -1, 1), (u, i) => 100 + 0.3 * i + 5 * Math.sin(i / 5) + u);

t.test('naive and drift backtests, refit policies', async (t) => {
  const r = backtest(naive(), y, { initial: 50, horizon: 3, step: 4 });
  t.same(Array.from(r.origins), [50, 54, 58, 62, 66, 70, 74]);
  t.ok(r.origins.every((o, i) => [0, 1, 2].every((j) => r.forecasts[i * 3 + j] === y[o - 1])), 'naive: the last value at every step');
  let s = 0;
  r.origins.forEach((o, i) => (s += (y[o + 1]! - r.forecasts[i * 3 + 1]!) ** 2));
  t.ok(Math.abs(r.rmseByStep[1]! - Math.sqrt(s / r.origins.length)) < 1e-12, 'RMSE of step 2 by hand');
  // Drift: re-estimated at every origin vs once at the first origin.
  const always = backtest(drift(), y, { initial: 50, horizon: 2 });
  const never = backtest(drift(), y, { initial: 50, horizon: 2, refit: 'never' });
  const o = 60;
  const i = o - 50;
  const bAlways = (y[o - 1]! - y[0]!) / (o - 1);
  const bNever = (y[49]! - y[0]!) / 49;
  t.ok(Math.abs(always.forecasts[i * 2 + 1]! - (y[o - 1]! + 2 * bAlways)) < 1e-9, 'refit always: drift from all of the history');
  t.ok(Math.abs(never.forecasts[i * 2 + 1]! - (y[o - 1]! + 2 * bNever)) < 1e-9, 'refit never: the first drift, applied to the new history');
  const every5 = backtest(historicalMean(), y, { initial: 50, horizon: 1, refit: 5 });
  const mean = (n: number) => y.slice(0, n).reduce((a, b) => a + b, 0) / n;
  t.ok(Math.abs(every5.forecasts[7]! - mean(55)) < 1e-9, 'refit every 5 origins: origin 57 uses the fit at origin 55');
  t.throws(() => backtest(naive(), y, { initial: 79, horizon: 3 }), { name: 'InvalidArgumentError', message: /options.initial \+ options.horizon <= 80/ });
  t.throws(() => backtest(naive(), y, { initial: 10, horizon: 1, refit: 0 }), { name: 'InvalidArgumentError', message: /options.refit/ });
});

t.test('ETS backtest: refit never applies the first fit to the longer history', async (t) => {
  // Oracle: fit once on y[0..50), then update() with the history at each origin.
  const never = backtest(etsBaseline({ model: 'AAN' }), y, { initial: 50, horizon: 2, step: 10, refit: 'never' });
  const first = ets(y.slice(0, 50), { model: 'AAN' });
  for (const [i, o] of Array.from(never.origins).entries()) {
    const expected = first.update(y.slice(0, o)).forecast(2).mean;
    t.same(Array.from(never.forecasts.subarray(i * 2, i * 2 + 2)), Array.from(expected), `origin ${o}`);
  }
  const always = backtest(etsBaseline({ model: 'AAN' }), y, { initial: 50, horizon: 2, step: 10 });
  t.same(Array.from(always.forecasts.subarray(2, 4)), Array.from(ets(y.slice(0, 60), { model: 'AAN' }).forecast(2).mean), 'refit always re-estimates at origin 60');
  const auto = backtest(etsBaseline(), y, { initial: 50, horizon: 2, step: 10 });
  const last = auto.origins[auto.origins.length - 1]!;
  t.same([auto.method, auto.model], ['ETS auto', ets(y.slice(0, last)).name], 'model: the form chosen at the last origin');
});

t.test('LSTM backtest carries state forward and recurses from a saved state', async (t) => {
  const p = new ForecastPipeline({ lags: 5 }).fit(y.slice(0, 50));
  const model = sequential({ inputShape: [5, 1], layers: [lstm(6), dense(1, { activation: 'tanh' })], seed: 8 });
  const r = lstmBacktest(model, p, y, { initial: 50, horizon: 2, step: 7 });
  for (const [i, o] of Array.from(r.origins).entries()) {
    const fresh = model.stream({ pipeline: p });
    let out: Float32Array | Float64Array = new Float64Array(0);
    for (let k = 0; k < o; k++) out = fresh.step([y[k]!]);
    const second = fresh.step([out[0]!]);
    t.equal(r.forecasts[i * 2], out[0], `origin ${o}: step 1 == re-encoding the whole history`);
    t.equal(r.forecasts[i * 2 + 1], second[0], `origin ${o}: step 2 fed step 1`);
    fresh.dispose();
  }
  t.throws(() => lstmBacktest(model, p, y, { initial: 50, horizon: 2, refit: 'always' }), { name: 'InvalidArgumentError', message: /options.refit/ });
  model.dispose();
});
