/**
 * Runs an ONNX model exported by flowcast in onnxruntime-node (an optional
 * peer dependency, loaded on first use): batch predict() like the native
 * model, and a streaming step() that carries the LSTM state between calls
 * through the graph's state inputs and outputs.
 */
import { readFile } from 'node:fs/promises';
import { DisposedError, FormatError, InvalidArgumentError, StateError } from '../core/errors.js';
import { checkStepValues, checkStreamState, type StreamShape, type StreamState } from '../model/stream.js';
import { importOptional } from '../core/optional-dependency.js';
import { allFinite, boolean, invalid, optional, plainObject, positiveInteger } from '../core/validate.js';
import { CHECKSUM_KEY, onnxChecksum } from './checksum.js';
import { decodeModel } from './proto.js';
import type { OnnxSignature } from './signature.js';

/** The slice of onnxruntime-node's API used here (its types stay out of flowcast's). */
interface OrtTensor {
  readonly data: unknown;
  readonly dims: readonly number[];
}
interface OrtSession {
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}
interface OrtModule {
  InferenceSession: { create(model: Uint8Array, options: Record<string, unknown>): Promise<OrtSession> };
  Tensor: new (type: 'float32' | 'float64', data: Float32Array | Float64Array, dims: number[]) => OrtTensor;
}

export interface OnnxPredictOptions {
  /** Windows per onnxruntime call. Default: all in one call (stateful: 32, like the native predict). */
  batchSize?: number;
  /**
   * Keras stateful semantics, as the native predict of a stateful model:
   * row i of each batch starts from the state row i of the previous batch
   * ended with (zeros for the first). Needs a graph exported with { state: true }.
   * Default false: every window starts from zeros.
   */
  stateful?: boolean;
}

export interface OnnxForecasterOptions {
  /** onnxruntime intra-op threads. Default: onnxruntime's choice (all cores). */
  threads?: number;
  /** Series stepped together by step(): each step takes series x features values. Default 1. */
  series?: number;
}

/** Input for predict(): network windows (float32) or, for a pipeline graph, level windows. */
export interface OnnxInput {
  data: Float32Array | Float64Array;
  shape: number[];
}

/**
 * Refuses a flowcast export whose content does not match its checksum (before
 * onnxruntime parses it): an edited or corrupted weight, node or metadata value.
 */
function verifyChecksum(bytes: Uint8Array, metadata: Record<string, string>, what: string): void {
  const stored = metadata[CHECKSUM_KEY];
  if (stored === undefined) {
    throw new FormatError(`${what} has no ${CHECKSUM_KEY} metadata: it was exported by an earlier flowcast or edited since; export the model again`);
  }
  let actual: string;
  try {
    actual = onnxChecksum(bytes);
  } catch (err) {
    throw new FormatError(`${what} is not an ONNX model: ${(err as Error).message}`, { cause: err });
  }
  if (actual !== stored) {
    throw new FormatError(`${what} does not match its ${CHECKSUM_KEY} (corrupt, truncated or edited after export: weights, graph or metadata)`);
  }
}

export class OnnxForecaster {
  /** Graph inputs, outputs and state I/O (from the model's flowcast.signature metadata). */
  readonly signature: OnnxSignature;
  /** The model's metadata_props. */
  readonly metadata: Readonly<Record<string, string>>;
  readonly #ort: OrtModule;
  #session: OrtSession | null;
  readonly #shape: StreamShape;
  #batch = 0;
  #state: Map<string, Float32Array> = new Map();
  #lastLevels: Float64Array | null = null;

  private constructor(ort: OrtModule, session: OrtSession, signature: OnnxSignature, metadata: Record<string, string>, series: number) {
    this.#ort = ort;
    this.#session = session;
    this.signature = signature;
    this.metadata = Object.freeze({ ...metadata });
    this.#shape = {
      features: Number(metadata['flowcast.features']),
      series,
      outUnits: Number(metadata['flowcast.horizon']),
      lstmLayers: signature.state.map((s) => [s.layer, s.units]),
    };
  }

  /**
   * Loads an .onnx file (or its bytes) exported by flowcast.
   * @throws MissingDependencyError when onnxruntime-node is not installed;
   *   InvalidArgumentError for an unreadable path; FormatError for bytes that are
   *   not an ONNX model from flowcast or that onnxruntime rejects
   * @example const f = await OnnxForecaster.load('btc.onnx'); const next = await f.step([price]);
   */
  static async load(source: string | Uint8Array, options: OnnxForecasterOptions = {}): Promise<OnnxForecaster> {
    plainObject('options', options);
    const threads = optional(options.threads, 0, (v) => positiveInteger('options.threads', v));
    const series = optional(options.series, 1, (v) => positiveInteger('options.series', v));
    let bytes: Uint8Array;
    if (typeof source === 'string') {
      try {
        bytes = await readFile(source);
      } catch (err) {
        throw new InvalidArgumentError('source', `Could not read the ONNX model at '${source}': ${(err as Error).message}`);
      }
    } else if (source instanceof Uint8Array) {
      bytes = source;
    } else {
      throw invalid('source', 'file path string or Uint8Array of .onnx bytes', source);
    }
    const what = typeof source === 'string' ? `'${source}'` : 'the given bytes';
    let metadata: Record<string, string>;
    let signature: OnnxSignature;
    try {
      metadata = Object.fromEntries(decodeModel(bytes).metadata_props.map((p) => [p.key, p.value]));
    } catch (err) {
      throw new FormatError(`${what} is not an ONNX model: ${(err as Error).message}`, { cause: err });
    }
    try {
      signature = JSON.parse(metadata['flowcast.signature'] ?? 'null') as OnnxSignature;
      if (!signature || !Array.isArray(signature.inputs) || !Array.isArray(signature.state)) throw new Error('no flowcast.signature');
    } catch (err) {
      throw new FormatError(`${what} is not an ONNX model exported by flowcast (its flowcast.signature metadata is missing or invalid)`, { cause: err });
    }
    verifyChecksum(bytes, metadata, what);
    const ort = await importOptional<OrtModule>('onnxruntime-node', 'OnnxForecaster');
    let session: OrtSession;
    try {
      session = await ort.InferenceSession.create(bytes, {
        logSeverityLevel: 3,
        interOpNumThreads: 1,
        ...(threads > 0 ? { intraOpNumThreads: threads } : {}),
      });
    } catch (err) {
      throw new FormatError(`onnxruntime could not load ${what}: ${(err as Error).message}`, { cause: err });
    }
    return new OnnxForecaster(ort, session, signature, metadata, series);
  }

  /** True when the graph takes raw levels and returns levels (exported with { pipeline: true }). */
  get pipeline(): boolean {
    return this.signature.pipeline;
  }

  /** Series in the stream once it has stepped (the series option); 0 before the first step and after reset(). */
  get batch(): number {
    return this.#batch;
  }

  /** Series stepped together by step() (the series option of load()). */
  get series(): number {
    return this.#shape.series;
  }

  /**
   * Batch prediction. The stream's state is neither used nor changed.
   * @param x network windows [samples, steps, features] (float32), or for a
   *   pipeline graph level windows [samples, steps + 1] (float64 or float32;
   *   ForecastPipeline.levelWindows makes them)
   * @returns the forecast: [samples, units] float32, or levels [samples, horizon] float64
   * @throws InvalidArgumentError on a bad input or option; StateError for
   *   stateful: true on a graph without state I/O
   */
  async predict(x: OnnxInput, options: OnnxPredictOptions = {}): Promise<OnnxInput> {
    const session = this.#usable();
    plainObject('options', options);
    const stateful = optional(options.stateful, false, (v) => boolean('options.stateful', v));
    if (stateful && this.signature.state.length === 0) {
      throw new StateError('options.stateful needs state inputs and outputs: export the model with { state: true }');
    }
    const n = this.#checkInput(x);
    const batchSize = optional(options.batchSize, stateful ? 32 : n, (v) => positiveInteger('options.batchSize', v));
    const perSample = x.data.length / n;
    const outputs: { data: Float32Array | Float64Array; dims: readonly number[] }[] = [];
    const carried = new Map(
      this.signature.state.flatMap((s) => [s.hIn, s.cIn].filter(Boolean).map((name) => [name, new Float32Array(batchSize * s.units)] as const)),
    );
    for (let start = 0; start < n; start += batchSize) {
      const m = Math.min(batchSize, n - start);
      const slice = x.data.subarray(start * perSample, (start + m) * perSample);
      const data = this.pipeline ? Float64Array.from(slice) : (slice as Float32Array);
      const input = this.signature.inputs[0]!;
      const feeds: Record<string, OrtTensor> = {
        [input.name]: new this.#ort.Tensor(this.pipeline ? 'float64' : 'float32', data, [m, ...x.shape.slice(1)]),
      };
      for (const s of this.signature.state) {
        for (const name of [s.hIn, s.cIn].filter(Boolean)) {
          const rows = stateful ? carried.get(name)!.slice(0, m * s.units) : new Float32Array(m * s.units);
          feeds[name] = new this.#ort.Tensor('float32', rows, [m, s.units]);
        }
      }
      const out = await session.run(feeds);
      if (stateful) {
        // The first m state rows continue; rows beyond a short last batch keep theirs (as native).
        for (const s of this.signature.state) {
          carried.get(s.hIn)!.set(out[s.hOut]!.data as Float32Array);
          if (s.cIn) carried.get(s.cIn)!.set(out[s.cOut]!.data as Float32Array);
        }
      }
      outputs.push({ data: out.forecast!.data as Float32Array | Float64Array, dims: out.forecast!.dims });
    }
    const per = outputs[0]!.data.length / Math.min(batchSize, n);
    const data = this.pipeline ? new Float64Array(n * per) : new Float32Array(n * per);
    let offset = 0;
    for (const o of outputs) {
      data.set(o.data, offset);
      offset += o.data.length;
    }
    return { data, shape: [n, ...outputs[0]!.dims.slice(1)] };
  }

  /** Validates predict()'s input against the graph's first input; returns the sample count. */
  #checkInput(x: OnnxInput): number {
    const input = this.signature.inputs[0]!;
    const rank = input.shape.length;
    if (typeof x !== 'object' || x === null) throw invalid('x', `{ data, shape } with shape of rank ${rank}`, x);
    const ok = this.pipeline ? x.data instanceof Float64Array || x.data instanceof Float32Array : x.data instanceof Float32Array;
    if (!ok) throw invalid('x.data', this.pipeline ? 'Float64Array or Float32Array of levels' : 'Float32Array', x.data);
    if (!Array.isArray(x.shape) || x.shape.length !== rank || !x.shape.every((d) => Number.isInteger(d) && d > 0)) {
      throw invalid('x.shape', `[${input.shape.join(', ')}] with positive sizes`, x.shape);
    }
    const fixed = input.shape.at(-1);
    if (typeof fixed === 'number' && x.shape.at(-1) !== fixed) throw invalid('x.shape', `[${input.shape.join(', ')}]`, x.shape);
    if (this.pipeline && this.metadata['flowcast.difference'] === 'true' && x.shape[1]! < 2) {
      throw invalid('x.shape', '[samples, steps + 1] with at least 2 levels per window (one difference)', x.shape);
    }
    if (x.data.length !== x.shape.reduce((a, b) => a * b, 1)) throw invalid('x.data.length', `product of x.shape [${x.shape.join(', ')}]`, x.data.length);
    allFinite('x.data', x.data);
    return x.shape[0]!;
  }

  /**
   * Feeds one time step per series with the carried state and returns the
   * forecast made after it. Needs a graph exported with { state: true }.
   * @param values series x features network inputs, or for a pipeline graph one
   *   new level per series (a series' first level counts as no change)
   * @returns [series, units] float32, or levels [series, horizon] float64
   * @throws InvalidArgumentError naming `values`, the expected and the received width
   */
  async step(values: ArrayLike<number>): Promise<Float32Array | Float64Array> {
    const session = this.#usable();
    if (this.signature.state.length === 0) {
      throw new StateError('This ONNX model has no state inputs and outputs: export it with { state: true } to stream');
    }
    checkStepValues(values, this.#shape);
    const batch = this.#shape.series;
    const feeds: Record<string, OrtTensor> = {};
    if (this.pipeline) {
      const difference = this.metadata['flowcast.difference'] === 'true';
      const levels = new Float64Array(batch * (difference ? 2 : 1));
      for (let r = 0; r < batch; r++) {
        if (difference) {
          levels[2 * r] = this.#lastLevels ? this.#lastLevels[r]! : values[r]!;
          levels[2 * r + 1] = values[r]!;
        } else {
          levels[r] = values[r]!;
        }
      }
      feeds.levels = new this.#ort.Tensor('float64', levels, [batch, difference ? 2 : 1]);
    } else {
      feeds.window = new this.#ort.Tensor('float32', Float32Array.from(values), [batch, 1, this.#shape.features]);
    }
    for (const s of this.signature.state) {
      const zeros = () => new Float32Array(batch * s.units);
      feeds[s.hIn] = new this.#ort.Tensor('float32', this.#state.get(s.hIn) ?? zeros(), [batch, s.units]);
      if (s.cIn) feeds[s.cIn] = new this.#ort.Tensor('float32', this.#state.get(s.cIn) ?? zeros(), [batch, s.units]);
    }
    const out = await session.run(feeds);
    for (const s of this.signature.state) {
      this.#state.set(s.hIn, Float32Array.from(out[s.hOut]!.data as Float32Array));
      if (s.cIn) this.#state.set(s.cIn, Float32Array.from(out[s.cOut]!.data as Float32Array));
    }
    if (this.pipeline) this.#lastLevels = Float64Array.from(values);
    this.#batch = batch;
    return out.forecast!.data as Float32Array | Float64Array;
  }

  /** Forgets the streaming state: the next step starts from zeros. */
  reset(): void {
    this.#state.clear();
    this.#lastLevels = null;
    this.#batch = 0;
  }

  /** The streaming state in the same JSON form as the native stream's. */
  get state(): StreamState {
    const layers =
      this.#batch === 0
        ? []
        : this.signature.state.map((s) => ({
            layer: s.layer,
            h: Array.from(this.#state.get(s.hIn)!),
            // GRU and RNN layers have no cell state: zeros, as the native stream reports.
            c: s.cIn ? Array.from(this.#state.get(s.cIn)!) : new Array<number>(this.#batch * s.units).fill(0),
          }));
    const state: StreamState = { batch: this.#batch, layers };
    if (this.pipeline) state.lastLevels = this.#lastLevels ? Array.from(this.#lastLevels) : null;
    return state;
  }

  set state(value: StreamState) {
    this.#usable();
    const s = checkStreamState(value, this.#shape, this.pipeline);
    this.reset();
    if (s.batch === 0) return;
    s.layers.forEach((l, i) => {
      const names = this.signature.state[i]!;
      this.#state.set(names.hIn, Float32Array.from(l.h));
      if (names.cIn) this.#state.set(names.cIn, Float32Array.from(l.c));
    });
    this.#lastLevels = s.lastLevels ? Float64Array.from(s.lastLevels) : null;
    this.#batch = s.batch;
  }

  /** Releases the onnxruntime session. */
  async dispose(): Promise<void> {
    const session = this.#session;
    this.#session = null;
    await session?.release();
  }

  #usable(): OrtSession {
    if (!this.#session) throw new DisposedError('The OnnxForecaster was disposed');
    return this.#session;
  }
}
