/**
 * Put a series on a fixed time grid.
 *
 * Minute data from an exchange has no row for a minute without trades (7.6 %
 * of the minutes in the bitcoin file). The book ignores this, so its "lag 1"
 * is sometimes 2 or 38 minutes back. `regularize` makes the gaps explicit:
 * the grid is `t_k = t_0 + k * stepMs`, k = 0 .. (t_last - t_0) / stepMs.
 */
import { InvalidArgumentError } from '../errors.js';
import { invalid, oneOf, plainObject, positiveNumber } from '../validate.js';
import { Series } from './series.js';
import { showTime } from './time.js';

/** How {@link regularize} treats missing grid points and off-grid rows. */
export type RegularizeFill = 'ffill' | 'nan' | 'drop';

/** Options for {@link regularize}. */
export interface RegularizeOptions {
  /** Grid step in milliseconds (60_000 for minute bars). */
  stepMs: number;
  /**
   * `'ffill'`: a missing grid point repeats the previous row's values (the
   * last price still holds when nothing traded, as pandas `asfreq('1min',
   * method='ffill')`); `'nan'`: a missing point is a row of NaN (pandas
   * `asfreq('1min')`); `'drop'`: no filling: keep only the rows that lie on
   * the grid, discarding off-grid rows and leaving gaps as they are.
   */
  fill: RegularizeFill;
}

/** Result of {@link regularize}. */
export interface RegularizeResult {
  /** The regular series (for `'drop'`: the on-grid rows only). */
  series: Series;
  /** Number of grid points that were filled (inserted rows); 0 for `'drop'`. */
  filled: number;
  /** Number of off-grid rows discarded; only `'drop'` discards, else 0. */
  dropped: number;
}

/** Grids beyond this many points are almost surely a wrong `stepMs`. */
const MAX_GRID = 200_000_000;

/**
 * Regularize a series onto the grid `t_0 + k * stepMs` that starts at its
 * first timestamp.
 *
 * @param series the input series (strictly increasing time)
 * @param options `stepMs` and `fill` (`'ffill' | 'nan' | 'drop'`)
 * @returns `{ series, filled, dropped }`
 * @throws {InvalidArgumentError} `stepMs` not a positive number; an unknown
 *   `fill`; with `'ffill'`/`'nan'`, a row off the grid (names the row and its
 *   time; use `'drop'` to discard such rows); a grid of more than 200 million points
 * @example
 * const { series: regular, filled } = regularize(minuteBars, { stepMs: 60_000, fill: 'ffill' });
 * // regular.length === minuteBars.length + filled
 */
export function regularize(series: Series, options: RegularizeOptions): RegularizeResult {
  if (!(series instanceof Series)) throw invalid('series', 'Series', series);
  const o = plainObject('options', options);
  const step = positiveNumber('options.stepMs', o.stepMs);
  const fill = oneOf('options.fill', o.fill, ['ffill', 'nan', 'drop'] as const);
  const time = series.time;
  const n = time.length;
  if (n === 0) return { series, filled: 0, dropped: 0 };
  const t0 = time[0]!;

  if (fill === 'drop') {
    const keep: number[] = [];
    for (let i = 0; i < n; i++) if (Number.isInteger((time[i]! - t0) / step)) keep.push(i);
    if (keep.length === n) return { series, filled: 0, dropped: 0 };
    const values: Record<string, Float64Array> = {};
    for (const c of series.columns) {
      const src = series.values(c);
      values[c] = Float64Array.from(keep, (i) => src[i]!);
    }
    const out = Series.from({ time: Float64Array.from(keep, (i) => time[i]!), values, timeName: series.timeName });
    return { series: out, filled: 0, dropped: n - keep.length };
  }

  // Grid index of every row; all must be integers.
  const slot = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const k = (time[i]! - t0) / step;
    if (!Number.isInteger(k)) {
      throw new InvalidArgumentError(
        'series',
        `Expected timestamps on the ${step} ms grid starting at ${showTime(t0)} for series but row ${i} ` +
          `(${showTime(time[i]!)}) is off the grid; use fill: 'drop' to discard off-grid rows`,
      );
    }
    slot[i] = k;
  }
  const size = slot[n - 1]! + 1;
  if (size > MAX_GRID) {
    throw new InvalidArgumentError(
      'options.stepMs',
      `Expected a step giving at most ${MAX_GRID} grid points for options.stepMs but received ${step}, ` +
        `which gives ${size} points`,
    );
  }
  const gridTime = new Float64Array(size);
  for (let k = 0; k < size; k++) gridTime[k] = t0 + k * step;
  const values: Record<string, Float64Array> = {};
  for (const c of series.columns) {
    const src = series.values(c);
    const dst = new Float64Array(size);
    let k = 0;
    for (let i = 0; i < n; i++) {
      const target = slot[i]!;
      // Missing points before this row: NaN, or the previous row's value.
      const gapValue = fill === 'nan' || i === 0 ? NaN : src[i - 1]!;
      for (; k < target; k++) dst[k] = gapValue;
      dst[k++] = src[i]!;
    }
    values[c] = dst;
  }
  const out = Series.from({ time: gridTime, values, timeName: series.timeName });
  return { series: out, filled: size - n, dropped: 0 };
}
