/** Training callbacks, Keras-style hooks called by Sequential.fit. */

export interface EpochLogs {
  /** Mean training loss over the epoch (sample-weighted, like Keras). */
  loss: number;
  /** Wall seconds the epoch took. */
  seconds: number;
  /** Training samples per second in this epoch. */
  samplesPerSecond: number;
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
  epochs: number;
  samples: number;
  batchSize: number;
  batchesPerEpoch: number;
}

/**
 * Hooks are called on the event loop; a hook that throws stops training (at the
 * next batch boundary for onBatchEnd) and fit() rejects with its error.
 */
export interface Callback {
  onTrainBegin?(logs: TrainBeginLogs): void | Promise<void>;
  onEpochBegin?(epoch: number): void | Promise<void>;
  onBatchEnd?(epoch: number, logs: BatchLogs): void;
  onEpochEnd?(epoch: number, logs: EpochLogs): void | Promise<void>;
  onTrainEnd?(history: { loss: number[] }): void | Promise<void>;
}
