/**
 * MSTL and STL forecasts against R forecast's mstl() and stlf()
 * (scripts/gen-stlf-r.R, fixture test/fixtures/r/stlf.json): AirPassengers
 * with each method (ETS, ARIMA, naive, drift) and robust STL, co2, and the
 * Taylor half-hourly load with one period (48) and two (48, 336). The same
 * arithmetic as R: trend, seasonal components, fitted values, forecasts and
 * 80/95% bounds within 1e-9 of the series' scale (measured 1e-13 and below;
 * 6e-11 for ARIMA, whose BFGS sees last-digit differences); the adjusted
 * model's form must be R's.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stlf, stlfBaseline, type StlfMethod } from '../lib/classical/stlf.js';
import { mstl } from '../lib/stats/mstl.js';
import { stl } from '../lib/stats/stl.js';
import { backtest } from '../lib/forecast/backtest.js';
import type { EtsFit } from '../lib/classical/ets.js';

interface Case {
  y: number[];
  periods: number[];
  method: StlfMethod;
  robust: boolean;
  h: number;
  trend: number[];
  seasonal: number[][];
  remainder: number[];
  model: string;
  fitted: Array<number | 'NA'>;
  mean: number[];
  lower80: number[];
  upper80: number[];
  lower95: number[];
  upper95: number[];
}
const fixture = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'r', 'stlf.json'), 'utf8')) as { forecast: string; cases: Record<string, Case> };

const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};
// R's names: "STL +  ETS(M,A,N)", "STL +  Random walk with drift", "STL +  ARIMA(1,1,1) with drift".
const rModel = (name: string) => name.replace('STL +  ', '').replace('Random walk with drift', 'drift').replace('Random walk', 'naive');

t.test(`mstl and stlf equal R forecast ${fixture.forecast}`, async (t) => {
  for (const [id, c] of Object.entries(fixture.cases)) {
    const scale = Math.max(...c.y.map(Math.abs));
    const tol = 1e-9 * scale;
    const d = mstl(c.y, c.periods, { robust: c.robust });
    t.ok(maxAbs(d.trend, c.trend) < tol, `${id}: trend`);
    t.ok(d.seasonal.length === c.seasonal.length && d.seasonal.every((s, i) => maxAbs(s, c.seasonal[i]!) < tol), `${id}: ${c.seasonal.length} seasonal component(s)`);
    t.ok(maxAbs(d.remainder, c.remainder) < tol, `${id}: remainder`);
    const fit = stlf(c.y, { periods: c.periods, method: c.method, robust: c.robust });
    t.equal(fit.adjusted.name, rModel(c.model), `${id}: ${c.model}`);
    const fitted = c.fitted.map((v) => (v === 'NA' ? NaN : v));
    t.ok(fitted.every((v, i) => (Number.isNaN(v) ? Number.isNaN(fit.fitted[i]!) : Math.abs(v - fit.fitted[i]!) < tol)), `${id}: fitted values`);
    const fc = fit.forecast(c.h, { level: [80, 95] });
    t.ok(maxAbs(fc.mean, c.mean) < tol, `${id}: ${c.h} forecasts`);
    t.ok(maxAbs(fc.lower[0]!, c.lower80) < tol && maxAbs(fc.upper[0]!, c.upper80) < tol, `${id}: 80% bounds`);
    t.ok(maxAbs(fc.lower[1]!, c.lower95) < tol && maxAbs(fc.upper[1]!, c.upper95) < tol, `${id}: 95% bounds`);
  }
});

t.test('mstl: one period is stl with R s.window 11; components add up to y', async (t) => {
  const y = fixture.cases.air_ets!.y;
  const d = mstl(y, 12);
  const s = stl(y, 12, { sWindow: 11 });
  t.same(Array.from(d.seasonal[0]!), Array.from(s.seasonal), 'seasonal');
  t.same(Array.from(d.trend), Array.from(s.trend), 'trend');
  const taylor = fixture.cases.taylor_48_336_ets!.y;
  const two = mstl(taylor, [336, 48]);
  t.same(two.periods, [48, 336], 'periods sorted shortest first');
  const rebuilt = taylor.map((_, i) => two.trend[i]! + two.seasonal[0]![i]! + two.seasonal[1]![i]! + two.remainder[i]!);
  t.ok(maxAbs(rebuilt, taylor) < 1e-9, 'trend + seasonals + remainder = y');
  t.ok(maxAbs(two.seasonallyAdjusted, taylor.map((v, i) => v - two.seasonal[0]![i]! - two.seasonal[1]![i]!)) < 1e-9, 'seasonally adjusted = y - seasonals');
});

t.test('stlf: update keeps the adjusted model, forecasts start after the new data', async (t) => {
  const y = fixture.cases.air_ets!.y;
  const fit = stlf(y.slice(0, 120), { periods: 12 });
  const same = fit.update(y.slice(0, 120));
  t.same(Array.from(same.forecast(12).mean), Array.from(fit.forecast(12).mean), 'update on the same data: same forecasts');
  const moved = fit.update(y);
  const a = fit.adjusted as EtsFit;
  const b = moved.adjusted as EtsFit;
  t.equal(b.model, a.model, 'same ETS form');
  t.ok(b.alpha === a.alpha && b.beta === a.beta, 'same smoothing parameters');
  const refit = stlf(y, { periods: 12 });
  t.ok(maxAbs(moved.decomposition.trend, refit.decomposition.trend) === 0, 'the decomposition is redone on the new data');
  // One step ahead from the longer history is near the last values, not 24 steps past the old end.
  t.ok(Math.abs(moved.forecast(1).mean[0]! - y[y.length - 12]!) < 0.25 * y[y.length - 12]!, 'forecast follows the new end');
  const bt = backtest(stlfBaseline({ periods: 12, method: 'naive' }), y, { initial: 96, horizon: 12, step: 12, refit: 'never' });
  t.equal(bt.method, 'STL + naive');
  t.ok(bt.origins.length === 4 && Number.isFinite(bt.rmse), `backtest over ${bt.origins.length} origins, RMSE ${bt.rmse.toFixed(2)}`);
  // STL + naive has no parameters: updating equals refitting at every origin.
  const always = backtest(stlfBaseline({ periods: 12, method: 'naive' }), y, { initial: 96, horizon: 12, step: 12, refit: 'always' });
  t.same(Array.from(always.forecasts), Array.from(bt.forecasts), 'refit never = refit always for STL + naive');
});

t.test('mstl and stlf: bad input', async (t) => {
  const y = fixture.cases.air_ets!.y;
  t.throws(() => mstl(y, []), { name: 'InvalidArgumentError', message: /periods/ }, 'no period');
  t.throws(() => mstl(y, [12, 12]), { name: 'InvalidArgumentError', message: /distinct/ }, 'a repeated period');
  t.throws(() => mstl(y, 1), { name: 'InvalidArgumentError', message: /periods\[0\]/ }, 'period 1');
  t.throws(() => mstl(y, [12, 2.5]), { name: 'InvalidArgumentError', message: /periods\[1\]/ }, 'a fractional period');
  t.throws(() => mstl(y, 72), { name: 'InvalidArgumentError', message: /two seasons of 72/ }, 'a season of half the data');
  t.throws(() => mstl(y.slice(0, 20), 12), { name: 'InvalidArgumentError', message: /two seasons/ }, 'a season longer than half the data');
  t.throws(() => mstl([...y.slice(0, 50), NaN, ...y.slice(51)], 12), { name: 'InvalidArgumentError', message: /y/ }, 'NaN');
  t.throws(() => mstl(y, [12, 4], { sWindow: [11] }), { name: 'InvalidArgumentError', message: /options.sWindow/ }, 'too few windows');
  t.throws(() => mstl(y, 12, { iterate: 0 }), { name: 'InvalidArgumentError', message: /options.iterate/ });
  t.throws(() => stlf(y, { periods: 12, method: 'theta' as StlfMethod }), { name: 'InvalidArgumentError', message: /options.method/ });
  t.throws(() => stlf(y, { periods: 12, etsModel: 'AAA' as 'ANN' }), { name: 'InvalidArgumentError', message: /options.etsModel/ }, 'a seasonal ETS form');
  t.throws(() => stlf(y, { periods: 12, method: 'arima', etsModel: 'ANN' }), { name: 'InvalidArgumentError', message: /options.etsModel/ }, 'an ETS form for ARIMA');
  // A constant series has no season and forecasts itself (STL leaves rounding-level noise for ETS).
  t.ok(maxAbs(stlf(new Array(40).fill(5), { periods: 12 }).forecast(6).mean, new Array(6).fill(5)) < 1e-9, 'a constant series forecasts the constant');
  t.throws(() => stlf(y, undefined as unknown as { periods: number }), { name: 'InvalidArgumentError', message: /options/ });
  t.throws(() => stlf(y, { periods: 12 }).forecast(0), { name: 'InvalidArgumentError', message: /h/ }, 'h = 0');
});
