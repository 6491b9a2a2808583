/**
 * nsdiffs: how many seasonal differences (lag m) a series needs, R
 * forecast 8.20's default rule: difference while the STL seasonal
 * strength exceeds 0.64 (Wang, Smith and Hyndman 2006), at most maxD times.
 * A series too short for STL (n <= 2m) or with m >= n needs none.
 */
import { InvalidArgumentError } from '../core/errors.js';
import { finiteSeries, nonNegativeInteger, optional, plainObject, positiveInteger } from '../core/validate.js';
import { seasonalStrength } from './stl.js';

export function nsdiffs(y: ArrayLike<number>, period: number, options: { maxD?: number } = {}): number {
  plainObject('options', options);
  const m = positiveInteger('period', period);
  const maxD = optional(options.maxD, 1, (v) => nonNegativeInteger('options.maxD', v));
  let x = finiteSeries('y', y);
  if (m === 1) throw new InvalidArgumentError('period', 'Expected a season length > 1 for period but received 1 (non-seasonal data)');
  const constant = (v: Float64Array) => v.every((e) => e === v[0]);
  if (x.length === 0 || constant(x) || m >= x.length) return 0;
  const seasonal = (v: Float64Array) => v.length > 2 * m && seasonalStrength(v, m) > 0.64;
  let D = 0;
  let more = seasonal(x);
  while (more && D < maxD) {
    D++;
    x = x.subarray(m).map((v, i) => v - x[i]!);
    if (constant(x)) return D;
    more = x.length >= 2 * m && D < maxD ? seasonal(x) : false;
  }
  return D;
}
