/**
 * Autocorrelation and partial autocorrelation, as statsmodels 0.13's acf
 * (adjusted = False) and pacf (method 'ywadjusted'):
 *   acf_k  = sum_{t<n-k} (x_t - m)(x_{t+k} - m) / sum_t (x_t - m)^2
 *   pacf_k = the last coefficient of the order-k Yule-Walker AR fit with
 *            autocovariances r_j = sum_t (x_t - m)(x_{t+j} - m) / (n - j)
 *            (j >= 1; r_0 over n), solved by Durbin-Levinson.
 * Both default to nlags = min(floor(10 log10 n), n - 1); element 0 is 1.
 */
import { InvalidArgumentError } from '../core/errors.js';
import { finiteSeries, invalid, optional, positiveInteger } from '../core/validate.js';

function prepare(y: unknown, nlags: unknown): { x: Float64Array; lags: number } {
  const x = finiteSeries('y', y, 2, 'a correlogram');
  const n = x.length;
  const lags = optional(nlags, Math.min(Math.floor(10 * Math.log10(n)), n - 1), (v) => positiveInteger('nlags', v));
  if (lags >= n) throw invalid('nlags', `fewer than ${n} (the number of values)`, lags);
  const mean = x.reduce((s, v) => s + v, 0) / n;
  for (let i = 0; i < n; i++) x[i] = x[i]! - mean;
  if (x.every((v) => v === 0)) throw new InvalidArgumentError('y', 'Expected a non-constant series but received a constant one');
  return { x, lags };
}

function lagProduct(x: Float64Array, k: number): number {
  let s = 0;
  for (let t = 0; t + k < x.length; t++) s += x[t]! * x[t + k]!;
  return s;
}

/** Sample autocorrelations 0..nlags. */
export function acf(y: ArrayLike<number>, nlags?: number): Float64Array {
  const { x, lags } = prepare(y, nlags);
  const c0 = lagProduct(x, 0);
  return Float64Array.from({ length: lags + 1 }, (_, k) => lagProduct(x, k) / c0);
}

/** Sample partial autocorrelations 0..nlags (Yule-Walker, adjusted autocovariances). */
export function pacf(y: ArrayLike<number>, nlags?: number): Float64Array {
  const { x, lags } = prepare(y, nlags);
  const n = x.length;
  const r = Float64Array.from({ length: lags + 1 }, (_, j) => lagProduct(x, j) / (j === 0 ? n : n - j));
  const out = new Float64Array(lags + 1);
  out[0] = 1;
  // Durbin-Levinson on rho_j = r_j / r_0: phi_kk is the partial autocorrelation.
  let phi = new Float64Array(0);
  let v = 1;
  for (let k = 1; k <= lags; k++) {
    let num = r[k]! / r[0]!;
    for (let j = 1; j < k; j++) num -= phi[j - 1]! * (r[k - j]! / r[0]!);
    const kk = num / v;
    const next = new Float64Array(k);
    for (let j = 1; j < k; j++) next[j - 1] = phi[j - 1]! - kk * phi[k - j - 1]!;
    next[k - 1] = kk;
    phi = next;
    v *= 1 - kk * kk;
    out[k] = kk;
  }
  return out;
}
