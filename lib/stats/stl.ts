/**
 * STL: seasonal-trend decomposition by loess (Cleveland, Cleveland, McRae
 * and Terpenning 1990), the algorithm of R's stl() with its defaults:
 * each inner pass
 *   1. detrends, y - T;
 *   2. smooths each cycle-subseries (all values at the same phase) by loess
 *      of span n_s and degree 0, extended one period at both ends;
 *   3. low-passes that by moving averages of n_p, n_p and 3, then loess
 *      (span n_l), and removes the low-pass from it: the seasonal S;
 *   4. smooths the deseasonalized y - S by loess (span n_t): the trend T.
 * Loess fits are computed every `jump` points and linearly interpolated
 * between them. Tricube weights w = (1 - (|i - x| / h)^3)^3 within
 * 0.999 h, weight 1 within 0.001 h; degree 1 adds the weighted linear term.
 * Without robustness: two inner passes (R's robust = FALSE). With
 * robustness: one inner pass, then 15 times robustness weights from the
 * remainder r = y - S - T and another pass in which every cycle-subseries
 * and trend loess multiplies its tricube weights by them (R's robust = TRUE):
 *   rho_i = B(|r_i| / (6 median |r|)),  B(u) = (1 - u^2)^2 for u < 1, else 0
 * (1 within 0.001, 0 beyond 0.999). A 'periodic' sWindow is R's
 * s.window = "periodic": span 10 n + 1, degree 0, then each phase's
 * seasonal values replaced by their mean.
 */
import { InvalidArgumentError } from '../core/errors.js';
import { sampleVariance } from './moments.js';
import { boolean, finiteSeries, invalid, optional, plainObject, positiveInteger } from '../core/validate.js';

export interface StlOptions {
  /** Seasonal span n_s (odd, >= 3), or 'periodic' for a seasonal pattern that never changes. */
  sWindow: number | 'periodic';
  sDegree?: 0 | 1;
  /** Trend span; default the next odd of ceil(1.5 n_p / (1 - 1.5 / n_s)). */
  tWindow?: number;
  tDegree?: 0 | 1;
  /** Low-pass span; default the next odd of n_p. */
  lWindow?: number;
  lDegree?: 0 | 1;
  sJump?: number;
  tJump?: number;
  lJump?: number;
  /** Robustness iterations, which downweight outliers (default false). */
  robust?: boolean;
}

export interface StlResult {
  seasonal: Float64Array;
  trend: Float64Array;
  remainder: Float64Array;
  /** Final robustness weights in [0, 1] (all 1 without robust). */
  weights: Float64Array;
}

const nextOdd = (x: number) => {
  const r = Math.round(x);
  return r % 2 === 0 ? r + 1 : r;
};

/**
 * Weighted local fit at abscissa xs (1-based) over y[nleft-1 .. nright-1],
 * tricube weights times the robustness weights rw when given; false when
 * every weight is zero.
 */
function loessPoint(y: Float64Array, n: number, len: number, degree: number, xs: number, nleft: number, nright: number, w: Float64Array, rw: Float64Array | null, out: { v: number }): boolean {
  const range = n - 1;
  let h = Math.max(xs - nleft, nright - xs);
  if (len > n) h += Math.trunc((len - n) / 2);
  const h9 = 0.999 * h;
  const h1 = 0.001 * h;
  let a = 0;
  for (let j = nleft - 1; j < nright; j++) {
    const r = Math.abs(j + 1 - xs);
    if (r <= h9) {
      w[j] = r <= h1 ? 1 : (1 - (r / h) ** 3) ** 3;
      if (rw !== null) w[j] = rw[j]! * w[j]!;
      a += w[j]!;
    } else w[j] = 0;
  }
  if (a <= 0) return false;
  for (let j = nleft - 1; j < nright; j++) w[j] = w[j]! / a;
  if (h > 0 && degree > 0) {
    let mean = 0;
    for (let j = nleft - 1; j < nright; j++) mean += w[j]! * (j + 1);
    let b = xs - mean;
    let c = 0;
    for (let j = nleft - 1; j < nright; j++) c += w[j]! * (j + 1 - mean) ** 2;
    if (Math.sqrt(c) > 0.001 * range) {
      b /= c;
      for (let j = nleft - 1; j < nright; j++) w[j] = w[j]! * (b * (j + 1 - mean) + 1);
    }
  }
  let v = 0;
  for (let j = nleft - 1; j < nright; j++) v += w[j]! * y[j]!;
  out.v = v;
  return true;
}

/** Loess of span len over y[0..n) into ys, fitted every `jump` points and interpolated. */
function loess(y: Float64Array, n: number, len: number, degree: number, jump: number, ys: Float64Array, ysOff: number, w: Float64Array, rw: Float64Array | null): void {
  if (n < 2) {
    ys[ysOff] = y[0]!;
    return;
  }
  const out = { v: 0 };
  const fit = (i: number, nl: number, nr: number) => {
    ys[ysOff + i] = loessPoint(y, n, len, degree, i + 1, nl, nr, w, rw, out) ? out.v : y[i]!;
  };
  const step = Math.min(jump, n - 1);
  let nleft = 1;
  let nright = n;
  if (len >= n) {
    for (let i = 0; i < n; i += step) fit(i, 1, n);
  } else {
    const nsh = Math.trunc((len + 1) / 2);
    if (step === 1) {
      nright = len;
      for (let i = 0; i < n; i++) {
        if (i + 1 > nsh && nright !== n) {
          nleft++;
          nright++;
        }
        fit(i, nleft, nright);
      }
      return;
    }
    for (let i = 0; i < n; i += step) {
      if (i + 1 < nsh) {
        nleft = 1;
        nright = len;
      } else if (i >= n - nsh) {
        nleft = n - len + 1;
        nright = n;
      } else {
        nleft = i + 1 - nsh + 1;
        nright = len + i + 1 - nsh;
      }
      fit(i, nleft, nright);
    }
  }
  if (step === 1) return;
  for (let i = 0; i < n - step; i += step) {
    const delta = (ys[ysOff + i + step]! - ys[ysOff + i]!) / step;
    for (let j = i + 1; j < i + step; j++) ys[ysOff + j] = ys[ysOff + i]! + delta * (j - i);
  }
  const k = Math.trunc((n - 1) / step) * step;
  if (k !== n - 1) {
    fit(n - 1, nleft, nright);
    const delta = (ys[ysOff + n - 1]! - ys[ysOff + k]!) / (n - 1 - k);
    for (let j = k + 1; j < n - 1; j++) ys[ysOff + j] = ys[ysOff + k]! + delta * (j - k);
  }
}

/** Running mean of width len: out[j] = mean(x[j .. j+len)), j < n - len + 1. */
function movingAverage(x: Float64Array, n: number, len: number, out: Float64Array): void {
  let v = 0;
  for (let i = 0; i < len; i++) v += x[i]!;
  out[0] = v / len;
  for (let j = 1, k = len, m = 0; j < n - len + 1; j++, k++, m++) {
    v += x[k]! - x[m]!;
    out[j] = v / len;
  }
}

/**
 * Decomposes y = seasonal + trend + remainder.
 * @param period season length m >= 2; y needs more than two seasons
 * @throws InvalidArgumentError for NaN, a bad period or window, or too little data
 */
export function stl(y: ArrayLike<number>, period: number, options: StlOptions): StlResult {
  const x = finiteSeries('y', y);
  if (!(Number.isInteger(period) && period >= 2)) throw invalid('period', 'an integer season length >= 2', period);
  plainObject('options', options);
  const periodic = options.sWindow === 'periodic';
  if (!periodic && !(Number.isInteger(options.sWindow) && (options.sWindow as number) > 0)) throw invalid('options.sWindow', "a positive integer span or 'periodic'", options.sWindow);
  for (const key of ['tWindow', 'lWindow', 'sJump', 'tJump', 'lJump'] as const) if (options[key] !== undefined) positiveInteger(`options.${key}`, options[key]);
  for (const key of ['sDegree', 'tDegree', 'lDegree'] as const) if (options[key] !== undefined && options[key] !== 0 && options[key] !== 1) throw invalid(`options.${key}`, '0 or 1', options[key]);
  const robust = optional(options.robust, false, (v) => boolean('options.robust', v));
  const n = x.length;
  if (n <= 2 * period) throw new InvalidArgumentError('y', `Expected more than ${2 * period} values (two seasons of ${period}) for STL but received ${n}`);
  const np = Math.max(2, period);
  const odd3 = (v: number) => {
    const r = Math.max(3, v);
    return r % 2 === 0 ? r + 1 : r;
  };
  const nsRaw = periodic ? 10 * n + 1 : (options.sWindow as number);
  const ns = odd3(nsRaw);
  const tRaw = options.tWindow ?? nextOdd(Math.ceil((1.5 * period) / (1 - 1.5 / nsRaw)));
  const lRaw = options.lWindow ?? nextOdd(period);
  const nt = odd3(tRaw);
  const nl = odd3(lRaw);
  const sDeg = periodic ? 0 : (options.sDegree ?? 0);
  const tDeg = options.tDegree ?? 1;
  const lDeg = options.lDegree ?? tDeg;
  const sJump = options.sJump ?? Math.ceil(nsRaw / 10);
  const tJump = options.tJump ?? Math.ceil(tRaw / 10);
  const lJump = options.lJump ?? Math.ceil(lRaw / 10);
  const inner = robust ? 1 : 2;
  const outer = robust ? 15 : 0;

  const n2p = n + 2 * np;
  const w1 = new Float64Array(n2p);
  const w2 = new Float64Array(n2p);
  const w3 = new Float64Array(n2p);
  const w5 = new Float64Array(n2p);
  const season = new Float64Array(n);
  const trend = new Float64Array(n);
  const rw = new Float64Array(n).fill(1);
  const cycles = Math.ceil(n / np) + 2;
  const cycle = new Float64Array(cycles);
  const cycleFit = new Float64Array(cycles);
  const cycleRw = new Float64Array(cycles);
  const weights = new Float64Array(cycles);
  const out = { v: 0 };

  /** `inner` passes of steps 1-4; robustness weights from the second call on. */
  const pass = (useRw: boolean) => {
    for (let it = 0; it < inner; it++) {
      for (let i = 0; i < n; i++) w1[i] = x[i]! - trend[i]!;
      // Cycle-subseries smoothing, one period beyond each end: w2[0 .. n + 2np).
      for (let j = 0; j < np; j++) {
        const k = Math.trunc((n - (j + 1)) / np) + 1;
        for (let i = 0; i < k; i++) cycle[i] = w1[i * np + j]!;
        for (let i = 0; i < k; i++) cycleRw[i] = rw[i * np + j]!;
        const crw = useRw ? cycleRw : null;
        loess(cycle, k, ns, sDeg, sJump, cycleFit, 1, weights, crw);
        cycleFit[0] = loessPoint(cycle, k, ns, sDeg, 0, 1, Math.min(ns, k), weights, crw, out) ? out.v : cycleFit[1]!;
        cycleFit[k + 1] = loessPoint(cycle, k, ns, sDeg, k + 1, Math.max(1, k - ns + 1), k, weights, crw, out) ? out.v : cycleFit[k]!;
        for (let m = 0; m < k + 2; m++) w2[m * np + j] = cycleFit[m]!;
      }
      // Low-pass of the cycle-subseries: MA(np), MA(np), MA(3), then loess.
      movingAverage(w2, n2p, np, w3);
      movingAverage(w3, n2p - np + 1, np, w1);
      movingAverage(w1, n2p - 2 * np + 2, 3, w3);
      loess(w3, n, nl, lDeg, lJump, w1, 0, w5, null);
      for (let i = 0; i < n; i++) season[i] = w2[np + i]! - w1[i]!;
      for (let i = 0; i < n; i++) w1[i] = x[i]! - season[i]!;
      loess(w1, n, nt, tDeg, tJump, trend, 0, w3, useRw ? rw : null);
    }
  };
  pass(false);
  for (let k = 0; k < outer; k++) {
    robustnessWeights(x, season, trend, rw);
    pass(true);
  }
  if (periodic) {
    // Each phase's seasonal values by their mean (R's tapply over cycle(x)).
    for (let j = 0; j < np; j++) {
      let sum = 0;
      let count = 0;
      for (let i = j; i < n; i += np) (sum += season[i]!), count++;
      for (let i = j; i < n; i += np) season[i] = sum / count;
    }
  }
  const remainder = Float64Array.from(x, (v, i) => v - season[i]! - trend[i]!);
  return { seasonal: season, trend, remainder, weights: rw };
}

/**
 * Bisquare robustness weights of the remainder r = y - S - T:
 * rho_i = (1 - (|r_i| / h)^2)^2 with h = 6 median |r| (1 below 0.001 h, 0 beyond 0.999 h).
 */
function robustnessWeights(y: Float64Array, season: Float64Array, trend: Float64Array, rw: Float64Array): void {
  const n = y.length;
  const r = Float64Array.from(y, (v, i) => Math.abs(v - (trend[i]! + season[i]!)));
  const sorted = Float64Array.from(r).sort();
  // The two middle order statistics, 1-based n/2 + 1 and n - (n/2 + 1) + 1.
  const mid1 = Math.trunc(n / 2) + 1;
  const mid2 = n - mid1 + 1;
  const h = 3 * (sorted[mid1 - 1]! + sorted[mid2 - 1]!);
  const h9 = 0.999 * h;
  const h1 = 0.001 * h;
  for (let i = 0; i < n; i++) {
    const u = r[i]!;
    rw[i] = u <= h1 ? 1 : u <= h9 ? (1 - (u / h) ** 2) ** 2 : 0;
  }
}

/**
 * Strength of seasonality (Wang, Smith and Hyndman 2006; R forecast's
 * seas.heuristic on mstl()): STL with s.window 11, then
 * max(0, min(1, 1 - var(R) / var(R + S))).
 */
export function seasonalStrength(y: ArrayLike<number>, period: number): number {
  const { seasonal, remainder } = stl(y, period, { sWindow: 11 });
  const vr = sampleVariance(remainder);
  return Math.max(0, Math.min(1, 1 - vr / sampleVariance(remainder.map((r, i) => r + seasonal[i]!))));
}
