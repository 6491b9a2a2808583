/**
 * Honest evaluation of a forecaster (one step, or `horizon` steps direct): the model and the naive
 * "next value = this value" forecast on exactly the same targets, in the
 * network's scaled units and in the original units (e.g. US dollars).
 *
 * The naive model is p_hat_t = p_{t-1}. In scaled-difference units that is
 * "no change", scale(0); in levels it is the previous observed level. The
 * drift model (random walk with drift) adds the mean change observed so far,
 * p_hat_{t+j} = p_{t-1} + (j + 1) b with b = (p_{t-1} - p_0) / (t - 1) (0 for
 * t = 1): only the past of each forecast origin is used. Level metrics cover
 * the samples whose previous level is known (t >= 1).
 */
import type { Tensor } from '../core/tensor.js';
import { mae, rmse } from '../stats/metrics.js';
import type { ForecastPipeline } from '../data/pipeline.js';

/** What evaluation needs of a model: predictions for windows (Sequential is one). */
export interface WindowPredictor {
  predict(x: Tensor, options: { batchSize?: number }): Promise<Tensor>;
}

export interface ForecastScores {
  /** RMSE and MAE in the network's (scaled) units, over every sample. */
  rmse: number;
  mae: number;
  /** RMSE and MAE in level units (the data's own: USD for prices, MW for load), over samples with t >= 1. */
  rmseLevel: number;
  maeLevel: number;
}

export interface ForecastEvaluation {
  samples: number;
  /** Forecasts scored in level units: samples with t >= 1, times the horizon. */
  levelSamples: number;
  model: ForecastScores;
  naive: ForecastScores;
  drift: ForecastScores;
  /** 1 - RMSE_model / RMSE_naive in level units: > 0 means the model beats naive. */
  skillVsNaive: number;
  /** 1 - RMSE_model / RMSE_drift in level units. */
  skillVsDrift: number;
  /** Predictions in both unit systems (horizon per sample), for plots and reports. */
  predictions: { scaled: Float32Array; levels: Float64Array; naiveLevels: Float64Array; driftLevels: Float64Array; targetIndex: Int32Array };
}

export interface EvaluateForecastOptions {
  /** Prediction batch size (the book: 100). Default 100. */
  batchSize?: number;
  /** The pipeline's covariate series over the same rows as levels. */
  covariates?: ArrayLike<number>[];
}

/**
 * Predicts one step ahead for every window of `levels` and scores the model
 * against the naive forecast.
 * @example const report = await evaluateForecast(model, pipeline, testPrices);
 */
export async function evaluateForecast(
  model: WindowPredictor,
  pipeline: ForecastPipeline,
  levels: ArrayLike<number>,
  options: EvaluateForecastOptions = {},
): Promise<ForecastEvaluation> {
  const { x, y, targetIndex } = pipeline.windows(levels, options.covariates ?? []);
  const pred = await model.predict(x, { batchSize: options.batchSize ?? 100 });
  const n = targetIndex.length;
  const h = pipeline.horizon;
  const F = pipeline.features;
  const zero = pipeline.difference ? pipeline.scaledZero() : NaN;
  const naiveScaled = new Float64Array(n * h);
  for (let i = 0; i < n; i++) {
    // Without differencing the network's series is the scaled level itself, whose
    // last value is the input window's newest element (0 where padded, as in the book).
    const last = pipeline.difference ? zero : x.data[((i + 1) * pipeline.lags - 1) * F]!;
    naiveScaled.fill(last, i * h, (i + 1) * h);
  }
  const levelsPred = pipeline.toLevels(pred.data, levels, targetIndex);
  const actualLevels: number[] = [];
  const modelLevels: number[] = [];
  const naiveLevels: number[] = [];
  const driftLevels: number[] = [];
  const naiveAll = new Float64Array(n * h).fill(NaN);
  const driftAll = new Float64Array(n * h).fill(NaN);
  const driftScaled = new Float64Array(n * h);
  for (let i = 0; i < n; i++) {
    const t = targetIndex[i]!;
    const b = t >= 2 ? (levels[t - 1]! - levels[0]!) / (t - 1) : 0;
    for (let j = 0; j < h; j++) {
      // The drift forecast in the network's units: the flow b (or the drifted level).
      driftScaled[i * h + j] = pipeline.difference
        ? pipeline.scaler.transform([b])[0]!
        : t >= 1 ? pipeline.scaler.transform([levels[t - 1]! + (j + 1) * b])[0]! : naiveScaled[i * h + j]!;
    }
    if (t < 1) continue;
    for (let j = 0; j < h; j++) {
      // Every horizon step of the naive forecast is the last observed level.
      naiveAll[i * h + j] = levels[t - 1]!;
      driftAll[i * h + j] = levels[t - 1]! + (j + 1) * b;
      actualLevels.push(levels[t + j]!);
      modelLevels.push(levelsPred[i * h + j]!);
      naiveLevels.push(levels[t - 1]!);
      driftLevels.push(driftAll[i * h + j]!);
    }
  }
  const scores = (scaled: ArrayLike<number>, lv: number[]): ForecastScores => ({
    rmse: rmse(y.data, scaled),
    mae: mae(y.data, scaled),
    rmseLevel: rmse(actualLevels, lv),
    maeLevel: mae(actualLevels, lv),
  });
  const model_ = scores(pred.data, modelLevels);
  const naive = scores(naiveScaled, naiveLevels);
  const drift = scores(driftScaled, driftLevels);
  return {
    samples: n,
    levelSamples: actualLevels.length,
    model: model_,
    naive,
    drift,
    skillVsNaive: 1 - model_.rmseLevel / naive.rmseLevel,
    skillVsDrift: 1 - model_.rmseLevel / drift.rmseLevel,
    predictions: { scaled: pred.data, levels: levelsPred, naiveLevels: naiveAll, driftLevels: driftAll, targetIndex },
  };
}
