/**
 * Per-feature scalers that follow scikit-learn 1.2 to the rounding.
 *
 * Data is row-major `[samples, features]`: element `i * features + j` is
 * sample i, feature j (a Keras/numpy `X.reshape(-1, features)`). Each feature
 * gets its own constants, fitted on training data only and then applied
 * unchanged to validation and test data: refitting on the test set would leak
 * its range into the model's inputs.
 */
import { FormatError, InvalidArgumentError, StateError } from '../core/errors.js';
import { allFinite, invalid, optional, plainObject, positiveInteger } from '../core/validate.js';

/** Plain-object form of a fitted {@link MinMaxScaler}. */
export interface MinMaxScalerJSON {
  type: 'minMax';
  /** The target range [a, b]. */
  range: [number, number];
  /** Per-feature minimum of the fit data (sklearn `data_min_`). */
  min: number[];
  /** Per-feature maximum of the fit data (sklearn `data_max_`). */
  max: number[];
}

/** Plain-object form of a fitted {@link StandardScaler}. */
export interface StandardScalerJSON {
  type: 'standard';
  /** Per-feature mean of the fit data (sklearn `mean_`). */
  mean: number[];
  /**
   * Per-feature divisor actually used (sklearn `scale_`): the population
   * standard deviation, or 1 for a (near-)constant feature.
   */
  std: number[];
}

/** Either scaler's JSON form. */
export type ScalerJSON = MinMaxScalerJSON | StandardScalerJSON;

/** What both scalers offer. */
export interface Scaler {
  readonly fitted: boolean;
  readonly features: number;
  fit(data: ArrayLike<number>, features?: number): this;
  transform(data: ArrayLike<number>, features?: number): Float64Array;
  inverseTransform(data: ArrayLike<number>, features?: number): Float64Array;
  fitTransform(data: ArrayLike<number>, features?: number): Float64Array;
  toJSON(): ScalerJSON;
}

/** numpy `np.finfo(np.float64).eps`. */
const EPS = Number.EPSILON;

function checkArray(name: string, data: unknown): ArrayLike<number> {
  if (!(Array.isArray(data) || (ArrayBuffer.isView(data) && !(data instanceof DataView)))) {
    throw invalid(name, 'non-empty array of numbers', data);
  }
  const a = data as ArrayLike<number>;
  if (a.length === 0) throw invalid(name, 'non-empty array of numbers', data);
  return a;
}

function checkLayout(name: string, data: ArrayLike<number>, features: number): void {
  if (data.length % features !== 0) {
    throw new InvalidArgumentError(
      name,
      `Expected a length that is a multiple of features (${features}) for ${name} but received length ${data.length}`,
    );
  }
}

/** Validate transform input against the fitted feature count. */
function checkTransformInput(data: unknown, features: unknown, fitted: number, who: string): ArrayLike<number> {
  if (fitted === 0) throw new StateError(`${who} is not fitted: call fit() before transform() or inverseTransform()`);
  const a = checkArray('data', data);
  if (features !== undefined && features !== fitted) {
    throw invalid('features', `${fitted} (the feature count the scaler was fitted with)`, features);
  }
  checkLayout('data', a, fitted);
  return a;
}

/** Neumaier-compensated per-feature sums of row-major data. */
function columnSums(data: ArrayLike<number>, features: number, shift?: Float64Array, square = false): Float64Array {
  const sum = new Float64Array(features);
  const comp = new Float64Array(features);
  for (let i = 0; i < data.length; i++) {
    const j = i % features;
    let v = data[i]!;
    if (shift) v -= shift[j]!;
    if (square) v *= v;
    const s = sum[j]! + v;
    comp[j]! += Math.abs(sum[j]!) >= Math.abs(v) ? sum[j]! - s + v : v - s + sum[j]!;
    sum[j] = s;
  }
  for (let j = 0; j < features; j++) sum[j]! += comp[j]!;
  return sum;
}

function jsonNumbers(obj: Record<string, unknown>, key: string, who: string): number[] {
  const v = obj[key];
  if (!Array.isArray(v) || v.length === 0) throw new FormatError(`Invalid ${who} JSON: expected ${key} to be a non-empty array of numbers`);
  v.forEach((x, i) => {
    if (typeof x !== 'number' || !Number.isFinite(x)) {
      throw new FormatError(`Invalid ${who} JSON: expected a finite number at ${key}[${i}] but found ${JSON.stringify(x)}`);
    }
  });
  return v as number[];
}

function jsonObject(obj: unknown, who: string): Record<string, unknown> {
  if (typeof obj === 'string') {
    try {
      obj = JSON.parse(obj);
    } catch (err) {
      throw new FormatError(`Invalid ${who} JSON: ${(err as Error).message}`, { cause: err });
    }
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    throw new FormatError(`Invalid ${who} JSON: expected an object but found ${obj === null ? 'null' : typeof obj}`);
  }
  return obj as Record<string, unknown>;
}

/**
 * Min-max scaling to `range = [a, b]` per feature, as scikit-learn's
 * `MinMaxScaler(feature_range=(a, b))`:
 *
 *     scale_ = (b - a) / (data_max - data_min)
 *     min_   = a - data_min * scale_
 *     X_scaled = X * scale_ + min_          (inverse: (X - min_) / scale_)
 *
 * computed in exactly that order, so results equal sklearn's to the last bit
 * (the algebraically equal `(X - min) / (max - min) * (b - a) + a` rounds
 * differently). A range below 10 * eps (a constant feature) uses divisor 1,
 * as sklearn's `_handle_zeros_in_scale`. The book scales the differenced
 * Close to [-1, 1], the range of its tanh output layer. Test data may fall
 * outside the range: the scaler is fitted on training data only.
 *
 * @example
 * const scaler = new MinMaxScaler({ range: [-1, 1] });
 * const train = scaler.fitTransform(trainDiffs);   // in [-1, 1]
 * const test = scaler.transform(testDiffs);        // training constants
 * const back = scaler.inverseTransform(predicted); // price differences again
 */
export class MinMaxScaler implements Scaler {
  /** The target range [a, b]. */
  readonly range: [number, number];
  #dataMin: Float64Array = new Float64Array(0);
  #dataMax: Float64Array = new Float64Array(0);
  #scale: Float64Array = new Float64Array(0);
  #offset: Float64Array = new Float64Array(0);

  /**
   * @param options `range`: target `[a, b]` with a < b, default `[0, 1]`
   * @throws {InvalidArgumentError} `options.range` is not two finite numbers with a < b
   */
  constructor(options?: { range?: [number, number] }) {
    const o = optional(options, {} as Record<string, unknown>, (v) => plainObject('options', v));
    this.range = optional(o.range, [0, 1] as [number, number], (v) => {
      if (
        !Array.isArray(v) ||
        v.length !== 2 ||
        !v.every((x) => typeof x === 'number' && Number.isFinite(x)) ||
        !(v[0] < v[1])
      ) {
        throw invalid('options.range', '[min, max] with finite min < max', v);
      }
      return [v[0], v[1]] as [number, number];
    });
  }

  /** True once fitted (or restored with {@link MinMaxScaler.fromJSON}). */
  get fitted(): boolean {
    return this.#scale.length > 0;
  }

  /** Number of features fitted; 0 before fitting. */
  get features(): number {
    return this.#scale.length;
  }

  /** Per-feature minimum of the fit data (sklearn `data_min_`); a copy. */
  get dataMin(): Float64Array {
    return this.#fittedCopy(this.#dataMin);
  }

  /** Per-feature maximum of the fit data (sklearn `data_max_`); a copy. */
  get dataMax(): Float64Array {
    return this.#fittedCopy(this.#dataMax);
  }

  /** Per-feature multiplier (sklearn `scale_`); a copy. */
  get scale(): Float64Array {
    return this.#fittedCopy(this.#scale);
  }

  /** Per-feature additive term (sklearn `min_`); a copy. */
  get offset(): Float64Array {
    return this.#fittedCopy(this.#offset);
  }

  #fittedCopy(a: Float64Array): Float64Array {
    if (!this.fitted) throw new StateError('MinMaxScaler is not fitted: call fit() first');
    return a.slice();
  }

  #setConstants(dataMin: Float64Array, dataMax: Float64Array): void {
    const [a, b] = this.range;
    const f = dataMin.length;
    const scale = new Float64Array(f);
    const offset = new Float64Array(f);
    for (let j = 0; j < f; j++) {
      const range = dataMax[j]! - dataMin[j]!;
      scale[j] = (b - a) / (range < 10 * EPS ? 1 : range);
      offset[j] = a - dataMin[j]! * scale[j]!;
    }
    this.#dataMin = dataMin;
    this.#dataMax = dataMax;
    this.#scale = scale;
    this.#offset = offset;
  }

  /**
   * Learn each feature's minimum and maximum. Refitting replaces the old constants.
   *
   * @param data row-major `[samples, features]`
   * @param features number of features per sample (default 1)
   * @returns this
   * @throws {InvalidArgumentError} empty data; a length not a multiple of
   *   `features`; NaN or infinite values (names the first index)
   * @example
   * new MinMaxScaler().fit([1, 10, 2, 20, 3, 30], 2).dataMax; // [3, 30]
   */
  fit(data: ArrayLike<number>, features = 1): this {
    const f = positiveInteger('features', features);
    const x = checkArray('data', data);
    checkLayout('data', x, f);
    allFinite('data', x);
    const dataMin = new Float64Array(f).fill(Infinity);
    const dataMax = new Float64Array(f).fill(-Infinity);
    for (let i = 0; i < x.length; i++) {
      const j = i % f;
      const v = x[i]!;
      if (v < dataMin[j]!) dataMin[j] = v;
      if (v > dataMax[j]!) dataMax[j] = v;
    }
    this.#setConstants(dataMin, dataMax);
    return this;
  }

  /**
   * Scale data with the fitted constants: `x * scale_ + min_`. NaN passes
   * through (as in sklearn).
   *
   * @param data row-major `[samples, features]`
   * @param features optional check: must equal the fitted feature count
   * @returns a new Float64Array
   * @throws {StateError} not fitted
   * @throws {InvalidArgumentError} empty data, wrong feature count, or a
   *   length not a multiple of it
   * @example
   * scaler.transform(new Float64Array([0.5, -0.25]));
   */
  transform(data: ArrayLike<number>, features?: number): Float64Array {
    const x = checkTransformInput(data, features, this.features, 'MinMaxScaler');
    const f = this.features;
    const out = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) {
      const j = i % f;
      out[i] = x[i]! * this.#scale[j]! + this.#offset[j]!;
    }
    return out;
  }

  /**
   * Undo {@link MinMaxScaler.transform}: `(x - min_) / scale_`.
   *
   * @param data row-major scaled values
   * @param features optional check: must equal the fitted feature count
   * @returns a new Float64Array in the original units
   * @throws {StateError} not fitted
   * @throws {InvalidArgumentError} empty data or wrong feature count
   * @example
   * scaler.inverseTransform(predictions); // scaled -> price differences
   */
  inverseTransform(data: ArrayLike<number>, features?: number): Float64Array {
    const x = checkTransformInput(data, features, this.features, 'MinMaxScaler');
    const f = this.features;
    const out = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) {
      const j = i % f;
      out[i] = (x[i]! - this.#offset[j]!) / this.#scale[j]!;
    }
    return out;
  }

  /**
   * `fit(data, features)` then `transform(data)`.
   *
   * @param data row-major `[samples, features]`
   * @param features number of features per sample (default 1)
   * @throws {InvalidArgumentError} as {@link MinMaxScaler.fit}
   * @example
   * const scaled = new MinMaxScaler({ range: [-1, 1] }).fitTransform(diffs);
   */
  fitTransform(data: ArrayLike<number>, features = 1): Float64Array {
    return this.fit(data, features).transform(data);
  }

  /**
   * The fitted state as a plain, JSON-serialisable object. Numbers survive
   * `JSON.stringify` exactly (shortest round-trip form).
   *
   * @throws {StateError} not fitted
   * @example
   * writeFileSync('scaler.json', JSON.stringify(scaler));
   */
  toJSON(): MinMaxScalerJSON {
    if (!this.fitted) throw new StateError('MinMaxScaler is not fitted: call fit() first');
    return { type: 'minMax', range: [...this.range], min: [...this.#dataMin], max: [...this.#dataMax] };
  }

  /**
   * Restore a scaler saved with {@link MinMaxScaler.toJSON}; the constants
   * are recomputed from `range`, `min`, `max` exactly as `fit` computes them.
   *
   * @param obj the object, or its JSON text
   * @throws {FormatError} not a valid MinMaxScaler object (wrong type tag,
   *   missing or non-finite numbers, min/max of different lengths, min > max)
   * @example
   * const scaler = MinMaxScaler.fromJSON(JSON.parse(readFileSync('scaler.json', 'utf8')));
   */
  static fromJSON(obj: unknown): MinMaxScaler {
    const o = jsonObject(obj, 'MinMaxScaler');
    if (o.type !== 'minMax') throw new FormatError(`Invalid MinMaxScaler JSON: expected type "minMax" but found ${JSON.stringify(o.type)}`);
    const range = o.range;
    if (!Array.isArray(range) || range.length !== 2 || !range.every((x) => typeof x === 'number' && Number.isFinite(x)) || !(range[0] < range[1])) {
      throw new FormatError(`Invalid MinMaxScaler JSON: expected range to be [a, b] with finite a < b but found ${JSON.stringify(range)}`);
    }
    const min = jsonNumbers(o, 'min', 'MinMaxScaler');
    const max = jsonNumbers(o, 'max', 'MinMaxScaler');
    if (min.length !== max.length) {
      throw new FormatError(`Invalid MinMaxScaler JSON: min has ${min.length} features but max has ${max.length}`);
    }
    min.forEach((m, j) => {
      if (m > max[j]!) throw new FormatError(`Invalid MinMaxScaler JSON: min[${j}] = ${m} is greater than max[${j}] = ${max[j]}`);
    });
    const scaler = new MinMaxScaler({ range: [range[0], range[1]] });
    scaler.#setConstants(Float64Array.from(min), Float64Array.from(max));
    return scaler;
  }
}

/**
 * Standardization per feature, as scikit-learn's `StandardScaler()`:
 * `z = (x - mean) / std` with the population standard deviation (ddof = 0).
 *
 * The variance uses sklearn's corrected two-pass algorithm (Chan, Golub &
 * LeVeque): with `c = sum(x - mean)`, `var = (sum((x - mean)^2) - c^2 / n) / n`;
 * sums here are compensated, so constants agree with sklearn to ~1e-15
 * relative. A feature whose variance is indistinguishable from 0
 * (`var <= n*eps*var + (n*mean*eps)^2`, sklearn's `_is_constant_feature`)
 * gets divisor 1.
 *
 * @example
 * const scaler = new StandardScaler().fit(trainRows, 5);
 * const z = scaler.transform(testRows, 5);
 */
export class StandardScaler implements Scaler {
  #mean: Float64Array = new Float64Array(0);
  #std: Float64Array = new Float64Array(0);

  /** True once fitted (or restored with {@link StandardScaler.fromJSON}). */
  get fitted(): boolean {
    return this.#std.length > 0;
  }

  /** Number of features fitted; 0 before fitting. */
  get features(): number {
    return this.#std.length;
  }

  /** Per-feature mean (sklearn `mean_`); a copy. */
  get mean(): Float64Array {
    if (!this.fitted) throw new StateError('StandardScaler is not fitted: call fit() first');
    return this.#mean.slice();
  }

  /** Per-feature divisor (sklearn `scale_`); a copy. */
  get std(): Float64Array {
    if (!this.fitted) throw new StateError('StandardScaler is not fitted: call fit() first');
    return this.#std.slice();
  }

  /**
   * Learn each feature's mean and population standard deviation.
   *
   * @param data row-major `[samples, features]`
   * @param features number of features per sample (default 1)
   * @returns this
   * @throws {InvalidArgumentError} empty data; a length not a multiple of
   *   `features`; NaN or infinite values (names the first index)
   * @example
   * new StandardScaler().fit([1, 2, 3, 4]).std; // [1.118033988749895]
   */
  fit(data: ArrayLike<number>, features = 1): this {
    const f = positiveInteger('features', features);
    const x = checkArray('data', data);
    checkLayout('data', x, f);
    allFinite('data', x);
    const n = x.length / f;
    const mean = columnSums(x, f).map((s) => s / n);
    const correction = columnSums(x, f, mean);
    const squares = columnSums(x, f, mean, true);
    const std = new Float64Array(f);
    for (let j = 0; j < f; j++) {
      const v = (squares[j]! - (correction[j]! * correction[j]!) / n) / n;
      const constant = v <= n * EPS * v + (n * mean[j]! * EPS) ** 2;
      std[j] = constant ? 1 : Math.sqrt(v);
    }
    this.#mean = mean;
    this.#std = std;
    return this;
  }

  /**
   * Standardize: `(x - mean) / std`. NaN passes through.
   *
   * @param data row-major `[samples, features]`
   * @param features optional check: must equal the fitted feature count
   * @returns a new Float64Array
   * @throws {StateError} not fitted
   * @throws {InvalidArgumentError} empty data or wrong feature count
   * @example
   * scaler.transform([1, 2, 3, 4]);
   */
  transform(data: ArrayLike<number>, features?: number): Float64Array {
    const x = checkTransformInput(data, features, this.features, 'StandardScaler');
    const f = this.features;
    const out = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) {
      const j = i % f;
      out[i] = (x[i]! - this.#mean[j]!) / this.#std[j]!;
    }
    return out;
  }

  /**
   * Undo {@link StandardScaler.transform}: `z * std + mean`.
   *
   * @param data row-major standardized values
   * @param features optional check: must equal the fitted feature count
   * @returns a new Float64Array in the original units
   * @throws {StateError} not fitted
   * @throws {InvalidArgumentError} empty data or wrong feature count
   * @example
   * scaler.inverseTransform(z);
   */
  inverseTransform(data: ArrayLike<number>, features?: number): Float64Array {
    const x = checkTransformInput(data, features, this.features, 'StandardScaler');
    const f = this.features;
    const out = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) {
      const j = i % f;
      out[i] = x[i]! * this.#std[j]! + this.#mean[j]!;
    }
    return out;
  }

  /**
   * `fit(data, features)` then `transform(data)`.
   *
   * @param data row-major `[samples, features]`
   * @param features number of features per sample (default 1)
   * @throws {InvalidArgumentError} as {@link StandardScaler.fit}
   * @example
   * const z = new StandardScaler().fitTransform(values);
   */
  fitTransform(data: ArrayLike<number>, features = 1): Float64Array {
    return this.fit(data, features).transform(data);
  }

  /**
   * The fitted state as a plain, JSON-serialisable object.
   *
   * @throws {StateError} not fitted
   * @example
   * JSON.stringify(scaler); // {"type":"standard","mean":[...],"std":[...]}
   */
  toJSON(): StandardScalerJSON {
    if (!this.fitted) throw new StateError('StandardScaler is not fitted: call fit() first');
    return { type: 'standard', mean: [...this.#mean], std: [...this.#std] };
  }

  /**
   * Restore a scaler saved with {@link StandardScaler.toJSON}.
   *
   * @param obj the object, or its JSON text
   * @throws {FormatError} not a valid StandardScaler object (wrong type tag,
   *   non-finite numbers, std not positive, lengths differ)
   * @example
   * const scaler = StandardScaler.fromJSON({ type: 'standard', mean: [0], std: [2] });
   */
  static fromJSON(obj: unknown): StandardScaler {
    const o = jsonObject(obj, 'StandardScaler');
    if (o.type !== 'standard') throw new FormatError(`Invalid StandardScaler JSON: expected type "standard" but found ${JSON.stringify(o.type)}`);
    const mean = jsonNumbers(o, 'mean', 'StandardScaler');
    const std = jsonNumbers(o, 'std', 'StandardScaler');
    if (mean.length !== std.length) {
      throw new FormatError(`Invalid StandardScaler JSON: mean has ${mean.length} features but std has ${std.length}`);
    }
    std.forEach((s, j) => {
      if (!(s > 0)) throw new FormatError(`Invalid StandardScaler JSON: std[${j}] = ${s} is not positive`);
    });
    const scaler = new StandardScaler();
    scaler.#mean = Float64Array.from(mean);
    scaler.#std = Float64Array.from(std);
    return scaler;
  }
}

/**
 * Restore either scaler from its JSON form, by its `type` tag.
 *
 * @param obj a {@link ScalerJSON} object, or its JSON text
 * @returns a fitted MinMaxScaler or StandardScaler
 * @throws {FormatError} unknown `type` or invalid contents
 * @example
 * const scaler = scalerFromJSON(JSON.parse(saved)); // MinMaxScaler | StandardScaler
 */
export function scalerFromJSON(obj: unknown): MinMaxScaler | StandardScaler {
  const o = jsonObject(obj, 'scaler');
  if (o.type === 'minMax') return MinMaxScaler.fromJSON(o);
  if (o.type === 'standard') return StandardScaler.fromJSON(o);
  throw new FormatError(`Invalid scaler JSON: expected type "minMax" or "standard" but found ${JSON.stringify(o.type)}`);
}
