/**
 * The forecasting pipeline around a model: levels (prices) in, lag windows
 * of scaled first differences to the network, and predictions back out in
 * levels. It is the book's prep_data made reversible:
 *   d_t = p_t - p_{t-1}  (d_0 = 0, pandas diff().fillna(0))
 *   s_t = scale(d_t)     (min-max to [-1, 1], fitted on the training part only)
 *   x_t = [s_{t-lags} .. s_{t-1}] (zeros before the start),  y_t = s_t
 * and back: p_hat_t = p_{t-1} + unscale(s_hat_t), the one-step forecast in
 * price units, anchored on the last observed price.
 */
import { FormatError, StateError } from '../errors.js';
import { difference } from '../data/difference.js';
import { MinMaxScaler, StandardScaler, scalerFromJSON, type ScalerJSON } from '../data/scalers.js';
import { lagWindows } from '../data/windows.js';
import type { Tensor } from '../tensor.js';
import { allFinite, oneOf, optional, plainObject, positiveInteger, boolean, invalid } from '../validate.js';

export interface ForecastPipelineConfig {
  /** Window length (the book: 10). */
  lags: number;
  /** First-difference the levels before scaling (the book: true). Default true. */
  difference?: boolean;
  /** 'minMax' with range [-1, 1] (the book, default) or 'standard'. */
  scaler?: { type: 'minMax'; range?: [number, number] } | { type: 'standard' };
  /** 'zero' (the book: one sample per row, zero-padded start) or 'drop'. Default 'zero'. */
  padding?: 'zero' | 'drop';
}

export interface ForecastPipelineJSON {
  type: 'forecastPipeline';
  lags: number;
  difference: boolean;
  padding: 'zero' | 'drop';
  scaler: ScalerJSON;
  /** Free-form provenance (data column, time column, training range). */
  source?: Record<string, unknown>;
}

export interface ForecastWindows {
  /** [samples, lags, 1] network inputs. */
  x: Tensor;
  /** [samples, 1] scaled targets. */
  y: Tensor;
  /** Row index t in the levels of each sample's target. */
  targetIndex: Int32Array;
}

export class ForecastPipeline {
  readonly lags: number;
  readonly difference: boolean;
  readonly padding: 'zero' | 'drop';
  readonly scaler: MinMaxScaler | StandardScaler;
  /** Provenance saved with the model (column names, training range, ...). */
  source: Record<string, unknown> = {};
  #fitted = false;

  /**
   * @param fittedScaler a fitted scaler to adopt (fromJSON uses this); the pipeline is then fitted
   * @example const pipeline = new ForecastPipeline({ lags: 10 }); // the book's defaults
   */
  constructor(config: ForecastPipelineConfig, fittedScaler?: MinMaxScaler | StandardScaler) {
    plainObject('config', config);
    this.lags = positiveInteger('config.lags', config.lags);
    this.difference = optional(config.difference, true, (v) => boolean('config.difference', v));
    this.padding = optional(config.padding, 'zero' as const, (v) => oneOf('config.padding', v, ['zero', 'drop'] as const));
    const scaler = optional(config.scaler, { type: 'minMax' as const, range: [-1, 1] as [number, number] }, (v) => {
      const o = plainObject('config.scaler', v);
      oneOf('config.scaler.type', o.type, ['minMax', 'standard'] as const);
      return v as NonNullable<ForecastPipelineConfig['scaler']>;
    });
    this.scaler =
      fittedScaler ?? (scaler.type === 'standard' ? new StandardScaler() : new MinMaxScaler({ range: scaler.range ?? [-1, 1] }));
    this.#fitted = fittedScaler !== undefined;
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
  fit(levels: ArrayLike<number>): this {
    if (levels.length === 0) throw invalid('levels', 'at least one value', levels);
    allFinite('levels', levels);
    this.scaler.fit(this.flows(levels));
    this.#fitted = true;
    return this;
  }

  /** Scaled flows: the series the network is trained on. */
  transform(levels: ArrayLike<number>): Float64Array {
    this.#requireFitted();
    allFinite('levels', levels);
    return this.scaler.transform(this.flows(levels));
  }

  /** Lag windows and scaled targets for a stretch of levels (train or test alike). */
  windows(levels: ArrayLike<number>): ForecastWindows {
    const scaled = this.transform(levels);
    const { x, y, targetIndex } = lagWindows(scaled, { lags: this.lags, padding: this.padding });
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
   * Maps scaled one-step predictions back to levels:
   * p_hat_t = p_{t-1} + unscale(s_hat) with differencing, unscale(s_hat) without.
   * Samples whose target is the first row (t = 0, no previous level) get NaN.
   * @param predicted scaled predictions, one per sample
   * @param levels the levels the windows were made from
   * @param targetIndex each sample's target row (from windows())
   */
  toLevels(predicted: ArrayLike<number>, levels: ArrayLike<number>, targetIndex: Int32Array): Float64Array {
    this.#requireFitted();
    if (predicted.length !== targetIndex.length) {
      throw invalid('predicted', `${targetIndex.length} values (one per sample)`, predicted);
    }
    const unscaled = this.scaler.inverseTransform(predicted);
    const out = new Float64Array(predicted.length);
    for (let i = 0; i < out.length; i++) {
      const t = targetIndex[i]!;
      out[i] = this.difference ? (t >= 1 ? levels[t - 1]! + unscaled[i]! : NaN) : unscaled[i]!;
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
      source: this.source,
    };
  }

  /** @throws FormatError for JSON that is not a fitted pipeline */
  static fromJSON(json: unknown): ForecastPipeline {
    const o = json as Partial<ForecastPipelineJSON> | null;
    if (!o || o.type !== 'forecastPipeline') throw new FormatError('Expected a forecastPipeline JSON object');
    try {
      const p = new ForecastPipeline({ lags: o.lags!, difference: o.difference, padding: o.padding }, scalerFromJSON(o.scaler));
      p.source = { ...(o.source ?? {}) };
      return p;
    } catch (err) {
      if (err instanceof FormatError) throw err;
      throw new FormatError(`Invalid forecastPipeline JSON: ${(err as Error).message}`, { cause: err });
    }
  }

  #requireFitted(): void {
    if (!this.#fitted) throw new StateError('The pipeline is not fitted: call pipeline.fit(trainingLevels) first');
  }
}
