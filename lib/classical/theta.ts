/**
 * The Theta method (Assimakopoulos and Nikolopoulos 2000) as R forecast's
 * thetaf(), i.e. simple exponential smoothing with drift (Hyndman and
 * Billah 2003):
 *   1. seasonal when m > 1, n > 2m and the lag-m autocorrelation is
 *      significant at 90%: |r_m| > 1.645 sqrt((1 + 2 sum_{k<m} r_k^2) / n);
 *      then y is divided by multiplicative decomposition indices
 *   2. SES (alpha and l0 by mean squared one-step error) on that series
 *   3. forecasts  y_hat_{n+j} = SES_{n+j} + b (j - 1 + (1 - (1 - alpha)^n) / alpha),
 *      b = half the least-squares slope of the (adjusted) series on time
 *   4. reseasonalized by the last season's indices
 * Intervals: +- z sigma sqrt(1 + (j - 1) alpha^2), sigma^2 from SES.
 */
import { acf } from '../stats/correlogram.js';
import { decompose } from '../stats/decompose.js';
import { finiteSeries, optional, plainObject, positiveInteger } from '../core/validate.js';
import { qnorm } from '../numeric/distributions.js';
import { ses, type EtsFit } from './ets.js';
import { normalForecast, type Baseline, type BaselineForecast, type FittedBaseline } from './simple.js';

export interface ThetaFit extends FittedBaseline {
  alpha: number;
  /** b: half the trend slope per step. */
  drift: number;
  /** Whether the series was seasonally adjusted. */
  seasonal: boolean;
  /** Multiplicative seasonal indices by phase (phase 0 = the first value), or null. */
  seasonalIndices: Float64Array | null;
  /** update(y): alpha, drift, indices and sigma kept; the level filtered through y. */
  update(y: ArrayLike<number>): ThetaFit;
}

/** Half the least-squares slope of x on t = 0 .. n-1. */
function halfSlope(x: Float64Array): number {
  const n = x.length;
  const tMean = (n - 1) / 2;
  let xMean = 0;
  for (let t = 0; t < n; t++) xMean += x[t]!;
  xMean /= n;
  let sxy = 0;
  let stt = 0;
  for (let t = 0; t < n; t++) {
    sxy += (t - tMean) * (x[t]! - xMean);
    stt += (t - tMean) ** 2;
  }
  return sxy / stt / 2;
}

/** R's seasonality test: the lag-m autocorrelation against its 90% bound. */
function seasonalTest(x: Float64Array, m: number): boolean {
  if (m <= 1 || x.every((v) => v === x[0]) || x.length <= 2 * m) return false;
  const r = acf(x, m);
  let sum = 0;
  for (let k = 1; k < m; k++) sum += r[k]! ** 2;
  return Math.abs(r[m]!) / Math.sqrt((1 + 2 * sum) / x.length) > qnorm(0.95);
}

/**
 * Fits the Theta method.
 * @param options period m (default 1: non-seasonal)
 * @throws InvalidArgumentError for NaN, a constant series or fewer than 4 values
 * @example thetaf(passengers, { period: 12 }).forecast(24).mean
 */
export function thetaf(y: ArrayLike<number>, options: { period?: number } = {}): ThetaFit {
  plainObject('options', options);
  const m = optional(options.period, 1, (v) => positiveInteger('options.period', v));
  const x = finiteSeries('y', y, 4, 'the Theta method');
  let indices: Float64Array | null = null;
  if (seasonalTest(x, m)) {
    const { figure } = decompose(x, m, { type: 'multiplicative' });
    // R falls back to the plain method when an index is near zero.
    if (figure.every((v) => Math.abs(v) >= 1e-4)) indices = figure;
  }
  const adjust = (series: Float64Array) => (indices === null ? series : series.map((v, i) => v / indices![i % m]!));
  const fit = ses(adjust(x));
  const alpha = Math.max(1e-10, fit.alpha);
  return build(x, fit, alpha, halfSlope(adjust(x)), indices, m, fit.sigma2, adjust);
}

function build(x: Float64Array, fit: EtsFit, alpha: number, drift: number, indices: Float64Array | null, m: number, sigma2: number, adjust: (s: Float64Array) => Float64Array): ThetaFit {
  const n = x.length;
  const fitted = indices === null ? fit.fitted : fit.fitted.map((v, i) => v * indices[i % m]!);
  return {
    name: 'Theta',
    alpha,
    drift,
    seasonal: indices !== null,
    seasonalIndices: indices,
    fitted,
    residuals: x.map((v, i) => v - fitted[i]!),
    forecast(h, forecastOptions): BaselineForecast {
      const f = fit.forecast(h, forecastOptions);
      const offset = (1 - (1 - alpha) ** n) / alpha;
      // R: the last season's indices, repeated (index n - m + j is phase (n + j) mod m).
      const mean = f.mean.map((v, j) => (v + drift * (j + offset)) * (indices === null ? 1 : indices[(n + j) % m]!));
      const se = mean.map((_, j) => Math.sqrt(sigma2) * Math.sqrt(j * alpha * alpha + 1));
      return normalForecast(mean, se, f.level);
    },
    update(next) {
      const x2 = finiteSeries('y', next);
      return build(x2, fit.update(adjust(x2)), alpha, drift, indices, m, sigma2, adjust);
    },
  };
}

/** The Theta method as a Baseline (fit / forecast / update), for tables and backtests. */
export function thetaBaseline(options: { period?: number } = {}): Baseline {
  plainObject('options', options);
  return { name: 'Theta', fit: (y) => thetaf(y, options) };
}
