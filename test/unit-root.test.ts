/**
 * ADF and KPSS against statsmodels 0.13 (adfuller with autolag AIC, kpss
 * with lags auto and legacy; scripts/gen-unit-root-statsmodels.py) on
 * AirPassengers, sunspots, co2, the Taylor series and a bitcoin slice.
 * Tolerances, as the issue asks: statistics within 1e-6 relative, p-values
 * within 1e-3; the chosen lags and regression sizes exactly.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { adf, kpss, mackinnonP, pnorm, type AdfRegression } from '../lib/stats/unit-root.js';

const fixture = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'statsmodels', 'unit_root.json'), 'utf8')) as {
  statsmodels: string;
  series: Record<
    string,
    {
      y: number[];
      adf: Record<string, { statistic: number; pValue: number; usedLag: number; nobs: number; critical: Record<string, number>; icBest: number }>;
      kpss: Record<string, { statistic: number; pValue: number; lags: number }>;
    }
  >;
};
const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1e-300, Math.abs(b));

t.test(`ADF == statsmodels ${fixture.statsmodels} adfuller`, async (t) => {
  for (const [name, s] of Object.entries(fixture.series)) {
    for (const [reg, r] of Object.entries(s.adf)) {
      const got = adf(s.y, { regression: reg as AdfRegression });
      t.equal(got.usedLag, r.usedLag, `${name} ${reg}: lag ${r.usedLag} by AIC`);
      t.equal(got.nobs, r.nobs, `${name} ${reg}: ${r.nobs} rows`);
      t.ok(rel(got.statistic, r.statistic) <= 1e-6, `${name} ${reg}: statistic ${got.statistic} vs ${r.statistic}`);
      t.ok(Math.abs(got.pValue - r.pValue) <= 1e-3, `${name} ${reg}: p-value ${got.pValue} vs ${r.pValue}`);
      t.ok(rel(got.icBest!, r.icBest) <= 1e-9, `${name} ${reg}: best AIC`);
      for (const level of ['1%', '5%', '10%'] as const) t.ok(rel(got.criticalValues[level], r.critical[level]!) <= 1e-12, `${name} ${reg}: critical ${level}`);
    }
  }
});

t.test(`KPSS == statsmodels ${fixture.statsmodels} kpss`, async (t) => {
  for (const [name, s] of Object.entries(fixture.series)) {
    for (const [key, r] of Object.entries(s.kpss)) {
      const [reg, lags] = key.split('-') as ['c' | 'ct', 'auto' | 'legacy'];
      const got = kpss(s.y, { regression: reg, lags });
      t.equal(got.lags, r.lags, `${name} ${key}: ${r.lags} lags`);
      t.ok(rel(got.statistic, r.statistic) <= 1e-6, `${name} ${key}: statistic ${got.statistic} vs ${r.statistic}`);
      t.ok(Math.abs(got.pValue - r.pValue) <= 1e-3, `${name} ${key}: p-value`);
    }
  }
});

t.test('p-value pieces and bad input', async (t) => {
  t.ok(Math.abs(pnorm(1.959963984540054) - 0.975) < 1e-14, 'Phi(1.96) = 0.975');
  t.ok(Math.abs(pnorm(-8) - 6.22096057427178e-16) / 6.22096057427178e-16 < 1e-10, 'Phi(-8), far tail');
  t.equal(mackinnonP(5, 'c'), 1);
  t.equal(mackinnonP(-30, 'c'), 0);
  t.throws(() => adf([1, 1, 1, 1, 1, 1, 1, 1]), { name: 'InvalidArgumentError', message: /non-constant/ });
  t.throws(() => adf([1, 2, 3]), { name: 'InvalidArgumentError', message: /at least 6 values/ });
  t.throws(() => adf([1, 2, NaN, 4, 5, 6, 7]), { name: 'InvalidArgumentError', message: /y/ });
  t.throws(() => adf(fixture.series.airpassengers!.y, { maxLag: 200 }), { name: 'InvalidArgumentError', message: /options.maxLag/ });
  t.throws(() => kpss([2, 2, 2, 2]), { name: 'InvalidArgumentError', message: /non-constant/ });
  t.throws(() => kpss(fixture.series.airpassengers!.y, { lags: 500 }), { name: 'InvalidArgumentError', message: /options.lags/ });
});

t.test(`ACF and PACF == statsmodels ${fixture.statsmodels}`, async (t) => {
  const { acf, pacf } = await import('../lib/stats/correlogram.js');
  for (const [name, s] of Object.entries(fixture.series) as [string, { y: number[]; acf?: number[]; pacf?: number[] }][]) {
    const a = acf(s.y);
    const p = pacf(s.y);
    t.equal(a.length, s.acf!.length, `${name}: default lag count`);
    t.ok(a.every((v, k) => Math.abs(v - s.acf![k]!) <= 1e-10), `${name}: acf within 1e-10`);
    t.ok(p.every((v, k) => Math.abs(v - s.pacf![k]!) <= 1e-8), `${name}: pacf within 1e-8`);
  }
  t.throws(() => acf([1, 2, 3], 5), { name: 'InvalidArgumentError', message: /nlags/ });
  t.throws(() => pacf([3, 3, 3, 3]), { name: 'InvalidArgumentError', message: /non-constant/ });
});

t.test('ndiffs == R forecast ndiffs (KPSS)', async (t) => {
  const { ndiffs } = await import('../lib/stats/unit-root.js');
  const r = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'r', 'ndiffs.json'), 'utf8')) as {
    forecast: string;
    ndiffs: Record<string, { level: number; trend: number }>;
  };
  const ys: Record<string, number[]> = Object.fromEntries(Object.entries(fixture.series).map(([n, s]) => [n, s.y]));
  ys.logairpassengers = ys.airpassengers!.map(Math.log);
  for (const [name, d] of Object.entries(r.ndiffs)) {
    t.equal(ndiffs(ys[name]!), d.level, `${name}: ${d.level} (level), R forecast ${r.forecast}`);
    t.equal(ndiffs(ys[name]!, { type: 'trend' }), d.trend, `${name}: ${d.trend} (trend)`);
  }
  t.equal(ndiffs([4, 4, 4, 4]), 0, 'a constant series needs none');
  t.throws(() => ndiffs([1, 2, 3], { alpha: 0.5 }), { name: 'InvalidArgumentError', message: /options.alpha/ });
});
