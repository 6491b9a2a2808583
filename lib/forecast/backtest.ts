/**
 * Rolling-origin (walk-forward) evaluation. At each origin o = initial,
 * initial + step, ... (while o + horizon <= n) a forecaster sees y[0..o) and
 * forecasts y[o .. o + horizon); errors are collected per horizon step.
 *  - Baselines follow a refit policy: 'always' re-estimates at every origin,
 *    a number k every k origins, 'never' once at the first; in between, the
 *    fitted parameters are applied to the longer history (FittedBaseline.update).
 *  - An LSTM (lstmForecaster) is not retrained: it carries its stream state
 *    forward from origin to origin (each observation is stepped once), and
 *    forecasts beyond one step recursively from a saved copy of the state.
 */
import { InvalidArgumentError } from '../core/errors.js';
import type { Baseline, FittedBaseline } from '../classical/simple.js';
import type { Sequential } from '../model/sequential.js';
import { finiteSeries, invalid, optional, plainObject, positiveInteger } from '../core/validate.js';
import type { ForecastPipeline } from '../data/pipeline.js';

export interface BacktestOptions {
  /** Values seen before the first origin. */
  initial: number;
  /** Steps forecast at each origin. */
  horizon: number;
  /** Values between origins. Default 1. */
  step?: number;
  /** Baselines only: 'always' (default), 'never', or re-estimate every k origins. */
  refit?: 'always' | 'never' | number;
}

export interface BacktestResult {
  method: string;
  /** The model forecasting at the last origin, by its fitted name (e.g. the ETS form chosen there); the method for an LSTM. */
  model: string;
  /** Each origin o (the first forecast target's index). */
  origins: Int32Array;
  horizon: number;
  /** forecasts[i * horizon + j]: origin i, step j + 1. */
  forecasts: Float64Array;
  actual: Float64Array;
  /** Errors per horizon step over all origins. */
  rmseByStep: Float64Array;
  maeByStep: Float64Array;
  rmse: number;
  mae: number;
}

/** Something that walks forward: told the next observation, asked for forecasts. */
interface Walker {
  method: string;
  forecast(history: Float64Array, origin: number, h: number): Float64Array;
}

function run(walker: Walker, yIn: ArrayLike<number>, options: BacktestOptions): BacktestResult {
  plainObject('options', options);
  const y = finiteSeries('y', yIn);
  const initial = positiveInteger('options.initial', options.initial);
  const h = positiveInteger('options.horizon', options.horizon);
  const step = optional(options.step, 1, (v) => positiveInteger('options.step', v));
  if (initial + h > y.length) {
    throw new InvalidArgumentError('options.initial', `Expected options.initial + options.horizon <= ${y.length} (the values) but received ${initial} + ${h}`);
  }
  const origins: number[] = [];
  for (let o = initial; o + h <= y.length; o += step) origins.push(o);
  const forecasts = new Float64Array(origins.length * h);
  const actual = new Float64Array(origins.length * h);
  origins.forEach((o, i) => {
    forecasts.set(walker.forecast(y.subarray(0, o), o, h), i * h);
    actual.set(y.subarray(o, o + h), i * h);
  });
  const rmseByStep = new Float64Array(h);
  const maeByStep = new Float64Array(h);
  let se = 0;
  let ae = 0;
  for (let j = 0; j < h; j++) {
    let s2 = 0;
    let s1 = 0;
    for (let i = 0; i < origins.length; i++) {
      const e = forecasts[i * h + j]! - actual[i * h + j]!;
      s2 += e * e;
      s1 += Math.abs(e);
    }
    rmseByStep[j] = Math.sqrt(s2 / origins.length);
    maeByStep[j] = s1 / origins.length;
    se += s2;
    ae += s1;
  }
  const count = origins.length * h;
  return { method: walker.method, model: walker.method, origins: Int32Array.from(origins), horizon: h, forecasts, actual, rmseByStep, maeByStep, rmse: Math.sqrt(se / count), mae: ae / count };
}

/**
 * Backtests a baseline.
 * @example backtest(drift(), prices, { initial: 1000, horizon: 5, refit: 20 })
 */
export function backtest(baseline: Baseline, y: ArrayLike<number>, options: BacktestOptions): BacktestResult {
  const refit = options?.refit ?? 'always';
  if (!(refit === 'always' || refit === 'never' || (Number.isInteger(refit) && (refit as number) > 0))) {
    throw invalid('options.refit', "'always', 'never' or a positive integer", refit);
  }
  let fitted: FittedBaseline | null = null;
  let index = 0;
  const result = run(
    {
      method: baseline.name,
      forecast(history, _origin, h) {
        const estimate = fitted === null || refit === 'always' || (typeof refit === 'number' && index % refit === 0);
        fitted = estimate ? baseline.fit(history) : fitted!.update(history);
        index++;
        return fitted.forecast(h, { level: [] }).mean;
      },
    },
    y,
    options,
  );
  return { ...result, model: (fitted as FittedBaseline | null)?.name ?? baseline.name };
}

/**
 * Backtests a trained one-step (or direct multi-step) LSTM with its pipeline:
 * levels in, level forecasts out, state carried forward.
 * @param model inputShape [lags, 1], one output step (units 1, or >= horizon for direct forecasts)
 */
export function lstmBacktest(model: Sequential, pipeline: ForecastPipeline, y: ArrayLike<number>, options: BacktestOptions): BacktestResult {
  const units = model.outputShape[0]!;
  if (options?.refit !== undefined && options.refit !== 'never') {
    throw invalid('options.refit', "'never' for an LSTM backtest (the network is not retrained; its state is carried)", options.refit);
  }
  if (units !== 1 && units < (options?.horizon ?? 0)) {
    throw new InvalidArgumentError('options.horizon', `Expected options.horizon <= ${units} (the model's direct horizon) but received ${options.horizon}`);
  }
  const stream = model.stream({ pipeline });
  let seen = 0;
  let last: Float64Array = new Float64Array(0);
  try {
    return run(
      {
        method: 'lstm',
        forecast(history, origin, h) {
          // Step every observation not seen yet: the state moves forward, never re-encoded.
          for (; seen < origin; seen++) last = stream.step([history[seen]!]) as Float64Array;
          if (units > 1) return last.slice(0, h);
          const out = new Float64Array(h);
          out[0] = last[0]!;
          if (h > 1) {
            const saved = stream.state;
            for (let j = 1; j < h; j++) out[j] = (stream.step([out[j - 1]!]) as Float64Array)[0]!;
            stream.state = saved;
          }
          return out;
        },
      },
      y,
      options,
    );
  } finally {
    stream.dispose();
  }
}
