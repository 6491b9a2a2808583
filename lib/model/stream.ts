/**
 * Streaming inference on the native kernels: one new time step per call,
 * with every LSTM layer's (h, c) carried from the previous call, so each
 * step costs O(1) whatever the history. Created by Sequential.stream(); the
 * stream holds its own copy of the weights (a snapshot at stream() time)
 * and its own state, so training or predicting with the model does not
 * disturb it.
 */
import { DisposedError, InvalidArgumentError } from '../core/errors.js';
import type { LevelStream } from '../data/level-stream.js';
import { nativeError, type NativeModel } from '../native/binding.js';
import { allFinite, invalid, plainObject, positiveInteger } from '../core/validate.js';

/** A stream's state, JSON-serializable; restore it with `stream.state = saved`. */
export interface StreamState {
  /** Series stepped together (rows); 0 before the first step. */
  batch: number;
  /** Per LSTM layer (model layer index): h and c, [batch, units] row-major. */
  layers: { layer: number; h: number[]; c: number[] }[];
  /** With a pipeline: the last level of each series (null before the first step). */
  lastLevels?: number[] | null;
}

/** What the predictor behind a stream needs to say about the model. */
export interface StreamShape {
  features: number;
  /** Series stepped together (rows of every step), fixed when the stream is made. */
  series: number;
  /** Output values per series per step. */
  outUnits: number;
  /** [layer index, units] of every LSTM layer. */
  lstmLayers: [number, number][];
}

/**
 * Checks one step's values: exactly `series * features` finite numbers. The
 * width is fixed by the stream's `series` option, never guessed from the
 * values, so a wrong width (three values for a one-feature model) is an error
 * and not three series.
 */
export function checkStepValues(values: unknown, shape: Pick<StreamShape, 'features' | 'series'>): void {
  const { features, series } = shape;
  const width = series * features;
  const what = `${width} (${series} series x ${features} feature${features === 1 ? '' : 's'}; the stream's series option sets the series)`;
  if (!(Array.isArray(values) || (ArrayBuffer.isView(values) && !(values instanceof DataView)))) {
    throw invalid('values', `array of numbers of width ${what}`, values);
  }
  const v = values as ArrayLike<number>;
  if (v.length !== width) throw new InvalidArgumentError('values', `Expected values of width ${what} but received ${v.length} values`);
  allFinite('values', v);
}

/** Checks a StreamState against a stream's shape; returns the batch. */
export function checkStreamState(value: unknown, shape: StreamShape, withLevels: boolean): StreamState {
  const s = plainObject('state', value) as unknown as StreamState;
  if (s.batch === 0) return { batch: 0, layers: [] };
  const batch = positiveInteger('state.batch', s.batch);
  if (batch !== shape.series) throw invalid('state.batch', `0 or ${shape.series} (the stream's series)`, batch);
  if (!Array.isArray(s.layers) || s.layers.length !== shape.lstmLayers.length) {
    throw invalid('state.layers', `array of ${shape.lstmLayers.length} layer states`, s.layers);
  }
  s.layers.forEach((l, i) => {
    const [layer, units] = shape.lstmLayers[i]!;
    if (l?.layer !== layer) throw invalid(`state.layers[${i}].layer`, `${layer}`, l?.layer);
    for (const key of ['h', 'c'] as const) {
      if (!Array.isArray(l[key]) || l[key].length !== batch * units) throw invalid(`state.layers[${i}].${key}`, `array of ${batch * units} numbers`, l[key]);
      allFinite(`state.layers[${i}].${key}`, l[key]);
    }
  });
  if (withLevels) {
    const levels = s.lastLevels;
    if (levels !== null && (!Array.isArray(levels) || levels.length !== batch)) throw invalid('state.lastLevels', `null or an array of ${batch} numbers`, levels);
    if (levels) allFinite('state.lastLevels', levels);
  }
  return s;
}

/**
 * A native streaming predictor. `step(values)` takes the newest time step of
 * each series and returns the next forecast of each.
 */
export class NativeStream {
  readonly #shape: StreamShape;
  readonly #levels: LevelStream | null;
  #native: NativeModel | null;
  #batch = 0;

  /** @internal use Sequential.stream() */
  constructor(native: NativeModel, shape: StreamShape, levels: LevelStream | null) {
    this.#native = native;
    this.#shape = shape;
    this.#levels = levels;
  }

  /** Series in the stream once it has stepped (its series option); 0 before the first step and after reset(). */
  get batch(): number {
    return this.#batch;
  }

  /** Series stepped together: every step takes series x features values. */
  get series(): number {
    return this.#shape.series;
  }

  /**
   * Feeds one time step and returns the forecast made after it.
   * @param values the newest value of each series: series x features numbers
   *   (network inputs; with a pipeline, raw levels such as prices, features 1)
   * @returns [series, units] network outputs as Float32Array, or with a
   *   pipeline [series, horizon] levels as Float64Array
   * @throws InvalidArgumentError naming `values`, the expected and the received
   *   width, or a non-finite value; DisposedError after dispose()
   * @example const s = model.stream({ pipeline: true }); for (const p of prices) next = s.step([p]);
   */
  step(values: ArrayLike<number>): Float32Array | Float64Array {
    const native = this.#usable();
    checkStepValues(values, this.#shape);
    const batch = this.#shape.series;
    const x = this.#levels ? this.#levels.input(values) : Float32Array.from(values);
    let y: Float32Array;
    try {
      y = native.predictSync(x, batch, batch);
    } catch (err) {
      throw nativeError(err);
    }
    this.#batch = batch;
    return this.#levels ? this.#levels.output(y, this.#shape.outUnits) : y;
  }

  /** Forgets all state: the next step starts every series from zeros. */
  reset(): void {
    this.#usable().resetStates();
    this.#levels?.reset();
    this.#batch = 0;
  }

  /** A JSON-serializable copy of the state; assign it back to resume exactly. */
  get state(): StreamState {
    const native = this.#usable();
    const layers = this.#batch === 0 ? [] : this.#shape.lstmLayers.map(([layer]) => {
      const { h, c } = native.getState(layer, this.#batch);
      return { layer, h: Array.from(h), c: Array.from(c) };
    });
    const state: StreamState = { batch: this.#batch, layers };
    if (this.#levels) state.lastLevels = this.#levels.lastLevels ? Array.from(this.#levels.lastLevels) : null;
    return state;
  }

  set state(value: StreamState) {
    const native = this.#usable();
    const s = checkStreamState(value, this.#shape, this.#levels !== null);
    this.reset();
    if (s.batch === 0) return;
    for (const l of s.layers) native.setState(l.layer, Float32Array.from(l.h), Float32Array.from(l.c), s.batch);
    if (this.#levels) this.#levels.lastLevels = s.lastLevels ? Float64Array.from(s.lastLevels) : null;
    this.#batch = s.batch;
  }

  dispose(): void {
    this.#native?.dispose();
    this.#native = null;
  }

  #usable(): NativeModel {
    if (!this.#native) throw new DisposedError('The stream was disposed');
    return this.#native;
  }
}
