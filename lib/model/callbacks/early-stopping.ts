/**
 * Early stopping (Keras EarlyStopping): stop when the monitored quantity
 * has not improved by more than minDelta for `patience` epochs, and
 * optionally restore the weights of the best epoch.
 */
import { invalid, nonNegativeInteger, optional, plainObject, boolean } from '../../core/validate.js';
import type { Sequential } from '../sequential.js';
import { checkMonitor, monitored, type Monitor } from './monitor.js';
import type { Callback, EpochLogs, TrainBeginLogs } from './types.js';

export interface EarlyStoppingOptions {
  /** Default 'valLoss' (needs validation data); 'loss' watches training loss. */
  monitor?: Monitor;
  /** Epochs without improvement before stopping. Default 0 (stop at the first). */
  patience?: number;
  /** An improvement must lower the value by more than this. Default 0. */
  minDelta?: number;
  /**
   * At the end of training, put back the weights of the best epoch (whether
   * training stopped early or ran all epochs; Keras 3 does the same). Default false.
   */
  restoreBestWeights?: boolean;
}

export interface EarlyStopping extends Callback {
  /** Best monitored value so far (Infinity before the first epoch). */
  readonly best: number;
  /** 0-based epoch of the best value, -1 before the first epoch. */
  readonly bestEpoch: number;
  /** 0-based epoch after which training was stopped, -1 if it was not. */
  readonly stoppedEpoch: number;
}

/**
 * @example await model.fit(x, y, { validationSplit: 0.1, epochs: 100, callbacks: [earlyStopping({ patience: 5, restoreBestWeights: true })] })
 */
export function earlyStopping(options: EarlyStoppingOptions = {}): EarlyStopping {
  plainObject('options', options);
  const monitor = optional(options.monitor, 'valLoss' as Monitor, (v) => checkMonitor('options.monitor', v));
  const patience = optional(options.patience, 0, (v) => nonNegativeInteger('options.patience', v));
  const minDelta = optional(options.minDelta, 0, (v) => {
    if (typeof v !== 'number' || !(v >= 0) || !Number.isFinite(v)) throw invalid('options.minDelta', 'finite number >= 0', v);
    return v;
  });
  const restore = optional(options.restoreBestWeights, false, (v) => boolean('options.restoreBestWeights', v));
  let model: Sequential | null = null;
  let best = Infinity;
  let bestEpoch = -1;
  let stoppedEpoch = -1;
  let wait = 0;
  let bestWeights: Record<string, Float32Array> | null = null;
  return {
    get best() {
      return best;
    },
    get bestEpoch() {
      return bestEpoch;
    },
    get stoppedEpoch() {
      return stoppedEpoch;
    },
    onTrainBegin(logs: TrainBeginLogs) {
      model = logs.model;
      best = Infinity;
      bestEpoch = -1;
      stoppedEpoch = -1;
      wait = 0;
      bestWeights = null;
    },
    onEpochEnd(epoch: number, logs: EpochLogs) {
      const value = monitored('earlyStopping', monitor, logs);
      wait++;
      if (value < best - minDelta) {
        best = value;
        bestEpoch = epoch;
        wait = 0;
        if (restore) bestWeights = model!.getWeights();
        return;
      }
      if (wait >= patience && epoch > 0) {
        stoppedEpoch = epoch;
        model!.stopTraining = true;
      }
    },
    onTrainEnd() {
      if (restore && bestWeights) model!.setWeights(bestWeights);
    },
  };
}
