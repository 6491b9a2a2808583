/** Training callbacks, Keras-style hooks called by Sequential.fit. */
import type { Sequential } from '../sequential.js';

export interface EpochLogs {
  /** Mean training loss over the epoch (sample-weighted, like Keras). */
  loss: number;
  /** Wall seconds the epoch took (training only, without validation). */
  seconds: number;
  /** Training samples per second in this epoch. */
  samplesPerSecond: number;
  /** The optimizer's learning rate during the epoch. */
  learningRate: number;
  /** With validation data: the compiled loss on it after the epoch. */
  valLoss?: number;
  /** With validation data: RMSE and MAE over all validation outputs. */
  valRmse?: number;
  valMae?: number;
}

export interface BatchLogs {
  /** 1-based batch index within the epoch. */
  batch: number;
  batches: number;
  /** Samples done so far in this epoch. */
  samples: number;
  /** Running mean loss over the epoch so far. */
  loss: number;
}

export interface TrainBeginLogs {
  /** fit()'s options.epochs: training stops before this epoch index. */
  epochs: number;
  /** The first epoch index of this run (options.initialEpoch, 0 unless resuming). */
  initialEpoch: number;
  /** Training samples (after a validationSplit). */
  samples: number;
  /** Validation samples, 0 without validation. */
  validationSamples: number;
  batchSize: number;
  batchesPerEpoch: number;
  /** The model being trained (for callbacks that save or restore weights). */
  model: Sequential;
}

/**
 * Hooks are called on the event loop; a hook that throws stops training (at the
 * next batch boundary for onBatchEnd) and fit() rejects with its error. A hook
 * may set `model.stopTraining = true` to end training after the current epoch
 * (fit() then resolves normally, as Keras does).
 */
export interface Callback {
  onTrainBegin?(logs: TrainBeginLogs): void | Promise<void>;
  onEpochBegin?(epoch: number): void | Promise<void>;
  onBatchEnd?(epoch: number, logs: BatchLogs): void;
  onEpochEnd?(epoch: number, logs: EpochLogs): void | Promise<void>;
  onTrainEnd?(history: { loss: number[]; valLoss?: number[] }): void | Promise<void>;
}
