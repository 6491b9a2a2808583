/**
 * The simple baselines of R's forecast package, with its formulas:
 *   naive()          y_hat_{T+j} = y_T                        (rwf)
 *   seasonalNaive(m) y_hat_{T+j} = y_{T+j-m*ceil(j/m)}        (snaive)
 *   drift()          y_hat_{T+j} = y_T + j b, b = mean of the first differences (rwf(drift = TRUE))
 *   historicalMean() y_hat = mean(y)                          (meanf)
 *   movingAverage(k) y_hat = mean of the last k values (no interval)
 * Lag walks (naive, seasonal naive, drift; lag 1 or m): residuals e_t = y_t - y_{t-lag} (- b),
 * mse = sum(e^2) / (count - [drift]), se_j = sqrt(mse s_j + (s_j se_b)^2) with
 * s_j = ceil(j / lag), intervals y_hat +/- qnorm(0.5 + level/200) se_j.
 * Mean: se = sd(y) sqrt(1 + 1/n), intervals with Student's t on n - 1 df.
 */
import { finiteSeries, invalid, optional, plainObject, positiveInteger } from '../core/validate.js';
import { qnorm, qt } from '../numeric/distributions.js';

export interface BaselineForecast {
  /** Point forecasts y_hat_{T+1} .. y_hat_{T+h}. */
  mean: Float64Array;
  /** Interval levels in percent (e.g. [80, 95]); empty when the method gives none. */
  level: number[];
  /** lower[i], upper[i]: the level[i] interval per horizon step. */
  lower: Float64Array[];
  upper: Float64Array[];
}

export interface FittedBaseline {
  readonly name: string;
  /** One-step in-sample fits (NaN where undefined, e.g. the first value of a naive fit). */
  readonly fitted: Float64Array;
  readonly residuals: Float64Array;
  /** h = 1..: point forecasts and intervals. */
  forecast(h: number, options?: { level?: number[] }): BaselineForecast;
  /**
   * The same fitted parameters (drift, variance, mean) applied to a longer
   * history: forecasts start after y's last value. For backtests that do
   * not re-estimate at every origin (R: forecast(y, model = fit)).
   */
  update(y: ArrayLike<number>): FittedBaseline;
}

export interface Baseline {
  readonly name: string;
  /** @throws InvalidArgumentError for empty or non-finite data, or too little of it */
  fit(y: ArrayLike<number>): FittedBaseline;
}

/** The arguments of every forecast(h, { level }): h >= 1 steps, levels in (0, 100) (default 80 and 95). */
export function checkForecastArgs(h: unknown, options: unknown): { h: number; level: number[] } {
  const steps = positiveInteger('h', h);
  plainObject('options', options ?? {});
  const level = optional((options as { level?: unknown } | undefined)?.level, [80, 95], (v) => {
    if (!Array.isArray(v) || !v.every((l) => typeof l === 'number' && l > 0 && l < 100)) throw invalid('options.level', 'array of percentages in (0, 100)', v);
    return v as number[];
  });
  return { h: steps, level };
}

/** Point forecasts with normal intervals: mean +- qnorm(0.5 + level / 200) se, per level. */
export function normalForecast(mean: Float64Array, se: ArrayLike<number>, level: number[]): BaselineForecast {
  const z = level.map((l) => qnorm(0.5 + l / 200));
  return { mean, level: [...level], lower: z.map((q) => mean.map((m, j) => m - q * se[j]!)), upper: z.map((q) => mean.map((m, j) => m + q * se[j]!)) };
}

/** The lag walk behind naive, seasonal naive and drift (forecast:::lagwalk). */
function lagWalk(name: string, lag: number, withDrift: boolean): Baseline {
  return {
    name,
    fit(data) {
      const y = finiteSeries('y', data, lag + (withDrift ? 2 : 1), name);
      const n = y.length;
      const diffs = new Float64Array(n - lag);
      for (let t = lag; t < n; t++) diffs[t - lag] = y[t]! - y[t - lag]!;
      let b = 0;
      let bSe = 0;
      if (withDrift) {
        // lm(diff ~ 1): the intercept is the mean; its standard error sd / sqrt(count).
        b = diffs.reduce((s, d) => s + d, 0) / diffs.length;
        const ss = diffs.reduce((s, d) => s + (d - b) ** 2, 0);
        bSe = Math.sqrt(ss / (diffs.length - 1)) / Math.sqrt(diffs.length);
      }
      const fitted = new Float64Array(n).fill(NaN);
      const residuals = new Float64Array(n).fill(NaN);
      let sse = 0;
      for (let t = lag; t < n; t++) {
        fitted[t] = y[t - lag]! + b;
        residuals[t] = y[t]! - fitted[t]!;
        sse += residuals[t]! ** 2;
      }
      const mse = sse / (n - lag - (b !== 0 ? 1 : 0));
      const make = (history: Float64Array, fits: Float64Array, resid: Float64Array): FittedBaseline => {
        const future = history.subarray(history.length - lag);
        return {
          name,
          fitted: fits,
          residuals: resid,
          forecast(hArg, options) {
            const { h, level } = checkForecastArgs(hArg, options);
            const mean = new Float64Array(h);
            const se = new Float64Array(h);
            for (let j = 1; j <= h; j++) {
              const steps = Math.ceil(j / lag);
              mean[j - 1] = future[(j - 1) % lag]! + steps * b;
              se[j - 1] = Math.sqrt(mse * steps + (steps * bSe) ** 2);
            }
            return normalForecast(mean, se, level);
          },
          update(next) {
            const h2 = finiteSeries('y', next, lag, name);
            const f2 = new Float64Array(h2.length).fill(NaN);
            for (let t = lag; t < h2.length; t++) f2[t] = h2[t - lag]! + b;
            return make(h2, f2, h2.map((v, t) => v - f2[t]!));
          },
        };
      };
      return make(y, fitted, residuals);
    },
  };
}

/** Last value (R: naive / rwf). */
export function naive(): Baseline {
  return lagWalk('naive', 1, false);
}

/** The value one season back (R: snaive). @param period season length m, e.g. 12 */
export function seasonalNaive(period: number): Baseline {
  return lagWalk(`seasonal naive (m=${positiveInteger('period', period)})`, period, false);
}

/** Random walk with drift (R: rwf(drift = TRUE)). */
export function drift(): Baseline {
  return lagWalk('drift', 1, true);
}

/** The mean of the history (R: meanf). */
export function historicalMean(): Baseline {
  return {
    name: 'mean',
    fit(data) {
      const y = finiteSeries('y', data, 2, 'mean');
      const n = y.length;
      const mu = y.reduce((s, v) => s + v, 0) / n;
      const sd = Math.sqrt(y.reduce((s, v) => s + (v - mu) ** 2, 0) / (n - 1));
      const make = (len: number): FittedBaseline => ({
        name: 'mean',
        fitted: new Float64Array(len).fill(mu),
        residuals: len === n ? y.map((v) => v - mu) : new Float64Array(len).fill(NaN),
        forecast(hArg, options) {
          const { h, level } = checkForecastArgs(hArg, options);
          const mean = new Float64Array(h).fill(mu);
          const w = level.map((l) => -qt(0.5 - l / 200, n - 1) * sd * Math.sqrt(1 + 1 / n));
          return { mean, level: [...level], lower: w.map((x) => mean.map((m) => m - x)), upper: w.map((x) => mean.map((m) => m + x)) };
        },
        update(next) {
          return make(finiteSeries('y', next, 1, 'mean').length);
        },
      });
      return make(n);
    },
  };
}

/** The mean of the last `window` values, held flat (no interval). */
export function movingAverage(window: number): Baseline {
  const k = positiveInteger('window', window);
  return {
    name: `moving average (k=${k})`,
    fit(data) {
      const y = finiteSeries('y', data, k, `a moving average of ${k}`);
      const n = y.length;
      const fitted = new Float64Array(n).fill(NaN);
      let sum = 0;
      for (let t = 0; t < n; t++) {
        if (t >= k) fitted[t] = sum / k;
        sum += y[t]!;
        if (t >= k) sum -= y[t - k]!;
      }
      const make = (history: Float64Array): FittedBaseline => {
        const last = history.subarray(history.length - k).reduce((s, v) => s + v, 0) / k;
        return {
          name: `moving average (k=${k})`,
          fitted: history === y ? fitted : new Float64Array(history.length).fill(NaN),
          residuals: history === y ? y.map((v, t) => v - fitted[t]!) : new Float64Array(history.length).fill(NaN),
          forecast(hArg, options) {
            const { h } = checkForecastArgs(hArg, options);
            return { mean: new Float64Array(h).fill(last), level: [], lower: [], upper: [] };
          },
          update(next) {
            return make(finiteSeries('y', next, k, `a moving average of ${k}`));
          },
        };
      };
      return make(y);
    },
  };
}
