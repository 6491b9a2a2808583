/**
 * First differencing and its inverse.
 *
 * Differencing turns a stock (a price level) into a flow (the change per
 * step), `d_t = x_t - x_{t-1}`, which is closer to stationary. A model
 * trained on differences predicts differences; `integrate` and
 * `undifferenceOneStep` map them back to levels, the step the book leaves out.
 */
import { invalid, oneOf, optional, plainObject } from '../core/validate.js';
import { InvalidArgumentError } from '../core/errors.js';

/**
 * What to do with `d_0`, which has no predecessor: `'zero'` keeps length n
 * with `d_0 = 0` (the book's `df.diff().fillna(0)`); `'drop'` returns n-1
 * values (pandas `diff().iloc[1:]`, numpy `np.diff`).
 */
export type DifferenceFill = 'zero' | 'drop';

function toFloat64(name: string, value: unknown): Float64Array | ArrayLike<number> {
  if (value instanceof Float64Array || Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView))) {
    return value as ArrayLike<number>;
  }
  throw invalid(name, 'Float64Array or array of numbers', value);
}

function fillOption(options: unknown): DifferenceFill {
  const o = optional(options, {} as Record<string, unknown>, (v) => plainObject('options', v));
  return optional(o.fill, 'zero' as DifferenceFill, (v) => oneOf('options.fill', v, ['zero', 'drop'] as const));
}

/**
 * First difference, `d_t = x_t - x_{t-1}` (pandas `Series.diff()`).
 *
 * NaN inputs give NaN differences (no silent filling). This differs from the
 * book's `fillna(0)`, which would also zero those; only `d_0` is filled here.
 *
 * @param values the levels x_0 .. x_{n-1}
 * @param options `fill`: `'zero'` (default; length n, d_0 = 0) or `'drop'` (length n-1)
 * @returns the differences, a new Float64Array
 * @throws {InvalidArgumentError} `values` is not an array of numbers; an unknown `options.fill`
 * @example
 * difference(new Float64Array([10, 12, 11]));                   // [0, 2, -1]
 * difference(new Float64Array([10, 12, 11]), { fill: 'drop' }); // [2, -1]
 */
export function difference(values: Float64Array | ArrayLike<number>, options?: { fill?: DifferenceFill }): Float64Array {
  const x = toFloat64('values', values);
  const fill = fillOption(options);
  const n = x.length;
  if (fill === 'drop') {
    const d = new Float64Array(Math.max(0, n - 1));
    for (let t = 1; t < n; t++) d[t - 1] = x[t]! - x[t - 1]!;
    return d;
  }
  const d = new Float64Array(n);
  for (let t = 1; t < n; t++) d[t] = x[t]! - x[t - 1]!;
  return d;
}

/**
 * Integrate differences back to levels: the inverse of {@link difference}.
 *
 * - `'zero'` (length n in, n out): `level_0 = initialLevel` (d_0 is the fill
 *   and is ignored), `level_t = level_{t-1} + d_t`.
 * - `'drop'` (length m in, m+1 out): `initialLevel` is the level before the
 *   first difference: `level_0 = initialLevel`, `level_{t+1} = level_t + d_t`.
 *
 * The running sum is compensated (Neumaier), so the result is the correctly
 * rounded partial sum up to a few ulps instead of drifting by n rounding
 * errors: `integrate(difference(x), x[0])` reproduces integer-valued x
 * exactly and real data to ~1e-15 relative.
 *
 * @param diffs the differences
 * @param initialLevel the known level to start from (x_0)
 * @param options `fill`: the fill that produced `diffs` (default `'zero'`)
 * @returns the levels, a new Float64Array
 * @throws {InvalidArgumentError} bad `diffs`, non-finite `initialLevel`, unknown `options.fill`
 * @example
 * integrate(new Float64Array([0, 2, -1]), 10);                   // [10, 12, 11]
 * integrate(new Float64Array([2, -1]), 10, { fill: 'drop' });    // [10, 12, 11]
 */
export function integrate(
  diffs: Float64Array | ArrayLike<number>,
  initialLevel: number,
  options?: { fill?: DifferenceFill },
): Float64Array {
  const d = toFloat64('diffs', diffs);
  if (typeof initialLevel !== 'number' || !Number.isFinite(initialLevel)) {
    throw invalid('initialLevel', 'finite number', initialLevel);
  }
  const fill = fillOption(options);
  const offset = fill === 'drop' ? 1 : 0;
  const first = fill === 'drop' ? 0 : 1;
  const n = d.length + offset;
  const out = new Float64Array(n);
  if (n === 0) return out;
  out[0] = initialLevel;
  // Neumaier summation: sum + comp is the running total to ~2 ulps.
  let sum = initialLevel;
  let comp = 0;
  for (let i = first; i < d.length; i++) {
    const v = d[i]!;
    const s = sum + v;
    comp += Math.abs(sum) >= Math.abs(v) ? sum - s + v : v - s + sum;
    sum = s;
    out[i + offset] = sum + comp;
  }
  return out;
}

/**
 * Turn one-step-ahead predicted differences into predicted levels, anchored
 * on the actual previous level: `level_hat_t = x_{t-1} + d_hat_t`.
 *
 * This is how a difference model is evaluated in price units: each forecast
 * starts from the last observed price, so errors do not accumulate as they
 * would with {@link integrate} over predictions.
 *
 * @param predictedDiffs d_hat_t for each target
 * @param previousLevels the actual level x_{t-1} before each target, same length
 * @returns previousLevels[i] + predictedDiffs[i], a new Float64Array
 * @throws {InvalidArgumentError} arrays of different lengths or of the wrong type
 * @example
 * undifferenceOneStep(new Float32Array([0.5, -1]), new Float64Array([100, 101])); // [100.5, 100]
 */
export function undifferenceOneStep(
  predictedDiffs: Float64Array | Float32Array | ArrayLike<number>,
  previousLevels: Float64Array | ArrayLike<number>,
): Float64Array {
  const d = toFloat64('predictedDiffs', predictedDiffs);
  const p = toFloat64('previousLevels', previousLevels);
  if (d.length !== p.length) {
    throw new InvalidArgumentError(
      'previousLevels',
      `Expected length ${d.length} (the length of predictedDiffs) for previousLevels but received length ${p.length}`,
    );
  }
  const out = new Float64Array(d.length);
  for (let i = 0; i < out.length; i++) out[i] = p[i]! + d[i]!;
  return out;
}
