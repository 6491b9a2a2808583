/**
 * Learning-rate schedules as callbacks: each sets model.learningRate before
 * an epoch (or, for reduceLrOnPlateau, after one), keeping the optimizer's
 * state. Epochs count from 0; lr0 is the rate the model was compiled with
 * (read when training begins). Formulas follow torch.optim.lr_scheduler
 * (reduceLrOnPlateau follows Keras: an absolute minDelta):
 *   stepDecay:         lr = lr0 * gamma^floor(epoch / stepSize)          (StepLR)
 *   exponentialDecay:  lr = lr0 * gamma^epoch                            (ExponentialLR)
 *   cosineDecay:       lr = min + (lr0 - min) (1 + cos(pi epoch / epochs)) / 2,
 *                      epoch clamped to `epochs`                        (CosineAnnealingLR)
 *   reduceLrOnPlateau: lr = max(lr * factor, minLearningRate) after `patience`
 *                      epochs without an improvement of more than minDelta,
 *                      then `cooldown` epochs of rest            (Keras ReduceLROnPlateau)
 */
import { invalid, nonNegativeInteger, optional, plainObject, positiveInteger } from '../../core/validate.js';
import type { Sequential } from '../sequential.js';
import { checkMonitor, monitored, type Monitor } from './monitor.js';
import type { Callback, EpochLogs, TrainBeginLogs } from './types.js';

function factor(name: string, v: unknown): number {
  if (!(typeof v === 'number' && v > 0 && v < 1)) throw invalid(name, 'number in (0, 1)', v);
  return v;
}

function nonNegativeNumber(name: string, v: unknown): number {
  if (!(typeof v === 'number' && Number.isFinite(v) && v >= 0)) throw invalid(name, 'finite number >= 0', v);
  return v;
}

/** A schedule from a formula of (epoch, lr0). */
function perEpoch(rate: (epoch: number, lr0: number) => number): Callback {
  let model: Sequential | null = null;
  let lr0 = 0;
  return {
    onTrainBegin(logs: TrainBeginLogs) {
      model = logs.model;
      lr0 = model.learningRate;
    },
    onEpochBegin(epoch: number) {
      model!.learningRate = rate(epoch, lr0);
    },
  };
}

export interface StepDecayOptions {
  /** Epochs between decays. */
  stepSize: number;
  /** Multiplier per decay. Default 0.1. */
  gamma?: number;
}

/** @example stepDecay({ stepSize: 10, gamma: 0.5 }) */
export function stepDecay(options: StepDecayOptions): Callback {
  plainObject('options', options);
  const stepSize = positiveInteger('options.stepSize', options.stepSize);
  const gamma = optional(options.gamma, 0.1, (v) => factor('options.gamma', v));
  return perEpoch((epoch, lr0) => lr0 * gamma ** Math.floor(epoch / stepSize));
}

/** @example exponentialDecay({ gamma: 0.95 }) */
export function exponentialDecay(options: { gamma: number }): Callback {
  plainObject('options', options);
  const gamma = factor('options.gamma', options.gamma);
  return perEpoch((epoch, lr0) => lr0 * gamma ** epoch);
}

export interface CosineDecayOptions {
  /** Epochs to anneal over (T_max). */
  epochs: number;
  /** Floor (eta_min). Default 0. */
  minLearningRate?: number;
}

/** @example cosineDecay({ epochs: 50, minLearningRate: 1e-5 }) */
export function cosineDecay(options: CosineDecayOptions): Callback {
  plainObject('options', options);
  const epochs = positiveInteger('options.epochs', options.epochs);
  const min = optional(options.minLearningRate, 0, (v) => nonNegativeNumber('options.minLearningRate', v));
  // A rate of exactly 0 is refused by the optimizer; stay at the smallest positive float.
  return perEpoch((epoch, lr0) => Math.max(min + ((lr0 - min) * (1 + Math.cos((Math.PI * Math.min(epoch, epochs)) / epochs))) / 2, Number.MIN_VALUE));
}

export interface ReduceLrOnPlateauOptions {
  /** Default 'valLoss'. */
  monitor?: Monitor;
  /** Multiplier when the monitored value plateaus. Default 0.1. */
  factor?: number;
  /** Epochs without improvement before reducing. Default 10. */
  patience?: number;
  /** An improvement must lower the value by more than this. Default 1e-4. */
  minDelta?: number;
  /** Epochs to wait after a reduction before counting again. Default 0. */
  cooldown?: number;
  /** Never below this. Default 0 (the smallest positive rate). */
  minLearningRate?: number;
}

export interface ReduceLrOnPlateau extends Callback {
  /** 0-based epochs after which the rate was reduced. */
  readonly reductions: readonly number[];
}

/** @example reduceLrOnPlateau({ factor: 0.5, patience: 3 }) */
export function reduceLrOnPlateau(options: ReduceLrOnPlateauOptions = {}): ReduceLrOnPlateau {
  plainObject('options', options);
  const monitor = optional(options.monitor, 'valLoss' as Monitor, (v) => checkMonitor('options.monitor', v));
  const f = optional(options.factor, 0.1, (v) => factor('options.factor', v));
  const patience = optional(options.patience, 10, (v) => nonNegativeInteger('options.patience', v));
  const minDelta = optional(options.minDelta, 1e-4, (v) => nonNegativeNumber('options.minDelta', v));
  const cooldown = optional(options.cooldown, 0, (v) => nonNegativeInteger('options.cooldown', v));
  const minLr = optional(options.minLearningRate, 0, (v) => nonNegativeNumber('options.minLearningRate', v));
  let model: Sequential | null = null;
  let best = Infinity;
  let wait = 0;
  let cooling = 0;
  const reductions: number[] = [];
  return {
    reductions,
    onTrainBegin(logs: TrainBeginLogs) {
      model = logs.model;
      best = Infinity;
      wait = 0;
      cooling = 0;
      reductions.length = 0;
    },
    onEpochEnd(epoch: number, logs: EpochLogs) {
      const value = monitored('reduceLrOnPlateau', monitor, logs);
      if (cooling > 0) {
        cooling--;
        wait = 0;
      }
      if (value < best - minDelta) {
        best = value;
        wait = 0;
        return;
      }
      if (cooling > 0) return;
      wait++;
      if (wait >= patience) {
        const next = Math.max(model!.learningRate * f, minLr, Number.MIN_VALUE);
        if (next < model!.learningRate) {
          model!.learningRate = next;
          reductions.push(epoch);
        }
        cooling = cooldown;
        wait = 0;
      }
    },
  };
}
