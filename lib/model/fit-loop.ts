/**
 * fit()'s epoch loop: native epochs in a worker, callbacks between them,
 * validation scoring after each, cancellation by AbortSignal at the next
 * batch boundary. The model hands in what the loop may touch (FitRun); the
 * loop owns nothing but the history it returns.
 */
import { AbortError, InvalidArgumentError, NativeError } from '../core/errors.js';
import type { Tensor } from '../core/tensor.js';
import { boolean, invalid, nonNegativeInteger, optional, positiveInteger } from '../core/validate.js';
import { nativeError, type NativeModel } from '../native/binding.js';
import type { BatchLogs, Callback, EpochLogs } from './callbacks/types.js';
import { checkInputs, checkTargets, splitValidation, type SampleShapes, type Samples } from './samples.js';
import type { Sequential } from './sequential.js';

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

/** fit()'s options, checked, and its data split into training and validation rows. */
export interface FitPlan {
  train: Samples;
  validation: Samples | null;
  batchSize: number;
  epochs: number;
  initialEpoch: number;
  shuffle: boolean;
  callbacks: Callback[];
  signal: AbortSignal | undefined;
}

/**
 * Checks fit()'s data and options in the order the messages promise (x, y,
 * batchSize, epochs, ..., validation) and splits off the validation data.
 * @throws InvalidArgumentError naming the option; AbortError for a signal aborted already
 */
export function planFit(
  x: Tensor,
  y: Tensor,
  options: FitOptions,
  model: SampleShapes & { readonly stateful: boolean; batchSize(value: unknown): number },
): FitPlan {
  const all = checkInputs('x', x, model);
  checkTargets('y', y, all, model);
  const batchSize = model.batchSize(options.batchSize);
  const epochs = optional(options.epochs, 1, (v) => positiveInteger('options.epochs', v));
  const initialEpoch = optional(options.initialEpoch, 0, (v) => nonNegativeInteger('options.initialEpoch', v));
  if (initialEpoch >= epochs) {
    throw new InvalidArgumentError('options.initialEpoch', `Expected options.initialEpoch below options.epochs (${epochs}) but received ${initialEpoch}`);
  }
  const shuffle = optional(options.shuffle, !model.stateful, (v) => boolean('options.shuffle', v));
  if (shuffle && model.stateful) {
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
  const { train, validation } = splitValidation(x, y, all, options, model);
  if (signal?.aborted) throw new AbortError('fit() was aborted before it started');
  return { train, validation, batchSize, epochs, initialEpoch, shuffle, callbacks, signal };
}

/** What the loop may do to the model. */
export interface FitRun extends FitPlan {
  native: NativeModel;
  /** Handed to callbacks (onTrainBegin's logs.model). */
  model: Sequential;
  stateful: boolean;
  /** The optimizer's current rate (a schedule callback may change it). */
  learningRate(): number;
  /** True once a callback set model.stopTraining. */
  stopRequested(): boolean;
  /** The weights moved: the model counts as trained. */
  markTrained(): void;
  /** Brackets each run of callbacks: the model is usable from inside them. */
  enterCallbacks(): void;
  leaveCallbacks(): void;
  /** The compiled loss, RMSE and MAE on held-out rows. */
  score(samples: Samples): Promise<{ loss: number; rmse: number; mae: number }>;
}

/** Runs epochs initialEpoch .. epochs - 1 and returns their history. */
export async function runFitLoop(run: FitRun): Promise<History> {
  const { native, train, validation, batchSize, epochs, initialEpoch, shuffle, callbacks, signal } = run;
  const n = train.n;
  const onAbort = () => native.cancel();
  signal?.addEventListener('abort', onAbort);
  const history: History = { loss: [], epochs: 0, epochSeconds: [], seconds: 0, samples: n, samplesPerSecond: 0 };
  if (validation) Object.assign(history, { valLoss: [], valRmse: [], valMae: [] });
  // Callbacks run between native calls: the model is usable from them
  // (save, getWeights, setWeights, predict) but cannot start another fit.
  // Hooks no callback defines are skipped without yielding, so fit() stays
  // busy to the outside until a callback actually runs.
  const hooks = async (hook: keyof Callback, call: () => Promise<void>) => {
    if (!callbacks.some((cb) => cb[hook])) return;
    run.enterCallbacks();
    try {
      await call();
    } finally {
      run.leaveCallbacks();
    }
  };
  try {
    const batchesPerEpoch = Math.ceil(n / batchSize);
    const begin = { epochs, initialEpoch, samples: n, validationSamples: validation?.n ?? 0, batchSize, batchesPerEpoch, model: run.model };
    await hooks('onTrainBegin', async () => {
      for (const cb of callbacks) await cb.onTrainBegin?.(begin);
    });
    for (let epoch = initialEpoch; epoch < epochs && !run.stopRequested(); epoch++) {
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
          run.markTrained(); // the weights may have moved: count them as trained
          if (run.stateful) native.resetStates();
          throw new AbortError(
            `fit() was aborted during epoch ${epoch + 1}; the model keeps the weights of the last completed batch`,
          );
        }
        throw e;
      }
      run.markTrained();
      if (run.stateful) native.resetStates();
      const seconds = (performance.now() - t0) / 1000;
      history.loss.push(result.loss);
      history.epochSeconds.push(seconds);
      history.epochs = history.loss.length;
      const logs: EpochLogs = { loss: result.loss, seconds, samplesPerSecond: n / seconds, learningRate: run.learningRate() };
      if (validation) {
        const v = await run.score(validation);
        if (run.stateful) native.resetStates();
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
  }
}
