/**
 * ARIMA(p, d, q)(P, D, Q)_m and regression with ARIMA errors, fitted as R's
 * forecast::Arima / stats::arima (method "CSS-ML" by default):
 *   1. regressors (intercept when d = D = 0, drift, xreg) start at least
 *      squares on the differenced series;
 *   2. conditional sum of squares: minimize 0.5 log(mean e_t^2) over the
 *      residuals after the first d + mD + p + mP steps (BFGS, numerical gradient);
 *   3. exact Gaussian likelihood by the Kalman filter (state-space.ts),
 *      maximized by BFGS over transformed parameters (stationary AR,
 *      transforms.ts), starting from the CSS estimates; MA roots inside the
 *      unit circle are reflected after the fit.
 * -2 log L = n_u (log(2 pi s2) + 1) + sum log F_t;  AIC = -2 log L + 2 (k + 1);
 * AICc = AIC + 2 k' (n* / (n* - k' - 1) - 1) and BIC = AIC + k' (log n* - 2)
 * with k' = k + 1 and n* = n - d - mD; sigma2 = sum e_t^2 / (n* - k' + 1)
 * over the standardized innovations e_t (forecast's unbiased variance).
 * Forecasts: the Kalman predictions plus the regression, intervals
 * mean +/- z sqrt(F_{T+h} sigma2).
 */
import { InvalidArgumentError } from '../core/errors.js';
import { boolean, finiteSeries, invalid, nonNegativeInteger, oneOf, optional, plainObject, positiveInteger } from '../core/validate.js';
import { bfgs, NonFiniteError, optimHessian } from '../numeric/bfgs.js';
import { inverse } from '../numeric/solve.js';
import { checkForecastArgs, normalForecast, type Baseline, type BaselineForecast, type FittedBaseline } from './simple.js';
import { arStationary, expandArma, invertMa, transformJacobian, transformPars, untransformPars, type ArmaOrder } from './arima-transforms.js';
import { differencingPolynomial, kalmanFilter, kalmanForecast, makeStateSpace, type ArimaStateSpace } from './arima-state-space.js';
import { regressionResiduals, regressionStart, rightSingularVectors, rotate } from './arima-regression.js';

export type ArimaMethod = 'CSS-ML' | 'ML' | 'CSS';

export interface ArimaOptions {
  /** [p, d, q]; default [0, 0, 0]. */
  order?: readonly [number, number, number];
  /** Seasonal [P, D, Q] and the season length m (> 1). */
  seasonal?: { order: readonly [number, number, number]; period: number };
  /** A constant when d = D = 0 (default true). */
  includeMean?: boolean;
  /** A linear trend term (drift) when d + D <= 1 (default false). */
  includeDrift?: boolean;
  /** Regressors, one array per covariate, each as long as y (ARIMAX: regression with ARIMA errors). */
  xreg?: ReadonlyArray<ArrayLike<number>>;
  method?: ArimaMethod;
}

export interface ArimaFit extends FittedBaseline {
  /** [p, d, q] and [P, D, Q], m. */
  order: [number, number, number];
  seasonalOrder: [number, number, number];
  period: number;
  /** Coefficients by R's names: ar1.., ma1.., sar1.., sma1.., intercept, drift, xreg names. */
  coef: Record<string, number>;
  /**
   * Covariance of the coefficients (row-major, coefficient order), from the
   * numerical Hessian of the likelihood as R's var.coef; null when that
   * Hessian is singular or the fit came from update().
   */
  varCoef: Float64Array | null;
  /** Standard errors sqrt(diag(varCoef)); NaN where a variance is negative (R's checkarima rejects such fits). */
  se: Record<string, number>;
  loglik: number;
  /** NaN for method 'CSS' (no likelihood). */
  aic: number;
  aicc: number;
  bic: number;
  sigma2: number;
  /** Observations after differencing, n - d - mD. */
  nobs: number;
  method: ArimaMethod;
  /** false when an optimizer stopped on its iteration limit. */
  converged: boolean;
  forecast(h: number, options?: { level?: number[]; xreg?: ReadonlyArray<ArrayLike<number>> }): BaselineForecast;
  /** The same coefficients and sigma2 filtered through a longer (or other) history. */
  update(y: ArrayLike<number>, options?: { xreg?: ReadonlyArray<ArrayLike<number>> }): ArimaFit;
}

interface Spec {
  o: ArmaOrder;
  d: number;
  D: number;
  intercept: boolean;
  drift: boolean;
  xregNames: string[];
  method: ArimaMethod;
}

/** R forecast's model label (arima.string). */
function arimaName(s: Spec): string {
  const { o, d, D } = s;
  let name = `ARIMA(${o.p},${d},${o.q})`;
  if (o.P + D + o.Q > 0) name += `(${o.P},${D},${o.Q})[${o.m}]`;
  if (s.xregNames.length) return `Regression with ${name} errors`;
  if (s.drift) return `${name} with drift`;
  if (d + D === 0) return `${name} ${s.intercept ? 'with non-zero mean' : 'with zero mean'}`;
  return name;
}

function coefNames(s: Spec): string[] {
  const { p, q, P, Q } = s.o;
  const names: string[] = [];
  for (let i = 1; i <= p; i++) names.push(`ar${i}`);
  for (let i = 1; i <= q; i++) names.push(`ma${i}`);
  for (let i = 1; i <= P; i++) names.push(`sar${i}`);
  for (let i = 1; i <= Q; i++) names.push(`sma${i}`);
  if (s.intercept) names.push('intercept');
  if (s.drift) names.push('drift');
  return names.concat(s.xregNames);
}

/** Regressor columns for t = start+1 .. start+n: intercept, drift (time index), then xreg. */
function designColumns(s: Spec, n: number, start: number, xreg: Float64Array[]): Float64Array[] {
  const cols: Float64Array[] = [];
  if (s.intercept) cols.push(new Float64Array(n).fill(1));
  if (s.drift) cols.push(Float64Array.from({ length: n }, (_, t) => start + t + 1));
  return cols.concat(xreg);
}

/** Conditional sum of squares mean of the ARMA residuals after ncond steps (R's ARIMA_CSS). */
function cssMean(w0: Float64Array, s: Spec, phi: Float64Array, theta: Float64Array, ncond: number, resid?: Float64Array): number {
  const n = w0.length;
  const w = Float64Array.from(w0);
  for (let i = 0; i < s.d; i++) for (let t = n - 1; t > 0; t--) w[t] = w[t]! - w[t - 1]!;
  const m = s.o.m;
  for (let i = 0; i < s.D; i++) for (let t = n - 1; t >= m; t--) w[t] = w[t]! - w[t - m]!;
  const e = resid ?? new Float64Array(n);
  e.fill(0, 0, ncond);
  const p = phi.length;
  const q = theta.length;
  let ssq = 0;
  let used = 0;
  for (let t = ncond; t < n; t++) {
    let v = w[t]!;
    for (let j = 0; j < p; j++) v -= phi[j]! * w[t - j - 1]!;
    const jm = Math.min(t - ncond, q);
    for (let j = 0; j < jm; j++) v -= theta[j]! * e[t - j - 1]!;
    e[t] = v;
    if (!Number.isNaN(v)) {
      used++;
      ssq += v * v;
    }
  }
  return ssq / used;
}

function checkSeries(name: string, v: unknown, length?: number): Float64Array {
  const a = finiteSeries(name, v);
  if (length !== undefined && a.length !== length) throw new InvalidArgumentError(name, `Expected ${length} values for ${name} but received ${a.length}`);
  return a;
}

function checkXreg(v: unknown, length: number, name = 'options.xreg'): Float64Array[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw invalid(name, 'an array of covariate columns', v);
  return v.map((c, j) => checkSeries(`${name}[${j}]`, c, length));
}

function invertMaBlocks(par: Float64Array, o: ArmaOrder): Float64Array {
  const out = Float64Array.from(par);
  if (o.q > 0) out.set(invertMa(par.subarray(o.p, o.p + o.q)), o.p);
  if (o.Q > 0) out.set(invertMa(par.subarray(o.p + o.q + o.P, o.p + o.q + o.P + o.Q)), o.p + o.q + o.P);
  return out;
}

/** The state-space model of coefficient vector coef (untransformed), or an error. */
function stateSpaceOf(coef: ArrayLike<number>, s: Spec, delta: Float64Array): ArimaStateSpace {
  const { phi, theta } = expandArma(coef, s.o);
  const model = makeStateSpace(phi, theta, delta);
  if (model === null) throw new InvalidArgumentError('y', 'Expected y to give a stationary AR part, but the fitted AR part is not stationary');
  return model;
}

interface Estimate {
  coef: Float64Array;
  value: number;
  converged: boolean;
  /** Covariance of the coefficients (row-major), null when the Hessian is singular. */
  varCoef: Float64Array | null;
}

/** J' (n H)^-1 J, or null when H is singular. */
function covariance(H: Float64Array, nUsed: number, J: Float64Array | null, k: number): Float64Array | null {
  const inv = inverse(H.map((v) => v * nUsed), k);
  if (inv === null || J === null) return inv;
  const out = new Float64Array(k * k);
  for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) {
    let s = 0;
    for (let i = 0; i < k; i++) {
      const jia = J[i * k + a]!;
      if (jia === 0) continue;
      for (let j = 0; j < k; j++) s += jia * inv[i * k + j]! * J[j * k + b]!;
    }
    out[a * k + b] = s;
  }
  return out;
}

/**
 * R's BFGS (optim defaults: maxit 100, reltol 1.5e-8), restarted once from
 * where it stopped when it ran out of iterations. Near-cancelling AR and MA
 * roots leave a long, flat ridge on which the inverse-Hessian estimate goes
 * stale; a fresh start usually converges in a few dozen more gradients (R
 * reports such fits with optim code 1 and keeps them). Fits that converge
 * the first time follow R's path exactly.
 */
function minimize(fn: (par: Float64Array) => number, init: Float64Array, parscale: Float64Array): { par: Float64Array; value: number; converged: boolean } {
  const first = bfgs(fn, init, { parscale });
  return first.converged ? first : bfgs(fn, first.par, { parscale });
}

function estimate(x: Float64Array, s: Spec, cols: Float64Array[], delta: Float64Array): Estimate {
  const { o } = s;
  const narma = o.p + o.q + o.P + o.Q;
  const k = cols.length;
  let X = cols;
  let V: Float64Array | null = null;
  if (k > 1) {
    V = rightSingularVectors(cols);
    X = rotate(cols, V);
  }
  let init: Float64Array = new Float64Array(narma + k);
  const parscale = new Float64Array(narma + k).fill(1);
  if (k > 0) {
    const start = regressionStart(x, X, s.d, s.D, o.m);
    init.set(start.coef, narma);
    parscale.set(start.scale, narma);
  }
  const ncond = s.d + s.D * o.m + o.p + o.m * o.P;
  const css = (par: Float64Array) => {
    const { phi, theta } = expandArma(par, o);
    return 0.5 * Math.log(cssMean(k ? regressionResiduals(x, X, par, narma) : x, s, phi, theta, ncond));
  };
  const ml = (par: Float64Array) => {
    const { phi, theta } = expandArma(transformPars(par, o), o);
    const model = makeStateSpace(phi, theta, delta);
    if (model === null) return Number.MAX_VALUE;
    const f = kalmanFilter(model, k ? regressionResiduals(x, X, par, narma) : x, false);
    return 0.5 * (Math.log(f.ssq / f.used) + f.sumlog / f.used);
  };
  const nUsed = x.length - delta.length;
  const npar = narma + k;
  // Regression coefficients (and their covariance) back from the rotated columns: b = V c.
  const unrotate = (coef: Float64Array) => {
    if (V === null) return coef;
    const out = Float64Array.from(coef);
    for (let i = 0; i < k; i++) {
      let v = 0;
      for (let j = 0; j < k; j++) v += V[i * k + j]! * coef[narma + j]!;
      out[narma + i] = v;
    }
    return out;
  };
  const unrotateVar = (cov: Float64Array | null) => {
    if (V === null || cov === null) return cov;
    const R = new Float64Array(npar * npar);
    for (let i = 0; i < narma; i++) R[i * npar + i] = 1;
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) R[(narma + i) * npar + narma + j] = V[i * k + j]!;
    const out = new Float64Array(npar * npar);
    for (let a = 0; a < npar; a++) for (let b = 0; b < npar; b++) {
      let sum = 0;
      for (let i = 0; i < npar; i++) for (let j = 0; j < npar; j++) sum += R[a * npar + i]! * cov[i * npar + j]! * R[b * npar + j]!;
      out[a * npar + b] = sum;
    }
    return out;
  };
  if (s.method === 'CSS') {
    if (npar === 0) return { coef: init, value: css(init), converged: true, varCoef: new Float64Array(0) };
    const res = minimize(css, init, parscale);
    const varCoef = covariance(optimHessian(css, res.par, { parscale }), nUsed, null, npar);
    return { coef: unrotate(res.par), value: res.value, converged: res.converged, varCoef: unrotateVar(varCoef) };
  }
  let converged = true;
  if (s.method === 'CSS-ML' && narma + k > 0) {
    const res = bfgs(css, init, { parscale });
    if (res.converged) init = res.par;
    if (!arStationary(init.subarray(0, o.p)) || !arStationary(init.subarray(o.p + o.q, o.p + o.q + o.P))) {
      throw new InvalidArgumentError('y', 'Expected y to give a stationary AR part, but the conditional-sum-of-squares start is non-stationary; try another order or method "ML"');
    }
  }
  init = invertMaBlocks(untransformPars(init, o), o);
  if (npar === 0) return { coef: init, value: ml(init), converged, varCoef: new Float64Array(0) };
  const res = minimize(ml, init, parscale);
  let coef: Float64Array = invertMaBlocks(res.par, o);
  const value = coef.some((v, i) => v !== res.par[i]) ? ml(coef) : res.value;
  // Delta method through the transform: var = J' (n_u H)^-1 J at the raw optimum.
  const varCoef = covariance(optimHessian(ml, coef, { parscale }), nUsed, transformJacobian(coef, o), npar);
  coef = transformPars(coef, o);
  return { coef: unrotate(coef), value, converged: converged && res.converged, varCoef: unrotateVar(varCoef) };
}

/** What model selection needs beyond the public fit: stats::arima's own sigma2. */
export interface ArimaDetails {
  /** stats::arima's sigma2: sum v^2/F / n_u (ML) or the CSS mean square. */
  rawSigma2: number;
}
const details = new WeakMap<ArimaFit, ArimaDetails>();
export function arimaDetails(fit: ArimaFit): ArimaDetails {
  return details.get(fit)!;
}

function build(x: Float64Array, xreg: Float64Array[], s: Spec, coef: Float64Array, varCoef: Float64Array | null, sigma2Fixed: number | null, value: number | null, converged: boolean): ArimaFit {
  const { o } = s;
  const n = x.length;
  const narma = o.p + o.q + o.P + o.Q;
  const names = coefNames(s);
  const delta = differencingPolynomial(s.d, s.D, o.m);
  const cols = designColumns(s, n, 0, xreg);
  const u = cols.length ? regressionResiduals(x, cols, coef, narma) : x;
  const model = stateSpaceOf(coef, s, delta);
  const filtered = kalmanFilter(model, u, true);
  let residuals = filtered.residuals!;
  const nUsed = n - delta.length;
  const npar = names.length + 1;
  const nstar = n - s.d - s.D * o.m;
  let objective: number;
  let rawSigma2 = filtered.ssq / nUsed;
  if (s.method === 'CSS') {
    const { phi, theta } = expandArma(coef, o);
    const e = new Float64Array(n);
    const mse = cssMean(u, s, phi, theta, s.d + s.D * o.m + o.p + o.m * o.P, e);
    residuals = e;
    rawSigma2 = mse;
    objective = value ?? 0.5 * Math.log(mse);
  } else {
    objective = value ?? 0.5 * (Math.log(filtered.ssq / filtered.used) + filtered.sumlog / filtered.used);
  }
  const m2ll = 2 * nUsed * objective + nUsed + nUsed * Math.log(2 * Math.PI);
  const aic = s.method === 'CSS' ? NaN : m2ll + 2 * (names.length + 1);
  let ss = 0;
  for (const e of residuals) ss += e * e;
  const sigma2 = sigma2Fixed ?? ss / (nstar - npar + 1);
  if (!(sigma2 > 0) || !Number.isFinite(m2ll)) throw new InvalidArgumentError('y', 'Expected a series y with some variation left after differencing, but the model fits it exactly');
  const coefRecord: Record<string, number> = {};
  names.forEach((nm, i) => (coefRecord[nm] = coef[i]!));
  const fitted = Float64Array.from(x, (v, t) => v - residuals[t]!);
  const fit: ArimaFit = {
    name: arimaName(s),
    order: [o.p, s.d, o.q],
    seasonalOrder: [o.P, s.D, o.Q],
    period: o.m,
    coef: coefRecord,
    varCoef,
    se: Object.fromEntries(names.map((nm, i) => [nm, varCoef ? Math.sqrt(varCoef[i * names.length + i]!) : NaN])),
    loglik: -0.5 * m2ll,
    aic,
    aicc: aic + 2 * npar * (nstar / (nstar - npar - 1) - 1),
    bic: aic + npar * (Math.log(nstar) - 2),
    sigma2,
    nobs: nstar,
    method: s.method,
    converged,
    fitted,
    residuals,
    forecast(h, options = {}) {
      const { h: steps, level } = checkForecastArgs(h, options);
      if (s.xregNames.length && options.xreg === undefined) throw invalid('options.xreg', `${s.xregNames.length} future covariate column(s) of ${steps} values`, undefined);
      const future = checkXreg(options.xreg, steps);
      if (future.length !== s.xregNames.length) throw invalid('options.xreg', `${s.xregNames.length} covariate column(s)`, options.xreg);
      const { mean, variance } = kalmanForecast(model, steps);
      designColumns(s, steps, n, future).forEach((c, j) => {
        for (let t = 0; t < steps; t++) mean[t] = mean[t]! + coef[narma + j]! * c[t]!;
      });
      return normalForecast(mean, variance.map((v) => Math.sqrt(v * sigma2)), level);
    },
    update(y, options = {}) {
      plainObject('options', options);
      const next = checkSeries('y', y);
      if (next.length <= delta.length) throw new InvalidArgumentError('y', `Expected more than ${delta.length} values for y but received ${next.length}`);
      const nx = checkXreg(options.xreg, next.length);
      if (nx.length !== s.xregNames.length) throw invalid('options.xreg', `${s.xregNames.length} covariate column(s)`, options.xreg);
      return build(next, nx, s, coef, null, sigma2, null, converged);
    },
  };
  details.set(fit, { rawSigma2 });
  return fit;
}

function order3(name: string, v: unknown): [number, number, number] {
  if (!Array.isArray(v) || v.length !== 3) throw invalid(name, 'an array of three non-negative integers', v);
  return [nonNegativeInteger(`${name}[0]`, v[0]), nonNegativeInteger(`${name}[1]`, v[1]), nonNegativeInteger(`${name}[2]`, v[2])];
}

/**
 * Fits an ARIMA model (R's forecast::Arima).
 * @example arima(passengers, { order: [0, 1, 1], seasonal: { order: [0, 1, 1], period: 12 } }).forecast(24)
 * @throws InvalidArgumentError for bad orders, NaN or too little data, a constant series
 */
export function arima(y: ArrayLike<number>, options: ArimaOptions = {}): ArimaFit {
  plainObject('options', options);
  const x = checkSeries('y', y);
  const [p, d, q] = optional(options.order, [0, 0, 0] as [number, number, number], (v) => order3('options.order', v));
  let P = 0;
  let D = 0;
  let Q = 0;
  let m = 1;
  if (options.seasonal !== undefined) {
    plainObject('options.seasonal', options.seasonal);
    [P, D, Q] = order3('options.seasonal.order', options.seasonal.order);
    m = positiveInteger('options.seasonal.period', options.seasonal.period);
    if (P + D + Q > 0 && m < 2) throw invalid('options.seasonal.period', 'a season length > 1 for a seasonal order', m);
  }
  if (P + D + Q === 0) m = 1;
  const includeMean = optional(options.includeMean, true, (v) => boolean('options.includeMean', v));
  const drift = optional(options.includeDrift, false, (v) => boolean('options.includeDrift', v));
  if (drift && d + D > 1) throw invalid('options.includeDrift', 'false when the model differences twice or more (the drift is not identifiable)', drift);
  const method = optional(options.method, 'CSS-ML' as ArimaMethod, (v) => oneOf('options.method', v, ['CSS-ML', 'ML', 'CSS'] as const));
  const xreg = checkXreg(options.xreg, x.length);
  const s: Spec = {
    o: { p, q, P, Q, m },
    d,
    D,
    intercept: includeMean && d + D === 0,
    drift,
    xregNames: xreg.map((_, j) => (xreg.length === 1 ? 'xreg' : `xreg${j + 1}`)),
    method,
  };
  const npar = p + q + P + Q + (s.intercept ? 1 : 0) + (drift ? 1 : 0) + xreg.length + 1;
  const nstar = x.length - d - D * m;
  if (nstar - npar - 1 <= 0) {
    throw new InvalidArgumentError('y', `Expected more than ${d + D * m + npar + 1} values for y to fit ${arimaName(s)} (${npar} parameters after ${d + D * m} lost to differencing) but received ${x.length}`);
  }
  if (x.every((v) => v === x[0])) throw new InvalidArgumentError('y', 'Expected a non-constant series for y but received a constant one');
  const delta = differencingPolynomial(d, D, m);
  const cols = designColumns(s, x.length, 0, xreg);
  let est: Estimate;
  try {
    est = estimate(x, s, cols, delta);
  } catch (err) {
    if (err instanceof NonFiniteError) throw new InvalidArgumentError('y', `Expected y to be fitted by ${arimaName(s)}, but the optimizer met a ${err.message}`);
    throw err;
  }
  return build(x, xreg, s, est.coef, est.varCoef, null, est.value, est.converged);
}

/** ARIMA of fixed orders as a Baseline (fit / forecast / update), for tables and backtests. */
export function arimaBaseline(options: Omit<ArimaOptions, 'xreg'> = {}): Baseline {
  const o = options.order ?? [0, 0, 0];
  return { name: `ARIMA(${o.join(',')})`, fit: (y) => arima(y, options) };
}
