/**
 * The Keras-like model: a stack of recurrent and Dense layers, trained
 * natively off the event loop. This file holds the model's lifecycle (one
 * native model, busy while a call runs, disposed once) and its public
 * methods; the checks and loops they run live beside it: config.ts,
 * compile.ts, samples.ts, fit-loop.ts, scores.ts, parameters.ts,
 * layer-states.ts, summary.ts, save.ts, evaluate-forecast.ts.
 */
import { BusyError, DisposedError, StateError } from '../core/errors.js';
import type { Tensor } from '../core/tensor.js';
import { integerInRange, optional, plainObject, positiveInteger, positiveNumber } from '../core/validate.js';
import { LIMITS } from '../core/limits.js';
import { LevelStream } from '../data/level-stream.js';
import { ForecastPipeline, type ForecastPipelineJSON } from '../data/pipeline.js';
import { resolvePipelineOption } from '../data/pipeline-option.js';
import { nativeError, type NativeModel, type NativeTrainingState } from '../native/binding.js';
import { createNativeModel } from '../native/backends.js';
import { holdThreadCount } from '../native/runtime.js';
import { checkCompileConfig, type CompileConfig } from './compile.js';
import { checkConfig, lastUnits, outputShapeOf, toNativeSpec, type SequentialConfig } from './config.js';
import { evaluateForecast, type EvaluateForecastOptions, type ForecastEvaluation } from './evaluate-forecast.js';
import { planFit, runFitLoop, type FitOptions, type History } from './fit-loop.js';
import { readStates, writeStates, type LayerState } from './layer-states.js';
import { isRecurrent } from './layers.js';
import { joinParameters, parameterEntries, splitParameters, type ParameterEntry } from './parameters.js';
import { checkInputs, checkTargets } from './samples.js';
import { saveModel } from './save.js';
import { scores, type Evaluation, type PredictOptions } from './scores.js';
import { NativeStream } from './stream.js';
import { summaryTable } from './summary.js';

export interface StreamOptions {
  /**
   * Step raw levels (e.g. prices) and get level forecasts: the pipeline
   * differences and scales each new value and maps the output back. `true`
   * uses model.pipeline (saved with the model); or pass a fitted
   * ForecastPipeline. Default false: step network inputs, get network outputs.
   */
  pipeline?: boolean | ForecastPipeline;
  /** Series stepped together: each step(values) takes series x features values. Default 1. */
  series?: number;
}

/**
 * Builds a model. Weights are initialized natively from `seed`.
 * @throws InvalidArgumentError on a bad shape, layer or layer order
 * @example
 * const model = sequential({
 *   inputShape: [10, 1],
 *   layers: [lstm(100, { returnSequences: true }), lstm(100), dense(1, { activation: 'tanh' })],
 *   seed: 42,
 * });
 */
export function sequential(config: SequentialConfig): Sequential {
  return new Sequential(config);
}

export class Sequential {
  /** The resolved configuration (JSON-serializable). */
  readonly config: Readonly<Required<SequentialConfig>>;
  /**
   * The fitted data pipeline (JSON), saved and loaded with the model so a
   * loaded model can map raw values in and predictions back out.
   */
  pipeline: ForecastPipelineJSON | undefined;
  #native: NativeModel | null;
  #busy: string | null = null;
  #compile: Required<CompileConfig> | null = null;
  #trained = false;
  #fitting = false;
  #inCallback = 0; // > 0 while fit()'s callbacks run: the model is usable from them
  /**
   * Set by a callback (early stopping) to end fit() after the current epoch;
   * fit() clears it when it starts.
   */
  stopTraining = false;
  #entries: ParameterEntry[];
  readonly #backend: { name: string; kernels: string };

  constructor(config: SequentialConfig) {
    this.config = Object.freeze(checkConfig(config));
    this.#native = createNativeModel(toNativeSpec(this.config.inputShape, this.config.layers), this.config.seed);
    this.#backend = { name: this.#native.backend(), kernels: this.#native.isa() };
    this.#entries = parameterEntries(this.#native.layout());
  }

  /**
   * The compute backend that runs this model ('cpu') and the kernels it
   * uses ('avx2', 'avx512', 'neon', 'scalar'), fixed when the model is
   * created; for descriptions (summary(), logs) only: nothing else differs.
   */
  get backend(): { name: string; kernels: string } {
    return { ...this.#backend };
  }

  /** Steps, features of one input sample. */
  get inputShape(): [number, number] {
    return [...this.config.inputShape];
  }

  /** Shape of one output sample: [units], or [steps, units] when the last LSTM returns sequences. */
  get outputShape(): number[] {
    return outputShapeOf(this.config);
  }

  /** True if any LSTM layer is stateful. */
  get stateful(): boolean {
    return this.config.layers.some((l) => isRecurrent(l) && l.stateful);
  }

  /**
   * True once the weights came from fit() (at least one batch), setWeights()
   * or loadModel(): not the random initialization. Exporters refuse an
   * untrained model unless told otherwise.
   */
  get trained(): boolean {
    return this.#trained;
  }

  get compiled(): boolean {
    return this.#compile !== null;
  }

  /**
   * The optimizer's current learning rate. Setting it (a schedule callback
   * does, between epochs) keeps the optimizer's moments and step count.
   * @throws StateError before compile(); InvalidArgumentError for a non-positive rate
   */
  get learningRate(): number {
    if (!this.#compile) throw new StateError('The model has no optimizer yet: call compile() first');
    return this.#compile.optimizer.learningRate;
  }

  set learningRate(value: number) {
    const native = this.#native;
    if (native === null) throw new DisposedError('The model was disposed');
    if (this.#busy && !(this.#busy === 'fit()' && this.#inCallback > 0)) {
      throw new BusyError(`The model is busy with ${this.#busy}; change the learning rate between epochs (from a callback)`);
    }
    if (!this.#compile) throw new StateError('The model has no optimizer yet: call compile() first');
    positiveNumber('learningRate', value);
    native.setLearningRate(value);
    this.#compile = { ...this.#compile, optimizer: { ...this.#compile.optimizer, learningRate: value } };
  }

  /** The compile config, or null before compile(). */
  get compileConfig(): Readonly<Required<CompileConfig>> | null {
    return this.#compile;
  }

  get disposed(): boolean {
    return this.#native === null;
  }

  /** True while fit, predict, evaluate or lossAndGradients runs. */
  get busy(): boolean {
    return this.#busy !== null;
  }

  get paramCount(): number {
    return this.#entries.reduce((a, e) => a + e.length, 0);
  }

  /** Parameter names (PyTorch's: layers.k.weight_ih, ...) and shapes, in buffer order. */
  get parameterShapes(): Record<string, number[]> {
    return Object.fromEntries(this.#entries.map((e) => [e.name, [...e.shape]]));
  }

  /** A Keras-like table of layers, output shapes and parameter counts. */
  summary(): string {
    return summaryTable(this.config, this.#entries, this.#backend);
  }

  /**
   * Sets the optimizer and loss; resets optimizer state.
   * @example model.compile({ optimizer: adam({ learningRate: 1e-3 }), loss: 'mse' })
   */
  compile(config: CompileConfig = {}): void {
    const native = this.#usable();
    const resolved = checkCompileConfig(config);
    native.compileOptimizer({ ...resolved.optimizer });
    native.setLoss(resolved.loss, resolved.huberDelta);
    this.#compile = resolved;
  }

  /**
   * Trains on x [samples, steps, features] and y [samples, units] (or
   * [samples, steps, units] for sequence output; [samples] when units is 1).
   * Runs in a native worker; the event loop stays free. Stateful layers are
   * reset at the end of every epoch.
   * @returns per-epoch loss, timing and throughput
   * @throws StateError before compile(); InvalidArgumentError on bad data or options;
   *   BusyError if the model is in use; AbortError when `signal` aborts;
   *   NativeError (status FC_STATUS_NON_FINITE) if the loss diverges
   * @example const history = await model.fit(x, y, { batchSize: 100, epochs: 10, shuffle: false })
   */
  async fit(x: Tensor, y: Tensor, options: FitOptions = {}): Promise<History> {
    if (this.#fitting) throw new BusyError('fit() is already running on this model (a callback cannot start another)');
    const native = this.#usable();
    if (!this.#compile) {
      throw new StateError('fit() was called before compile(); call model.compile({ optimizer: adam(), loss: \'mse\' }) first');
    }
    plainObject('options', options);
    const plan = planFit(x, y, options, { inputShape: this.config.inputShape, outputShape: this.outputShape, stateful: this.stateful, batchSize: (v) => this.#batchSize(v) });
    this.#busy = 'fit()';
    this.#fitting = true;
    const releaseThreads = holdThreadCount();
    this.stopTraining = false;
    try {
      return await runFitLoop({
        ...plan,
        native,
        model: this,
        stateful: this.stateful,
        learningRate: () => this.#compile!.optimizer.learningRate,
        stopRequested: () => this.stopTraining,
        markTrained: () => {
          this.#trained = true;
        },
        enterCallbacks: () => {
          this.#inCallback++;
        },
        leaveCallbacks: () => {
          this.#inCallback--;
        },
        score: (s) => this.#score(native, s.x, s.y, s.n, plan.batchSize),
      });
    } finally {
      this.#busy = null;
      this.#fitting = false;
      releaseThreads();
    }
  }

  /** The compiled loss, RMSE and MAE of the model on (x, y), called inside fit (no busy change). */
  async #score(native: NativeModel, x: Float32Array, y: Float32Array, n: number, batchSize: number) {
    let pred: Float32Array;
    try {
      pred = await native.predict(x, n, batchSize);
    } catch (err) {
      throw nativeError(err);
    }
    return scores(pred, y, this.#compile!.loss, this.#compile!.huberDelta);
  }

  /**
   * Predicts for x [samples, steps, features]; returns [samples, ...outputShape].
   * @throws InvalidArgumentError on bad input; BusyError if the model is in use
   */
  async predict(x: Tensor, options: PredictOptions = {}): Promise<Tensor> {
    this.#usable();
    plainObject('options', options);
    const n = checkInputs('x', x, this);
    const batchSize = this.#batchSize(options.batchSize);
    return this.#predictChecked(x, n, batchSize);
  }

  /** predict() after validation (evaluate() validates x and y once). */
  async #predictChecked(x: Tensor, n: number, batchSize: number): Promise<Tensor> {
    const native = this.#usable();
    const outer = this.#busy;
    this.#busy = 'predict()';
    try {
      const data = await native.predict(x.data, n, batchSize);
      return { data, shape: [n, ...this.outputShape] };
    } catch (err) {
      throw nativeError(err);
    } finally {
      this.#busy = outer;
    }
  }

  /**
   * Predicts x and scores against y: the compiled loss, RMSE and MAE over all outputs.
   * With a fitted ForecastPipeline and a series of levels instead, scores the
   * forecasts in the data's units next to the naive and drift baselines on the
   * same targets, with skill ratios (evaluateForecast).
   */
  evaluate(x: Tensor, y: Tensor, options?: PredictOptions): Promise<Evaluation>;
  evaluate(pipeline: ForecastPipeline, levels: ArrayLike<number>, options?: EvaluateForecastOptions): Promise<ForecastEvaluation>;
  async evaluate(a: Tensor | ForecastPipeline, b: Tensor | ArrayLike<number>, options: PredictOptions | EvaluateForecastOptions = {}): Promise<Evaluation | ForecastEvaluation> {
    if (a instanceof ForecastPipeline) return evaluateForecast(this, a, b as ArrayLike<number>, options as EvaluateForecastOptions);
    return this.#evaluateTensors(a as Tensor, b as Tensor, options as PredictOptions);
  }

  async #evaluateTensors(x: Tensor, y: Tensor, options: PredictOptions): Promise<Evaluation> {
    this.#usable();
    plainObject('options', options);
    const n = checkInputs('x', x, this);
    checkTargets('y', y, n, this);
    const batchSize = this.#batchSize(options.batchSize);
    const pred = await this.#predictChecked(x, n, batchSize);
    const { loss, huberDelta } = this.#compile ?? { loss: 'mse' as const, huberDelta: 1 };
    return { ...scores(pred.data, y.data, loss, huberDelta), samples: n };
  }

  /**
   * Loss and the gradient of every parameter for (x, y) as one batch, without
   * changing weights or stored state (stateful layers start from their
   * current state). For gradient checks.
   * @returns gradients under the parameter names of getWeights()
   */
  async lossAndGradients(x: Tensor, y: Tensor): Promise<{ loss: number; gradients: Record<string, Float32Array> }> {
    const native = this.#usable();
    const n = checkInputs('x', x, this);
    checkTargets('y', y, n, this);
    const outer = this.#busy;
    this.#busy = 'lossAndGradients()';
    try {
      const { loss, gradients } = await native.lossAndGradients(x.data, y.data, n);
      return { loss, gradients: splitParameters(this.#entries, gradients) };
    } catch (err) {
      throw nativeError(err);
    } finally {
      this.#busy = outer;
    }
  }

  /**
   * A streaming predictor on the native kernels: step(values) feeds the
   * newest time step of one or more series and returns the next forecast,
   * carrying every LSTM layer's (h, c), O(1) per call. Stepping a window's
   * values one at a time from a reset stream gives the same output as
   * predict() on that window. The stream copies the weights now; call
   * stream() again after further training. `series` (default 1) fixes how
   * many series each step takes.
   * @throws StateError / InvalidArgumentError for an unusable pipeline or series option
   * @example
   * const s = model.stream({ pipeline: true });
   * for (const price of prices) forecast = s.step([price])[0];
   */
  stream(options: StreamOptions = {}): NativeStream {
    const flat = this.#usable().getParams();
    plainObject('options', options);
    const pipeline = resolvePipelineOption('options.pipeline', options.pipeline, this);
    const series = optional(options.series, 1, (v) => positiveInteger('options.series', v));
    const [, features] = this.config.inputShape;
    const spec = toNativeSpec([1, features], this.config.layers);
    for (const l of spec.layers) if (l.kind === 0 || l.kind === 3 || l.kind === 4) l.stateful = true;
    // On this model's backend, whatever is selected now.
    const native: NativeModel = createNativeModel(spec, this.config.seed, this.#backend.name);
    try {
      native.setParams(flat);
    } catch (err) {
      throw nativeError(err);
    }
    const lstmLayers = this.config.layers.flatMap((l, k): [number, number][] => (isRecurrent(l) ? [[k, l.units]] : []));
    return new NativeStream(native, { features, series, outUnits: lastUnits(this.config.layers), lstmLayers }, pipeline && new LevelStream(pipeline));
  }

  /** Zeroes every stateful layer's (h, c). */
  resetStates(): void {
    this.#usable().resetStates();
  }

  /**
   * The stored state of each recurrent layer ([rows, units] each; c is the
   * LSTM cell state, zeros for GRU and simple RNN layers); rows is 0 before
   * any stateful batch.
   */
  getStates(): LayerState[] {
    return readStates(this.#usable(), this.config.layers);
  }

  /** Sets the stored state of recurrent layers (as returned by getStates()). */
  setStates(states: LayerState[]): void {
    writeStates(this.#usable(), this.config.layers, states);
  }

  /** Copies of every parameter, by PyTorch name and layout (weight_ih [4H, I], ...). */
  getWeights(): Record<string, Float32Array> {
    return splitParameters(this.#entries, this.#usable().getParams());
  }

  /**
   * Replaces every parameter. `weights` must name exactly the parameters of
   * getWeights(), with the same lengths and finite values.
   */
  setWeights(weights: Record<string, Float32Array>): void {
    const native = this.#usable();
    native.setParams(joinParameters(this.#entries, weights));
    this.#trained = true;
  }

  /**
   * Saves config, weights, compile config and `pipeline` to one safetensors file.
   * @example await model.save('btc.safetensors')
   */
  async save(path: string): Promise<void> {
    this.#usable();
    await saveModel(this, path);
  }

  /** options.batchSize (default 32): at most LIMITS.rows / steps, so a batch's rows fit one native GEMM. */
  #batchSize(value: unknown): number {
    return optional(value, 32, (v) => integerInRange('options.batchSize', v, 1, Math.floor(LIMITS.rows / this.config.inputShape[0])));
  }

  /** Frees the native memory. Any later use throws DisposedError. */
  dispose(): void {
    if (this.#native === null) return;
    if (this.#busy || this.#fitting) throw new BusyError(`The model is busy with ${this.#busy ?? 'fit()'}; it cannot be disposed now`);
    this.#native.dispose();
    this.#native = null;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.dispose();
  }

  /** The optimizer and shuffle state (for save), or null before compile(). */
  _trainingState(): NativeTrainingState | null {
    const native = this.#usable();
    return this.#compile ? native.getTrainingState() : null;
  }

  _setTrainingState(s: NativeTrainingState): void {
    try {
      this.#usable().setTrainingState(s.step, s.m, s.v, s.ga, s.rng, s.dropoutStep);
    } catch (err) {
      throw nativeError(err);
    }
  }

  /** Flat parameter buffer in layout order (for save). */
  _flatParams(): Float32Array {
    return this.#usable().getParams();
  }

  _setFlatParams(params: Float32Array): void {
    this.#usable().setParams(params);
    this.#trained = true;
  }

  /** Layout of the flat buffer: name, element offset, shape. */
  _layout(): ParameterEntry[] {
    return this.#entries.map((e) => ({ ...e, shape: [...e.shape] }));
  }

  #usable(): NativeModel {
    if (this.#native === null) throw new DisposedError('The model was disposed');
    if (this.#busy && !(this.#busy === 'fit()' && this.#inCallback > 0)) {
      throw new BusyError(`The model is busy with ${this.#busy}; wait for it to finish before using the model again`);
    }
    return this.#native;
  }
}
