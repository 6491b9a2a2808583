/**
 * Model checkpoints (Keras ModelCheckpoint): save the model (config,
 * weights, compile config and pipeline: model.save) after epochs, either
 * every N epochs or only when the monitored quantity improves.
 */
import { invalid, optional, plainObject, positiveInteger, boolean } from '../../core/validate.js';
import type { Sequential } from '../sequential.js';
import { checkMonitor, monitored, type Monitor } from './monitor.js';
import type { Callback, EpochLogs, TrainBeginLogs } from './types.js';

export interface ModelCheckpointOptions {
  /** Where to save; `{epoch}` is replaced by the 1-based epoch number. */
  path: string;
  /** Save only when `monitor` improves on the best so far. Default false. */
  saveBestOnly?: boolean;
  /** With saveBestOnly: the quantity to watch. Default 'valLoss'. */
  monitor?: Monitor;
  /** Without saveBestOnly: save every this many epochs. Default 1. */
  everyEpochs?: number;
}

export interface ModelCheckpoint extends Callback {
  /** Paths written so far, in order. */
  readonly saved: readonly string[];
}

/**
 * @example modelCheckpoint({ path: 'ckpt/best.safetensors', saveBestOnly: true })
 * @example modelCheckpoint({ path: 'ckpt/epoch-{epoch}.safetensors', everyEpochs: 5 })
 */
export function modelCheckpoint(options: ModelCheckpointOptions): ModelCheckpoint {
  plainObject('options', options);
  if (typeof options.path !== 'string' || options.path === '') throw invalid('options.path', 'non-empty file path string', options.path);
  const path = options.path;
  const bestOnly = optional(options.saveBestOnly, false, (v) => boolean('options.saveBestOnly', v));
  const monitor = optional(options.monitor, 'valLoss' as Monitor, (v) => checkMonitor('options.monitor', v));
  const every = optional(options.everyEpochs, 1, (v) => positiveInteger('options.everyEpochs', v));
  let model: Sequential | null = null;
  let best = Infinity;
  const saved: string[] = [];
  return {
    saved,
    onTrainBegin(logs: TrainBeginLogs) {
      model = logs.model;
      best = Infinity;
    },
    async onEpochEnd(epoch: number, logs: EpochLogs) {
      if (bestOnly) {
        const value = monitored('modelCheckpoint', monitor, logs);
        if (!(value < best)) return;
        best = value;
      } else if ((epoch + 1) % every !== 0) {
        return;
      }
      const file = path.replaceAll('{epoch}', String(epoch + 1));
      await model!.save(file);
      saved.push(file);
    },
  };
}
