/**
 * Box-Cox transforms against R forecast (scripts/gen-box-cox-r.R, fixture
 * test/fixtures/r/box_cox.json): Guerrero's lambda within 1e-6 (the same
 * Brent steps; measured 2.3e-9 on bitcoin, 1e-13 elsewhere), BoxCox and
 * InvBoxCox (also bias-adjusted) within 1e-12 relative, and forecasts of
 * ETS, the airline ARIMA, drift and STL + ETS fitted with a lambda within
 * 1e-6 relative (measured 1.6e-7 for ARIMA, whose coefficients agree to
 * that, 2e-13 for the others). Brent's minimizer equals R's optimize()
 * bit for bit on three functions.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { boxCox, boxCoxLambda, invBoxCox } from '../lib/stats/box-cox.js';
import { brentMinimize } from '../lib/numeric/brent.js';
import { withBoxCox, type BoxCoxFit } from '../lib/classical/box-cox.js';
import { etsBaseline, type EtsFit } from '../lib/classical/ets.js';
import { arimaBaseline } from '../lib/classical/arima.js';
import { drift, movingAverage, type Baseline } from '../lib/classical/simple.js';
import { stlfBaseline } from '../lib/classical/stlf.js';

interface Fixture {
  forecast: string;
  lambda: Record<string, { y: number[]; m: number; lambda: number; auto: number }>;
  transform: Record<string, { lambda: number; w: number[]; back: number[]; adjusted: number[] }>;
  forecasts: Record<string, { method: 'ets' | 'airline' | 'drift' | 'stlf'; lambda: number; biasadj: boolean; model: string; mean: number[]; lower80: number[]; upper80: number[]; lower95: number[]; upper95: number[] }>;
}
const fixture = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'r', 'box_cox.json'), 'utf8')) as Fixture;
const maxRel = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!) / Math.abs(b[i]!));
  return m;
};
const air = fixture.lambda.airpassengers!.y;

t.test("Brent's minimizer equals R's optimize()", async (t) => {
  // R 4.2: optimize(f, interval)$minimum printed with 17 digits.
  t.equal(brentMinimize((x) => (x - 1 / 3) ** 2, 0, 1).x, 0.33333333333333331);
  t.equal(brentMinimize(Math.sin, 0, 2 * Math.PI).x, 4.7123910812000886);
  t.equal(brentMinimize((x) => Math.abs(x - 0.7) + 0.1 * x * x, -1, 3).x, 0.69998543618861664);
});

t.test(`Box-Cox lambda and transforms equal R forecast ${fixture.forecast}`, async (t) => {
  for (const [name, s] of Object.entries(fixture.lambda)) {
    t.ok(Math.abs(boxCoxLambda(s.y, s.m) - s.lambda) < 1e-6, `${name}: Guerrero lambda ${s.lambda}`);
    t.ok(Math.abs(boxCoxLambda(s.y, s.m, { lower: -0.9 }) - s.auto) < 1e-6, `${name}: lambda "auto" (lower -0.9) ${s.auto}`);
  }
  for (const [name, c] of Object.entries(fixture.transform)) {
    t.ok(maxRel(boxCox(air, c.lambda), c.w) < 1e-12, `lambda ${name}: BoxCox`);
    t.ok(maxRel(invBoxCox(c.w, c.lambda), c.back) < 1e-12, `lambda ${name}: InvBoxCox`);
    t.ok(maxRel(invBoxCox(c.w, c.lambda, new Array(c.w.length).fill(0.01)), c.adjusted) < 1e-12, `lambda ${name}: bias-adjusted`);
  }
  t.equal(boxCoxLambda(air.slice(0, 24), 12), 1, 'two seasons or fewer: lambda 1, as R');
});

t.test('models fitted with a lambda forecast as R does', async (t) => {
  const baselines: Record<string, () => Baseline> = {
    // R's ets() with a lambda chooses among additive forms only.
    ets: () => etsBaseline({ period: 12, additiveOnly: true }),
    airline: () => arimaBaseline({ order: [0, 1, 1], seasonal: { order: [0, 1, 1], period: 12 } }),
    drift: () => drift(),
    stlf: () => stlfBaseline({ periods: 12 }),
  };
  for (const [id, c] of Object.entries(fixture.forecasts)) {
    const fit = withBoxCox(baselines[c.method]!(), { lambda: c.lambda, biasadj: c.biasadj }).fit(air) as BoxCoxFit;
    t.match(fit.transformed.name, c.model.replace('STL +  ', 'STL + ').replace('Random walk with drift', 'drift'), `${id}: ${c.model}`);
    const fc = fit.forecast(24, { level: [80, 95] });
    t.ok(maxRel(fc.mean, c.mean) < 1e-6, `${id}: ${c.biasadj ? 'bias-adjusted means' : 'medians'}`);
    t.ok(maxRel(fc.lower[0]!, c.lower80) < 1e-6 && maxRel(fc.upper[0]!, c.upper80) < 1e-6, `${id}: 80% bounds`);
    t.ok(maxRel(fc.lower[1]!, c.lower95) < 1e-6 && maxRel(fc.upper[1]!, c.upper95) < 1e-6, `${id}: 95% bounds`);
  }
  const auto = withBoxCox(etsBaseline({ period: 12, additiveOnly: true }), { lambda: 'auto', period: 12 }).fit(air) as BoxCoxFit;
  t.ok(Math.abs(auto.lambda - fixture.lambda.airpassengers!.auto) < 1e-6, "lambda 'auto' is Guerrero's with lower -0.9");
});

t.test('withBoxCox: fitted values, update, bad input', async (t) => {
  const fit = withBoxCox(etsBaseline({ model: 'AAA', period: 12 }), { lambda: 0 }).fit(air.slice(0, 120)) as BoxCoxFit;
  const inner = fit.transformed as EtsFit;
  t.ok(maxRel(fit.fitted, inner.fitted.map(Math.exp)) < 1e-15, 'fitted values: exp of the log-scale fit');
  t.ok(fit.residuals.every((r, i) => Math.abs(r - (air[i]! - fit.fitted[i]!)) < 1e-9), 'residuals in the data units');
  const moved = fit.update(air);
  t.ok(moved.lambda === 0 && (moved.transformed as EtsFit).alpha === inner.alpha, 'update keeps lambda and the parameters');
  t.equal(moved.fitted.length, air.length);
  t.throws(() => boxCox([1, 0, 2], 0), { name: 'InvalidArgumentError', message: /positive values.*index 1/ }, 'log of zero');
  t.throws(() => boxCox([1, -2, 2], -0.5), { name: 'InvalidArgumentError', message: /positive values/ });
  t.same(Array.from(boxCox([-8, 8], 1 / 3)).map((v) => Math.round(v * 1e12) / 1e12), [-9, 3], 'negative data with lambda > 0: sign(y)|y|^lambda');
  t.ok(Number.isNaN(invBoxCox([3], -0.5)[0]!), 'beyond the range of a negative lambda: NaN, as R');
  t.throws(() => boxCox([1, 2], NaN), { name: 'InvalidArgumentError', message: /lambda/ });
  t.throws(() => boxCox([1, NaN], 1), { name: 'InvalidArgumentError', message: /y/ });
  t.throws(() => invBoxCox([1, 2], 0.5, [0.1]), { name: 'InvalidArgumentError', message: /variance/ });
  t.throws(() => boxCoxLambda(air, 12, { lower: 2, upper: 1 }), { name: 'InvalidArgumentError', message: /options.upper/ });
  t.throws(() => withBoxCox(drift(), { lambda: 'log' as unknown as number }), { name: 'InvalidArgumentError', message: /options.lambda/ });
  t.throws(() => withBoxCox(movingAverage(3), { lambda: 0, biasadj: true }).fit(air).forecast(3), { name: 'InvalidArgumentError', message: /prediction intervals/ }, 'bias adjustment needs intervals');
});
