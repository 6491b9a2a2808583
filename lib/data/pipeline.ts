/**
 * The forecasting pipeline around a model: levels (prices) in, lag windows
 * of scaled first differences to the network, and predictions back out in
 * levels. It is the book's prep_data made reversible:
 *   d_t = p_t - p_{t-1}  (d_0 = 0, pandas diff().fillna(0))
 *   s_t = scale(d_t)     (min-max to [-1, 1], fitted on the training part only)
 *   x_t = [s_{t-lags} .. s_{t-1}] (zeros before the start),  y_t = s_t
 * and back: p_hat_t = p_{t-1} + unscale(s_hat_t), the one-step forecast in
 * price units, anchored on the last observed price.
 *
 * Beyond the book:
 *  - horizon h > 1 (direct multi-step): y_t = [s_t .. s_{t+h-1}] for a
 *    Dense(h) head, and p_hat_{t+j} = p_{t-1} + sum_{i<=j} unscale(s_hat_{t+i});
 *  - covariates: extra series (volume, temperature, ...) given to fit() and
 *    windows() as columns, each differenced or not (covariateDifference) and
 *    scaled by its own scaler, fitted on the training part; window step k
 *    holds [s, c_1 .. c_C] of the same past row (1 + C features).
 */
import { FormatError, StateError } from '../core/errors.js';
import { difference } from './difference.js';
import { MinMaxScaler, StandardScaler, scalerFromJSON, type ScalerJSON } from './scalers.js';
import { lagWindows } from './windows.js';
import type { Tensor } from '../core/tensor.js';
import { allFinite, oneOf, optional, plainObject, positiveInteger, nonNegativeInteger, boolean, invalid } from '../core/validate.js';

export interface ForecastPipelineConfig {
  /** Window length (the book: 10). */
  lags: number;
  /** First-difference the levels before scaling (the book: true). Default true. */
  difference?: boolean;
  /** 'minMax' with range [-1, 1] (the book, default) or 'standard'. */
  scaler?: { type: 'minMax'; range?: [number, number] } | { type: 'standard' };
  /** 'zero' (the book: one sample per row, zero-padded start) or 'drop'. Default 'zero'. */
  padding?: 'zero' | 'drop';
  /** Targets per sample (direct multi-step forecasting with a Dense(horizon) head). Default 1. */
  horizon?: number;
  /** Number of covariate series fit() and windows() take. Default 0. */
  covariates?: number;
  /** First-difference the covariates too (else their levels are scaled). Default false. */
  covariateDifference?: boolean;
}

export interface ForecastPipelineJSON {
  type: 'forecastPipeline';
  lags: number;
  difference: boolean;
  padding: 'zero' | 'drop';
  scaler: ScalerJSON;
  /** Absent in files from before horizons and covariates: 1, 0, false, []. */
  horizon?: number;
  covariates?: number;
  covariateDifference?: boolean;
  covariateScalers?: ScalerJSON[];
  /** Free-form provenance (data column, time column, training range). */
  source?: Record<string, unknown>;
}

export interface ForecastWindows {
  /** [samples, lags, 1 + covariates] network inputs. */
  x: Tensor;
  /** [samples, horizon] scaled targets. */
  y: Tensor;
  /** Row index t in the levels of each sample's target. */
  targetIndex: Int32Array;
}

export class ForecastPipeline {
  readonly lags: number;
  readonly difference: boolean;
  readonly padding: 'zero' | 'drop';
  readonly scaler: MinMaxScaler | StandardScaler;
  readonly horizon: number;
  /** How many covariate series the pipeline takes. */
  readonly covariates: number;
  readonly covariateDifference: boolean;
  /** One scaler per covariate (fitted with the pipeline). */
  readonly covariateScalers: (MinMaxScaler | StandardScaler)[];
  /** Provenance saved with the model (column names, training range, ...). */
  source: Record<string, unknown> = {};
  #fitted = false;

  /**
   * @param fittedScaler a fitted scaler to adopt (fromJSON uses this); the pipeline is then fitted
   * @param fittedCovariateScalers fitted covariate scalers to adopt with it
   * @example const pipeline = new ForecastPipeline({ lags: 10 }); // the book's defaults
   */
  constructor(
    config: ForecastPipelineConfig,
    fittedScaler?: MinMaxScaler | StandardScaler,
    fittedCovariateScalers?: (MinMaxScaler | StandardScaler)[],
  ) {
    plainObject('config', config);
    this.lags = positiveInteger('config.lags', config.lags);
    this.difference = optional(config.difference, true, (v) => boolean('config.difference', v));
    this.padding = optional(config.padding, 'zero' as const, (v) => oneOf('config.padding', v, ['zero', 'drop'] as const));
    const scaler = optional(config.scaler, { type: 'minMax' as const, range: [-1, 1] as [number, number] }, (v) => {
      const o = plainObject('config.scaler', v);
      oneOf('config.scaler.type', o.type, ['minMax', 'standard'] as const);
      return v as NonNullable<ForecastPipelineConfig['scaler']>;
    });
    const make = () => (scaler.type === 'standard' ? new StandardScaler() : new MinMaxScaler({ range: scaler.range ?? [-1, 1] }));
    this.scaler = fittedScaler ?? make();
    this.horizon = optional(config.horizon, 1, (v) => positiveInteger('config.horizon', v));
    this.covariates = optional(config.covariates, 0, (v) => nonNegativeInteger('config.covariates', v));
    this.covariateDifference = optional(config.covariateDifference, false, (v) => boolean('config.covariateDifference', v));
    this.covariateScalers = fittedCovariateScalers ?? Array.from({ length: this.covariates }, make);
    if (this.covariateScalers.length !== this.covariates) {
      throw invalid('fittedCovariateScalers', `${this.covariates} scalers (config.covariates)`, fittedCovariateScalers);
    }
    this.#fitted = fittedScaler !== undefined;
  }

  /** Network input features per time step: 1 + covariates. */
  get features(): number {
    return 1 + this.covariates;
  }

  get fitted(): boolean {
    return this.#fitted;
  }

  /** The series the network sees before scaling: first differences (d_0 = 0) or the levels. */
  flows(levels: ArrayLike<number>): Float64Array {
    return this.difference ? difference(levels, { fill: 'zero' }) : Float64Array.from(levels);
  }

  /**
   * Fits the scaler on the training levels (after differencing).
   * @throws InvalidArgumentError for empty or non-finite levels
   */
  fit(levels: ArrayLike<number>, covariates: ArrayLike<number>[] = []): this {
    if (levels.length === 0) throw invalid('levels', 'at least one value', levels);
    allFinite('levels', levels);
    this.#checkCovariates(covariates, levels.length);
    this.scaler.fit(this.flows(levels));
    covariates.forEach((c, j) => this.covariateScalers[j]!.fit(this.#covariateFlows(c)));
    this.#fitted = true;
    return this;
  }

  /** Scaled flows: the series the network is trained on. */
  transform(levels: ArrayLike<number>): Float64Array {
    this.#requireFitted();
    allFinite('levels', levels);
    return this.scaler.transform(this.flows(levels));
  }

  /**
   * Lag windows and scaled targets for a stretch of levels (train or test
   * alike), with the covariates of the same rows.
   * @param covariates `config.covariates` series, each as long as levels
   */
  windows(levels: ArrayLike<number>, covariates: ArrayLike<number>[] = []): ForecastWindows {
    const scaled = this.transform(levels);
    this.#checkCovariates(covariates, levels.length);
    let rows: Float64Array = scaled;
    if (this.covariates > 0) {
      // Row-major [n, 1 + C]: the target flow, then each covariate.
      const F = this.features;
      rows = new Float64Array(levels.length * F);
      for (let t = 0; t < levels.length; t++) rows[t * F] = scaled[t]!;
      covariates.forEach((c, j) => {
        const sc = this.covariateScalers[j]!.transform(this.#covariateFlows(c));
        for (let t = 0; t < levels.length; t++) rows[t * F + 1 + j] = sc[t]!;
      });
    }
    const { x, y, targetIndex } = lagWindows(rows, { lags: this.lags, padding: this.padding, features: this.features, horizon: this.horizon });
    return { x, y, targetIndex };
  }

  /**
   * The windows of windows() as raw levels, for a graph that differences and
   * scales inside (ONNX export with the pipeline): row i holds lags + 1
   * levels (lags without differencing) whose scaled flows are exactly row i
   * of windows(levels).x, up to float64 rounding. Before the series starts,
   * windows() pads with scaled zeros; here that padding becomes levels that
   * step by d_pad = unscale(0) (d_0 = 0 keeps p_{-1} = p_0), since scale(d_pad) = 0.
   * Only min-max and standard scalers of one feature (the pipeline's case).
   */
  levelWindows(levels: ArrayLike<number>): { data: Float64Array; shape: [number, number]; targetIndex: Int32Array } {
    this.#requireFitted();
    allFinite('levels', levels);
    if (this.padding !== 'zero') throw new StateError("levelWindows() needs padding: 'zero' (one window per row)");
    if (this.covariates > 0) throw new StateError('levelWindows() is for a univariate pipeline (config.covariates is 0)');
    const lags = this.lags;
    const width = lags + (this.difference ? 1 : 0);
    const n = levels.length;
    const pad = this.scaler.inverseTransform([0])[0]!;
    // extended[k] is the level at row k - width (rows before 0 synthesized).
    const extended = new Float64Array(n + width);
    for (let i = 0; i < n; i++) extended[width + i] = levels[i]!;
    if (this.difference) {
      extended[width - 1] = levels[0]!; // p_{-1} = p_0: d_0 = 0
      for (let k = width - 2; k >= 0; k--) extended[k] = extended[k + 1]! - pad;
    } else {
      for (let k = width - 1; k >= 0; k--) extended[k] = pad;
    }
    const data = new Float64Array(n * width);
    const targetIndex = new Int32Array(n);
    for (let t = 0; t < n; t++) {
      data.set(extended.subarray(t, t + width), t * width);
      targetIndex[t] = t;
    }
    return { data, shape: [n, width], targetIndex };
  }

  /** The scaled value of "no change" (the naive forecast in the network's units). */
  scaledZero(): number {
    this.#requireFitted();
    return this.difference ? this.scaler.transform([0])[0]! : NaN;
  }

  /**
   * Maps scaled predictions back to levels. Sample i with target row t and
   * horizon step j (predicted[i * horizon + j]) becomes, with differencing,
   * p_hat_{t+j} = p_{t-1} + sum_{k<=j} unscale(s_hat_k) (the forecast made at
   * t-1, the last observed level), else unscale(s_hat_j). Samples whose
   * target is the first row (t = 0, no previous level) get NaN.
   * @param predicted scaled predictions, horizon per sample
   * @param levels the levels the windows were made from
   * @param targetIndex each sample's (first) target row (from windows())
   */
  toLevels(predicted: ArrayLike<number>, levels: ArrayLike<number>, targetIndex: Int32Array): Float64Array {
    this.#requireFitted();
    const h = this.horizon;
    if (predicted.length !== targetIndex.length * h) {
      throw invalid('predicted', `${targetIndex.length * h} values (${h} per sample)`, predicted);
    }
    const unscaled = this.scaler.inverseTransform(predicted);
    const out = new Float64Array(predicted.length);
    for (let i = 0; i < targetIndex.length; i++) {
      const t = targetIndex[i]!;
      let level = this.difference && t >= 1 ? levels[t - 1]! : NaN;
      for (let j = 0; j < h; j++) {
        const k = i * h + j;
        if (this.difference) {
          level += unscaled[k]!;
          out[k] = level;
        } else {
          out[k] = unscaled[k]!;
        }
      }
    }
    return out;
  }

  toJSON(): ForecastPipelineJSON {
    this.#requireFitted();
    return {
      type: 'forecastPipeline',
      lags: this.lags,
      difference: this.difference,
      padding: this.padding,
      scaler: this.scaler.toJSON(),
      horizon: this.horizon,
      covariates: this.covariates,
      covariateDifference: this.covariateDifference,
      covariateScalers: this.covariateScalers.map((c) => c.toJSON()),
      source: this.source,
    };
  }

  /** @throws FormatError for JSON that is not a fitted pipeline */
  static fromJSON(json: unknown): ForecastPipeline {
    const o = json as Partial<ForecastPipelineJSON> | null;
    if (!o || o.type !== 'forecastPipeline') throw new FormatError('Expected a forecastPipeline JSON object');
    try {
      const p = new ForecastPipeline(
        {
          lags: o.lags!,
          difference: o.difference,
          padding: o.padding,
          horizon: o.horizon,
          covariates: o.covariates,
          covariateDifference: o.covariateDifference,
        },
        scalerFromJSON(o.scaler),
        (o.covariateScalers ?? []).map((c) => scalerFromJSON(c)),
      );
      p.source = { ...(o.source ?? {}) };
      return p;
    } catch (err) {
      if (err instanceof FormatError) throw err;
      throw new FormatError(`Invalid forecastPipeline JSON: ${(err as Error).message}`, { cause: err });
    }
  }

  #covariateFlows(c: ArrayLike<number>): Float64Array {
    return this.covariateDifference ? difference(c, { fill: 'zero' }) : Float64Array.from(c);
  }

  #checkCovariates(covariates: unknown, n: number): void {
    if (!Array.isArray(covariates) || covariates.length !== this.covariates) {
      throw invalid('covariates', `an array of ${this.covariates} series (config.covariates)`, covariates);
    }
    covariates.forEach((c, j) => {
      if (!(Array.isArray(c) || (ArrayBuffer.isView(c) && !(c instanceof DataView)))) throw invalid(`covariates[${j}]`, 'array of numbers', c);
      const a = c as ArrayLike<number>;
      if (a.length !== n) throw invalid(`covariates[${j}]`, `${n} values (one per level)`, `${a.length} values`);
      allFinite(`covariates[${j}]`, a);
    });
  }

  #requireFitted(): void {
    if (!this.#fitted) throw new StateError('The pipeline is not fitted: call pipeline.fit(trainingLevels) first');
  }
}
