/** Process-wide settings of the native core: kernel table and threads. */
import { BusyError } from '../core/errors.js';
import { binding, nativeError } from './binding.js';
import { integerInRange } from '../core/validate.js';
import { LIMITS } from '../core/limits.js';

/** The CPU kernel table in use ('scalar', 'avx2', 'avx512' or 'neon'); FLOWCAST_ISA forces one at load. */
export function kernelIsa(): string {
  return binding().isa();
}

/** Threads the native kernels use: FLOWCAST_THREADS, else every core. */
export function threads(): number {
  return binding().threads();
}

/**
 * Sets how many threads the native kernels use (1 = the calling worker only).
 * Results do not depend on it: every output is computed by one thread with
 * the same arithmetic, so a seed gives identical weights at any count.
 * @throws InvalidArgumentError for a count outside 1..1024 (LIMITS.threads); BusyError while any model trains or predicts
 * @example setThreads(1)
 */
export function setThreads(n: number): void {
  integerInRange('n', n, 1, LIMITS.threads);
  // The addon refuses only while a native call runs; a fit() is also busy between its batches' native calls.
  if (fitsRunning > 0) {
    throw new BusyError(`The thread count can change only while no model is training: ${fitsRunning === 1 ? 'a fit() is' : `${fitsRunning} fit() calls are`} running (callbacks included)`);
  }
  try {
    binding().setThreads(n);
  } catch (err) {
    throw nativeError(err);
  }
}

let fitsRunning = 0;

/**
 * Marks a fit() as running (Sequential.fit calls it) until the returned
 * function is called: setThreads refuses meanwhile with a BusyError.
 */
export function holdThreadCount(): () => void {
  fitsRunning++;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    fitsRunning--;
  };
}
