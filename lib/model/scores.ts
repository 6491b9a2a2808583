/** Scoring predictions against targets: the compiled loss, RMSE and MAE (evaluate() and fit()'s validation). */
import type { LossName } from './compile.js';

export interface PredictOptions {
  /** Default 32. Stateful layers carry state across batches (row i continues row i). */
  batchSize?: number;
}

export interface Evaluation {
  /** The compiled loss (MSE before compile()). */
  loss: number;
  rmse: number;
  mae: number;
  samples: number;
}

/** The compiled loss, RMSE and MAE of predictions against targets. */
export function scores(pred: Float32Array, y: Float32Array, loss: LossName, delta: number): { loss: number; rmse: number; mae: number } {
  let se = 0;
  let ae = 0;
  let huber = 0;
  for (let i = 0; i < pred.length; i++) {
    const e = pred[i]! - y[i]!;
    const a = Math.abs(e);
    se += e * e;
    ae += a;
    huber += a < delta ? 0.5 * e * e : delta * (a - 0.5 * delta);
  }
  const n = pred.length;
  const value = loss === 'mse' ? se / n : loss === 'mae' ? ae / n : huber / n;
  return { loss: value, rmse: Math.sqrt(se / n), mae: ae / n };
}

