/**
 * Unit-root and stationarity tests, as statsmodels 0.13 computes them.
 *
 * adf(y, { regression, maxLag }) — Augmented Dickey-Fuller:
 *   dy_t = [const, t, t^2] + g y_{t-1} + sum_{i=1..p} d_i dy_{t-i} + e_t,
 *   statistic = g_hat / se(g_hat). The lag order p minimizes the AIC
 *   (n log(2 pi SSR / n) + n + 2 k) over 0..maxLag, all fitted on the same
 *   rows (those the longest lag allows); the chosen order is refitted on all
 *   the rows it allows. maxLag defaults to ceil(12 (n/100)^(1/4)), capped at
 *   n/2 - trend terms - 1. p-value: MacKinnon's (1994) response surface,
 *   Phi(sum c_i stat^i); critical values from MacKinnon (2010) at the
 *   regression's sample size.
 * kpss(y, { regression, lags }) — KPSS: residuals of y on a constant (or
 *   constant and trend), eta = sum(S_t^2) / n^2 over their partial sums,
 *   divided by the Newey-West long-run variance with Bartlett weights; lags
 *   'auto' (Hobijn et al. 1998), 'legacy' (ceil(12 (n/100)^(1/4))) or a
 *   number; p-value interpolated in KPSS's table (0.10 .. 0.01, clamped).
 */
import { InvalidArgumentError } from '../core/errors.js';
import { finiteSeries, invalid, nonNegativeInteger, oneOf, optional, plainObject } from '../core/validate.js';
import { ols } from './ols.js';

export type AdfRegression = 'n' | 'c' | 'ct' | 'ctt';

export interface AdfResult {
  statistic: number;
  pValue: number;
  /** The lag order used (chosen by AIC unless given). */
  usedLag: number;
  /** Rows in the final regression. */
  nobs: number;
  criticalValues: { '1%': number; '5%': number; '10%': number };
  /** The minimum AIC of the lag search (null with a fixed lag). */
  icBest: number | null;
}

// MacKinnon (1994) p-value polynomials and bounds for N = 1 (statsmodels adfvalues).
const TAU_MAX: Record<AdfRegression, number> = { n: Infinity, c: 2.74, ct: 0.7, ctt: 0.54 };
const TAU_MIN: Record<AdfRegression, number> = { n: -19.04, c: -18.83, ct: -16.18, ctt: -17.17 };
const TAU_STAR: Record<AdfRegression, number> = { n: -1.04, c: -1.61, ct: -2.89, ctt: -3.21 };
const TAU_SMALLP: Record<AdfRegression, number[]> = {
  n: [0.6344, 1.2378, 0.032496],
  c: [2.1659, 1.4412, 0.038269],
  ct: [3.2512, 1.6047, 0.049588],
  ctt: [4.0003, 1.658, 0.048288],
};
const TAU_LARGEP: Record<AdfRegression, number[]> = {
  n: [0.4797, 0.93557, -0.06999, 0.033066],
  c: [1.7339, 0.93202, -0.12745, -0.010368],
  ct: [2.5261, 0.61654, -0.37956, -0.060285],
  ctt: [3.0778, 0.49529, -0.41477, -0.059359],
};
// MacKinnon (2010) critical values for N = 1: 1%, 5%, 10% as c0 + c1/n + c2/n^2 + c3/n^3.
const TAU_2010: Record<AdfRegression, number[][]> = {
  n: [[-2.56574, -2.2358, -3.627, 0], [-1.941, -0.2686, -3.365, 31.223], [-1.61682, 0.2656, -2.714, 25.364]],
  c: [[-3.43035, -6.5393, -16.786, -79.433], [-2.86154, -2.8903, -4.234, -40.04], [-2.56677, -1.5384, -2.809, 0]],
  ct: [[-3.95877, -9.0531, -28.428, -134.155], [-3.41049, -4.3904, -9.036, -45.374], [-3.12705, -2.5856, -3.925, -22.38]],
  ctt: [[-4.37113, -11.5882, -35.819, -334.047], [-3.83239, -5.9057, -12.49, -118.284], [-3.55326, -3.6596, -5.293, -63.559]],
};

/**
 * Standard normal CDF. |x| < 3: 0.5 + phi(x) sum_n x^(2n+1) / (1 3 5 .. (2n+1));
 * beyond, the tail phi(z) / (z + 1/(z + 2/(z + 3/(z + ...)))) (Laplace's continued
 * fraction, evaluated backwards), so far tails keep their relative accuracy.
 */
export function pnorm(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const z = Math.abs(x);
  const phi = Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
  if (z < 3) {
    let term = x;
    let sum = x;
    for (let n = 1; n < 200 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
      term *= (x * x) / (2 * n + 1);
      sum += term;
    }
    return 0.5 + phi * sum;
  }
  let cf = z;
  for (let k = 120; k >= 1; k--) cf = z + k / cf;
  const tail = phi / cf;
  return x < 0 ? tail : 1 - tail;
}

/** A non-constant series of at least min values. */
function checkSeries(y: unknown, min: number, what: string): Float64Array {
  const v = finiteSeries('y', y, min, what);
  if (v.every((x) => x === v[0])) throw new InvalidArgumentError('y', `Expected a non-constant series for ${what} but received ${v.length} copies of ${v[0]}`);
  return v;
}

/** MacKinnon's approximate p-value of an ADF statistic. */
export function mackinnonP(stat: number, regression: AdfRegression): number {
  if (stat > TAU_MAX[regression]) return 1;
  if (stat < TAU_MIN[regression]) return 0;
  const c = stat <= TAU_STAR[regression] ? TAU_SMALLP[regression] : TAU_LARGEP[regression];
  let v = 0;
  for (let i = c.length - 1; i >= 0; i--) v = v * stat + c[i]!;
  return pnorm(v);
}

/**
 * The ADF regression's design for lag p on rows t = start .. n-1 of the
 * differenced series (row r: dy[t], with t the index into dy).
 */
function adfDesign(y: Float64Array, regression: AdfRegression, lags: number, first: number) {
  const dy = new Float64Array(y.length - 1);
  for (let t = 1; t < y.length; t++) dy[t - 1] = y[t]! - y[t - 1]!;
  const nTrend = regression === 'n' ? 0 : regression.length;
  const k = 1 + lags + nTrend;
  const rows = dy.length - first;
  const X = new Float64Array(rows * k);
  const target = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const t = first + r;
    target[r] = dy[t]!;
    X[r * k] = y[t]!; // the level y_{t-1} in dy[t] = y[t+1] - y[t]
    for (let i = 1; i <= lags; i++) X[r * k + i] = dy[t - i]!;
    if (nTrend >= 1) X[r * k + 1 + lags] = 1;
    if (nTrend >= 2) X[r * k + 2 + lags] = r + 1;
    if (nTrend >= 3) X[r * k + 3 + lags] = (r + 1) ** 2;
  }
  return { X, target, rows, k };
}

/**
 * @param options regression 'c' (default), 'ct', 'ctt' or 'n'; maxLag; autolag 'aic' (default) or null (use maxLag)
 * @throws InvalidArgumentError for short, constant or non-finite series, or a maxLag too long for the data
 * @example adf(prices).pValue // > 0.05: cannot reject a unit root
 */
export function adf(y: ArrayLike<number>, options: { regression?: AdfRegression; maxLag?: number; autolag?: 'aic' | null } = {}): AdfResult {
  plainObject('options', options);
  const regression = optional(options.regression, 'c' as AdfRegression, (v) => oneOf('options.regression', v, ['n', 'c', 'ct', 'ctt'] as const));
  const x = checkSeries(y, 6, 'the ADF test');
  const n = x.length;
  const nTrend = regression === 'n' ? 0 : regression.length;
  const cap = Math.floor(n / 2) - nTrend - 1;
  let maxLag: number;
  if (options.maxLag === undefined) {
    maxLag = Math.min(cap, Math.ceil(12 * (n / 100) ** 0.25));
    if (maxLag < 0) throw new InvalidArgumentError('y', `Expected more values for the ADF test with regression '${regression}' but received ${n}`);
  } else {
    maxLag = nonNegativeInteger('options.maxLag', options.maxLag);
    if (maxLag > cap) throw invalid('options.maxLag', `at most ${cap} (n/2 - 1 - trend terms) for ${n} values`, maxLag);
  }
  const autolag = options.autolag === undefined ? 'aic' : options.autolag;
  let usedLag = maxLag;
  let icBest: number | null = null;
  if (autolag === 'aic') {
    // Every lag order on the same rows: those the longest lag allows.
    for (let p = 0; p <= maxLag; p++) {
      const { X, target, rows, k } = adfDesign(x, regression, p, maxLag);
      // The lag columns beyond p are absent: exactly statsmodels' exog[:, :lag].
      const fit = ols(X, rows, k, target);
      const aic = rows * (Math.log((2 * Math.PI * fit.ssr) / rows) + 1) + 2 * k;
      if (icBest === null || aic < icBest) {
        icBest = aic;
        usedLag = p;
      }
    }
  } else if (autolag !== null) {
    throw invalid('options.autolag', "'aic' or null", autolag);
  }
  const { X, target, rows, k } = adfDesign(x, regression, usedLag, usedLag);
  const fit = ols(X, rows, k, target);
  const statistic = fit.coef[0]! / fit.stdError(0);
  const crit = TAU_2010[regression].map((c) => c[0]! + c[1]! / rows + c[2]! / rows ** 2 + c[3]! / rows ** 3);
  return {
    statistic,
    pValue: mackinnonP(statistic, regression),
    usedLag,
    nobs: rows,
    criticalValues: { '1%': crit[0]!, '5%': crit[1]!, '10%': crit[2]! },
    icBest,
  };
}

export interface KpssResult {
  statistic: number;
  /** Interpolated in [0.01, 0.10]: a value at an end means "at most" (0.01) or "at least" (0.10). */
  pValue: number;
  lags: number;
  criticalValues: { '10%': number; '5%': number; '2.5%': number; '1%': number };
}

/**
 * @param options regression 'c' (level stationarity, default) or 'ct' (trend); lags 'auto' (default), 'legacy' or a number
 * @example kpss(prices).pValue // < 0.05: reject stationarity
 */
export function kpss(y: ArrayLike<number>, options: { regression?: 'c' | 'ct'; lags?: 'auto' | 'legacy' | number } = {}): KpssResult {
  plainObject('options', options);
  const regression = optional(options.regression, 'c' as 'c' | 'ct', (v) => oneOf('options.regression', v, ['c', 'ct'] as const));
  const x = checkSeries(y, 3, 'the KPSS test');
  const n = x.length;
  let resid: Float64Array;
  let crit: number[];
  if (regression === 'ct') {
    const X = new Float64Array(n * 2);
    for (let t = 0; t < n; t++) {
      X[t * 2] = 1;
      X[t * 2 + 1] = t + 1;
    }
    resid = ols(X, n, 2, x).resid;
    crit = [0.119, 0.146, 0.176, 0.216];
  } else {
    const mean = x.reduce((s, v) => s + v, 0) / n;
    resid = x.map((v) => v - mean);
    crit = [0.347, 0.463, 0.574, 0.739];
  }
  const dot = (i: number) => {
    let s = 0;
    for (let t = i; t < n; t++) s += resid[t]! * resid[t - i]!;
    return s;
  };
  const lagsOption = options.lags ?? 'auto';
  let lags: number;
  if (lagsOption === 'legacy') {
    lags = Math.min(Math.ceil(12 * (n / 100) ** 0.25), n - 1);
  } else if (lagsOption === 'auto') {
    // Hobijn et al. (1998), as statsmodels' _kpss_autolag.
    const covlags = Math.floor(n ** (2 / 9));
    let s0 = dot(0) / n;
    let s1 = 0;
    for (let i = 1; i <= covlags; i++) {
      const p = dot(i) / (n / 2);
      s0 += p;
      s1 += i * p;
    }
    const sHat = s1 / s0;
    lags = Math.min(Math.floor(1.1447 * (sHat * sHat) ** (1 / 3) * n ** (1 / 3)), n - 1);
  } else {
    lags = nonNegativeInteger('options.lags', lagsOption);
    if (lags >= n) throw invalid('options.lags', `fewer than ${n} (the number of values)`, lags);
  }
  let cum = 0;
  let eta = 0;
  for (let t = 0; t < n; t++) {
    cum += resid[t]!;
    eta += cum * cum;
  }
  eta /= n * n;
  let s = dot(0);
  for (let i = 1; i <= lags; i++) s += 2 * dot(i) * (1 - i / (lags + 1));
  s /= n;
  const statistic = eta / s;
  // np.interp(stat, crit, [0.10, 0.05, 0.025, 0.01]), clamped at both ends.
  const pvals = [0.1, 0.05, 0.025, 0.01];
  let pValue: number;
  if (statistic <= crit[0]!) pValue = pvals[0]!;
  else if (statistic >= crit[3]!) pValue = pvals[3]!;
  else {
    let i = 0;
    while (statistic > crit[i + 1]!) i++;
    const f = (statistic - crit[i]!) / (crit[i + 1]! - crit[i]!);
    pValue = pvals[i]! + f * (pvals[i + 1]! - pvals[i]!);
  }
  return { statistic, pValue, lags, criticalValues: { '10%': crit[0]!, '5%': crit[1]!, '2.5%': crit[2]!, '1%': crit[3]! } };
}

/**
 * How many first differences make the series stationary, as R forecast's
 * ndiffs (test 'kpss'): difference while KPSS (lags trunc(3 sqrt(n) / 13),
 * level or trend stationarity) rejects at `alpha`, at most `maxD` times; a
 * constant series needs none.
 * @example ndiffs(prices) // 1 for a random walk
 */
export function ndiffs(y: ArrayLike<number>, options: { alpha?: number; type?: 'level' | 'trend'; maxD?: number } = {}): number {
  plainObject('options', options);
  const alpha = optional(options.alpha, 0.05, (v) => {
    if (!(typeof v === 'number' && v >= 0.01 && v <= 0.1)) throw invalid('options.alpha', 'number in [0.01, 0.1] (the KPSS table)', v);
    return v;
  });
  const type = optional(options.type, 'level' as 'level' | 'trend', (v) => oneOf('options.type', v, ['level', 'trend'] as const));
  const maxD = optional(options.maxD, 2, (v) => nonNegativeInteger('options.maxD', v));
  let x = finiteSeries('y', y);
  const constant = (v: Float64Array) => v.every((e) => e === v[0]);
  const rejects = (v: Float64Array) =>
    kpss(v, { regression: type === 'level' ? 'c' : 'ct', lags: Math.trunc((3 * Math.sqrt(v.length)) / 13) }).pValue < alpha;
  let d = 0;
  if (x.length < 3 || constant(x)) return 0;
  while (d < maxD && rejects(x)) {
    d++;
    x = x.subarray(1).map((v, i) => v - x[i]!);
    if (x.length < 3 || constant(x)) return d;
  }
  return d;
}
