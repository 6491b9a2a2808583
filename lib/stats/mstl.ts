/**
 * MSTL: STL with several seasonal periods (Bandara, Hyndman and Bergmeir
 * 2021), as R forecast's mstl(). Periods are taken shortest first; each
 * round adds one seasonal component back to the deseasonalized series,
 * re-estimates it by STL at its own period and removes it again:
 *   deseas = y;  repeat `iterate` times, for each period m_i:
 *     deseas += S_i;  S_i = seasonal of stl(deseas, m_i, s.window_i);  deseas -= S_i
 * The trend is the last STL's trend and the remainder deseas - trend.
 * One period is a single STL (R's iterate = 1 for a ts); several default to
 * two rounds. Seasonal windows default to R's 11, 15, 19, ... (7 + 4 i).
 */
import { InvalidArgumentError } from '../core/errors.js';
import { boolean, invalid, optional, plainObject, positiveInteger } from '../core/validate.js';
import { stl } from './stl.js';

export interface MstlOptions {
  /** Seasonal span per period (shortest first), or one for all; default 11, 15, 19, ... */
  sWindow?: number | 'periodic' | ReadonlyArray<number | 'periodic'>;
  /** Trend span of each STL (default: STL's own). */
  tWindow?: number;
  /** Rounds over the periods (default 2 for several periods, 1 for one). */
  iterate?: number;
  /** Robust STL fits (default false). */
  robust?: boolean;
}

export interface MstlResult {
  /** The periods in the order of `seasonal` (ascending). */
  periods: number[];
  trend: Float64Array;
  /** One seasonal component per period. */
  seasonal: Float64Array[];
  remainder: Float64Array;
  /** y minus every seasonal component (R's seasadj). */
  seasonallyAdjusted: Float64Array;
}

/**
 * Decomposes y = trend + sum of seasonal components + remainder.
 * @param periods one season length or several (integers >= 2, each under half the data)
 * @throws InvalidArgumentError for NaN, a bad period, a repeated period or a period of half the data or more
 * @example const { seasonal, trend } = mstl(halfHourlyLoad, [48, 336])
 */
export function mstl(y: ArrayLike<number>, periods: number | ReadonlyArray<number>, options: MstlOptions = {}): MstlResult {
  plainObject('options', options);
  const list = typeof periods === 'number' ? [periods] : periods;
  if (!Array.isArray(list) || list.length === 0) throw invalid('periods', 'a season length or a non-empty array of them', periods);
  const sorted = [...list].map((p, i) => {
    if (!(Number.isInteger(p) && p >= 2)) throw invalid(`periods[${i}]`, 'an integer season length >= 2', p);
    return p as number;
  }).sort((a, b) => a - b);
  if (sorted.some((p, i) => i > 0 && p === sorted[i - 1])) throw invalid('periods', 'distinct season lengths', periods);
  const n = (y as ArrayLike<number>)?.length;
  if (typeof n === 'number' && sorted[sorted.length - 1]! * 2 >= n) {
    throw new InvalidArgumentError('y', `Expected more than ${2 * sorted[sorted.length - 1]!} values (two seasons of ${sorted[sorted.length - 1]}) for MSTL but received ${n}`);
  }
  const iterate = optional(options.iterate, sorted.length > 1 ? 2 : 1, (v) => positiveInteger('options.iterate', v));
  const robust = optional(options.robust, false, (v) => boolean('options.robust', v));
  const windows = seasonalWindows(options.sWindow, sorted.length);
  // stl() validates y (array, NaN) and tWindow on the first call.
  let deseas: Float64Array = Float64Array.from(y as ArrayLike<number>);
  const seasonal: Float64Array[] = sorted.map(() => new Float64Array(deseas.length));
  let trend: Float64Array = new Float64Array(deseas.length);
  for (let round = 0; round < iterate; round++) {
    sorted.forEach((m, i) => {
      const s = seasonal[i]!;
      for (let t = 0; t < deseas.length; t++) deseas[t] = deseas[t]! + s[t]!;
      const fit = stl(deseas, m, { sWindow: windows[i]!, robust, ...(options.tWindow !== undefined ? { tWindow: options.tWindow } : {}) });
      seasonal[i] = fit.seasonal;
      trend = fit.trend;
      deseas = deseas.map((v, t) => v - fit.seasonal[t]!);
    });
  }
  const x = Float64Array.from(y as ArrayLike<number>);
  const seasonallyAdjusted = x.map((v, t) => {
    let sum = 0;
    for (const s of seasonal) sum += s[t]!;
    return v - sum;
  });
  return { periods: sorted, trend, seasonal, remainder: deseas.map((v, t) => v - trend[t]!), seasonallyAdjusted };
}

/** One window per period: as given, one repeated, or R's 7 + 4 i (11, 15, 19, ...). */
function seasonalWindows(v: MstlOptions['sWindow'], count: number): Array<number | 'periodic'> {
  if (v === undefined) return Array.from({ length: count }, (_, i) => 7 + 4 * (i + 1));
  if (!Array.isArray(v)) return new Array<number | 'periodic'>(count).fill(v as number | 'periodic');
  if (v.length < count) throw invalid('options.sWindow', `a window for each of the ${count} periods`, v);
  return v.slice(0, count);
}
