/**
 * The Keras-like model: a stack of LSTM layers and Dense layers, trained
 * natively off the event loop.
 */
import { AbortError, BusyError, DisposedError, InvalidArgumentError, NativeError, StateError } from '../errors.js';
import { binding, nativeError, type NativeModel, type NativeSpec, type NativeTrainingState } from '../native.js';
import { checkTensor, sizeOf, type Tensor } from '../tensor.js';
import {
  allFinite,
  boolean,
  integerInRange,
  invalid,
  nonNegativeInteger,
  optional,
  plainObject,
  positiveInteger,
  positiveNumber,
  oneOf,
} from '../validate.js';
import type { BatchLogs, Callback, EpochLogs } from './callbacks/types.js';
import { checkLayerConfig, isRecurrent, type DenseLayerConfig, type LayerConfig, type RecurrentLayerConfig } from './layers.js';
import { adam, checkOptimizerConfig, type OptimizerConfig } from './optimizers.js';
import { LIMITS } from '../limits.js';
import { NativeStream } from './stream.js';
import { LevelStream } from '../forecast/level-stream.js';
import type { ForecastPipeline, ForecastPipelineJSON } from '../forecast/pipeline.js';
import type { EvaluateForecastOptions, ForecastEvaluation } from '../forecast/evaluate.js';
import { resolvePipelineOption } from '../forecast/pipeline-option.js';
import { holdThreadCount } from '../runtime.js';

export interface SequentialConfig {
  /** [steps, features]: the shape of one sample (batch size is free). */
  inputShape: [number, number];
  layers: LayerConfig[];
  /** Seeds weight initialization and shuffling; the same seed reproduces a run. Default 0. */
  seed?: number;
}

export type LossName = 'mse' | 'mae' | 'huber';

export interface CompileConfig {
  /** adam() (default, Keras form), adamW(), sgd() or rmsprop(). */
  optimizer?: OptimizerConfig;
  /**
   * Mean over all outputs of a function of e = prediction - target:
   * 'mse' e^2 (default), 'mae' |e|, 'huber' e^2/2 if |e| < huberDelta else
   * huberDelta (|e| - huberDelta/2) (torch.nn.MSELoss / L1Loss / HuberLoss).
   */
  loss?: LossName;
  /** Huber's threshold. Default 1 (as PyTorch and Keras). */
  huberDelta?: number;
}

export interface FitOptions {
  /** Samples per gradient step. Default 32. */
  batchSize?: number;
  /** The epoch to stop before (0-based count, as Keras). Default 1. */
  epochs?: number;
  /**
   * The epoch to start at, for resuming a run: fit() runs epochs
   * initialEpoch .. epochs - 1, and callbacks and schedules see those
   * indices. Default 0.
   */
  initialEpoch?: number;
  /**
   * Shuffle sample order each epoch (seeded). Default true for stateless
   * models; refused for stateful ones, whose rows must stay in time order.
   */
  shuffle?: boolean;
  callbacks?: Callback[];
  /** Aborting stops at the next batch boundary; fit() then rejects with AbortError. */
  signal?: AbortSignal;
  /**
   * Held-out data scored after every epoch: [x, y] shaped like the training
   * data. Its loss, RMSE and MAE go to the epoch logs and the history.
   */
  validationData?: [Tensor, Tensor];
  /**
   * Hold out the last fraction (0 < f < 1) of the samples, in their order,
   * as validation data (Keras takes the last fraction too; for time series
   * this keeps the validation period after the training period, never
   * shuffled across time). Not with validationData.
   */
  validationSplit?: number;
}

export interface History {
  /** Mean training loss per epoch. */
  loss: number[];
  /** With validation: the compiled loss, RMSE and MAE on the validation data per epoch. */
  valLoss?: number[];
  valRmse?: number[];
  valMae?: number[];
  /** Epochs run (fewer than asked when a callback set model.stopTraining). */
  epochs: number;
  /** Wall seconds per epoch. */
  epochSeconds: number[];
  /** Total wall seconds of training. */
  seconds: number;
  samples: number;
  /** Training samples per second over the whole run. */
  samplesPerSecond: number;
}

export interface PredictOptions {
  /** Default 32. Stateful layers carry state across batches (row i continues row i). */
  batchSize?: number;
}

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

export interface Evaluation {
  /** The compiled loss (MSE before compile()). */
  loss: number;
  rmse: number;
  mae: number;
  samples: number;
}

export interface LayerState {
  /** Layer index k. */
  layer: number;
  /** [rows, units] hidden and cell state. */
  h: Float32Array;
  c: Float32Array;
  rows: number;
}

/** The compiled loss, RMSE and MAE of predictions against targets. */
function scores(pred: Float32Array, y: Float32Array, loss: LossName, delta: number): { loss: number; rmse: number; mae: number } {
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

const ACTIVATION_CODE = { linear: 0, tanh: 1, sigmoid: 2, relu: 3 } as const;

/** The plain spec the native core builds from (dropout's units: the width it passes on). */
export function toNativeSpec(inputShape: [number, number], layers: LayerConfig[]): NativeSpec {
  let width = inputShape[1];
  return {
    steps: inputShape[0],
    features: inputShape[1],
    layers: layers.map((l) => {
      if (l.type === 'dropout') return { kind: 2, units: width, returnSequences: false, stateful: false, activation: 0, rate: l.rate };
      width = l.units;
      if (l.type === 'dense') return { kind: 1, units: l.units, returnSequences: false, stateful: false, activation: ACTIVATION_CODE[l.activation] };
      const kind = l.type === 'lstm' ? 0 : l.type === 'gru' ? 3 : 4;
      const hardSigmoid = l.type === 'lstm' && l.recurrentActivation === 'hard_sigmoid';
      const activation = l.type === 'rnn' ? ACTIVATION_CODE[l.activation] : 0;
      return { kind, units: l.units, returnSequences: l.returnSequences, stateful: l.stateful, activation, hardSigmoid };
    }),
  };
}

/** Units of the last layer (never a dropout: checkConfig refuses that). */
function lastUnits(layers: readonly LayerConfig[]): number {
  return (layers.at(-1) as RecurrentLayerConfig | DenseLayerConfig).units;
}

/** Checks the layer stack; the messages name the offending layer. (loadModel checks a file's config with it before any native memory is allocated.) */
export function checkConfig(value: unknown): Required<SequentialConfig> {
  const o = plainObject('config', value);
  const shape = o.inputShape;
  if (!Array.isArray(shape) || shape.length !== 2) throw invalid('config.inputShape', '[steps, features]', shape);
  integerInRange('config.inputShape[0] (steps)', shape[0], 1, LIMITS.steps);
  integerInRange('config.inputShape[1] (features)', shape[1], 1, LIMITS.features);
  if (!Array.isArray(o.layers) || o.layers.length === 0) throw invalid('config.layers', 'non-empty array of layers', o.layers);
  const layers = o.layers.map((l, i) => checkLayerConfig(`config.layers[${i}]`, l));
  if (!isRecurrent(layers[0]!)) {
    throw new InvalidArgumentError(
      'config.layers',
      'Expected a recurrent layer (lstm(), gru() or simpleRnn()) first in config.layers but received ' + `a ${layers[0]!.type} layer`,
    );
  }
  if (layers.at(-1)!.type === 'dropout') {
    throw new InvalidArgumentError(
      `config.layers[${layers.length - 1}]`,
      `Expected a recurrent or dense() layer last in config.layers but received a dropout layer (dropout goes between layers)`,
    );
  }
  let lastLstm = 0;
  layers.forEach((l, i) => {
    if (isRecurrent(l)) {
      if (layers.slice(0, i).some((p) => p.type === 'dense')) {
        throw new InvalidArgumentError(
          `config.layers[${i}]`,
          `Expected Dense layers only after every recurrent layer but config.layers[${i}] is a recurrent layer after a Dense layer`,
        );
      }
      lastLstm = i;
    }
  });
  layers.forEach((l, i) => {
    if (isRecurrent(l) && i < lastLstm && !l.returnSequences) {
      throw new InvalidArgumentError(
        `config.layers[${i}].returnSequences`,
        `Expected returnSequences: true for config.layers[${i}] because it feeds another recurrent layer, but received false`,
      );
    }
  });
  const seed = optional(o.seed, 0, (v) => nonNegativeInteger('config.seed', v));
  return { inputShape: [shape[0], shape[1]], layers, seed };
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
  #names: { name: string; offset: number; shape: number[]; length: number }[];

  constructor(config: SequentialConfig) {
    this.config = Object.freeze(checkConfig(config));
    const b = binding();
    try {
      this.#native = new b.NativeModel(toNativeSpec(this.config.inputShape, this.config.layers), this.config.seed);
    } catch (err) {
      throw nativeError(err);
    }
    this.#names = this.#native.layout().map((e) => ({ ...e, length: sizeOf(e.shape) }));
  }

  /** Steps, features of one input sample. */
  get inputShape(): [number, number] {
    return [...this.config.inputShape];
  }

  /** Shape of one output sample: [units], or [steps, units] when the last LSTM returns sequences. */
  get outputShape(): number[] {
    const lastRecurrent = this.config.layers.filter(isRecurrent).at(-1)!;
    const units = lastUnits(this.config.layers);
    return lastRecurrent.returnSequences ? [this.config.inputShape[0], units] : [units];
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
    return this.#names.reduce((a, e) => a + e.length, 0);
  }

  /** Parameter names (PyTorch's: layers.k.weight_ih, ...) and shapes, in buffer order. */
  get parameterShapes(): Record<string, number[]> {
    return Object.fromEntries(this.#names.map((e) => [e.name, [...e.shape]]));
  }

  /** A Keras-like table of layers, output shapes and parameter counts. */
  summary(): string {
    const rows: string[] = ['Layer                     Output shape        Params'];
    let total = 0;
    const spec = toNativeSpec(this.config.inputShape, this.config.layers);
    let seq = true;
    this.config.layers.forEach((l, k) => {
      const n = this.#names.filter((e) => e.name.startsWith(`layers.${k}.`)).reduce((a, e) => a + e.length, 0);
      total += n;
      const units = spec.layers[k]!.units;
      if (isRecurrent(l)) seq = l.returnSequences;
      const shape = seq ? `[b, ${this.config.inputShape[0]}, ${units}]` : `[b, ${units}]`;
      const name =
        l.type === 'dense'
          ? `dense(${l.units}, ${l.activation})`
          : l.type === 'dropout'
            ? `dropout(${l.rate})`
            : `${l.type === 'rnn' ? 'simpleRnn' : l.type}(${l.units}${l.stateful ? ', stateful' : ''})`;
      rows.push(`${`${k}: ${name}`.padEnd(26)}${shape.padEnd(20)}${n}`);
    });
    rows.push(`Total parameters: ${total}`);
    return rows.join('\n');
  }

  /**
   * Sets the optimizer and loss; resets optimizer state.
   * @example model.compile({ optimizer: adam({ learningRate: 1e-3 }), loss: 'mse' })
   */
  compile(config: CompileConfig = {}): void {
    const native = this.#usable();
    plainObject('config', config);
    const optimizer = optional(config.optimizer, adam(), (v) => checkOptimizerConfig('config.optimizer', v));
    const loss = optional(config.loss, 'mse' as LossName, (v) => oneOf('config.loss', v, ['mse', 'mae', 'huber'] as const));
    const huberDelta = optional(config.huberDelta, 1, (v) => positiveNumber('config.huberDelta', v));
    native.compileOptimizer({ ...optimizer });
    native.setLoss(loss, huberDelta);
    this.#compile = { optimizer, loss, huberDelta };
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
    const all = this.#checkX('x', x);
    this.#checkY('y', y, all);
    const batchSize = this.#batchSize(options.batchSize);
    const epochs = optional(options.epochs, 1, (v) => positiveInteger('options.epochs', v));
    const initialEpoch = optional(options.initialEpoch, 0, (v) => nonNegativeInteger('options.initialEpoch', v));
    if (initialEpoch >= epochs) {
      throw new InvalidArgumentError('options.initialEpoch', `Expected options.initialEpoch below options.epochs (${epochs}) but received ${initialEpoch}`);
    }
    const shuffle = optional(options.shuffle, !this.stateful, (v) => boolean('options.shuffle', v));
    if (shuffle && this.stateful) {
      throw new InvalidArgumentError(
        'options.shuffle',
        'Expected shuffle: false for a stateful model (row i of each batch must continue row i of the previous batch) but received true',
      );
    }
    const callbacks = optional(options.callbacks, [] as Callback[], (v) => {
      if (!Array.isArray(v)) throw invalid('options.callbacks', 'array of callbacks', v);
      return v as Callback[];
    });
    const signal = options.signal;
    if (signal !== undefined && !(signal instanceof AbortSignal)) throw invalid('options.signal', 'AbortSignal', signal);
    const split = this.#validationSplit(x, y, all, options);
    const { train, validation } = split;
    const n = train.n;
    if (signal?.aborted) throw new AbortError('fit() was aborted before it started');

    this.#busy = 'fit()';
    this.#fitting = true;
    const releaseThreads = holdThreadCount();
    this.stopTraining = false;
    const onAbort = () => native.cancel();
    signal?.addEventListener('abort', onAbort);
    const history: History = { loss: [], epochs: 0, epochSeconds: [], seconds: 0, samples: n, samplesPerSecond: 0 };
    if (validation) Object.assign(history, { valLoss: [], valRmse: [], valMae: [] });
    // Callbacks run between native calls: the model is usable from them
    // (save, getWeights, setWeights, predict) but cannot start another fit.
    // Hooks no callback defines are skipped without yielding, so fit() stays
    // busy to the outside until a callback actually runs.
    const hooks = async (hook: keyof Callback, run: () => Promise<void>) => {
      if (!callbacks.some((cb) => cb[hook])) return;
      this.#inCallback++;
      try {
        await run();
      } finally {
        this.#inCallback--;
      }
    };
    try {
      const batchesPerEpoch = Math.ceil(n / batchSize);
      const begin = { epochs, initialEpoch, samples: n, validationSamples: validation?.n ?? 0, batchSize, batchesPerEpoch, model: this };
      await hooks('onTrainBegin', async () => {
        for (const cb of callbacks) await cb.onTrainBegin?.(begin);
      });
      for (let epoch = initialEpoch; epoch < epochs && !this.stopTraining; epoch++) {
        if (signal?.aborted) throw new AbortError(`fit() was aborted before epoch ${epoch + 1}`);
        await hooks('onEpochBegin', async () => {
          for (const cb of callbacks) await cb.onEpochBegin?.(epoch);
        });
        const t0 = performance.now();
        let result: { loss: number; batches: number };
        try {
          result = await native.fitEpoch(train.x, train.y, n, batchSize, shuffle, (batch, batches, samples, loss) => {
            const logs: BatchLogs = { batch, batches, samples, loss };
            for (const cb of callbacks) cb.onBatchEnd?.(epoch, logs);
          });
        } catch (err) {
          const e = nativeError(err);
          if (e instanceof NativeError && e.status === 'FC_STATUS_CANCELLED') {
            this.#trained = true;  // the weights may have moved: count them as trained
            if (this.stateful) native.resetStates();
            throw new AbortError(
              `fit() was aborted during epoch ${epoch + 1}; the model keeps the weights of the last completed batch`,
            );
          }
          throw e;
        }
        this.#trained = true;
        if (this.stateful) native.resetStates();
        const seconds = (performance.now() - t0) / 1000;
        history.loss.push(result.loss);
        history.epochSeconds.push(seconds);
        history.epochs = history.loss.length;
        const logs: EpochLogs = { loss: result.loss, seconds, samplesPerSecond: n / seconds, learningRate: this.#compile.optimizer.learningRate };
        if (validation) {
          const v = await this.#score(native, validation.x, validation.y, validation.n, batchSize);
          if (this.stateful) native.resetStates();
          Object.assign(logs, { valLoss: v.loss, valRmse: v.rmse, valMae: v.mae });
          history.valLoss!.push(v.loss);
          history.valRmse!.push(v.rmse);
          history.valMae!.push(v.mae);
        }
        await hooks('onEpochEnd', async () => {
          for (const cb of callbacks) await cb.onEpochEnd?.(epoch, logs);
        });
      }
      history.seconds = history.epochSeconds.reduce((a, b) => a + b, 0);
      history.samplesPerSecond = (n * history.loss.length) / history.seconds;
      const end = validation ? { loss: [...history.loss], valLoss: [...history.valLoss!] } : { loss: [...history.loss] };
      await hooks('onTrainEnd', async () => {
        for (const cb of callbacks) await cb.onTrainEnd?.(end);
      });
      return history;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.#busy = null;
      this.#fitting = false;
      releaseThreads();
    }
  }

  /** Splits off the validation data of fit()'s options (views, no copies). */
  #validationSplit(x: Tensor, y: Tensor, n: number, options: FitOptions) {
    const per = x.data.length / n;
    const perY = y.data.length / n;
    const train = { x: x.data, y: y.data, n };
    if (options.validationData !== undefined && options.validationSplit !== undefined) {
      throw new InvalidArgumentError('options.validationSplit', 'Expected either options.validationData or options.validationSplit but received both');
    }
    if (options.validationData !== undefined) {
      const vd = options.validationData;
      if (!Array.isArray(vd) || vd.length !== 2) throw invalid('options.validationData', '[x, y] (two tensors)', vd);
      const nv = this.#checkX('options.validationData[0]', vd[0]);
      this.#checkY('options.validationData[1]', vd[1], nv);
      return { train, validation: { x: vd[0].data, y: vd[1].data, n: nv } };
    }
    if (options.validationSplit !== undefined) {
      const f = options.validationSplit;
      if (typeof f !== 'number' || !(f > 0 && f < 1)) throw invalid('options.validationSplit', 'number in (0, 1)', f);
      const nTrain = Math.floor(n * (1 - f));
      if (nTrain < 1 || nTrain >= n) {
        throw new InvalidArgumentError(
          'options.validationSplit',
          `Expected a split leaving at least one training and one validation sample of ${n} but received ${f}`,
        );
      }
      return {
        train: { x: x.data.subarray(0, nTrain * per), y: y.data.subarray(0, nTrain * perY), n: nTrain },
        validation: { x: x.data.subarray(nTrain * per), y: y.data.subarray(nTrain * perY), n: n - nTrain },
      };
    }
    return { train, validation: null };
  }

  /** MSE, RMSE and MAE of the model on (x, y), called inside fit (no busy change). */
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
    const n = this.#checkX('x', x);
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
    const { ForecastPipeline: Pipeline } = await import('../forecast/pipeline.js');
    if (a instanceof Pipeline) {
      const { evaluateForecast } = await import('../forecast/evaluate.js');
      return evaluateForecast(this, a, b as ArrayLike<number>, options as EvaluateForecastOptions);
    }
    return this.#evaluateTensors(a as Tensor, b as Tensor, options as PredictOptions);
  }

  async #evaluateTensors(x: Tensor, y: Tensor, options: PredictOptions): Promise<Evaluation> {
    this.#usable();
    plainObject('options', options);
    const n = this.#checkX('x', x);
    this.#checkY('y', y, n);
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
    const n = this.#checkX('x', x);
    this.#checkY('y', y, n);
    const outer = this.#busy;
    this.#busy = 'lossAndGradients()';
    try {
      const { loss, gradients } = await native.lossAndGradients(x.data, y.data, n);
      return { loss, gradients: this.#split(gradients) };
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
    let native: NativeModel;
    try {
      native = new (binding().NativeModel)(spec, this.config.seed);
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
    const native = this.#usable();
    const rows = native.stateRows();
    const out: LayerState[] = [];
    this.config.layers.forEach((l, k) => {
      if (!isRecurrent(l)) return;
      const s = rows > 0 ? native.getState(k, rows) : { h: new Float32Array(0), c: new Float32Array(0) };
      out.push({ layer: k, h: s.h, c: s.c, rows });
    });
    return out;
  }

  /** Sets the stored state of recurrent layers (as returned by getStates()). */
  setStates(states: LayerState[]): void {
    const native = this.#usable();
    if (!Array.isArray(states)) throw invalid('states', 'array of layer states', states);
    states.forEach((s, i) => {
      const layer = this.config.layers[s?.layer];
      if (!layer || !isRecurrent(layer)) throw invalid(`states[${i}].layer`, 'index of a recurrent layer', s?.layer);
      const rows = positiveInteger(`states[${i}].rows`, s.rows);
      for (const key of ['h', 'c'] as const) {
        if (!(s[key] instanceof Float32Array) || s[key].length !== rows * layer.units) {
          throw invalid(`states[${i}].${key}`, `Float32Array of ${rows * layer.units} elements`, s[key]);
        }
        allFinite(`states[${i}].${key}`, s[key]);
      }
      native.setState(s.layer, s.h, s.c, rows);
    });
  }

  /** Copies of every parameter, by PyTorch name and layout (weight_ih [4H, I], ...). */
  getWeights(): Record<string, Float32Array> {
    return this.#split(this.#usable().getParams());
  }

  /**
   * Replaces every parameter. `weights` must name exactly the parameters of
   * getWeights(), with the same lengths and finite values.
   */
  setWeights(weights: Record<string, Float32Array>): void {
    const native = this.#usable();
    plainObject('weights', weights);
    const flat = new Float32Array(this.paramCount);
    for (const e of this.#names) {
      const w = weights[e.name];
      if (!(w instanceof Float32Array) || w.length !== e.length) {
        throw invalid(`weights['${e.name}']`, `Float32Array of ${e.length} elements (shape [${e.shape.join(', ')}])`, w);
      }
      allFinite(`weights['${e.name}']`, w);
      flat.set(w, e.offset);
    }
    const extra = Object.keys(weights).filter((k) => !this.#names.some((e) => e.name === k));
    if (extra.length > 0) {
      throw new InvalidArgumentError('weights', `Expected only the model's parameter names in weights but received unknown '${extra[0]}'`);
    }
    native.setParams(flat);
    this.#trained = true;
  }

  /**
   * Saves config, weights, compile config and `pipeline` to one safetensors file.
   * @example await model.save('btc.safetensors')
   */
  async save(path: string): Promise<void> {
    this.#usable();
    const { saveModel } = await import('./io.js');
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
  _layout(): { name: string; offset: number; shape: number[]; length: number }[] {
    return this.#names.map((e) => ({ ...e, shape: [...e.shape] }));
  }

  #usable(): NativeModel {
    if (this.#native === null) throw new DisposedError('The model was disposed');
    if (this.#busy && !(this.#busy === 'fit()' && this.#inCallback > 0)) {
      throw new BusyError(`The model is busy with ${this.#busy}; wait for it to finish before using the model again`);
    }
    return this.#native;
  }

  #split(flat: Float32Array): Record<string, Float32Array> {
    const out: Record<string, Float32Array> = {};
    for (const e of this.#names) out[e.name] = flat.slice(e.offset, e.offset + e.length);
    return out;
  }

  #checkX(name: string, x: unknown): number {
    const t = checkTensor(name, x, 3);
    const [n, steps, features] = t.shape as [number, number, number];
    if (n === 0) throw new InvalidArgumentError(name, `Expected at least one sample in ${name} but received shape [${t.shape.join(', ')}]`);
    if (steps !== this.config.inputShape[0] || features !== this.config.inputShape[1]) {
      throw new InvalidArgumentError(
        `${name}.shape`,
        `Expected ${name}.shape [samples, ${this.config.inputShape[0]}, ${this.config.inputShape[1]}] but received [${t.shape.join(', ')}]`,
      );
    }
    allFinite(`${name}.data`, t.data);
    return n;
  }

  #checkY(name: string, y: unknown, n: number): void {
    const t = checkTensor(name, y);
    const per = this.outputShape;
    const ok =
      t.shape[0] === n &&
      ((t.shape.length === 1 + per.length && t.shape.slice(1).every((d, i) => d === per[i])) ||
        (t.shape.length === 1 && sizeOf(per) === 1));
    if (!ok) {
      throw new InvalidArgumentError(
        `${name}.shape`,
        `Expected ${name}.shape [${[n, ...per].join(', ')}] (one target per sample of x) but received [${t.shape.join(', ')}]`,
      );
    }
    allFinite(`${name}.data`, t.data);
  }
}
