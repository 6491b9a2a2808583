/** The quantity a callback watches: one of the epoch logs' numbers, lower is better. */
import { StateError } from '../../core/errors.js';
import { oneOf } from '../../core/validate.js';
import type { EpochLogs } from './types.js';

export type Monitor = 'loss' | 'valLoss' | 'valRmse' | 'valMae';
export const MONITORS: readonly Monitor[] = ['loss', 'valLoss', 'valRmse', 'valMae'];

export function checkMonitor(name: string, value: unknown): Monitor {
  return oneOf(name, value, MONITORS);
}

/**
 * The monitored value of an epoch.
 * @throws StateError when fit() has no validation data for a val* monitor
 */
export function monitored(callback: string, monitor: Monitor, logs: EpochLogs): number {
  const v = logs[monitor];
  if (v === undefined) {
    throw new StateError(
      `${callback} monitors '${monitor}' but fit() has no validation data: pass options.validationData or options.validationSplit, or monitor 'loss'`,
    );
  }
  return v;
}
