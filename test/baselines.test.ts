/**
 * Simple baselines and metrics. Oracles: R's forecast package 8.x (naive,
 * snaive, rwf(drift = TRUE), meanf; scripts/gen-baselines-r.R, fixture
 * test/fixtures/r/baselines.json) on AirPassengers, sunspots, co2 and the
 * Taylor electricity series: point forecasts and 80/95% intervals within
 * 1e-9 relative (the same formulas in double precision; R prints 15
 * significant digits); R's qt/qnorm values for the quantiles; metrics by hand.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { drift, historicalMean, movingAverage, naive, seasonalNaive, type Baseline } from '../lib/classical/simple.js';
import { qnorm, qt } from '../lib/numeric/distributions.js';
import { directionalAccuracy, mape, mase, smape } from '../lib/stats/metrics.js';

type Run = { mean: number[]; lower80: number[]; lower95: number[]; upper80: number[]; upper95: number[] };
const fixture = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'r', 'baselines.json'), 'utf8')) as {
  forecast: string;
  series: Record<string, { y: number[]; m: number; h: number; methods: Record<string, Run> }>;
};

function worstRel(a: ArrayLike<number>, b: number[]): number {
  let w = 0;
  for (let i = 0; i < b.length; i++) w = Math.max(w, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!)));
  return w;
}

t.test(`baselines == R forecast ${fixture.forecast}`, async (t) => {
  for (const [name, s] of Object.entries(fixture.series)) {
    const methods: Record<string, Baseline> = { naive: naive(), snaive: seasonalNaive(s.m), drift: drift(), mean: historicalMean() };
    for (const [method, r] of Object.entries(s.methods)) {
      const f = methods[method]!.fit(s.y).forecast(s.h, { level: [80, 95] });
      const worst = Math.max(
        worstRel(f.mean, r.mean),
        worstRel(f.lower[0]!, r.lower80),
        worstRel(f.lower[1]!, r.lower95),
        worstRel(f.upper[0]!, r.upper80),
        worstRel(f.upper[1]!, r.upper95),
      );
      t.ok(worst <= 1e-9, `${name} ${method}: forecasts and 80/95% intervals, max relative difference ${worst.toExponential(1)}`);
    }
  }
});

t.test('quantiles match R', async (t) => {
  t.ok(Math.abs(qnorm(0.975) - 1.9599639845400536) < 1e-15, 'qnorm(0.975)');
  t.ok(Math.abs(qt(0.9, 10) - 1.3721836411103356) < 1e-12, 'qt(0.9, 10)');
  t.ok(Math.abs(qnorm(1e-10) + 6.361340902404056) < 1e-12, 'qnorm far tail');
  t.ok(Math.abs(qt(0.025, 3) + 3.182446305284263) < 1e-12, 'qt(0.025, 3)');
});

t.test('moving average and fitted values', async (t) => {
  const y = [1, 2, 3, 4, 10];
  const ma = movingAverage(2).fit(y);
  t.same(Array.from(ma.forecast(3).mean), [7, 7, 7], 'mean of the last 2');
  t.same(Array.from(ma.fitted).slice(2), [1.5, 2.5, 3.5], 'one-step fits from the previous 2');
  const nv = naive().fit(y);
  t.ok(Number.isNaN(nv.fitted[0]!), 'no fit for the first value');
  t.same(Array.from(nv.residuals).slice(1), [1, 1, 1, 6]);
});

t.test('metrics', async (t) => {
  const a = [100, 110, 90, 95];
  const p = [102, 105, 92, 100];
  t.ok(Math.abs(mape(a, p) - (100 / 4) * (2 / 100 + 5 / 110 + 2 / 90 + 5 / 95)) < 1e-12, 'MAPE');
  t.ok(Math.abs(smape(a, p) - (200 / 4) * (2 / 202 + 5 / 215 + 2 / 182 + 5 / 195)) < 1e-12, 'sMAPE');
  const train = [1, 3, 2, 5, 4];
  t.ok(Math.abs(mase(a, p, train) - 3.5 / ((2 + 1 + 3 + 1) / 4)) < 1e-12, 'MASE: MAE / in-sample naive MAE');
  t.equal(directionalAccuracy([2, 1, 3], [3, 0, 1], [1, 2, 2]), 2 / 3, 'two of three directions right');
  t.throws(() => mase(a, p, [1]), { name: 'InvalidArgumentError', message: /training/ });
});

t.test('baselines: clear errors', async (t) => {
  t.throws(() => naive().fit([1]), { name: 'InvalidArgumentError', message: /at least 2 values/ });
  t.throws(() => seasonalNaive(12).fit([1, 2, 3]), { name: 'InvalidArgumentError', message: /at least 13 values/ });
  t.throws(() => drift().fit([1, NaN, 3]), { name: 'InvalidArgumentError', message: /y/ });
  t.throws(() => naive().fit([1, 2, 3]).forecast(0), { name: 'InvalidArgumentError', message: /h/ });
  t.throws(() => naive().fit([1, 2, 3]).forecast(2, { level: [120] }), { name: 'InvalidArgumentError', message: /options.level/ });
  t.throws(() => seasonalNaive(0), { name: 'InvalidArgumentError', message: /period/ });
});
