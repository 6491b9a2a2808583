/**
 * The Theta method, SES and classical decomposition against R
 * (scripts/gen-theta-r.R, fixture test/fixtures/r/theta.json): forecast's
 * thetaf() and ses(), stats::decompose(), on AirPassengers, co2, sunspots,
 * the Taylor load (m = 48) and 3,000 bitcoin closes. The same arithmetic
 * and the same Nelder-Mead path (R's running-mean MSE criterion): alpha
 * and drift within 1e-9, forecasts, bounds and fitted values within 1e-9
 * of the series' scale (measured 2e-13 and below), seasonal indices 1e-12.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { thetaf, thetaBaseline } from '../lib/classical/theta.js';
import { ses } from '../lib/classical/ets.js';
import { decompose } from '../lib/stats/decompose.js';
import { backtest } from '../lib/forecast/backtest.js';

interface Series {
  y: number[];
  m: number;
  h: number;
  theta: { alpha: number; drift: number; sigma2: number; fitted: number[]; mean: number[]; lower80: number[]; upper80: number[]; lower95: number[]; upper95: number[] };
  ses: { alpha: number; l: number; mean: number[]; upper95: number[] };
  decompose?: { multiplicative: number[]; additive: number[]; trend: Array<number | null> };
}
const fixture = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'r', 'theta.json'), 'utf8')) as { forecast: string; series: Record<string, Series> };

const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number | null>) => {
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, b[i] === null ? (Number.isNaN(a[i]!) ? 0 : Infinity) : Math.abs(a[i]! - b[i]!));
  return m;
};

t.test(`thetaf, ses and decompose equal R forecast ${fixture.forecast}`, async (t) => {
  for (const [name, s] of Object.entries(fixture.series)) {
    const tol = 1e-9 * Math.max(...s.y.map(Math.abs));
    const fit = thetaf(s.y, { period: s.m });
    t.ok(Math.abs(fit.alpha - s.theta.alpha) < 1e-9 && Math.abs(fit.drift - s.theta.drift) < 1e-9, `${name}: alpha ${fit.alpha}, drift ${fit.drift}`);
    t.equal(fit.seasonal, name !== 'btc', `${name}: seasonality test ${fit.seasonal}`);
    t.ok(maxAbs(fit.fitted, s.theta.fitted) < tol, `${name}: fitted values`);
    const fc = fit.forecast(s.h, { level: [80, 95] });
    t.ok(maxAbs(fc.mean, s.theta.mean) < tol, `${name}: ${s.h} forecasts`);
    t.ok(maxAbs(fc.lower[0]!, s.theta.lower80) < tol && maxAbs(fc.upper[0]!, s.theta.upper80) < tol, `${name}: 80% bounds`);
    t.ok(maxAbs(fc.lower[1]!, s.theta.lower95) < tol && maxAbs(fc.upper[1]!, s.theta.upper95) < tol, `${name}: 95% bounds`);
    const smooth = ses(s.y);
    t.ok(Math.abs(smooth.alpha - s.ses.alpha) < 1e-9 && Math.abs(smooth.initialStates[0]! - s.ses.l) < tol, `${name}: ses alpha and level`);
    const sf = smooth.forecast(s.h);
    t.ok(maxAbs(sf.mean, s.ses.mean) < tol && maxAbs(sf.upper[1]!, s.ses.upper95) < tol, `${name}: ses forecasts`);
    if (s.decompose) {
      const mult = decompose(s.y, s.m, { type: 'multiplicative' });
      const add = decompose(s.y, s.m);
      t.ok(maxAbs(mult.figure, s.decompose.multiplicative) < 1e-12 && maxAbs(add.figure, s.decompose.additive) < tol, `${name}: decompose figures`);
      t.ok(maxAbs(mult.trend, s.decompose.trend) < tol, `${name}: moving-average trend, NaN at the ends`);
    }
  }
});

t.test('thetaf: update keeps the fitted parameters', async (t) => {
  const y = fixture.series.airpassengers!.y;
  const fit = thetaf(y.slice(0, 120), { period: 12 });
  t.same(Array.from(fit.update(y.slice(0, 120)).forecast(12).mean), Array.from(fit.forecast(12).mean), 'same data, same forecasts');
  const moved = fit.update(y);
  t.ok(moved.alpha === fit.alpha && moved.drift === fit.drift && moved.seasonalIndices === fit.seasonalIndices, 'alpha, drift and indices kept');
  t.equal(moved.fitted.length, y.length);
  t.ok(Math.abs(moved.forecast(1).mean[0]! - y[y.length - 12]!) < 0.15 * y[y.length - 12]!, 'the next forecast is near the value a season earlier: it starts after the new data');
  const bt = backtest(thetaBaseline({ period: 12 }), y, { initial: 96, horizon: 12, step: 12, refit: 2 });
  t.equal(bt.method, 'Theta');
  t.ok(bt.origins.length === 4 && bt.rmse > 0 && bt.rmse < 60, `backtest RMSE ${bt.rmse.toFixed(1)}`);
});

t.test('thetaf, ses and decompose: bad input', async (t) => {
  const y = fixture.series.airpassengers!.y;
  t.throws(() => thetaf([1, 2, 3]), { name: 'InvalidArgumentError', message: /at least 4 values/ });
  t.throws(() => thetaf([1, 2, NaN, 4, 5]), { name: 'InvalidArgumentError', message: /y/ });
  t.throws(() => thetaf(y, { period: 0 }), { name: 'InvalidArgumentError', message: /options.period/ });
  t.throws(() => thetaf(new Array(30).fill(4)), { name: 'InvalidArgumentError', message: /constant/ }, 'a constant series');
  t.equal(thetaf(y.slice(0, 20), { period: 12 }).seasonal, false, 'a season longer than half the data: non-seasonal');
  t.throws(() => ses('abc' as unknown as number[]), { name: 'InvalidArgumentError', message: /y/ });
  t.throws(() => decompose(y.slice(0, 20), 12), { name: 'InvalidArgumentError', message: /two seasons of 12/ });
  t.throws(() => decompose(y, 1), { name: 'InvalidArgumentError', message: /period/ });
  t.throws(() => decompose(y, 12, { type: 'log' as 'additive' }), { name: 'InvalidArgumentError', message: /options.type/ });
  t.throws(() => thetaf(y).forecast(0), { name: 'InvalidArgumentError', message: /h/ });
});
