/** Point-forecast error metrics over paired arrays (double-precision sums). */
import { InvalidArgumentError } from '../core/errors.js';

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

/** Mean absolute percentage error, 100 mean(|e / actual|) (R's accuracy(); Infinity if an actual is 0). */
export function mape(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  const n = pairs('mape', actual, predicted);
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.abs((100 * (predicted[i]! - actual[i]!)) / actual[i]!);
  return s / n;
}

/** Symmetric MAPE, mean(200 |e| / (|actual| + |predicted|)) (Hyndman & Koehler 2006; 0/0 counts 0). */
export function smape(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  const n = pairs('smape', actual, predicted);
  let s = 0;
  for (let i = 0; i < n; i++) {
    const d = Math.abs(actual[i]!) + Math.abs(predicted[i]!);
    if (d > 0) s += (200 * Math.abs(predicted[i]! - actual[i]!)) / d;
  }
  return s / n;
}

/**
 * Mean absolute scaled error: MAE over the in-sample MAE of the seasonal
 * naive forecast, mean(|y_t - y_{t-m}|) on the training series (R's accuracy()).
 * @param training the series the model was fitted on
 * @param period m (1: the naive forecast)
 */
export function mase(actual: ArrayLike<number>, predicted: ArrayLike<number>, training: ArrayLike<number>, period = 1): number {
  const n = pairs('mase', actual, predicted);
  if (training.length <= period) throw new InvalidArgumentError('training', `Expected more than ${period} training values for mase but received ${training.length}`);
  let scale = 0;
  for (let t = period; t < training.length; t++) scale += Math.abs(training[t]! - training[t - period]!);
  scale /= training.length - period;
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.abs(predicted[i]! - actual[i]!);
  return s / n / scale;
}

/**
 * Directional accuracy: the fraction of forecasts whose direction from the
 * last observed value (up, down or flat) matches the actual move.
 * @param previous the last observed value before each target
 */
export function directionalAccuracy(actual: ArrayLike<number>, predicted: ArrayLike<number>, previous: ArrayLike<number>): number {
  const n = pairs('directionalAccuracy', actual, predicted);
  if (previous.length !== n) throw new InvalidArgumentError('previous', `Expected ${n} values (one per forecast) for previous but received ${previous.length}`);
  let hits = 0;
  for (let i = 0; i < n; i++) if (Math.sign(predicted[i]! - previous[i]!) === Math.sign(actual[i]! - previous[i]!)) hits++;
  return hits / n;
}
