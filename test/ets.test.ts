/**
 * ETS against R forecast's ets() for all 15 forms of its default set, six
 * additive-error and nine multiplicative (scripts/gen-ets-r.R), and its
 * automatic choice, on AirPassengers and co2 (last 240 months, m = 12: all
 * forms), sunspots (m = 12, zeros: additive forms), Taylor (m = 48 > 24:
 * non-seasonal forms, as R) and 3,000 bitcoin minute closes (non-seasonal).
 * Same likelihood, starting values, bounds (usual + admissible) and
 * Nelder-Mead as R, so the optima coincide: AICc within 1e-6 relative,
 * smoothing parameters within 1e-4, point forecasts within 1e-8 relative
 * (measured: 1e-11 or better). Intervals (class 1, 2 and 3 variances) agree
 * to 1e-8 as well except ETS(A,N,A) and ETS(M,N,A), where R's class1() puts
 * gamma in the third state (the second seasonal) when there is no trend;
 * flowcast uses the textbook c_j = alpha + gamma [j mod m = 0]: the measured
 * difference is under 2e-4 relative (asserted), and reported in the README.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ets, type EtsModel } from '../lib/classical/ets.js';
import { nelderMead } from '../lib/numeric/nelder-mead.js';

type RModel = { par: Record<string, number>; loglik: number; aicc: number; sigma2: number; mean: number[]; lower80: number[]; upper95: number[]; residuals: number[] };
const fixture = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'r', 'ets.json'), 'utf8')) as {
  forecast: string;
  series: Record<string, { y: number[]; m: number; auto: string; auto_aicc: number; models: Record<string, RModel> }>;
};
const rel = (a: ArrayLike<number>, b: number[]) => Math.max(...b.map((v, i) => Math.abs(a[i]! - v) / Math.abs(v)));

t.test(`ETS == R forecast ${fixture.forecast} ets()`, async (t) => {
  for (const [name, s] of Object.entries(fixture.series)) {
    for (const [form, r] of Object.entries(s.models)) {
      const f = ets(s.y, { model: form as EtsModel, period: s.m });
      t.ok(Math.abs(f.aicc - r.aicc) <= 1e-6 * Math.abs(r.aicc), `${name} ${form}: AICc ${f.aicc.toFixed(4)} vs R ${r.aicc.toFixed(4)}`);
      t.ok(Math.abs(f.alpha - r.par.alpha!) <= 1e-4, `${name} ${form}: alpha ${f.alpha} vs ${r.par.alpha}`);
      if (f.beta !== null) t.ok(Math.abs(f.beta - r.par.beta!) <= 1e-4, `${name} ${form}: beta`);
      if (f.gamma !== null) t.ok(Math.abs(f.gamma - r.par.gamma!) <= 1e-4, `${name} ${form}: gamma`);
      if (f.phi !== null) t.ok(Math.abs(f.phi - r.par.phi!) <= 1e-4, `${name} ${form}: phi`);
      t.ok(Math.abs(f.sigma2 - r.sigma2) <= 1e-6 * r.sigma2, `${name} ${form}: sigma^2`);
      const fc = f.forecast(24);
      t.ok(rel(fc.mean, r.mean) <= 1e-8, `${name} ${form}: 24 point forecasts, max relative difference ${rel(fc.mean, r.mean).toExponential(1)}`);
      const tol = form === 'ANA' || form === 'MNA' ? 2e-4 : 1e-8;
      t.ok(Math.max(...r.residuals.map((v, i) => Math.abs(f.residuals[i]! - v))) <= 1e-6 * Math.max(...r.residuals.map(Math.abs)), `${name} ${form}: innovation residuals`);
      t.ok(Math.abs(f.logLik - r.loglik) <= 1e-6 * Math.abs(r.loglik), `${name} ${form}: log-likelihood`);
      t.ok(rel(fc.upper[1]!, r.upper95) <= tol && rel(fc.lower[0]!, r.lower80) <= tol, `${name} ${form}: 80/95% bounds, max relative difference ${rel(fc.upper[1]!, r.upper95).toExponential(1)}`);
    }
    const auto = ets(s.y, { period: s.m });
    t.equal(auto.name, s.auto, `${name}: automatic choice by AICc is R's ${s.auto}`);
    t.ok(Math.abs(auto.aicc - s.auto_aicc) <= 1e-6 * Math.abs(s.auto_aicc), `${name}: its AICc`);
    const top = Math.max(...s.y);
    const additive = ets(s.y.map((v) => v - top), { period: s.m });
    t.equal(additive.name[4], 'A', `${name}: data with values <= 0 get additive-error forms only (${additive.name})`);
  }
});

t.test('Nelder-Mead finds the minimum of a known function', async (t) => {
  // Rosenbrock: minimum 0 at (1, 1).
  const r = nelderMead((x) => 100 * (x[1]! - x[0]! ** 2) ** 2 + (1 - x[0]!) ** 2, [-1.2, 1], { maxit: 5000, reltol: 1e-12 });
  t.ok(Math.abs(r.x[0]! - 1) < 1e-3 && Math.abs(r.x[1]! - 1) < 1e-3, `(${r.x[0]}, ${r.x[1]}) in ${r.evaluations} evaluations`);
});

t.test('ETS: clear errors', async (t) => {
  const y = fixture.series.airpassengers!.y;
  t.throws(() => ets(y, { model: 'AAA' }), { name: 'InvalidArgumentError', message: /options.period/ });
  t.throws(() => ets(y.slice(0, 20), { model: 'AAA', period: 12 }), { name: 'InvalidArgumentError', message: /three seasons/ });
  t.throws(() => ets([5, 5, 5, 5, 5]), { name: 'InvalidArgumentError', message: /non-constant/ });
  t.throws(() => ets([1, 2]), { name: 'InvalidArgumentError', message: /at least 4 values/ });
  t.throws(() => ets([1, 2, Number.NaN, 4, 5, 6]), { name: 'InvalidArgumentError', message: /y/ }, 'NaN');
  t.throws(() => ets(y.slice(0, 30), { model: 'MAM', period: 40 }), { name: 'InvalidArgumentError', message: /three seasons/ }, 'a season longer than the data');
  t.equal(ets(y.slice(0, 30), { period: 40 }).name.endsWith(',N)'), true, "auto with a season longer than the data: non-seasonal forms only");
  t.throws(() => ets(y, { model: 'AAM' as EtsModel }), { name: 'InvalidArgumentError', message: /options.model/ }, 'additive error with a multiplicative season: restricted, as in R');
  t.throws(() => ets(y, { model: 'MMN' as EtsModel }), { name: 'InvalidArgumentError', message: /options.model/ }, 'multiplicative trend: not offered');
  t.throws(() => ets(y.map((v, i) => (i === 5 ? 0 : v)), { model: 'MNN' }), { name: 'InvalidArgumentError', message: /positive/ }, 'a multiplicative error needs positive data');
});
