/**
 * Lag windows: turn a series into supervised (input window, target) samples
 * for a recurrent network, the book's `lag_dataframe`.
 *
 * For a target at row t the input is the `lags` rows before it, oldest first,
 * `x_{t-lags} .. x_{t-1}`, shaped `[samples, lags, features]` as Keras and the
 * flowcast LSTM expect (time steps along the second axis).
 */
import { InvalidArgumentError } from '../core/errors.js';
import type { Tensor } from '../core/tensor.js';
import { invalid, nonNegativeInteger, oneOf, optional, plainObject, positiveInteger } from '../core/validate.js';

/** Options for {@link lagWindows}. */
export interface LagWindowOptions {
  /** Window length: how many past rows form one input (the book uses 10). */
  lags: number;
  /** Values per row in the row-major input (default 1). */
  features?: number;
  /** Targets per sample: x_t .. x_{t+horizon-1} (default 1). */
  horizon?: number;
  /**
   * `'zero'` (default; the book): one sample for every row that has all its
   * targets, with lag positions before the start of the series set to 0.
   * `'drop'`: only samples whose whole window lies inside the data (t >= lags).
   */
  padding?: 'zero' | 'drop';
  /** Which feature the targets are taken from (default 0). */
  targetFeature?: number;
}

/** Result of {@link lagWindows}. */
export interface LagWindows {
  /** Inputs, `[samples, lags, features]`, float32. */
  x: Tensor;
  /** Targets, `[samples, horizon]`, float32, from `targetFeature`. */
  y: Tensor;
  /** Row index in `values` of each sample's (first) target, t. */
  targetIndex: Int32Array;
}

/**
 * Cut a row-major `[n, features]` series into lag windows and targets.
 *
 * With `padding: 'zero'` and `horizon: 1` this is exactly the book's
 * `lag_dataframe(data, lags)`: `pd.concat([df.shift(lags), ..., df.shift(1), df], axis=1).fillna(0)`,
 * one sample per row. Samples: t runs over `padding === 'zero' ? 0 : lags`
 * up to `n - horizon`, so there are `n - horizon + 1` or
 * `n - horizon + 1 - lags` of them.
 *
 * @param values row-major `[n, features]` numbers (n rows)
 * @param options `lags`, `features` (1), `horizon` (1), `padding` ('zero'), `targetFeature` (0)
 * @returns `{ x, y, targetIndex }`
 * @throws {InvalidArgumentError} `options.lags`, `options.features` or
 *   `options.horizon` not a positive integer; `options.targetFeature` not in
 *   [0, features); a values length not a multiple of features; NaN or
 *   infinite values (names the index); no complete sample (too little data)
 * @example
 * const { x, y } = lagWindows(scaledDiffs, { lags: 10 });
 * x.shape; // [n, 10, 1]
 * y.shape; // [n, 1]
 */
export function lagWindows(values: ArrayLike<number>, options: LagWindowOptions): LagWindows {
  if (!(Array.isArray(values) || (ArrayBuffer.isView(values) && !(values instanceof DataView)))) {
    throw invalid('values', 'array of numbers', values);
  }
  const o = plainObject('options', options);
  const lags = positiveInteger('options.lags', o.lags);
  const features = optional(o.features, 1, (v) => positiveInteger('options.features', v));
  const horizon = optional(o.horizon, 1, (v) => positiveInteger('options.horizon', v));
  const padding = optional(o.padding, 'zero' as const, (v) => oneOf('options.padding', v, ['zero', 'drop'] as const));
  const targetFeature = optional(o.targetFeature, 0, (v) => nonNegativeInteger('options.targetFeature', v));
  if (targetFeature >= features) {
    throw invalid('options.targetFeature', `integer in [0, ${features - 1}] (features is ${features})`, targetFeature);
  }
  const v = values as ArrayLike<number>;
  if (v.length % features !== 0) {
    throw new InvalidArgumentError(
      'values',
      `Expected a length that is a multiple of options.features (${features}) for values but received length ${v.length}`,
    );
  }
  for (let i = 0; i < v.length; i++) {
    const e = v[i]!;
    if (!Number.isFinite(e)) {
      throw new InvalidArgumentError(
        'values',
        `Expected finite values for values but received ${e} at index ${i} (row ${Math.floor(i / features)}, feature ${i % features})`,
      );
    }
  }
  const n = v.length / features;
  const first = padding === 'zero' ? 0 : lags;
  const last = n - horizon; // last target start
  const samples = last - first + 1;
  if (samples <= 0) {
    throw new InvalidArgumentError(
      'values',
      `Expected at least ${first + horizon} rows for values (lags ${lags}, horizon ${horizon}, padding '${padding}') ` +
        `but received ${n}`,
    );
  }

  const x = new Float32Array(samples * lags * features); // zero-filled: the padding
  const y = new Float32Array(samples * horizon);
  const targetIndex = new Int32Array(samples);
  const rowSize = lags * features;
  for (let s = 0; s < samples; s++) {
    const t = first + s;
    targetIndex[s] = t;
    // Window rows t-lags .. t-1 go to steps 0 .. lags-1; rows before 0 stay 0.
    const fromRow = Math.max(0, t - lags);
    const step0 = fromRow - (t - lags);
    const base = s * rowSize + step0 * features;
    for (let k = 0, src = fromRow * features, count = (t - fromRow) * features; k < count; k++) {
      x[base + k] = v[src + k]!;
    }
    for (let h = 0; h < horizon; h++) y[s * horizon + h] = v[(t + h) * features + targetFeature]!;
  }
  return {
    x: { data: x, shape: [samples, lags, features] },
    y: { data: y, shape: [samples, horizon] },
    targetIndex,
  };
}
