/**
 * autoArima, nsdiffs and STL against R. Oracles:
 * - R's stl() (scripts/gen-stl-r.R, fixture test/fixtures/r/stl.json) on
 *   five seasonal series with s.window 7, 11 and "periodic", and robust with
 *   s.window 7 (on an odd number of values: for even n R's robustness scale
 *   is not 6 median |r|, see the generator): seasonal and trend within 1e-9
 *   of the series' scale, robustness weights within 1e-9 (the same loess
 *   arithmetic; measured 1e-11 and below); forecast's seasonal strength
 *   within 1e-9, nsdiffs equal.
 * - R forecast's auto.arima() (scripts/gen-auto-arima-r.R, fixture
 *   test/fixtures/r/auto_arima.json) on ten series: the chosen orders must
 *   be equal on every one, and the AICc within 1e-6 relative, except where
 *   R's own ML fit of the chosen order stops on its iteration limit
 *   (seattle_temp_max: optim code 1 in R, on a flat ridge where AR and MA
 *   roots nearly cancel): there flowcast restarts BFGS, must converge, and
 *   its AICc must be below R's.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { autoArima } from '../lib/classical/auto-arima.js';
import { nsdiffs } from '../lib/stats/seasonal-diffs.js';
import { seasonalStrength, stl } from '../lib/stats/stl.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'r');
const stlFixture = JSON.parse(readFileSync(join(dir, 'stl.json'), 'utf8')) as {
  series: Record<string, {
    y: number[];
    m: number;
    stl7: { seasonal: number[]; trend: number[] };
    stl11: { seasonal: number[]; trend: number[] };
    periodic: { seasonal: number[]; trend: number[] };
    robust7: { drop: number; seasonal: number[]; trend: number[]; weights: number[] };
    strength: number;
    nsdiffs: number;
  }>;
};
const autoFixture = JSON.parse(readFileSync(join(dir, 'auto_arima.json'), 'utf8')) as {
  forecast: string;
  cases: Record<string, { y: number[]; m: number; xreg: number[][] | null; order: number[]; seasonal: number[]; aicc: number; name: string }>;
};

const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

t.test("STL equals R's stl(); seasonal strength and nsdiffs equal R forecast's", async (t) => {
  for (const [name, s] of Object.entries(stlFixture.series)) {
    const scale = Math.max(...s.y.map(Math.abs));
    for (const [key, sWindow] of [['stl7', 7], ['stl11', 11]] as const) {
      const fit = stl(s.y, s.m, { sWindow });
      t.ok(maxAbs(fit.seasonal, s[key].seasonal) < 1e-9 * scale && maxAbs(fit.trend, s[key].trend) < 1e-9 * scale, `${name}: stl s.window ${sWindow}`);
      t.ok(maxAbs(fit.remainder, s.y.map((v, i) => v - s[key].seasonal[i]! - s[key].trend[i]!)) < 1e-9 * scale, `${name}: remainder`);
      t.ok(fit.weights.every((w) => w === 1), `${name}: weights all 1 without robust`);
    }
    const periodic = stl(s.y, s.m, { sWindow: 'periodic' });
    t.ok(maxAbs(periodic.seasonal, s.periodic.seasonal) < 1e-9 * scale && maxAbs(periodic.trend, s.periodic.trend) < 1e-9 * scale, `${name}: stl s.window "periodic"`);
    t.ok(periodic.seasonal.every((v, i) => i < s.m || v === periodic.seasonal[i - s.m]), `${name}: a periodic seasonal repeats exactly`);
    const robust = stl(s.y.slice(s.robust7.drop), s.m, { sWindow: 7, robust: true });
    t.ok(maxAbs(robust.seasonal, s.robust7.seasonal) < 1e-9 * scale && maxAbs(robust.trend, s.robust7.trend) < 1e-9 * scale, `${name}: stl robust`);
    t.ok(maxAbs(robust.weights, s.robust7.weights) < 1e-9, `${name}: robustness weights`);
    t.ok(Math.abs(seasonalStrength(s.y, s.m) - s.strength) < 1e-9, `${name}: seasonal strength ${s.strength}`);
    t.equal(nsdiffs(s.y, s.m), s.nsdiffs, `${name}: nsdiffs ${s.nsdiffs}`);
  }
  t.throws(() => stl([1, 2, Number.NaN, 4, 5, 6, 7], 2, { sWindow: 7 }), { name: 'InvalidArgumentError', message: /y/ }, 'stl: NaN');
  t.throws(() => stl([1, 2, 3, 4, 5], 12, { sWindow: 7 }), { name: 'InvalidArgumentError', message: /two seasons/ }, 'stl: a season longer than the data');
  t.throws(() => stl([1, 2, 3, 4, 5, 6, 7], 1, { sWindow: 7 }), { name: 'InvalidArgumentError', message: /period/ }, 'stl: period 1');
  t.throws(() => stl([1, 2, 3, 4, 5, 6, 7], 2, { sWindow: 0 }), { name: 'InvalidArgumentError', message: /options.sWindow/ });
  t.throws(() => stl([1, 2, 3, 4, 5, 6, 7], 2, { sWindow: 'weekly' as unknown as number }), { name: 'InvalidArgumentError', message: /'periodic' for options.sWindow/ });
  t.throws(() => stl([1, 2, 3, 4, 5, 6, 7], 2, { sWindow: 7, robust: 'yes' as unknown as boolean }), { name: 'InvalidArgumentError', message: /options.robust/ });
  t.throws(() => stl([1, 2, 3, 4, 5, 6, 7], 2, { sWindow: 7, tDegree: 2 as 1 }), { name: 'InvalidArgumentError', message: /options.tDegree/ });
  t.equal(nsdiffs([1, 2, 3, 4, 5], 12), 0, 'a season longer than the data: no seasonal difference');
  t.equal(nsdiffs(new Array(40).fill(3), 4), 0, 'constant: none');
  t.throws(() => nsdiffs([1, 2, 3], 1), { name: 'InvalidArgumentError', message: /period/ });
  t.throws(() => nsdiffs([1, Number.NaN, 3], 2), { name: 'InvalidArgumentError', message: /y/ });
});

t.test('robust STL ignores an outlier that bends the plain decomposition', async (t) => {
  // Oracle: the decomposition of the same series without the outlier.
  const m = 12;
  let seed = 12345;
  const uniform = () => (seed = (seed * 16807) % 2147483647) / 2147483647; // Park-Miller, exact in doubles
  const clean = Array.from({ length: 121 }, (_, i) => 100 + 0.5 * i + 10 * Math.sin((2 * Math.PI * i) / m) + 3 * Math.cos((4 * Math.PI * i) / m) + uniform() + uniform() + uniform() - 1.5);
  const spiked = clean.slice();
  spiked[60] = clean[60]! + 200;
  const reference = stl(clean, m, { sWindow: 7, robust: true });
  const plain = stl(spiked, m, { sWindow: 7 });
  const robust = stl(spiked, m, { sWindow: 7, robust: true });
  t.equal(robust.weights[60], 0, 'the outlier gets weight 0');
  t.ok(robust.weights.filter((w) => w > 0.5).length > 110, 'most points keep most of their weight');
  const errPlain = maxAbs(plain.seasonal, reference.seasonal) + maxAbs(plain.trend, reference.trend);
  const errRobust = maxAbs(robust.seasonal, reference.seasonal) + maxAbs(robust.trend, reference.trend);
  t.ok(errRobust < 0.5 && errPlain > 100 * errRobust, `components off by ${errRobust.toFixed(3)} robust, ${errPlain.toFixed(3)} plain`);
  t.ok(Math.abs(robust.remainder[60]! - 200) < 5, 'the outlier stays in the remainder');
});

t.test(`autoArima selects auto.arima's model (R forecast ${autoFixture.forecast})`, async (t) => {
  for (const [id, c] of Object.entries(autoFixture.cases)) {
    const fit = autoArima(c.y, { period: c.m, ...(c.xreg ? { xreg: c.xreg } : {}) });
    t.same([fit.order, fit.seasonalOrder], [c.order, c.seasonal], `${id}: ${c.name}`);
    if (id === 'seattle_temp_max') {
      // R's final BFGS stops on its iteration limit (optim code 1) on a ridge of
      // near-cancelling roots; flowcast restarts it and converges higher.
      t.ok(fit.converged && fit.aicc < c.aicc, `${id}: converged, AICc ${fit.aicc} below R's ${c.aicc}`);
    } else {
      t.ok(Math.abs(fit.aicc - c.aicc) / Math.abs(c.aicc) < 1e-6, `${id}: AICc ${fit.aicc} vs R ${c.aicc} within 1e-6`);
    }
    t.ok(fit.candidates.length > 4 && fit.candidates.some((m) => m.ic === fit.aicc || fit.approximation), `${id}: the search is reported`);
  }
});

t.test('autoArima: bad input', async (t) => {
  t.throws(() => autoArima(new Array(50).fill(2)), { name: 'InvalidArgumentError', message: /constant/ });
  t.throws(() => autoArima(Array.from({ length: 50 }, (_, i) => 3 + 2 * i)), { name: 'InvalidArgumentError', message: /constant: a deterministic trend/ });
  t.throws(() => autoArima([1, 2]), { name: 'InvalidArgumentError', message: /at least 3/ });
  t.throws(() => autoArima([1, 2, Number.NaN, 4, 5]), { name: 'InvalidArgumentError', message: /y/ });
  t.throws(() => autoArima([1, 3, 2, 5, 4, 6], { ic: 'hqic' as 'aic' }), { name: 'InvalidArgumentError', message: /options.ic/ });
  t.throws(() => autoArima([1, 3, 2, 5, 4, 6], { period: 0 }), { name: 'InvalidArgumentError', message: /options.period/ });
  t.throws(() => autoArima([1, 3, 2, 5, 4, 6], { xreg: [[1, 2]] }), { name: 'InvalidArgumentError', message: /options.xreg\[0\]/ });
  // A season longer than the data: no seasonal differencing or seasonal terms, still a model.
  const short = autoFixture.cases.airpassengers!.y.slice(0, 20);
  const fit = autoArima(short, { period: 12 });
  t.equal(fit.seasonalOrder[1], 0, 'D = 0 when the series has fewer than two seasons');
});
