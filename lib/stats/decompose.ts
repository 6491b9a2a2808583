/**
 * Classical seasonal decomposition by moving averages, as R's decompose():
 *   trend T_t: centered moving average of one season (for even m, weights
 *              1/(2m), 1/m, .., 1/m, 1/(2m) over m + 1 values); NaN at the
 *              ends where the window does not fit
 *   detrended: y - T (additive) or y / T (multiplicative)
 *   figure_j:  mean of the detrended values at phase j (index mod m), then
 *              centered: minus their mean (additive) or divided by it
 *   seasonal:  the figure repeated; remainder y - S - T or y / S / T
 * Phase 0 is the first value of y.
 */
import { InvalidArgumentError } from '../core/errors.js';
import { finiteSeries, invalid, oneOf, optional, plainObject } from '../core/validate.js';

export interface DecomposeResult {
  type: 'additive' | 'multiplicative';
  trend: Float64Array;
  seasonal: Float64Array;
  remainder: Float64Array;
  /** The m seasonal indices, phase 0 first. */
  figure: Float64Array;
}

/**
 * @param period season length m >= 2; y needs at least two seasons
 * @throws InvalidArgumentError for NaN, a bad period or type, or fewer than 2m values
 * @example decompose(passengers, 12, { type: 'multiplicative' }).figure
 */
export function decompose(y: ArrayLike<number>, period: number, options: { type?: 'additive' | 'multiplicative' } = {}): DecomposeResult {
  plainObject('options', options);
  const type = optional(options.type, 'additive' as const, (v) => oneOf('options.type', v, ['additive', 'multiplicative'] as const));
  const x = finiteSeries('y', y);
  if (!(Number.isInteger(period) && period >= 2)) throw invalid('period', 'an integer season length >= 2', period);
  const n = x.length;
  const m = period;
  if (n < 2 * m) throw new InvalidArgumentError('y', `Expected at least ${2 * m} values (two seasons of ${m}) to decompose but received ${n}`);
  // R's filter(x, f, sides = 2): out_i = sum_j f_j x_{i + o - j}, o = floor(len / 2).
  const weights = m % 2 === 0 ? [0.5 / m, ...new Array<number>(m - 1).fill(1 / m), 0.5 / m] : new Array<number>(m).fill(1 / m);
  const o = Math.floor(weights.length / 2);
  const trend = new Float64Array(n).fill(NaN);
  for (let i = o; i + weights.length - 1 - o < n; i++) {
    let z = 0;
    for (let j = 0; j < weights.length; j++) z += weights[j]! * x[i + o - j]!;
    trend[i] = z;
  }
  const detrended = x.map((v, i) => (type === 'additive' ? v - trend[i]! : v / trend[i]!));
  const figure = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    let sum = 0;
    let count = 0;
    for (let i = j; i < n; i += m) if (!Number.isNaN(detrended[i]!)) (sum += detrended[i]!), count++;
    figure[j] = sum / count;
  }
  const center = figure.reduce((a, v) => a + v, 0) / m;
  for (let j = 0; j < m; j++) figure[j] = type === 'additive' ? figure[j]! - center : figure[j]! / center;
  const seasonal = Float64Array.from({ length: n }, (_, i) => figure[i % m]!);
  const remainder = x.map((v, i) => (type === 'additive' ? v - seasonal[i]! - trend[i]! : v / seasonal[i]! / trend[i]!));
  return { type, trend, seasonal, remainder, figure };
}
