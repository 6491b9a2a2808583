/** Point-forecast error metrics over paired arrays (double-precision sums). */
import { InvalidArgumentError } from '../errors.js';

function pairs(name: string, actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  if (actual.length !== predicted.length) {
    throw new InvalidArgumentError(name, `Expected predicted.length to equal actual.length ${actual.length} but received ${predicted.length}`);
  }
  if (actual.length === 0) throw new InvalidArgumentError(name, `Expected at least one value for ${name} but received none`);
  return actual.length;
}

/** Root mean squared error, sqrt(mean((predicted - actual)^2)). */
export function rmse(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  const n = pairs('rmse', actual, predicted);
  let s = 0;
  for (let i = 0; i < n; i++) {
    const e = predicted[i]! - actual[i]!;
    s += e * e;
  }
  return Math.sqrt(s / n);
}

/** Mean absolute error, mean(|predicted - actual|). */
export function mae(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  const n = pairs('mae', actual, predicted);
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.abs(predicted[i]! - actual[i]!);
  return s / n;
}
