/**
 * Box-Cox transforms as R forecast's BoxCox(), InvBoxCox() and
 * BoxCox.lambda():
 *   w = log y (lambda = 0),  w = (sign(y) |y|^lambda - 1) / lambda otherwise
 *   y = exp w,               y = sign(u) |u|^(1 / lambda), u = lambda w + 1
 * Bias adjustment turns the back-transformed median into a mean:
 *   y * (1 + var_w (1 - lambda) / (2 y^(2 lambda)))
 * Guerrero's lambda (1993) minimizes the coefficient of variation of
 * sd_j / mean_j^(1 - lambda) over consecutive seasons j (two values per
 * "season" for non-seasonal data), by R's optimize() on [lower, upper].
 */
import { InvalidArgumentError } from '../core/errors.js';
import { finiteNumber, finiteSeries, invalid, optional, plainObject, positiveInteger } from '../core/validate.js';
import { brentMinimize } from '../numeric/brent.js';
import { mean, sampleVariance } from './moments.js';

/**
 * The transformed series.
 * @throws InvalidArgumentError for NaN, or a value <= 0 with lambda <= 0 (log or a negative power)
 */
export function boxCox(y: ArrayLike<number>, lambda: number): Float64Array {
  const x = finiteSeries('y', y);
  finiteNumber('lambda', lambda);
  if (lambda <= 0) {
    const i = x.findIndex((v) => !(v > 0));
    if (i >= 0) throw new InvalidArgumentError('y', `Expected positive values for a Box-Cox transform with lambda ${lambda} <= 0 but received ${x[i]} at index ${i}`);
  }
  return lambda === 0 ? x.map(Math.log) : x.map((v) => (Math.sign(v) * Math.abs(v) ** lambda - 1) / lambda);
}

/**
 * Back to the original scale; with `variance` (of w, per value) the
 * bias-adjusted mean instead of the median. Values beyond the transform's
 * range (w > -1 / lambda for lambda < 0) become NaN, as in R.
 */
export function invBoxCox(w: ArrayLike<number>, lambda: number, variance?: ArrayLike<number>): Float64Array {
  finiteNumber('lambda', lambda);
  const out = Float64Array.from(w, (v) => {
    if (lambda < 0 && v > -1 / lambda) return NaN;
    if (lambda === 0) return Math.exp(v);
    const u = v * lambda + 1;
    return Math.sign(u) * Math.abs(u) ** (1 / lambda);
  });
  if (variance === undefined) return out;
  if (variance.length !== out.length) throw new InvalidArgumentError('variance', `Expected ${out.length} variances (one per value) but received ${variance.length}`);
  return out.map((y, i) => y * (1 + (0.5 * variance[i]! * (1 - lambda)) / y ** (2 * lambda)));
}

const sd = (v: ArrayLike<number>) => Math.sqrt(sampleVariance(v));

/**
 * Guerrero's lambda.
 * @param period season length (default 1); fewer than 2 periods of data gives 1
 * @param options lower and upper bounds (default -1 and 2; lower is raised to 0 for data with values <= 0)
 * @example boxCoxLambda(passengers, 12) // 0.2
 */
export function boxCoxLambda(y: ArrayLike<number>, period = 1, options: { lower?: number; upper?: number } = {}): number {
  const x = finiteSeries('y', y);
  positiveInteger('period', period);
  plainObject('options', options);
  let lower = optional(options.lower, -1, (v) => finiteNumber('options.lower', v));
  const upper = optional(options.upper, 2, (v) => finiteNumber('options.upper', v));
  if (!(lower < upper)) throw invalid('options.upper', `a bound above options.lower (${lower})`, upper);
  if (x.some((v) => v <= 0)) lower = Math.max(lower, 0);
  if (x.length <= 2 * period) return 1;
  const p = Math.max(2, period);
  const years = Math.floor(x.length / p);
  const used = x.subarray(x.length - years * p);
  const means = new Float64Array(years);
  const sds = new Float64Array(years);
  for (let j = 0; j < years; j++) {
    const season = used.subarray(j * p, (j + 1) * p);
    means[j] = mean(season);
    sds[j] = sd(season);
  }
  const cv = (lam: number) => {
    // R drops NaN ratios (na.rm = TRUE): negative means under fractional powers.
    const ratio = sds.map((s, j) => s / means[j]! ** (1 - lam)).filter((v) => !Number.isNaN(v));
    return sd(ratio) / mean(ratio);
  };
  return brentMinimize(cv, lower, upper).x;
}
