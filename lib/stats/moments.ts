/** Sample moments, summed left to right (R's mean and var agree to rounding). */

export function mean(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]!;
  return s / v.length;
}

/** Sample variance, sum (v - mean)^2 / (n - 1). */
export function sampleVariance(v: ArrayLike<number>): number {
  const m = mean(v);
  let s = 0;
  for (let i = 0; i < v.length; i++) s += (v[i]! - m) ** 2;
  return s / (v.length - 1);
}
