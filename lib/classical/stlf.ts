/**
 * STL forecasts, as R forecast's stlf() / forecast(mstl(y)): decompose by
 * MSTL, forecast the seasonally adjusted series y - sum S_i with a
 * non-seasonal model (ETS by AICc by default; autoArima without seasonal
 * terms; naive; drift), and add each seasonal component's last cycle back:
 *   y_hat_{T+j} = a_hat_{T+j} + sum_i S_i[T - m_i + 1 + (j - 1) mod m_i]
 * Intervals are the adjusted model's, shifted the same way (the seasonal
 * part is treated as known). Fitted values are the adjusted model's plus
 * the seasonal components. This is the usual strong baseline for long or
 * multiple seasons (half-hourly load: 48 and 336), where seasonal ETS and
 * ARIMA are out of reach or slow.
 */
import { autoArima } from './auto-arima.js';
import { mstl, type MstlOptions, type MstlResult } from '../stats/mstl.js';
import { invalid, oneOf, optional, plainObject } from '../core/validate.js';
import { ets, type EtsModel } from './ets.js';
import { drift, naive, type Baseline, type FittedBaseline } from './simple.js';

export type StlfMethod = 'ets' | 'arima' | 'naive' | 'drift';
/** The non-seasonal ETS forms, or 'auto' (R's etsmodel = "ZZN"). */
export type NonSeasonalEtsModel = Extract<EtsModel, `${string}N`> | 'auto';
const NON_SEASONAL: NonSeasonalEtsModel[] = ['auto', 'ANN', 'AAN', 'AAdN', 'MNN', 'MAN', 'MAdN'];

export interface StlfOptions extends MstlOptions {
  /** One season length or several, e.g. [48, 336]. */
  periods: number | ReadonlyArray<number>;
  /** Model of the seasonally adjusted series (default 'ets'). */
  method?: StlfMethod;
  /** ETS form for method 'ets' (default 'auto'). */
  etsModel?: NonSeasonalEtsModel;
}

export interface StlfFit extends FittedBaseline {
  decomposition: MstlResult;
  /** The model fitted to the seasonally adjusted series. */
  adjusted: FittedBaseline;
  /** update(y): the same decomposition settings on y, the adjusted model's parameters kept (R: stlf(y, model = fit)). */
  update(y: ArrayLike<number>): StlfFit;
}

/**
 * Fits an STL forecaster.
 * @throws InvalidArgumentError for bad options, NaN, or fewer than two seasons of the longest period
 * @example stlf(load, { periods: [48, 336] }).forecast(96).mean
 */
export function stlf(y: ArrayLike<number>, options: StlfOptions): StlfFit {
  plainObject('options', options);
  const method = optional(options.method, 'ets' as StlfMethod, (v) => oneOf('options.method', v, ['ets', 'arima', 'naive', 'drift'] as const));
  const etsModel = optional(options.etsModel, 'auto' as NonSeasonalEtsModel, (v) => oneOf('options.etsModel', v, NON_SEASONAL));
  if (method !== 'ets' && options.etsModel !== undefined) throw invalid('options.etsModel', "no ETS form unless method is 'ets'", options.etsModel);
  const { periods, sWindow, tWindow, iterate, robust } = options;
  const decomposition: MstlOptions = { sWindow, tWindow, iterate, robust };
  const longest = Math.max(...(typeof periods === 'number' ? [periods] : Array.from(periods ?? [])));
  const fitAdjusted = (a: Float64Array): FittedBaseline => {
    switch (method) {
      case 'ets':
        return ets(a, { model: etsModel });
      case 'arima':
        // R: auto.arima(seasadj, seasonal = FALSE); the period still sets the approximation default.
        return autoArima(a, { period: Number.isFinite(longest) ? longest : 1, seasonal: false });
      case 'naive':
        return naive().fit(a);
      case 'drift':
        return drift().fit(a);
    }
  };
  const make = (x: ArrayLike<number>, adjustedOf: (a: Float64Array) => FittedBaseline): StlfFit => {
    const d = mstl(x, periods, decomposition);
    const adjusted = adjustedOf(d.seasonallyAdjusted);
    const seasonalSum = (t: number) => d.seasonal.reduce((s, c) => s + c[t]!, 0);
    const fitted = adjusted.fitted.map((v, t) => v + seasonalSum(t));
    const values = Float64Array.from(x);
    return {
      name: `STL + ${adjusted.name}`,
      fitted,
      residuals: values.map((v, t) => v - fitted[t]!),
      decomposition: d,
      adjusted,
      forecast(h, forecastOptions) {
        const f = adjusted.forecast(h, forecastOptions);
        // Each component's last cycle, repeated.
        const n = values.length;
        const last = f.mean.map((_, j) => d.seasonal.reduce((s, c, i) => s + c[n - d.periods[i]! + (j % d.periods[i]!)]!, 0));
        const shift = (v: Float64Array) => v.map((x2, j) => x2 + last[j]!);
        return { mean: shift(f.mean), level: f.level, lower: f.lower.map(shift), upper: f.upper.map(shift) };
      },
      update(next) {
        return make(next, (a) => adjusted.update(a));
      },
    };
  };
  return make(y, fitAdjusted);
}

/** STL forecasts as a Baseline (fit / forecast / update), for tables and backtests. */
export function stlfBaseline(options: StlfOptions): Baseline {
  plainObject('options', options);
  return { name: `STL + ${options.method ?? 'ets'}`, fit: (y) => stlf(y, options) };
}
